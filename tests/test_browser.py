"""End to end: the lessons in a real (headless) Chromium, on the front-end paths the course
supports other than the learner's journey (``tests/test_journey.py``: JupyterLab with the
course's server extension, as on Binder).

- **The practitioner's path**: JupyterLab without the course's server extension, as in a
  practitioner's own Jupyter (and, as far as the server goes, Colab, Kaggle and VS Code). Every
  lesson runs there, each in a fresh page: the test opens the notebook, checks that no "Select
  Kernel" dialog appears, runs all cells from the Run menu, waits for the kernel to go idle and
  for every figure's module, and then checks what a learner would see: no traceback, no broken
  widget ("Error displaying widget", "Model not found"), at least one plotly figure, and a figure
  that changes when the first slider is moved with the keyboard. plotly's JavaScript reaches a
  page once, from the kernel: each lesson stays within the lesson's network budget, and the
  lessons together within the course's. A notebook that embeds the widgets as the README shows
  is checked the same way, and again with Chromium's CPU slowed 4 times and a slow network.
- **Notebook 7**, started from the course's environment (with its extension): lessons 01 and 05.

A screenshot of every lesson goes to ``screenshots/<code>.png``. The browser is the Debian
``chromium`` package (``COURSE_CHROMIUM`` points elsewhere). Without it these tests fail, they do
not skip: set ``COURSE_SKIP_BROWSER=1`` to opt out on purpose. ``COURSE_UPDATE_SCREENSHOT=1``
also refreshes the README's screenshot of lesson 01.

Nothing is written to the lessons: they are served from a copy, autosave is off, the notebook is
never saved, and the kernel is shut down through the REST API once the lesson is checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_support import (
    COURSE_NETWORK_BUDGET,
    LESSON_NETWORK_BUDGET,
    LESSON_TIMEOUT_S,
    MB,
    NOTEBOOK,
    REPO_ROOT,
    RETIRED_CLASS,
    SETTLE_MS,
    VIEWPORT,
    Journey,
    JourneyLab,
    LabServer,
    MemorySampler,
    NetworkMeter,
    browser_opted_out,
    check_no_problems,
    code_cell_count,
    executed_cells,
    move_first_slider,
    open_notebook,
    prompts,
    run_all_cells,
    scroll_first_figure_into_view,
    start_lab,
    wait_for_figures,
    wait_until_run,
    write_notebook,
)

from course.lessons import ready_lessons

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = REPO_ROOT / "screenshots"
README_SCREENSHOT = REPO_ROOT / "notebooks" / "images" / "lesson-01.png"
README_SCREENSHOT_LESSON = "01"

LESSONS = ready_lessons()


# --------------------------------------------------------------------------------------------
# One lesson, checked in the browser


def check_lesson(
    page,
    server: LabServer,
    notebook: str,
    code: str,
    *,
    screenshot_dir: Path | None,
    app: str = "lab",
    once_open: Callable[[object], None] | None = None,
    once_run: Callable[[object], None] | None = None,
) -> dict:
    """Open, run and inspect one notebook; returns timings, the figures drawn and the megabytes
    exchanged from the moment its page had loaded (``network``). ``once_open(page)`` runs when
    the notebook is open, before its cells run; ``once_run(page)`` once they have run and the
    figures are drawn. Fails the test on any problem."""
    timings = {}
    start = time.monotonic()
    path = server.root / notebook
    assert path.is_file(), f"lesson notebook {notebook} is listed as ready but does not exist"
    expected = code_cell_count(path)
    saves_before = server.saved_files()
    meter = NetworkMeter(page)

    open_notebook(page, server, notebook, workspace=f"lesson-{code}", app=app)
    timings["open"] = time.monotonic() - start
    loaded = meter.snapshot()
    if once_open is not None:
        once_open(page)

    run_all_cells(page)
    wait_until_run(page, server, notebook, expected, LESSON_TIMEOUT_S)
    timings["run"] = time.monotonic() - start - timings["open"]

    # Widgets render a moment after their cell finishes (and a missing model is only reported
    # once the lookup fails): let the page settle first.
    page.wait_for_timeout(SETTLE_MS)
    drawn = wait_for_figures(page)
    check_no_problems(page, notebook, code, screenshot_dir)

    numbered = executed_cells(page)
    assert numbered >= expected, f"{notebook}: only {numbered} of {expected} code cells ran: {prompts(page)}"

    assert drawn, f"{notebook}: no plotly figure rendered"
    timings["figures"] = drawn
    if once_run is not None:
        once_run(page)

    # Notebook 7 (7.6) takes a slider's arrow keys for its own commands (the focus jumps to a cell,
    # ArrowLeft folds a heading): there the mouse moves it, and the README says so
    move_first_slider(page, notebook, keyboard=app != "notebook")
    timings["slider"] = time.monotonic() - start - timings["open"] - timings["run"]

    if screenshot_dir is not None:
        scroll_first_figure_into_view(page)
        page.screenshot(path=str(screenshot_dir / f"{code}.png"), full_page=True)
        if code == README_SCREENSHOT_LESSON and os.environ.get("COURSE_UPDATE_SCREENSHOT") == "1":
            update_readme_screenshot(page)
    timings["total"] = time.monotonic() - start
    check_no_problems(page, notebook, code, screenshot_dir)  # nothing broke while it was used
    saved = server.saved_files()[len(saves_before) :]
    assert not saved, f"JupyterLab saved {saved} while {notebook} ran; the lessons must stay as committed"
    now = meter.snapshot()
    timings["network"] = sum(now[key] - loaded[key] for key in ("ws_received", "ws_sent", "http")) / MB
    timings["websocket"] = sum(now[key] - loaded[key] for key in ("ws_received", "ws_sent")) / MB
    return timings


def report(code: str, timings: dict) -> str:
    parts = [
        f"{key} {value:.2f} MB" if key in ("network", "websocket") else f"{key} {value:.1f} s"
        for key, value in timings.items()
        if key != "figures"
    ]
    return f"{code}: " + ", ".join(parts) + f", {timings['figures']} figures"


def update_readme_screenshot(page, target: Path = README_SCREENSHOT) -> Path:
    """The README's picture: the viewport (1280x900) with the first widget and its figure."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scroll_first_figure_into_view(page)
    page.screenshot(path=str(target), full_page=False)
    return target


