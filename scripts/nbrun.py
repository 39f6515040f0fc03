"""Run the course's notebooks headless, with parameters injected as papermill does.

    python scripts/nbrun.py smoke --out build/smoke   # smoke copies for `make test`
    python scripts/nbrun.py smoke --out build/smoke --changed-only
    python scripts/nbrun.py check --out build/smoke   # run them (nbval), record

``--changed-only`` (``make smoke`` outside CI) writes copies only of the notebooks
whose inputs changed since the last passing run in this checkout: the notebook's
source, ``helpers/``, this script, the generated test data's code and the smoke
parameters, hashed (``hash_inputs``); ``record`` remembers the hashes of the
copies that just passed. CI, on a clean checkout, always runs every notebook.

``check`` runs the copies with nbval in ``SMOKE_ORDER``: 01 alone (every other
notebook reads its split), then two chains side by side, one pytest process
each, each notebook after the ones whose artifacts it reads. A smoke notebook
keeps about one core busy (it starts a kernel, imports TensorFlow, builds small
models), so on two cores two chains side by side take about the wall time of
the longer one.

A notebook's one ``parameters`` cell holds the tutorial's settings, and a cell
tagged ``switches`` (after it, collapsed) the course's own (``VERBOSE``,
``CATCH_UP``, ``ARTIFACTS_DIR``, ...). To run it with other values (one epoch per
stage in the smoke test, one log line per epoch in ``make reproduce``), a cell
tagged ``injected-parameters`` is inserted right after the later of the two, as
papermill does; the learner's copy never shows that cell.

The kernels run as a learner's ``make lab`` kernel does (``KERNEL_ARGS``): what
TensorFlow's C++ code writes to the process's stderr (its start-up log lines) goes
to this script's terminal, not into the cells, so the stored outputs hold only
what the notebook's Python code printed.

The smoke copies also end with the code of the exercises' worked solutions: the
```` ```python ```` blocks inside each ``<details><summary>Solution</summary>``
block of the notebook's markdown, one code cell each, tagged
``exercise-solution``. So ``make smoke`` checks that every solution still runs
after the notebook, while the learner's notebook holds them only as folded text
("Run all" never runs them).
Used by ``make test``, ``scripts/reproduce.py``, ``scripts/benchmark.py`` and the
tests.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
#: The language editions: the same code cells, other prose
#: (tests/static/test_editions.py).
EDITIONS = {"en": NOTEBOOKS, "hi": ROOT / "notebooks-hi"}
INJECTED = "injected-parameters"
#: The tag of the solution cells appended to the smoke copies.
SOLUTION_TAG = "exercise-solution"
#: A folded worked solution in a markdown cell: ``<details><summary>Solution
#: </summary> ... </details>`` (not nested: the first ``</details>`` ends it).
SOLUTION_BLOCK = re.compile(
    r"<details>\s*<summary>\s*(?:Solution|हल)\s*</summary>(.*?)</details>",
    re.DOTALL | re.IGNORECASE)
#: A fenced ```` ```python ```` block, its fences at the start of a line.
PYTHON_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$",
                          re.DOTALL | re.MULTILINE)
#: The smoke configuration: tiny, quiet, every notebook end to end.
SMOKE = {"INITIAL_EPOCHS": 1, "FINE_TUNE_EPOCHS": 1, "VERBOSE": 2,
         "SHOW_PROGRESS": False, "TIMING_STEPS": 1,  # TIMING_STEPS: 08's timings
         "REPEATS": 1,  # 00's timed steps
         "NOISE_SEEDS": 2}  # 06's seed study
#: Headless real runs: one line per epoch instead of a progress bar.
HEADLESS = {"VERBOSE": 2, "SHOW_PROGRESS": False}
#: The tag of the course's switches cell, which follows the ``parameters`` cell.
SWITCHES = "switches"
#: The kernel's options, as in ``make lab``'s kernel (jupyter/kernels/python3):
#: output written to the process's file descriptors by C++ libraries, such as
#: TensorFlow's start-up log lines, is not captured into the cells (as on Colab);
#: ``print`` and Python's warnings still are.
KERNEL_ARGS = ["--IPKernelApp.capture_fd_output=False"]


def notebook_paths(only=None, folder: Path = NOTEBOOKS) -> list[Path]:
    """The numbered notebooks of ``folder`` (an edition), optionally only those
    whose number is in ``only``."""
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not only or p.name[:2] in only]


def _tagged(nb, tag: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if tag in c.metadata.get("tags", [])]


def _assigned_names(source: str) -> set[str]:
    return {t.id for node in ast.parse(source).body
            if isinstance(node, ast.Assign) for t in node.targets
            if isinstance(t, ast.Name)}


def parameter_names(nb) -> set[str]:
    """The names the notebook's ``parameters`` cell assigns."""
    return _assigned_names(nb.cells[_tagged(nb, "parameters")[0]].source)


