"""Keras tier: the shape doctor on the model shapes learners bring beyond one input and one output.

Models with several inputs or output heads (lists and dicts of arrays, a loss per head or one for
all), models without an output layer for their sparse loss, Inputs with any number of timesteps,
one sample without its batch axis, and targets that broadcast only at the batch size used. Every
verdict is compared with Keras itself (``predict``, and one ``fit`` epoch where the model is
compiled and targets are given, on zeros of those shapes), and every fix with code is executed
on a fresh model and must make Keras run.
"""

from __future__ import annotations

import numpy as np
import pytest

from course import diagnose as doctor

pytestmark = pytest.mark.keras


def _zeros(spec):
    """Zeros of a shape, or a list/dict of them."""
    if isinstance(spec, dict):
        return {name: _zeros(shape) for name, shape in spec.items()}
    if isinstance(spec, list):
        return [_zeros(shape) for shape in spec]
    return np.zeros(spec, "float32")


def _copy(value):
    if isinstance(value, dict):
        return {name: array.copy() for name, array in value.items()}
    if isinstance(value, list):
        return [array.copy() for array in value]
    return None if value is None else value.copy()


def keras_runs(model, x, y=None, batch_size=None) -> bool:
    """Keras's verdict: predict and, where compiled with targets, one fit epoch."""
    batch = batch_size or model.inputs[0].shape[0] or 32
    try:
        model.predict(x, batch_size=batch, verbose=0)
        if y is not None and getattr(model, "loss", None) is not None:
            model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    except Exception:  # noqa: BLE001 - any error means Keras refuses
        return False
    return True


def check_against_keras(keras, make, x, y=None, batch_size=None):
    """The doctor's verdict on fresh models, compared with Keras; every fix with code must make
    Keras run on a fresh model. Returns the verdict."""
    data, targets = _zeros(x), None if y is None else _zeros(y)
    verdict = doctor.diagnose(_copy(data), make(keras), y=_copy(targets), batch_size=batch_size)
    ran = keras_runs(make(keras), _copy(data), _copy(targets), batch_size)
    assert verdict.ok == ran, f"the doctor says ok={verdict.ok}, Keras ran: {ran}\n{verdict.problem}"
    for fix in verdict.fixes:
        if not fix.code:
            continue
        namespace = {"np": np, "keras": keras, "x": _copy(data), "y": _copy(targets), "model": make(keras)}
        exec(fix.code, namespace)  # noqa: S102 - the doctor's own fix
        assert keras_runs(namespace["model"], namespace["x"], namespace["y"], batch_size), fix.code
    return verdict


# --- a model with two inputs and two heads -------------------------------------------------------------------


def _two_heads(keras, loss=None):
    layers = keras.layers
    sequence, meta = keras.Input((5, 2), name="seq"), keras.Input((3,), name="meta")
    hidden = layers.Concatenate()([layers.LSTM(4)(sequence), meta])
    model = keras.Model(
        [sequence, meta],
        [layers.Dense(3, activation="softmax", name="cls")(hidden), layers.Dense(1, name="reg")(hidden)],
    )
    if loss is not None:
        model.compile(optimizer="sgd", loss=loss)
    return model


SPARSE_AND_MSE = {"cls": "sparse_categorical_crossentropy", "reg": "mse"}
INPUTS = {"seq": (8, 5, 2), "meta": (8, 3)}
HEADS = {"cls": (8,), "reg": (8, 1)}


def _compiled(loss):
    return lambda keras: _two_heads(keras, loss)


@pytest.mark.parametrize(
    "loss, x, y",
    [
        (SPARSE_AND_MSE, INPUTS, HEADS),
        (SPARSE_AND_MSE, [(8, 5, 2), (8, 3)], [(8,), (8, 1)]),  # lists in the model's order
        (["sparse_categorical_crossentropy", "mse"], INPUTS, HEADS),  # a list of losses
        ("mse", INPUTS, {"cls": (8, 3), "reg": (8, 1)}),  # one loss for every head
        (None, INPUTS, None),
    ],
)
def test_inputs_and_heads_that_fit_raise_no_alarm(keras, loss, x, y):
    verdict = check_against_keras(keras, _compiled(loss), x, y)
    assert verdict.ok and not verdict.problem and not verdict.mistake
    assert len(verdict.parts) == 2 + (2 if y is not None else 0)
    assert all(part.ok for part in verdict.parts)


@pytest.mark.parametrize(
    "x, y, name, mistake",
    [
        ({"seq": (8, 2, 5), "meta": (8, 3)}, None, "'seq'", "axes swapped"),
        ([(8, 5, 2), (8, 4)], None, "'meta'", "features differ"),
        ({"seq": (8, 5), "meta": (8, 3)}, None, "'seq'", None),
        (INPUTS, {"cls": (8, 3), "reg": (8, 1)}, "'cls'", "one-hot targets with a sparse loss"),
        (INPUTS, {"cls": (8,), "reg": (8, 5, 1)}, "'reg'", None),
    ],
)
def test_the_wrong_input_or_head_is_named(keras, x, y, name, mistake):
    verdict = check_against_keras(keras, _compiled(SPARSE_AND_MSE), x, y)  # Keras trains on the last silently
    assert name in verdict.problem
    if mistake is not None:
        assert verdict.mistake == mistake
    named = [part for part in verdict.parts if part.problem]
    assert len(named) == 1 and named[0].ok == verdict.ok