# --------------------------------------------------------------------------------------------
# Fixtures


def lessons_copy(tmp_path_factory, name: str) -> Path:
    """A throwaway root with a copy of ``notebooks/`` and the practitioner's notebook."""
    root = tmp_path_factory.mktemp(name) / "root"
    shutil.copytree(REPO_ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    write_notebook(root / PRACTITIONER, PRACTITIONER_CELLS)
    return root


@pytest.fixture(scope="module")
def practitioner_lab(tmp_path_factory):
    """JupyterLab without the course's server extension, on a copy of the lessons."""
    if browser_opted_out():
        pytest.skip("COURSE_SKIP_BROWSER=1")
    root = lessons_copy(tmp_path_factory, "practitioner")
    server = start_lab(root, root.parent / "jupyterlab", course_extension=False)
    yield server
    server.shutdown_sessions()
    server.stop()


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory):
    """JupyterLab (and Notebook 7, served by the same server) with the course's extension."""
    if browser_opted_out():
        pytest.skip("COURSE_SKIP_BROWSER=1")
    root = lessons_copy(tmp_path_factory, "course")
    server = start_lab(root, root.parent / "jupyterlab")
    yield server
    server.shutdown_sessions()
    server.stop()


def fresh_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


# A practitioner's own notebook, as the README shows it: the widgets embedded, a model of their own.
PRACTITIONER = "practitioner/my_model.ipynb"
PRACTITIONER_CELLS = [
    "import numpy as np\nimport keras\nfrom widgets import ShapeDoctor, ShapeExplorer, UnitsExplorer, WindowExplorer",
    "explorer = ShapeExplorer(features=16, units=32, n_layers=2)\nexplorer",
    "explorer.units = 64\nprint(explorer.code())",
    "model = keras.Sequential([keras.Input(shape=(10, 3)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n"
    "x = np.zeros((64, 3, 10), 'float32')\n"
    "ShapeDoctor(model=model, data=x)",
    "WindowExplorer(series='noisy sine', window=6)",
    "UnitsExplorer(units=4)",
]

# A slow mobile connection (DevTools' "Slow 4G"): 150 ms, about 1.4 Mbit/s down; bytes per second.
SLOW_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 180_000, "uploadThroughput": 84_000}

# --------------------------------------------------------------------------------------------
# Tests