def injectable_names(nb) -> set[str]:
    """The names that can be injected: those the ``parameters`` cell and the
    course's ``switches`` cell (where there is one) assign."""
    return {name for i in _tagged(nb, "parameters") + _tagged(nb, SWITCHES)
            for name in _assigned_names(nb.cells[i].source)}


def inject_parameters(nb, parameters: dict, strict: bool = True):
    """Insert ``NAME = value`` lines after the ``parameters`` cell, or after the
    ``switches`` cell where that comes later; in place.

    With ``strict``, a name neither cell defines is an error (a typo would
    otherwise be ignored); without it, such names are left out.
    """
    import nbformat

    names = injectable_names(nb)
    unknown = sorted(set(parameters) - names)
    if strict and unknown:
        raise KeyError(f"not parameters of this notebook: {unknown}")
    lines = [f"{k} = {v!r}" for k, v in parameters.items() if k in names]
    remove_injected(nb)
    index = max(_tagged(nb, "parameters")[:1] + _tagged(nb, SWITCHES)[:1])
    cell = nbformat.v4.new_code_cell("# Parameters\n" + "\n".join(lines))
    cell.metadata["tags"] = [INJECTED]
    cell["id"] = INJECTED
    nb.cells.insert(index + 1, cell)
    return nb


def remove_injected(nb):
    nb.cells = [c for c in nb.cells if INJECTED not in c.metadata.get("tags", [])]
    return nb


def execute(path: Path, parameters: dict | None = None, timeout: int = 3600,
            cwd: Path | None = None, allow_errors: bool = False):
    """Execute one notebook in a fresh kernel; return (notebook, seconds).

    The injected cell is removed again from the returned notebook.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    if parameters:
        inject_parameters(nb, parameters, strict=False)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            allow_errors=allow_errors, extra_arguments=KERNEL_ARGS,
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    remove_injected(nb)
    return nb, seconds


def write_notebook(nb, path: Path) -> None:
    import nbformat

    sys.path.insert(0, str(ROOT))
    from helpers.artifacts import write_atomically

    write_atomically(path, lambda tmp: nbformat.write(nb, tmp))


def run_notebooks(only=None, parameters=None, inplace: bool = True,
                  folder: Path = NOTEBOOKS) -> dict:
    """Run the selected notebooks of ``folder`` in order, printing progress;
    return seconds. With ``inplace``, their outputs are stored in the ``.ipynb``
    files."""
    seconds = {}
    for path in notebook_paths(only, folder):
        print(f"running {path.name} ...", flush=True)
        nb, seconds[path.stem] = execute(path, parameters or HEADLESS)
        if inplace:
            write_notebook(nb, path)
        print(f"  done in {seconds[path.stem]:.0f} s", flush=True)
    return seconds


def save_results(results: dict, output, table: str) -> None:
    """Write a script's results JSON (atomically) and print its table."""
    sys.path.insert(0, str(ROOT))
    from helpers.artifacts import save_json

    save_json(results, output)
    print(table)
    print(f"wrote {os.path.relpath(output)}")


def solution_blocks(markdown: str) -> list[str]:
    """The code of the worked solutions in one markdown cell, in order.

    Every ```` ```python ```` block inside a ``<details><summary>Solution
    </summary>`` block; a solution in words only gives none, and code outside
    a Solution block (a hint, the task itself) is not collected.
    """
    return [code.rstrip("\n") for block in SOLUTION_BLOCK.findall(markdown)
            for code in PYTHON_FENCE.findall(block)]


