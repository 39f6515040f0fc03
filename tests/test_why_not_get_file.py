"""Why ``helpers.downloads`` exists beside ``keras.utils.get_file``: what the
library does with a download that was cut off, shown on loopback."""

from __future__ import annotations

import threading

import pytest

from helpers import downloads, errors


def test_get_file_trusts_a_file_cut_off_by_a_killed_download(server, tmp_path):
    """get_file writes under the final name; a process killed mid-download
    leaves that file, and without a known hash the next call returns it as
    the weights. (The course's weights have no published hash to check.) If a
    Keras upgrade makes this fail, the reason in helpers/downloads.py is gone."""

    import keras

    root, url = server
    good = root / "weights.h5"
    good.write_bytes(b"\x89HDF\r\n\x1a\n" + b"w" * 100_000)
    cache = tmp_path / "cache"
    (cache / "models").mkdir(parents=True)
    cut = cache / "models" / "weights.h5"
    cut.write_bytes(good.read_bytes()[:5000])  # what the killed run left
    path = keras.utils.get_file("weights.h5", f"{url}/weights.h5",
                                cache_dir=str(cache), cache_subdir="models")
    assert open(path, "rb").read() == good.read_bytes()[:5000]  # trusted as is


def test_ours_never_leaves_a_cut_off_file_under_the_final_name(tmp_path):
    """A body cut short: the download fails, and no file, partial or final, is
    left where the next run would look (the next run downloads again)."""
    import socket

    zipped = tmp_path / "x.zip"
    import zipfile

    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("a.txt", "a" * 1000)
    body = zipped.read_bytes()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve_half():
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
                     + body[: len(body) // 2])
        conn.close()

    thread = threading.Thread(target=serve_half, daemon=True)
    thread.start()
    dest = tmp_path / "cache" / "x.zip"
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/x.zip"
    with pytest.raises(errors.AssetError):
        downloads.download([url], dest, progress=False, kind="zip")
    thread.join(timeout=10)
    listener.close()
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == [] if dest.parent.exists() else True
