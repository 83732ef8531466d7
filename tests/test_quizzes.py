"""The self-checks of lessons 00-04: each right answer is accepted, each anticipated mistake gets
its own hint, and every answer is computed from Keras, never stored."""

from __future__ import annotations

from course.quizzes.spec import GENERIC_HINT, QuizSpec
from widgets import Quiz


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
