"""Training throughput against the batch size on this machine: lesson 03's measurement, longer.

Times single training steps (``course.experiments.throughput``) of a network wide enough for its arithmetic to
dominate, at batch sizes 1 to 8192, in interleaved rounds, and prints rows per second (median and
min-max band over the rounds), seconds per step and the plain reading the lesson prints.

    .venv/bin/python benchmarks/throughput.py
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from course.experiments import throughput  # noqa: E402

HERE = pathlib.Path(__file__).parent
SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192)


def main():
    rows = throughput.time_training_steps(SIZES, rounds=7, steps=5)
    print(f"{'batch':>6}{'rows/s':>12}{'band':>22}{'s/step':>10}")
    for row in rows:
        low, high = row.band
        print(
            f"{row.batch_size:>6}{row.samples_per_second:>12,.0f}{f'{low:,.0f}-{high:,.0f}':>22}{row.seconds_per_step:>10.4f}"
        )
    print(throughput.throughput_statement(rows))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "throughput.json").write_text(
        json.dumps(
            [
                {
                    "batch_size": r.batch_size,
                    "seconds_per_step": list(r.seconds),
                    "samples_per_second": round(r.samples_per_second),
                }
                for r in rows
            ],
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
