"""The course on one page: every number a Keras model's shapes depend on, and the Keras 2 to
Keras 3 table.

The example figures in the cheat sheet are computed by ``course.shapes`` and ``course.data``
(tests check them against tf.keras); the Keras 3 column of the migration table runs on Keras 3
and the Keras 2 column does not (tests run both).
"""

from __future__ import annotations

from dataclasses import dataclass

from course import data, shapes

__all__ = ["CheatRow", "cheat_sheet", "cheat_sheet_markdown", "Migration", "KERAS2_TO_3", "migration_markdown"]


@dataclass(frozen=True)
class CheatRow:
    number: str
    what: str
    where: str
    changes: str
    formula: str
    example: str


def cheat_sheet(
    n_samples: int = 1000,
    batch_size: int = 32,
    features: int = 3,
    timesteps: int = 10,
    units: int = 8,
    epochs: int = 5,
    series_length: int = 500,
) -> list[CheatRow]:
    """One row per number, with an example worked out for these settings."""
    iterations = shapes.iterations_per_epoch(n_samples, batch_size)
    last = shapes.last_batch_size(n_samples, batch_size)
    dense = shapes.dense_params(features, units)
    lstm = shapes.lstm_params(features, units)
    gru = shapes.gru_params(features, units)
    rnn = shapes.simple_rnn_params(features, units)
    windows = data.count_windows(series_length, timesteps)
    kept = n_samples // batch_size * batch_size
    return [
        CheatRow(
            "samples N",
            "rows of your data, one example each",
            "first axis of x and y: `x.shape[0]`",
            "how many updates an epoch takes; no weight",
            "iterations per epoch = ceil(N / B)",
            f"N={n_samples}, B={batch_size}: {iterations} iterations, the last with {last} rows",
        ),
        CheatRow(
            "batch size B",
            "rows that flow through the model together, one update per batch",
            "`model.fit(x, y, batch_size=B)`; fixed only for stateful models: `keras.Input(batch_shape=(B, T, F))`",
            "updates per epoch, memory per step, gradient noise; no weight",
            "updates = epochs × ceil(N / B)",
            f"{epochs} epochs of N={n_samples}: {epochs * iterations} updates",
        ),
        CheatRow(
            "features F",
            "values in one sample (in one timestep, for sequences)",
            "last axis of x; last number of `keras.Input(shape=(..., F))`",
            "the rows of the first layer's kernel",
            "first Dense: F×U + U",
            f"F={features}, Dense({units}): {shapes.param_equation('Dense', features, units)}",
        ),
        CheatRow(
            "timesteps T",
            "steps in one sequence, read one after the other",
            "middle axis of (N, T, F); `keras.Input(shape=(T, F))`",
            "compute time per sample; no weight (a recurrent layer reads any length)",
            "same parameters for every T",
            f"LSTM({units}) on F={features}: {lstm} parameters whether T is 1 or {timesteps}",
        ),
        CheatRow(
            "units U",
            "size of a layer's output; for recurrent layers, of the hidden state",
            "`Dense(U)`, `LSTM(U)`: free, unrelated to F",
            "parameters, capacity and the next layer's input width",
            "SimpleRNN: F×U + U×U + U; LSTM: 4 × that; GRU: 3 × (that + U)",
            f"F={features}, U={units}: SimpleRNN {rnn}, LSTM {lstm}, GRU {gru} (Dense {dense})",
        ),
        CheatRow(
            "epochs E",
            "passes over the whole data",
            "`model.fit(..., epochs=E)`",
            "how long you train; no shape",
            "updates = E × ceil(N / B)",
            f"E={epochs}: every sample seen {epochs} times",
        ),
        CheatRow(
            "window W",
            "steps cut from a long series to make one sample",
            "`keras.utils.timeseries_dataset_from_array(..., sequence_length=W)`",
            "how many samples a series gives, and T",
            "windows = L − W − h + 1 (h: steps ahead of the target)",
            f"L={series_length}, W={timesteps}, h=1: {windows} windows of shape ({timesteps}, 1)",
        ),
        CheatRow(
            "stateful",
            "the state of row i carries over to row i of the next batch",
            "`keras.Input(batch_shape=(B, T, F))`, `LSTM(U, stateful=True)`, `layer.reset_state()`",
            "the batch size is fixed; N must be a multiple of B; no shuffling",
            "keep N − (N mod B) samples",
            f"N={n_samples}, B={batch_size}: keep {kept}, drop {n_samples - kept}",
        ),
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def cheat_sheet_markdown(**settings) -> str:
    """The cheat sheet as one Markdown table."""
    lines = [
        "| number | what it is | where it goes in Keras 3 | what it changes | formula | example |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in cheat_sheet(**settings):
        lines.append(
            "| "
            + " | ".join(
                _cell(value)
                for value in (f"**{row.number}**", row.what, row.where, row.changes, row.formula, row.example)
            )
            + " |"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Migration:
    """One Keras 2 habit and its Keras 3 replacement; ``keras2`` fails (or warns) on Keras 3
    and ``keras3`` runs, each with ``np`` and ``keras`` in scope."""

    topic: str
    keras2: str
    keras3: str
    fails_with: str  # the kind of failure on Keras 3: an exception name, or "warning"


KERAS2_TO_3: tuple[Migration, ...] = (
    Migration(
        "fixed batch shape",
        "keras.Sequential([keras.layers.LSTM(8, stateful=True, batch_input_shape=(4, 10, 1))])",
        "keras.Sequential([keras.Input(batch_shape=(4, 10, 1)), keras.layers.LSTM(8, stateful=True)])",
        "ValueError",
    ),
    Migration(
        "input shape",
        "keras.Sequential([keras.layers.Dense(8, input_shape=(3,))])",
        "keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(8)])",
        "warning",
    ),
    Migration(
        "windowing a series",
        "from keras.preprocessing.sequence import TimeseriesGenerator",
        "keras.utils.timeseries_dataset_from_array(np.arange(20.0), None, sequence_length=5)",
        "ImportError",
    ),
    Migration(
        "resetting states",
        "model = keras.Sequential([keras.Input(batch_shape=(4, 10, 1)), keras.layers.LSTM(8, stateful=True)])\nmodel.reset_states()",
        "model = keras.Sequential([keras.Input(batch_shape=(4, 10, 1)), keras.layers.LSTM(8, stateful=True)])\nmodel.layers[0].reset_state()",
        "AttributeError",
    ),
    Migration(
        "learning rate",
        "keras.optimizers.Adam(lr=0.001)",
        "keras.optimizers.Adam(learning_rate=0.001)",
        "ValueError",
    ),
    Migration(
        "training on a generator",
        "model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nmodel.compile(loss='mse')\nmodel.fit_generator(iter([]))",
        "model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nmodel.compile(loss='mse')\nmodel.fit(np.zeros((8, 3)), np.zeros((8, 1)), verbose=0)",
        "AttributeError",
    ),
)


def migration_markdown() -> str:
    """The Keras 2 to Keras 3 table, as Markdown."""
    lines = ["| | Keras 2 (fails or warns on Keras 3) | Keras 3 |", "| --- | --- | --- |"]
    for row in KERAS2_TO_3:
        old = "<br>".join(f"`{_cell(line)}`" for line in row.keras2.splitlines())
        new = "<br>".join(f"`{_cell(line)}`" for line in row.keras3.splitlines())
        lines.append(f"| {row.topic} | {old} ({row.fails_with}) | {new} |")
    return "\n".join(lines)
