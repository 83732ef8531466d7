"""What the browser tests and benchmarks share: a throwaway JupyterLab server, a headless
Chromium, and a learner's actions on a notebook (run it, read what broke, move a slider).

Helpers fail the calling test with ``pytest.fail``; outside pytest that raises
``pytest.fail.Exception``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

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
# DOM (so every output can be inspected), and ask nothing about news or updates.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}

ERROR_MARKERS = ("Error displaying widget", "Model not found")


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
            raise ChromiumUnavailable(f"Chromium at {path} did not start: {exc}\n{chromium_missing_message(path)}") from exc
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
            {"cell_type": "code", "execution_count": None, "id": f"cell-{i}", "metadata": {}, "outputs": [], "source": source}
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


def start_lab(root: Path, workdir: Path, on_started: Callable[[int], None] | None = None) -> LabServer:
    """Start JupyterLab serving ``root`` with throwaway config, data, runtime and settings dirs.

    The data dir holds only a ``python3`` kernelspec for ``sys.executable``; the environment's
    own data dir (lab extensions: ipywidgets, anywidget, plotly) and config dir (the course's
    server extension) stay on the search path. ``on_started`` gets the server's process id right
    after it is started, before it has started any kernel.
    """
    dirs = {name: workdir / name for name in ("config", "data", "runtime", "settings", "workspaces", "checkpoints")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    write_kernelspec(dirs["data"])
    write_lab_settings(dirs["settings"])
    # No announcements feed (nothing is fetched from the internet), and checkpoints kept out
    # of the repository.
    server_config = {
        "LabApp": {"news_url": None},
        "FileCheckpoints": {"checkpoint_dir": str(dirs["checkpoints"])},
    }
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
        sys.executable, "-m", "jupyterlab",
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
        command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
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
CURRENT_TAB = ".jp-main-dock-panel .lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"

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
    f"{NOTEBOOK} .widget-slider .noUi-handle, "
    f"{NOTEBOOK} .noUi-handle, "
    f"{NOTEBOOK} .widget-slider .ui-slider-handle"
)


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


def open_notebook(page, server: LabServer, notebook: str, workspace: str) -> None:
    """Open ``notebook`` in a fresh workspace and wait for its kernel; no dialog may appear."""
    page.goto(server.url(f"/lab/workspaces/{workspace}/tree/{notebook}?reset"), wait_until="domcontentloaded")
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
        f"{notebook}: the cells did not finish within {timeout:.0f} s; prompts: {prompts(page)}\n"
        f"{server.log_tail()}"
    )


def move_first_slider(page, notebook: str) -> None:
    """Press arrow keys on the first slider handle; the figure next to it must change."""
    handles = page.locator(SLIDER_HANDLES)
    assert handles.count(), f"{notebook}: no slider found in the outputs"
    handle = handles.first
    handle.scroll_into_view_if_needed()
    before = figure_state(page)
    assert before, f"{notebook}: no plotly figure to watch"
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

