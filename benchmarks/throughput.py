"""Training throughput against the batch size on this machine, for lesson 03's classifier.

Times whole-batch training epochs (the first, which traces, left out) at batch sizes 1 to 512 on
the lesson's 512 training rows and prints samples per second and seconds per epoch, to show
where the gain flattens.

    .venv/bin/python benchmarks/throughput.py
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from course import data, training  # noqa: E402

HERE = pathlib.Path(__file__).parent
SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


def main():
    X_train, y_train, _, _ = data.train_val_split(*data.two_moons(1024, seed=0), val_fraction=0.5, seed=0)
    rows = [training.measure_throughput(X_train, y_train, size) for size in SIZES]
    best = max(row.samples_per_second for row in rows)
    print(f"{'batch':>6}{'samples/s':>12}{'s/epoch':>10}{'of best':>9}")
    for row in rows:
        print(f"{row.batch_size:>6}{row.samples_per_second:>12,.0f}{row.seconds_per_epoch:>10.4f}{row.samples_per_second / best:>9.0%}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "throughput.json").write_text(json.dumps([{"batch_size": r.batch_size, "samples_per_second": round(r.samples_per_second), "seconds_per_epoch": r.seconds_per_epoch} for r in rows], indent=2))


if __name__ == "__main__":
    main()
