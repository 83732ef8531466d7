"""The learner's whole journey, as on Binder: every lesson in order in one JupyterLab page.

Lesson 00 is opened, run with Run > Run All Cells, its first slider moved; then the lesson's own
"Next: Lesson 01" link opens lesson 01 in a new tab, and so on to lesson 09, no tab ever closed.
The Jupyter server runs in a 2 GiB memory cgroup (Binder's limit) where this machine allows it;
the output says whether it did. After every lesson the test asserts that:

- the memory limit killed no process, the server restarted no kernel, and no dialog (such as
  "The kernel appears to have died") is open;
- the lesson shows no error output and no broken widget, and all its code cells ran;
- the server and all its kernels stayed under 1.5 GB PSS (1,500 MB), sampled every 0.5 s while
  the lesson ran;
- the lesson exchanged at most 6 MB (websocket messages both ways, decompressed, plus HTTP
  responses), counted from the click on the link that opened it to the click on the next one.
  Lesson 00 counts from the moment its notebook page had loaded; JupyterLab's own first page
  load is printed but not counted. The whole course (lessons 00-09) exchanges at most 25 MB.

Then the learner goes back by clicking tabs: lesson 00, whose kernel the course must have
stopped (at most two kernels run), shows the stopped-kernel banner; lesson 08, still running,
either works (its first slider moves its figure) or shows the banner. Kernel > Restart Kernel
and Run All Cells… brings lesson 00 back: banner gone, no errors, its slider moves its figure,
memory still under 1.5 GB. The output ends with a table: memory peak, megabytes and seconds of
every stretch.

The lessons are served from a temporary copy and autosave is off: nothing in the repository is
written. ``COURSE_SKIP_BROWSER=1`` skips this; a missing Chromium fails it.
"""

from __future__ import annotations

import pytest
from browser_support import (
    COURSE_NETWORK_BUDGET,
    LESSON_NETWORK_BUDGET,
    MB,
    MEMORY_BUDGET,
    REPO_ROOT,
    VIEWPORT,
    Journey,
    Segment,
    browser_opted_out,
    journey_lab,
    journey_table,
    move_first_slider,
    whole_course,
)

from course.lessons import ready_lessons

pytestmark = pytest.mark.browser

LESSONS = ready_lessons()
SCREENSHOT_DIR = REPO_ROOT / "screenshots"  # where a failed journey leaves its last picture


@pytest.fixture
def lab(tmp_path):
    if browser_opted_out():
        pytest.skip("COURSE_SKIP_BROWSER=1")
    with journey_lab(tmp_path) as lab:
        yield lab


def play(page, segment: Segment) -> None:
    """What a learner does once a lesson has run: move its first slider (its figure must follow)."""
    move_first_slider(page, segment.notebook)


def check_segment(segment: Segment) -> None:
    """Everything that must hold at the end of each stretch of the journey."""
    where = f"{segment.name} ({segment.notebook})"
    assert not segment.oom_kills, f"{where}: Binder's memory limit killed {segment.oom_kills} process(es)"
    assert not segment.kernel_restarts, f"{where}: a kernel died and was restarted: {segment.kernel_restarts}"
    assert not segment.problems, f"{where}: " + "\n\n".join(segment.problems)
    assert segment.executed_cells >= segment.expected_cells, (
        f"{where}: only {segment.executed_cells} of {segment.expected_cells} code cells ran"
    )
    assert segment.peak_pss < MEMORY_BUDGET, (
        f"{where}: the server and its kernels reached {segment.peak_pss / MB:.0f} MB PSS "
        f"({segment.processes_at_peak} processes), over the {MEMORY_BUDGET / MB:.0f} MB budget"
    )
    if segment.kind == "lesson":
        assert segment.network <= LESSON_NETWORK_BUDGET, (
            f"{where}: {segment.network / MB:.2f} MB over the network (websocket {segment.websocket / MB:.2f} MB, "
            f"HTTP {segment.http / MB:.2f} MB; large responses {segment.large_responses}), over the "
            f"{LESSON_NETWORK_BUDGET / MB:.0f} MB budget"
        )
    if segment.kind in ("lesson", "restart"):
        assert not segment.banners, f"{where}: the stopped-kernel banner shows in a lesson that has just run"
    print(
        f"{segment.name}: {segment.peak_pss / MB:.0f} MB PSS, {segment.network / MB:.2f} MB, {segment.seconds:.0f} s",
        flush=True,
    )


def report(journey: Journey) -> None:
    print()
    print(f"memory limit: {journey.lab.cgroup_note}")
    if journey.page_load is not None:
        load = journey.page_load
        print(
            f"JupyterLab's first page load (not counted): {load.network / MB:.2f} MB "
            f"(websocket {load.websocket / MB:.2f}, HTTP {load.http / MB:.2f}), {load.seconds:.0f} s"
        )
    print(journey_table(journey.segments))
    lessons = [segment for segment in journey.segments if segment.kind == "lesson"]
    print(f"the course: {sum(s.network for s in lessons) / MB:.2f} MB, {sum(s.seconds for s in lessons):.0f} s")
    if journey.lab.cgroup is not None:
        print(f"the cgroup's highest charge (page cache included): {journey.lab.cgroup.max_usage() / MB:.0f} MB")


def test_learner_journey_through_every_lesson(browser, lab):
    assert len(LESSONS) >= 3, "the journey needs at least three lessons for a kernel to be stopped"
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    journey = Journey(page, lab)
    try:
        segments = whole_course(journey, LESSONS, then=play, check=check_segment)
    except BaseException:
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / "journey-failed.png"), full_page=True)
        print(f"tabs: {journey.tab_labels()}\nserver log:\n{lab.server.log_tail(8000)}")
        raise
    finally:
        report(journey)
        context.close()

    lessons = [segment for segment in segments if segment.kind == "lesson"]
    assert [segment.name for segment in lessons] == [lesson.code for lesson in LESSONS]
    course = sum(segment.network for segment in lessons)
    assert course <= COURSE_NETWORK_BUDGET, (
        f"the course exchanged {course / MB:.2f} MB, over the {COURSE_NETWORK_BUDGET / MB:.0f} MB budget"
    )
    revisits = {segment.name: segment for segment in segments if segment.kind == "revisit"}
    first, late = LESSONS[0], LESSONS[-2]
    assert revisits[f"back to {first.code}"].state == "stopped", (
        f"lesson {first.code}'s kernel should have been stopped by the course (at most two kernels run), "
        "but its widgets show no banner and still work"
    )
    assert revisits[f"back to {late.code}"].state in ("works", "stopped")
    restarted = [segment for segment in segments if segment.kind == "restart"]
    assert [segment.name for segment in restarted] == [f"{first.code} restarted"]
    saved = lab.server.saved_files()
    assert not saved, f"JupyterLab saved {saved}; autosave is off and nothing should be written"
