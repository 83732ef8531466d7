"""Do lessons 03 and 06 still read the same with the thread caps of ``binder/start`` on?

``course.threads`` gives each kernel one BLAS thread (and TensorFlow the container's CPU limit, where
it has one). Two lessons time real training on the learner's machine and read the timings aloud:
lesson 03 where rows per second stop rising with the batch size (``throughput.find_knee`` and
``throughput_statement``), lesson 06 whether 128 LSTM units beat their neighbours
(``unit_timing.alignment_verdict``). This runs each lesson's own call, with the lesson's own
arguments, in a fresh Python per run, with the caps off (none of the variables set) and on
(``thread_settings({})``), ``--repeats`` times each, alternating, and ``--learners`` copies at once
(a class on one machine), and prints what each run would have told the learner:

- lesson 03: the best batch size, the knee (the first batch size within 80 % of the best rate),
  whether the rate was still climbing, and the batch sizes that were slower in every round;
- lesson 06: the verdict's kind (faster, slower, within the noise) and 128 units' median step time.

    .venv/bin/python benchmarks/thread_caps.py                 # alone, 3 runs per mode
    .venv/bin/python benchmarks/thread_caps.py --learners 4    # four at once

Results go to ``benchmarks/results/thread_caps.json`` (``thread_caps-4-learners.json`` and so on).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from class_load import kernel_env  # noqa: E402  (this folder is on the path when run as a script)

from course.threads import cpu_limit, thread_settings  # noqa: E402

RUN_TIMEOUT_S = 1800

# One run, in a fresh interpreter: the two lessons' calls as the lessons make them.
CHILD = """
import json, time
from course.experiments import throughput, unit_timing

started = time.perf_counter()
timings = throughput.time_training_steps()
knee = throughput.find_knee(timings)
lesson_03 = {
    "seconds": round(time.perf_counter() - started, 1),
    "best_batch": knee.best.batch_size,
    "best_rows_per_second": round(knee.best.samples_per_second),
    "knee_batch": knee.knee.batch_size,
    "still_climbing": knee.still_climbing,
    "slower_beyond": list(knee.slower_beyond),
    "rows_per_second": {t.batch_size: round(t.samples_per_second) for t in timings},
    "statement": throughput.throughput_statement(timings),
}
started = time.perf_counter()
band = unit_timing.time_units(unit_counts=(120, 124, 128, 132, 136), rounds=4, steps=6)
verdict = unit_timing.alignment_verdict(band, candidate=128)
kind = "faster" if "was faster" in verdict else "slower" if "was slower" in verdict else "noise"
lesson_06 = {
    "seconds": round(time.perf_counter() - started, 1),
    "verdict_kind": kind,
    "median_ms_128": round(1000 * band.median(128), 2),
    "verdict": verdict,
}
print("THREAD_CAPS", json.dumps({"lesson_03": lesson_03, "lesson_06": lesson_06}), sep="\\t")
"""
MARKER = "THREAD_CAPS\t"


def child_env(caps: str) -> dict[str, str]:
    """A run's environment: a class's kernels' (``class_load.kernel_env``), with the course importable."""
    return kernel_env(caps) | {"PYTHONPATH": str(ROOT)}


def run_class(caps: str, learners: int) -> list[dict]:
    """``learners`` runs at once with the caps ``caps``; each run's readings, or its error."""
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD],
            env=child_env(caps),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(learners)
    ]
    found = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=max(1, RUN_TIMEOUT_S - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            found.append({"error": f"took longer than {RUN_TIMEOUT_S} s"})
            continue
        lines = [line for line in out.splitlines() if line.startswith(MARKER)]
        if process.returncode or not lines:
            found.append({"error": f"exit {process.returncode}: {err.strip()[-800:]}"})
        else:
            found.append(json.loads(lines[-1][len(MARKER) :]))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per mode (default: 3)")
    parser.add_argument("--learners", type=int, default=1, help="runs at once, as a class (default: 1)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.learners < 1:
        parser.error("at least one repeat and one learner")

    report = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_limit": cpu_limit(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "learners": args.learners,
        "caps_settings": thread_settings({}),
        "runs": [],
    }
    name = "thread_caps.json" if args.learners == 1 else f"thread_caps-{args.learners}-learners.json"
    results = HERE / "results" / name
    for repeat in range(args.repeats):
        for caps in ("off", "on"):
            print(f"run {repeat + 1}, caps {caps}, {args.learners} at once ...", flush=True)
            for index, run in enumerate(run_class(caps, args.learners)):
                report["runs"].append({"caps": caps, "repeat": repeat + 1, "learner": index} | run)
            results.parent.mkdir(parents=True, exist_ok=True)
            results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print()
    print(f"caps on = {report['caps_settings']}; {args.learners} run(s) at once")
    print(
        f"{'caps':>5}{'run':>5}{'03 best':>9}{'03 knee':>9}{'best rows/s':>13}{'climbing':>10}{'03 s':>7}"
        f"{'06 verdict':>12}{'06 ms@128':>11}{'06 s':>7}"
    )
    for run in report["runs"]:
        if "error" in run:
            print(f"{run['caps']:>5}{run['repeat']:>5}  failed: {run['error']}")
            continue
        a, b = run["lesson_03"], run["lesson_06"]
        print(
            f"{run['caps']:>5}{run['repeat']:>5}{a['best_batch']:>9}{a['knee_batch']:>9}{a['best_rows_per_second']:>13,}"
            f"{str(a['still_climbing']):>10}{a['seconds']:>7}{b['verdict_kind']:>12}{b['median_ms_128']:>11}{b['seconds']:>7}"
        )
    print(f"wrote {results.relative_to(ROOT)}")
    return 1 if any("error" in run for run in report["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
