"""Build a wheelhouse: requirements.txt and this course as wheels for the
learners' computers, to serve from the instructor's mirror on a weak network.

    make wheelhouse                     # = python scripts/wheelhouse.py
    make wheelhouse WHEEL_PYTHONS="3.11 3.12" WHEEL_PLATFORMS="windows-x86_64"
    make mirror WHEELS=1                # the dataset and the weights, then this
    python scripts/wheelhouse.py --check   # resolve only: nothing is downloaded

It writes ``mirror/wheels/``: the wheels of every package (and of everything they
need) for each platform and Python version, this course's own wheel, and a
``requirements.txt`` naming the pins and the course. Served with
``cd mirror && python -m http.server 8000``, learners install everything with one
command and no other index (docs/offline-install.md):

    python -m pip install --no-index --find-links http://HOST:8000/wheels/ \\
        -r http://HOST:8000/wheels/requirements.txt

pip resolves environment markers (``; sys_platform == "win32"``) for the machine
it runs on, not for ``--platform`` (pypa/pip#11664): this script reads pip's
resolution report, evaluates every dependency's markers for each target itself,
and adds what pip left out (colorama and pywinpty for Windows, appnope for macOS).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement, Requirement  # pinned
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PYTHONS = ("3.11",)
DEFAULT_PLATFORMS = ("linux-x86_64", "macos-arm64", "windows-x86_64")
LEGACY_MANYLINUX = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
MAX_ROUNDS = 6  # of adding what markers need on the target; 2 are usual


class WheelhouseError(Exception):
    """Something the instructor must fix; the message says what to do."""


def manylinux_tags(arch: str, glibc_minor: int) -> tuple[str, ...]:
    """Every manylinux tag a Linux with glibc 2.<glibc_minor> runs, newest first.

    pip does not widen ``--platform manylinux_2_28_x86_64`` to the older
    ``manylinux_2_27``/``_2_17`` wheels (TensorFlow 2.21 is ``manylinux_2_27``),
    so every one is named; the order is pip's preference."""
    tags = []
    for minor in range(glibc_minor, 4, -1):
        tags.append(f"manylinux_2_{minor}_{arch}")
        if minor in LEGACY_MANYLINUX:
            tags.append(f"{LEGACY_MANYLINUX[minor]}_{arch}")
    return tuple(tags)


@dataclass(frozen=True)
class Platform:
    name: str
    label: str
    tags: tuple[str, ...]
    # PEP 508 marker values on such a machine (python_version is added per build)
    markers: dict = field(hash=False)


PLATFORMS = {p.name: p for p in (
    # glibc 2.28: RHEL 8, Debian 10, Ubuntu 20.04 and newer (TensorFlow needs 2.27)
    Platform("linux-x86_64", "Linux x86-64 (glibc 2.28 or newer)",
             manylinux_tags("x86_64", 28),
             {"os_name": "posix", "sys_platform": "linux",
              "platform_system": "Linux", "platform_machine": "x86_64"}),
    Platform("linux-aarch64", "Linux ARM64 (glibc 2.28 or newer)",
             manylinux_tags("aarch64", 28),
             {"os_name": "posix", "sys_platform": "linux",
              "platform_system": "Linux", "platform_machine": "aarch64"}),
    # pip widens a macOS tag itself: 12.0 also takes 11.x and universal2 wheels.
    # macOS 12 is TensorFlow's oldest; Intel Macs have no TensorFlow 2.21 wheel.
    Platform("macos-arm64", "macOS 12 or newer on Apple silicon",
             ("macosx_12_0_arm64",),
             {"os_name": "posix", "sys_platform": "darwin",
              "platform_system": "Darwin", "platform_machine": "arm64"}),
    Platform("windows-x86_64", "Windows x86-64", ("win_amd64",),
             {"os_name": "nt", "sys_platform": "win32",
              "platform_system": "Windows", "platform_machine": "AMD64"}),
)}


def target_args(platform: Platform, python: str) -> list[str]:
    """pip's options selecting wheels for ``platform`` and CPython ``python``."""
    args = ["--only-binary=:all:", "--implementation", "cp",
            "--python-version", python]
    for tag in platform.tags:
        args += ["--platform", tag]
    return args


