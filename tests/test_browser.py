"""End to end: every ready lesson runs in JupyterLab in a real (headless) Chromium.

One JupyterLab server and one browser serve the whole module. For each lesson the test opens
the notebook, checks that no "Select Kernel" dialog appears, runs all cells from the Run menu,
waits for the kernel to go idle, and then checks what a learner would see: no traceback, no
broken widget ("Error displaying widget", "Model not found"), at least one plotly figure, and a
figure that changes when the first slider is moved with the keyboard. A screenshot of every
lesson goes to ``screenshots/<code>.png``.

The browser is the Debian ``chromium`` package (``COURSE_CHROMIUM`` points elsewhere). Without
it these tests fail, they do not skip: set ``COURSE_SKIP_BROWSER=1`` to opt out on purpose.
``COURSE_UPDATE_SCREENSHOT=1`` also refreshes the README's screenshot of lesson 01.

Nothing is written to the lessons: autosave is off, the notebook is never saved, and the kernel
is shut down through the REST API once the lesson is checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from browser_support import (
    LESSON_TIMEOUT_S,
    NOTEBOOK,
    REPO_ROOT,
    SETTLE_MS,
    VIEWPORT,
    LabServer,
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


def check_lesson(page, server: LabServer, notebook: str, code: str, *, screenshot_dir: Path | None) -> dict:
    """Open, run and inspect one notebook; returns timings. Fails the test on any problem."""
    timings = {}
    start = time.monotonic()
    path = server.root / notebook
    assert path.is_file(), f"lesson notebook {notebook} is listed as ready but does not exist"
    expected = code_cell_count(path)
    saves_before = server.saved_files()

    open_notebook(page, server, notebook, workspace=f"lesson-{code}")
    timings["open"] = time.monotonic() - start

    run_all_cells(page)
    wait_until_run(page, server, notebook, expected, LESSON_TIMEOUT_S)
    timings["run"] = time.monotonic() - start - timings["open"]

    # Widgets render a moment after their cell finishes (and a missing model is only reported
    # once the lookup fails): let the page settle first.
    page.wait_for_timeout(SETTLE_MS)
    check_no_problems(page, notebook, code, screenshot_dir)

    numbered = executed_cells(page)
    assert numbered >= expected, f"{notebook}: only {numbered} of {expected} code cells ran: {prompts(page)}"

    assert page.locator(f"{NOTEBOOK} .js-plotly-plot").count(), f"{notebook}: no plotly figure rendered"

    move_first_slider(page, notebook)
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
    return timings


def update_readme_screenshot(page, target: Path = README_SCREENSHOT) -> Path:
    """The README's picture: the viewport (1280x900) with the first widget and its figure."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scroll_first_figure_into_view(page)
    page.screenshot(path=str(target), full_page=False)
    return target


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    if browser_opted_out():
        pytest.skip("COURSE_SKIP_BROWSER=1")
    server = start_lab(REPO_ROOT, tmp_path_factory.mktemp("jupyterlab"))
    yield server
    server.shutdown_sessions()
    server.stop()


@pytest.fixture
def page(browser, lab_server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    lab_server.shutdown_sessions()
    context.close()


# --------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.code for lesson in LESSONS])
def test_lesson_runs_in_jupyterlab(lesson, page, lab_server):
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    timings = check_lesson(page, lab_server, lesson.notebook, lesson.code, screenshot_dir=SCREENSHOT_DIR)
    print(f"lesson {lesson.code}: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


def test_course_server_serves_plotly_bundle(lab_server):
    """The address the kernels' figures import serves the course's figure module, which imports
    plotly's own bundle from next to it; both only to the server's own users."""
    from course.server.bundle import bundle_file, bundle_path, figure_file, plotly_bundle_path

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
