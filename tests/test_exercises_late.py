"""The code-writing exercises of lessons 05-09: the placeholder gets a "not yet", the worked
solution passes, each likely mistake gets its own hint, and no input makes a check raise."""

from __future__ import annotations

import numpy as np
import pytest

from course import data, models, shapes
from course.experiments.stateful import SEED_STACK
from course.lessons.exercises import PLACEHOLDER_HINT, Result, lesson_05, lesson_06, lesson_07, lesson_08, lesson_09

pytestmark = pytest.mark.keras

ODD_INPUTS = [None, "model", 3, 2.5, [], {}, np.zeros(0), object()]


def column():
    return data.example_series("counting", length=12).reshape(-1, 1)


def windows(keras, inputs, targets, **kwargs):
    settings = dict(sequence_length=3, batch_size=4) | kwargs
    return keras.utils.timeseries_dataset_from_array(inputs, targets, **settings)


def test_lesson_05_the_worked_solution_passes_and_matches_keras(keras):
    values = column()
    result = lesson_05.check_windows(windows(keras, values[:-1], values[3:]))
    assert result.ok and "9 windows" in result.message and "[9, 10, 11] -> 12" in result.message
    X, y = data.make_windows(values[:, 0], 3)
    assert X.shape == (9, 3, 1) and y[:, 0].tolist() == list(range(4, 13))


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda k, v: windows(k, v[:, 0][:-1], v[:, 0][3:]), "no feature axis"),
        (lambda k, v: windows(k, v[:-1], v[2:]), "horizon 0"),
        (lambda k, v: windows(k, v[:-1], v[4:]), "You made 8 windows"),
        (lambda k, v: windows(k, v[:-1], v[3:] + 1), "the step after each"),
        (lambda k, v: windows(k, v[:-2], v[3:], sequence_length=2), "hold 2 steps"),
        (lambda k, v: windows(k, v[:-1], v[3:], batch_size=8), "batch_size=4"),
        (lambda k, v: windows(k, v, None), "pair (windows, targets)"),
    ],
)
def test_lesson_05_mistakes_get_their_hint(keras, make, words):
    result = lesson_05.check_windows(make(keras, column()))
    assert not result.ok and words in result.message, result.message


def deeper(keras, sequences=(True, True, False), units=128, shape=(20, 1)):
    return keras.Sequential(
        [keras.Input(shape=shape)]
        + [keras.layers.LSTM(units, return_sequences=s) for s in sequences]
        + [keras.layers.Dense(1)]
    )


def test_lesson_06_the_deeper_stack_passes_with_keras_count(keras):
    model = deeper(keras)
    result = lesson_06.check_deeper_stack(model)
    assert result.ok and f"{model.count_params():,}" in result.message
    assert (
        model.count_params()
        == models.total_params(lesson_06.DEEPER)
        == shapes.lstm_params(1, 128) + 2 * shapes.lstm_params(128, 128) + 129
    )


def test_lesson_06_mistakes_get_their_hint(keras):
    cases = [
        (deeper(keras, shape=(1, 20)), "keras.Input(shape=(20, 1))"),
        (deeper(keras, sequences=(True, False)), "2 LSTM layer(s)"),
        (deeper(keras, units=32), "each should have 128"),
        (keras.Sequential([keras.layers.LSTM(128)]), "does not know its input"),
    ]
    for model, words in cases:
        result = lesson_06.check_deeper_stack(model)
        assert not result.ok and words in result.message, result.message


def seed_stack(keras, batch_shape=(32, 8, 16), stateful=True):
    first = keras.Input(batch_shape=batch_shape) if batch_shape[0] else keras.Input(shape=batch_shape[1:])
    layers = [keras.layers.LSTM(32, return_sequences=s, stateful=stateful) for s in (True, True, False)]
    return keras.Sequential([first, *layers, keras.layers.Dense(10)])


def test_lesson_07_the_seed_stack_passes_and_is_the_courses(keras):
    model = seed_stack(keras)
    result = lesson_07.check_seed_stack(model)
    assert result.ok and f"{models.total_params(SEED_STACK):,} parameters" in result.message
    assert model.count_params() == models.build(SEED_STACK).count_params()


def test_lesson_07_mistakes_get_their_hint(keras):
    assert (
        "batch size is open"
        in lesson_07.check_seed_stack(seed_stack(keras, batch_shape=(None, 8, 16), stateful=False)).message
    )
    assert "stateful=True" in lesson_07.check_seed_stack(seed_stack(keras, stateful=False)).message
    assert "(32, 8, 16)" in lesson_07.check_seed_stack(seed_stack(keras, batch_shape=(16, 8, 32))).message


def sensor_model(keras):
    return keras.Sequential([keras.Input(shape=(20, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])


def test_lesson_08_the_transpose_passes_and_the_reshape_is_caught(keras):
    readings = np.random.default_rng(0).normal(size=(6, 3, 20)).astype("float32")
    model = sensor_model(keras)
    assert lesson_08.check_step_order(np.transpose(readings, (0, 2, 1)), readings, model).ok
    wrong = lesson_08.check_step_order(readings.reshape(6, 20, 3), readings, model)
    assert not wrong.ok and "a reshape keeps the stored order" in wrong.message
    assert "has shape (6, 3, 20)" in lesson_08.check_step_order(readings, readings, model).message


def test_every_check_says_not_yet_to_the_placeholder_and_never_raises(keras):
    readings = np.zeros((2, 3, 20), "float32")
    model = sensor_model(keras)
    checks = [
        lesson_05.check_windows,
        lesson_06.check_deeper_stack,
        lesson_07.check_seed_stack,
        lambda value: lesson_08.check_step_order(value, readings, model),
        lesson_09.check_translation,
        lambda value: lesson_09.check_co2_model(value, None),
    ]
    for check in checks:
        assert check(...) == Result(False, PLACEHOLDER_HINT)
        for odd in ODD_INPUTS:
            result = check(odd)
            assert isinstance(result, Result) and not result.ok and result.message
