"""Lesson 01's exercise: the 8 -> 12 -> 8 -> 1 network from a learner's question, in Keras 3."""

from __future__ import annotations

from course.lessons.exercises import Result, layer_input_argument
from course.lessons.exercises.dense_stack import check_dense_stack
from course.lessons.exercises.guard import never_raises

__all__ = ["SEED_WIDTHS", "check_seed_network", "layer_input_argument"]

SEED_WIDTHS = (8, 12, 8, 1)  # 8 features, hidden layers of 12 and 8 units, one output


@never_raises
def check_seed_network(model) -> Result:
    """Grade the learner's Keras 3 model of the 8 -> 12 -> 8 -> 1 network: the right widths,
    Keras's parameter count, and an input declared with ``keras.Input``, not on the first layer."""
    result = check_dense_stack(model, SEED_WIDTHS)
    if not result.ok:
        return result
    argument = layer_input_argument(model)
    if argument is not None:
        return Result(
            False,
            f"The sizes are right, but a layer still declares the input itself (shape {argument}, through "
            "input_dim= or input_shape=): the Keras 2 way that Keras 3 warns about. The task asks for keras.Input: "
            f"start the list with keras.Input(shape=({SEED_WIDTHS[0]},)) and leave input_dim= off the Dense layer.",
        )
    return result
