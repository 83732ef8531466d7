"""The learner's whole journey in a real browser: memory, network and slider latency per lesson.

The same journey as ``tests/test_journey.py``, driven by the same code (``tests/browser_support.py``):
every lesson in one JupyterLab page, each reached by the previous lesson's link and run with
Run > Run All Cells, no tab closed, the server in Binder's 2 GiB memory cgroup where this
machine allows it; then back to lessons 00 and 08 by their tabs, and Kernel > Restart Kernel
and Run All Cells… in lesson 00. Per lesson it reports the peak PSS of the server and its
kernels, the megabytes over the websocket (both ways, decompressed) and over HTTP (as received),
and the browser's slider latency:

- single moves: ~10 arrow-key presses on the lesson's first slider handle, one at a time, each
  timed in the page from the keydown to the first change of the slider's figure (a
  MutationObserver on the figure; the page's own clock); p50/p95 per lesson and over all moves
  (and, as "done", to the figure's last change before it stayed still for 300 ms);
- a drag: 20 arrow presses in a burst, timed from the last keydown to the figure's last change
  (the figure is settled once it has not changed for a second and the kernel is idle).

The reference, measured in the same run after the journey, in a fresh JupyterLab workspace: a
bare ``IntSlider`` whose observer updates a one-trace figure. The budget's ratio is taken against
it. The same notebook is also measured first in the lessons' own page, opened there with File >
Open from Path… next to the ten lessons' tabs, and reported beside it ("reference in the
lessons' page"): the same page and the same open tabs as the lessons' moves, which a fresh page
does not have. The reference's figure is the course's ``CourseFigure`` (plotly's
``FigureWidget`` whose JavaScript comes over HTTP) so that, like the lessons, it does not carry
plotly's bundle over the websocket; its updates are plotly's own.

Budgets (design.md): a lesson's p95 within 1.3 times the reference's; a drag settles within
200 ms; 1.5 GB PSS; 6 MB per lesson and 25 MB for the course over the network.

    .venv/bin/python benchmarks/journey.py            # prints a table, writes JSON
    .venv/bin/python benchmarks/journey.py --max-kernels 1   # a hub's single-kernel mode

Results go to ``benchmarks/results/journey.json`` (``journey-max-kernels-1.json`` and so on where
``--max-kernels`` sets the course's kernel limit as a hub's ``c.KernelLimit.max_kernels`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402  (the shared driver fails with pytest.fail)
from browser_support import (  # noqa: E402
    COURSE_NETWORK_BUDGET,
    LESSON_NETWORK_BUDGET,
    LESSON_TIMEOUT_S,
    MB,
    MEMORY_BUDGET,
    NOTEBOOK,
    SETTLE_MS,
    SLIDER_HANDLES,
    VIEWPORT,
    ChromiumUnavailable,
    Journey,
    Segment,
    browser_opted_out,
    chromium,
    code_cell_count,
    journey_lab,
    journey_table,
    kernel_idle,
    open_notebook,
    page_problems,
    run_all_cells,
    wait_until_run,
    whole_course,
)

from course.lessons import ready_lessons  # noqa: E402

RESULTS = HERE / "results" / "journey.json"

SINGLE_MOVES = 10
REFERENCE_MOVES = 20
DRAG_PRESSES = 20
CHANGE_TIMEOUT_MS = 15_000
QUIET_MS = 300  # between single moves: the figure has not changed for this long
SETTLED_MS = 1_000  # after a drag: the figure has not changed for this long, and the kernel is idle
LATENCY_RATIO_BUDGET = 1.3
DRAG_SETTLE_BUDGET_MS = 200

REFERENCE = "reference/bare_slider.ipynb"
REFERENCE_CELL = (
    "import ipywidgets as W\n"
    "import plotly.graph_objects as go\n"
    "from widgets._figure import CourseFigure\n"
    "\n"
    "s = W.IntSlider()\n"
    "f = CourseFigure(go.Scatter(y=[0, 1]))\n"
    "s.observe(lambda c: f.data[0].update(y=[0, c.new]), 'value')\n"
    "W.VBox([s, f])"
)

# Watches the figure(s) next to the first slider of the current notebook (all of the
# notebook's figures if that cell has none): the page's clock at every keydown and at every
# change inside a plotly figure.
WATCH_JS = """
([handles, notebook]) => {
  const w = window.__journeyWatch = window.__journeyWatch || {};
  if (w.observer) w.observer.disconnect();
  if (w.onKey) document.removeEventListener('keydown', w.onKey, true);
  const handle = document.querySelector(handles);
  if (!handle) return 0;
  const cell = handle.closest('.jp-Cell');
  const scope = cell && cell.querySelector('.js-plotly-plot') ? cell : document.querySelector(notebook);
  const isPlot = node => node.nodeType === 1 && (node.matches('.js-plotly-plot') || !!node.querySelector('.js-plotly-plot'));
  const inPlot = node => {
    const element = node.nodeType === 1 ? node : node.parentElement;
    return !!(element && element.closest('.js-plotly-plot'));
  };
  w.keys = [];
  w.changes = [];
  w.observer = new MutationObserver(records => {
    const now = performance.now();
    if (records.some(r => inPlot(r.target) || [...r.addedNodes, ...r.removedNodes].some(isPlot))) w.changes.push(now);
  });
  w.observer.observe(scope, {subtree: true, childList: true, attributes: true, characterData: true});
  w.onKey = () => w.keys.push(performance.now());
  document.addEventListener('keydown', w.onKey, true);
  return scope.querySelectorAll('.js-plotly-plot').length;
}
"""
RESET_JS = "() => { const w = window.__journeyWatch; w.keys = []; w.changes = []; }"
CHANGED_JS = """() => {
  const w = window.__journeyWatch;
  const key = w.keys[w.keys.length - 1];
  return key !== undefined && w.changes.some(t => t >= key);
}"""
# [ms from the last keydown to the first change after it, to the last change, ms since the last change]
TIMES_JS = """() => {
  const w = window.__journeyWatch;
  const key = w.keys[w.keys.length - 1];
  const after = w.changes.filter(t => t >= key);
  const last = w.changes.length ? w.changes[w.changes.length - 1] : (key === undefined ? -Infinity : key);
  return [after.length ? after[0] - key : null, after.length ? after[after.length - 1] - key : null,
          performance.now() - last, after.length];
}"""


def slider_range(handle) -> tuple[float | None, float | None, float | None]:
    def number(name):
        value = handle.get_attribute(name)
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    return number("aria-valuenow"), number("aria-valuemin"), number("aria-valuemax")


def wait_quiet(page, quiet_ms: int, timeout_s: float = 60) -> None:
    """Until the figure has not changed for ``quiet_ms`` and the kernel is idle."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate(TIMES_JS)[2] >= quiet_ms and kernel_idle(page):
            return
        page.wait_for_timeout(50)


