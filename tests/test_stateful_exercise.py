"""Lesson 07's exercise accepts exactly the correct stacks: three stateful LSTM(32) on batches of
(32, 8, 16), the first two returning every step, and a Dense(10), Sequential or functional; and it
names the mistake in every other answer."""

from __future__ import annotations

import pytest

from course import models
from course.experiments.stateful import SEED_STACK
from course.lessons.exercises import lesson_07

pytestmark = pytest.mark.keras


def first(keras, style):
    if style == "batch_size":
        return keras.Input(shape=(8, 16), batch_size=32)
    return keras.Input(batch_shape=(32, 8, 16))


def lstm(keras, returns, **options):
    return keras.layers.LSTM(32, stateful=True, return_sequences=returns, **options)


def sequential(keras, layers, style="batch_shape"):
    return keras.Sequential([first(keras, style), *layers])


def functional(keras, layers, style="batch_shape"):
    inputs = first(keras, style)
    outputs = inputs
    for layer in layers:
        outputs = layer(outputs)
    return keras.Model(inputs, outputs)


def stack(keras, returns=(True, True, False), dense=None, **options):
    return [lstm(keras, r, **options) for r in returns] + [dense or keras.layers.Dense(10)]


@pytest.mark.parametrize("build", [sequential, functional])
@pytest.mark.parametrize("style", ["batch_shape", "batch_size"])
def test_every_correct_spelling_passes(keras, build, style):
    result = lesson_07.check_seed_stack(build(keras, stack(keras), style))
    assert result.ok, result.message
    assert f"{models.total_params(SEED_STACK):,} parameters" in result.message


def test_the_faqs_softmax_and_an_explicit_false_pass(keras):
    layers = [lstm(keras, True), lstm(keras, True), keras.layers.LSTM(32, stateful=True, return_sequences=False)]
    model = sequential(keras, layers + [keras.layers.Dense(10, activation="softmax")])
    assert lesson_07.check_seed_stack(model).ok


def test_a_last_lstm_that_returns_every_step_is_named(keras):
    result = lesson_07.check_seed_stack(sequential(keras, stack(keras, returns=(True, True, True))))
    assert not result.ok and "The last LSTM has return_sequences=True" in result.message


def test_every_step_flattened_into_the_dense_is_not_the_stack(keras):
    layers = stack(keras, returns=(True, True, True))
    model = sequential(keras, layers[:3] + [keras.layers.Flatten(), keras.layers.Dense(10)])
    result = lesson_07.check_seed_stack(model)
    assert not result.ok and "exactly three LSTM layers and a Dense" in result.message


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda k: sequential(k, stack(k)[:3] + [k.layers.Dropout(0.1), k.layers.Dense(10)]), "exactly three LSTM"),
        (lambda k: sequential(k, stack(k, dense=k.layers.Dense(10, activation="relu"))), "activation 'relu'"),
        (lambda k: sequential(k, stack(k, go_backwards=True)), "go_backwards=True"),
        (lambda k: sequential(k, stack(k, dense=k.layers.Dense(5))), "Dense(5)"),
        (
            lambda k: sequential(k, [k.layers.LSTM(16, stateful=True, return_sequences=True), *stack(k)[1:]]),
            "[16, 32, 32]",
        ),
        (
            lambda k: sequential(
                k, [k.layers.LSTM(32, return_sequences=s) for s in (True, True, False)] + [k.layers.Dense(10)]
            ),
            "stateful=True",
        ),
        (
            lambda k: k.Sequential(
                [k.Input(shape=(8, 16))]
                + [k.layers.LSTM(32, return_sequences=s) for s in (True, True, False)]
                + [k.layers.Dense(10)]
            ),
            "its batch size fixed",
        ),
    ],
)
def test_each_mistake_gets_its_hint(keras, make, words):
    result = lesson_07.check_seed_stack(make(keras))
    assert not result.ok and words in result.message, result.message
