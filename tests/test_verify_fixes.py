"""Keras tier: every fix the shape doctor offers is tried with Keras first (``course.diagnose.verify``).

Each test asks Keras itself what the fix does (the fix applied to the learner's data or model,
then ``predict`` and ``fit``) and checks that the doctor keeps exactly the fixes Keras accepts.
"""

from __future__ import annotations

import numpy as np
import pytest

from course import diagnose as doctor
from course.diagnose import verify
from course.diagnose.fixes import Fix

pytestmark = pytest.mark.keras


def _keras_runs(model, x, y=None, batch_size=None) -> bool:
    try:
        model.predict(x, batch_size=batch_size, verbose=0)
        if y is not None:
            model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    except Exception:  # noqa: BLE001 - any error means Keras refuses
        return False
    return True


def _sequence_model(keras, timesteps=6, features=1, loss=None):
    inputs = keras.Input(shape=(timesteps, features))
    hidden = keras.layers.LSTM(4, name="memory")(keras.layers.LayerNormalization()(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    if loss:
        model.compile(optimizer="adam", loss=loss)
    return model


def test_a_reshape_keras_refuses_is_not_offered_and_the_advice_that_works_stays(keras):
    """(8, 1) into a functional model on (6, 1): Keras's input check lets it through, but the
    explicit axis the doctor used to offer, (8, 1, 1), is refused by that same model."""
    model = _sequence_model(keras)
    assert _keras_runs(model, np.zeros((8, 1), "float32"))
    assert not _keras_runs(model, np.zeros((8, 1, 1), "float32"))
    verdict = doctor.diagnose((8, 1), model)
    assert all("expand_dims" not in fix.code for fix in verdict.fixes)
    assert verdict.suggested_shape is None and verdict.code == ""
    assert any("timeseries_dataset_from_array" in fix.action for fix in verdict.fixes)


def test_a_reshape_keras_accepts_is_offered(keras):
    model = _sequence_model(keras, timesteps=3)
    verdict = doctor.diagnose((10, 1, 3), model)  # three steps of one feature, their axes swapped
    assert not verdict.ok and verdict.suggested_shape == (10, 3, 1)
    assert not _keras_runs(model, np.zeros((10, 1, 3), "float32"))
    x = np.zeros((10, 1, 3), "float32")
    exec(verdict.fixes[0].code, {"np": np, "x": x, "keras": keras, "model": model})  # noqa: S102
    assert _keras_runs(model, np.zeros(verdict.suggested_shape, "float32"))


@pytest.mark.parametrize(
    ("key", "sizes", "works"),
    [
        ("shape", (6, 1), True),
        ("shape", (6, 2), True),
        ("shape", (6,), False),  # an LSTM needs (steps, features)
        ("shape", (), False),  # an empty Input shape
        ("batch_shape", (4, 6, 1), True),
    ],
)
def test_an_input_advised_in_words_is_built_and_run_before_it_is_offered(keras, key, sizes, works):
    model = _sequence_model(keras)
    fix = Fix("model", f"Rebuild the model on `keras.Input({key}={sizes})`.")
    kept = verify.working(model, (8, 6), None, None, [fix])
    assert any(kept_fix.action.startswith(fix.action) for kept_fix in kept) is works
    try:
        rebuilt = keras.models.clone_model(model, input_tensors=keras.Input(**{key: sizes}))
        per_sample = sizes[1:] if key == "batch_shape" else sizes
        ran = bool(per_sample) and _keras_runs(rebuilt, np.zeros((8, *per_sample), "float32"))
    except Exception:  # noqa: BLE001 - Keras refuses to build it
        ran = False
    assert ran is works


def test_a_convolution_kernel_longer_than_the_advised_input_is_refused(keras):
    model = keras.Sequential([keras.Input(shape=(20, 1)), keras.layers.Conv1D(4, 7), keras.layers.Flatten()])
    too_short = Fix("model", "Rebuild the model on `keras.Input(shape=(5, 1))`.")
    long_enough = Fix("model", "Rebuild the model on `keras.Input(shape=(12, 1))`.")
    kept = verify.working(model, (4, 5, 1), None, None, [too_short, long_enough])
    assert kept == [long_enough]


def test_return_sequences_is_advised_only_where_a_recurrent_layer_of_that_name_exists(keras):
    inputs = keras.Input(shape=(5, 2))
    steps = keras.layers.LSTM(3, return_sequences=True, name="encoder")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(4, activation="softmax")(steps))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    right = Fix(
        "model", "Rebuild the model and set `return_sequences=False` on the last recurrent layer ('encoder'), so ..."
    )
    wrong = Fix(
        "model", "Rebuild the model and set `return_sequences=False` on the last recurrent layer ('pool'), so ..."
    )
    kept = verify.working(model, (8, 5, 2), (8,), None, [right, wrong])
    assert right in kept and wrong not in kept
    assert not _keras_runs(model, np.zeros((8, 5, 2)), np.zeros((8,)))


def test_a_dense_head_on_an_output_that_is_still_three_dimensional_is_refused(keras):
    """A Conv1D stack whose output is still (batch, steps, channels): a Dense head keeps the steps,
    so per-sample labels still do not match; adding the head is not offered."""
    model = keras.Sequential([keras.Input(shape=(6, 2)), keras.layers.Conv1D(4, 3)])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    head = Fix("model", "End with `Dense(3, activation='softmax')`.")
    assert verify.working(model, (8, 6, 2), (8, 3), None, [head])[0] is not head
    flat = keras.Sequential([keras.Input(shape=(6, 2)), keras.layers.Conv1D(4, 3), keras.layers.Flatten()])
    flat.compile(optimizer="adam", loss="categorical_crossentropy")
    assert verify.working(flat, (8, 6, 2), (8, 3), None, [head]) == [head]


def test_a_fix_with_code_that_loses_values_or_samples_is_refused(keras):
    model = _sequence_model(keras, loss="mse")
    lose_samples = Fix("targets", "Keep every other label.", "y = y[::2]")
    keep = Fix("targets", "Keep the labels as a column.", "y = y.reshape(len(y), 1)")
    kept = verify.working(model, (8, 6, 1), (8,), None, [lose_samples, keep])
    assert kept == [keep]


def test_plain_advice_is_kept_and_a_refused_only_fix_is_replaced_by_an_honest_sentence(keras):
    model = _sequence_model(keras)
    advice = Fix("data", "Collect a longer series.")
    assert verify.working(model, (8, 6, 1), None, None, [advice]) == [advice]
    (honest,) = verify.working(model, (8, 6, 1), None, None, [Fix("data", "Keep three steps.", "x = x[:, :3]")])
    assert "tried on a copy" in honest.action and not honest.code


def test_the_learners_model_is_untouched_and_a_second_question_is_answered_from_memory(keras, monkeypatch):
    model = _sequence_model(keras, loss="mse")
    weights = [w.copy() for w in model.get_weights()]
    fix = Fix("data", "Add the feature axis.", "x = np.expand_dims(x, -1)")
    assert verify.working(model, (8, 6), (8, 1), None, [fix]) == [fix]
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))
    assert model.predict_function is None and model.train_function is None  # never traced by the doctor
    calls = []
    for name in ("_tried", "_reads", "_rebuilt_reads"):
        monkeypatch.setattr(verify, name, lambda *args: calls.append(args) or True)
    assert verify.working(model, (8, 6), (8, 1), None, [fix]) == [fix]
    assert calls == []


