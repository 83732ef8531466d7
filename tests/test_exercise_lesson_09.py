"""Lesson 09's exercises under the installed Keras: a table of made-up learner answers to the
Keras 2 -> 3 translation, right and wrong, each with its verdict; and the CO2 windows-and-model
exercise, its right answers in several spellings and each likely mistake with its own hint."""

from __future__ import annotations

import json
import pathlib
import re

import numpy as np
import pytest

from course import data, shapes
from course.datasets import mauna_loa
from course.lessons.exercises import PLACEHOLDER_HINT, Result, lesson_09

pytestmark = pytest.mark.keras

ODD_INPUTS = [None, "model", 3, 2.5, [], {}, np.zeros(0), object()]


# The translation: each answer is the function a learner writes, called by the check


def sequential_list(keras):
    L = keras.layers
    return keras.Sequential([keras.Input(shape=(24, 4)), L.LSTM(16, return_sequences=True), L.GRU(8), L.Dense(1)])


def sequential_add(keras):
    model = keras.Sequential()
    model.add(keras.Input(shape=(24, 4)))
    model.add(keras.layers.LSTM(16, return_sequences=True))
    model.add(keras.layers.GRU(8))
    model.add(keras.layers.Dense(1))
    return model


def sequential_build(keras):
    L = keras.layers
    model = keras.Sequential([L.LSTM(16, return_sequences=True), L.GRU(8), L.Dense(1)])
    model.build((None, 24, 4))
    return model


def functional(keras, inputs=None, lists=False):
    L = keras.layers
    inputs = inputs if inputs is not None else keras.Input(shape=(24, 4), name="readings")
    hidden = L.LSTM(16, return_sequences=True, name="encoder")(inputs)
    hidden = L.GRU(8, name="summary")(hidden)
    outputs = L.Dense(1, name="forecast")(hidden)
    return keras.Model([inputs], [outputs]) if lists else keras.Model(inputs, outputs)


def input_layer_shape(keras):
    L = keras.layers
    return keras.Sequential([L.InputLayer(shape=(24, 4)), L.LSTM(16, return_sequences=True), L.GRU(8), L.Dense(1)])


def rnn_of_cells(keras):
    L = keras.layers
    return keras.Sequential(
        [keras.Input(shape=(24, 4)), L.RNN(L.LSTMCell(16), return_sequences=True), L.GRU(8), L.Dense(1)]
    )


def keras2_input_shape(keras):
    L = keras.layers
    return keras.Sequential([L.LSTM(16, input_shape=(24, 4), return_sequences=True), L.GRU(8), L.Dense(1)])


def keras2_input_dim(keras):
    L = keras.layers
    return keras.Sequential([L.LSTM(16, input_dim=4, return_sequences=True), L.GRU(8), L.Dense(1)])


def keras2_batch_input_shape(keras):
    L = keras.layers
    return keras.Sequential([L.LSTM(16, batch_input_shape=(None, 24, 4), return_sequences=True), L.GRU(8), L.Dense(1)])


def keras2_input_layer(keras):
    L = keras.layers
    return keras.Sequential(
        [L.InputLayer(input_shape=(24, 4)), L.LSTM(16, return_sequences=True), L.GRU(8), L.Dense(1)]
    )


def both_spellings(keras):
    L = keras.layers
    return keras.Sequential(
        [keras.Input(shape=(24, 4)), L.LSTM(16, input_shape=(24, 4), return_sequences=True), L.GRU(8), L.Dense(1)]
    )


def swapped_axes(keras):
    L = keras.layers
    return keras.Sequential([keras.Input(shape=(4, 24)), L.LSTM(16, return_sequences=True), L.GRU(8), L.Dense(1)])


def fixed_batch(keras):
    L = keras.layers
    return keras.Sequential(
        [keras.Input(shape=(24, 4), batch_size=32), L.LSTM(16, return_sequences=True), L.GRU(8), L.Dense(1)]
    )


def no_gru(keras):
    return keras.Sequential([keras.Input(shape=(24, 4)), keras.layers.LSTM(16), keras.layers.Dense(1)])


def lstm_without_sequences(keras):
    L = keras.layers
    return keras.Sequential([keras.Input(shape=(24, 4)), L.LSTM(16), L.GRU(8), L.Dense(1)])


def gru_with_sequences(keras):
    L = keras.layers
    return keras.Sequential(
        [keras.Input(shape=(24, 4)), L.LSTM(16, return_sequences=True), L.GRU(8, return_sequences=True), L.Dense(1)]
    )


def wider_lstm(keras):
    L = keras.layers
    return keras.Sequential([keras.Input(shape=(24, 4)), L.LSTM(32, return_sequences=True), L.GRU(8), L.Dense(1)])


def no_input(keras):
    L = keras.layers
    return keras.Sequential([L.LSTM(16, return_sequences=True), L.GRU(8), L.Dense(1)])


