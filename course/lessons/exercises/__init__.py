"""The lessons' code-writing exercises, one module per lesson (``course.lessons.exercises.lesson_01`` ...).

The learner writes a line in a cell that ships with a placeholder (``...``); the next cell calls a
``check_...`` function from the lesson's module, which grades the learner's value against Keras
and returns a :class:`Result`: whether it is right, and a friendly message saying what to change.
A check never raises, whatever it is given: a placeholder gets a "not yet", anything else a hint.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Result", "PLACEHOLDER_HINT", "is_placeholder", "layer_input_argument"]

PLACEHOLDER_HINT = (
    "Not yet: replace the ... in the cell above with your answer, run that cell, then run this one again."
)


@dataclass(frozen=True)
class Result:
    """A check's verdict: ``ok`` and the message shown to the learner."""

    ok: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:  # what a notebook shows when the check is a cell's last line
        return self.message


def is_placeholder(value) -> bool:
    """Whether the learner has left the exercise's placeholder (``...``) in place."""
    return value is Ellipsis


def layer_input_argument(model) -> tuple | None:
    """The input shape a layer of ``model`` was given itself, the Keras 2 way (``input_dim=8`` or
    ``input_shape=(8,)``: Keras 3 warns, then keeps it as the layer's input shape), or None where
    the model declares its input with ``keras.Input``."""
    for layer in getattr(model, "layers", ()):
        argument = getattr(layer, "_input_shape_arg", None)
        if argument is not None:
            return tuple(argument)
    return None
