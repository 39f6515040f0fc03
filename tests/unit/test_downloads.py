"""helpers/downloads.py: fetching a file from a list of origins and unpacking a
zip, with every failure named and nothing partial left behind. Real servers on
127.0.0.1: plain failures (HTTP 404, nothing listening, a cut-off body, a
malformed URL), hostile ones built on the fly (captive portals, stalls, endless
or huge bodies; these tests run with ``small_limits``), unsafe zips and zip
bombs; and why ``keras.utils.get_file`` is not used (it trusts a cut-off file).
"""

from __future__ import annotations

import contextlib
import http.server
import io
import os
import re
import socket
import threading
import time
import zipfile

import pytest
import synthetic
from harness import cache_entries
from synthetic import zip_folder

from helpers import assets, downloads, errors

GOOD_ZIP = io.BytesIO()
with zipfile.ZipFile(GOOD_ZIP, "w") as _zf:
    _zf.writestr("d/train/cats/1.jpg", b"\xff\xd8 not really a jpeg")
GOOD_ZIP = GOOD_ZIP.getvalue()


@pytest.fixture
def small_limits(monkeypatch):
    """Limits small enough for a test to reach them in well under a second."""
    monkeypatch.setattr(downloads, "STALL_SECONDS", 0.3)
    monkeypatch.setattr(downloads, "STALL_BYTES", 1000)
    monkeypatch.setattr(downloads, "MAX_DOWNLOAD_BYTES", 256 * 1024)


# -- origins that fail plainly ---------------------------------------------

def test_http_404_names_the_url_and_the_fix(server, monkeypatch):
    _, url = server
    monkeypatch.setenv("TL_DATA_URL", f"{url}/nothing-here.zip")
    with pytest.raises(errors.AssetError) as err:
        assets.get_dataset_dir(progress=False)
    message = str(err.value)
    assert f"{url}/nothing-here.zip: HTTP 404" in message
    assert "TL_DATA_DIR" in message and "make fetch" in message
    assert cache_entries() == []


