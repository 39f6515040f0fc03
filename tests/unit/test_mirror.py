"""helpers/mirror.py: the classroom mirror's checkpoints as the catch-up takes
them. A mirror that does not answer with a manifest (a captive portal, a
catch-all web server, a damaged or huge manifest) is passed over for the next
one in TL_MIRROR, and with none left the stage is made the quick way; a
checkpoint larger than its manifest says is cut off at that size. (End to end,
with real checkpoints: tests/system/test_classroom.py.)"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest
from harness import serve_folder

from helpers import catchup, errors, mirror, stages


class AnswerEverything(http.server.BaseHTTPRequestHandler):
    """A catch-all web server: any path gets the same page."""

    body = b"<!DOCTYPE html><html><body>Log in to the campus WiFi</body></html>"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def serve_everything(body: bytes):
    handler = type("H", (AnswerEverything,), {"body": body})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,),
                     daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def write_mirror(root: Path, split_text: bytes = b'{"id": "abc"}', size=None):
    """A mirror serving only 01's split, with its manifest."""
    folder = root / mirror.CHECKPOINTS_DIR
    folder.mkdir(parents=True)
    name = stages.get_stage("split").results
    (folder / name).write_bytes(split_text)
    manifest = {"format": mirror.MANIFEST_FORMAT, "split_id": "abc",
                "stages": ["split"],
                "files": {name: {"sha256": hashlib.sha256(split_text).hexdigest(),
                                 "bytes": len(split_text) if size is None
                                 else size}}}
    (folder / mirror.MANIFEST_FILE).write_text(json.dumps(manifest))
    return root


NOT_MANIFESTS = {
    "captive portal": AnswerEverything.body,
    "catch-all JSON": b'{"status": "ok"}',
    "a list": b"[1, 2, 3]",
    "nested deep": b"[" * 100_000 + b"]" * 100_000,
    "another format": json.dumps({"format": 99, "split_id": "x", "files": {},
                                  "stages": []}).encode(),
    "huge": b"[" + b"0, " * 600_000 + b"0]",
}


@pytest.fixture
def good_mirror(tmp_path):
    with serve_folder(write_mirror(tmp_path / "good")) as url:
        yield url


@pytest.mark.parametrize("body", NOT_MANIFESTS.values(), ids=NOT_MANIFESTS.keys())
def test_the_next_mirror_is_tried_after_one_without_a_manifest(
        monkeypatch, good_mirror, body):
    httpd, bad = serve_everything(body)
    try:
        monkeypatch.setenv("TL_MIRROR", f"{bad} {good_mirror}")
        url, manifest, why = mirror.fetch_manifest()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert url == f"{good_mirror}/{mirror.CHECKPOINTS_DIR}"
    assert manifest["stages"] == ["split"] and why == ""


@pytest.mark.parametrize("body", NOT_MANIFESTS.values(), ids=NOT_MANIFESTS.keys())
def test_with_no_mirror_left_the_catch_up_is_told_why(monkeypatch, body):
    httpd, bad = serve_everything(body)
    try:
        monkeypatch.setenv("TL_MIRROR", bad)
        checkpoints = mirror.MirrorCheckpoints(progress=False)
        assert not checkpoints.has("split")
    finally:
        httpd.shutdown()
        httpd.server_close()
    why = checkpoints.explain("split")
    assert bad in why
    assert "not a checkpoint manifest" in why or "1,048,576 bytes" in why
    assert "made here instead" in why


def test_catch_up_makes_the_split_when_the_mirror_is_a_captive_portal(
        monkeypatch, small_dataset, tmp_path):
    httpd, bad = serve_everything(AnswerEverything.body)
    monkeypatch.setenv("TL_DATA_DIR", str(small_dataset))
    try:
        monkeypatch.setenv("TL_MIRROR", bad)
        done = catchup.ensure(tmp_path / "a", "split", progress=False)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert "made the split now" in done and bad in done
    assert stages.has_stage(tmp_path / "a", "split")
    assert not [p for p in (tmp_path / "a").iterdir() if "partial" in p.name]


@pytest.mark.parametrize("served, stated", [(5000, 100), (300, 299), (50, 1)])
def test_a_checkpoint_larger_than_its_manifest_says_is_cut_off(
        tmp_path, monkeypatch, served, stated):
    text = b'{"id": "abc"' + b" " * (served - 13) + b"}"
    with serve_folder(write_mirror(tmp_path / "m", text, size=stated)) as url:
        monkeypatch.setenv("TL_MIRROR", url)
        checkpoints = mirror.MirrorCheckpoints(progress=False)
        assert checkpoints.has("split")
        (tmp_path / "a").mkdir()
        with pytest.raises(errors.AssetError) as err:
            mirror.fetch_checkpoint(tmp_path / "a", "split", checkpoints.url,
                                    checkpoints.manifest, progress=False)
    assert (f"more than {stated:,} bytes" in str(err.value)
            or f"announces {served:,} bytes" in str(err.value))
    assert list((tmp_path / "a").iterdir()) == []