def source_args(find_links: list[Path | str], index: bool = True) -> list[str]:
    args = [] if index else ["--no-index"]
    for link in find_links:
        args += ["--find-links", str(link)]
    return args


def resolve_argv(platform: Platform, python: str, requirements: Path,
                 extra: list[str], report: Path, target: Path,
                 find_links: list[Path | str], index: bool = True,
                 pip: tuple[str, ...] = (sys.executable, "-m", "pip")) -> list[str]:
    """``pip install --dry-run --report``: the resolution for one target, from
    the packages' metadata only (no wheel is downloaded from PyPI)."""
    return [*pip, "install", "--dry-run", "--ignore-installed", "--quiet",
            *target_args(platform, python), "--target", str(target),
            "--report", str(report), *source_args(find_links, index),
            "-r", str(requirements), *extra]


def download_argv(platform: Platform, python: str, requirements: Path,
                  extra: list[str], dest: Path, find_links: list[Path | str],
                  index: bool = True,
                  pip: tuple[str, ...] = (sys.executable, "-m", "pip")) -> list[str]:
    """``pip download``: the wheels of one target into ``dest``."""
    return [*pip, "download", *target_args(platform, python), "--dest", str(dest),
            *source_args(find_links, index), "-r", str(requirements), *extra]


def project_wheel_argv(source: Path, dest: Path, isolated: bool = True,
                       pip: tuple[str, ...] = (sys.executable, "-m", "pip")
                       ) -> list[str]:
    """``pip wheel --no-deps``: this course's own wheel (pure Python, any OS).
    Not isolated: built with this Python's setuptools, nothing downloaded."""
    offline = [] if isolated else ["--no-build-isolation", "--no-index"]
    return [*pip, "wheel", "--no-deps", *offline, "--wheel-dir", str(dest),
            str(source)]


def learner_argv(wheels_url: str, python: str = "python") -> list[str]:
    """The learner's one command: everything from the mirror, no other index."""
    url = wheels_url.rstrip("/") + "/"
    return [python, "-m", "pip", "install", "--no-index", "--find-links", url,
            "-r", url + "requirements.txt"]


def project_metadata(root: Path = ROOT) -> tuple[str, str]:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    return project["name"], project["version"]


def read_requirements(path: Path) -> str:
    """The text of the requirements file ``path``; ``WheelhouseError`` when it
    is not UTF-8 (pip's own default), a byte-order mark allowed."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise WheelhouseError(
            f"{path} is not UTF-8 text (byte 0x{data[e.start]:02x} at position "
            f"{e.start}): save it as UTF-8 (in an editor: Save with Encoding, "
            "UTF-8), then run again.") from None


def join_continued_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, logical line)`` of a requirements file: lines ending in
    a backslash continue on the next (as pip reads them), comments removed."""
    lines, number, pending = [], 0, ""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    for i, raw in enumerate(text.splitlines(), 1):
        line = re.split(r"(?:^|\s)#", raw)[0]
        if not pending:
            number = i
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1]
            continue
        lines.append((number, (pending + line).strip()))
        pending = ""
    if pending.strip():
        lines.append((number, pending.strip()))
    return [(n, line) for n, line in lines if line]


def wheelhouse_requirements(requirements_text: str, name: str, version: str) -> str:
    """The mirror's requirements.txt: the course's pins, then the course itself
    (its own dependencies are among the pins, so one resolution serves both)."""
    options = [line for _, line in join_continued_lines(requirements_text)
               if line.startswith("-")]
    if options:
        raise WheelhouseError(
            f"requirements.txt has option lines ({'; '.join(options)}), which a "
            "learner's computer could not follow: keep only requirement lines")
    return (
        "# This course's packages for a classroom without internet, made by\n"
        "# scripts/wheelhouse.py. Install everything with (docs/offline-install.md):\n"
        "#   python -m pip install --no-index --find-links <this folder's URL>"
        " -r <this file's URL>\n"
        + "".join(f"{line}\n" for line in requirement_lines(requirements_text))
        + f"{name}=={version}\n")


