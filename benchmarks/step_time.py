"""Time of one LSTM training step for unit counts around 128, on this machine (lesson 06).

Do multiples of 32 train faster? On a CPU the answer is in the numbers this prints: the median
of 30 real training steps (batch 64, 20 timesteps, 8 features) for each unit count.

    .venv/bin/python benchmarks/step_time.py
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from course.experiments import unit_timing  # noqa: E402

HERE = pathlib.Path(__file__).parent
UNITS = (120, 124, 126, 127, 128, 129, 130, 132, 136)


def main():
    rows = {units: unit_timing.step_seconds(units, steps=30) * 1000 for units in UNITS}
    print(f"{'units':>6}{'ms/step':>10}")
    for units, ms in rows.items():
        print(f"{units:>6}{ms:>10.2f}{'  (multiple of 32)' if units % 32 == 0 else ''}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "step_time.json").write_text(json.dumps({str(k): round(v, 3) for k, v in rows.items()}, indent=2))


if __name__ == "__main__":
    main()
