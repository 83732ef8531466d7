"""Quiz: predict, then reveal, graded against the live model or run."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as W
import traitlets

from course.quizzes import lesson_01, lesson_02
from course.quizzes.spec import GENERIC_HINT, QuizSpec
from widgets._base import show_message
from widgets._lifecycle import register


def _value(item):
    return item() if callable(item) else item


class Quiz(W.VBox):
    """A predict-then-reveal self-check.

    ``question`` is text (or a function returning text, read at every check so it follows a
    widget's live state); ``answer`` is a function computing the true answer from the real model
    or run when the learner checks, never a stored key; ``explanation`` is text or a function of
    the answer. With ``options`` the learner picks one; otherwise they type a whole number.
    ``mistakes`` (a dict, or a function returning one, read at every check) maps the wrong answers a
    learner is likely to give to a hint aimed at each; other wrong answers get a generic nudge.
    Lessons build quizzes from a ``course.quizzes`` spec with :meth:`from_spec`.
    """

    guess = traitlets.Any(None, help="the learner's current prediction")
    attempts = traitlets.Int(0, help="how many times the learner has checked")
    correct = traitlets.Bool(False, help="whether the last check was right")
    revealed = traitlets.Bool(False, help="whether the answer has been shown")

    def __init__(self, question, answer: Callable, explanation=None, options=None, mistakes=None, **kwargs):
        super().__init__(**kwargs)
        register(self)
        self._question, self._answer, self._explanation, self.options = question, answer, explanation, options
        self._mistakes = mistakes
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
        """The quiz a ``course.quizzes`` function describes."""
        options = list(spec.options) if spec.options else None
        return cls(spec.question, spec.answer, spec.explanation, options=options, mistakes=spec.mistakes, **kwargs)

    def hint(self, guess) -> str:
        """What to say to a wrong ``guess``: the hint aimed at that mistake, if anticipated."""
        try:
            found = dict(_value(self._mistakes) or {})
        except Exception:  # noqa: BLE001 - a hint must never break the check
            found = {}
        return found.get(guess, GENERIC_HINT)

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
        self.prompt.value = f"<b>Predict:</b> {html.escape(str(_value(self._question)))}"

    def answer(self):
        """The true answer, computed now from the live model or run."""
        return self._answer()

    def _explain(self, answer) -> str:
        if self._explanation is None:
            return ""
        return self._explanation(answer) if callable(self._explanation) else str(self._explanation)

    def check(self, guess=None) -> bool:
        """Grade ``guess`` (or the one typed in) against the live answer."""
        self._show_question()
        if guess is not None:
            self.guess = guess
        if self.guess is None:
            show_message(self.feedback, "Make a prediction first, then check it.", "info")
            return False
        try:
            truth = self.answer()
        except Exception as exc:  # noqa: BLE001 - explained, never a traceback
            show_message(self.feedback, f"The answer cannot be computed for this setting: {exc}", "problem")
            return False
        self.attempts += 1
        self.correct = self.guess == truth
        if self.correct:
            show_message(self.feedback, f"Right: {truth}. {self._explain(truth)}", "ok")
        else:
            show_message(self.feedback, self.hint(self.guess), "problem")
        return self.correct

    def reveal(self):
        """Show the live answer and why."""
        self._show_question()
        try:
            truth = self.answer()
        except Exception as exc:  # noqa: BLE001
            show_message(self.feedback, f"The answer cannot be computed for this setting: {exc}", "problem")
            return None
        self.revealed = True
        show_message(self.feedback, f"Answer: {truth}. {self._explain(truth)}", "info")
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
