"""Deterministic example data and the order in which rows meet the model.

No TensorFlow here: everything is numpy and is generated, never downloaded.
"""

from __future__ import annotations

import numpy as np

from course import shapes

__all__ = [
    "example_table",
    "epoch_order",
    "epoch_batches",
    "two_moons",
    "train_val_split",
    "count_windows",
    "make_windows",
    "keras_windows",
    "example_series",
    "SERIES_KINDS",
    "windowing_code",
    "legacy_windowing_code",
    "stateful_layout",
    "stateful_dropped",
    "stateful_placed",
]


def example_table(n_samples: int = 50, features: int = 3, seed: int = 0):
    """A small regression table: ``X`` of shape ``(n_samples, features)`` and the target ``y`` of
    shape ``(n_samples, 1)``, a noisy linear function of the features.

    The same seed always gives the same table, so every number a lesson computes from it can be
    checked.
    """
    n_samples = shapes.check_size("n_samples", n_samples)
    features = shapes.check_size("features", features)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, features)).astype("float32")
    weights = rng.uniform(-2.0, 2.0, size=(features, 1))
    noise = 0.1 * rng.normal(size=(n_samples, 1))
    y = (X @ weights + 0.5 + noise).astype("float32")
    return X, y


def epoch_order(n_samples: int, epochs: int = 1, shuffle: bool = True, seed: int = 0) -> np.ndarray:
    """The row order of each epoch, shape ``(epochs, n_samples)``, rows numbered from 0.

    With ``shuffle`` every epoch (the first included) is a fresh permutation of all rows, as
    ``fit(..., shuffle=True)`` does; without it every epoch reads the rows in the table's order.
    """
    n_samples = shapes.check_size("n_samples", n_samples)
    epochs = shapes.check_size("epochs", epochs)
    if not shuffle:
        return np.tile(np.arange(n_samples), (epochs, 1))
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(n_samples) for _ in range(epochs)])


def epoch_batches(order, batch_size: int, drop_remainder: bool = False) -> list[np.ndarray]:
    """Split one epoch's row order into its batches; the last one holds what is left."""
    order = np.asarray(order)
    bounds = shapes.batch_bounds(len(order), batch_size, drop_remainder)
    return [order[start:stop] for start, stop in bounds]


def two_moons(n_samples: int = 1024, noise: float = 0.25, flip: float = 0.1, seed: int = 0):
    """Two interleaving half-moons, a small 2-feature classification problem.

    ``noise`` blurs the points and ``flip`` gives that share of rows the wrong label, so a network
    can over-fit the training rows: the setting in which batch size and generalisation meet.
    Returns ``X`` of shape ``(n_samples, 2)`` and labels ``y`` of shape ``(n_samples, 1)``.
    """
    n_samples = shapes.check_size("n_samples", n_samples)
    if not 0 <= flip < 0.5:
        raise ValueError(f"flip is a share of labels to flip, from 0 up to (not including) 0.5; got {flip}.")
    rng = np.random.default_rng(seed)
    upper = rng.random(n_samples) < 0.5
    angle = rng.uniform(0, np.pi, n_samples)
    x = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    X = np.stack([x, y], axis=1) + noise * rng.normal(size=(n_samples, 2))
    labels = (~upper).astype("float32")
    flipped = rng.random(n_samples) < flip
    labels[flipped] = 1 - labels[flipped]
    return X.astype("float32"), labels[:, None]


