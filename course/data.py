"""Deterministic example data and the order in which rows meet the model.

No TensorFlow here: everything is numpy and is generated, never downloaded.
"""

from __future__ import annotations

import numpy as np

from course import shapes

__all__ = ["example_table", "epoch_order", "epoch_batches", "two_moons", "train_val_split"]


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