def test_a_stateful_trim_is_checked_on_the_whole_sample_count(keras):
    inputs = keras.Input(batch_shape=(4, 3, 1))
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.LSTM(2, stateful=True)(inputs)))
    model.compile(optimizer="adam", loss="mse")
    trim = Fix("data", "Keep 8 samples.", "x = x[:8]\ny = y[:8]")
    wrong = Fix("data", "Keep 9 samples.", "x = x[:9]\ny = y[:9]")
    assert verify.working(model, (10, 3, 1), (10, 1), None, [trim, wrong]) == [trim]


def test_a_new_input_the_trained_weights_do_not_fit_says_so(keras):
    """A Flatten then a Dense: another image size gives the Dense another kernel. Keras runs the
    rebuilt model, so the fix is offered, but the learner's own weights cannot be loaded into it."""
    model = keras.Sequential(
        [keras.Input(shape=(8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    other = Fix("model", "Rebuild the model on `keras.Input(shape=(6, 6, 1))`.")
    (kept,) = verify.working(model, (4, 6, 6, 1), None, None, [other])
    assert "pretrained" in kept.action
    rebuilt = keras.models.clone_model(model, input_tensors=keras.Input(shape=(6, 6, 1)))
    with pytest.raises(ValueError):
        rebuilt.set_weights(model.get_weights())
    pooled = keras.Sequential(
        [
            keras.Input(shape=(8, 8, 1)),
            keras.layers.Conv2D(2, 3),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(1),
        ]
    )
    assert verify.working(pooled, (4, 6, 6, 1), None, None, [other]) == [other]


def test_fixes_for_one_head_of_a_two_headed_model_are_tried_on_the_whole_model(keras):
    inputs = keras.Input(shape=(4,), name="reading")
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(
        inputs,
        {"kind": keras.layers.Dense(3, name="kind")(hidden), "price": keras.layers.Dense(1, name="price")(hidden)},
    )
    model.compile(optimizer="adam", loss={"kind": "sparse_categorical_crossentropy", "price": "mse"})
    x, y = {"reading": (10, 4)}, {"kind": (10, 3), "price": (10, 1)}
    labels = Fix("targets", "One class number per sample.", "y['kind'] = y['kind'].argmax(axis=-1)")
    short = Fix("targets", "Keep three labels.", "y['kind'] = y['kind'][:3]")
    assert verify.working_structured(model, x, y, None, ["float32"], [labels, short]) == [labels]
    fitted = {"kind": np.zeros((10,), "float32"), "price": np.zeros((10, 1), "float32")}
    assert _keras_runs(model, np.zeros((10, 4), "float32"), fitted)
    verdict = doctor.diagnose({"reading": (10, 4)}, model, y={"kind": (10, 3), "price": (10, 1)})
    assert "'kind'" in verdict.problem and all(fix.code != short.code for fix in verdict.fixes)
