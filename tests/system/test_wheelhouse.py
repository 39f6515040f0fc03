"""scripts/wheelhouse.py: pip's options for each learner platform, the markers
pip leaves to us, and the learner's one command installing a wheelhouse served on
127.0.0.1 into a fresh virtual environment, with no other index.

Nothing is downloaded: the wheelhouse is built from small wheels made here, named
like the course's own dependencies (metadata only, no code), and this course's
wheel, with the setuptools of the running Python.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import wheelhouse
from harness import serve_folder

ROOT = Path(__file__).resolve().parents[2]
PIP_TIMEOUT = 240  # seconds for any one command; each takes a few seconds


def offline_env(**extra) -> dict[str, str]:
    """This machine's environment without pip's settings or proxies: no index,
    no configuration file (``os.devnull`` makes pip read none), no cache."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k.lower() not in (
               "http_proxy", "https_proxy", "all_proxy", "pythonpath")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_NO_CACHE_DIR="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1", NO_PROXY="127.0.0.1,localhost",
               **extra)
    return env


def run(argv, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=PIP_TIMEOUT,
                          env=offline_env(), **kwargs)


def pip_tags(platform: wheelhouse.Platform, python: str) -> list[str]:
    """The wheel tags pip accepts with our options, as ``pip debug`` lists them."""
    options = [a for a in wheelhouse.target_args(platform, python)
               if a != "--only-binary=:all:"]  # a download option, not a tag one
    done = run([sys.executable, "-m", "pip", "debug", "--verbose", *options])
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("Compatible tags:", 1)[1].splitlines()[1:]
    return [line.strip() for line in listed if line.startswith("  ")]


def test_pip_options_select_each_platforms_wheels():
    tags = {name: pip_tags(wheelhouse.PLATFORMS[name], "3.11")
            for name in wheelhouse.DEFAULT_PLATFORMS}
    linux, mac, windows = (tags[n] for n in wheelhouse.DEFAULT_PLATFORMS)
    # TensorFlow 2.21's Linux wheel is manylinux_2_27, numpy's 2_17 and 2_28:
    # pip itself would not widen manylinux_2_28 to them.
    for tag in ("cp311-cp311-manylinux_2_27_x86_64", "cp311-cp311-manylinux2014_x86_64",
                "cp311-abi3-manylinux_2_17_x86_64", "py3-none-any"):
        assert tag in linux
    assert linux.index("cp311-cp311-manylinux_2_28_x86_64") < linux.index(
        "cp311-cp311-manylinux_2_17_x86_64")  # the newest a learner runs first
    assert not any(re.search(r"manylinux_2_(29|[3-9]\d)|linux_x86_64$|musl", t)
                   for t in linux)  # none a learner's older glibc cannot load
    assert "cp311-cp311-macosx_12_0_arm64" in mac
    assert "cp311-cp311-macosx_11_0_arm64" in mac  # pip widens macOS itself
    assert "cp311-abi3-macosx_12_0_universal2" in mac
    assert not any("macosx_13" in t or "x86_64" in t for t in mac)
    assert "cp311-cp311-win_amd64" in windows and "py3-none-any" in windows
    assert not any("win32" in t or "manylinux" in t for t in windows)
    # and no other Python: 3.12 is a build of its own
    assert not any(t.startswith("cp312") for tags_ in tags.values() for t in tags_)
    assert "cp312-cp312-win_amd64" in pip_tags(wheelhouse.PLATFORMS["windows-x86_64"],
                                               "3.12")


