"""The lessons' code-writing exercises, one module per lesson (``course.exercises.lesson_05`` ...).

The learner writes a line in a lesson's exercise cell; the next cell calls a ``check_...``
function from here, which grades it against Keras and returns a :class:`Feedback`. A checker never
raises: a placeholder left in place, a wrong type or a model that fails to run all come back as a
friendly "not yet" with what to change.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

__all__ = ["Feedback", "passed", "not_yet", "never_raises"]


@dataclass(frozen=True)
class Feedback:
    """A checker's verdict: ``passed`` and the ``message`` for the learner."""

    passed: bool
    message: str

    def __str__(self) -> str:
        return ("Well done: " if self.passed else "Not yet: ") + self.message

    def __repr__(self) -> str:
        return str(self)


def passed(message: str) -> Feedback:
    return Feedback(True, message)


def not_yet(message: str) -> Feedback:
    return Feedback(False, message)


def never_raises(check):
    """Turn anything a checker did not foresee into a friendly "not yet" instead of a traceback."""

    @functools.wraps(check)
    def guarded(*args, **kwargs) -> Feedback:
        try:
            return check(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a learner's answer must never end in a traceback
            return not_yet(f"checking your answer raised {type(exc).__name__}: {exc}. Read the task again and rerun your cell.")

    return guarded