def test_the_course_without_the_course_extension(browser, practitioner_lab):
    """Every lesson in one JupyterLab page without the course's extension, each reached by the
    previous lesson's own link, as a practitioner's own Jupyter would serve the course. plotly's
    JavaScript comes from the kernel once for the page: each lesson stays within the lesson's
    network budget and the course within the course's, lesson 09 included."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    memory = MemorySampler(practitioner_lab.process.pid).start()
    lab = JourneyLab(practitioner_lab.root, practitioner_lab, memory, None, "none: a practitioner's own Jupyter")
    context, page = fresh_page(browser)

    def play(page, segment) -> None:
        segment.extra["figures"] = wait_for_figures(page)
        move_first_slider(page, segment.notebook)
        scroll_first_figure_into_view(page)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{segment.name}.png"), full_page=True)
        if segment.name == README_SCREENSHOT_LESSON and os.environ.get("COURSE_UPDATE_SCREENSHOT") == "1":
            update_readme_screenshot(page)

    try:
        journey = Journey(page, lab)
        for segment in journey.lessons(LESSONS, then=play):
            where = f"lesson {segment.name}"
            print(
                f"{where}: {segment.network / MB:.2f} MB (websocket {segment.websocket / MB:.2f} MB), "
                f"{segment.extra.get('figures', 0)} figures, {segment.seconds:.0f} s",
                flush=True,
            )
            assert not segment.problems, f"{where}: " + "\n\n".join(segment.problems)
            assert segment.executed_cells >= segment.expected_cells, f"{where}: not every code cell ran"
            assert segment.extra["figures"], f"{where}: no plotly figure rendered"
            assert segment.network <= LESSON_NETWORK_BUDGET, (
                f"{where}: {segment.network / MB:.2f} MB without the course's extension (websocket "
                f"{segment.websocket / MB:.2f} MB), over the {LESSON_NETWORK_BUDGET / MB:.0f} MB budget"
            )
        course = sum(segment.network for segment in journey.segments)
        print(f"the course without the extension: {course / MB:.2f} MB")
        assert [segment.name for segment in journey.segments] == [lesson.code for lesson in LESSONS]
        assert course <= COURSE_NETWORK_BUDGET, f"the course exchanged {course / MB:.2f} MB, over budget"
        assert not practitioner_lab.saved_files(), "autosave is off and nothing should be written"
    finally:
        memory.stop()
        practitioner_lab.shutdown_sessions()
        context.close()


def check_in_fresh_page(browser, server: LabServer, notebook: str, code: str, label: str, **options) -> dict:
    """:func:`check_lesson` in a page of its own, held to the lesson's network budget; the
    notebook's kernel is shut down afterwards."""
    context, page = fresh_page(browser)
    try:
        timings = check_lesson(page, server, notebook, code, screenshot_dir=None, **options)
        print(report(label, timings))
        assert timings["network"] * MB <= LESSON_NETWORK_BUDGET, (
            f"{label}: {timings['network']:.2f} MB, over the {LESSON_NETWORK_BUDGET / MB:.0f} MB budget"
        )
        return timings
    finally:
        server.shutdown_sessions()
        context.close()


def slow_down(page) -> None:
    """Chromium's CPU slowed 4 times and a slow network, once JupyterLab has loaded: what is
    slow is then what the figures need."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_NETWORK)


@pytest.mark.parametrize("throttled", [False, True], ids=["as-is", "slow-cpu-and-network"])
def test_a_practitioners_notebook_draws_every_figure(throttled, browser, practitioner_lab):
    """The widgets embedded as the README shows, without the course's extension; then again with
    Chromium's CPU slowed 4 times and a slow network, where plotly's bundle takes seconds to come:
    anywidget gives a widget's module about 2 s, and no figure may stay blank."""
    code = "practitioner-slow" if throttled else "practitioner"
    options = {"once_open": slow_down} if throttled else {}
    timings = check_in_fresh_page(browser, practitioner_lab, PRACTITIONER, code, code, once_run=drawn_as_now, **options)
    assert timings["figures"] >= 4, f"only {timings['figures']} figures drawn"


def drawn_as_now(page) -> None:
    """The explorer's figure shows 64 units (5,313 parameters), set by the cell after the one that
    showed it with 32 (1,633): an update Python sent while the figure's module was still loading
    is drawn too, not lost."""
    titles = page.locator(f"{NOTEBOOK} .js-plotly-plot .gtitle").all_text_contents()
    assert any("5,313 parameters" in title for title in titles), f"the explorer's figure is not as it is now: {titles}"


NOTEBOOK_7_LESSONS = [lesson for lesson in LESSONS if lesson.code in ("01", "05")]