def test_pip_commands_resolve_and_download_wheels_only(tmp_path):
    win = wheelhouse.PLATFORMS["windows-x86_64"]
    req = tmp_path / "requirements.txt"
    resolve = wheelhouse.resolve_argv(win, "3.12", req, ["colorama"],
                                      tmp_path / "r.json", tmp_path / "t",
                                      [tmp_path])
    download = wheelhouse.download_argv(win, "3.12", req, ["colorama"],
                                        tmp_path / "w", [tmp_path], index=False)
    for argv in (resolve, download):
        assert "--only-binary=:all:" in argv  # never an sdist to build
        i = argv.index("--python-version")
        assert argv[i + 1] == "3.12"
        assert argv[argv.index("--implementation") + 1] == "cp"
        assert argv[argv.index("--platform") + 1] == "win_amd64"
        assert argv[argv.index("-r") + 1] == str(req) and argv[-1] == "colorama"
        assert argv[argv.index("--find-links") + 1] == str(tmp_path)
    assert resolve[3:5] == ["install", "--dry-run"]
    assert resolve[resolve.index("--report") + 1] == str(tmp_path / "r.json")
    assert "--no-index" not in resolve  # PyPI, for the metadata
    assert download[3] == "download" and "--no-index" in download
    assert download[download.index("--dest") + 1] == str(tmp_path / "w")
    assert wheelhouse.learner_argv("http://10.0.0.5:8000/wheels") == [
        "python", "-m", "pip", "install", "--no-index", "--find-links",
        "http://10.0.0.5:8000/wheels/", "-r",
        "http://10.0.0.5:8000/wheels/requirements.txt"]


def test_markers_are_evaluated_for_the_target_not_this_machine():
    items = [
        {"metadata": {"name": "A", "requires_dist": [
            "b[x]; sys_platform == 'win32'", "d; python_version < '3.12'"]}},
        {"metadata": {"name": "b",
                      "requires_dist": ["c; extra == 'x'", "e; extra == 'y'"]}},
        {"metadata": {"name": "d"}},
        {"metadata": {"name": "unused"}},
    ]
    env = wheelhouse.marker_environment
    p = wheelhouse.PLATFORMS
    assert wheelhouse.target_closure(items, ["a"], env(p["linux-x86_64"], "3.11")) == (
        {"a", "d"}, [])
    assert wheelhouse.target_closure(
        items, ["a"], env(p["windows-x86_64"], "3.11")) == ({"a", "b", "d"}, ["c"])
    assert wheelhouse.target_closure(
        items, ["a"], env(p["windows-x86_64"], "3.12")) == ({"a", "b"}, ["c"])


STUB_PYPROJECT = """\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
dependencies = {dependencies}

[tool.setuptools]
packages = []
"""


def pins() -> dict[str, str]:
    lines = wheelhouse.requirement_lines((ROOT / "requirements.txt").read_text())
    return dict(line.split("==") for line in lines if "==" in line)


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    """Wheels (metadata only) named like this course's dependencies at their
    pinned versions, with dependencies between them as the real ones have: a
    transitive one not in any requirements file (namex) and a Windows-only one
    (colorama, as tqdm has). Also a package with a Linux wheel only. Yields
    (folder of wheels, requirements file of the course's dependencies, the
    version of each package); removed after."""
    work = tmp_path_factory.mktemp("stubs")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    versions = pins()
    dependencies = {"keras": ["numpy", "namex>=0.0.8"],
                    "tensorflow": ["keras", "numpy"], "matplotlib": ["numpy", "pillow"],
                    "tqdm": ['colorama; platform_system == "Windows"']}
    packages = {"namex": "0.1.0", "colorama": "0.4.6", "linuxonly": "1.0"}
    for requirement in project["dependencies"]:
        name = re.match(r"[\w.-]+", requirement).group()
        packages[name] = versions.get(name) or re.search(r">=([\d.]+)",
                                                         requirement).group(1)
    for name, version in packages.items():
        (work / name).mkdir()
        (work / name / "pyproject.toml").write_text(STUB_PYPROJECT.format(
            name=name, version=version,
            dependencies=json.dumps(dependencies.get(name, []))))
    wheels = work / "wheels"
    done = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index",
                "--no-build-isolation", "--wheel-dir", wheels,
                *(work / name for name in packages)])
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    pure = wheels / "linuxonly-1.0-py3-none-any.whl"
    pure.rename(wheels / "linuxonly-1.0-py3-none-manylinux_2_17_x86_64.whl")
    requirements = work / "course-requirements.txt"
    requirements.write_text("# the course's dependencies, pinned\n" + "".join(
        f"{name}=={packages[name]}\n" for name in packages
        if name not in ("namex", "colorama", "linuxonly")))
    yield wheels, requirements, packages
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def learner_venv(tmp_path):
    """A fresh virtual environment with the pip its Python bundles; removed after."""
    venv = tmp_path / "learner"
    made = run([sys.executable, "-m", "venv", venv])
    assert made.returncode == 0, made.stderr
    yield venv
    shutil.rmtree(venv, ignore_errors=True)