def measure_slider(page, moves: int) -> dict:
    """Single moves and one drag on the first slider of the current notebook."""
    handle = page.locator(SLIDER_HANDLES).first
    if not page.locator(SLIDER_HANDLES).count():
        return {"error": "no slider"}
    handle.scroll_into_view_if_needed()
    plots = page.evaluate(WATCH_JS, [SLIDER_HANDLES, NOTEBOOK])
    if not plots:
        return {"error": "no figure"}
    handle.focus()
    wait_quiet(page, QUIET_MS)

    latencies, done, misses = [], [], 0
    now, low, high = slider_range(handle)
    # Half the moves one way, half back, starting away from the nearer end of the range.
    first = (
        "ArrowLeft"
        if (now is not None and high is not None and low is not None and high - now < now - low)
        else "ArrowRight"
    )
    back = "ArrowLeft" if first == "ArrowRight" else "ArrowRight"
    keys = [first] * (moves // 2) + [back] * (moves - moves // 2)
    for key in keys:
        page.evaluate(RESET_JS)
        handle.press(key)
        try:
            page.wait_for_function(CHANGED_JS, timeout=CHANGE_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - no change: at the end of the range, or a slider that redraws nothing
            misses += 1
            continue
        latencies.append(page.evaluate(TIMES_JS)[0])
        wait_quiet(page, QUIET_MS)
        done.append(page.evaluate(TIMES_JS)[1])

    # The drag: a burst of presses the way with more room.
    now, low, high = slider_range(handle)
    key = (
        "ArrowLeft"
        if (now is not None and high is not None and low is not None and high - now < now - low)
        else "ArrowRight"
    )
    wait_quiet(page, QUIET_MS)
    page.evaluate(RESET_JS)
    handle.focus()
    for _ in range(DRAG_PRESSES):
        page.keyboard.press(key)
    wait_quiet(page, SETTLED_MS, timeout_s=120)
    _, settle, _, changes = page.evaluate(TIMES_JS)
    return {
        "moves_ms": [round(value, 1) for value in latencies],
        "misses": misses,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "done_ms": [round(value, 1) for value in done],
        "done_p95_ms": percentile(done, 95),
        "drag_settle_ms": round(max(settle, 0.0), 1) if settle is not None else None,
        "drag_changes_after_last_press": changes,
    }


def percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def measure_reference_in_page(page, journey: Journey) -> dict:
    """The bare reference opened in the lessons' own page (File > Open from Path…), its tabs open."""
    try:
        page.click("text=File", timeout=5_000)
        page.click("text=Open from Path…", timeout=5_000)
        page.fill(".jp-Dialog input", REFERENCE)
        page.keyboard.press("Enter")
        page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=60_000)
        page.wait_for_timeout(SETTLE_MS)
        run_all_cells(page)
        wait_until_run(
            page, journey.server, REFERENCE, code_cell_count(journey.server.root / REFERENCE), LESSON_TIMEOUT_S
        )
        page.wait_for_timeout(SETTLE_MS)
        return measure_slider(page, REFERENCE_MOVES)
    except Exception as exc:  # noqa: BLE001 - a figure beside the budget's, never a reason to stop
        return {"error": f"{type(exc).__name__}: {exc}"}


def measure_reference(page, journey: Journey) -> dict:
    """The bare IntSlider -> figure round trip, in a fresh workspace of the same page."""
    server = journey.server
    open_notebook(page, server, REFERENCE, workspace="reference")
    run_all_cells(page)
    wait_until_run(page, server, REFERENCE, code_cell_count(server.root / REFERENCE), LESSON_TIMEOUT_S)
    page.wait_for_timeout(SETTLE_MS)
    problems = page_problems(page)
    result = measure_slider(page, REFERENCE_MOVES)
    result["problems"] = problems
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-kernels", type=int, default=None, help="the course's kernel limit (default: its own, 2)")
    args = parser.parse_args(argv)
    if args.max_kernels is not None and args.max_kernels < 1:
        parser.error("--max-kernels must be at least 1")
    lessons = ready_lessons()
    results: dict = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "max_kernels": args.max_kernels,
        "reference_figure": "widgets._figure.CourseFigure (plotly FigureWidget, JavaScript over HTTP)",
        "budgets": {
            "memory_mb": MEMORY_BUDGET / MB,
            "lesson_network_mb": LESSON_NETWORK_BUDGET / MB,
            "course_network_mb": COURSE_NETWORK_BUDGET / MB,
            "latency_p95_ratio": LATENCY_RATIO_BUDGET,
            "drag_settle_ms": DRAG_SETTLE_BUDGET_MS,
        },
        "network_counted": "from lesson 00's loaded notebook page on; websocket payloads decompressed, HTTP as received",
    }
    started = time.monotonic()
    error = None
    journey = None
    with (
        tempfile.TemporaryDirectory(prefix="journey-") as tmp,
        journey_lab(
            pathlib.Path(tmp), extra_notebooks={REFERENCE: [REFERENCE_CELL]}, max_kernels=args.max_kernels
        ) as lab,
        chromium() as browser,
    ):
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(30_000)
        journey = Journey(page, lab)
        results["memory_limit"] = lab.cgroup_note

        def play(page, segment: Segment) -> None:
            segment.extra["latency"] = measure_slider(page, SINGLE_MOVES)
            print(f"  {segment.name}: {segment.extra['latency']}", flush=True)

        try:
            whole_course(
                journey, lessons, then=play, check=lambda s: print(f"{s.name} done in {s.seconds:.0f} s", flush=True)
            )
            results["reference_in_lessons_page"] = measure_reference_in_page(page, journey)
            results["reference"] = measure_reference(page, journey)
        except (Exception, pytest.fail.Exception) as exc:  # report what was measured so far
            error = f"{type(exc).__name__}: {exc}"
            print(f"the journey stopped: {error}", file=sys.stderr)
        finally:
            context.close()
        if lab.cgroup is not None:
            results["cgroup_max_usage_mb"] = round(lab.cgroup.max_usage() / MB, 1)
            results["oom_kills"] = lab.cgroup.oom_kills()
        results["page_load"] = journey.page_load.as_dict() if journey.page_load else None
        results["segments"] = [segment.as_dict() for segment in journey.segments]
    segments = list(journey.segments)
    results["seconds"] = round(time.monotonic() - started, 1)
    results["error"] = error

    course = [s for s in segments if s.kind == "lesson"]
    moves = [m for s in course for m in s.extra.get("latency", {}).get("moves_ms", [])]
    reference = results.get("reference", {})
    summary = {
        "course_network_mb": round(sum(s.network for s in course) / MB, 2),
        "course_seconds": round(sum(s.seconds for s in course), 1),
        "peak_pss_mb": round(max((s.peak_pss for s in segments), default=0) / MB, 1),
        "max_lesson_network_mb": round(max((s.network for s in course), default=0) / MB, 2),
        "lesson_p50_ms": percentile(moves, 50),
        "lesson_p95_ms": percentile(moves, 95),
        "reference_p50_ms": reference.get("p50_ms"),
        "reference_p95_ms": reference.get("p95_ms"),
        "reference_drag_settle_ms": reference.get("drag_settle_ms"),
        "reference_in_lessons_page_p50_ms": results.get("reference_in_lessons_page", {}).get("p50_ms"),
        "reference_in_lessons_page_p95_ms": results.get("reference_in_lessons_page", {}).get("p95_ms"),
        "max_drag_settle_ms": max(
            (s.extra["latency"].get("drag_settle_ms") or 0 for s in course if "latency" in s.extra), default=None
        ),
    }
    if summary["lesson_p95_ms"] and summary["reference_p95_ms"]:
        summary["p95_ratio"] = round(summary["lesson_p95_ms"] / summary["reference_p95_ms"], 2)
    if summary["lesson_p95_ms"] and summary["reference_in_lessons_page_p95_ms"]:
        summary["p95_ratio_in_lessons_page"] = round(
            summary["lesson_p95_ms"] / summary["reference_in_lessons_page_p95_ms"], 2
        )
    results["summary"] = summary

    written = RESULTS if args.max_kernels is None else RESULTS.with_name(f"journey-max-kernels-{args.max_kernels}.json")
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    ref_p95 = reference.get("p95_ms")

    def latency(column):
        def cell(segment: Segment) -> str:
            value = segment.extra.get("latency", {}).get(column)
            return "-" if value is None else f"{value:.0f}"

        return cell

    def ratio(segment: Segment) -> str:
        value = segment.extra.get("latency", {}).get("p95_ms")
        return f"{value / ref_p95:.2f}" if value and ref_p95 else "-"

    print()
    print(f"memory limit: {results.get('memory_limit')}")
    if journey.page_load is not None:
        print(f"JupyterLab's first page load (not counted): {journey.page_load.network / MB:.2f} MB")
    print(
        journey_table(
            segments,
            {
                "p50 ms": latency("p50_ms"),
                "p95 ms": latency("p95_ms"),
                "p95/ref": ratio,
                "done p95": latency("done_p95_ms"),
                "drag ms": latency("drag_settle_ms"),
                "misses": latency("misses"),
            },
        )
    )
    print(
        f"reference (bare IntSlider -> CourseFigure): p50 {reference.get('p50_ms')} ms, p95 {ref_p95} ms, "
        f"done p95 {reference.get('done_p95_ms')} ms, "
        f"drag settles in {reference.get('drag_settle_ms')} ms"
    )
    in_page = results.get("reference_in_lessons_page", {})
    print(
        f"reference in the lessons' page: p50 {in_page.get('p50_ms')} ms, p95 {in_page.get('p95_ms')} ms, "
        f"drag settles in {in_page.get('drag_settle_ms')} ms; lessons' p95 ratio to it "
        f"{summary.get('p95_ratio_in_lessons_page', '-')}" + (f" ({in_page['error']})" if "error" in in_page else "")
    )
    print(
        f"all lesson moves: p50 {summary['lesson_p50_ms']} ms, p95 {summary['lesson_p95_ms']} ms "
        f"(ratio {summary.get('p95_ratio', '-')}, budget {LATENCY_RATIO_BUDGET}); slowest drag settles in "
        f"{summary['max_drag_settle_ms']} ms (budget {DRAG_SETTLE_BUDGET_MS})"
    )
    print(
        f"course: {summary['course_network_mb']} MB over the network (budget {COURSE_NETWORK_BUDGET / MB:.0f}), "
        f"peak {summary['peak_pss_mb']} MB PSS (budget {MEMORY_BUDGET / MB:.0f}), {summary['course_seconds']} s"
    )
    print(f"wrote {written.relative_to(HERE.parent)}")
    return 1 if error else 0


if __name__ == "__main__":
    if browser_opted_out():
        print("COURSE_SKIP_BROWSER=1: the journey benchmark needs the browser; skipped")
        sys.exit(0)
    try:
        sys.exit(main())
    except ChromiumUnavailable as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
