"""The self-checks of lessons 05-09: each right answer is accepted, each anticipated mistake gets
its own hint (never the generic one), and every answer is computed from Keras or the live widget."""

from __future__ import annotations

import pytest

from course import data, shapes
from course.lessons.quizzes import lesson_05, lesson_06, lesson_07, lesson_08, lesson_09
from course.lessons.quizzes.spec import GENERIC_HINT
from widgets import Quiz, StatefulExplorer, UnitsExplorer, WindowExplorer

pytestmark = pytest.mark.widgets


def assert_specific(spec, at_least: int = 1):
    truth = spec.answer()
    assert spec.grade(truth).correct
    hints = spec.hints()
    assert len(hints) >= at_least, "the quiz anticipates the likely mistakes"
    for guess, hint in hints.items():
        verdict = spec.grade(guess)
        assert not verdict.correct and verdict.hint == hint and hint != GENERIC_HINT
    return truth, hints


@pytest.mark.parametrize(
    "settings", [dict(series="1..10", window=2), dict(series="noisy sine", window=7, horizon=3, stride=2, batch_size=5)]
)
def test_lesson_05_windows_and_batches_follow_the_explorer_and_keras(settings):
    explorer = WindowExplorer(**settings)
    count = lesson_05.window_count(explorer)
    truth, hints = assert_specific(count)
    length = len(explorer.values())
    assert truth == data.count_windows(length, explorer.window, explorer.horizon, explorer.stride)
    assert truth == len(
        data.keras_windows(explorer.values(), explorer.window, explorer.horizon, explorer.stride, batch_size=1)
    )
    if explorer.horizon > 1:
        assert "subtract the horizon" in count.grade((length - explorer.window) // explorer.stride + 1).hint
    batches = lesson_05.batch_count(explorer)
    n_batches, hints = assert_specific(batches)
    assert n_batches == -(-truth // explorer.batch_size)
    if truth % explorer.batch_size:
        assert "rounded down" in batches.grade(truth // explorer.batch_size).hint


@pytest.mark.parametrize("layer, features, units", [("LSTM", 1, 16), ("GRU", 3, 5), ("SimpleRNN", 2, 7)])
def test_lesson_06_parameters_are_keras_count_and_one_gate_is_named(layer, features, units):
    explorer = UnitsExplorer(layer=layer, features=features, units=units, timesteps=10)
    spec = lesson_06.first_layer_params(explorer)
    truth, hints = assert_specific(spec, at_least=3)
    assert truth == explorer.model.get_layer("hidden_1").count_params() == shapes.layer_params(layer, features, units)
    if layer != "SimpleRNN":
        assert "That is one gate" in spec.grade(truth // shapes.gates(layer)).hint
    assert "recurrent weights" in spec.grade(shapes.gates(layer) * (features * units + units)).hint
    if layer == "GRU":
        assert "two biases" in spec.grade(shapes.gru_params(features, units, reset_after=False)).hint
    quiz = Quiz.from_spec(spec)
    assert quiz.check(truth)


def test_lesson_06_units_that_run_is_found_by_running_lstms():
    spec = lesson_06.units_that_run()
    truth, hints = assert_specific(spec, at_least=3)
    assert truth == lesson_06.UNIT_OPTIONS[2]
    assert lesson_06._runs(100) and lesson_06._runs(1)
    assert "every unit reads every feature" in spec.grade(lesson_06.UNIT_OPTIONS[0]).hint


@pytest.mark.parametrize("n_steps, batch_size, timesteps", [(20, 2, 5), (124, 5, 5), (100, 3, 7)])
def test_lesson_07_layout_counts_follow_the_explorer(n_steps, batch_size, timesteps):
    explorer = StatefulExplorer(n_steps=n_steps, batch_size=batch_size, timesteps=timesteps)
    batches = lesson_07.batch_count(explorer)
    truth, _ = assert_specific(batches)
    assert truth == data.stateful_layout(n_steps, batch_size, timesteps).shape[0] == n_steps // (batch_size * timesteps)
    dropped = lesson_07.dropped_steps(explorer)
    lost, _ = assert_specific(dropped, at_least=0)  # a mistake can coincide with the truth for some settings
    assert lost == n_steps - truth * batch_size * timesteps
    if n_steps % timesteps != lost:
        assert "whole chunks" in dropped.grade(n_steps % timesteps).hint


def test_lesson_07_batch_and_features_is_answered_by_stateful_models():
    spec = lesson_07.batch_and_features()
    truth, hints = assert_specific(spec, at_least=2)
    assert truth == lesson_07.M2_OPTIONS[1]
    assert "misreading" in spec.grade(lesson_07.M2_OPTIONS[0]).hint


def test_lesson_08_quizzes_are_graded_on_keras_and_real_arrays():
    silent = lesson_08.silent_axis()
    truth, _ = assert_specific(silent, at_least=2)
    assert truth == lesson_08.SILENT_OPTIONS[1]
    order = lesson_08.reshape_or_transpose()
    truth, _ = assert_specific(order, at_least=2)
    assert truth == lesson_08.ORDER_OPTIONS[1]
    assert "values are not" in order.grade(lesson_08.ORDER_OPTIONS[0]).hint


def test_lesson_09_quizzes_are_keras_counts_and_runs(keras):
    params = lesson_09.lstm_params(4, 16)
    truth, _ = assert_specific(params, at_least=4)
    assert (
        truth
        == keras.Sequential([keras.Input(shape=(7, 4)), keras.layers.LSTM(16)]).count_params()
        == shapes.lstm_params(4, 16)
    )
    assert "one gate block" in params.grade(4 * 16 + 16 * 16 + 16).hint
    spelling = lesson_09.batch_shape_spelling()
    truth, _ = assert_specific(spelling, at_least=2)
    assert truth == lesson_09.SPELLINGS[2]
    assert not lesson_09._fixes_the_batch(lesson_09.SPELLINGS[0]) and not lesson_09._fixes_the_batch(
        lesson_09.SPELLINGS[1]
    )