def requirement_lines(text: str) -> list[str]:
    """The requirements of a requirements file: continued lines joined, no
    comments, no option lines, no ``--hash`` (a hash pins one platform's
    wheel; the wheelhouse serves several). ``WheelhouseError`` names a line
    that is not a requirement."""
    requirements = []
    for number, line in join_continued_lines(text):
        if line.startswith("-"):
            continue
        line = re.sub(r"\s*--hash[=\s]\S+", "", line).strip()
        try:
            Requirement(line)
        except InvalidRequirement as e:
            raise WheelhouseError(
                f"line {number} ({line!r}) is not a requirement pip can read "
                f"({e}): fix or remove it") from None
        requirements.append(line)
    return requirements


def marker_environment(platform: Platform, python: str) -> dict[str, str]:
    """PEP 508 marker values of CPython ``python`` on ``platform``. The patch
    level is .0, so a marker for early patch releases keeps its package."""
    return {**platform.markers, "python_version": python,
            "python_full_version": f"{python}.0", "implementation_version":
            f"{python}.0", "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "platform_release": "", "platform_version": ""}


def applies(req: Requirement, env: dict[str, str], extras) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**env, "extra": e}) for e in {"", *extras})


def target_closure(items: list[dict], roots: list[str], env: dict[str, str]
                   ) -> tuple[set[str], list[str]]:
    """What ``roots`` need on the target, walking the report's ``requires_dist``
    with the target's markers: (names needed, requirements pip left out)."""
    by_name = {canonicalize_name(i["metadata"]["name"]): i for i in items}
    extras_done: dict[str, set[str]] = {}
    missing: dict[str, Requirement] = {}  # by name, specifiers and extras merged
    stack = [(Requirement(r), frozenset()) for r in roots]
    while stack:
        req, parent_extras = stack.pop()
        if not applies(req, env, parent_extras):
            continue
        name = canonicalize_name(req.name)
        if name not in by_name:
            known = missing.setdefault(name, Requirement(name))
            known.extras |= req.extras
            known.specifier &= req.specifier
            continue
        done = extras_done.get(name)
        if done is not None and set(req.extras) <= done:
            continue
        extras_done[name] = (done or set()) | set(req.extras)
        for dep in by_name[name]["metadata"].get("requires_dist") or []:
            stack.append((Requirement(dep), frozenset(extras_done[name])))
    return set(extras_done), [str(r) for r in missing.values()]


def wheel_filename(item: dict) -> str:
    return unquote(urlsplit(item["download_info"]["url"]).path.rsplit("/", 1)[-1])


def explain(output: str, platform: Platform, python: str) -> str:
    """pip's failure, said for an instructor: what is missing, what to do."""
    where = f"{platform.label}, Python {python}"
    tail = "\n".join(output.strip().splitlines()[-6:])
    versions = re.search(
        r"satisfies the requirement (\S+).*?\(from versions: ([^)]*)\)", output)
    found = re.search(r"No matching distribution found for (\S+)", output)
    if found or versions:
        req = (found or versions).group(1)
        have = versions.group(2).strip() if versions else ""
        have = ", ".join(have.split(", ")[-5:]) if have and have != "none" else ""
        return (
            f"{req} has no wheel for {where} ("
            + (f"the latest with one: {have}" if have else "no version has one")
            + "). Leave that target out (WHEEL_PLATFORMS=..., WHEEL_PYTHONS=...), "
            f"or in requirements.txt pin a version of {req.split('=')[0]} that has "
            "a wheel for it, or give its line a marker such as "
            "'; sys_platform != \"win32\"' if the course works without it there. "
            f"pip said:\n{tail}")
    if re.search(r"ResolutionImpossible|conflicting dependencies", output):
        return (f"The pins in requirements.txt conflict for {where}: change them "
                f"as pip says:\n{tail}")
    if re.search(r"NewConnectionError|Max retries|Could not fetch URL|"
                 r"Temporary failure in name resolution|timed out", output):
        return ("PyPI could not be reached: build the wheelhouse on a machine with "
                "network (or give --find-links DIR holding the wheels). "
                f"pip said:\n{tail}")
    return f"pip failed for {where}:\n{tail}"


