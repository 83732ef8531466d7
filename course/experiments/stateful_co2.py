"""A real series, stateful against stateless (lesson 07): weekly CO2 at Mauna Loa.

The models forecast next week's reading from chunks of the weekly *changes* (a level that climbs
from 316 to 371 ppm would leave the held-out years outside every value seen in training; the
changes keep their range, and next week's level is this week's plus the forecast change). The
changes are scaled by the training years' mean and spread only. Training uses the years before
``test_from``; the score is the squared error, in ppm², of every week from ``test_from`` on.

Both LSTMs read chunks of the same length and train on the same chunks for the same number of
updates, over several seeds: one model, its state carried from batch to batch or reset before every
batch (``state_memory.train_seeds``). To forecast every held-out week the
stateful model reads the whole series from 1958 with its state carried: its trained weights are
copied into a layer that reads the series in one go, which computes exactly what reading it chunk by
chunk with the state carried computes (``stateful.stateful_equivalence``). The stateless model reads
the chunk that ends at each week. Two naive forecasts sit beside them: next week equals this week,
and this week's level plus the mean weekly change of the chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course._keras import keras as _keras
from course._keras import model_built
from course.datasets import mauna_loa
from course.experiments.state_memory import SeedComparison, compare_seeds, predict_chunks, train_seeds
from course.experiments.stateful import stateful_samples

__all__ = ["CO2Setup", "co2_setup", "CO2Result", "compare_on_co2", "baseline_sentence", "whole_series_reader"]


@dataclass(frozen=True)
class CO2Setup:
    years: np.ndarray  # decimal year of each reading
    co2: np.ndarray  # ppm, float64
    test_start: int  # index of the first held-out week
    timesteps: int
    batch_size: int
    mean: float  # of the training weeks' changes
    spread: float
    scaled: np.ndarray  # every weekly change, scaled by the training mean and spread
    X_train: np.ndarray  # stateful layout of the training changes
    y_train: np.ndarray
    targets: np.ndarray  # indices j into the changes: the change into held-out week j + 1

    @property
    def changes(self) -> np.ndarray:
        return np.diff(self.co2)

    def windows(self) -> np.ndarray:
        """The chunk of ``timesteps`` scaled changes that ends just before each target."""
        t = self.timesteps
        return np.stack([self.scaled[j - t : j] for j in self.targets])[..., None].astype("float32")

    def unscale(self, predictions) -> np.ndarray:
        return np.asarray(predictions, dtype="float64").reshape(-1) * self.spread + self.mean


def co2_setup(test_from: float = 1994.0, timesteps: int = 8, batch_size: int = 16) -> CO2Setup:
    """The Mauna Loa series split by time at ``test_from`` and laid out for both models."""
    series = mauna_loa.load()
    co2 = series.co2.astype("float64")
    years = series.years
    test_start = int(np.searchsorted(years, test_from))
    if not timesteps < test_start < len(co2):
        raise ValueError(
            f"test_from={test_from} leaves no training or no held-out weeks ({years[0]:.1f}-{years[-1]:.1f})."
        )
    changes = np.diff(co2)  # changes[j] = co2[j + 1] - co2[j]
    train_changes = changes[: test_start - 1]  # every change that ends before the first held-out week
    mean, spread = float(train_changes.mean()), float(train_changes.std())
    scaled = ((changes - mean) / spread).astype("float32")
    X_train, y_train = stateful_samples(scaled[: test_start - 1], batch_size, timesteps)
    return CO2Setup(
        years=years,
        co2=co2,
        test_start=test_start,
        timesteps=timesteps,
        batch_size=batch_size,
        mean=mean,
        spread=spread,
        scaled=scaled,
        X_train=X_train,
        y_train=y_train,
        targets=np.arange(test_start - 1, len(changes)),
    )


def _chunk_model(setup: CO2Setup, units: int, name: str = "co2_chunks"):
    keras = _keras()
    inputs = keras.Input(batch_shape=(setup.batch_size, setup.timesteps, 1), name="weekly_changes")
    hidden = keras.layers.LSTM(units, stateful=True, name="lstm")(inputs)
    model_built()
    return keras.Model(inputs, keras.layers.Dense(1, name="next_change")(hidden), name=name)


def whole_series_reader(units: int):
    """A model with the chunk models' weights' shapes that reads a whole series in one go and
    forecasts after every step: ``LSTM(units, return_sequences=True)`` and the same ``Dense(1)``."""
    keras = _keras()
    inputs = keras.Input(shape=(None, 1), name="whole_series")
    hidden = keras.layers.LSTM(units, return_sequences=True, name="lstm")(inputs)
    model_built()
    return keras.Model(inputs, keras.layers.Dense(1, name="next_change")(hidden), name="whole_series_reader")


@dataclass(frozen=True)
class CO2Result:
    setup: CO2Setup
    errors: dict  # {name: squared error per held-out week, ppm²}; an LSTM's averaged over its seeds
    comparison: SeedComparison  # held-out MSE per seed, stateful against stateless
    settings: dict

    def table(self) -> str:
        lines = [self.comparison.line("stateful"), self.comparison.line("stateless")]
        for name, errors in self.errors.items():
            if "LSTM" not in name:
                lines.append(f"{name:<15} MSE {float(np.mean(errors)):.3f}")
        return "\n".join(lines)

    def verdict(self) -> str:
        sentences = [self.comparison.verdict()]
        for name in ("stateful LSTM", "stateless LSTM"):
            sentences.append(baseline_sentence(name, self.errors[name], "last value", self.errors["last value"]))
        return " ".join(sentences)


def baseline_sentence(name: str, errors, baseline: str, baseline_errors) -> str:
    """Whether ``name`` beats a naive forecast, judged on the same targets (paired): by more than
    twice the standard error of the mean difference, within it, or worse."""
    gaps = np.asarray(baseline_errors, dtype="float64") - np.asarray(errors, dtype="float64")
    if gaps.size < 2:
        return f"With {gaps.size} target there is no uncertainty to judge {name} against {baseline} by."
    gap, error = float(gaps.mean()), float(gaps.std(ddof=1) / np.sqrt(gaps.size))
    if gap > 2 * error:
        return f"The {name} beats the {baseline} forecast by {gap:.3f} ppm² (uncertainty {error:.3f})."
    if -gap > 2 * error:
        return f"The {name} does worse than the {baseline} forecast, by {-gap:.3f} ppm² (uncertainty {error:.3f})."
    return f"The {name} cannot be told apart from the {baseline} forecast ({gap:+.3f} ppm², uncertainty {error:.3f})."


def compare_on_co2(
    setup: CO2Setup | None = None, seeds=(0, 1), units: int = 8, epochs: int = 6, learning_rate: float = 0.02
) -> CO2Result:
    """Train both LSTMs on the training years for every seed and score them, and the naive
    forecasts, on every held-out week."""
    setup = setup or co2_setup()
    truth = setup.changes[setup.targets]
    windows = setup.windows()
    reader = whole_series_reader(units)
    whole = setup.scaled[None, :, None]

    def score(model, carry):
        if carry:  # the whole series from 1958, the state carried: a forecast after every week
            reader.set_weights(model.get_weights())
            after_each_step = reader.predict(whole, verbose=0)[0, :, 0]  # after change j: change j + 1
            return (setup.unscale(after_each_step[setup.targets - 1]) - truth) ** 2
        padded = np.concatenate([windows, windows[: (-len(windows)) % setup.batch_size]])  # whole batches only
        predictions = predict_chunks(model, padded, setup.batch_size, carry=False)[: len(windows)]
        return (setup.unscale(predictions) - truth) ** 2

    per_seed = train_seeds(
        lambda: _chunk_model(setup, units),
        setup.X_train,
        setup.y_train,
        seeds,
        batch_size=setup.batch_size,
        epochs=epochs,
        learning_rate=learning_rate,
        score=score,
    )
    chunk_mean = setup.unscale(windows.mean(axis=1))
    errors = {
        "stateful LSTM": np.mean(per_seed["stateful"], axis=0),
        "stateless LSTM": np.mean(per_seed["stateless"], axis=0),
        "last value": truth**2,
        "chunk's mean change": (chunk_mean - truth) ** 2,
    }
    comparison = compare_seeds(
        [float(np.mean(e)) for e in per_seed["stateful"]], [float(np.mean(e)) for e in per_seed["stateless"]]
    )
    return CO2Result(
        setup=setup,
        errors=errors,
        comparison=comparison,
        settings=dict(seeds=tuple(seeds), units=units, epochs=epochs, learning_rate=learning_rate),
    )