def append_solutions(nb):
    """Append one code cell per solution block of ``nb``'s markdown, in order,
    tagged ``exercise-solution``, after a markdown cell saying where they come
    from; in place, and returned. Nothing is appended to a notebook without
    solutions."""
    import nbformat

    nb.cells = [c for c in nb.cells if SOLUTION_TAG not in c.metadata.get("tags", [])]
    blocks = [code for cell in nb.cells if cell.cell_type == "markdown"
              for code in solution_blocks(cell.source)]
    if not blocks:
        return nb
    note = nbformat.v4.new_markdown_cell(
        "The exercises' worked solutions, appended by `scripts/nbrun.py` so the "
        "smoke test runs them.")
    note.metadata["tags"] = [SOLUTION_TAG]
    note["id"] = f"{SOLUTION_TAG}-note"
    nb.cells.append(note)
    for number, code in enumerate(blocks, 1):
        cell = nbformat.v4.new_code_cell(code)
        cell.metadata["tags"] = [SOLUTION_TAG]
        cell["id"] = f"{SOLUTION_TAG}-{number}"
        nb.cells.append(cell)
    return nb


def write_smoke_copies(out: Path, only=None, folder: Path = NOTEBOOKS,
                       solutions: bool = True) -> list[Path]:
    """Copies of the notebooks with the smoke parameters injected and the
    exercises' solutions appended (make test); ``solutions=False``: the lesson
    only, what "Run all" runs (make colab-test)."""
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebook_paths(only, folder):
        nb = inject_parameters(nbformat.read(path, as_version=4), SMOKE,
                               strict=False)
        if solutions:
            append_solutions(nb)
        write_notebook(nb, out / path.name)
        written.append(out / path.name)
    return written


#: What a smoke run of a notebook depends on, besides the notebook itself.
SMOKE_INPUTS = ("helpers/*.py", "scripts/nbrun.py", "tests/synthetic.py",
                "conftest.py", "jupytext.toml")
PASSED = "passed.json"
#: The smoke run's phases: each phase's chains run side by side, a chain's
#: notebooks one after the other, in this order. A notebook comes after the
#: notebooks whose stages it reads (tests/static/test_nbrun.py checks this
#: against each notebook's ``catchup.ensure_stage`` call): 03 -> 04 -> 05 -> 09
#: (09 serves 04's model and reads 03's and 04's TensorBoard logs); 02, 06 and
#: 08 read only 01's split; 07 and 00 (the readiness check) read nothing. The
#: chains are balanced by their smoke-run seconds: 00 (35 s) alone beside 01
#: would leave a core idle for most of it, so 01 and then 02 run beside it, which
#: also takes 02 off the second phase, whose chains took 180 s and 198 s here
#: (2026-12-03) with 02 in the first and 00 in the second.
SMOKE_ORDER = ((("01", "02"), ("00",)),
               (("03", "04", "05", "09"), ("07", "06", "08")))


