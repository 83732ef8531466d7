"""Forecasting hygiene (lessons 05 and 07): split by time, score on the future, compare with a
naive forecast and with the noise no model can predict.

- ``time_split`` keeps the order: the earliest windows train, the latest validate. Shuffling the
  *training* windows afterwards (``fit(shuffle=True)``) is fine, because each window carries its own
  past; what must never happen is a validation window from before a training window.
- ``last_value_errors`` is the naive forecast "tomorrow equals today": a model that cannot beat it
  has learned nothing useful.
- ``noise_floor`` is the mean squared noise on the very targets being scored, so the floor and
  the scores are measured on the same numbers.
- ``Scores`` holds every forecaster's squared error per target and says which differences are
  larger than their own uncertainty.
- ``forecast_code`` writes the whole recipe as code that runs on its own (numpy and keras only).
- ``fit_windows`` trains a small recurrent forecaster on windows and predicts every window.
- For a real series with a trend and a season (lesson 05's CO2 readings): ``hold_out_last`` keeps
  the last windows (the last years) for validation; ``year_ago_errors`` is the seasonal naive
  forecast "the same week a year ago, plus the past year's rise"; ``fit_changes`` trains a small
  LSTM on each window's changes from its last step, so held-out years above every level seen in
  training need no extrapolation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = [
    "time_split",
    "squared_errors",
    "last_value_errors",
    "window_mean_errors",
    "noise_floor",
    "Scores",
    "forecast_code",
    "WindowFit",
    "fit_windows",
    "hold_out_last",
    "year_ago_errors",
    "as_changes",
    "ChangeForecaster",
    "fit_changes",
]


def time_split(X, y, validation_fraction: float = 0.2):
    """``(X_train, y_train, X_val, y_val)``: the first windows train, the last ``validation_fraction``
    validate, in time order (windows from ``make_windows`` are ordered by their start)."""
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must lie between 0 and 1, got {validation_fraction}.")
    return hold_out_last(X, y, max(1, round(len(X) * validation_fraction)))


def hold_out_last(X, y, n_validation: int):
    """``(X_train, y_train, X_val, y_val)``: the last ``n_validation`` windows validate, every
    window before them trains, in time order (for a weekly series, ``4 * 52`` holds out the last
    four years' targets)."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} windows but y has {len(y)} targets: they must pair up.")
    if isinstance(n_validation, bool) or not isinstance(n_validation, (int, np.integer)) or n_validation < 1:
        raise ValueError(f"n_validation is how many of the last windows to hold out, 1 or more; got {n_validation!r}.")
    if n_validation >= len(X):
        raise ValueError(f"{len(X)} windows are too few to keep {n_validation} for validation and still train.")
    cut = len(X) - n_validation
    return X[:cut], y[:cut], X[cut:], y[cut:]


def squared_errors(predictions, targets) -> np.ndarray:
    """Squared error per target (averaged over features when there are several)."""
    predictions = np.asarray(predictions, dtype="float64").reshape(len(targets), -1)
    targets = np.asarray(targets, dtype="float64").reshape(len(targets), -1)
    return np.mean((predictions - targets) ** 2, axis=1)


def last_value_errors(X, y) -> np.ndarray:
    """The naive forecast: every target predicted by the last step of its window."""
    X = np.asarray(X)
    return squared_errors(X[:, -1, :], y)


def window_mean_errors(X, y) -> np.ndarray:
    """Every target predicted by the mean of its window (it smooths noise but lags a trend)."""
    X = np.asarray(X)
    return squared_errors(X.mean(axis=1), y)


def year_ago_errors(X, y, season: int, horizon: int = 1) -> np.ndarray:
    """The seasonal naive forecast with its trend: each target predicted by the step one
    ``season`` before it, raised by how much the series rose over the season that ends with the
    window (``x[t - season] + (x[t - horizon] - x[t - horizon - season])``). The windows need at
    least ``season + 1`` steps, and the target lies ``horizon`` steps after the window's end."""
    X = np.asarray(X)
    if season < horizon:
        raise ValueError(f"The season ({season} steps) must be at least the horizon ({horizon}).")
    if X.ndim != 3 or X.shape[1] < season + 1:
        raise ValueError(
            f"Forecasting from a season ago needs windows of at least {season + 1} steps (a season and one more, "
            f"to measure the season's rise); got windows of shape {X.shape[1:]}."
        )
    a_season_ago = X[:, -(season - horizon + 1), :]
    rise = X[:, -1, :] - X[:, -1 - season, :]
    return squared_errors(a_season_ago + rise, y)


def noise_floor(targets, clean_targets) -> float:
    """The mean squared noise on these targets: what a forecaster that knew the clean signal
    exactly would still score."""
    return float(np.mean(squared_errors(clean_targets, targets)))


@dataclass(frozen=True)
class Scores:
    """Squared errors per target for several forecasters scored on the same targets."""

    errors: dict  # {name: per-target squared errors}
    floor: float | None = None

    def __post_init__(self):
        sizes = {len(np.asarray(e)) for e in self.errors.values()}
        if len(sizes) != 1:
            raise ValueError("Every forecaster must be scored on the same targets.")

    def mse(self, name: str) -> float:
        return float(np.mean(self.errors[name]))

    def best(self) -> str:
        return min(self.errors, key=self.mse)

    def difference(self, worse: str, better: str) -> tuple[float, float]:
        """The mean of ``worse``'s minus ``better``'s squared errors on the same targets, and the
        standard error of that mean (paired, so the noise both face cancels)."""
        gaps = np.asarray(self.errors[worse], dtype="float64") - np.asarray(self.errors[better], dtype="float64")
        return float(gaps.mean()), float(gaps.std(ddof=1) / np.sqrt(len(gaps))) if len(gaps) > 1 else float("inf")

    def table(self) -> str:
        lines = [f"{name:<24} MSE {self.mse(name):.3f}" for name in self.errors]
        if self.floor is not None:
            lines.append(f"{'noise floor':<24} MSE {self.floor:.3f}  (the noise on these targets)")
        return "\n".join(lines)

    def verdict(self) -> str:
        """Which forecaster did best, which differences exceed twice their standard error, and how
        far the best one is from the noise floor."""
        best = self.best()
        n = len(next(iter(self.errors.values())))
        sentences = [f"On these {n} held-out targets {best} scored best ({self.mse(best):.3f})."]
        for name in self.errors:
            if name == best:
                continue
            gap, error = self.difference(name, best)
            if gap > 2 * error:
                sentences.append(
                    f"It beats {name} by {gap:.3f}, more than twice the uncertainty of that gap ({error:.3f})."
                )
            else:
                sentences.append(
                    f"Its lead over {name} ({gap:.3f}) is within twice its uncertainty ({error:.3f}): "
                    "on this data the two cannot be told apart."
                )
        if self.floor is not None:
            sentences.append(
                f"The noise floor is {self.floor:.3f}, so {max(self.mse(best) - self.floor, 0):.3f} of the best "
                "score is error a model could still remove."
            )
        return " ".join(sentences)


def forecast_code(
    window: int = 10,
    horizon: int = 1,
    batch_size: int = 16,
    validation_fraction: float = 0.2,
    units: int = 8,
    epochs: int = 20,
    length: int = 300,
) -> str:
    """A standalone Keras 3 script (numpy and keras only): a noisy sine stands in for your series;
    it is split by time, cut into windows, the training windows shuffled, an LSTM trained, and the
    validation windows scored against the last-value forecast."""
    cut = round(length * (1 - validation_fraction))
    return (
        "import numpy as np\n"
        "import keras\n\n"
        f"steps = np.arange({length})\n"
        "rng = np.random.default_rng(0)\n"
        "series = (np.sin(2 * np.pi * steps / 20) + 0.15 * rng.normal(size=steps.shape)).astype('float32')  # your series\n"
        "values = series.reshape(len(series), -1)  # (time, features)\n\n"
        f"# split by time first: the first {cut} steps train, the rest validate (never the other way round)\n"
        f"train_part, val_part = values[:{cut}], values[{cut - window - horizon + 1}:]  # validation windows may read the last training steps\n\n\n"
        "def windows(part):\n"
        "    # every window of the part in one batch: (windows, timesteps, features) and (windows, features)\n"
        "    dataset = keras.utils.timeseries_dataset_from_array(\n"
        f"        part[:-{horizon}], part[{window + horizon - 1}:], sequence_length={window}, batch_size=len(part),\n"
        "    )\n"
        "    x, y = next(iter(dataset))\n"
        "    return np.asarray(x), np.asarray(y)\n\n\n"
        "x_train, y_train = windows(train_part)\n"
        "x_val, y_val = windows(val_part)\n\n"
        "keras.utils.set_random_seed(0)\n"
        "model = keras.Sequential([\n"
        f"    keras.Input(shape=({window}, values.shape[1])),\n"
        f"    keras.layers.LSTM({units}),\n"
        "    keras.layers.Dense(values.shape[1]),\n"
        "])\n"
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss='mse')\n"
        "# shuffle=True mixes the order of the training windows only; each window carries its own past,\n"
        "# and every training target still comes before every validation target\n"
        f"model.fit(x_train, y_train, batch_size={batch_size}, epochs={epochs}, shuffle=True, verbose=0)\n\n"
        "model_mse = float(np.mean((model.predict(x_val, verbose=0) - y_val) ** 2))\n"
        "last_value_mse = float(np.mean((x_val[:, -1, :] - y_val) ** 2))  # the naive forecast: the next step equals the last\n"
        "print(f'validation windows: {len(x_val)}  LSTM MSE: {model_mse:.4f}  last-value MSE: {last_value_mse:.4f}')\n"
    )


