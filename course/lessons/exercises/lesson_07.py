"""Lesson 07's exercise: the seed's stateful stack, three LSTM(32) on batches of (32, 8, 16),
with a Dense(10), written the Keras 3 way."""

from __future__ import annotations

from course import models
from course.experiments.stateful import SEED_STACK
from course.lessons.exercises import Result
from course.lessons.exercises.guard import never_raises, unbuilt_answer

__all__ = ["check_seed_stack", "RETURNS_SEQUENCES"]


RETURNS_SEQUENCES = (True, True, False)  # the first two hand every step on, the last only its last step
DENSE_ACTIVATIONS = ("linear", "softmax")  # Dense(10) as the task writes it, or as the FAQ wrote it


def _computing_layers(model) -> list:
    """The model's layers without its ``InputLayer`` (a functional model lists it, a Sequential does not)."""
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


@never_raises
def check_seed_stack(model) -> Result:
    """Grade the learner's stateful stack against the seed's, built by the course and counted by Keras.

    Accepted: ``keras.Input(batch_shape=(32, 8, 16))`` (or ``shape=(8, 16), batch_size=32``), then
    exactly three ``LSTM(32, stateful=True)``, the first two with ``return_sequences=True`` and the
    last without, then ``Dense(10)`` (no activation, or the FAQ's softmax), Sequential or functional.
    """
    unbuilt = unbuilt_answer(model, "keras.Input(batch_shape=(32, 8, 16))")
    if unbuilt is not None:
        return unbuilt
    input_shape = tuple(model.input_shape)
    if input_shape[0] is None:
        return Result(
            False,
            f"The model reads {input_shape}: its batch size is open. A stateful model needs its batch size fixed "
            "when it is built: keras.Input(batch_shape=(32, 8, 16)).",
        )
    if input_shape != (32, 8, 16):
        return Result(
            False,
            f"The model reads {input_shape}; the seed's batches are (32, 8, 16): 32 sequences of 8 steps of 16 features.",
        )
    layers = _computing_layers(model)
    kinds = [type(layer).__name__ for layer in layers]
    if kinds != ["LSTM", "LSTM", "LSTM", "Dense"]:
        return Result(
            False,
            f"The model's layers are {kinds}; the seed's stack is exactly three LSTM layers and a Dense, in that order.",
        )
    lstms, dense = layers[:3], layers[3]
    if [layer.units for layer in lstms] != [32] * 3:
        return Result(
            False,
            f"The model has LSTM layers of {[layer.units for layer in lstms]} units; the seed stacks three LSTM(32).",
        )
    if not all(layer.stateful for layer in lstms):
        return Result(
            False, "Not every LSTM is stateful: give each one stateful=True so it carries its state to the next batch."
        )
    returns = tuple(bool(layer.return_sequences) for layer in lstms)
    if returns != RETURNS_SEQUENCES:
        if returns[2]:
            return Result(
                False,
                "The last LSTM has return_sequences=True, so it hands the Dense every step, (32, 8, 32), and the "
                "model answers once per step. Leave it out on the last LSTM (False is the default): it hands on "
                "only its last step, (32, 32).",
            )
        return Result(
            False,
            f"The LSTMs' return_sequences are {list(returns)}: the first two must be True, so that the next LSTM "
            "gets a whole sequence, and the last False.",
        )
    if any(layer.go_backwards for layer in lstms):
        return Result(False, "An LSTM has go_backwards=True: the seed's layers read the steps in their order.")
    if dense.units != 10:
        return Result(False, f"The last layer is Dense({dense.units}); the seed ends in Dense(10).")
    activation = getattr(dense.activation, "__name__", str(dense.activation))
    if activation not in DENSE_ACTIVATIONS:
        return Result(
            False,
            f"The Dense(10) has activation {activation!r}; the task's Dense(10) has none (the FAQ used softmax, which "
            "is fine too).",
        )
    if tuple(model.output_shape) != (32, 10):
        return Result(False, f"The model's output is {model.output_shape}; the seed ends in Dense(10): (32, 10).")
    counted, expected = model.count_params(), models.total_params(SEED_STACK)
    if counted != expected:
        return Result(False, f"Keras counts {counted:,} parameters, not {expected:,}: check for extra layers.")
    return Result(
        True,
        f"Right: batches of (32, 8, 16), three stateful LSTM(32) (the first two returning every step) and a "
        f"Dense(10), {counted:,} parameters by Keras's count. Train it on a number of sequences that 32 divides, "
        "with shuffle=False.",
    )
