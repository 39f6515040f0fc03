"""A real browser against `make lab`: notebooks/01_data.py opens as a notebook
(jupytext is the default viewer of .py files: jupyterlab-settings/) and runs to
the end on generated data, with the 3x3 image grid rendered.

Headless Chromium (Debian's `chromium`, or TL_CHROMIUM=<path>) driven by
Playwright (`pip install -r requirements-browser.txt`). Without them the test is
skipped; with TL_REQUIRE_BROWSER=1 (CI) it fails instead. JupyterLab serves a
temporary copy of the notebook, with its own Jupyter config, settings,
workspaces and runtime folders, so nothing in notebooks/ or ~/.jupyter is
written. Screenshots: build/browser/01_data.png (the whole notebook after the
run) and build/browser/01_data-grid.png (the grid's output).
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

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "browser"
NOTEBOOK = "01_data"
#: The flags this machine's Chromium needs (no sandbox as root, no GPU, and no
#: background connections to Google's hosts from a closed network).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SERVER_START_S = 120  # JupyterLab answering its REST API
PAGE_LOAD_S = 120  # JupyterLab's page and the notebook opened in it
RUN_ALL_S = 420  # every cell of 01 on the generated data
#: Settings of this test's own (empty) user-settings folder: every cell stays
#: in the page (no windowing), and no news prompt covers the screenshot.
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false", "checkForUpdates": False},
}
#: Any address but the server's (http and websockets on 127.0.0.1) or the page's.
NOT_LOCAL = re.compile(r"^(?!(http|ws)://127\.0\.0\.1[:/]|data:|blob:)")
#: Every code cell's prompt: `[3]:` run, `[*]:` running or queued, `[ ]:` not run.
PROMPTS_JS = """() => Array.from(
    document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell'),
    cell => cell.querySelector('.jp-InputArea-prompt').textContent.trim())"""
#: Text outputs that show an exception: a traceback, or the one-line message
#: of the project's own errors (helpers.session.setup_notebook).
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^-{20,}$"
                        r"|^\w*(Error|Exception): ", re.M)


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


def lab_environment(work: Path) -> dict:
    """The server's environment: generated data and a temporary artifacts folder
    and Keras cache (as conftest.py gives the smoke runs), inline figures, and
    Jupyter folders of its own. (01 reads no weights: no TL_WEIGHTS, which
    would cost this process a TensorFlow import.)"""
    env = dict(os.environ)
    env.pop("TL_PERSIST_DIR", None)  # never the developer's own folder
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


def grid_cell_index(py: Path) -> tuple[int, int]:
    """The index of the cell that draws the 3x3 grid, and the number of cells."""
    import jupytext

    cells = jupytext.read(py).cells
    found = [i for i, c in enumerate(cells) if "plt.subplot(3, 3" in c.source]
    assert len(found) == 1, f"one grid cell expected in {py.name}, found {found}"
    return found[0], len(cells)


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
        prompts = page.evaluate(PROMPTS_JS)
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


def full_page_screenshot(page, path: Path, grid: int):
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
    output = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(
        grid).locator(".jp-OutputArea")
    if output.count():
        output.screenshot(path=str(path.with_name(f"{path.stem}-grid.png")))


def test_01_data_py_opens_as_a_notebook_and_runs_in_the_browser(tmp_path):
    chromium = require_browser()
    from playwright.sync_api import sync_playwright

    lab_root = tmp_path / "lab"  # what JupyterLab serves: a copy, never notebooks/
    (lab_root / "notebooks").mkdir(parents=True)
    py = shutil.copy(ROOT / "notebooks" / f"{NOTEBOOK}.py", lab_root / "notebooks")
    shutil.copy(ROOT / "jupytext.toml", lab_root)
    grid, n_cells = grid_cell_index(Path(py))
    # no .ipynb beside the copy: every output on the page comes from this run
    env = lab_environment(tmp_path)
    screenshot = OUT / f"{NOTEBOOK}.png"
    for old in OUT.glob(f"{NOTEBOOK}*.png"):
        old.unlink()
    log = tmp_path / "lab.log"
    proc, base, token = start_lab(lab_root, env, log)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True,
                                        args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # offline, as every test: the notebook's badge images stay unloaded
            page.route(NOT_LOCAL, lambda route: route.abort())
            try:
                check_notebook_in_page(page, base, token, grid, n_cells)
                saved = lab_root / "notebooks" / f"{NOTEBOOK}.ipynb"
                check_saved_notebook(page, saved)
            finally:
                try:  # also (above all) when something failed
                    full_page_screenshot(page, screenshot, grid)
                    print(f"\nscreenshot: {screenshot}")
                except Exception as error:  # never hide the first failure
                    print(f"\nno screenshot: {error}")
                browser.close()
    except BaseException:
        print(f"JupyterLab's log ({log}):\n{log.read_text()[-3000:]}")
        raise
    finally:
        stop_lab(proc, base, token)


def check_notebook_in_page(page, base: str, token: str, grid: int, n_cells: int):
    from playwright.sync_api import expect

    # /lab/tree/<file> opens the file with its default viewer
    page.goto(f"{base}/lab/tree/notebooks/{NOTEBOOK}.py?token={token}",
              timeout=PAGE_LOAD_S * 1000)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    notebook.locator(".jp-Cell").first.wait_for(timeout=PAGE_LOAD_S * 1000)
    tab = page.locator(".lm-DockPanel .lm-TabBar-tab.lm-mod-current")
    assert tab.inner_text().strip() == f"{NOTEBOOK}.py"
    assert page.locator(".jp-FileEditor").count() == 0, "opened as text"
    expect(notebook.locator(".jp-Cell")).to_have_count(n_cells, timeout=30_000)
    prompts = page.evaluate(PROMPTS_JS)
    assert prompts and all(p == "[ ]:" for p in prompts), prompts
    # the notebook's kernel (python3, from its metadata) starts by itself
    wait_for_kernel(base, token, f"notebooks/{NOTEBOOK}.py")
    notebook.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
        timeout=PAGE_LOAD_S * 1000)

    menu_command(page, notebook, "Run", "runmenu:run-all")
    prompts = wait_for_run_all(page)

    texts = notebook.locator(".jp-OutputArea-output").all_inner_texts()
    errors = [t for t in texts if ERROR_TEXT.search(t)]
    assert not errors, "a cell shows an error:\n" + errors[0][-3000:]
    not_run = [i for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p)]
    assert not not_run, f"code cells {not_run} did not run: {prompts}"

    cell = notebook.locator(".jp-Cell").nth(grid)
    image = cell.locator(".jp-OutputArea-output img")
    assert image.count() == 1, "the grid cell shows no image"
    image.scroll_into_view_if_needed()
    size = image.evaluate("img => [img.complete, img.naturalWidth, "
                          "img.naturalHeight]")
    assert size[0] and size[1] > 0 and size[2] > 0, f"the grid image is {size}"


def check_saved_notebook(page, saved: Path):
    """Save (File > Save), then read what jupytext wrote beside the .py copy:
    every code cell run, no error output, the grid as a PNG."""
    import nbformat

    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    menu_command(page, notebook, "File", "docmanager:save")
    deadline = time.monotonic() + 60
    nb = None
    while time.monotonic() < deadline:
        try:
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
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, "no figure was saved"
