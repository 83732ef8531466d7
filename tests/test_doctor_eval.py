"""Keras tier: the shape doctor on real learners' problems (``tests/doctor_cases.py``).

For every case, Keras itself is the ground truth: a fresh copy of the learner's model is built
(some fail right there), then ``predict`` on the learner's data and, where the model is compiled
and there are targets, one ``fit`` epoch on zeros. The doctor's verdict is compared with that;
target problems must be named even where Keras trains silently; every fix with code is executed
on the learner's own model object after the learner's first run (the re-run trap included), and
must make Keras run; every exception Keras raises is handed to ``explain_error``, which must not
fall back. The figures are printed (``pytest -s``) and held to bars.
"""

from __future__ import annotations

import numpy as np
import pytest

from course import diagnose as doctor
from tests.doctor_cases import CASES

pytestmark = pytest.mark.keras

FALLBACK = "not one of the shape errors the course explains"


def _namespace(keras):
    return {"np": np, "keras": keras, "L": keras.layers, "Input": keras.Input}


def build(keras, case):
    """(model, None) or (None, the exception raised while building)."""
    namespace = _namespace(keras)
    try:
        exec(case.build, namespace)  # noqa: S102 - the evaluation set's own code
    except Exception as exc:  # noqa: BLE001 - the error is the case
        return None, exc
    return namespace["model"], None


def data(case):
    x = np.full(case.x, case.fill, "int32") if case.integers else np.full(case.x, case.fill, "float32")
    y = None if case.y is None else np.zeros(case.y, "float32")
    return x, y


def batch_for(model, case):
    return case.batch_size or model.inputs[0].shape[0] or 32


def run(model, case, x, y):
    """Keras's verdict: predict and, where compiled with targets, one fit epoch. The exception or None."""
    batch = batch_for(model, case)
    try:
        model.predict(x, batch_size=batch, verbose=0)
        if y is not None and getattr(model, "loss", None) is not None:
            model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    except Exception as exc:  # noqa: BLE001 - any error means Keras refuses
        return exc
    return None


def learner_model(keras, case):
    """The learner's model after their own first attempts (first_run, then their data)."""
    model, _ = build(keras, case)
    x, y = data(case)
    if case.first_run is not None:
        run(model, case, np.zeros(case.first_run, "float32"), None)
    run(model, case, x, y)
    return model


def evaluate(keras, case) -> dict:
    result = {"case": case, "built": True, "explained": None, "fixes": []}
    model, error = build(keras, case)
    if model is None:
        result.update(built=False, keras_ok=False, error=error)
        result["explained"] = FALLBACK not in doctor.explain_error(error)
        return result
    x, y = data(case)
    error = run(model, case, x, y)
    result.update(keras_ok=error is None, error=error)
    if error is not None:
        result["explained"] = FALLBACK not in doctor.explain_error(error)
    fresh, _ = build(keras, case)
    verdict = doctor.diagnose(x, fresh, y=None if y is None else y.shape, batch_size=case.batch_size)
    result["verdict"] = verdict
    result["doctor_ok"] = verdict.ok
    # the fixes, on the learner's own model object after their first run
    mine = model if case.first_run is None else learner_model(keras, case)  # the first model has had the learner's run
    advice = doctor.diagnose(x, mine, y=None if y is None else y.shape, batch_size=case.batch_size)
    for fix in advice.fixes:
        if not fix.code:
            continue
        model = learner_model(keras, case)
        namespace = {**_namespace(keras), "x": x.copy(), "y": None if y is None else y.copy(), "model": model}
        try:
            exec(fix.code, namespace)  # noqa: S102 - the doctor's own fix
            worked = run(namespace["model"], case, namespace["x"], namespace["y"]) is None
        except Exception:  # noqa: BLE001 - a fix that raises does not work
            worked = False
        result["fixes"].append((fix, worked))
    return result


@pytest.fixture(scope="module")
def results(keras):
    return [evaluate(keras, case) for case in CASES]


def test_the_set_is_large_and_every_case_names_its_thread():
    assert len(CASES) >= 60
    assert len({case.link for case in CASES}) == len(CASES)
    assert all(case.link.startswith("https://") and case.story for case in CASES)


def test_the_doctor_agrees_with_keras_and_reports(results):
    built = [r for r in results if r["built"]]
    agree = [r for r in built if r["doctor_ok"] == r["keras_ok"]]
    targets = [r for r in built if r["case"].target_problem]
    flagged = [r for r in targets if r["verdict"].mistake and r["verdict"].side in ("targets", "model", "loss")]
    silent = [r for r in targets if r["keras_ok"]]
    false_alarms = [
        r
        for r in built
        if not r["case"].target_problem
        and r["keras_ok"]
        and r["verdict"].targets_ok is not None
        and r["verdict"].mistake
        and r["verdict"].side in ("targets", "loss")
    ]
    fixes = [worked for r in results for _fix, worked in r["fixes"]]
    errors = [r for r in results if r["explained"] is not None]
    explained = [r for r in errors if r["explained"]]
    print(f"\nshape doctor on {len(CASES)} real problems ({len(results) - len(built)} fail while being built):")
    print(f"  verdicts agreeing with Keras: {len(agree)}/{len(built)}")
    print(
        f"  target problems flagged: {len(flagged)}/{len(targets)} ({len(silent)} of them trained silently by Keras); "
        f"false target alarms: {len(false_alarms)}"
    )
    print(f"  fixes with code that work on the learner's model after a first run: {sum(fixes)}/{len(fixes)}")
    print(f"  Keras errors explained without falling back: {len(explained)}/{len(errors)}")
    for r in built:
        if r["doctor_ok"] != r["keras_ok"]:
            print("  DISAGREE", r["case"].link, r["doctor_ok"], r["keras_ok"], str(r["error"])[:150])
    for r in targets:
        if r not in flagged:
            print("  NOT FLAGGED", r["case"].link, r["verdict"].mistake, r["verdict"].side)
    for r in results:
        for fix, worked in r["fixes"]:
            if not worked:
                print("  FIX FAILS", r["case"].link, fix.code.splitlines()[0])
        if r["explained"] is False:
            print("  FALLBACK", r["case"].link, doctor.error_summary(r["error"])[:150])
    assert len(agree) == len(built)
    assert len(flagged) == len(targets) and len(silent) >= 5
    assert not false_alarms
    assert len(fixes) >= 15 and sum(fixes) == len(fixes)
    assert len(explained) >= 0.95 * len(errors)