@dataclass
class WindowFit:
    """A small recurrent model trained on windows, and what it predicts for them."""

    model: object
    predictions: np.ndarray  # (n_windows, features)
    losses: list  # training loss per epoch


def _windows_and_targets(X, y):
    """``X`` and ``y`` as float32 windows ``(n, window, features)`` and targets ``(n, features)``,
    or a message saying which shapes were given."""
    X = np.asarray(X, dtype="float32")
    y = np.asarray(y, dtype="float32")
    if X.ndim != 3 or y.ndim != 2 or len(X) != len(y):
        raise ValueError(
            f"Need windows X of shape (n, window, features) and targets y of shape (n, features); got {X.shape} and {y.shape}."
        )
    return X, y


def fit_windows(
    X, y, batch_size: int = 8, units: int = 8, epochs: int = 30, seed: int = 0, layer: str = "LSTM"
) -> WindowFit:
    """Train ``layer(units)`` plus a Dense output on windows ``X`` ``(n, window, features)`` and
    targets ``y`` ``(n, features)``, then predict every window."""
    keras = _keras()
    X, y = _windows_and_targets(X, y)
    keras.utils.set_random_seed(seed)
    model = build(ModelSpec(layer=layer, features=X.shape[2], units=units, timesteps=X.shape[1], outputs=y.shape[1]))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="mse")
    history = model.fit(X, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return WindowFit(model, model.predict(X, batch_size=len(X), verbose=0), [float(v) for v in history.history["loss"]])


def as_changes(X, y=None):
    """Windows (and targets) as changes from each window's last step: ``X - X[:, -1:]`` and
    ``y - X[:, -1]``. A model that reads and predicts changes meets no level it has not seen,
    even where the held-out years lie above everything in training."""
    X = np.asarray(X, dtype="float32")
    last = X[:, -1:, :]
    if y is None:
        return X - last
    return X - last, np.asarray(y, dtype="float32").reshape(len(X), -1) - last[:, 0, :]


@dataclass
class ChangeForecaster:
    """A small recurrent model trained on windows' changes (``as_changes``): ``predict`` adds the
    predicted change to each window's last step."""

    model: object
    losses: list  # training loss per epoch, in the changes' units squared

    def predict(self, X) -> np.ndarray:
        X = np.asarray(X, dtype="float32")
        return X[:, -1, :] + np.asarray(self.model.predict(as_changes(X), batch_size=256, verbose=0))


def fit_changes(
    X, y, units: int = 8, epochs: int = 4, batch_size: int = 64, seed: int = 0, learning_rate: float = 0.01
) -> ChangeForecaster:
    """Train ``LSTM(units)`` plus a Dense output on the changes of windows ``X``
    ``(n, window, features)`` towards targets ``y`` ``(n, features)``; the training windows are
    shuffled each epoch (each carries its own past)."""
    keras = _keras()
    X, y = _windows_and_targets(X, y)
    changes, targets = as_changes(X, y)
    keras.utils.set_random_seed(seed)
    model = build(ModelSpec(layer="LSTM", features=X.shape[2], units=units, timesteps=X.shape[1], outputs=y.shape[1]))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    history = model.fit(changes, targets, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return ChangeForecaster(model, [float(v) for v in history.history["loss"]])