def test_a_one_hot_head_is_fixed_for_that_head_only(keras):
    verdict = check_against_keras(keras, _compiled(SPARSE_AND_MSE), INPUTS, {"cls": (8, 3), "reg": (8, 1)})
    codes = [fix.code for fix in verdict.fixes if fix.code]
    assert "y['cls'] = y['cls'].argmax(axis=-1)" in codes
    assert any("'cls': 'categorical_crossentropy'" in code and "'reg'" in code for code in codes)


@pytest.mark.parametrize(
    "x, y, words",
    [
        ({"seq": (8, 5, 2)}, None, "no entry for input 'meta'"),
        ((8, 5, 2), None, "2 inputs ('seq', 'meta')"),
        ([(8, 5, 2), (8, 3), (8, 3)], None, "holds 3 entries"),
        ([(8, 5, 2), (7, 3)], None, "different numbers of samples"),
        (INPUTS, (8,), "2 outputs ('cls', 'reg')"),
        (INPUTS, {"cls": (8,)}, "no entry for output 'reg'"),
        (INPUTS, {**HEADS, "other": (8, 1)}, "'other'"),
    ],
)
def test_the_structure_of_x_and_y_is_named_plainly(keras, x, y, words):
    verdict = check_against_keras(keras, _compiled(SPARSE_AND_MSE), x, y)
    assert not verdict.ok and words in verdict.problem
    assert "dict of one" in verdict.fix or "samples" in verdict.problem


def test_extra_inputs_in_a_dict_are_left_out_as_keras_does(keras):
    verdict = check_against_keras(keras, _compiled(None), {**INPUTS, "notes": (8, 2)})
    assert verdict.ok and any("'notes'" in note for note in verdict.notes)


# --- a classifier without its output layer ------------------------------------------------------------------


def _ending(layer_code):
    def make(keras):
        layers = keras.layers
        model = keras.Sequential([keras.Input((5, 2)), layers.LSTM(16), eval(layer_code, {"layers": layers})])  # noqa: S307
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        return model

    return make


def _lstm_only(keras):
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(64)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize(
    "make, headless",
    [
        (_lstm_only, True),
        (_ending("layers.Dense(64, activation='relu')"), True),
        (_ending("layers.Dense(10)"), False),
        (_ending("layers.Dense(10, activation='softmax')"), False),
    ],
)
def test_a_sparse_loss_without_an_output_layer(keras, make, headless):
    verdict = check_against_keras(keras, make, (8, 5, 2), (8,))
    assert verdict.ok  # Keras trains silently on the units as classes
    if headless:
        assert verdict.mistake == "missing head" and verdict.side == "model" and "Dense(n_classes" in verdict.fix
    else:
        assert not verdict.mistake and not verdict.problem


# --- open timesteps and one sample without its batch axis --------------------------------------------------


def _open(features):
    return lambda keras: keras.Sequential([keras.Input((None, features)), keras.layers.LSTM(4), keras.layers.Dense(1)])


def _fixed(timesteps, features):
    return lambda keras: keras.Sequential(
        [keras.Input((timesteps, features)), keras.layers.LSTM(4), keras.layers.Dense(1)]
    )


@pytest.mark.parametrize(
    "make, x, mistake",
    [
        (_open(3), (8, 12, 3), ""),
        (_open(3), (8, 4, 3), ""),
        (_open(3), (7, 3), "missing batch axis"),
        (_open(3), (200, 3), "a series, not sequences"),
        (_open(1), (7,), "missing batch axis"),
        (_fixed(7, 1), (7,), "missing batch axis"),
        (_fixed(7, 3), (7, 3), "missing batch axis"),
    ],
)
def test_sequences_of_any_length_and_one_sample(keras, make, x, mistake):
    verdict = check_against_keras(keras, make, x)
    assert verdict.mistake == mistake
    if mistake:
        assert verdict.fixes and all(fix.code for fix in verdict.fixes[:1])
        assert "rows in the Input" not in verdict.mistake


def test_one_sample_is_predicted_after_the_fix(keras):
    model = _fixed(7, 1)(keras)
    verdict = doctor.diagnose(np.zeros(7), model)
    assert verdict.fixes[0].code == "x = x[None, :, None]"
    namespace = {"np": np, "x": np.zeros(7, "float32")}
    exec(verdict.fixes[0].code, namespace)  # noqa: S102 - the doctor's own fix
    assert model.predict(namespace["x"], verbose=0).shape == (1, 1)


# --- targets that broadcast only at the batch size used -----------------------------------------------------


def _three_values(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.mark.parametrize("batch_size, samples", [(1, 6), (None, 6), (4, 6), (None, 3), (3, 9)])
def test_the_verdict_holds_for_the_batch_size_used(keras, batch_size, samples):
    verdict = check_against_keras(keras, _three_values, (samples, 4), (samples,), batch_size=batch_size)
    assert verdict.mistake  # one value per sample against three outputs: wrong whatever Keras does
    if verdict.ok:
        assert "only because its batches hold" in verdict.problem


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, words",
    [
        ({"seq": None, "meta": (8, 3)}, "None"),
        ({"seq": "eight by five", "meta": (8, 3)}, "whole numbers"),
        ([np.zeros((8, 5, 2)), None], "None"),
        ("lots of rows", "whole numbers"),
        ({"seq": np.array([["a"]]), "meta": (8, 3)}, "text"),
    ],
)
def test_bad_input_gets_one_plain_sentence(keras, x, words):
    with pytest.raises(ValueError, match=words) as caught:
        doctor.diagnose(x, _two_heads(keras))
    assert "\n" not in str(caught.value)