def learner_env() -> dict[str, str]:
    """This environment without pip's settings (no configuration file, no
    PIP_* variables): sources such as a find-links folder of this machine are
    not on the learners' computers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return {**env, "PIP_CONFIG_FILE": os.devnull}


def run_pip(argv: list[str], capture: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, text=True, stdin=subprocess.DEVNULL, env=env,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.PIPE)


@dataclass
class Target:
    platform: Platform
    python: str
    extra: list[str] = field(default_factory=list)  # added for the markers
    items: list[dict] = field(default_factory=list)  # pip's report
    needed: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.platform.label}, Python {self.python}"

    def files(self) -> list[str]:
        return sorted(wheel_filename(i) for i in self.items
                      if canonicalize_name(i["metadata"]["name"]) in self.needed)


def resolve(target: Target, requirements: Path, work: Path,
            find_links: list[Path | str], index: bool = True,
            env: dict[str, str] | None = None) -> Target:
    """Resolve one target with pip, then add what its markers need, until
    nothing is missing. Fills ``target.items``, ``.needed``, ``.extra``."""
    roots = requirement_lines(requirements.read_text())
    markers = marker_environment(target.platform, target.python)
    report = work / f"report-{target.platform.name}-{target.python}.json"
    for _ in range(MAX_ROUNDS):
        done = run_pip(resolve_argv(target.platform, target.python, requirements,
                                    target.extra, report, work / "target",
                                    find_links, index), env=env)
        if done.returncode != 0:
            raise WheelhouseError(explain(done.stdout + done.stderr,
                                          target.platform, target.python))
        target.items = json.loads(report.read_text())["install"]
        target.needed, missing = target_closure(target.items,
                                                roots + target.extra, markers)
        if not missing:
            return target
        target.extra += missing
    raise WheelhouseError(
        f"{target.label}: dependencies still missing after {MAX_ROUNDS} rounds "
        f"({', '.join(missing)}): add them to requirements.txt.")


def copy_project(dest: Path, root: Path = ROOT) -> Path:
    """What building the course's wheel needs: the top-level files and its
    packages (not notebooks, artifacts, venvs or a mirror inside the tree)."""
    dest.mkdir(parents=True)
    for path in root.iterdir():
        if path.is_file():
            shutil.copy2(path, dest / path.name)
    config = tomllib.loads((root / "pyproject.toml").read_text())
    packages = config.get("tool", {}).get("setuptools", {}).get("packages", [])
    for top in sorted({p.split(".")[0] for p in packages}):
        shutil.copytree(root / top, dest / top, ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc"))
    return dest


def build_project_wheel(dest: Path, work: Path, isolated: bool) -> Path:
    name, version = project_metadata()
    source = copy_project(work / "project")
    done = run_pip(project_wheel_argv(source, dest, isolated))
    stem = canonicalize_name(name).replace("-", "_")
    wheel = dest / f"{stem}-{version}-py3-none-any.whl"
    if done.returncode != 0 or not wheel.exists():
        raise WheelhouseError(
            f"Could not build this course's wheel ({wheel.name}): fix what pip "
            f"says:\n{(done.stdout + done.stderr)[-2000:]}")
    return wheel


def summary(targets: list[Target], folder: Path) -> list[str]:
    """One line per target (packages, MB of its wheels) and the folder's total."""
    lines = []
    for t in targets:
        files = t.files()
        size = sum((folder / f).stat().st_size for f in files if (folder / f).exists())
        lines.append(f"  {t.label}: {len(t.needed)} packages, "
                     f"{size / 1e6:,.1f} MB")
    every = [p for p in folder.iterdir() if p.is_file()]
    total = sum(p.stat().st_size for p in every)
    lines.append(f"  in all: {len(every)} files, {total / 1e6:,.1f} MB in {folder}/")
    return lines


