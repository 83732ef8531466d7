"""How the shape doctor does on the evaluation set of real learners' problems, per family.

Runs the evaluation of ``tests/test_doctor_eval.py`` (the same function, ``evaluate``, not a copy)
over every case of ``tests/doctor_cases.py``, one process, and counts per family and overall:

- cases, and verdicts that agree with Keras (of the models that build);
- target problems the doctor names, and correct targets it accepts (no false alarm);
- fixes with code the doctor offers, and fixes that make Keras run on the learner's own model;
- exceptions Keras raises: explained, naming the thread's cause (of those whose case knows it),
  naming a wrong cause, and falling back;
- the cases that miss a bar, each with what it misses and the first lines of the doctor's words.

    .venv/bin/python benchmarks/doctor_eval.py                 # the whole set, writes JSON
    .venv/bin/python benchmarks/doctor_eval.py --family "model shapes"

Results go to ``benchmarks/results/doctor_eval.json`` (with ``--family``, nothing is written).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from course import diagnose as doctor  # noqa: E402
from course._keras import keras as _keras  # noqa: E402
from tests.doctor_cases import CASES, FAMILIES  # noqa: E402
from tests.test_doctor_eval import evaluate, problems, target_alarm  # noqa: E402

COLUMNS = (
    ("cases", "cases"),
    ("agree", "verdicts agreeing with Keras"),
    ("verdicts", "models built (verdicts to compare)"),
    ("targets_flagged", "target problems flagged"),
    ("target_problems", "target problems"),
    ("targets_accepted", "correct targets accepted"),
    ("targets_correct", "correct targets checked"),
    ("fixes_offered", "fixes with code offered"),
    ("fixes_ran", "fixes that made Keras run"),
    ("exceptions", "exceptions Keras raised"),
    ("explained", "explained (no fallback)"),
    ("with_cause", "exceptions whose cause the case knows"),
    ("right_cause", "naming the right cause"),
    ("wrong_cause", "naming a wrong cause"),
    ("fallbacks", "falling back"),
    ("doctor_raised", "diagnose raised"),
    ("passing", "cases passing every bar"),
)


def _first_lines(text: str, lines: int = 2) -> str:
    return " ".join(text.strip().splitlines()[:lines])[:300] if text else ""


def tally(result) -> dict:
    """One case's contribution to every column."""
    case, verdict = result["case"], result["verdict"]
    raised = result["error"] is not None
    counts = dict.fromkeys((key for key, _ in COLUMNS), 0)
    counts["cases"] = 1
    if result["built"]:
        counts["verdicts"] = 1
        counts["agree"] = int(result["doctor_ok"] is not None and result["doctor_ok"] == result["keras_ok"])
        counts["doctor_raised"] = int(result["doctor_error"] is not None)
        if case.target_problem:
            counts["target_problems"] = 1
            counts["targets_flagged"] = int(verdict is not None and target_alarm(result) is None)
        elif result["keras_ok"] and case.y is not None:
            counts["targets_correct"] = 1
            counts["targets_accepted"] = int(verdict is not None and target_alarm(result) is None)
    counts["fixes_offered"] = len(result["fixes"])
    counts["fixes_ran"] = sum(worked for _, worked in result["fixes"])
    if raised:
        counts["exceptions"] = 1
        counts["explained"] = int(bool(result["explained"]))
        counts["fallbacks"] = int(not result["explained"])
        counts["wrong_cause"] = int(bool(result["wrong_named"]))
        if case.cause:
            counts["with_cause"] = 1
            counts["right_cause"] = int(not result["cause_missing"])
    counts["passing"] = int(not problems(result))
    return counts


def describe(result) -> dict:
    """One case as the report lists it."""
    case, verdict = result["case"], result["verdict"]
    return {
        "link": case.link,
        "family": case.family,
        "keras": "runs" if result["error"] is None else doctor.error_summary(result["error"])[:300],
        "doctor_ok": result["doctor_ok"],
        "doctor": _first_lines(verdict.problem) if verdict is not None else None,
        "doctor_error": None if result["doctor_error"] is None else str(result["doctor_error"])[:300],
        "explanation": _first_lines(result["explanation"] or ""),
        "fallback": result["explained"] is False,
        "misses": problems(result),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", choices=FAMILIES, help="only this family (nothing is written)")
    args = parser.parse_args(argv)
    keras = _keras()
    cases = [case for case in CASES if args.family in (None, case.family)]
    per_family = {family: dict.fromkeys((key for key, _ in COLUMNS), 0) for family in FAMILIES}
    listed = []
    started = time.perf_counter()
    for number, case in enumerate(cases, 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras's own warnings, as a learner's session shows them
            result = evaluate(keras, case)
        for key, value in tally(result).items():
            per_family[case.family][key] += value
        entry = describe(result)
        listed.append(entry)
        mark = "ok  " if not entry["misses"] else "MISS"
        print(f"[{number:3}/{len(cases)}] {mark} {case.family:15} {case.link}", flush=True)
        keras.backend.clear_session()
    seconds = round(time.perf_counter() - started, 1)
    overall = {key: sum(family[key] for family in per_family.values()) for key, _ in COLUMNS}
    families = [family for family in FAMILIES if per_family[family]["cases"]]

    width = max(len(label) for _, label in COLUMNS)
    print()
    print(" " * width, *(f"{family[:14]:>15}" for family in families), f"{'overall':>15}")
    for key, label in COLUMNS:
        print(f"{label:<{width}}", *(f"{per_family[family][key]:>15}" for family in families), f"{overall[key]:>15}")
    missing = [entry for entry in listed if entry["misses"]]
    print(f"\n{len(missing)} of {len(listed)} cases miss a bar ({seconds} s):")
    for entry in missing:
        print(f"- {entry['link']} ({entry['family']}): {'; '.join(entry['misses'])[:400]}")

    if args.family is None:
        report = {
            "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "keras": keras.__version__,
            "seconds": seconds,
            "columns": dict(COLUMNS),
            "families": {family: per_family[family] for family in families},
            "overall": overall,
            "cases": listed,
        }
        results = HERE / "results" / "doctor_eval.json"
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