@pytest.mark.parametrize("lesson", NOTEBOOK_7_LESSONS, ids=[lesson.code for lesson in NOTEBOOK_7_LESSONS])
def test_lesson_runs_in_notebook_7(lesson, browser, course_lab):
    label = f"Notebook 7, lesson {lesson.code}"
    check_in_fresh_page(browser, course_lab, lesson.notebook, f"notebook7-{lesson.code}", label, app="notebook")


def test_a_kernel_stopped_from_outside_leaves_a_banner(browser, course_lab):
    """Lesson 01 run in JupyterLab, then its kernel stopped through the server's REST API, as a
    hub's idle culler, a script or another tab would: every course widget of the lesson shows
    the banner that says what happened and what to run, and its sliders are switched off."""
    lesson = next(lesson for lesson in LESSONS if lesson.code == "01")
    context, page = fresh_page(browser)
    try:
        check_lesson(page, course_lab, lesson.notebook, "stopped-01", screenshot_dir=None)
        kernels = [s["kernel"]["id"] for s in course_lab.api("/api/sessions") if s["path"] == lesson.notebook]
        assert len(kernels) == 1, kernels
        course_lab.api(f"/api/kernels/{kernels[0]}", method="DELETE")
        banners = page.locator(f"{NOTEBOOK} .{RETIRED_CLASS}")
        banners.first.wait_for(timeout=30_000)
        text = banners.first.inner_text()
        assert "kernel was stopped" in text and "shut down" in text, text
        assert "Restart Kernel and Run All Cells" in text, text
        # ipywidgets 8 marks a disabled slider's track with the ``disabled`` attribute
        sliders = page.locator(f"{NOTEBOOK} .widget-slider .noUi-target")
        disabled = page.locator(f"{NOTEBOOK} .widget-slider .noUi-target[disabled]")
        assert sliders.count() and disabled.count() == sliders.count(), (
            f"{sliders.count() - disabled.count()} of {sliders.count()} sliders still look alive after the kernel stopped"
        )
    finally:
        course_lab.shutdown_sessions()
        context.close()


def test_course_server_serves_plotly_bundle(course_lab):
    """The address the kernels' figures import serves the course's figure module, which imports
    plotly's own bundle from next to it; both only to the server's own users."""
    from course.server.bundle import bundle_file, bundle_path, figure_file, plotly_bundle_path

    lab_server = course_lab
    module = lab_server.get("/" + bundle_path())
    assert module == figure_file().read_bytes()
    assert b'from "./widgetbundle.js"' in module
    assert bundle_path().rsplit("/", 1)[0] == plotly_bundle_path().rsplit("/", 1)[0]
    body = lab_server.get("/" + plotly_bundle_path())
    assert body == bundle_file().read_bytes()
    for address, served in ((bundle_path(), module), (plotly_bundle_path(), body)):
        try:
            anonymous = lab_server.get("/" + address, token=False)
        except OSError:  # refused outright
            anonymous = b""
        assert anonymous != served, f"{address} is served without the server's token"


# A figure with arrows and a title, and a slider that changes only its title from Python.
TITLE_ONLY = "figure/title_only.ipynb"
TITLE_ONLY_CELL = (
    "import ipywidgets as W\n"
    "from course import figures\n"
    "from widgets._figure import CourseFigure, refresh_figure\n"
    "f = CourseFigure(figures.sequence_reader(3, 1, 4, n_samples=8))\n"
    "reports = W.Label('reported back: 0', _dom_classes=['course-reports'])\n"
    "def reported(change):\n"
    "    reports.value = f'reported back: {int(reports.value.split()[-1]) + 1} ({change.name})'\n"
    "f.observe(reported, names=['_js2py_update', '_js2py_restyle', '_js2py_relayout'])\n"
    "defaults = W.Label('defaults reported: 0', _dom_classes=['course-defaults'])\n"
    "def counted(change):\n"
    "    if change.new:\n"
    "        defaults.value = f'defaults reported: {int(defaults.value.split()[-1]) + 1}'\n"
    "f.observe(counted, names=['_js2py_traceDeltas'])\n"
    "s = W.IntSlider(value=8, min=1, max=64)\n"
    "s.observe(lambda change: refresh_figure(f, figures.sequence_reader(3, 1, 4, n_samples=change.new)), 'value')\n"
    "W.VBox([s, f, reports, defaults])"
)
MARK_ARROWS_JS = """(notebook) => {
  const arrows = [...document.querySelectorAll(notebook + ' .js-plotly-plot .annotation')];
  arrows.forEach(node => { node.courseMark = true; });
  return arrows.length;
}"""
FIGURE_NOW_JS = """(notebook) => {
  const plot = document.querySelector(notebook + ' .js-plotly-plot');
  const arrows = [...plot.querySelectorAll('.annotation')];
  return {title: (plot.querySelector('.gtitle') || {}).textContent || '',
          arrows: arrows.length, kept: arrows.filter(node => node.courseMark).length};
}"""