def make_out_folder(out: Path) -> Path:
    """``out``, made if needed; ``WheelhouseError`` when it is a file, lies
    inside one or cannot be made."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WheelhouseError(
            f"--out {out} cannot be used as the wheelhouse folder "
            f"({type(e).__name__}: {e.strerror or e}): give --out a folder you "
            "can write to (default mirror/wheels), or move away the file in the "
            "way.") from None
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "mirror" / "wheels",
                        help="the wheelhouse folder (default mirror/wheels)")
    parser.add_argument("--python", nargs="+", default=list(DEFAULT_PYTHONS),
                        metavar="X.Y", help="CPython versions (default 3.11)")
    parser.add_argument("--platform", nargs="+", default=list(DEFAULT_PLATFORMS),
                        choices=sorted(PLATFORMS), metavar="NAME",
                        help=f"of {', '.join(PLATFORMS)} "
                             f"(default {' '.join(DEFAULT_PLATFORMS)})")
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    parser.add_argument("--check", action="store_true",
                        help="resolve every target and say what it needs; "
                             "download nothing, write nothing")
    parser.add_argument("--find-links", type=Path, metavar="DIR",
                        help="take the wheels from DIR only, not from PyPI, and "
                             "build the course with this Python's setuptools")
    args = parser.parse_args(argv)
    for python in args.python:
        if not re.fullmatch(r"3\.\d+", python):
            parser.error(f"--python {python}: give a version as 3.11")
    offline = args.find_links is not None
    sources = [args.find_links] if offline else []
    targets = [Target(PLATFORMS[p], v) for v in args.python for p in args.platform]
    try:
        if not args.requirements.is_file():
            raise WheelhouseError(f"{args.requirements} does not exist: give "
                                  "--requirements FILE")
        name, version = project_metadata()
        try:  # before anything is built or downloaded
            pinned = wheelhouse_requirements(read_requirements(args.requirements),
                                             name, version)
        except WheelhouseError as e:
            message = str(e)
            if str(args.requirements) not in message:
                message = f"{args.requirements}: {message}"
            raise WheelhouseError(message) from None
        if not args.check:
            make_out_folder(args.out)
        with tempfile.TemporaryDirectory(prefix="wheelhouse-") as tmp:
            work = Path(tmp)
            out = work / "check" if args.check else args.out
            out.mkdir(parents=True, exist_ok=True)
            wheel = build_project_wheel(out, work, isolated=not offline)
            requirements = work / "requirements.txt"  # into out once complete
            requirements.write_text(pinned)
            for t in targets:
                print(f"resolving for {t.label} ...", flush=True)
                resolve(t, requirements, work, [out, *sources], index=not offline)
                note = f" (+ for its markers: {', '.join(t.extra)})" if t.extra else ""
                print(f"  {len(t.needed)} packages{note}", flush=True)
            if args.check:
                print("check: every target resolves; nothing was downloaded.")
                return 0
            for t in targets:
                print(f"downloading for {t.label} ...", flush=True)
                done = run_pip(download_argv(t.platform, t.python, requirements,
                                             t.extra, out, [out, *sources],
                                             index=not offline), capture=False)
                if done.returncode != 0:
                    raise WheelhouseError(explain(done.stderr, t.platform, t.python))
                absent = [f for f in t.files() if not (out / f).exists()]
                if absent:
                    raise WheelhouseError(
                        f"{t.label}: pip did not save {', '.join(absent)}: run "
                        "again (an interrupted download?)")
            for t in targets:
                print(f"checking that {t.label} installs from {out} alone ...",
                      flush=True)
                try:
                    resolve(Target(t.platform, t.python), requirements, work, [out],
                            index=False, env=learner_env())
                except WheelhouseError as e:
                    raise WheelhouseError(
                        f"The wheelhouse alone does not install for {t.label}, "
                        f"though the index had everything: run again. {e}") from e
            shutil.copyfile(requirements, out / "requirements.txt")
        print(f"wheelhouse ready, with this course ({wheel.name}):")
        print("\n".join(summary(targets, out)))
        served = f"http://<this machine's IP>:8000/{out.name}/"
        print(f"serve it with:  cd {out.parent} && python -m http.server 8000")
        print("learners run, in a new virtual environment:\n  "
              + " ".join(learner_argv(served)))
    except WheelhouseError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