#: (the learner's function, whether it is right, words the verdict must hold)
TRANSLATIONS = [
    (sequential_list, True, "Keras gave no warning while building it"),
    (sequential_add, True, "Keras gave no warning while building it"),
    (sequential_build, True, "Keras gave no warning while building it"),
    (functional, True, "Keras gave no warning while building it"),
    (lambda k: functional(k, lists=True), True, "no warning"),
    (lambda k: functional(k, inputs=k.Input(batch_shape=(None, 24, 4))), True, "no warning"),
    (input_layer_shape, True, "no warning"),
    (rnn_of_cells, True, "no warning"),
    (keras2_input_shape, False, "Keras warned while building it"),
    (keras2_input_dim, False, "Building your model raised ValueError"),
    (keras2_batch_input_shape, False, "batch_input_shape"),
    (keras2_input_layer, False, "is deprecated"),
    (both_spellings, False, "Keras 2 spelling"),
    (swapped_axes, False, "keras.Input(shape=(24, 4))"),
    (fixed_batch, False, "batches of exactly 32"),
    (no_gru, False, "an LSTM, a GRU and a Dense"),
    (lstm_without_sequences, False, "Building your model raised ValueError"),
    (gru_with_sequences, False, "leave return_sequences off the GRU"),
    (wider_lstm, False, "32, 8 and 1 units"),
    (no_input, False, "start its layers with keras.Input(shape=(24, 4))"),
    (lambda k: ..., False, PLACEHOLDER_HINT),
    (lambda k: "a model", False, "not a Keras model"),
]


def _name(case):
    return getattr(case, "__name__", None)


@pytest.mark.parametrize(
    "build, right, words", TRANSLATIONS, ids=[f"{i}-{_name(b)}" for i, (b, *_) in enumerate(TRANSLATIONS)]
)
def test_every_translation_gets_its_verdict(keras, build, right, words):
    result = lesson_09.check_translation(lambda: build(keras))
    assert isinstance(result, Result) and result.ok is right, result.message
    assert words in result.message, result.message
    if right:
        assert f"{build(keras).count_params():,} parameters" in result.message


def test_a_kept_habit_is_caught_every_time_not_only_the_first(keras):
    """Python shows a warning once per place by default; the check looks for it every time."""
    for _ in range(3):
        assert not lesson_09.check_translation(lambda: keras2_input_shape(keras)).ok


def test_a_built_model_is_graded_on_its_layers_and_the_warning_check_is_not_claimed(keras):
    right = lesson_09.check_translation(sequential_list(keras))
    assert right.ok and "no warning" not in right.message and "was not checked" in right.message
    functional_model = lesson_09.check_translation(functional(keras))
    assert functional_model.ok, functional_model.message
    with pytest.warns(UserWarning, match="input_shape"):
        built_the_keras_2_way = keras2_input_shape(keras)
    untranslated = lesson_09.check_translation(built_the_keras_2_way)
    assert not untranslated.ok and "input_shape=(24, 4)" in untranslated.message
    assert not lesson_09.check_translation(gru_with_sequences(keras)).ok


def test_the_parameter_count_in_the_verdict_is_keras_count(keras):
    model = sequential_list(keras)
    message = lesson_09.check_translation(lambda: model).message
    assert f"{model.count_params():,} parameters" in message
    assert model.count_params() == shapes.lstm_params(4, 16) + shapes.gru_params(16, 8) + shapes.dense_params(8, 1)


def test_the_translation_check_never_raises(keras):
    assert lesson_09.check_translation(...) == Result(False, PLACEHOLDER_HINT)

    def broken():
        raise RuntimeError("my mistake")

    assert "RuntimeError" in lesson_09.check_translation(broken).message
    for odd in ODD_INPUTS:
        result = lesson_09.check_translation(odd)
        assert isinstance(result, Result) and not result.ok and result.message
        result = lesson_09.check_translation(lambda odd=odd: odd)
        assert isinstance(result, Result) and not result.ok and result.message


# The CO2 series: windows of a year, next week as the target, and a model that reads them


@pytest.fixture(scope="module")
def co2():
    return mauna_loa.load().co2


def co2_windows(keras, series, inputs_end=-1, targets_start=52, window=52, batch_size=64, **kwargs):
    return keras.utils.timeseries_dataset_from_array(
        series[:inputs_end], series[targets_start:], sequence_length=window, batch_size=batch_size, **kwargs
    )


def co2_model(keras, window=52, features=1, **lstm):
    return keras.Sequential(
        [keras.Input(shape=(window, features)), keras.layers.LSTM(8, **lstm), keras.layers.Dense(1)]
    )


def test_the_co2_worked_solution_passes_with_keras_counts(keras, co2):
    windows = co2_windows(keras, co2.reshape(-1, 1))
    model = co2_model(keras)
    result = lesson_09.check_co2_model(windows, model)
    n_windows = sum(len(x) for x, _ in windows)
    assert n_windows == data.count_windows(len(co2), 52) == 2_232
    assert result.ok, result.message
    assert f"{n_windows:,} windows of (52, 1) in {len(windows)} batches" in result.message
    assert "(64, 52, 1) into forecasts (64, 1)" in result.message
    assert f"{model.count_params():,} parameters" in result.message


