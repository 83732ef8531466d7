"""Slider-to-update latency and memory growth of every course widget, Python side.

For each widget: 200 random control changes, timing each from the trait change to everything
the learner sees updated: figures, tables, text (p50, p95); then 1,000 more changes and the
kernel's resident memory growth, with the p95 of the first and last 200 of them to show it stays
flat. The explorers build their Keras model when ``.model`` is first read after a move, not in
the move itself (what a move shows is shape maths, checked against Keras in the tests), so a
build is not part of these times.

    .venv/bin/python benchmarks/widget_latency.py            # prints a table, writes JSON
    .venv/bin/python benchmarks/widget_latency.py UnitsExplorer --no-soak   # one widget, latency only
Budgets (design.md): p95 under 50 ms, growth under 50 MB per 1,000 changes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pathlib
import random
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import psutil  # noqa: E402

from widgets import (  # noqa: E402
    BatchExplorer,
    ErrorGallery,
    SequenceExplorer,
    ShapeDoctor,
    ShapeExplorer,
    StatefulExplorer,
    TrainingLab,
    UnitsExplorer,
    WindowExplorer,
)

HERE = pathlib.Path(__file__).parent


def typed_shape(rng: random.Random) -> str:
    """A data shape a learner might type into the ShapeDoctor: 1 to 4 axes."""
    return str(
        tuple([rng.randint(1, 64)] + [rng.choice((1, 2, 3, rng.randint(1, 30))) for _ in range(rng.randint(0, 3))])
    )


def random_change(widget, rng: random.Random):
    """Set one random control to a random value in its slider range (or, for the ShapeDoctor,
    half the time, type a new data shape)."""
    if isinstance(widget, ShapeDoctor) and rng.random() < 0.5:
        return "data_shape", typed_shape(rng)
    if isinstance(widget, ErrorGallery):  # its one control is the menu of set-ups
        return "case", rng.choice([case for case in widget.CHOICES["case"] if case != widget.case])
    name = rng.choice(list(widget.LIMITS))
    low, high = widget.LIMITS[name]
    value = rng.randint(low, high)
    while value == getattr(widget, name) and high > low:
        value = rng.randint(low, high)
    return name, value


def timed_changes(widget, count: int, rng: random.Random) -> list[float]:
    times = []
    for _ in range(count):
        name, value = random_change(widget, rng)
        start = time.perf_counter()
        setattr(widget, name, value)  # runs the update: model rebuilt, figure refreshed
        times.append(time.perf_counter() - start)
    return times


def measure(factory, rng: random.Random, soak: bool = True) -> dict:
    widget = factory()
    # as a learner has it: shown, so that its figures send their updates (a course widget that has
    # not been shown opens no comm and sends nothing, widgets._shown)
    getattr(widget, "open_now", lambda: None)()
    timed_changes(widget, 20, rng)  # warm-up: first builds trace and cache
    latency = np.array(timed_changes(widget, 200, rng)) * 1000
    result = {
        "widget": type(widget).__name__,
        "p50_ms": round(float(np.percentile(latency, 50)), 1),
        "p95_ms": round(float(np.percentile(latency, 95)), 1),
    }
    if not soak:
        return result
    gc.collect()
    process = psutil.Process()
    before = process.memory_info().rss
    soak_times = np.array(timed_changes(widget, 1000, rng)) * 1000
    gc.collect()
    growth = (process.memory_info().rss - before) / 1e6
    return result | {
        "growth_mb_per_1000": round(growth, 1),
        "soak_p95_first_200_ms": round(float(np.percentile(soak_times[:200], 95)), 1),
        "soak_p95_last_200_ms": round(float(np.percentile(soak_times[-200:], 95)), 1),
    }


FACTORIES = {
    "ShapeExplorer": lambda: ShapeExplorer(controls=tuple(ShapeExplorer.LIMITS)),
    "BatchExplorer": BatchExplorer,
    "TrainingLab": TrainingLab,  # its sliders redraw the summary and memory figure; runs are buttons
    "SequenceExplorer": SequenceExplorer,
    "WindowExplorer": lambda: WindowExplorer(series="noisy sine"),  # impossible settings time their message
    "UnitsExplorer": UnitsExplorer,  # runs the real layer over the sequence at every move
    "StatefulExplorer": StatefulExplorer,
    "ShapeDoctor": lambda: ShapeDoctor(
        stateful=True
    ),  # typed shapes and model controls; traces the model where axes differ
    "ErrorGallery": ErrorGallery,  # switching set-ups; each runs for real once (the warm-up), then is reused
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "widgets", nargs="*", metavar="WIDGET", help=f"widgets to measure (default: all of {', '.join(FACTORIES)})"
    )
    parser.add_argument(
        "--no-soak", action="store_true", help="only the 200 timed changes: skip the 1,000-change memory soak"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.widgets) - set(FACTORIES))
    if unknown:
        parser.error(f"no widget named {', '.join(unknown)}")
    # one random sequence per widget: the same changes whether it is measured alone or with all
    results = [
        measure(FACTORIES[name], random.Random(name), soak=not args.no_soak) for name in args.widgets or FACTORIES
    ]
    header = f"{'widget':<17}{'p50 ms':>8}{'p95 ms':>8}{'MB/1000':>9}{'soak p95 first/last':>22}"
    print(header)
    for r in results:
        soak = (
            f"{r['growth_mb_per_1000']:>9}{r['soak_p95_first_200_ms']:>14} / {r['soak_p95_last_200_ms']}"
            if "growth_mb_per_1000" in r
            else ""
        )
        print(f"{r['widget']:<17}{r['p50_ms']:>8}{r['p95_ms']:>8}{soak}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "widget_latency.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
