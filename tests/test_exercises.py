"""The code-writing exercises of lessons 00-04 (and lesson 05's series): the placeholder gets a "not yet", the worked
solution passes, each likely mistake gets its own hint, and no input makes a check raise."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from course import data, shapes, training
from course.lessons.exercises import (
    PLACEHOLDER_HINT,
    Result,
    lesson_00,
    lesson_01,
    lesson_02,
    lesson_03,
    lesson_04,
)

pytestmark = pytest.mark.keras

ODD_INPUTS = [None, "model", 3, 2.5, [], {}, np.zeros(0), object()]


def dense(*units):
    *hidden, out = units
    return [keras.layers.Dense(u, activation="relu") for u in hidden] + [keras.layers.Dense(out)]


def test_lesson_00_the_worked_solution_passes_with_keras_count():
    model = keras.Sequential([keras.Input(shape=(2,)), *dense(5, 1)])
    result = lesson_00.check_my_model(model)
    assert result.ok and f"Keras counts {model.count_params()} parameters" in result.message
    assert model.count_params() == shapes.dense_params(2, 5) + shapes.dense_params(5, 1) == 21


def test_lesson_01_the_seed_network_passes_and_its_count_is_keras():
    model = keras.Sequential([keras.Input(shape=(8,)), *dense(12, 8, 1)])
    result = lesson_01.check_seed_network(model)
    assert result.ok and "Keras counts 221 parameters" in result.message
    assert model.count_params() == sum(shapes.dense_params(a, b) for a, b in zip((8, 12, 8), (12, 8, 1))) == 221


@pytest.mark.parametrize(
    "layers, words",
    [
        ([keras.Input(shape=(3,)), *dense(12, 8, 1)], "one row has 8 features"),
        ([keras.Input(shape=(8,)), *dense(12, 1)], "2 Dense layer(s)"),
        ([keras.Input(shape=(8,)), *dense(16, 8, 1)], "Dense layer 1 has 16 units"),
        (
            [
                keras.Input(shape=(8,)),
                keras.layers.Dense(12),
                keras.layers.Dense(8, use_bias=False),
                keras.layers.Dense(1),
            ],
            "use_bias",
        ),
    ],
)
def test_lesson_01_mistakes_get_their_hint(layers, words):
    result = lesson_01.check_seed_network(keras.Sequential(layers))
    assert not result.ok and words in result.message


def test_lesson_01_a_model_without_an_input_is_told_to_declare_one():
    result = lesson_01.check_seed_network(keras.Sequential(dense(12, 8, 1)))
    assert not result.ok and "keras.Input(shape=(8,))" in result.message


def test_lesson_01_a_functional_answer_passes_too():
    inputs = keras.Input(shape=(8,))
    hidden = keras.layers.Dense(12, activation="relu")(inputs)
    hidden = keras.layers.Dense(8, activation="relu")(hidden)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    result = lesson_01.check_seed_network(model)
    assert result.ok and "Keras counts 221 parameters" in result.message


@pytest.mark.parametrize("argument", [{"input_dim": 8}, {"input_shape": (8,)}], ids=["input_dim", "input_shape"])
def test_lesson_01_the_keras_2_input_on_a_layer_is_refused_with_keras_input_named(argument):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras 3 warns about it: the check says why it matters here
        model = keras.Sequential(
            [keras.layers.Dense(12, activation="relu", **argument), keras.layers.Dense(8), keras.layers.Dense(1)]
        )
    assert model.count_params() == 221, "the same sizes: only the spelling of the input is wrong"
    result = lesson_01.check_seed_network(model)
    assert not result.ok
    assert "keras.Input(shape=(8,))" in result.message and "Keras 2" in result.message
    assert "(8,)" in result.message and "Traceback" not in result.message
    assert lesson_01.layer_input_argument(model) == (8,)


def test_lesson_01_layer_input_argument_is_none_for_keras_3_models():
    assert lesson_01.layer_input_argument(keras.Sequential([keras.Input(shape=(8,)), *dense(12, 8, 1)])) is None
    assert lesson_01.layer_input_argument("not a model") is None


def test_lesson_05_the_worked_solution_cuts_the_counting_series_like_keras():
    from course.lessons.exercises import lesson_05

    twelve = data.example_series("counting", length=12).reshape(-1, 1)
    assert twelve[:, 0].tolist() == list(range(1, 13))
    solution = keras.utils.timeseries_dataset_from_array(twelve[:-1], twelve[3:], sequence_length=3, batch_size=4)
    result = lesson_05.check_windows(solution)
    assert result.ok and "[1, 2, 3] -> 4 to [9, 10, 11] -> 12" in result.message
    wrong = keras.utils.timeseries_dataset_from_array(twelve, twelve[2:], sequence_length=3, batch_size=4)
    assert not lesson_05.check_windows(wrong).ok


@pytest.fixture(scope="module")
def fifty():
    X, y = data.example_table(n_samples=50, features=3)
    return X, training.run_epochs(X, y, batch_size=5, epochs=1, shuffle=False)


def test_lesson_02_the_tenth_batch_is_what_keras_trained_on(fifty):
    X, run = fifty
    assert list(run.rows[0][9]) == [45, 46, 47, 48, 49]
    result = lesson_02.check_tenth_batch(X[45:50], X, run)
    assert result.ok and "rows 46-50 counted from 1" in result.message and "X[45:50]" in result.message


@pytest.mark.parametrize(
    "pick, words",
    [
        (lambda X: X[44:49], "One too early"),
        (lambda X: X[44:50], "That is 6 rows"),
        (lambda X: X[9], "That is one row"),
        (lambda X: X[10:15], "batch 3, not batch 10"),
        (lambda X: X[47:52], "That is 3 rows"),
        (lambda X: X[[1, 3, 5, 7, 9]], "not consecutive"),
        (lambda X: X[42:47], "straddle two batches"),
        (lambda X: X[45:50] + 1, "not rows of X"),
    ],
)
def test_lesson_02_mistakes_get_their_hint(fifty, pick, words):
    X, run = fifty
    result = lesson_02.check_tenth_batch(pick(X), X, run)
    assert not result.ok and words in result.message


@pytest.fixture(scope="module")
def lab_rows():
    X_train, y_train, _, _ = data.train_val_split(*data.two_moons(1024, seed=0), val_fraction=0.5, seed=0)
    return X_train, y_train


def test_lesson_03_a_batch_for_eight_updates_is_counted_by_keras(lab_rows):
    fits = lesson_03.batch_sizes_for(512, 8)
    assert fits[0] == 64 and fits[-1] == 73 and all(shapes.iterations_per_epoch(512, b) == 8 for b in fits)
    result = lesson_03.check_batch_for_updates(64, *lab_rows)
    assert result.ok and "Keras made 8 updates" in result.message and "from 64 to 73" in result.message
    assert lesson_03.check_batch_for_updates(73, *lab_rows).ok
    wrong = lesson_03.check_batch_for_updates(63, *lab_rows)
    assert not wrong.ok and "Keras made 9 updates" in wrong.message and "larger" in wrong.message
    assert "smaller" in lesson_03.check_batch_for_updates(128, *lab_rows).message
    assert "between 1 and 512" in lesson_03.check_batch_for_updates(0, *lab_rows).message


def test_lesson_04_one_timestep_passes_through_a_real_lstm():
    table = np.arange(18, dtype="float32").reshape(6, 3)
    for answer in (np.expand_dims(table, axis=1), table.reshape(6, 1, 3)):
        result = lesson_04.check_one_timestep(answer, table)
        assert result.ok and "(6, 4)" in result.message


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda t: t.reshape(6, 3, 1), "each column a timestep"),
        (lambda t: t.reshape(1, 6, 3), "one sample of 6 timesteps"),
        (lambda t: t, "2 axes"),
        (lambda t: t.T.reshape(6, 1, 3), "the values moved"),
        (lambda t: t.reshape(2, 3, 3), "should be (6, 1, 3)"),
    ],
)
def test_lesson_04_mistakes_get_their_hint(make, words):
    table = np.arange(18, dtype="float32").reshape(6, 3)
    result = lesson_04.check_one_timestep(make(table), table)
    assert not result.ok and words in result.message


def test_every_check_says_not_yet_to_the_placeholder_and_never_raises(fifty, lab_rows):
    X, run = fifty
    table = np.arange(18, dtype="float32").reshape(6, 3)
    checks = [
        lesson_00.check_my_model,
        lesson_01.check_seed_network,
        lambda value: lesson_02.check_tenth_batch(value, X, run),
        lambda value: lesson_03.check_batch_for_updates(value, *lab_rows),
        lambda value: lesson_04.check_one_timestep(value, table),
    ]
    for check in checks:
        assert check(...) == Result(False, PLACEHOLDER_HINT)
        for odd in ODD_INPUTS:
            result = check(odd)
            assert isinstance(result, Result) and not result.ok and result.message
