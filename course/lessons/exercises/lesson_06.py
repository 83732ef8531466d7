"""Lesson 06's exercise: the deeper model, three LSTM(128) on windows of 20 steps of 1 feature."""

from __future__ import annotations

from course import models, shapes
from course.lessons.exercises import Result
from course.lessons.exercises.guard import never_raises, unbuilt_answer

__all__ = ["DEEPER", "check_deeper_stack"]

DEEPER = models.ModelSpec(layer="LSTM", features=1, units=128, timesteps=20, n_layers=3)


@never_raises
def check_deeper_stack(model) -> Result:
    """Grade the learner's 3 × LSTM(128) -> Dense(1) model on (20, 1) windows against Keras."""
    unbuilt = unbuilt_answer(model, "keras.Input(shape=(20, 1))")
    if unbuilt is not None:
        return unbuilt
    input_shape = tuple(model.input_shape)
    if input_shape[1:] != (20, 1):
        return Result(
            False, f"The model reads {input_shape}; windows of 20 steps of 1 feature are keras.Input(shape=(20, 1))."
        )
    lstms = [layer for layer in model.layers if type(layer).__name__ == "LSTM"]
    if len(lstms) != 3:
        return Result(False, f"The model has {len(lstms)} LSTM layer(s); the deeper model stacks 3.")
    if [layer.units for layer in lstms] != [128] * 3:
        return Result(False, f"The LSTM layers have {[layer.units for layer in lstms]} units; each should have 128.")
    sequences = [bool(layer.return_sequences) for layer in lstms]
    if sequences != [True, True, False]:
        return Result(
            False,
            f"return_sequences is {sequences}. The first two must hand the next layer a whole sequence "
            "(return_sequences=True); the last hands on only its final state.",
        )
    if tuple(model.output_shape)[1:] != (1,):
        return Result(
            False, f"The model's output is {model.output_shape}; end with keras.layers.Dense(1) for one forecast."
        )
    counted, expected = model.count_params(), models.total_params(DEEPER)
    if counted != expected:
        return Result(False, f"Keras counts {counted:,} parameters, not {expected:,}: check for extra layers.")
    return Result(
        True,
        f"Right: Keras counts {counted:,} parameters, {shapes.lstm_params(1, 128):,} + "
        f"{shapes.lstm_params(128, 128):,} + {shapes.lstm_params(128, 128):,} in the LSTMs and "
        f"{shapes.dense_params(128, 1)} in the Dense layer.",
    )
