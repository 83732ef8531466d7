"""Keras tier: wherever a concept-inventory answer is a number or a shape, tf.keras computes it
here, so the key the course grades with cannot be wrong; and no wrong choice states it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from course import data, training
from course.lessons.inventory import QUESTIONS

pytestmark = pytest.mark.keras

BY_KEY = {q.key: q for q in QUESTIONS}


@pytest.fixture(scope="module")
def keras():
    import keras

    return keras


def right_choice(key: str) -> str:
    question = BY_KEY[key]
    return question.choices[question.answer]


def wrong_choices(key: str) -> list[str]:
    question = BY_KEY[key]
    return [text for i, text in enumerate(question.choices) if i != question.answer]


def test_i2_the_batch_size_leaves_the_input_shape_alone(keras):
    X, y = data.example_table(n_samples=50, features=3)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, y, batch_size=5, epochs=1, verbose=0)
    assert tuple(model.input_shape) == BY_KEY["I2"].value
    assert right_choice("I2") == str(tuple(model.input_shape))
    assert str(tuple(model.input_shape)) not in wrong_choices("I2")


def test_i3_the_old_spelling_builds_one_layer_with_weights_and_a_warning(keras):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = keras.Sequential([keras.layers.Dense(32, input_shape=(16,))])
    assert any(issubclass(w.category, UserWarning) for w in caught), "Keras 3 warns, it does not refuse"
    with_weights = [layer for layer in model.layers if layer.weights]
    assert len(with_weights) == 1 and model.count_params() == BY_KEY["I3"].value
    assert f"= {model.count_params()} parameters" in right_choice("I3")
    assert all(str(model.count_params()) not in text for text in wrong_choices("I3"))


def test_i4_ten_iterations_and_the_last_reads_rows_46_to_50(keras):
    X, y = data.example_table(n_samples=50, features=3)
    run = training.run_epochs(X, y, batch_size=5, epochs=1, shuffle=False)
    seen = []

    class Recorder(keras.layers.Layer):  # what each training step really received, in order
        def call(self, inputs):
            seen.append(np.asarray(inputs))
            return inputs

    model = keras.Sequential([keras.Input(shape=(3,)), Recorder(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    model.fit(X, y, batch_size=5, epochs=1, shuffle=False, verbose=0)
    last_rows = [int(np.flatnonzero((X == row).all(axis=1))[0]) + 1 for row in seen[-1]]  # counted from 1
    iterations, (first, last) = BY_KEY["I4"].value
    assert run.iterations == len(seen) == iterations
    assert last_rows == list(range(first, last + 1))
    assert f"{iterations} iterations; the last reads rows {first} to {last}" in right_choice("I4")


def test_i5_one_update_per_batch(keras):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 2)).astype("float32")
    y = X.sum(axis=1, keepdims=True)
    updates = []
    for batch_size in (1, 100, 1000):
        model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(X, y, batch_size=batch_size, epochs=1, verbose=0)
        updates.append(int(model.optimizer.iterations.numpy()))
    assert tuple(updates) == BY_KEY["I5"].value
    assert right_choice("I5").startswith(f"{updates[0]:,}, {updates[1]} and {updates[2]} times")


def test_i6_a_stateful_batch_divides_the_sequences_whatever_the_features(keras):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(96, 4, 3)).astype("float32")  # 96 sequences, 4 steps, 3 features
    y = rng.normal(size=(96, 1)).astype("float32")
    batch = BY_KEY["I6"].value
    assert 96 % batch == 0 and batch % 3 != 0, "the example batch divides 96 and is no multiple of 3"

    def stateful(batch_size):
        model = keras.Sequential(
            [keras.Input(batch_shape=(batch_size, 4, 3)), keras.layers.LSTM(4, stateful=True), keras.layers.Dense(1)]
        )
        model.compile(optimizer="sgd", loss="mse")
        return model

    history = stateful(batch).fit(X, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    with pytest.raises(Exception):  # noqa: B017 - Keras names no single error type for it
        stateful(36).fit(X, y, batch_size=36, epochs=1, shuffle=False, verbose=0)  # 96 = 2 × 36 + 24
    assert f"such as {batch}" in right_choice("I6")


def test_i7_an_lstm_with_more_units_than_features(keras):
    units = BY_KEY["I7"].value
    model = keras.Sequential([keras.Input(shape=(10, 1)), keras.layers.LSTM(units)])
    assert tuple(model.output_shape) == (None, units)
    assert model(np.zeros((2, 10, 1), "float32")).shape == (2, units)
    assert str(units) in right_choice("I7")


def test_i8_lstm_parameters_do_not_depend_on_the_batch_size(keras):
    counts = set()
    for batch_size in (None, 32):
        model = keras.Sequential([keras.Input(shape=(5, 3), batch_size=batch_size), keras.layers.LSTM(4)])
        counts.add(model.count_params())
    assert counts == {BY_KEY["I8"].value}
    assert right_choice("I8").startswith(f"{BY_KEY['I8'].value}:")
    assert all(not text.startswith(f"{BY_KEY['I8'].value}:") for text in wrong_choices("I8"))


def test_i9_three_timesteps_of_one_value(keras):
    table = np.zeros((53394, 3), "float32")
    shaped = np.expand_dims(table, -1)
    assert shaped.shape == BY_KEY["I9"].value and right_choice("I9") == str(shaped.shape)
    model = keras.Sequential([keras.Input(shape=shaped.shape[1:]), keras.layers.LSTM(2)])
    assert model(shaped[:4]).shape == (4, 2)
    one_step = np.expand_dims(table, 1)  # the tempting wrong choice: one timestep of 3 features
    assert str(one_step.shape) in wrong_choices("I9") and one_step.shape[1] == 1


def test_i10_windows_of_1_to_10(keras):
    series = data.example_series("counting")
    batches = data.keras_windows(series, window=2, horizon=1, stride=1, batch_size=8)
    windows = sum(len(x) for x, _ in batches)
    assert (windows, len(batches)) == BY_KEY["I10"].value
    first_x, first_y = batches[0][0][0, :, 0].astype(int).tolist(), int(batches[0][1][0, 0])
    last_x, last_y = batches[-1][0][-1, :, 0].astype(int).tolist(), int(batches[-1][1][-1, 0])
    assert right_choice("I10") == (
        f"{windows} windows in {len(batches)} batch, from {first_x} → {first_y} to {last_x} → {last_y}."
    )
