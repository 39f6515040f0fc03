"""A real browser against `make lab`: what a learner sees when running a notebook.

- 01_data runs to the end on generated data, as `notebooks/01_data.ipynb` freshly
  made from `notebooks/py/01_data.py` (no stored outputs: every output on the page
  comes from this run), with the 3x3 grid rendered, the badge row's icons loaded
  with no network, and no cell showing a stderr block (TensorFlow's C++ log
  lines, a warning: JupyterLab draws them red) or an error.
- The stderr check can fail: a copy of 01 whose setup cell prints a line to
  stderr is run, and the check must name that cell and that line.
- 05_evaluation runs alone, on the catch-up path (a fresh artifacts folder,
  generated data and weights, the smoke parameters injected as `make smoke`
  does): no stderr block, no warning, no error.

Headless Chromium (Debian's `chromium`, or TL_CHROMIUM=<path>) driven by
Playwright (`pip install -r requirements-browser.txt`). Without them the tests
are skipped; with TL_REQUIRE_BROWSER=1 (CI) they fail instead. JupyterLab serves
a temporary copy, with its own Jupyter config, settings, workspaces and runtime
folders, so nothing in notebooks/ or ~/.jupyter is written; its kernel is the
one `make lab` gives a learner: pytest's PYTEST_CURRENT_TEST, which makes
ipykernel stop capturing what C++ code writes to stderr, is not passed on.
TL_BROWSER_NOTEBOOKS=<folder> makes the notebooks from <folder>/py/ instead of
notebooks/py/. Screenshots: build/browser/01_data.png (the whole notebook after
the run), build/browser/01_data-grid.png (the grid's output) and
build/browser/05_evaluation.png.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import synthetic

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "browser"
NOTEBOOK = "01_data"
CATCH_UP = "05_evaluation"
#: 05's export cell: the browser's 05 stops before it.
EXPORT_CELL = 'stages.model_path(ARTIFACTS_DIR, "evaluation")'
#: Where the notebooks' reviewed sources are (py/NN_name.py).
SOURCE = Path(os.environ.get("TL_BROWSER_NOTEBOOKS") or ROOT / "notebooks")
#: The flags this machine's Chromium needs (no sandbox as root, no GPU, and no
#: background connections to Google's hosts from a closed network).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SERVER_START_S = 120  # JupyterLab answering its REST API
PAGE_LOAD_S = 120  # JupyterLab's page and the notebook opened in it
RUN_ALL_S = 420  # every cell of a notebook on the generated data
#: Settings of this test's own (empty) user-settings folder: every cell stays
#: in the page (no windowing), and no news prompt covers the screenshot.
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false", "checkForUpdates": False},
}
#: Any address but the server's (http and websockets on 127.0.0.1) or the page's.
NOT_LOCAL = re.compile(r"^(?!(http|ws)://127\.0\.0\.1[:/]|data:|blob:)")
#: Every code cell's prompt: `[3]:` run, `[*]:` running or queued, `[ ]:` not
#: run; a collapsed cell (jupyter.source_hidden) shows none: HIDDEN. Whether
#: those ran, the saved notebook says.
PROMPTS_JS = """() => Array.from(
    document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell'),
    cell => cell.querySelector('.jp-InputArea-prompt')?.textContent.trim()
        ?? 'hidden')"""
HIDDEN = "hidden"
#: Text outputs that show an exception: a traceback, or the one-line message
#: of the project's own errors (helpers.session.setup_notebook).
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^-{20,}$"
                        r"|^\w*(Error|Exception): ", re.M)
#: A warning in any output: Python's (UserWarning: ...), absl's or a C++ log
#: line's (WARNING: ..., W0000 ...).
WARNING_TEXT = re.compile(r"\b\w*Warning\b|\bWARNING\b|^W\d{4} ", re.M)
#: Each code cell's stderr outputs, by the cell's index in the notebook:
#: JupyterLab renders a stream output named stderr (red) with this MIME type.
STDERR_JS = """() => Array.from(
    document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell'),
    (cell, index) => [index, Array.from(cell.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'),
        output => output.innerText)]).filter(([index, texts]) => texts.length)"""
#: The badge row's icons: (loaded, natural width) of each.
BADGES_JS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .tfo-notebook-buttons img'),
    img => [img.complete, img.naturalWidth])"""


