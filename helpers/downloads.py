"""Downloads and archives: fetch a file from a list of origins, unpack a zip.

Used by ``assets`` for the dataset and the weights (01_data, 03). Why not
``keras.utils.get_file``: it writes straight into the cache under the final name
(a killed download leaves a file the next run trusts unless a hash is known), it
knows one origin, and a server that stalls is waited for without end. Here a
download goes to a temporary name, is checked, and only then renamed into place;
every origin of the list is tried in turn, and each failure is reported.
"""

from __future__ import annotations

import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath


class AssetError(RuntimeError):
    """An asset could not be found, downloaded or verified; says what to do."""


def split_urls(value: str) -> list[str]:
    """URLs separated by spaces or commas, as the ``TL_*_URL`` variables hold."""
    return [u for u in re.split(r"[\s,]+", value.strip()) if u]


def download(origins: list[str], dest: Path, progress: bool = True,
             label: str | None = None, fix: str = "") -> Path:
    """Download the first origin that works to ``dest``, atomically.

    The file is written to a temporary name beside ``dest`` and renamed only when
    the byte count matches the server's Content-Length. Raises ``AssetError``
    listing what each origin answered, followed by ``fix``.
    """
    from tqdm.auto import tqdm

    dest.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    for url in origins:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https", "file"):
            failures.append(f"{url}: not a valid URL; write it as http://host:port/...")
            continue
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial",
                                        dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(
                url, timeout=30
            ) as response:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                          desc=label or dest.name, disable=not progress) as bar:
                    done = 0
                    while chunk := response.read(1 << 20):
                        out.write(chunk)
                        done += len(chunk)
                        bar.update(len(chunk))
            if total is not None and done != total:
                raise AssetError(f"truncated: got {done} of {total} bytes")
            os.replace(tmp, dest)
            return dest
        except urllib.error.HTTPError as e:
            failures.append(f"{url}: HTTP {e.code} {e.reason}")
        except urllib.error.URLError as e:
            failures.append(f"{url}: cannot connect ({e.reason})")
        except (OSError, AssetError) as e:
            failures.append(f"{url}: {e}")
        finally:
            tmp.unlink(missing_ok=True)
    raise AssetError(
        f"Could not download {label or dest.name}. Tried:\n  " + "\n  ".join(failures)
        + (f"\n{fix}" if fix else "")
    )


def safe_extract(zip_path: Path, target: Path) -> Path:
    """Extract ``zip_path`` into the new folder ``target``, refusing unsafe entries.

    Absolute paths, ``..`` components and symbolic links are refused before
    anything is written. Raises ``AssetError`` for a corrupt or truncated zip.
    """
    try:
        with zipfile.ZipFile(zip_path) as zf:
            for info in zf.infolist():
                name = PurePosixPath(info.filename.replace("\\", "/"))
                is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
                if name.is_absolute() or ".." in name.parts or re.match(
                    r"^[A-Za-z]:", info.filename
                ) or is_link:
                    raise AssetError(
                        f"{zip_path.name} holds an unsafe entry {info.filename!r} "
                        "(outside the target folder or a link); nothing was "
                        "extracted. Get the zip from a trusted source."
                    )
            bad = zf.testzip()
            if bad is not None:
                raise AssetError(f"{zip_path.name} is corrupt (bad CRC in {bad}). "
                                 "Download it again.")
            target.mkdir(parents=True)
            zf.extractall(target)
    except (zipfile.BadZipFile, EOFError) as e:
        raise AssetError(
            f"{zip_path.name} is not a complete zip file ({e}): the download was "
            "probably cut off. Delete it and download it again."
        ) from e
    return target
