"""Deterministic example data and the order in which rows meet the model.

No TensorFlow here: everything is numpy and is generated, never downloaded.
"""

from __future__ import annotations

import numpy as np

from course import shapes

__all__ = ["example_table", "epoch_order", "epoch_batches"]


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