def defaults_reported(page, at_least: int, timeout_s: float = 15) -> int:
    """How many reports of plotly.js's defaults Python has received, once there are at least
    ``at_least`` and none has come for two seconds (the module waits a second of stillness)."""
    label = page.locator(f"{NOTEBOOK} .course-defaults")
    deadline = time.monotonic() + timeout_s
    count, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = int(label.inner_text().split()[-1])
        if now != count:
            count, since = now, time.monotonic()
        elif count >= at_least and time.monotonic() - since >= 2:
            return count
        time.sleep(0.2)
    return count


def test_an_update_from_python_redraws_only_what_changed(browser, tmp_path):
    """plotly's own view redraws the whole figure for every update from Python (it marks them
    with a key plotly.js does not know); the course's figure module must not. A title change
    leaves the figure's arrows as they were, and nothing is reported back to Python.

    plotly's view also reports the defaults plotly.js filled in back to Python after every
    update; the course's module reports them once the figure is still, so the three updates of
    a quick burst of moves cost one report, and Python still gets it."""
    root = tmp_path / "root"
    write_notebook(root / TITLE_ONLY, [TITLE_ONLY_CELL])
    server = start_lab(root, tmp_path / "jupyterlab")
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        open_notebook(page, server, TITLE_ONLY, workspace="title-only")
        run_all_cells(page)
        wait_until_run(page, server, TITLE_ONLY, 1, LESSON_TIMEOUT_S)
        page.wait_for_selector(f"{NOTEBOOK} .js-plotly-plot .gtitle", timeout=60_000)
        page.wait_for_timeout(SETTLE_MS)
        marked = page.evaluate(MARK_ARROWS_JS, NOTEBOOK)
        assert marked >= 3, "the figure should draw its arrows as annotations"
        first_report = defaults_reported(page, at_least=1)
        assert first_report == 1, f"the first drawing's defaults should reach Python once, got {first_report}"
        before = page.evaluate(FIGURE_NOW_JS, NOTEBOOK)
        assert "(8, 3, 1)" in before["title"]
        move_first_slider(page, TITLE_ONLY)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and page.evaluate(FIGURE_NOW_JS, NOTEBOOK)["title"] == before["title"]:
            time.sleep(0.2)
        page.wait_for_timeout(SETTLE_MS)
        after = page.evaluate(FIGURE_NOW_JS, NOTEBOOK)
        assert after["title"] != before["title"] and ", 3, 1)" in after["title"], after
        assert after["kept"] == after["arrows"] == marked, f"the arrows were drawn again: {after}"
        check_no_problems(page, TITLE_ONLY, "title-only", None)
        reported = page.locator(f"{NOTEBOOK} .course-reports").inner_text().strip()
        assert reported == "reported back: 0", f"updates from Python came back to Python: {reported}"
        burst = defaults_reported(page, at_least=2) - first_report
        assert burst == 1, f"three quick updates should cost one report of defaults, got {burst}"
    finally:
        context.close()
        server.shutdown_sessions()
        server.stop()


IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<img\s[^>]*src=\"([^\"]+)\"")


def test_readme_shows_a_committed_screenshot():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    targets = [a or b for a, b in IMAGE_LINK.findall(readme)]
    local = [
        t for t in targets if not re.match(r"^[a-z]+://", t) and re.search(r"\.(png|jpe?g|gif|webp|svg)$", t, re.I)
    ]
    assert local, f"README.md has no image link to a screenshot in the repository (links found: {targets})"
    missing = [t for t in local if not (REPO_ROOT / t).is_file()]
    assert not missing, f"README.md shows images that do not exist: {missing}"
    git = shutil.which("git")
    if git and (REPO_ROOT / ".git").exists():
        untracked = [
            t
            for t in local
            if subprocess.run([git, "ls-files", "--error-unmatch", t], cwd=REPO_ROOT, capture_output=True).returncode
        ]
        assert not untracked, f"README.md shows images that are not committed: {untracked}"
