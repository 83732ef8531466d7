"""What the browser tests and the journey benchmark share: a throwaway JupyterLab server, a
headless Chromium, and a learner's actions on a notebook (run it, read what broke, move a slider).

The learner's whole journey (every lesson in one page, each reached by the previous lesson's
link) is driven by :class:`Journey`, with the two meters it needs: :class:`NetworkMeter` (the
bytes a page exchanges, read through the Chrome DevTools Protocol) and :class:`MemorySampler`
(the PSS of the server and its kernels, sampled in a background thread), and with
:class:`MemoryCgroup`, Binder's memory limit reproduced with a cgroup v1 memory controller.

Helpers fail the calling test with ``pytest.fail``; outside pytest that raises
``pytest.fail.Exception``, which the benchmark catches.
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
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}

SERVER_START_TIMEOUT_S = 90
KERNEL_READY_TIMEOUT_S = 90
LESSON_TIMEOUT_S = 180
FIGURE_CHANGE_TIMEOUT_S = 15
SETTLE_MS = 2_000

# JupyterLab user settings for the test server: never write the notebook, keep every cell in the
# DOM (so every output can be inspected). Nothing about news or updates: the course's own
# settings (course.server.settings, installed into the environment) must keep those popups away.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

ERROR_MARKERS = ("Error displaying widget", "Model not found")

# The CSS class of the banner a course widget shows once the course has stopped its kernel
# (``widgets._lifecycle.RETIRED_CLASS``; spelled out so that importing this module imports no
# widgets).
RETIRED_CLASS = "course-kernel-stopped"


# --------------------------------------------------------------------------------------------
# Small helpers, independent of the browser


def free_loopback_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def browser_opted_out() -> bool:
    return os.environ.get("COURSE_SKIP_BROWSER") == "1"


def chromium_path() -> str:
    return os.environ.get("COURSE_CHROMIUM", DEFAULT_CHROMIUM)


def chromium_missing_message(path: str) -> str:
    return (
        f"Chromium was not found at {path}. The browser tests need it (they never skip on their "
        "own). Install it with `apt-get install chromium` (Debian/Ubuntu, as root or with "
        "sudo), or point COURSE_CHROMIUM at a Chromium or Chrome binary. To skip these tests "
        "on purpose, set COURSE_SKIP_BROWSER=1."
    )


class ChromiumUnavailable(RuntimeError):
    """Chromium is missing or does not start; the message says how to install it."""


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (Playwright's ``Browser``), closed on exit."""
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise ChromiumUnavailable(chromium_missing_message(path))
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken install is as fatal as a missing one
            raise ChromiumUnavailable(
                f"Chromium at {path} did not start: {exc}\n{chromium_missing_message(path)}"
            ) from exc
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def code_cell_count(notebook: Path) -> int:
    """How many code cells of ``notebook`` hold code (empty cells are never executed)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    count = 0
    for cell in cells:
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        if cell.get("cell_type") == "code" and source.strip():
            count += 1
    return count


def write_lab_settings(settings_dir: Path) -> None:
    for relative, values in LAB_SETTINGS.items():
        path = settings_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


def write_kernelspec(data_dir: Path) -> None:
    """A ``python3`` kernel that runs this very interpreter, found before any other."""
    spec_dir = data_dir / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")


def write_notebook(path: Path, sources: list[str]) -> Path:
    """A notebook of code cells, with the kernelspec JupyterLab needs to open it without asking."""
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell-{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(sources)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# The JupyterLab server


@dataclass
class LabServer:
    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log_path: Path
    _log_file: object = field(repr=False, default=None)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{separator}token={self.token}"

    def get(self, path: str, *, token: bool = True) -> bytes:
        """The body of a GET of ``path`` (with the server's token unless told not to)."""
        headers = {"Authorization": f"token {self.token}"} if token else {}
        request = urllib.request.Request(self.base_url + path, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(
            self.base_url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_text()[-chars:]

    def saved_files(self) -> list[str]:
        """Every file the server has written through the contents API, from its log."""
        return re.findall(r"Saving file at (\S+)", self.log_text())

    def kernel_restarts(self) -> list[str]:
        """The log lines of kernels that died and were restarted by the server."""
        return re.findall(r".*KernelRestarter: restarting kernel.*", self.log_text())

    def kernel_state(self, notebook: str) -> str | None:
        """The execution state of the kernel of ``notebook``'s session, None without one."""
        try:
            sessions = self.api("/api/sessions")
        except (urllib.error.URLError, OSError, ValueError):
            return None
        for session in sessions:
            if session.get("path") == notebook and session.get("kernel"):
                return session["kernel"].get("execution_state")
        return None

    def running_kernels(self) -> list[dict]:
        try:
            return list(self.api("/api/kernels"))
        except (urllib.error.URLError, OSError, ValueError):
            return []

    def shutdown_sessions(self) -> None:
        """Shut down every kernel the browser started, without saving anything."""
        try:
            for session in self.api("/api/sessions"):
                self.api(f"/api/sessions/{session['id']}", method="DELETE")
        except (urllib.error.URLError, OSError):
            pass

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()


def start_lab(
    root: Path,
    workdir: Path,
    on_started: Callable[[int], None] | None = None,
    *,
    course_extension: bool = True,
    max_kernels: int | None = None,
) -> LabServer:
    """Start JupyterLab serving ``root`` with throwaway config, data, runtime and settings dirs.

    The data dir holds only a ``python3`` kernelspec for ``sys.executable``; the environment's
    own data dir (lab extensions: ipywidgets, anywidget, plotly) and config dir (the course's
    server extension) stay on the search path. ``course_extension=False`` switches the course's
    server extension off, as in a practitioner's own Jupyter (the throwaway config dir is the
    user's, read last); ``max_kernels`` sets its ``KernelLimit.max_kernels`` as a hub's config would
    (default: the course's own). ``on_started`` gets the server's process id right after it is started,
    before it has started any kernel.
    """
    dirs = {name: workdir / name for name in ("config", "data", "runtime", "settings", "workspaces", "checkpoints")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    write_kernelspec(dirs["data"])
    write_lab_settings(dirs["settings"])
    # Checkpoints kept out of the repository.
    server_config = {"FileCheckpoints": {"checkpoint_dir": str(dirs["checkpoints"])}}
    if not course_extension:
        server_config["ServerApp"] = {"jpserver_extensions": {"course.server": False}}
    if max_kernels is not None:
        server_config["KernelLimit"] = {"max_kernels": max_kernels}
    (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps(server_config), encoding="utf-8")

    env = dict(os.environ)
    env.update(
        TF_CPP_MIN_LOG_LEVEL="2",
        TF_ENABLE_ONEDNN_OPTS="0",
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        PYTHONUNBUFFERED="1",
    )
    env.pop("JUPYTER_PATH", None)

    port = free_loopback_port()
    token = secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")

    log_path = workdir / "jupyterlab.log"
    log_file = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by LabServer.stop
    process = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = LabServer(root, port, token, process, log_path, log_file)
    if on_started is not None:
        try:
            on_started(process.pid)
        except BaseException:
            server.stop()
            raise

    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            server.stop()
            raise RuntimeError(f"JupyterLab exited with code {process.returncode}:\n{server.log_tail()}")
        try:
            server.api("/api/status")
            return server
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}")
        time.sleep(0.25)


# --------------------------------------------------------------------------------------------
# Driving a notebook in the browser

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CODE_PROMPTS = f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt"

# Everything a learner would see as broken, read from the page in one go.
PAGE_PROBLEMS_JS = """
(args) => {
  const [notebook, markers] = args;
  const root = document.querySelector(notebook) || document.body;
  const problems = [];
  for (const node of root.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
    const text = node.innerText || '';
    if (/Traceback|Error\\b/.test(text)) problems.push('stderr output: ' + text.slice(0, 1500));
  }
  // Broken widgets say so in their own output; prose the lesson renders (Markdown, HTML) may
  // quote these messages on purpose, so it is left out.
  const prose = new Set(['text/markdown', 'text/html']);
  const outputs = [...root.querySelectorAll('.jp-OutputArea-output')]
    .filter(node => !prose.has(node.getAttribute('data-mime-type')));
  for (const marker of markers) {
    const where = outputs.map(node => node.innerText || '')
      .find(text => text.toLowerCase().includes(marker.toLowerCase()));
    if (where !== undefined) problems.push(marker + ': ' + where.slice(0, 1500));
  }
  for (const dialog of document.querySelectorAll('.jp-Dialog')) {
    problems.push('dialog: ' + (dialog.innerText || '').slice(0, 500));
  }
  // A figure's axis text cut off at the figure's edge, or an axis title written over its tick
  // labels (plotly.js leaves the margins as set unless an axis asks for automargin).
  for (const plot of root.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('svg.main-svg');
    const edge = svg && svg.getBoundingClientRect();
    if (!edge || !edge.width || !edge.height) continue;
    const box = node => node.getBoundingClientRect();
    const title = (plot.querySelector('.gtitle') || {}).textContent || 'a figure';
    const outside = b => b.left < edge.left - 1 || b.right > edge.right + 1 || b.top < edge.top - 1 ||
                         b.bottom > edge.bottom + 1;
    const cut = [...plot.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')]
      .filter(node => node.textContent && box(node).width && outside(box(node)));
    if (cut.length) {
      problems.push(`axis text cut off at the edge of "${title}": ` + cut.map(n => n.textContent).join(', '));
    }
    for (const axis of plot.querySelectorAll('.g-ytitle text, .g-y2title text, .g-y3title text')) {
      const t = box(axis);
      const hit = [...plot.querySelectorAll('.ytick text, .y2tick text, .y3tick text')].filter(node => {
        const b = box(node);
        return b.width && b.left < t.right - 1 && b.right > t.left + 1 && b.top < t.bottom - 1 && b.bottom > t.top + 1;
      });
      if (hit.length) problems.push(`axis title "${axis.textContent}" over tick labels in "${title}"`);
    }
  }
  // A figure whose module never came (widgets/kernel_loader.js says so in the figure's place).
  for (const failed of root.querySelectorAll('.course-figure-failed')) {
    problems.push('figure not drawn: ' + (failed.innerText || '').slice(0, 300));
  }
  // A notification popup (JupyterLab's "get notified about official Jupyter news?") over a lesson.
  for (const toast of document.querySelectorAll('.Toastify__toast')) {
    problems.push('popup: ' + (toast.innerText || '').slice(0, 500));
  }
  return problems;
}
"""

# The serialised figures in the cell of the first slider (or, failing that,
# all figures on the page): what changes when the slider moves.
FIGURE_STATE_JS = """
([selector, index]) => {
  const handle = document.querySelectorAll(selector)[index];
  const cell = handle ? handle.closest('.jp-Cell') : null;
  let plots = cell ? cell.querySelectorAll('.js-plotly-plot') : [];
  if (!plots.length) plots = document.querySelectorAll('.js-plotly-plot');
  return [...plots].map(plot => plot.innerHTML).join('\\n');
}
"""

SLIDER_HANDLES = (
    f"{NOTEBOOK} .widget-slider .noUi-handle, {NOTEBOOK} .noUi-handle, {NOTEBOOK} .widget-slider .ui-slider-handle"
)


FIGURE_LOADING = ".course-figure-loading"  # what a figure shows while its module loads


def wait_for_figures(page, timeout_s: float = 60) -> int:
    """Wait until no figure in the notebook is still loading its module; return how many plotly
    figures it has drawn."""
    page.wait_for_function(
        "(selector) => !document.querySelector(selector)", arg=f"{NOTEBOOK} {FIGURE_LOADING}", timeout=timeout_s * 1000
    )
    return page.locator(f"{NOTEBOOK} .js-plotly-plot").count()


def figure_state(page, index: int = 0) -> str:
    return page.evaluate(FIGURE_STATE_JS, [SLIDER_HANDLES, index])


def wait_for_kernel(page, server: LabServer, notebook: str, timeout: float = KERNEL_READY_TIMEOUT_S) -> None:
    """Wait until the current notebook's kernel is ready; no dialog may appear meanwhile.

    Ready: the server has a session for this notebook whose kernel is idle, and the page has
    connected to it (the toolbar says idle) for a second in a row. The toolbar alone says idle
    for a moment before the kernel even exists.
    """
    deadline = time.monotonic() + timeout
    ready_since = None
    while time.monotonic() < deadline:
        dialogs = page.locator(".jp-Dialog")
        if dialogs.count():
            text = dialogs.first.inner_text()
            pytest.fail(f"{notebook}: a dialog appeared on opening the notebook: {text!r}")
        if server.kernel_state(notebook) == "idle" and kernel_idle(page):
            ready_since = ready_since or time.monotonic()
            if time.monotonic() - ready_since >= 1.0:
                return
        else:
            ready_since = None
        time.sleep(0.25)
    pytest.fail(f"{notebook}: the kernel did not become ready within {timeout:.0f} s\n{server.log_tail()}")


def open_notebook(page, server: LabServer, notebook: str, workspace: str, *, app: str = "lab") -> None:
    """Open ``notebook`` in a fresh workspace and wait for its kernel; no dialog may appear.
    ``app="notebook"`` opens it in Notebook 7 instead, served by the same server."""
    if app == "notebook":
        address = f"/notebooks/{notebook}"
    else:
        address = f"/lab/workspaces/{workspace}/tree/{notebook}?reset"
    page.goto(server.url(address), wait_until="domcontentloaded")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_kernel(page, server, notebook)


def kernel_idle(page) -> bool:
    return bool(
        page.evaluate(
            """(notebook) => {
                const panel = document.querySelector(notebook);
                if (!panel) return false;
                const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
                if (indicator && indicator.getAttribute('data-status'))
                    return indicator.getAttribute('data-status') === 'idle';
                const status = panel.querySelector('.jp-KernelStatus, .jp-Toolbar-kernelStatus');
                return !!status && /idle/i.test(status.getAttribute('title') || status.className);
            }""",
            NOTEBOOK,
        )
    )


def prompts(page) -> list[str]:
    return [text.strip() for text in page.locator(CODE_PROMPTS).all_inner_texts()]


def executed_cells(page) -> int:
    """How many code cells of the current notebook show an execution count."""
    return sum(1 for text in prompts(page) if re.search(r"\[\d+\]", text))


def choose_from_menu(page, menu: str, command: str | re.Pattern) -> None:
    """Click ``menu`` in the menu bar, then its item ``command`` (a label, or a pattern of one)."""
    menu_bar_item = page.locator(".lm-MenuBar-item").filter(
        has=page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^\s*{re.escape(menu)}\s*$"))
    )
    menu_bar_item.first.click()
    label = command if isinstance(command, re.Pattern) else re.compile(rf"^\s*{re.escape(command)}\s*$")
    item = page.locator(".lm-Menu-item").filter(has=page.locator(".lm-Menu-itemLabel", has_text=label))
    item.first.click()


def run_all_cells(page) -> None:
    """Run > Run All Cells, from the menu bar, as a learner would."""
    choose_from_menu(page, "Run", "Run All Cells")


def wait_until_run(page, server: LabServer, notebook: str, expected: int, timeout: float) -> list[str]:
    """Wait until every code cell has run (or the run stopped on an error) and the kernel is idle."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        current = prompts(page)
        busy = any("*" in text for text in current)
        numbered = sum(1 for text in current if re.search(r"\[\d+\]", text))
        if not busy and kernel_idle(page):
            if numbered >= expected:
                return current
            # Run All stops at the first error; give the page a moment, then report what it shows.
            quiet_since = quiet_since or time.monotonic()
            if numbered and time.monotonic() - quiet_since > 5:
                return current
        else:
            quiet_since = None
        time.sleep(0.5)
    pytest.fail(
        f"{notebook}: the cells did not finish within {timeout:.0f} s; prompts: {prompts(page)}\n{server.log_tail()}"
    )


def move_first_slider(page, notebook: str, *, keyboard: bool = True) -> None:
    """Press arrow keys on the first slider handle (``keyboard=False``: click its track a
    quarter of the way along); the figure next to it must change."""
    handles = page.locator(SLIDER_HANDLES)
    assert handles.count(), f"{notebook}: no slider found in the outputs"
    handle = handles.first
    handle.scroll_into_view_if_needed()
    before = figure_state(page)
    assert before, f"{notebook}: no plotly figure to watch"
    if not keyboard:
        track = handle.locator("xpath=ancestor::*[contains(@class, 'noUi-target')][1]")
        box = track.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
        deadline = time.monotonic() + FIGURE_CHANGE_TIMEOUT_S
        while time.monotonic() < deadline:
            if figure_state(page) != before:
                return
            time.sleep(0.25)
        pytest.fail(f"{notebook}: a click on the first slider's track did not change the figure")
    for key in ("ArrowRight", "ArrowLeft"):  # a slider at its maximum only moves left
        value = handle.get_attribute("aria-valuenow")
        handle.focus()
        for _ in range(3):
            handle.press(key)
        moved = handle.get_attribute("aria-valuenow")
        if value is not None and moved == value:
            continue  # at the end of its range: try the other way
        known = value is not None
        deadline = time.monotonic() + (FIGURE_CHANGE_TIMEOUT_S if known else FIGURE_CHANGE_TIMEOUT_S / 2)
        while time.monotonic() < deadline:
            if figure_state(page) != before:
                return
            time.sleep(0.25)
        if not known:
            continue  # no value to read: maybe it could not move this way
        pytest.fail(
            f"{notebook}: the first slider moved ({value} -> {moved}) but the figure did not change "
            f"within {FIGURE_CHANGE_TIMEOUT_S} s"
        )
    pytest.fail(f"{notebook}: the first slider did not move the figure with the arrow keys")


def page_problems(page) -> list[str]:
    """What a learner would see as broken in the current notebook, and any dialog on the page."""
    return page.evaluate(PAGE_PROBLEMS_JS, [NOTEBOOK, list(ERROR_MARKERS)])


def check_no_problems(page, notebook: str, code: str, screenshot_dir: Path | None) -> None:
    problems = page_problems(page)
    if screenshot_dir is not None and problems:
        page.screenshot(path=str(screenshot_dir / f"{code}-failed.png"), full_page=True)
    assert not problems, f"{notebook}: " + "\n\n".join(problems)


def scroll_first_figure_into_view(page) -> None:
    """Fold the left sidebar away and bring the first figure's output area to the top."""
    open_tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if open_tab.count():
        open_tab.first.click()
    page.evaluate(
        """() => {
            const plot = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot');
            const area = plot && (plot.closest('.jp-OutputArea') || plot);
            if (area) area.scrollIntoView({block: 'start'});
        }"""
    )
    page.wait_for_timeout(500)


# --------------------------------------------------------------------------------------------
# The learner's journey: Binder's memory limit, and the two meters

MB = 1_000_000  # budgets and tables count in decimal megabytes (and 1.5 GB = 1,500 MB)
BINDER_MEMORY_LIMIT = 2 * 1024**3  # what mybinder.org gives a user
MEMORY_BUDGET = 1_500 * MB  # PSS of the server and its kernels, at every moment
LESSON_NETWORK_BUDGET = 6 * MB  # websocket frames both ways plus HTTP responses, per lesson
COURSE_NETWORK_BUDGET = 25 * MB  # the same for all lessons, JupyterLab's own first load aside
MEMORY_SAMPLE_INTERVAL_S = 0.5


class MemoryCgroup:
    """A cgroup v1 memory controller holding the Jupyter server and, by inheritance, its kernels:
    Binder's per-user memory limit on this machine. The kernel kills a process when the group
    goes over the limit and counts that in ``memory.oom_control``."""

    ROOT = Path("/sys/fs/cgroup/memory")

    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def create(cls, limit: int, name: str) -> tuple[MemoryCgroup | None, str]:
        """A new group of ``limit`` bytes, and how it was made; or None and why not.

        The group is made inside this process's own memory cgroup where possible (so whatever
        limits this process lives under still apply), else at the top of the hierarchy."""
        if not (cls.ROOT / "memory.limit_in_bytes").is_file():
            return None, f"no cgroup v1 memory controller at {cls.ROOT}"
        parents = []
        try:
            for line in Path("/proc/self/cgroup").read_text().splitlines():
                _, controllers, where = line.split(":", 2)
                if "memory" in controllers.split(",") and where.strip("/"):
                    parents.append(cls.ROOT / where.strip("/"))
        except (OSError, ValueError):
            pass
        parents.append(cls.ROOT)
        reasons = []
        for parent in parents:
            path = parent / f"{name}-{os.getpid()}"
            try:
                path.mkdir()
            except OSError as exc:
                reasons.append(f"{parent}: {exc.strerror or exc}")
                continue
            group = cls(path)
            try:
                (path / "memory.limit_in_bytes").write_text(str(limit))
                if int((path / "memory.limit_in_bytes").read_text()) > limit:
                    raise OSError(f"the limit of {limit} bytes did not hold")
            except (OSError, ValueError) as exc:
                group.remove()
                reasons.append(f"{path}: {exc}")
                continue
            return group, f"a {limit / 1024**3:g} GiB memory cgroup (the cgroup v1 memory controller)"
        return None, "the memory cgroups are not writable here (" + "; ".join(reasons) + ")"

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def oom_kills(self) -> int:
        """How many processes the limit has killed so far."""
        for line in (self.path / "memory.oom_control").read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    def max_usage(self) -> int:
        """The most memory the group was ever charged (page cache included), in bytes."""
        return int((self.path / "memory.max_usage_in_bytes").read_text())

    def remove(self, timeout: float = 15) -> None:
        """Remove the group; processes still in it are moved to its parent group first."""
        deadline = time.monotonic() + timeout
        while self.path.exists():
            try:
                for pid in (self.path / "cgroup.procs").read_text().split():
                    try:
                        (self.path.parent / "cgroup.procs").write_text(pid)
                    except OSError:
                        pass  # it exited meanwhile
                self.path.rmdir()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)


class MemorySampler:
    """The PSS of a process and all its descendants (the Jupyter server and its kernels),
    sampled in a background thread; what a container's memory limit counts."""

    def __init__(self, pid: int, interval: float = MEMORY_SAMPLE_INTERVAL_S):
        import psutil

        self._psutil = psutil
        self.process = psutil.Process(pid)
        self.interval = interval
        self.samples: list[tuple[float, int, int]] = []  # (monotonic time, PSS bytes, processes)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pss-sampler", daemon=True)

    def sample(self) -> int:
        psutil = self._psutil
        total = count = 0
        try:
            processes = [self.process, *self.process.children(recursive=True)]
        except psutil.Error:
            processes = []
        for process in processes:
            try:
                total += process.memory_full_info().pss
                count += 1
            except psutil.Error:
                pass  # it exited between the listing and the reading
        with self._lock:
            self.samples.append((time.monotonic(), total, count))
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def peak_since(self, since: float) -> tuple[int, int]:
        """The highest PSS sampled since ``since`` (a ``time.monotonic()``), and how many
        processes were counted in that sample."""
        self.sample()
        with self._lock:
            window = [(pss, count) for when, pss, count in self.samples if when >= since]
        return max(window) if window else (0, 0)


def websocket_payload_bytes(payload: str, opcode: int) -> int:
    """The size of a websocket message as the DevTools protocol reports it: text messages are
    UTF-8, binary ones base64 (both as sent, before or after permessage-deflate)."""
    if opcode == 1:
        return len(payload.encode("utf-8"))
    return len(payload) * 3 // 4 - (payload.endswith("=") + payload.endswith("=="))


class NetworkMeter:
    """The bytes a page exchanges with the server, read through the Chrome DevTools Protocol:
    websocket messages both ways (payloads, as the protocol gives them: decompressed, so the
    stricter measure) and HTTP responses (``encodedDataLength``: as received, headers included;
    a response served from the browser's cache counts nothing)."""

    LARGE = 100_000

    def __init__(self, page):
        self.page = page
        self.ws_received = self.ws_sent = self.http = 0
        self.large_responses: list[tuple[str, int]] = []  # (url, bytes), the ones over LARGE
        self._urls: dict[str, str] = {}
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("Network.webSocketFrameReceived", self._received)
        self.cdp.on("Network.webSocketFrameSent", self._sent)
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")

    def _received(self, params: dict) -> None:
        frame = params["response"]
        self.ws_received += websocket_payload_bytes(frame.get("payloadData", ""), frame.get("opcode", 1))

    def _sent(self, params: dict) -> None:
        frame = params["response"]
        self.ws_sent += websocket_payload_bytes(frame.get("payloadData", ""), frame.get("opcode", 1))

    def _request(self, params: dict) -> None:
        self._urls[params["requestId"]] = params["request"]["url"]

    def _finished(self, params: dict) -> None:
        size = int(params.get("encodedDataLength") or 0)
        self.http += size
        if size > self.LARGE:
            url = self._urls.get(params["requestId"], "?").split("?")[0]
            self.large_responses.append((url, size))

    def snapshot(self) -> dict:
        """The counters now, after the events already sent by the browser have been read."""
        self.page.evaluate("0")  # the answer comes after every event the browser sent before it
        return {
            "ws_received": self.ws_received,
            "ws_sent": self.ws_sent,
            "http": self.http,
            "large": len(self.large_responses),
        }


@dataclass
class Segment:
    """What one stretch of the journey cost, and what the learner saw at its end."""

    name: str
    notebook: str
    kind: str = "lesson"  # "lesson", "revisit" (a tab clicked again), "restart", "page load"
    seconds: float = 0.0
    peak_pss: int = 0
    processes_at_peak: int = 0
    ws_received: int = 0
    ws_sent: int = 0
    http: int = 0
    large_responses: list[tuple[str, int]] = field(default_factory=list)
    oom_kills: int = 0
    kernel_restarts: list[str] = field(default_factory=list)
    running_kernels: int = 0
    expected_cells: int = 0
    executed_cells: int = 0
    problems: list[str] = field(default_factory=list)
    banners: int = 0  # stopped-kernel banners in the notebook
    state: str = ""  # for a revisit: "works" or "stopped"
    extra: dict = field(default_factory=dict)  # whatever the caller measured meanwhile

    @property
    def websocket(self) -> int:
        return self.ws_received + self.ws_sent

    @property
    def network(self) -> int:
        return self.websocket + self.http

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "notebook": self.notebook,
            "kind": self.kind,
            "seconds": round(self.seconds, 1),
            "peak_pss_mb": round(self.peak_pss / MB, 1),
            "processes_at_peak": self.processes_at_peak,
            "websocket_mb": round(self.websocket / MB, 3),
            "websocket_received_mb": round(self.ws_received / MB, 3),
            "websocket_sent_mb": round(self.ws_sent / MB, 3),
            "http_mb": round(self.http / MB, 3),
            "network_mb": round(self.network / MB, 3),
            "large_responses": [{"url": url, "mb": round(size / MB, 3)} for url, size in self.large_responses],
            "oom_kills": self.oom_kills,
            "kernel_restarts": len(self.kernel_restarts),
            "running_kernels": self.running_kernels,
            "expected_cells": self.expected_cells,
            "executed_cells": self.executed_cells,
            "problems": self.problems,
            "banners": self.banners,
            "state": self.state,
            **self.extra,
        }


@dataclass
class JourneyLab:
    """A JupyterLab serving a throwaway copy of the lessons, inside Binder's memory limit where
    this machine allows it, with its memory sampled from the start."""

    root: Path
    server: LabServer
    memory: MemorySampler
    cgroup: MemoryCgroup | None
    cgroup_note: str  # how the limit was set, or why it could not be


@contextmanager
def journey_lab(
    workdir: Path, extra_notebooks: dict[str, list[str]] | None = None, max_kernels: int | None = None
) -> Iterator[JourneyLab]:
    """Copy ``notebooks/`` into ``workdir/root`` (plus ``extra_notebooks``: a path below the root
    to its code cells), start JupyterLab on it in a memory cgroup of Binder's size (with
    ``max_kernels`` as the course's kernel limit, if given), and clean all of it up afterwards."""
    root = workdir / "root"
    shutil.copytree(REPO_ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for relative, sources in (extra_notebooks or {}).items():
        write_notebook(root / relative, sources)
    cgroup, note = MemoryCgroup.create(BINDER_MEMORY_LIMIT, "course-journey")
    try:
        server = start_lab(
            root, workdir / "jupyterlab", on_started=cgroup.add if cgroup else None, max_kernels=max_kernels
        )
        try:
            memory = MemorySampler(server.process.pid).start()
            try:
                yield JourneyLab(root, server, memory, cgroup, note)
            finally:
                memory.stop()
        finally:
            server.shutdown_sessions()
            server.stop()
    finally:
        if cgroup is not None:
            cgroup.remove()


MARK_OUTPUTS_JS = """
(notebook) => {
  const outputs = document.querySelectorAll(notebook + ' .jp-OutputArea-output');
  outputs.forEach(node => node.setAttribute('data-journey-stale', ''));
  return outputs.length;
}
"""


class Journey:
    """A learner in one JupyterLab page: lesson 00 first, each next lesson reached by the
    previous lesson's own link and run with Run > Run All Cells, no tab ever closed.

    Every stretch is a :class:`Segment` with the peak PSS, the network bytes, the kernels the
    memory limit killed, and what the learner would see as broken. A lesson's bytes count from
    the click on the link that opens it (for lesson 00, from the moment its notebook page has
    loaded and its kernel is ready: JupyterLab's own first load is ``page_load``) to the click
    on the next link.
    """

    def __init__(self, page, lab: JourneyLab):
        self.page = page
        self.lab = lab
        self.server = lab.server
        self.network = NetworkMeter(page)
        self.page_load: Segment | None = None
        self.segments: list[Segment] = []  # every stretch so far, the page load aside
        self._start: tuple[float, dict, int, int] | None = None

    # -- accounting

    def _oom_kills(self) -> int:
        return self.lab.cgroup.oom_kills() if self.lab.cgroup is not None else 0

    def _begin(self) -> None:
        self._start = (time.monotonic(), self.network.snapshot(), self._oom_kills(), len(self.server.kernel_restarts()))

    def _end(self, segment: Segment) -> Segment:
        started, network, oom_kills, restarts = self._start
        now = self.network.snapshot()
        segment.seconds = time.monotonic() - started
        segment.ws_received = now["ws_received"] - network["ws_received"]
        segment.ws_sent = now["ws_sent"] - network["ws_sent"]
        segment.http = now["http"] - network["http"]
        segment.large_responses = self.network.large_responses[network["large"] : now["large"]]
        segment.peak_pss, segment.processes_at_peak = self.lab.memory.peak_since(started)
        segment.oom_kills = self._oom_kills() - oom_kills
        segment.kernel_restarts = self.server.kernel_restarts()[restarts:]
        segment.running_kernels = len(self.server.running_kernels())
        if segment.kind != "page load":
            self.segments.append(segment)
        return segment

    # -- the learner's actions

    def open_first(self, notebook: str) -> Segment:
        """Load JupyterLab on ``notebook`` (a fresh workspace) and wait for its kernel."""
        self._begin()
        open_notebook(self.page, self.server, notebook, workspace="journey")
        self.page_load = self._end(Segment("page load", notebook, kind="page load"))
        return self.page_load

    def follow_link(self, to: str, label: str) -> None:
        """Click the link ``label`` in the current notebook's last Markdown cell, which must
        open ``to`` in a new tab, and wait for that notebook's kernel."""
        last = self.page.locator(f"{NOTEBOOK} .jp-MarkdownCell").last
        link = last.locator("a", has_text=label)
        if not link.count():
            found = last.locator("a").all_inner_texts()
            pytest.fail(f"the last Markdown cell has no link {label!r} to {to} (links: {found})")
        link.first.click()
        self.wait_for_tab(to)
        self.page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook .jp-Cell", timeout=60_000)
        wait_for_kernel(self.page, self.server, to)

    def wait_for_tab(self, notebook: str, timeout: float = 60) -> None:
        """Wait until the tab of ``notebook`` is the current one."""
        name = Path(notebook).name
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if name in [text.strip() for text in tab.all_inner_texts()]:
                return
            time.sleep(0.25)
        pytest.fail(f"{notebook} did not open in the current tab within {timeout:.0f} s (tabs: {self.tab_labels()})")

    def tab_labels(self) -> list[str]:
        return [
            text.strip()
            for text in self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab .lm-TabBar-tabLabel").all_inner_texts()
        ]

    def run_current(self, segment: Segment, then: Callable[[object, Segment], None] | None = None) -> Segment:
        """Run > Run All Cells on the current notebook, wait until it has run, read the page;
        then ``then(page, segment)`` (a learner playing with the widgets), and read it again."""
        path = self.server.root / segment.notebook
        segment.expected_cells = code_cell_count(path)
        run_all_cells(self.page)
        self._finish_run(segment, then)
        return segment

    def _finish_run(self, segment: Segment, then) -> None:
        wait_until_run(self.page, self.server, segment.notebook, segment.expected_cells, LESSON_TIMEOUT_S)
        # Widgets render a moment after their cell finishes (and a missing model is only
        # reported once the lookup fails): let the page settle first.
        self.page.wait_for_timeout(SETTLE_MS)
        segment.executed_cells = executed_cells(self.page)
        segment.problems = page_problems(self.page)
        if then is not None and not segment.problems:
            then(self.page, segment)
            segment.problems += [p for p in page_problems(self.page) if p not in segment.problems]
        segment.banners = self.banners()

    def lessons(self, lessons, then: Callable[[object, Segment], None] | None = None) -> Iterator[Segment]:
        """The journey through ``lessons`` (``course.lessons.Lesson``), one segment per lesson,
        yielded as soon as the lesson has run and ``then`` has played with it."""
        for index, lesson in enumerate(lessons):
            if index == 0:
                self.open_first(lesson.notebook)
                self._begin()
            else:
                self._begin()
                self.follow_link(lesson.notebook, f"Lesson {lesson.code}")
            segment = Segment(lesson.code, lesson.notebook)
            self.run_current(segment, then)
            yield self._end(segment)

    def revisit(self, name: str, notebook: str, then: Callable[[object, Segment], None] | None = None) -> Segment:
        """Click the tab of ``notebook``: either its widgets show the course's stopped-kernel
        banner (state "stopped"), or its first slider must still move its figure (state
        "works", checked by ``move_first_slider`` unless ``then`` plays instead)."""
        self._begin()
        segment = Segment(name, notebook, kind="revisit")
        self.show_tab(notebook)
        segment.expected_cells = code_cell_count(self.server.root / notebook)
        segment.executed_cells = executed_cells(self.page)
        segment.problems = page_problems(self.page)
        segment.banners = self.banners()
        if segment.banners:
            segment.state = "stopped"
        else:
            (then or (lambda page, seg: move_first_slider(page, notebook)))(self.page, segment)
            segment.state = "works"
            segment.problems += [p for p in page_problems(self.page) if p not in segment.problems]
        return self._end(segment)

    def show_tab(self, notebook: str) -> None:
        """Click the tab of ``notebook`` and let its page settle."""
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab").filter(
            has=self.page.locator(
                ".lm-TabBar-tabLabel", has_text=re.compile(rf"^\s*{re.escape(Path(notebook).name)}\s*$")
            )
        )
        if not tab.count():
            pytest.fail(f"no tab for {notebook} (tabs: {self.tab_labels()})")
        tab.first.click()
        self.wait_for_tab(notebook)
        self.page.wait_for_timeout(SETTLE_MS)

    def banners(self) -> int:
        """How many stopped-kernel banners the current notebook shows."""
        return self.page.locator(f"{NOTEBOOK} .{RETIRED_CLASS}").count()

    def restart_and_run_all(
        self,
        name: str,
        notebook: str,
        then: Callable[[object, Segment], None] | None = None,
        timeout: float = LESSON_TIMEOUT_S,
    ) -> Segment:
        """Kernel > Restart Kernel and Run All Cells… on the current notebook (``notebook``),
        accepting the confirmation if one is asked, and wait until every output was replaced
        and every cell has run again."""
        self._begin()
        segment = Segment(name, notebook, kind="restart")
        segment.expected_cells = code_cell_count(self.server.root / notebook)
        stale = self.page.evaluate(MARK_OUTPUTS_JS, NOTEBOOK)
        choose_from_menu(self.page, "Kernel", re.compile(r"^\s*Restart Kernel and Run All Cells"))
        deadline = time.monotonic() + timeout
        while True:
            dialog = self.page.locator(".jp-Dialog")
            if dialog.count():
                segment.extra.setdefault("dialogs", []).append(dialog.first.inner_text()[:300])
                dialog.first.locator("button.jp-mod-accept").first.click()
            left = self.page.locator(f"{NOTEBOOK} [data-journey-stale]").count()
            if not left:
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{notebook}: {left} of {stale} outputs were still the old ones {timeout:.0f} s "
                    f"after Restart Kernel and Run All Cells; prompts: {prompts(self.page)}"
                )
            time.sleep(0.25)
        self._finish_run(segment, then)
        return self._end(segment)


