"""A quiz as a value: what to ask, how to compute the answer, and what to say to each likely mistake.

``QuizSpec`` holds functions, not answers: ``answer()`` computes the truth from the live model or
run at the moment the learner checks, and ``mistakes()`` computes, for the same moment, the wrong
answers a learner is likely to give, each with the hint aimed at it. ``grade`` turns a guess into a
``Verdict`` the widget renders; nothing here imports ipywidgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["GENERIC_HINT", "QuizSpec", "Verdict"]

GENERIC_HINT = "Not quite. Think again, or reveal the answer."


def _value(item):
    return item() if callable(item) else item


@dataclass(frozen=True)
class Verdict:
    """The result of checking one guess: ``correct``, the true ``answer`` and the ``hint`` for a
    wrong guess (the one aimed at that mistake where it was anticipated, else a generic one)."""

    correct: bool
    answer: Any
    hint: str


@dataclass(frozen=True)
class QuizSpec:
    """One self-check.

    ``question``: text, or a function returning it (read at every check, so it follows a widget).
    ``answer``: a function computing the true answer now, from the live model or run.
    ``explanation``: text, or a function of the answer, shown with a right answer or a reveal.
    ``options``: the choices, for a multiple-choice quiz; ``None`` for a whole-number answer.
    ``mistakes``: a function returning ``{wrong answer: hint}`` for the mistakes a learner is likely
    to make in the current state (a dict is accepted too, for fixed options).
    """

    question: str | Callable[[], str]
    answer: Callable[[], Any]
    explanation: str | Callable[[Any], str] | None = None
    options: tuple[str, ...] | None = None
    mistakes: dict | Callable[[], dict] | None = None

    def ask(self) -> str:
        return str(_value(self.question))

    def explain(self, answer) -> str:
        if self.explanation is None:
            return ""
        return self.explanation(answer) if callable(self.explanation) else str(self.explanation)

    def _anticipated(self) -> dict:
        """The hints as given, read so that a failure to compute them leaves the guess with the
        generic hint: a hint must never break the check."""
        try:
            return dict(_value(self.mistakes) or {})
        except Exception:  # noqa: BLE001 - a hint must never break the check
            return {}

    def hints(self) -> dict:
        """The anticipated wrong answers and their hints, computed now (the right answer never
        appears among them, even where a setting makes a mistake coincide with it)."""
        found = self._anticipated()
        truth = self.answer()
        return {guess: hint for guess, hint in found.items() if guess != truth}

    def grade(self, guess) -> Verdict:
        """Check ``guess`` against the answer computed now."""
        truth = self.answer()
        if guess == truth:
            return Verdict(True, truth, "")
        found = self._anticipated()
        return Verdict(False, truth, found.get(guess, GENERIC_HINT))
