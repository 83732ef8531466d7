"""The cheat sheet's examples and the Keras 2 to Keras 3 table, checked against tf.keras."""

import warnings

import numpy as np
import pytest

from course import data, shapes
from course.lessons import cheatsheet

pytestmark = pytest.mark.keras


def test_the_cheat_sheet_is_one_table_with_every_number():
    table = cheatsheet.cheat_sheet_markdown()
    numbers = [row.number for row in cheatsheet.cheat_sheet()]
    assert numbers == [
        "samples N",
        "batch size B",
        "features F",
        "timesteps T",
        "units U",
        "epochs E",
        "window W",
        "stateful",
    ]
    assert table.count("\n") == len(numbers) + 1
    assert all(row.formula and row.example for row in cheatsheet.cheat_sheet())


@pytest.mark.parametrize(
    "settings",
    [
        {},
        dict(n_samples=50, batch_size=5, features=1, units=100),
        dict(n_samples=7, batch_size=7, features=16, units=1, timesteps=3),
    ],
)
def test_examples_follow_the_settings(settings):
    rows = {row.number: row for row in cheatsheet.cheat_sheet(**settings)}
    merged = {
        **dict(n_samples=1000, batch_size=32, features=3, timesteps=10, units=8, epochs=5, series_length=500),
        **settings,
    }
    iterations = shapes.iterations_per_epoch(merged["n_samples"], merged["batch_size"])
    assert f"{iterations} iterations" in rows["samples N"].example
    assert f"LSTM {shapes.lstm_params(merged['features'], merged['units'])}" in rows["units U"].example
    assert f"{data.count_windows(merged['series_length'], merged['timesteps'])} windows" in rows["window W"].example


def test_the_migration_table_lists_every_row():
    table = cheatsheet.migration_markdown()
    for row in cheatsheet.KERAS2_TO_3:
        assert row.topic in table


def test_cheat_sheet_numbers_are_what_keras_builds(keras):
    rows = {row.number: row for row in cheatsheet.cheat_sheet()}
    counts = {}
    for kind in ("SimpleRNN", "LSTM", "GRU", "Dense"):
        shape = (3,) if kind == "Dense" else (10, 3)
        model = keras.Sequential([keras.Input(shape=shape), getattr(keras.layers, kind)(8)])
        counts[kind] = model.count_params()
    assert (
        rows["units U"].example
        == f"F=3, U=8: SimpleRNN {counts['SimpleRNN']}, LSTM {counts['LSTM']}, GRU {counts['GRU']} (Dense {counts['Dense']})"
    )
    one_step = keras.Sequential([keras.Input(shape=(1, 3)), keras.layers.LSTM(8)]).count_params()
    assert f"{one_step} parameters whether T is 1 or 10" in rows["timesteps T"].example and one_step == counts["LSTM"]
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    batches = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    model.fit(np.zeros((1000, 3)), np.zeros((1000, 1)), batch_size=32, epochs=1, verbose=0, callbacks=[counter])
    assert f"{len(batches)} iterations, the last with 8 rows" in rows["samples N"].example
    series = np.arange(500, dtype="float32").reshape(-1, 1)
    windows = sum(
        len(x)
        for x, _ in keras.utils.timeseries_dataset_from_array(
            series[:-1], series[10:], sequence_length=10, batch_size=64
        )
    )
    assert f"{windows} windows" in rows["window W"].example


@pytest.mark.parametrize("row", cheatsheet.KERAS2_TO_3, ids=lambda row: row.topic)
def test_keras_2_spelling_fails_and_keras_3_runs(keras, row):
    exec(row.keras3, {"np": np, "keras": keras})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if row.fails_with == "warning":
            exec(row.keras2, {"np": np, "keras": keras})
            assert caught, "the Keras 2 spelling should warn"
            return
        with pytest.raises(Exception) as raised:
            exec(row.keras2, {"np": np, "keras": keras})
    assert type(raised.value).__name__ == row.fails_with