def whole_course(
    journey: Journey,
    lessons,
    then: Callable[[object, Segment], None] | None = None,
    check: Callable[[Segment], None] | None = None,
) -> list[Segment]:
    """The learner's whole journey: every lesson in order, each reached by the previous
    lesson's link; then back to the first lesson (whose kernel the course should have stopped)
    and to the last but one (still running), by their tabs; then Kernel > Restart Kernel and Run
    All Cells… in the first one of those two that shows the stopped-kernel banner. ``then``
    plays with each lesson once it has run; ``check`` sees every segment as soon as it ends
    (and may stop the journey by raising). Returns ``journey.segments``."""
    check = check or (lambda segment: None)
    for segment in journey.lessons(lessons, then):
        check(segment)
    stopped = []
    for lesson in (lessons[0], lessons[-2]):
        segment = journey.revisit(f"back to {lesson.code}", lesson.notebook)
        check(segment)
        if segment.state == "stopped":
            stopped.append(lesson)
    if stopped:
        journey.show_tab(stopped[0].notebook)
        check(journey.restart_and_run_all(f"{stopped[0].code} restarted", stopped[0].notebook, then))
    return journey.segments


def journey_table(segments: list[Segment], extra: dict[str, Callable[[Segment], str]] | None = None) -> str:
    """A plain-text table of the journey's segments, one line each; ``extra`` adds columns."""
    extra = extra or {}
    header = ["lesson", "peak PSS MB", "ws MB", "HTTP MB", "total MB", "kernels", "banners", "s", *extra]
    rows = [header]
    for s in segments:
        rows.append(
            [
                s.name + (f" ({s.state})" if s.state else ""),
                f"{s.peak_pss / MB:.0f}",
                f"{s.websocket / MB:.2f}",
                f"{s.http / MB:.2f}",
                f"{s.network / MB:.2f}",
                str(s.running_kernels),
                str(s.banners),
                f"{s.seconds:.0f}",
                *(column(s) for column in extra.values()),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.rjust(width) if i else cell.ljust(width) for i, (cell, width) in enumerate(zip(row, widths)))
        for row in rows
    )
