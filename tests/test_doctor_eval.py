"""Keras tier: the shape doctor on real learners' problems (``tests/doctor_cases.py``).

For every case, Keras itself is the ground truth: a fresh copy of the learner's model is built
(some fail right there), then ``predict`` on the learner's data and, where the model is compiled
and there are targets, one ``fit`` epoch on zeros. The doctor's verdict is compared with that;
target problems must be named even where Keras trains silently; every fix with code is executed
on the learner's own model object after the learner's first run (the re-run trap included), and
must make Keras run; every exception Keras raises is handed to ``explain_error`` with the model,
the data and the targets as context, and where the case names its thread's cause, the explanation
must name it (every ``cause`` word, no ``wrong`` word). A fallback ("not one of the shape errors
the course explains") is reported per case and held to a bar over the whole set. Each case is a
test of its own, so that the set spreads over the workers; ``benchmarks/doctor_eval.py`` reports
the same evaluation per family.
"""

from __future__ import annotations

import numpy as np
import pytest

from course import diagnose as doctor
from tests.doctor_cases import CASES, FAMILIES

pytestmark = pytest.mark.keras

FALLBACK = "not one of the shape errors the course explains"
#: At most this share of the exceptions Keras raises over the whole set may fall back.
MAX_FALLBACK_SHARE = 0.05


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


def _structure(shape, make):
    """One array per shape: a shape tuple, a list of them (model order) or a dict {name: shape}."""
    if shape is None:
        return None
    if isinstance(shape, list):
        return [make(one) for one in shape]
    if isinstance(shape, dict):
        return {name: make(one) for name, one in shape.items()}
    return make(shape)


def _copy(value):
    if isinstance(value, list):
        return [one.copy() for one in value]
    if isinstance(value, dict):
        return {name: one.copy() for name, one in value.items()}
    return None if value is None else value.copy()


def data(case):
    """The learner's data and targets: arrays, or lists or dicts of arrays, as the case's shapes say."""
    dtype = "int32" if case.integers else "float32"
    x = _structure(case.x, lambda shape: np.full(shape, case.fill, dtype))
    y = _structure(case.y, lambda shape: np.zeros(shape, "float32"))
    return x, y


def targets_for_doctor(y):
    """What the doctor is given as targets: a single array's shape (as a learner types it), else the arrays."""
    return y.shape if isinstance(y, np.ndarray) else y


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


def explain(error, model=None, x=None, y=None) -> str:
    """``explain_error`` with the context it reads: the model that raised, the data and the targets."""
    return doctor.explain_error(error, model=model, x=x, y=y)


def _judge_explanation(result, case, error, model, x, y):
    text = explain(error, model=model, x=x, y=y)
    lowered = text.lower()
    result["explanation"] = text
    result["explained"] = FALLBACK not in text
    if not result["explained"]:  # a fallback quotes Keras's message: it names no cause, right or wrong
        result["cause_missing"] = list(case.cause) or None
        return
    if case.cause:
        result["cause_missing"] = [word for word in case.cause if word.lower() not in lowered]
    result["wrong_named"] = [word for word in case.wrong if word.lower() in lowered]


def evaluate(keras, case) -> dict:
    """Everything the bars look at, for one case (also what the benchmark counts)."""
    result = {
        "case": case,
        "built": True,
        "error": None,
        "explanation": None,
        "explained": None,
        "cause_missing": None,
        "wrong_named": [],
        "verdict": None,
        "doctor_ok": None,
        "doctor_error": None,
        "fixes": [],
    }
    x, y = data(case)
    model, error = build(keras, case)
    if model is None:
        result.update(built=False, keras_ok=False, error=error)
        _judge_explanation(result, case, error, None, x, y)
        return result
    error = run(model, case, x, y)
    result.update(keras_ok=error is None, error=error)
    if error is not None:
        _judge_explanation(result, case, error, model, x, y)
    fresh, _ = build(keras, case)
    try:
        verdict = doctor.diagnose(x, fresh, y=targets_for_doctor(y), batch_size=case.batch_size)
    except Exception as exc:  # noqa: BLE001 - the doctor refusing a real case is a finding
        result["doctor_error"] = exc
        return result
    result["verdict"] = verdict
    result["doctor_ok"] = verdict.ok
    # the fixes, on the learner's own model object after their first run
    mine = model if case.first_run is None else learner_model(keras, case)  # the first model has had the learner's run
    advice = doctor.diagnose(x, mine, y=targets_for_doctor(y), batch_size=case.batch_size)
    for fix in advice.fixes:
        if not fix.code:
            continue
        model = learner_model(keras, case)
        namespace = {**_namespace(keras), "x": _copy(x), "y": _copy(y), "model": model}
        try:
            exec(fix.code, namespace)  # noqa: S102 - the doctor's own fix
            worked = run(namespace["model"], case, namespace["x"], namespace["y"]) is None
        except Exception:  # noqa: BLE001 - a fix that raises does not work
            worked = False
        result["fixes"].append((fix, worked))
    return result


