"""Keras tier: the shape doctor on real learners' problems (``tests/doctor_cases.py``).

For every case, Keras itself is the ground truth: a fresh copy of the learner's model is built
(some fail right there), then ``predict`` on the learner's data and, where the model is compiled
and there are targets, one ``fit`` epoch on zeros. The doctor's verdict is compared with that;
target problems must be named even where Keras trains silently; every fix with code is executed
on the learner's own model object after the learner's first run (the re-run trap included), and
must make Keras run; every exception Keras raises is handed to ``explain_error``, which must not
fall back. Each case is a test of its own, held to every bar, so that the set spreads over the
workers.
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


def _case_id(case) -> str:
    return case.link.split("://", 1)[1].replace("/", "_")


def test_the_set_is_large_and_every_case_names_its_thread():
    assert len(CASES) >= 60
    assert len({case.link for case in CASES}) == len(CASES)
    assert all(case.link.startswith("https://") and case.story for case in CASES)
    assert sum(case.target_problem for case in CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_doctor_agrees_with_keras(keras, case):
    """One real problem: the verdict agrees with Keras, a target problem is named (even where Keras
    trains silently), correct targets raise no alarm, every fix with code makes Keras run on the
    learner's own model, and every exception Keras raises is explained without falling back.
    One test per case, so that the set spreads over the workers."""
    r = evaluate(keras, case)
    failed = [fix.code.splitlines()[0] for fix, worked in r["fixes"] if not worked]
    assert not failed, f"fixes that Keras refuses: {failed}"
    if r["explained"] is False:
        pytest.fail(f"explain_error falls back on: {doctor.error_summary(r['error'])[:200]}")
    if not r["built"]:
        return
    verdict = r["verdict"]
    assert r["doctor_ok"] == r["keras_ok"], f"the doctor says ok={r['doctor_ok']}, Keras: {str(r['error'])[:200]}"
    if case.target_problem:
        assert verdict.mistake and verdict.side in ("targets", "model", "loss"), (verdict.mistake, verdict.side)
    elif r["keras_ok"] and verdict.targets_ok is not None:
        assert not (verdict.mistake and verdict.side in ("targets", "loss")), f"false target alarm: {verdict.mistake}"


def test_some_target_problems_are_ones_keras_trains_silently(keras):
    """The set holds target problems that Keras itself never complains about (the doctor must name
    them anyway, above): at least five of them train without an error."""
    silent = []
    for case in CASES:
        if not case.target_problem:
            continue
        model, error = build(keras, case)
        if model is not None and run(model, case, *data(case)) is None:
            silent.append(case.link)
            if len(silent) == 5:
                return
    pytest.fail(f"only {len(silent)} target problems train silently: {silent}")