def require_browser() -> str:
    """The Chromium to use; skip (or fail with TL_REQUIRE_BROWSER=1) without
    Chromium or Playwright, saying how to get them."""
    chromium = (os.environ.get("TL_CHROMIUM") or shutil.which("chromium")
                or shutil.which("chromium-browser") or "/usr/bin/chromium")
    missing = []
    if not Path(chromium).is_file():
        missing.append(f"Chromium ({chromium} not found): `apt-get install "
                       "chromium`, or set TL_CHROMIUM=<path to chromium>")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright: `pip install -r requirements-browser.txt`")
    if shutil.which("make") is None:
        missing.append("make (the test starts `make lab`)")
    if missing:
        message = ("the browser test needs " + "; ".join(missing)
                   + " (TL_REQUIRE_BROWSER=1 makes this a failure, as in CI)")
        if os.environ.get("TL_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return chromium


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_environment(work: Path, weights: bool = False) -> dict:
    """The server's environment: generated data and a temporary artifacts folder
    and Keras cache (as conftest.py gives the smoke runs), inline figures, and
    Jupyter folders of its own; with ``weights``, generated MobileNetV2 weights
    (TL_WEIGHTS, written by another process: this one imports no TensorFlow).
    No PYTEST_CURRENT_TEST: the kernel is a learner's (ipykernel does not
    capture C++ output under pytest)."""
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    for name in ("TL_PERSIST_DIR", "TL_MIRROR", "TL_WEIGHTS"):  # never the
        env.pop(name, None)  # developer's own folder, mirror or weights
    jupyter = work / "jupyter"
    settings = jupyter / "lab-user-settings"
    for name, values in USER_SETTINGS.items():
        path = settings / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env.update(
        TL_DATA_DIR=str(synthetic.make_dataset(work / "data")),
        TL_ARTIFACTS_DIR=str(work / "artifacts"),
        KERAS_HOME=str(work / "keras_home"),
        # conftest.py's Agg would draw the grid nowhere: the kernel's own default
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        JUPYTER_CONFIG_DIR=str(jupyter / "config"),
        JUPYTER_DATA_DIR=str(jupyter / "data"),
        JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(jupyter / "workspaces"),
        IPYTHONDIR=str(jupyter / "ipython"),
    )
    if weights:
        path = work / "random_mobilenet_v2_no_top.h5"
        subprocess.run([sys.executable, "-c", "import sys, synthetic; "
                        "synthetic.write_weights(sys.argv[1])", str(path)],
                       check=True, cwd=ROOT / "tests", capture_output=True,
                       env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"})
        env["TL_WEIGHTS"] = str(path)
    return env


def start_lab(lab_root: Path, env: dict, log: Path):
    """`make lab` on a free port with a random token; (process, base URL, token)
    once its REST API answers."""
    port, token = free_port(), secrets.token_hex(16)
    with log.open("w") as out:  # a file, not a pipe: a full pipe would block
        proc = subprocess.Popen(
            ["make", "-s", "-C", str(ROOT), "lab", f"PY={sys.executable}",
             f"LAB_PORT={port}", f"LAB_TOKEN={token}", f"LAB_ROOT={lab_root}"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"{base}/api/status", headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(request, timeout=5):
                return proc, base, token
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    stop_lab(proc, base, token)
    pytest.fail(f"`make lab` did not answer within {SERVER_START_S} s:\n"
                + log.read_text()[-3000:])


def stop_lab(proc, base: str, token: str):
    """Shut the server down (it stops its kernels), then its process group."""
    try:
        request = urllib.request.Request(
            f"{base}/api/shutdown", method="POST",
            headers={"Authorization": f"token {token}"})
        urllib.request.urlopen(request, timeout=10).close()
        proc.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


def make_notebook(name: str, lab_root: Path, paired: bool = True,
                  parameters: dict | None = None, plant: str | None = None,
                  stem: str | None = None, stop_before: str | None = None):
    """``notebooks/<stem>.ipynb`` in ``lab_root``, made from ``py/<name>.py`` with
    jupytext and without outputs; return it (an ``nbformat`` notebook).

    ``paired``: beside ``notebooks/py/<name>.py`` and ``jupytext.toml``, as in
    this project (saving writes both). ``parameters``: injected as ``make smoke``
    does. ``plant``: code appended to the setup cell (the one that calls
    ``session.setup_notebook``), and the notebook cut after it. ``stop_before``:
    the notebook cut before the first code cell containing it.
    """
    import jupytext
    import nbformat
    import nbrun

    folder = lab_root / "notebooks"
    (folder / "py").mkdir(parents=True, exist_ok=True)
    nb = jupytext.read(SOURCE / "py" / f"{name}.py")
    if parameters:
        nbrun.inject_parameters(nb, parameters, strict=False)
    if stop_before:
        nb.cells = nb.cells[:next(i for i, c in enumerate(nb.cells)
                                  if c.cell_type == "code" and stop_before in c.source)]
    if plant:
        setup = next(i for i, c in enumerate(nb.cells)
                     if "session.setup_notebook()" in c.source)
        nb.cells[setup].source += "\n" + plant
        nb.cells = nb.cells[:setup + 1]
    if paired and not (parameters or plant):
        shutil.copy(ROOT / "jupytext.toml", lab_root)
        jupytext.write(nb, folder / f"{name}.ipynb")
        jupytext.write(nb, folder / "py" / f"{name}.py", fmt="py:percent")
    else:
        nb.metadata.get("jupytext", {}).pop("formats", None)  # a notebook alone
        nbformat.write(nb, folder / f"{stem or name}.ipynb")
    return nb


def first_line(cell) -> str:
    return next((line for line in cell.source.splitlines()
                 if line.strip() and not line.startswith("#")), cell.source[:60])


def grid_cell_index(nb) -> int:
    """The index of the cell that draws the 3x3 grid."""
    found = [i for i, c in enumerate(nb.cells) if "plt.subplot(3, 3" in c.source]
    assert len(found) == 1, f"one grid cell expected, found {found}"
    return found[0]


def wait_for_kernel(base: str, token: str, path: str):
    """Wait until the server has an idle kernel for the notebook at ``path``
    (Run All before that asks which kernel to start)."""
    deadline = time.monotonic() + PAGE_LOAD_S
    states = []
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"{base}/api/sessions", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            sessions = json.loads(response.read())
        states = [s["kernel"]["execution_state"] for s in sessions
                  if s.get("path") == path and s.get("kernel")]
        if "idle" in states:
            return
        time.sleep(1)
    pytest.fail(f"no idle kernel for {path} after {PAGE_LOAD_S} s: {states}")


def menu_command(page, notebook, menu: str, command: str):
    """Menu > item, as a learner does, once the notebook is the current
    document (its menu items are disabled until then)."""
    notebook.locator(".jp-Cell").first.click()  # select the notebook's first cell
    item = page.locator(f'.lm-Menu-item[data-command="{command}"]')
    deadline = time.monotonic() + 30
    while True:
        page.get_by_role("menuitem", name=menu, exact=True).click()
        item.wait_for()
        if "lm-mod-disabled" not in (item.get_attribute("class") or ""):
            item.click()
            return
        page.keyboard.press("Escape")  # close the menu, try again
        assert time.monotonic() < deadline, f"{menu} > {command} stays disabled"
        page.wait_for_timeout(500)


def visible_prompts(page) -> list[str]:
    return [p for p in page.evaluate(PROMPTS_JS) if p != HIDDEN]


def wait_for_run_all(page) -> list[str]:
    """Wait until Run All has started and no code cell is running or queued;
    return the code cells' prompts."""
    start = time.monotonic()
    started = False
    while time.monotonic() < start + RUN_ALL_S:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            text = " ".join(dialog.first.inner_text().split())
            pytest.fail(f"JupyterLab shows a dialog: {text}")
        prompts = visible_prompts(page)
        busy = any("*" in p for p in prompts)
        started = started or busy or all(re.fullmatch(r"\[\d+\]:", p)
                                         for p in prompts)
        if started and not busy:
            return prompts
        if not started and time.monotonic() > start + 60:
            pytest.fail(f"Run All did not start any cell within 60 s: {prompts}")
        time.sleep(1)
    pytest.fail(f"the cells were still running after {RUN_ALL_S} s: {prompts}")


SCROLL_JS = """() => {
    const panel = document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
    if (!panel) return [0, 0];
    panel.scrollTop = 0;
    return [panel.scrollHeight, panel.clientHeight];
}"""


def full_page_screenshot(page, path: Path, grid: int | None = None):
    """The whole notebook in one image (the page made as tall as the notebook,
    scrolled to its top), and the grid cell's output in another."""
    height, visible = page.evaluate(SCROLL_JS)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(
        size["height"] + max(0, height - visible), 16000)})
    page.wait_for_timeout(1500)  # JupyterLab lays itself out again
    page.evaluate(SCROLL_JS)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    if grid is None:
        return
    output = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(
        grid).locator(".jp-OutputArea")
    if output.count():
        output.screenshot(path=str(path.with_name(f"{path.stem}-grid.png")))


def stderr_blocks(page) -> list[tuple[int, str]]:
    """(cell index, text) of every stderr output on the page."""
    return [(index, text) for index, texts in page.evaluate(STDERR_JS)
            for text in texts]


def describe_stderr(blocks, nb) -> str:
    """The cells and the text of stderr blocks, for a failure message."""
    return "\n".join(f"cell {index} ({first_line(nb.cells[index])!r}) shows a stderr "
                     f"block:\n{text[-1500:]}" for index, text in blocks)


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium, offline: (browser, its page factory)."""
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True,
                                    args=CHROMIUM_ARGS)

        def new_page():
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # offline, as every test: nothing from the web may load
            page.route(NOT_LOCAL, lambda route: route.abort())
            return page

        yield new_page
        browser.close()


class Lab:
    """`make lab` serving ``root``: its base URL, token and log."""

    def __init__(self, root: Path, env: dict, log: Path):
        self.root, self.log = root, log
        self.proc, self.base, self.token = start_lab(root, env, log)

    def shutdown_kernels(self):
        """Free the memory of the kernels started so far."""
        headers = {"Authorization": f"token {self.token}"}
        request = urllib.request.Request(f"{self.base}/api/kernels", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            kernels = json.loads(response.read())
        for kernel in kernels:
            urllib.request.urlopen(urllib.request.Request(
                f"{self.base}/api/kernels/{kernel['id']}", method="DELETE",
                headers=headers), timeout=30).close()

    def stop(self):
        stop_lab(self.proc, self.base, self.token)


@pytest.fixture(scope="module")
def lab01(tmp_path_factory):
    """`make lab` serving a fresh 01_data.ipynb (paired with its .py) and the
    planted copy; yields (Lab, the 01 notebook)."""
    work = tmp_path_factory.mktemp("lab01")
    root = work / "lab"  # what JupyterLab serves: a copy, never notebooks/
    nb = make_notebook(NOTEBOOK, root)
    make_notebook(NOTEBOOK, root, plant=PLANT, stem=f"{NOTEBOOK}_planted")
    lab = Lab(root, lab_environment(work), work / "lab.log")
    yield lab, nb
    lab.stop()


#: What the planted copy's setup cell adds: one line on stderr.
PLANT = 'import sys; print("planted on stderr", file=sys.stderr)'


def run_in_browser(page, lab: Lab, name: str, n_cells: int) -> list[str]:
    """Open notebooks/<name>.ipynb as a learner does, check that it shows its
    cells unrun, Run All from the menu, and wait; return the prompts."""
    from playwright.sync_api import expect

    # /lab/workspaces/<new workspace>/tree/<file> opens the file with its
    # default viewer, alone (not beside the tabs an earlier page left open)
    page.goto(f"{lab.base}/lab/workspaces/{name}/tree/notebooks/{name}.ipynb"
              f"?token={lab.token}", timeout=PAGE_LOAD_S * 1000)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    notebook.locator(".jp-Cell").first.wait_for(timeout=PAGE_LOAD_S * 1000)
    tab = page.locator(".lm-DockPanel .lm-TabBar-tab.lm-mod-current")
    assert tab.inner_text().strip() == f"{name}.ipynb"
    expect(notebook.locator(".jp-Cell")).to_have_count(n_cells, timeout=30_000)
    prompts = visible_prompts(page)
    assert prompts and all(p == "[ ]:" for p in prompts), prompts
    # the notebook's kernel (python3, from its metadata) starts by itself
    wait_for_kernel(lab.base, lab.token, f"notebooks/{name}.ipynb")
    notebook.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
        timeout=PAGE_LOAD_S * 1000)
    menu_command(page, notebook, "Run", "runmenu:run-all")
    return wait_for_run_all(page)


def check_clean_run(page, nb, prompts: list[str]):
    """Every code cell shown ran; no cell shows an error, a stderr block or a
    warning."""
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    texts = notebook.locator(".jp-OutputArea-output").all_inner_texts()
    errors = [t for t in texts if ERROR_TEXT.search(t)]
    assert not errors, "a cell shows an error:\n" + errors[0][-3000:]
    blocks = stderr_blocks(page)
    assert not blocks, describe_stderr(blocks, nb)
    warnings = [t for t in texts if WARNING_TEXT.search(t)]
    assert not warnings, "a cell shows a warning:\n" + warnings[0][-3000:]
    not_run = [i for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p)]
    assert not not_run, f"code cells {not_run} did not run: {prompts}"


def screenshot_on_the_way_out(page, path: Path, grid: int | None = None):
    try:  # also (above all) when something failed
        full_page_screenshot(page, path, grid)
        print(f"\nscreenshot: {path}")
    except Exception as error:  # never hide the first failure
        print(f"\nno screenshot: {error}")


def test_01_data_runs_in_the_browser_with_no_stderr(chromium, lab01):
    lab, nb = lab01
    grid = grid_cell_index(nb)
    screenshot = OUT / f"{NOTEBOOK}.png"
    for old in OUT.glob(f"{NOTEBOOK}*.png"):
        old.unlink()
    page = chromium()
    try:
        prompts = run_in_browser(page, lab, NOTEBOOK, len(nb.cells))
        check_clean_run(page, nb, prompts)
        check_grid_and_badges(page, grid)
        check_saved_notebook(page, lab.root / "notebooks" / f"{NOTEBOOK}.ipynb")
    except BaseException:
        print(f"JupyterLab's log ({lab.log}):\n{lab.log.read_text()[-3000:]}")
        raise
    finally:
        screenshot_on_the_way_out(page, screenshot, grid)
        page.close()
        lab.shutdown_kernels()


def test_the_stderr_check_names_a_planted_line(chromium, lab01):
    """The check above can fail: a line printed to stderr in the setup cell of a
    copy of 01 is found, in that cell."""
    lab, nb = lab01
    name = f"{NOTEBOOK}_planted"
    planted = [i for i, c in enumerate(nb.cells) if "session.setup_notebook()"
               in c.source][0]
    page = chromium()
    try:
        run_in_browser(page, lab, name, planted + 1)
        blocks = stderr_blocks(page)
        assert [(i, t.strip()) for i, t in blocks] == [(planted, "planted on stderr")]
        with pytest.raises(AssertionError, match=rf"(?s)cell {planted} .*planted on"):
            check_clean_run(page, nb, visible_prompts(page))
    finally:
        page.close()
        lab.shutdown_kernels()


def test_05_on_the_catch_up_path_shows_no_stderr_or_warning(chromium, tmp_path,
                                                           smoke_work):
    """05 with only 01's split and 03's model saved (the smoke run's, copied):
    its "If you start here" cell fine-tunes 03's model the quick way, then 05
    runs (the smoke parameters, on the smoke run's generated data and weights)
    up to its export: the test set, the plots, the mistakes and the upload
    widget, in the browser. The export and Grad-CAM that follow (half of 05's
    seconds) add no widget and no catch-up; what they print is checked in the
    stored outputs of the real run (test_notebook_format.py: no stderr block),
    made by a kernel started as this one. tests/system/test_quick_path.py and
    test_colab.py make the other stages the quick way."""
    import nbrun

    from helpers import stages

    root = tmp_path / "lab"
    nb = make_notebook(CATCH_UP, root, parameters=nbrun.SMOKE,
                       stop_before=EXPORT_CELL)
    env = lab_environment(tmp_path)
    env.update(TL_DATA_DIR=str(smoke_work / "data" / "cats_and_dogs"),
               TL_WEIGHTS=str(smoke_work / "data" / "random_mobilenet_v2_no_top.h5"))
    saved = tmp_path / "artifacts"
    saved.mkdir()
    for path in [*stages.list_paths(smoke_work / "artifacts", "split"),
                 *stages.list_paths(smoke_work / "artifacts", "feature_extraction")]:
        shutil.copy2(path, saved)
    assert not stages.has_stage(saved, "fine_tuning")
    lab = Lab(root, env, tmp_path / "lab.log")
    page = chromium()
    try:
        prompts = run_in_browser(page, lab, CATCH_UP, len(nb.cells))
        check_clean_run(page, nb, prompts)
        texts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) "
                             ".jp-OutputArea-output").all_inner_texts()
        assert any("the quick way" in t for t in texts), "05 did not catch up"
        check_saved_notebook(page, root / "notebooks" / f"{CATCH_UP}.ipynb",
                             paired=False)
    except BaseException:
        print(f"JupyterLab's log ({lab.log}):\n{lab.log.read_text()[-3000:]}")
        raise
    finally:
        screenshot_on_the_way_out(page, OUT / f"{CATCH_UP}.png")
        page.close()
        lab.stop()


def check_grid_and_badges(page, grid: int):
    """The 3x3 grid is an image; the badge row's three icons loaded, offline."""
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(grid)
    image = cell.locator(".jp-OutputArea-output img")
    assert image.count() == 1, "the grid cell shows no image"
    image.scroll_into_view_if_needed()
    size = image.evaluate("img => [img.complete, img.naturalWidth, "
                          "img.naturalHeight]")
    assert size[0] and size[1] > 0 and size[2] > 0, f"the grid image is {size}"
    page.evaluate(SCROLL_JS)
    badges = page.evaluate(BADGES_JS)
    assert len(badges) == 3 and all(done and width == 32 for done, width in badges), \
        f"the badge row's icons did not load offline: {badges} (make badges)"


def check_saved_notebook(page, saved: Path, paired: bool = True):
    """Save (File > Save), then read what was written: every code cell run
    (the collapsed ones too), no error or stderr output, a figure as a PNG, and
    (``paired``) the .py twin written too."""
    import nbformat

    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    before = saved.stat().st_mtime_ns
    menu_command(page, notebook, "File", "docmanager:save")
    deadline = time.monotonic() + 60
    nb = None
    while time.monotonic() < deadline:
        try:
            if saved.stat().st_mtime_ns != before:
                nb = nbformat.read(saved, as_version=4)
        except (OSError, ValueError):
            nb = None
        if nb and all(c.execution_count for c in nb.cells if c.cell_type == "code"):
            break
        time.sleep(1)
    assert nb is not None, f"saving did not write {saved.name} within 60 s"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell was saved unrun"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{errors[0].ename}: {errors[0].evalue}"
    stderr = [o.text for c in code for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"saved with a stderr output: {stderr[0][-1500:]}"
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, "no figure was saved"
    if not paired:
        return
    py = saved.parent / "py" / f"{saved.stem}.py"
    assert py.stat().st_mtime_ns >= saved.stat().st_mtime_ns - 5e9, \
        "jupytext did not write the .py twin"
