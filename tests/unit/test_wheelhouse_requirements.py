"""scripts/wheelhouse.py, what it reads before pip runs: the instructor's
requirements file as pip accepts it (hashes, continued lines, comments), and
files it cannot use (not UTF-8, a line that is no requirement, an option a
learner's computer could not follow) said with the fix, not a trace. Nothing
here runs pip (the wheelhouse built and installed: tests/system/)."""

from __future__ import annotations

import pytest
import wheelhouse

HASH = "sha256:" + "ab" * 32

ACCEPTED = {
    "a hash on the line": (f"numpy==2.1.0 --hash={HASH}\n", ["numpy==2.1.0"]),
    "hashes on continued lines": (
        f"numpy==2.1.0 \\\n    --hash={HASH} \\\n    --hash={HASH}\nrich==13.0\n",
        ["numpy==2.1.0", "rich==13.0"]),
    "a marker and a comment": (
        'pywinpty==2.0 ; sys_platform == "win32"  # Windows only\n',
        ['pywinpty==2.0 ; sys_platform == "win32"']),
    "a continued requirement": ("tensorflow\\\n==2.21.0\n", ["tensorflow==2.21.0"]),
    "CRLF line ends and a BOM": ("\ufeffkeras==3.15.1\r\nh5py==3.12\r\n",
                                 ["keras==3.15.1", "h5py==3.12"]),
}


@pytest.mark.parametrize("text, expected", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_requirement_lines_pip_accepts_are_read(text, expected):
    assert wheelhouse.requirement_lines(text) == expected
    out = wheelhouse.wheelhouse_requirements(text, "course", "1.0")
    assert out.splitlines()[-len(expected) - 1:] == [*expected, "course==1.0"]
    assert "--hash" not in out


REFUSED = {
    "not UTF-8": ("numpy==2.1.0  # caf\xe9\n".encode("latin-1"), "not UTF-8"),
    "UTF-16": ("numpy==2.1.0\n".encode("utf-16"), "not UTF-8"),
    "not a requirement": (b"numpy===\n", "line 1"),
    "an index option": (b"--index-url https://example.org/simple\nnumpy\n",
                        "option lines"),
    "an include": (b"-r other.txt\n", "option lines"),
}


@pytest.mark.parametrize("data, message", REFUSED.values(), ids=REFUSED.keys())
def test_a_requirements_file_that_cannot_be_used_says_why(tmp_path, capsys, data,
                                                         message):
    path = tmp_path / "requirements.txt"
    path.write_bytes(data)
    out = tmp_path / "wheels"
    assert wheelhouse.main(["--requirements", str(path), "--out", str(out),
                            "--check", "--find-links", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and str(path) in err
    assert "Traceback" not in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements.txt"]


@pytest.mark.parametrize("make", ["a file", "inside a file", "a broken link"])
def test_a_wheelhouse_folder_that_is_not_one_says_so(tmp_path, capsys, make):
    (tmp_path / "requirements.txt").write_text("numpy==2.1.0\n")
    out = tmp_path / "wheels"
    if make == "a file":
        out.write_text("in the way")
    elif make == "inside a file":
        (tmp_path / "f").write_text("in the way")
        out = tmp_path / "f" / "wheels"
    else:
        out.symlink_to(tmp_path / "gone")
    assert wheelhouse.main(["--requirements", str(tmp_path / "requirements.txt"),
                            "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(out) in err and "--out" in err
