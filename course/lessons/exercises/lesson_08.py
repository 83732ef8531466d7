"""Lesson 08's exercise: put sensor-by-sensor readings into the order an LSTM reads."""

from __future__ import annotations

import numpy as np

from course.lessons.exercises import PLACEHOLDER_HINT, Result, is_placeholder
from course.lessons.exercises.guard import never_raises

__all__ = ["check_step_order"]


@never_raises
def check_step_order(fixed, readings, model) -> Result:
    """Grade the learner's fix of ``readings`` ``(samples, sensors, steps)`` for ``model``, which
    reads ``(samples, steps, sensors)``: the shape, where the values went, and Keras's own verdict."""
    if is_placeholder(fixed):
        return Result(False, PLACEHOLDER_HINT)
    if not hasattr(fixed, "shape"):
        return Result(
            False,
            f"That is a {type(fixed).__name__}; give an array built from readings, for example with np.transpose.",
        )
    fixed = np.asarray(fixed)
    readings = np.asarray(readings)
    samples, sensors, steps = readings.shape
    wanted = np.transpose(readings, (0, 2, 1))
    if fixed.shape != wanted.shape:
        return Result(
            False,
            f"Your array has shape {fixed.shape}; the model reads {(samples, steps, sensors)}: "
            f"{steps} steps of {sensors} sensors per sample.",
        )
    if np.array_equal(fixed, readings.reshape(samples, steps, sensors)) and not np.array_equal(fixed, wanted):
        return Result(
            False,
            "The shape is right but the values are in the wrong places: a reshape keeps the stored order, "
            "so the first 'step' holds readings of sensor 1 only. Swap the axes instead.",
        )
    if not np.array_equal(fixed, wanted):
        return Result(
            False,
            "The shape is right but the values are not where they should be: step t of a sample must hold "
            "the readings of every sensor at step t.",
        )
    predictions = model.predict(fixed, verbose=0)
    return Result(
        True, f"Right: {fixed.shape}, each step holds all {sensors} sensors, and Keras predicts {predictions.shape}."
    )