def train_val_split(X, y, val_fraction: float = 0.5, seed: int = 0):
    """Shuffle the rows once (by ``seed``) and split them into training and validation sets."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction}.")
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = max(1, int(round(len(X) * val_fraction)))
    val, train = order[:n_val], order[n_val:]
    return X[train], y[train], X[val], y[val]


def _series_2d(series) -> np.ndarray:
    values = np.asarray(series)
    if values.ndim == 1:
        return values[:, None]
    if values.ndim == 2:
        return values
    raise ValueError(
        f"A series is 1-D (time,) or 2-D (time, features); got {values.ndim} axes with shape {values.shape}."
    )


def count_windows(length: int, window: int, horizon: int = 1, stride: int = 1) -> int:
    """How many (window, target) pairs a series of ``length`` steps gives; explains the impossible."""
    length = shapes.check_size("the series length", length)
    window = shapes.check_size("window", window)
    stride = shapes.check_size("stride", stride)
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(
            f"horizon must be 1 or more, got {horizon!r}: horizon 1 predicts the step right after the window; "
            "with 0 the target would be the window's own last step, already in the input."
        )
    if window + horizon > length:
        raise ValueError(
            f"A window of {window} steps plus a horizon of {horizon} needs at least {window + horizon} steps, "
            f"but the series has {length}: shorten the window or the horizon."
        )
    return (length - window - horizon) // stride + 1


def make_windows(series, window: int, horizon: int = 1, stride: int = 1):
    """Cut a series into input windows and their targets.

    ``series`` is 1-D ``(time,)`` or 2-D ``(time, features)``. Window ``i`` is
    ``series[i*stride : i*stride + window]`` and its target is
    ``series[i*stride + window + horizon - 1]``. Returns ``X`` of shape
    ``(n_windows, window, features)`` (features = 1 for a 1-D series) and ``y`` of shape
    ``(n_windows, features)``: the same windows ``keras.utils.timeseries_dataset_from_array``
    gives for the same settings (see ``keras_windows``).
    """
    values = _series_2d(series)
    n = count_windows(len(values), window, horizon, stride)
    views = np.lib.stride_tricks.sliding_window_view(values, window, axis=0)  # (time-window+1, features, window)
    X = views[: (n - 1) * stride + 1 : stride].transpose(0, 2, 1)
    y = values[window + horizon - 1 : window + horizon - 1 + (n - 1) * stride + 1 : stride]
    return np.ascontiguousarray(X), np.ascontiguousarray(y)


def keras_windows(series, window: int, horizon: int = 1, stride: int = 1, batch_size: int = 32):
    """The same windows made by Keras 3's ``keras.utils.timeseries_dataset_from_array`` (the
    replacement for the removed ``TimeseriesGenerator``): a list of ``(X_batch, y_batch)`` numpy
    pairs, in order."""
    from course._keras import keras as _keras

    values = _series_2d(series)
    count_windows(len(values), window, horizon, stride)
    dataset = _keras().utils.timeseries_dataset_from_array(
        values[: len(values) - horizon],
        values[window + horizon - 1 :],
        sequence_length=window,
        sequence_stride=stride,
        batch_size=batch_size,
        shuffle=False,
    )
    return [(np.asarray(x), np.asarray(y)) for x, y in dataset]


def example_series(kind: str = "counting", length: int | None = None, seed: int = 0) -> np.ndarray:
    """The series the windowing lesson cuts.

    ``"counting"``: the numbers 1, 2, ..., ``length`` (10 unless given), so every window shows the
    steps it holds; ``"noisy sine"`` (1-D, 60 steps unless given); ``"several features"`` (a 2-D
    series of 3 related signals, 60 steps unless given). ``"1..10"`` is the name the
    WindowExplorer's menu shows for the counting series at its usual length.
    """
    if kind in ("counting", "1..10"):
        length = shapes.check_size("length", 10 if length is None else length)
        return np.arange(1, length + 1, dtype="float32")
    rng = np.random.default_rng(seed)
    t = np.arange(length or 60, dtype="float32")
    if kind == "noisy sine":
        return (np.sin(2 * np.pi * t / 20) + 0.15 * rng.normal(size=t.shape)).astype("float32")
    if kind == "several features":
        base = np.sin(2 * np.pi * t / 20)
        return np.stack([base, np.cos(2 * np.pi * t / 20), 0.5 * base + 0.1 * rng.normal(size=t.shape)], axis=1).astype(
            "float32"
        )
    raise ValueError(
        f"kind must be 'counting' (the numbers 1 to length; the explorer calls it '1..10'), 'noisy sine' "
        f"or 'several features', got {kind!r}."
    )


#: The series the WindowExplorer offers, by the names its menu shows ("1..10" is the counting series).
SERIES_KINDS = ("1..10", "noisy sine", "several features")


def windowing_code(window: int, horizon: int = 1, stride: int = 1, batch_size: int = 32) -> str:
    """Keras 3 code that makes the same windows as ``make_windows`` (``series`` is your array)."""
    return (
        "import keras\n\n"
        f"# window {window}, target {horizon} step(s) after it; a 1-D series becomes one feature,\n"
        "# so the windows come out as (batch, timesteps, features), the shape an LSTM reads\n"
        "values = series.reshape(len(series), -1)\n"
        "dataset = keras.utils.timeseries_dataset_from_array(\n"
        f"    values[:-{horizon}],            # inputs: every step that can start or fill a window\n"
        f"    values[{window + horizon - 1}:],{' ' * max(1, 14 - len(str(window + horizon - 1)))}# targets: target i belongs to the window starting at step i\n"
        f"    sequence_length={window},\n"
        f"    sequence_stride={stride},\n"
        f"    batch_size={batch_size},\n"
        ")\n"
    )


def legacy_windowing_code(window: int, stride: int = 1, batch_size: int = 32) -> str:
    """The Keras 2 ``TimeseriesGenerator`` call that older tutorials show, for comparison.

    Its import fails on Keras 3: ``keras.utils.timeseries_dataset_from_array`` replaces it.
    """
    return (
        "# Keras 2 style: this import fails on Keras 3\n"
        "from keras.preprocessing.sequence import TimeseriesGenerator\n\n"
        f"generator = TimeseriesGenerator(series, series, length={window}, stride={stride}, batch_size={batch_size})\n"
    )


def stateful_layout(n_steps: int, batch_size: int, timesteps: int) -> np.ndarray:
    """Indices into a series of ``n_steps`` laid out for a stateful recurrent layer.

    The series is cut into ``batch_size`` equal, consecutive streams, one per row of the batch;
    each stream into chunks of ``timesteps``. Batch ``k`` row ``i`` is chunk ``k`` of stream ``i``,
    so row ``i`` of batch ``k+1`` starts exactly where row ``i`` of batch ``k`` ended and the
    layer's state for row ``i`` carries on. Returns ``(n_batches, batch_size, timesteps)``;
    the ``n_steps - n_batches * batch_size * timesteps`` steps at the end that do not fill whole
    batches are dropped (``stateful_dropped`` counts them).
    """
    n_steps = shapes.check_size("n_steps", n_steps)
    batch_size = shapes.check_size("batch_size", batch_size)
    timesteps = shapes.check_size("timesteps", timesteps)
    n_batches = n_steps // (batch_size * timesteps)
    if n_batches == 0:
        raise ValueError(
            f"{n_steps} steps cannot fill even one batch of {batch_size} streams × {timesteps} timesteps "
            f"({batch_size * timesteps} steps): use a longer series, a smaller batch size or fewer timesteps."
        )
    stream_length = n_batches * timesteps
    starts = np.arange(batch_size)[None, :, None] * stream_length + np.arange(n_batches)[:, None, None] * timesteps
    return starts + np.arange(timesteps)[None, None, :]


def stateful_dropped(n_steps: int, batch_size: int, timesteps: int, layout=None) -> int:
    """How many steps at the end of the series ``stateful_layout`` leaves out (``layout``: what
    ``stateful_layout`` gave for these settings, where it is at hand, so as not to lay it out again)."""
    if layout is None:
        layout = stateful_layout(n_steps, batch_size, timesteps)
    return int(n_steps - layout.size)


def stateful_placed(layout, order=None) -> np.ndarray:
    """``layout`` (``stateful_layout``'s ``(n_batches, batch_size, timesteps)``) with its samples
    taken in ``order``, a permutation of them as ``fit(shuffle=True)`` makes (sample
    ``k * batch_size + i`` is chunk ``k`` of stream ``i``): what row ``i`` of batch ``k`` then
    holds. Without ``order``, the layout itself."""
    layout = np.asarray(layout)
    if order is None:
        return layout
    return layout.reshape(-1, layout.shape[-1])[np.asarray(order)].reshape(layout.shape)