def test_no_server_running(monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("TL_MIRROR", f"http://127.0.0.1:{port}")
    monkeypatch.setattr(assets, "DATASET_URLS", (f"http://127.0.0.1:{port}/x.zip",))
    with pytest.raises(errors.AssetError) as err:
        assets.get_dataset_dir(progress=False)
    # both origins tried, in order, each with its own reason
    assert re.search(rf"127.0.0.1:{port}/{assets.DATASET_ZIP}: cannot connect.*\n"
                     rf".*127.0.0.1:{port}/x.zip: cannot connect", str(err.value))
    assert cache_entries() == []


def test_truncated_zip_leaves_nothing(server, small_dataset, monkeypatch):
    root, url = server
    good = zip_folder(small_dataset, root / "good.zip").read_bytes()
    (root / "cut.zip").write_bytes(good[: len(good) // 2])
    monkeypatch.setenv("TL_DATA_URL", f"{url}/cut.zip")
    with pytest.raises(errors.AssetError, match="not a complete zip"):
        assets.get_dataset_dir(progress=False)
    assert cache_entries() == []


def test_connection_cut_mid_download_is_detected(tmp_path):
    """The server promises more bytes than it sends: the download is refused."""
    body = b"x" * 1000

    class Liar(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Liar)
    threading.Thread(target=httpd.handle_request, daemon=True).start()
    dest = tmp_path / "file.zip"
    with pytest.raises(errors.AssetError, match="truncated: got 1000 of 5000 bytes"):
        assets.download([f"http://127.0.0.1:{httpd.server_address[1]}/f"], dest,
                        progress=False)
    httpd.server_close()
    assert list(tmp_path.iterdir()) == []


def test_only_malformed_urls_give_the_fix_not_a_traceback(monkeypatch):
    monkeypatch.setenv("TL_DATA_URL", "mirror.lan:8000/cats.zip")
    with pytest.raises(errors.AssetError, match="not a valid URL") as err:
        assets.get_dataset_dir(progress=False)
    assert "TL_MIRROR=http://<host>:<port>/" in str(err.value)
    assert cache_entries() == []


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


# -- hostile origins ---------------------------------------------------------

def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk


@contextlib.contextmanager
def raw_server(respond, connections=4):
    """A TCP server on 127.0.0.1 answering each connection with
    ``respond(conn, stop)``; it stops by itself after ``connections``
    connections or 10 seconds, and when the test ends. Yields a URL."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.1)
    stop = threading.Event()

    def handle(conn):
        with conn:
            conn.settimeout(5)
            try:
                read_request(conn)
                respond(conn, stop)
            except OSError:
                pass  # the client gave up: what the test wants

    def serve():
        deadline, handled = time.monotonic() + 10, 0
        while not stop.is_set() and handled < connections and (
                time.monotonic() < deadline):
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            handled += 1
            threading.Thread(target=handle, args=(conn,), daemon=True).start()
        srv.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.getsockname()[1]}/{assets.DATASET_ZIP}"
    finally:
        stop.set()
        thread.join(5)


def reply(body: bytes, headers: str = "", length: bool = True):
    def respond(conn, stop):
        size = f"Content-Length: {len(body)}\r\n" if length else ""
        conn.sendall(f"HTTP/1.1 200 OK\r\n{size}{headers}Connection: close\r\n\r\n"
                     .encode() + body)
    return respond


def trickle(head: bytes, n: int = 300):
    """Sends ``head``, then one byte every 20 ms, at most ``n`` of them."""
    def respond(conn, stop):
        conn.sendall(head)
        for _ in range(n):
            if stop.wait(0.02):
                return
            conn.sendall(b"x")
    return respond


def silent(conn, stop):
    stop.wait(5)


def endless(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"PK\x03\x04")
    for _ in range(200):  # 12.8 MB at the most
        if stop.is_set():
            return
        conn.sendall(b"\0" * 65536)


HTML = (b"<!DOCTYPE html><html><head><title>Log in to Hotel WiFi</title></head>"
        b"<body>Accept the terms to continue</body></html>")


ODD_SERVERS = [
    ("malformed-length", reply(GOOD_ZIP, "Content-Length: lots\r\n", length=False),
     r"malformed Content-Length header \['lots'\]"),
    ("two-lengths", reply(GOOD_ZIP, "Content-Length: 7\r\n"),
     "malformed Content-Length"),
    ("not-http", lambda conn, stop: conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n"),
     r"did not answer as an HTTP server .*BadStatusLine"),
    ("hangs-up", lambda conn, stop: None,
     r"did not answer as an HTTP server .*RemoteDisconnected"),
    ("chunked-cut", lambda conn, stop: conn.sendall(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + b"PK" * 50),
     "the connection was cut off before the end of the file"),
    ("length-cut", lambda conn, stop: conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + GOOD_ZIP),
     rf"truncated: got {len(GOOD_ZIP)} of 5000 bytes"),
    ("captive-portal", reply(HTML, "Content-Type: text/html\r\n"),
     "sent an HTML page, not a zip file: a network login page"),
    ("empty", reply(b""), "sent an empty file, not the zip file expected"),
    ("hdf5-not-zip", reply(downloads.HDF5_SIGNATURE + b"\0" * 100),
     "sent an HDF5 file, not the zip file expected"),
    ("half-a-zip", reply(GOOD_ZIP[: len(GOOD_ZIP) // 2]),
     "not a complete zip file"),
    ("slow-body", trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n"),
     "stalled: fewer than 1,000 bytes arrived in 0.3 seconds"),
    ("slow-headers", trickle(b"HTTP/1.1 200 OK\r\nX-Slow: "), "stalled"),
    ("silent", silent, "stalled"),
    ("endless", endless, "sent more than 262,144 bytes"),
    ("huge-length", reply(b"PK", "Content-Length: 1000000000000\r\n", length=False),
     "announces 1,000,000,000,000 bytes"),
]


@pytest.mark.usefixtures("small_limits")
@pytest.mark.parametrize("respond, message", [c[1:] for c in ODD_SERVERS],
                         ids=[c[0] for c in ODD_SERVERS])
def test_an_odd_origin_is_recorded_and_the_next_one_tried(tmp_path, respond,
                                                          message):
    dest = tmp_path / "dl" / assets.DATASET_ZIP
    start = time.monotonic()
    with raw_server(respond) as odd, raw_server(reply(GOOD_ZIP)) as good:
        assert downloads.download([odd, good], dest, progress=False,
                                  kind="zip") == dest
        assert dest.read_bytes() == GOOD_ZIP
        assert [p.name for p in dest.parent.iterdir()] == [dest.name]
        dest.unlink()
        with pytest.raises(errors.AssetError) as err:
            downloads.download([odd], dest, progress=False, kind="zip",
                               fix="Set TL_DATA_DIR.")
    text = str(err.value)
    assert text.startswith(f"Could not download {assets.DATASET_ZIP}. Tried:")
    assert f"{odd}: " in text and text.endswith("Set TL_DATA_DIR.")
    assert re.search(message, text), text
    assert list(dest.parent.iterdir()) == []  # nothing partial
    assert time.monotonic() - start < 5  # nothing waited on for long


@pytest.mark.usefixtures("small_limits")
def test_the_dataset_behind_a_captive_portal_is_not_accepted(tmp_path,
                                                             monkeypatch):
    with raw_server(reply(HTML, "Content-Type: text/html\r\n")) as portal:
        monkeypatch.setenv("TL_DATA_URL", portal)
        with pytest.raises(errors.AssetError, match="sent an HTML page") as err:
            assets.get_dataset_dir(progress=False)
    assert "TL_MIRROR" in str(err.value)  # the fix
    cache = assets.get_cache_dir() / "datasets"
    assert not cache.exists() or list(cache.iterdir()) == []


@pytest.mark.usefixtures("small_limits")
def test_weights_must_be_hdf5(tmp_path, monkeypatch):
    with raw_server(reply(GOOD_ZIP)) as wrong:
        monkeypatch.setenv("TL_WEIGHTS_URL", wrong)
        with pytest.raises(errors.AssetError,
                           match="sent a zip file, not the hdf5 file expected"):
            assets.get_weights_path(progress=False)
    models = assets.get_cache_dir() / "models"
    assert not models.exists() or list(models.iterdir()) == []


@pytest.mark.usefixtures("small_limits")
def test_progress_moves_with_each_small_read(tmp_path, monkeypatch):
    """The bar is updated per chunk as bytes arrive, not per MiB."""
    import tqdm.auto

    updates = []

    class Bar:
        def __init__(self, **kwargs):
            self.total = kwargs.get("total")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n):
            updates.append(n)

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    body = GOOD_ZIP

    def in_three_parts(conn, stop):
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n"
                     .encode())
        third = len(body) // 3
        for part in (body[:third], body[third:2 * third], body[2 * third:]):
            conn.sendall(part)
            stop.wait(0.1)

    with raw_server(in_three_parts) as url:
        downloads.download([url], tmp_path / "f.zip", progress=True, kind="zip")
    assert len(updates) >= 2 and sum(updates) == len(body)


@pytest.mark.usefixtures("small_limits")
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes (Windows)")
def test_a_local_named_pipe_is_not_opened(tmp_path, monkeypatch):
    import os

    fifo = tmp_path / "pipe.zip"
    os.mkfifo(fifo)
    watch = synthetic.PipeWatch(fifo)  # a reader would block: it lets it go
    try:
        with pytest.raises(errors.AssetError, match="is not a regular file"):
            downloads.download([fifo.as_uri()], tmp_path / "out" / "x.zip",
                               progress=False, kind="zip")
        monkeypatch.setenv("TL_DATA_DIR", str(fifo))
        with pytest.raises(errors.AssetError, match="neither a folder nor a regular"):
            assets.get_dataset_dir(progress=False)
    finally:
        watch.stop()
    assert not watch.opened
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pipe.zip"]
    assert list((tmp_path / "out").iterdir()) == []


# -- zips -------------------------------------------------------------------

def test_zip_with_parent_entry_is_refused(server, small_dataset, monkeypatch, tmp_path):
    root, url = server
    evil = zip_folder(small_dataset, root / "evil.zip")
    with zipfile.ZipFile(evil, "a") as zf:
        zf.writestr("../escaped.txt", "gotcha")
    monkeypatch.setenv("TL_DATA_URL", f"{url}/evil.zip")
    with pytest.raises(errors.AssetError, match="unsafe entry '../escaped.txt'"):
        assets.get_dataset_dir(progress=False)
    assert cache_entries() == []
    assert not list(assets.get_cache_dir().rglob("escaped.txt"))


def test_absolute_entry_is_refused(tmp_path):
    bad = tmp_path / "abs.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("/etc/evil", "x")
    with pytest.raises(errors.AssetError, match="unsafe entry"):
        assets.safe_extract(bad, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def make_zip(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """``entries``: (name or ZipInfo, bytes), written in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buffer.getvalue()


def patch_entry(raw: bytes, name: str, flags: int = 0, method: int | None = None,
                ) -> bytes:
    """Set flag bits (and the compression method) of ``name`` in both of its
    headers, as an encrypting or exotic zip tool would have written them."""
    data = bytearray(raw)
    # (signature, offset of flags, of method, of name length, of name)
    for sig, at_flags, at_method, at_len, at_name in (
            (b"PK\x03\x04", 6, 8, 26, 30), (b"PK\x01\x02", 8, 10, 28, 46)):
        i = data.find(sig)
        while i != -1:
            n = int.from_bytes(data[i + at_len:i + at_len + 2], "little")
            if data[i + at_name:i + at_name + n] == name.encode():
                at = slice(i + at_flags, i + at_flags + 2)
                data[at] = (int.from_bytes(data[at], "little") | flags).to_bytes(
                    2, "little")
                if method is not None:
                    at = slice(i + at_method, i + at_method + 2)
                    data[at] = method.to_bytes(2, "little")
            i = data.find(sig, i + 4)
    return bytes(data)


def symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("d/train/cats/link.jpg")
    info.external_attr = 0o120777 << 16
    return info


def corrupt_stored(raw: bytes) -> bytes:
    i = raw.index(b"0123456789" * 3)
    return raw[:i] + b"X" + raw[i + 1:]


JPEG = ("d/train/cats/1.jpg", b"\xff\xd8" + bytes(range(256)) * 4)


BAD_ZIPS = [
    ("bzip2-bomb", lambda: make_zip([("d/zeros.bin", b"\0" * (8 << 20))],
                                    zipfile.ZIP_BZIP2), {},
     r"would unpack 'd/zeros.bin' to 8,388,608 bytes, over 100 times"),
    ("many-small-bombs", lambda: make_zip(
        [(f"d/{i}.txt", b"\0" * 8192) for i in range(300)]), {},
     r"would unpack in all to .* bytes, over 100 times"),
    ("too-large", lambda: make_zip([JPEG, ("d/big.bin", bytes(range(256)) * 240)],
                                   zipfile.ZIP_STORED),
     {"MAX_EXTRACT_BYTES": 50_000}, "would unpack to more than 50,000 bytes"),
    ("too-many-entries", lambda: make_zip([(f"d/{i}.jpg", b"x") for i in range(6)]),
     {"MAX_ENTRIES": 5}, "holds 6 entries, more than 5"),
    ("encrypted", lambda: patch_entry(make_zip([JPEG]), JPEG[0], flags=0x1), {},
     "holds an encrypted entry 'd/train/cats/1.jpg'.*without a password"),
    ("ppmd-compression", lambda: patch_entry(make_zip([JPEG]), JPEG[0], method=98),
     {}, "compression Python cannot read .method 98.*usual deflate"),
    ("long-name", lambda: make_zip([(f"d/train/cats/{'x' * 300}.jpg", b"x")]), {},
     "holds a name too long for a file system"),
    ("file-where-a-folder-must-be", lambda: make_zip(
        [("d/train", b"x"), JPEG]), {}, "'d/train' twice, or both as a file and"),
    ("folder-where-a-file-must-be", lambda: make_zip(
        [JPEG, ("d/train/cats", b"x")]), {}, "'d/train/cats' twice, or both"),
    ("same-name-twice", lambda: make_zip([JPEG, JPEG]), {},
     "'d/train/cats/1.jpg' twice"),
    ("parent-entry", lambda: make_zip([JPEG, ("../escaped.txt", b"x")]), {},
     "unsafe entry '../escaped.txt'"),
    ("link-entry", lambda: make_zip([JPEG, (symlink_entry(), b"/etc/passwd")]),
     {}, "unsafe entry 'd/train/cats/link.jpg'"),
    ("bad-crc", lambda: corrupt_stored(make_zip(
        [JPEG, ("d/n.txt", b"0123456789" * 3)], zipfile.ZIP_STORED)), {},
     "is not a complete zip file or is corrupt .*Bad CRC-32"),
]


@pytest.mark.usefixtures("small_limits")
@pytest.mark.parametrize("build, limits, message", [c[1:] for c in BAD_ZIPS],
                         ids=[c[0] for c in BAD_ZIPS])
def test_a_bad_zip_is_refused_and_nothing_is_left(tmp_path, monkeypatch, build,
                                                  limits, message):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        raw = build()
    assert len(raw) < 100_000  # small on disk, whatever it claims
    for name, value in limits.items():
        monkeypatch.setattr(downloads, name, value)
    zip_path = tmp_path / "bad.zip"
    zip_path.write_bytes(raw)
    with pytest.raises(errors.AssetError, match=message) as err:
        downloads.safe_extract(zip_path, tmp_path / "out")
    assert "bad.zip" in str(err.value)
    assert [p.name for p in tmp_path.iterdir()] == ["bad.zip"]


@pytest.mark.usefixtures("small_limits")
@pytest.mark.parametrize("how", ["local", "downloaded"])
def test_a_zip_bomb_as_the_dataset_leaves_the_cache_empty(tmp_path, monkeypatch,
                                                          how):
    bomb = make_zip([("d/train/cats/zeros.jpg", b"\0" * (4 << 20))])
    with raw_server(reply(bomb)) as url:
        if how == "local":
            (tmp_path / "cats.zip").write_bytes(bomb)
            monkeypatch.setenv("TL_DATA_DIR", str(tmp_path / "cats.zip"))
        else:
            monkeypatch.setenv("TL_DATA_URL", url)
        with pytest.raises(errors.AssetError, match="zip bomb") as err:
            assets.get_dataset_dir(progress=False)
    name = "cats.zip" if how == "local" else assets.DATASET_ZIP
    assert str(err.value).startswith(f"{name} would unpack 'd/train/cats/zeros.jpg'")
    cache = assets.get_cache_dir() / "datasets"
    assert not cache.exists() or list(cache.iterdir()) == []


@pytest.mark.usefixtures("small_limits")
def test_a_good_zip_within_the_limits_extracts(tmp_path):
    zip_path = tmp_path / "good.zip"
    zip_path.write_bytes(make_zip([("d/", b""), JPEG, ("d/train/dogs/2.jpg", b"y")]))
    out = downloads.safe_extract(zip_path, tmp_path / "out")
    assert (out / JPEG[0]).read_bytes() == JPEG[1]
    assert (out / "d/train/dogs/2.jpg").read_bytes() == b"y"


# -- issue 20: an overall deadline, a size bound per download ---------------

def steady(rate_bytes: int, head: bytes = b"HTTP/1.1 200 OK\r\n\r\nPK\x03\x04",
           chunked: bool = False):
    """Sends ``head``, then ``rate_bytes`` every 50 ms without end: never
    stalls, never reaches the size limit in a test's time."""
    def respond(conn, stop):
        conn.sendall(head)
        while not stop.wait(0.05):
            body = b"\0" * rate_bytes
            conn.sendall(b"%x\r\n%s\r\n" % (len(body), body) if chunked else body)
    return respond


@pytest.mark.usefixtures("small_limits")
@pytest.mark.parametrize("respond", [
    steady(2000),                                               # no length
    steady(3000, b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\nPK\x03\x04"),
    steady(1500, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"4\r\nPK\x03\x04\r\n", chunked=True),
], ids=["no-length", "announced", "chunked"])
def test_a_download_has_an_overall_deadline(tmp_path, monkeypatch, respond):
    monkeypatch.setattr(downloads, "DEADLINE_SECONDS", 0.4)
    dest = tmp_path / "dl" / "x.zip"
    start = time.monotonic()
    with raw_server(respond) as url, pytest.raises(errors.AssetError) as err:
        downloads.download([url], dest, progress=False, kind="zip")
    assert time.monotonic() - start < 5
    assert "took longer than 0.4 seconds" in str(err.value)
    assert list((tmp_path / "dl").iterdir()) == []


@pytest.mark.parametrize("size, limit, message", [
    (5000, 1000, "sent more than 1,000 bytes"),         # no Content-Length
    (5000, 4999, "sent more than 4,999 bytes"),
    (100, 10, "sent more than 10 bytes"),
])
def test_a_download_stops_at_the_size_it_may_have(tmp_path, size, limit, message):
    body = b"{" + b" " * (size - 2) + b"}"
    dest = tmp_path / "dl" / "m.json"
    with raw_server(reply(body, length=False)) as url, pytest.raises(
            errors.AssetError, match=message):
        downloads.download([url], dest, progress=False, max_bytes=limit)
    with raw_server(reply(body)) as url, pytest.raises(
            errors.AssetError, match=f"announces {size:,} bytes"):
        downloads.download([url], dest, progress=False, max_bytes=limit)
    assert list((tmp_path / "dl").iterdir()) == []
