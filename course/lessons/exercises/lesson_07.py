"""Lesson 07's exercise: the seed's stateful stack, three LSTM(32) on batches of (32, 8, 16),
with a Dense(10), written the Keras 3 way."""

from __future__ import annotations

from course import models
from course.experiments.stateful import SEED_STACK
from course.lessons.exercises import Result
from course.lessons.exercises.guard import never_raises, unbuilt_answer

__all__ = ["check_seed_stack"]


@never_raises
def check_seed_stack(model) -> Result:
    """Grade the learner's stateful stack against the seed's, built by the course and counted by Keras."""
    unbuilt = unbuilt_answer(model, "keras.Input(batch_shape=(32, 8, 16))")
    if unbuilt is not None:
        return unbuilt
    input_shape = tuple(model.input_shape)
    if input_shape[0] is None:
        return Result(
            False,
            f"The model reads {input_shape}: its batch size is open. A stateful model needs the whole batch "
            "shape, keras.Input(batch_shape=(32, 8, 16)).",
        )
    if input_shape != (32, 8, 16):
        return Result(
            False,
            f"The model reads {input_shape}; the seed's batches are (32, 8, 16): 32 sequences of 8 steps of 16 features.",
        )
    lstms = [layer for layer in model.layers if type(layer).__name__ == "LSTM"]
    if len(lstms) != 3 or [layer.units for layer in lstms] != [32] * 3:
        return Result(
            False,
            f"The model has LSTM layers of {[layer.units for layer in lstms]} units; the seed stacks three LSTM(32).",
        )
    if not all(layer.stateful for layer in lstms):
        return Result(
            False, "Not every LSTM is stateful: give each one stateful=True so it carries its state to the next batch."
        )
    if tuple(model.output_shape) != (32, 10):
        return Result(False, f"The model's output is {model.output_shape}; the seed ends in Dense(10): (32, 10).")
    counted, expected = model.count_params(), models.total_params(SEED_STACK)
    if counted != expected:
        return Result(False, f"Keras counts {counted:,} parameters, not {expected:,}: check for extra layers.")
    return Result(
        True,
        f"Right: batches of (32, 8, 16), three stateful LSTM(32) and a Dense(10), {counted:,} parameters by "
        "Keras's count. Train it on a number of sequences that 32 divides, with shuffle=False.",
    )
