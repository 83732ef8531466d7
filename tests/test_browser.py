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
)
from course.lessons import ready_lessons

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
    saved = server.saved_files()[len(saves_before):]
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


@pytest.mark.browser
@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.code for lesson in LESSONS])
def test_lesson_runs_in_jupyterlab(lesson, page, lab_server):
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    timings = check_lesson(page, lab_server, lesson.notebook, lesson.code, screenshot_dir=SCREENSHOT_DIR)
    print(f"lesson {lesson.code}: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


@pytest.mark.browser
def test_course_server_serves_plotly_bundle(lab_server):
    """The address the kernels' figures import plotly from serves exactly plotly's bundle, and
    only to the server's own users."""
    from course.server.bundle import bundle_file, bundle_path

    body = lab_server.get("/" + bundle_path())
    assert body == bundle_file().read_bytes()
    try:
        anonymous = lab_server.get("/" + bundle_path(), token=False)
    except OSError:  # refused outright
        anonymous = b""
    assert anonymous != body, "the bundle is served without the server's token"


IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<img\s[^>]*src=\"([^\"]+)\"")


def test_readme_shows_a_committed_screenshot():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    targets = [a or b for a, b in IMAGE_LINK.findall(readme)]
    local = [t for t in targets if not re.match(r"^[a-z]+://", t) and re.search(r"\.(png|jpe?g|gif|webp|svg)$", t, re.I)]
    assert local, f"README.md has no image link to a screenshot in the repository (links found: {targets})"
    missing = [t for t in local if not (REPO_ROOT / t).is_file()]
    assert not missing, f"README.md shows images that do not exist: {missing}"
    git = shutil.which("git")
    if git and (REPO_ROOT / ".git").exists():
        untracked = [
            t for t in local
            if subprocess.run([git, "ls-files", "--error-unmatch", t], cwd=REPO_ROOT, capture_output=True).returncode
        ]
        assert not untracked, f"README.md shows images that are not committed: {untracked}"
