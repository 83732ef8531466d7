"""The self-checks of lessons 00-04: each right answer is accepted, each anticipated mistake gets
its own hint, and every answer is computed from Keras, never stored."""

from __future__ import annotations

import pytest

from course import models, shapes, training
from course.lessons.quizzes import lesson_00, lesson_01, lesson_02, lesson_03, lesson_04
from course.lessons.quizzes.spec import GENERIC_HINT, QuizSpec
from widgets import BatchExplorer, Quiz, SequenceExplorer, ShapeExplorer, TrainingLab

pytestmark = pytest.mark.widgets


def test_a_spec_grades_a_guess_and_names_the_anticipated_mistake():
    spec = QuizSpec("How many?", lambda: 4, "because", mistakes=lambda: {3: "off by one", 4: "never shown"})
    assert spec.grade(4).correct
    assert spec.grade(3).hint == "off by one"
    assert spec.grade(7).hint == GENERIC_HINT
    assert spec.hints() == {3: "off by one"}, "the right answer is never listed as a mistake"


def test_the_widget_shows_the_hint_for_that_mistake():
    quiz = Quiz.from_spec(QuizSpec("How many?", lambda: 4, mistakes={3: "You counted one too few."}))
    assert not quiz.check(3)
    assert "one too few" in quiz.feedback.value
    assert not quiz.check(9)
    assert "Not quite" in quiz.feedback.value
    assert quiz.check(4) and "Right: 4" in quiz.feedback.value


def test_the_widget_grades_with_its_spec_and_a_failing_hint_never_breaks_the_check():
    quiz = Quiz("How many?", lambda: 4, "because", mistakes=lambda: {}[0])
    assert not quiz.check(3) and quiz.attempts == 1 and GENERIC_HINT in quiz.feedback.value
    assert quiz.spec.grade(4).correct and quiz.check(4) and "Right: 4. because" in quiz.feedback.value


# The lessons' quizzes, on live widgets: the right answer is accepted, each anticipated mistake
# gets its own hint (never the generic one), and the answer is Keras's.


def assert_hints_are_specific(spec):
    hints = spec.hints()
    assert hints, "the quiz anticipates at least one mistake"
    for guess, hint in hints.items():
        verdict = spec.grade(guess)
        assert not verdict.correct and verdict.hint == hint != GENERIC_HINT
    truth = spec.answer()
    assert spec.grade(truth).correct
    return truth


def test_lesson_00_one_more_feature_is_the_units():
    explorer = ShapeExplorer(controls=("features", "units"), features=4, units=10)
    spec = lesson_00.one_more_feature(explorer)
    assert assert_hints_are_specific(spec) == 10
    assert "bias" in spec.grade(11).hint  # the bias mistake
    quiz = Quiz.from_spec(spec)
    assert quiz.check(10) and not quiz.check(11) and "bias" in quiz.feedback.value


@pytest.mark.parametrize("features, units, n_layers, batch_size", [(3, 8, 1, 5), (16, 32, 2, 4), (1, 1, 3, 1)])
def test_lesson_01_parameters_is_count_params(features, units, n_layers, batch_size):
    explorer = ShapeExplorer(features=features, units=units, n_layers=n_layers, batch_size=batch_size)
    spec = lesson_01.parameters(explorer)
    truth = assert_hints_are_specific(spec)
    assert truth == explorer.model.count_params() == models.total_params(explorer.spec)
    without_biases = truth - (units * n_layers + 1)
    assert "biases" in spec.grade(without_biases).hint
    if batch_size > 1:
        assert "batch size multiplies nothing" in spec.grade(truth * batch_size).hint


def test_lesson_02_iterations_come_from_the_batches_keras_ran():
    explorer = BatchExplorer(n_samples=50, batch_size=8, shuffle=False, epochs=2)
    spec = lesson_02.iterations(explorer)
    assert assert_hints_are_specific(spec) == 7 == shapes.iterations_per_epoch(50, 8)
    assert "rounded down" in spec.grade(6).hint
    assert "all 2 epochs" in spec.grade(14).hint


def test_lesson_02_fifty_rows_in_batches_of_seven_hints_each_slip():
    """The rounded-down count equals the batch size here: its hint names both slips, each true."""
    explorer = BatchExplorer(n_samples=50, batch_size=7, shuffle=False, epochs=1)
    spec = lesson_02.iterations(explorer)
    assert assert_hints_are_specific(spec) == 8 == shapes.iterations_per_epoch(50, 7)
    hint = spec.grade(7).hint
    assert "two slips" in hint and "7 is the batch size" in hint and "the 1 row left over" in hint
    quiz = Quiz.from_spec(spec)
    assert not quiz.check(7.14) and "Round up" in quiz.feedback.value
    assert quiz.check(8)


@pytest.fixture(scope="module")
def lab():
    lab = TrainingLab(n_samples=200, seed=0)
    lab.epochs = 2
    return lab


def test_lesson_03_most_updates_is_read_from_the_optimizer(lab):
    spec = lesson_03.most_updates(lab, [8, 32, lab.n_train])
    assert assert_hints_are_specific(spec) == spec.options[0] == "batch 8 (mini-batch)"
    assert "fewest" in spec.grade(spec.options[-1]).hint
    curves = lab.compare(batch_sizes=[8, 32, lab.n_train])
    assert max(curves, key=lambda c: c.updates[-1]).batch_size == 8


def test_lesson_03_updates_per_epoch_matches_keras(lab):
    lab.batch_size = 30
    spec = lesson_03.updates_per_epoch(lab)
    truth = assert_hints_are_specific(spec)
    X_train, y_train, _, _ = lab.split
    assert truth == training.run_epochs(X_train, y_train, batch_size=30, epochs=1).batches_run[0] == 4
    assert "rounded down" in spec.grade(3).hint and "its own update" in spec.grade(3).hint
    assert "counts all 2 epochs" in spec.grade(8).hint


def test_lesson_04_quizzes_read_real_recurrent_models():
    explorer = SequenceExplorer(n_samples=8, timesteps=3, features=2, units=4, layer="LSTM")
    steps = lesson_04.steps(explorer)
    assert assert_hints_are_specific(steps) == 3
    assert "features" in steps.grade(2).hint
    params = lesson_04.layer_parameters(explorer)
    truth = assert_hints_are_specific(params)
    assert truth == explorer.model.get_layer("hidden_1").count_params() == shapes.lstm_params(2, 4)
    assert "one block" in params.grade(truth // 4).hint and "timesteps multiply nothing" in params.grade(truth * 3).hint
    layout = lesson_04.layout()
    assert assert_hints_are_specific(layout) == lesson_04.LAYOUTS[1]
    assert "(N, 3, 1)" in layout.grade(lesson_04.LAYOUTS[0]).hint


def test_a_multiple_choice_quiz_from_a_spec_names_the_mistake_in_the_widget():
    quiz = Quiz.from_spec(lesson_04.layout())
    assert list(quiz.entry.options) == list(lesson_04.LAYOUTS)
    quiz.entry.value = lesson_04.LAYOUTS[2]
    assert not quiz.check() and "every unit has a weight from every feature" in quiz.feedback.value
    quiz.entry.value = lesson_04.LAYOUTS[1]
    assert quiz.check() and "Right" in quiz.feedback.value
