"""Quiz: predict, then reveal, graded against the live model or run."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as W
import traitlets

from course.lessons.quizzes import lesson_01, lesson_02
from course.lessons.quizzes.spec import QuizSpec
from widgets._base import show_message
from widgets._lifecycle import register


class Quiz(W.VBox):
    """A predict-then-reveal self-check.

    ``question`` is text (or a function returning text, read at every check so it follows a
    widget's live state); ``answer`` is a function computing the true answer from the real model
    or run when the learner checks, never a stored key; ``explanation`` is text or a function of
    the answer. With ``options`` the learner picks one; otherwise they type a whole number.
    ``mistakes`` (a dict, or a function returning one, read at every check) maps the wrong answers a
    learner is likely to give to a hint aimed at each; other wrong answers get a generic nudge.
    Lessons build quizzes from a ``course.lessons.quizzes`` spec with :meth:`from_spec`.
    """

    guess = traitlets.Any(None, help="the learner's current prediction")
    attempts = traitlets.Int(0, help="how many times the learner has checked")
    correct = traitlets.Bool(False, help="whether the last check was right")
    revealed = traitlets.Bool(False, help="whether the answer has been shown")

    def __init__(self, question, answer: Callable, explanation=None, options=None, mistakes=None, **kwargs):
        super().__init__(**kwargs)
        register(self)
        self.options = options
        # what to ask, the answer and the hints: the spec grades every guess, the widget shows it
        self.spec = QuizSpec(question, answer, explanation, tuple(options) if options else None, mistakes)
        self.prompt = W.HTML()
        if options:
            self.entry = W.RadioButtons(options=list(options), value=None, layout=W.Layout(width="auto"))
        else:
            self.entry = W.Text(placeholder="your prediction", layout=W.Layout(width="12em"))
        self.entry.observe(self._typed, names="value")
        self.check_button = W.Button(description="Check", icon="check")
        self.reveal_button = W.Button(description="Reveal the answer", icon="eye")
        self.check_button.on_click(lambda _b: self.check())
        self.reveal_button.on_click(lambda _b: self.reveal())
        self.feedback = W.HTML()
        self.children = [self.prompt, W.HBox([self.entry, self.check_button, self.reveal_button]), self.feedback]
        self.layout.border = "1px solid #9ecae1"
        self.layout.padding = "6px"
        self._show_question()

    @classmethod
    def from_spec(cls, spec: QuizSpec, **kwargs) -> Quiz:
        """The quiz a ``course.lessons.quizzes`` function describes."""
        options = list(spec.options) if spec.options else None
        return cls(spec.question, spec.answer, spec.explanation, options=options, mistakes=spec.mistakes, **kwargs)

    def _typed(self, change):
        text = change["new"]
        if self.options:
            self.guess = text
            return
        try:
            self.guess = int(str(text).replace(",", "").replace("_", "").strip())
        except ValueError:
            self.guess = None
            if str(text).strip():
                show_message(self.feedback, f"{text!r} is not a whole number: type digits only.", "info")

    def _show_question(self):
        self.prompt.value = f"<b>Predict:</b> {html.escape(self.spec.ask())}"

    def answer(self):
        """The true answer, computed now from the live model or run."""
        return self.spec.answer()

    def _cannot_answer(self, exc: Exception) -> None:
        show_message(self.feedback, f"The answer cannot be computed for this setting: {exc}", "problem")

    def check(self, guess=None) -> bool:
        """Grade ``guess`` (or the one typed in) against the live answer."""
        self._show_question()
        if guess is not None:
            self.guess = guess
        if self.guess is None:
            show_message(self.feedback, "Make a prediction first, then check it.", "info")
            return False
        try:
            verdict = self.spec.grade(self.guess)
        except Exception as exc:  # noqa: BLE001 - explained, never a traceback
            self._cannot_answer(exc)
            return False
        self.attempts += 1
        self.correct = verdict.correct
        if self.correct:
            show_message(self.feedback, f"Right: {verdict.answer}. {self.spec.explain(verdict.answer)}", "ok")
        else:
            show_message(self.feedback, verdict.hint, "problem")
        return self.correct

    def reveal(self):
        """Show the live answer and why."""
        self._show_question()
        try:
            truth = self.answer()
        except Exception as exc:  # noqa: BLE001 - explained, never a traceback
            self._cannot_answer(exc)
            return None
        self.revealed = True
        show_message(self.feedback, f"Answer: {truth}. {self.spec.explain(truth)}", "info")
        return truth

    # Questions every lesson can ask of a live widget.

    @classmethod
    def parameters(cls, explorer, **kwargs) -> Quiz:
        """How many parameters the explorer's current model has, graded by ``count_params()``."""
        return cls.from_spec(lesson_01.parameters(explorer), **kwargs)

    @classmethod
    def iterations(cls, explorer, **kwargs) -> Quiz:
        """How many batches one epoch makes, graded by the batches Keras really ran."""
        return cls.from_spec(lesson_02.iterations(explorer), **kwargs)
