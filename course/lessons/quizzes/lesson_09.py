"""Lesson 09's self-checks: an LSTM's parameters and the Keras 3 spelling of a fixed batch shape."""

from __future__ import annotations

from course import shapes
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["lstm_params", "SPELLINGS", "batch_shape_spelling"]


def lstm_params(features: int = 4, units: int = 16) -> QuizSpec:
    """An LSTM layer's parameters, counted by Keras."""

    def answer():
        from course._keras import keras as _keras

        keras = _keras()
        return int(
            keras.Sequential(
                [keras.Input(shape=(None, features)), keras.layers.LSTM(units)], name="quiz_lstm"
            ).count_params()
        )

    return QuizSpec(
        question=f"How many parameters has an LSTM({units}) layer that reads {features} features at each step?",
        answer=answer,
        explanation=f"An LSTM has four gate blocks, each with a kernel for the features, a recurrent kernel for the hidden "
        f"state and a bias: {shapes.param_equation('LSTM', features, units)}. The number of timesteps plays no part.",
        mistakes={
            features * units
            + units * units
            + units: "That is one gate block. An LSTM has four: input, forget, candidate and output.",
            4
            * (features * units + units): "You left out the recurrent kernel, units × units per gate: each unit reads "
            "the previous hidden state too.",
            4 * (features * units + units * units): "You left out the biases, one per unit in each of the 4 gates.",
            features * units
            + units: "That is a Dense layer's count. A recurrent layer also reads its own state, in 4 gates.",
        },
    )


SPELLINGS = (
    "keras.layers.LSTM(8, stateful=True, batch_input_shape=(4, 10, 1))",
    "keras.Input(shape=(4, 10, 1))",
    "keras.Input(batch_shape=(4, 10, 1))",
)


def _fixes_the_batch(line: str) -> bool:
    """Does ``line`` run on this Keras and give a tensor whose batch axis is fixed at 4?"""
    from course._keras import keras as _keras

    try:
        return tuple(eval(line, {"keras": _keras()}).shape) == (4, 10, 1)  # noqa: S307 - the course's own fixed lines
    except Exception:  # noqa: BLE001 - a failing line is simply not the answer
        return False


def batch_shape_spelling() -> QuizSpec:
    """Which line gives a fixed batch shape on Keras 3, found by running each line."""
    return QuizSpec(
        question="A Keras 2 tutorial builds a stateful LSTM with batch_input_shape=(4, 10, 1). Which line gives the fixed "
        "batch shape on Keras 3?",
        answer=lambda: next(line for line in SPELLINGS if _fixes_the_batch(line)),
        explanation="The argument on the layer is gone from Keras 3, and shape= describes one sample, so it would add a "
        "fourth axis. batch_shape= on keras.Input is the full shape, batch first.",
        options=SPELLINGS,
        mistakes={
            SPELLINGS[
                0
            ]: "Keras 3 rejects batch_input_shape= on a layer with a ValueError: the batch shape now goes on "
            "keras.Input.",
            SPELLINGS[
                1
            ]: "shape= describes one sample, so (4, 10, 1) becomes samples of 4 steps of 10 × 1 and the batch "
            "stays open: (None, 4, 10, 1).",
        },
    )
