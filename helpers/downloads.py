"""Downloads and archives: fetch a file from a list of origins, unpack a zip.

Used by ``assets`` for the dataset and the weights (01_data, 03). Why not
``keras.utils.get_file``: it writes straight into the cache under the final name
(a killed download leaves a file the next run trusts unless a hash is known:
tests/unit/test_downloads.py shows it), it knows one origin, and its
``urlretrieve`` has no timeout, so a server that stalls is waited for without
end. Here a
download goes to a temporary name, is checked, and only then renamed into place;
every origin of the list is tried in turn, and each failure is reported.

Nothing a server or a zip says is trusted: a download gives up when it stalls
(fewer than ``STALL_BYTES`` in ``STALL_SECONDS``, headers included) or grows past
``MAX_DOWNLOAD_BYTES``, and must look like what was asked for (a zip, an HDF5
file, not a captive portal's HTML page); a zip is refused before anything is
written when an entry is unsafe, encrypted, oddly compressed or named, or when it
would unpack to more than ``MAX_EXTRACT_BYTES`` or ``MAX_RATIO`` times its size.
The limits are module constants (the tests make them small).
(Over 250 lines: both halves, HTTP and zip, each with every failure named.)
"""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import stat
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .artifacts import write_atomically
from .errors import AssetError

#: A download gives up when fewer than STALL_BYTES arrived in STALL_SECONDS.
STALL_SECONDS = 30.0
STALL_BYTES = 64 * 1024
#: Bytes per read: the progress bar moves at least this often.
CHUNK_BYTES = 64 * 1024
#: No asset of the course is near this; a server sending more is refused.
MAX_DOWNLOAD_BYTES = 2 << 30
#: A download that never stalls but never ends gives up after this long.
DEADLINE_SECONDS = 3600.0
#: A zip may unpack to at most this many bytes, files and entries.
MAX_EXTRACT_BYTES = 2 << 30
MAX_ENTRIES = 50_000
#: ... at most MAX_RATIO times its compressed size, per entry and overall, once
#: more than RATIO_MIN_BYTES (a tiny text file may compress far better).
MAX_RATIO = 100
RATIO_MIN_BYTES = 1 << 20
#: Longest file name (one path component) and entry path, in bytes.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 1024
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
READABLE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED,
                        zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
try:
    from lzma import LZMAError
except ImportError:  # a Python built without lzma
    LZMAError = zlib.error
#: What a damaged entry raises while it is read.
CORRUPT_DATA = (zipfile.BadZipFile, EOFError, zlib.error, LZMAError)


def split_urls(value: str) -> list[str]:
    """URLs separated by spaces or commas, as the ``TL_*_URL`` variables hold."""
    return [u for u in re.split(r"[\s,]+", value.strip()) if u]