def hash_inputs(path: Path) -> str:
    """A hash of what a smoke run of notebook ``path`` depends on: its ``.py``
    pair, ``SMOKE_INPUTS`` and ``SMOKE``."""
    import hashlib

    digest = hashlib.sha256(repr(sorted(SMOKE.items())).encode())
    files = [path.parent / "py" / f"{path.stem}.py"]
    files += sorted(p for pattern in SMOKE_INPUTS for p in ROOT.glob(pattern))
    for file in files:
        digest.update(file.relative_to(ROOT).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def read_passed(out: Path) -> dict:
    import json

    try:
        return json.loads((out / PASSED).read_text())
    except (OSError, ValueError):
        return {}


def find_unchanged(out: Path, only=None, folder: Path = NOTEBOOKS) -> list[str]:
    """The notebooks whose inputs are those of their last passing smoke run."""
    passed = read_passed(out)
    return [p.stem for p in notebook_paths(only, folder)
            if passed.get(p.stem) == hash_inputs(p)]


def record_passed(out: Path, folder: Path = NOTEBOOKS) -> list[str]:
    """Remember the input hashes of the smoke copies in ``out`` (they passed)."""
    import json

    passed = read_passed(out)
    ran = [p.stem for p in sorted(out.glob("[0-9][0-9]_*.ipynb"))]
    for path in notebook_paths(folder=folder):
        if path.stem in ran:
            passed[path.stem] = hash_inputs(path)
    (out / PASSED).write_text(json.dumps(passed, indent=1, sort_keys=True))
    return ran


def plan_phases(copies: list[Path]) -> list[list[list[Path]]]:
    """The smoke copies to run: phases, each a list of chains (run side by
    side), each chain a list of notebooks (run in order). A copy that
    ``SMOKE_ORDER`` does not list runs last, alone."""
    phases = []
    for phase in SMOKE_ORDER:
        chains = [[p for n in chain for p in copies if p.name[:2] == n]
                  for chain in phase]
        if any(chains):
            phases.append([c for c in chains if c])
    listed = {n for phase in SMOKE_ORDER for chain in phase for n in chain}
    phases += [[[p]] for p in copies if p.name[:2] not in listed]
    return phases


def check_copies(out: Path, python: str = sys.executable, jobs: int = 2) -> int:
    """Run the smoke copies in ``out`` with nbval, phase by phase, the chains of
    a phase side by side (``jobs`` at most), each in its own pytest process
    whose output goes to ``out/<first notebook>.log`` and is shown when it ends.
    Returns the first non-zero exit status, or 0."""
    import subprocess

    command = [python, "-m", "pytest", "-q", "--nbval-lax",
               "--nbval-cell-timeout=900", "-p", "no:cacheprovider"]
    for chains in plan_phases(sorted(out.glob("[0-9][0-9]_*.ipynb"))):
        while chains:
            batch, chains = chains[:max(jobs, 1)], chains[max(jobs, 1):]
            print("smoke:", " | ".join(" ".join(p.stem for p in c) for c in batch),
                  flush=True)
            if len(batch) == 1:
                status = subprocess.run([*command, *map(str, batch[0])],
                                        cwd=ROOT).returncode
            else:
                logs = [out / f"{chain[0].stem}.log" for chain in batch]
                procs = [subprocess.Popen([*command, *map(str, chain)], cwd=ROOT,
                                          stdout=log.open("w"),
                                          stderr=subprocess.STDOUT)
                         for chain, log in zip(batch, logs)]
                codes = [proc.wait() for proc in procs]
                for log in logs:
                    print(log.read_text(), end="", flush=True)
                status = next((c for c in codes if c), 0)
            if status:
                return status
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    smoke = sub.add_parser("smoke", help="write smoke copies of the notebooks")
    smoke.add_argument("--out", default=str(ROOT / "build" / "smoke"))
    smoke.add_argument("--edition", choices=sorted(EDITIONS), default="en",
                       help="en: notebooks/, hi: notebooks-hi/")
    smoke.add_argument("--only", nargs="*", help="notebook numbers, e.g. 01 05")
    smoke.add_argument("--no-solutions", dest="solutions", action="store_false",
                       help="leave out the exercises' solutions: the lesson only "
                       "(make colab-test: make smoke ran them, same code)")
    smoke.add_argument("--changed-only", action="store_true",
                       help="skip the notebooks whose inputs have not changed "
                       "since their last passing smoke run in --out")
    record = sub.add_parser("record", help="remember that the copies in --out "
                            "passed (for --changed-only)")
    record.add_argument("--out", default=str(ROOT / "build" / "smoke"))
    record.add_argument("--edition", choices=sorted(EDITIONS), default="en")
    check = sub.add_parser("check", help="run the copies in --out (nbval), then "
                           "record them as passed")
    check.add_argument("--out", default=str(ROOT / "build" / "smoke"))
    check.add_argument("--edition", choices=sorted(EDITIONS), default="en")
    check.add_argument("--jobs", type=int, default=int(os.environ.get(
        "SMOKE_JOBS", "2")), help="chains run side by side (default 2; "
        "SMOKE_JOBS)")
    args = parser.parse_args(argv)
    out, folder = Path(args.out), EDITIONS[args.edition]
    if args.command == "check":
        if not list(out.glob("[0-9][0-9]_*.ipynb")):
            print("smoke: every notebook is unchanged since its last passing run")
            return 0
        failed = check_copies(out, jobs=args.jobs)
        if failed:
            return failed
        args.command = "record"
    if args.command == "record":
        print("passed:", " ".join(record_passed(out, folder)) or "nothing")
        return 0
    for old in out.glob("[0-9][0-9]_*.ipynb"):  # only this run's copies stay
        old.unlink()
    skip = set(find_unchanged(out, args.only, folder)) if args.changed_only else set()
    if skip:
        print("unchanged since their last passing smoke run (not run again):",
              " ".join(sorted(skip)))
    only = [p.name[:2] for p in notebook_paths(args.only, folder)
            if p.stem not in skip]
    for path in (write_smoke_copies(out, only, folder, args.solutions)
                 if only else []):
        print(os.path.relpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
