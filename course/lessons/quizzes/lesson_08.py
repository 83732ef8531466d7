"""Lesson 08's self-checks: what Keras does with one axis too few, and reshape against transpose,
both graded on real models and arrays."""

from __future__ import annotations

import numpy as np

from course.lessons.quizzes.spec import QuizSpec

__all__ = ["SILENT_OPTIONS", "silent_axis", "ORDER_OPTIONS", "reshape_or_transpose"]

SILENT_OPTIONS = (
    "Keras rejects it: expected ndim=3, found ndim=2",
    "Keras silently adds a trailing axis of size 1 and reads 10 steps of 1 value",
    "Keras silently reads each row as 1 step of 10 values",
)


def _silent_answer() -> str:
    from course._keras import keras as _keras

    keras = _keras()
    model = keras.Sequential(
        [keras.Input(shape=(10, 1)), keras.layers.LSTM(4), keras.layers.Dense(1)], name="silent_axis"
    )
    x = np.random.default_rng(0).normal(size=(32, 10)).astype("float32")
    try:
        output = np.asarray(model(x))
    except Exception:  # noqa: BLE001 - a rejection is one of the answers
        return SILENT_OPTIONS[0]
    as_steps = np.asarray(model(np.expand_dims(x, -1)))
    return SILENT_OPTIONS[1] if np.allclose(output, as_steps, atol=1e-6) else SILENT_OPTIONS[2]


def silent_axis() -> QuizSpec:
    """A model on ``keras.Input(shape=(10, 1))`` handed ``(32, 10)``: graded by calling it."""
    return QuizSpec(
        question="A model built on keras.Input(shape=(10, 1)) is handed data of shape (32, 10). What happens?",
        answer=_silent_answer,
        explanation="The answer was computed by calling a real model on (32, 10) and comparing its output with the "
        "output for np.expand_dims(x, -1). The missing axis is the model's last one and has size 1, the one "
        "case in which Keras adds an axis by itself. No warning is printed.",
        options=SILENT_OPTIONS,
        mistakes={
            SILENT_OPTIONS[
                0
            ]: "That error comes when the model itself was built on 2-D input. Here the data lacks only "
            "a trailing axis of size 1, and Keras 3 adds it without a word.",
            SILENT_OPTIONS[2]: "Keras adds the missing axis at the end, where the model has its size 1: 10 steps of 1 "
            "value, not 1 step of 10.",
        },
    )


ORDER_OPTIONS = (
    "x.reshape(len(x), 50, 4)",
    "np.transpose(x, (0, 2, 1))",
    "Either: they give the same array",
)


def _order_answer() -> str:
    x = np.arange(2 * 4 * 50).reshape(2, 4, 50)  # 2 samples, 4 sensors, 50 steps
    wanted = np.stack([x[:, :, step] for step in range(50)], axis=1)  # step by step
    by_reshape = np.array_equal(x.reshape(len(x), 50, 4), wanted)
    by_transpose = np.array_equal(np.transpose(x, (0, 2, 1)), wanted)
    if by_reshape and by_transpose:
        return ORDER_OPTIONS[2]
    return ORDER_OPTIONS[0] if by_reshape else ORDER_OPTIONS[1]


def reshape_or_transpose() -> QuizSpec:
    """Which line puts each step's readings together, graded on a real array."""
    return QuizSpec(
        question="Data of shape (100, 4, 50) holds 4 sensors over 50 steps, stored sensor by sensor. Your LSTM is built on "
        "keras.Input(shape=(50, 4)). Which line gives it (100, 50, 4) with each step's 4 readings together?",
        answer=_order_answer,
        explanation="A reshape keeps the stored order and cuts it into rows of 4: the first row would be 4 readings of "
        "sensor 1. Only the transpose moves the sensor axis behind the step axis.",
        options=ORDER_OPTIONS,
        mistakes={
            ORDER_OPTIONS[0]: "The shape is right but the values are not: a reshape never moves a value, so the first "
            "'step' would hold the first 4 readings of sensor 1.",
            ORDER_OPTIONS[2]: "They agree only when one of the two swapped axes has size 1. Here both are larger.",
        },
    )