class StallWatch:
    """Shuts a connection whose bytes arrive too slowly (a thread of its own).

    ``received`` is advanced by the reader; every ``STALL_SECONDS`` the watch
    checks that ``STALL_BYTES`` arrived since its last look, else it shuts the
    socket, which wakes a read blocked on it, and sets ``stalled``.
    """

    def __init__(self):
        self.received, self.sock, self.stalled = 0, None, False
        self._done = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        seen, since = 0, time.monotonic()
        while not self._done.wait(min(1.0, STALL_SECONDS / 4)):
            if self.sock is None:  # connecting (its own timeout), or a local file
                seen, since = self.received, time.monotonic()
                continue
            if time.monotonic() - since < STALL_SECONDS:
                continue
            if self.received - seen < STALL_BYTES:
                self.stalled = True
                try:  # the plain socket's shutdown, also under TLS
                    socket.socket.shutdown(self.sock, socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            seen, since = self.received, time.monotonic()

    def stop(self):
        self._done.set()


def open_url(url: str, watch: StallWatch):
    """``urlopen`` whose HTTP(S) connections hand their socket to ``watch``."""

    class Tap:
        def connect(self):
            super().connect()
            watch.sock = self.sock

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(type("C", (Tap, http.client.HTTPConnection), {}),
                                req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(type("C", (Tap, http.client.HTTPSConnection), {}),
                                req, context=self._context)

    # Reads wait longer than the watch's window: a stall is the watch's to call.
    return urllib.request.build_opener(HTTP, HTTPS).open(
        url, timeout=2 * STALL_SECONDS)


def read_content_length(headers) -> int | None:
    """The announced size, ``None`` if not announced; ``AssetError`` if malformed."""
    values = set(headers.get_all("Content-Length") or [])
    if not values:
        return None
    if len(values) > 1 or not all(v.strip().isdigit() for v in values):
        raise AssetError(f"malformed Content-Length header {sorted(values)}")
    return int(values.pop())


def identify_content(path: Path) -> str:
    """What a file holds, by its first bytes: ``"zip"``, ``"hdf5"``, ``"html"``,
    ``"empty"`` or ``"unknown"``."""
    with open(path, "rb") as f:
        head = f.read(512)
    if not head:
        return "empty"
    if head.startswith(ZIP_SIGNATURES):
        return "zip"
    if head.startswith(HDF5_SIGNATURE):
        return "hdf5"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()  # a BOM, blanks
    if text.startswith((b"<!doctype", b"<html", b"<head")) or b"<html" in text:
        return "html"
    return "unknown"


def check_content(path: Path, kind: str) -> None:
    """Raise ``AssetError`` unless ``path`` holds a ``kind`` file ("zip", "hdf5")."""
    found = identify_content(path)
    if found == "zip" and kind == "zip" and not zipfile.is_zipfile(path):
        raise AssetError("sent a file that is not a complete zip file (cut off?)")
    if found == kind:
        return
    if found == "html":
        raise AssetError(
            f"sent an HTML page, not a {kind} file: a network login page (captive "
            "portal), an error page or a folder listing. Open the URL in a browser "
            "to see it, log in to the network, or fix the URL")
    what = {"empty": "an empty file", "zip": "a zip file", "hdf5": "an HDF5 file"}
    raise AssetError(f"sent {what.get(found, 'a file of another kind')}, not the "
                     f"{kind} file expected")


def fetch_url(url: str, tmp: Path, label: str, progress: bool,
              max_bytes: int | None = None) -> None:
    """Write what ``url`` serves to ``tmp``; raise on a stall, a short body,
    more than ``max_bytes`` (``MAX_DOWNLOAD_BYTES``) or ``DEADLINE_SECONDS``."""
    from tqdm.auto import tqdm

    limit = MAX_DOWNLOAD_BYTES if max_bytes is None else min(max_bytes,
                                                             MAX_DOWNLOAD_BYTES)
    deadline = time.monotonic() + DEADLINE_SECONDS

    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file":
        local = Path(urllib.request.url2pathname(parts.path))
        if not local.is_file():  # a FIFO would block the open
            raise AssetError(f"{local} is not a regular file")
    watch = StallWatch()
    done = 0
    try:
        with open_url(url, watch) as response, open(tmp, "wb") as out:
            total = read_content_length(response.headers)
            if total is not None and total > limit:
                raise AssetError(f"announces {total:,} bytes, more than the "
                                 f"{limit:,} bytes this file may have")
            read = getattr(response, "read1", response.read)
            with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                      desc=label, disable=not progress) as bar:
                while chunk := read(CHUNK_BYTES):
                    out.write(chunk)
                    done += len(chunk)
                    watch.received = done
                    bar.update(len(chunk))
                    if done > limit:
                        raise AssetError(f"sent more than {limit:,} bytes, more "
                                         "than this file may have")
                    if time.monotonic() > deadline:
                        raise AssetError(
                            f"took longer than {DEADLINE_SECONDS:g} seconds (got "
                            f"{done:,} bytes): the network is too slow or the "
                            "server sends without end")
    except (OSError, http.client.HTTPException):
        if not watch.stalled:
            raise
    finally:
        watch.stop()
    if watch.stalled:
        raise AssetError(
            f"stalled: fewer than {STALL_BYTES:,} bytes arrived in "
            f"{STALL_SECONDS:g} seconds (got {done:,} bytes in all)")
    if total is not None and done != total:
        raise AssetError(f"truncated: got {done} of {total} bytes")


def describe_failure(error: BaseException) -> str:
    """One line for an origin that failed: what it did, in words."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot connect ({error.reason})"
    if isinstance(error, TimeoutError):
        return f"no answer within {2 * STALL_SECONDS:g} seconds"
    if isinstance(error, http.client.IncompleteRead):
        return "the connection was cut off before the end of the file"
    if isinstance(error, http.client.BadStatusLine):  # RemoteDisconnected too
        return ("did not answer as an HTTP server (is it the right port?): "
                f"{type(error).__name__}: {error}")
    if isinstance(error, AssetError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def download(origins: list[str], dest: Path, progress: bool = True,
             label: str | None = None, fix: str = "", kind: str | None = None,
             max_bytes: int | None = None) -> Path:
    """Download the first origin that works to ``dest``, atomically.

    Each origin is written to a temporary name beside ``dest``, and renamed only
    when its byte count matches the server's Content-Length and, with ``kind``
    ("zip" or "hdf5"), it looks like that kind of file; it may not exceed
    ``max_bytes`` (a manifest's size, say) nor take ``DEADLINE_SECONDS``. Any
    failure of one origin is recorded and the next is tried; if none works,
    raises ``AssetError`` listing what each origin did, followed by ``fix``.
    """
    label = label or dest.name
    failures = []
    for url in origins:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https", "file"):
            failures.append(f"{url}: not a valid URL; write it as http://host:port/...")
            continue

        def write(tmp, url=url):
            fetch_url(url, Path(tmp), label, progress, max_bytes)
            if kind:
                check_content(Path(tmp), kind)

        try:
            return write_atomically(dest, write)
        except Exception as e:  # noqa: BLE001 - any origin's failure: the next one
            failures.append(f"{url}: {describe_failure(e)}")
    raise AssetError(
        f"Could not download {label}. Tried:\n  " + "\n  ".join(failures)
        + (f"\n{fix}" if fix else "")
    )


def _refuse(name: str, what: str, fix: str) -> AssetError:
    return AssetError(f"{name} {what}; nothing was extracted. {fix}")


def check_entries(zf: zipfile.ZipFile, name: str) -> list:
    """The entries of ``zf`` as (info, path parts), after refusing any that is
    unsafe, encrypted, unreadable, too long, clashing or too large (see the
    module docstring). Raises ``AssetError``; reads no entry's data."""
    infos = zf.infolist()
    trusted = "Get the zip from a trusted source, or zip the dataset folder again."
    if len(infos) > MAX_ENTRIES:
        raise _refuse(name, f"holds {len(infos):,} entries, more than "
                      f"{MAX_ENTRIES:,}", trusted)
    entries, files, folders = [], set(), set()
    total = packed = 0
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        is_link = stat.S_ISLNK(info.external_attr >> 16)
        if path.is_absolute() or ".." in path.parts or re.match(
                r"^[A-Za-z]:", info.filename) or is_link:
            raise _refuse(name, f"holds an unsafe entry {info.filename!r} "
                          "(outside the target folder or a link)", trusted)
        if info.flag_bits & 0x1:
            raise _refuse(name, f"holds an encrypted entry {info.filename!r}",
                          "Zip the folder again without a password.")
        if info.compress_type not in READABLE_COMPRESSION:
            raise _refuse(name, f"stores {info.filename!r} with a compression "
                          f"Python cannot read (method {info.compress_type})",
                          "Zip the folder again with the usual deflate method.")
        if any(len(p.encode()) > MAX_NAME_BYTES for p in path.parts) or len(
                info.filename.encode()) > MAX_PATH_BYTES:
            raise _refuse(name, f"holds a name too long for a file system "
                          f"({info.filename[:60]!r}...)",
                          "Shorten the file names, then zip the folder again.")
        parts = path.parts
        if not parts:
            continue
        clashes = [parts[:i] for i in range(1, len(parts)) if parts[:i] in files]
        if parts in files or (not info.is_dir() and parts in folders) or clashes:
            clash = "/".join((clashes or [parts])[0])
            raise _refuse(name, f"holds {clash!r} twice, or both as a file and "
                          "as a folder", "Rename one, then zip again.")
        folders.update(parts[:i] for i in range(1, len(parts) + info.is_dir()))
        if not info.is_dir():
            files.add(parts)
        total += info.file_size
        packed += info.compress_size
        for size, small, where in ((info.file_size, info.compress_size,
                                    f"{info.filename!r}"), (total, packed, "in all")):
            if size > RATIO_MIN_BYTES and size > MAX_RATIO * small:
                raise _refuse(name, f"would unpack {where} to {size:,} bytes, "
                              f"over {MAX_RATIO} times its compressed size (a zip "
                              "bomb?)", trusted)
        if total > MAX_EXTRACT_BYTES:
            raise _refuse(name, f"would unpack to more than "
                          f"{MAX_EXTRACT_BYTES:,} bytes", trusted)
        entries.append((info, parts))
    return entries


def safe_extract(zip_path: Path, target: Path, label: str | None = None) -> Path:
    """Extract ``zip_path`` into the new folder ``target``, refusing unsafe entries.

    Every entry is checked before anything is written (``check_entries``), and
    the free space too. Raises ``AssetError`` (naming the zip ``label``, by
    default its file name) for a corrupt or truncated zip; on any error
    ``target`` is removed.
    """
    name = label or zip_path.name
    try:
        with zipfile.ZipFile(zip_path) as zf:
            entries = check_entries(zf, name)
            target.mkdir(parents=True)
            try:
                extract_entries(zf, entries, target, name)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
    except AssetError:
        raise
    except CORRUPT_DATA as e:
        raise AssetError(
            f"{name} is not a complete zip file or is corrupt ({e}): the "
            "download was probably cut off. Delete it and download it again."
        ) from e
    except (OSError, RuntimeError, NotImplementedError, ValueError) as e:
        raise AssetError(f"{name} could not be extracted "
                         f"({type(e).__name__}: {e}); nothing was kept. Download "
                         "it again, or zip the dataset folder again.") from e
    return target


def extract_entries(zf: zipfile.ZipFile, entries: list, target: Path,
                    name: str) -> None:
    """Write checked ``entries`` of ``zf`` under ``target``, if the disk has room."""
    needed = sum(info.file_size for info, _ in entries)
    free = shutil.disk_usage(target).free
    if needed > free:
        raise _refuse(name, f"needs {needed / 2**20:,.0f} MiB, {target.parent} "
                      f"has {free / 2**20:,.0f} MiB free",
                      "Free some space, then run again.")
    for info, parts in entries:
        path = target.joinpath(*parts)
        if info.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(path, "xb") as out:  # x: never overwrite
            shutil.copyfileobj(src, out, CHUNK_BYTES)