def target_alarm(result) -> str | None:
    """Where the doctor is wrong about the targets: a target problem not named, or correct targets
    (Keras trains, the case says they are right) named as a problem."""
    verdict, case = result["verdict"], result["case"]
    if verdict is None:
        return None
    if case.target_problem:
        if not (verdict.mistake and verdict.side in ("targets", "model", "loss")):
            return f"target problem not named: mistake={verdict.mistake!r}, side={verdict.side!r}"
    elif result["keras_ok"] and verdict.targets_ok is not None:
        if verdict.mistake and verdict.side in ("targets", "loss"):
            return f"false target alarm: {verdict.mistake}"
    return None


def problems(result) -> list[str]:
    """Every bar the case misses, in words (empty when it passes). A fallback alone is not one."""
    case, found = result["case"], []
    failed = [fix.code.splitlines()[0] for fix, worked in result["fixes"] if not worked]
    if failed:
        found.append(f"failing fix: fixes that Keras refuses: {failed}")
    if result["error"] is not None:
        if result["cause_missing"]:
            found.append(f"wrong cause: the explanation does not name {result['cause_missing']}")
        if result["wrong_named"]:
            found.append(f"wrong cause: the explanation names {result['wrong_named']}")
    elif case.family == "explanations":
        found.append("the case is in 'explanations' but Keras raises nothing")
    if result["doctor_error"] is not None:
        found.append(
            f"wrong verdict: diagnose raised {type(result['doctor_error']).__name__}: {result['doctor_error']}"
        )
    elif result["built"]:
        if result["doctor_ok"] != result["keras_ok"]:
            keras_says = "runs" if result["error"] is None else doctor.error_summary(result["error"])[:200]
            found.append(f"wrong verdict: the doctor says ok={result['doctor_ok']}, Keras: {keras_says}")
        alarm = target_alarm(result)
        if alarm:
            found.append(f"wrong verdict: {alarm}")
    return found


def _case_id(case) -> str:
    return case.link.split("://", 1)[1].replace("/", "_")


def test_the_set_is_large_and_every_case_names_its_thread():
    assert len(CASES) >= 119
    assert len({case.link for case in CASES}) == len(CASES)
    assert all(case.link.startswith("https://") and case.story for case in CASES)
    assert sum(case.target_problem for case in CASES) >= 20
    assert all(case.family in FAMILIES for case in CASES)
    for family in ("model shapes", "single samples", "explanations"):
        assert sum(case.family == family for case in CASES) >= 10, family
    assert sum(bool(case.cause) for case in CASES) >= 25
    assert all(isinstance(word, str) and word for case in CASES for word in case.cause + case.wrong)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_doctor_agrees_with_keras(keras, case):
    """One real problem: the verdict agrees with Keras, a target problem is named (even where Keras
    trains silently), correct targets raise no alarm, every fix with code makes Keras run on the
    learner's own model, and where Keras raises and the case knows its cause, the explanation names
    it and no wrong one. A fallback is reported here and held to its bar over the whole set below.
    One test per case, so that the set spreads over the workers."""
    r = evaluate(keras, case)
    _EXPLAINED[case.link] = r["explained"]
    if r["explained"] is False:
        print(f"explain_error falls back on: {doctor.error_summary(r['error'])[:200]}")
    found = problems(r)
    assert not found, "; ".join(found)


_EXPLAINED: dict = {}  # case link -> whether its exception was explained (None: Keras raised nothing)


def test_few_exceptions_fall_back(keras):
    """Over the whole set, at most 5 % of the exceptions Keras raises get the fallback from
    ``explain_error`` (read from the cases' own tests where they ran in this process)."""
    fallbacks, explained = [], 0
    for case in CASES:
        if case.link not in _EXPLAINED:
            x, y = data(case)
            model, error = build(keras, case)
            if model is not None:
                error = run(model, case, x, y)
            _EXPLAINED[case.link] = None if error is None else FALLBACK not in explain(error, model=model, x=x, y=y)
        if _EXPLAINED[case.link] is None:
            continue
        explained += 1
        if not _EXPLAINED[case.link]:
            fallbacks.append(case.link)
    assert explained
    assert len(fallbacks) <= MAX_FALLBACK_SHARE * explained, (
        f"{len(fallbacks)} of {explained} exceptions fall back: {fallbacks}"
    )


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