def build(stub_wheels: Path, requirements: Path, out: Path, *args):
    return run([sys.executable, ROOT / "scripts" / "wheelhouse.py", "--find-links",
                stub_wheels, "--requirements", requirements, "--out", out, *args])


def test_learner_installs_everything_with_one_command_from_loopback(
        stubs, learner_venv, tmp_path):
    stub_wheels, requirements, versions = stubs
    www = tmp_path / "mirror"
    done = build(stub_wheels, requirements, www / "wheels")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    name, version = wheelhouse.project_metadata()
    wheels = {p.name for p in (www / "wheels").iterdir()}
    assert f"transfer_learning_course-{version}-py3-none-any.whl" in wheels
    assert "colorama-0.4.6-py3-none-any.whl" in wheels  # for Windows, built on Linux
    assert "namex-0.1.0-py3-none-any.whl" in wheels
    mirror_requirements = (www / "wheels" / "requirements.txt").read_text()
    assert wheelhouse.requirement_lines(mirror_requirements) == [
        *wheelhouse.requirement_lines(requirements.read_text()), f"{name}=={version}"]
    for label in ("Linux x86-64", "macOS 12", "Windows x86-64"):
        assert re.search(rf"{label}.*, Python 3\.11: \d+ packages, [\d.]+ MB",
                         done.stdout)
    assert "(+ for its markers: colorama)" in done.stdout
    assert "pip install --no-index --find-links http://<this machine" in done.stdout

    venv = learner_venv
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    with serve_folder(www) as url:
        # The same command the README gives, with only the mirror to draw on;
        # the course's own wheel comes with its dependencies in one resolution.
        installed = run(wheelhouse.learner_argv(f"{url}/wheels/", str(python)),
                        cwd=tmp_path)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr
    assert f"Looking in links: {url}/wheels/" in installed.stdout

    check = run([python, "-c", CHECK_INSTALLED, json.dumps([name, *versions])],
                cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    found = json.loads(check.stdout)
    assert found.pop(name) == version
    assert found.pop("colorama") is None  # Windows only: the learner's pip skips it
    assert found.pop("linuxonly") is None  # in no requirements file
    assert found == {n: v for n, v in versions.items()
                     if n not in ("colorama", "linuxonly")}
    helpers = Path(json.loads(check.stderr.splitlines()[-1])["helpers"])
    assert helpers.is_relative_to(venv)  # installed, not this checkout
    assert "helpers imports" not in check.stderr  # nothing heavy at import


CHECK_INSTALLED = """
import importlib.metadata as md, json, sys
names = json.loads(sys.argv[1])
def version(n):
    try:
        return md.version(n)
    except md.PackageNotFoundError:
        return None
print(json.dumps({n: version(n) for n in names}))
import helpers
heavy = [m for m in ("tensorflow", "keras", "numpy") if m in sys.modules]
if heavy:
    print("helpers imports", heavy, file=sys.stderr)
print(json.dumps({"helpers": helpers.__file__}), file=sys.stderr)
"""


def test_a_package_without_a_wheel_for_a_platform_is_named_before_downloading(
        stubs, tmp_path):
    stub_wheels, _, _ = stubs
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("linuxonly==1.0\n")
    out = tmp_path / "wheels"
    done = build(stub_wheels, requirements, out, "--platform", "linux-x86_64",
                 "windows-x86_64")
    assert done.returncode == 1
    assert "resolving for Linux x86-64" in done.stdout  # Linux has one
    error = done.stderr[done.stderr.index("error: "):]
    assert "linuxonly==1.0 has no wheel for Windows x86-64, Python 3.11" in error
    assert "Leave that target out (WHEEL_PLATFORMS=" in error
    assert not any(p.name.startswith("linuxonly") for p in out.iterdir())
    assert not (out / "requirements.txt").exists()  # learners find no half wheelhouse
