"""The lessons' code-writing exercises, one module per lesson (``course.exercises.lesson_05`` ...).

The learner writes a line in a lesson's exercise cell, replacing the ``...`` placeholder; the next
cell calls a ``check_...`` function from here, which grades it against Keras and returns a
:class:`Result`. A checker never raises: the placeholder left in place, a wrong type or a model
that fails to run all come back as a friendly "not yet" with what to change.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Result", "PLACEHOLDER_HINT", "is_placeholder"]

PLACEHOLDER_HINT = "Replace the ... in the exercise cell with your answer, run that cell, then run this one again."


def is_placeholder(value) -> bool:
    """Whether the learner left the exercise cell's ``...`` in place."""
    return value is Ellipsis


@dataclass(frozen=True)
class Result:
    """A checker's verdict: ``ok`` and the ``message`` for the learner."""

    ok: bool
    message: str

    def __str__(self) -> str:
        return self.message if self.ok else f"Not yet. {self.message}"

    def __repr__(self) -> str:
        return str(self)