def test_other_right_answers_pass(keras, co2):
    column = co2.reshape(-1, 1)
    inputs = keras.Input(shape=(52, 1))
    functional_model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GRU(4)(inputs)))
    stack = keras.Sequential(
        [
            keras.Input(batch_shape=(None, 52, 1)),
            keras.layers.LSTM(8, return_sequences=True),
            keras.layers.LSTM(4),
            keras.layers.Dense(1),
        ]
    )
    scaled = (column - column.mean()) / column.std()
    answers = [
        (co2_windows(keras, column), functional_model),
        (co2_windows(keras, column), stack),
        (co2_windows(keras, column, shuffle=True, seed=1), co2_model(keras)),  # shuffled for training
        (co2_windows(keras, scaled), co2_model(keras)),  # the series standardised first
    ]
    for windows, model in answers:
        result = lesson_09.check_co2_model(windows, model)
        assert result.ok, result.message


@pytest.mark.parametrize(
    "make_windows, make_model, words",
    [
        (lambda k, s: co2_windows(k, s), co2_model, "no feature axis"),
        (lambda k, s: co2_windows(k, s.reshape(-1, 1), targets_start=12, window=12), co2_model, "sequence_length=52"),
        (lambda k, s: co2_windows(k, s.reshape(-1, 1), targets_start=51), co2_model, "horizon 0"),
        (
            lambda k, s: co2_windows(k, s.reshape(-1, 1), targets_start=53, inputs_end=-2),
            co2_model,
            "You made 2,231 windows",
        ),
        (lambda k, s: co2_windows(k, s.reshape(-1, 1), batch_size=32), co2_model, "batch_size=64"),
        (
            lambda k, s: co2_windows(k, s.reshape(-1, 1)),
            lambda k: co2_model(k, window=12),
            "keras.Input(shape=(52, 1))",
        ),
        (
            lambda k, s: co2_windows(k, s.reshape(-1, 1)),
            lambda k: co2_model(k, return_sequences=True),
            "return_sequences",
        ),
        (
            lambda k, s: co2_windows(k, s.reshape(-1, 1)),
            lambda k: k.Sequential([k.Input(shape=(52, 1)), k.layers.LSTM(8), k.layers.Dense(2)]),
            "Dense(1)",
        ),
        (lambda k, s: co2_windows(k, s.reshape(-1, 1)), lambda k: ..., "The windows are right. " + PLACEHOLDER_HINT),
        (lambda k, s: ..., co2_model, PLACEHOLDER_HINT),
        (lambda k, s: s.reshape(-1, 1), co2_model, "timeseries_dataset_from_array"),
    ],
)
def test_each_co2_mistake_gets_its_own_hint(keras, co2, make_windows, make_model, words):
    result = lesson_09.check_co2_model(make_windows(keras, co2), make_model(keras))
    assert not result.ok and words in result.message, result.message


def test_a_co2_model_built_the_keras_2_way_is_caught(keras, co2):
    with pytest.warns(UserWarning, match="input_shape"):
        model = keras.Sequential([keras.layers.LSTM(8, input_shape=(52, 1)), keras.layers.Dense(1)])
    result = lesson_09.check_co2_model(co2_windows(keras, co2.reshape(-1, 1)), model)
    assert not result.ok and "input_shape=(52, 1)" in result.message, result.message


def test_the_co2_check_never_raises(keras, co2):
    windows, model = co2_windows(keras, co2.reshape(-1, 1)), co2_model(keras)
    answers = [(odd, model) for odd in ODD_INPUTS] + [(windows, odd) for odd in (None, "model", 3, [], object())]
    for odd_windows, odd_model in answers:
        result = lesson_09.check_co2_model(odd_windows, odd_model)
        assert isinstance(result, Result) and not result.ok and result.message


def test_the_solutions_the_lesson_shows_pass_its_checks(keras, co2):
    """The code in the lesson's "Show a solution" blocks, run as a learner would paste it."""
    lesson = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "09_wrap_up.ipynb"
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    prose = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    blocks = re.findall(r"```python\n(.*?)```", prose, re.S)
    translations = [block for block in blocks if "def build_translation" in block]
    windows = [block for block in blocks if "co2_windows =" in block]
    assert len(translations) == 2 and len(windows) == 1
    for block in translations:
        namespace = {"keras": keras}
        exec(block, namespace)
        result = lesson_09.check_translation(namespace["build_translation"])
        assert result.ok and "no warning" in result.message, result.message
    namespace = {"keras": keras, "co2": co2}
    exec(windows[0], namespace)
    result = lesson_09.check_co2_model(namespace["co2_windows"], namespace["co2_model"])
    assert result.ok, result.message
