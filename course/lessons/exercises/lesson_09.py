"""Lesson 09's exercise: translate a Keras 2 model into Keras 3."""

from __future__ import annotations

from course import shapes
from course.lessons.exercises import Result
from course.lessons.exercises.guard import never_raises, unbuilt_answer

__all__ = ["KERAS2_MODEL", "check_translation"]

KERAS2_MODEL = (
    "model = Sequential()\n"
    "model.add(LSTM(16, input_shape=(24, 4), return_sequences=True))\n"
    "model.add(GRU(8))\n"
    "model.add(Dense(1))\n"
)


@never_raises
def check_translation(model) -> Result:
    """Grade the learner's Keras 3 version of :data:`KERAS2_MODEL` against Keras's own counts."""
    unbuilt = unbuilt_answer(model, "keras.Input(shape=(24, 4))")
    if unbuilt is not None:
        return unbuilt
    input_shape = tuple(model.input_shape)
    if input_shape != (None, 24, 4):
        return Result(
            False,
            f"The model reads {input_shape}; input_shape=(24, 4) becomes keras.Input(shape=(24, 4)), which reads (None, 24, 4).",
        )
    kinds = [type(layer).__name__ for layer in model.layers]
    if kinds != ["LSTM", "GRU", "Dense"]:
        return Result(
            False, f"The layers are {kinds}; the Keras 2 model has an LSTM, a GRU and a Dense layer, in that order."
        )
    lstm, gru, dense = model.layers
    if (lstm.units, gru.units, dense.units) != (16, 8, 1):
        return Result(
            False, f"The layers have {lstm.units}, {gru.units} and {dense.units} units; the original has 16, 8 and 1."
        )
    if not lstm.return_sequences:
        return Result(False, "The LSTM must keep return_sequences=True: the GRU after it reads a whole sequence.")
    expected = shapes.lstm_params(4, 16) + shapes.gru_params(16, 8) + shapes.dense_params(8, 1)
    if model.count_params() != expected:
        return Result(False, f"Keras counts {model.count_params():,} parameters, not {expected:,}.")
    return Result(
        True,
        f"Right: the same model in Keras 3, {expected:,} parameters by Keras's count, and no warning about input_shape=.",
    )
