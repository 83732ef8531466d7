"""Comparing batch sizes fairly: by epochs, by updates and by seconds.

``race`` reads finished training curves: how long each run took to reach one finishing line (the
worst final validation loss among them), counted in epochs, in weight updates and in seconds, and
which run won on each count. ``losses_at_equal_updates`` trains every batch size for the same
number of weight updates from the same starting weights, so a comparison of losses is not a
comparison of how often the weights moved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course import shapes
from course._keras import keras as _keras

__all__ = ["EqualUpdates", "Lap", "Race", "equal_updates_statement", "losses_at_equal_updates", "race"]

COUNTS = ("epochs", "updates", "seconds")


@dataclass(frozen=True)
class Lap:
    """When one run first reached the finishing line, and where it ended."""

    batch_size: int
    epochs: int
    updates: int
    seconds: float
    final_val_loss: float


@dataclass(frozen=True)
class Race:
    finish: float  # the finishing line: the worst final validation loss among the runs
    laps: tuple[Lap, ...]
    winners: dict  # "epochs" / "updates" / "seconds" -> the batch size that needed fewest

    @property
    def distinct_winners(self) -> int:
        return len(set(self.winners.values()))


def race(curves) -> Race:
    """Time every finished run to the finishing line that all of them crossed."""
    curves = [curve for curve in curves if curve.val_loss]
    if not curves:
        raise ValueError("No finished runs to compare: train some batch sizes first.")
    finish = max(curve.val_loss[-1] for curve in curves)
    laps = []
    for curve in curves:
        epoch = next(i for i, loss in enumerate(curve.val_loss) if loss <= finish)
        laps.append(
            Lap(
                curve.batch_size,
                epoch + 1,
                int(curve.updates[epoch]),
                float(curve.seconds[epoch]),
                float(curve.val_loss[-1]),
            )
        )
    winners = {count: min(laps, key=lambda lap: getattr(lap, count)).batch_size for count in COUNTS}
    return Race(float(finish), tuple(laps), winners)


@dataclass(frozen=True)
class EqualUpdates:
    """A run stopped after exactly ``updates`` weight updates."""

    batch_size: int
    updates: int
    rows_seen: int
    train_loss: float  # on the whole training set, final weights
    val_loss: float


def losses_at_equal_updates(
    split, batch_sizes, updates: int = 60, learning_rate: float = 0.1, seed: int = 0, units: int = 32, n_layers: int = 2
) -> list[EqualUpdates]:
    """Train each batch size for exactly ``updates`` updates, from the same starting weights
    (the same ``seed``), on batches dealt from a fresh shuffle every pass over the data. Returns
    one result per batch size, with the optimizer's own update count."""
    from course.experiments.generalisation import classifier

    keras = _keras()
    X_train, y_train, X_val, y_val = split
    shapes.check_size("updates", updates)
    sizes = [shapes.check_size("batch_size", b) for b in batch_sizes]
    for batch_size in sizes:
        if batch_size > len(X_train):
            raise ValueError(f"The batch size {batch_size} is larger than the {len(X_train)} training rows.")
    keras.utils.set_random_seed(seed)
    # one model, put back to the same starting weights for every batch size: plain SGD keeps no
    # state but its update counter, so each run starts exactly where the others did (and the
    # training step is traced once, not once per run)
    model = classifier(X_train.shape[1], units, n_layers, learning_rate)
    start = [w.copy() for w in model.get_weights()]
    results = []
    for batch_size in sizes:
        model.set_weights(start)
        model.optimizer.iterations.assign(0)
        rng = np.random.default_rng(seed)
        order, position, rows_seen = rng.permutation(len(X_train)), 0, 0
        for _ in range(updates):
            if position + batch_size > len(order):  # a fresh shuffle for every pass, whole batches only
                order, position = rng.permutation(len(X_train)), 0
            rows = order[position : position + batch_size]
            position += batch_size
            rows_seen += len(rows)
            model.train_on_batch(X_train[rows], y_train[rows])
        made = int(model.optimizer.iterations.numpy())
        train_loss = float(model.loss(y_train, model(X_train, training=False)))  # what evaluate() reports
        val_loss = float(model.loss(y_val, model(X_val, training=False)))
        results.append(EqualUpdates(batch_size, made, rows_seen, train_loss, val_loss))
    return results


def equal_updates_statement(results, close: float = 0.05) -> str:
    """What equal numbers of updates show: how far apart the losses ended, against the rows used."""
    rows = sorted(results, key=lambda r: r.batch_size)
    if len(rows) < 2:
        raise ValueError("Compare at least two batch sizes.")
    small, large = rows[0], rows[-1]
    best = min(rows, key=lambda r: r.val_loss)
    worst = max(rows, key=lambda r: r.val_loss)
    spread = (worst.val_loss - best.val_loss) / best.val_loss
    text = (
        f"After {small.updates} updates each, the validation losses ran from {best.val_loss:.3f} (batch {best.batch_size}) "
        f"to {worst.val_loss:.3f} (batch {worst.batch_size}), while batch {large.batch_size} used "
        f"{large.rows_seen / small.rows_seen:.0f}× the rows of batch {small.batch_size}. "
    )
    if spread <= close:
        return text + (
            f"That is within {close:.0%}: per update, the larger batches' extra rows bought almost nothing here, because a few "
            "rows already estimate this easy problem's gradient well."
        )
    return text + (
        f"That is {spread:.0%} apart: per update, the cleaner gradients of batch {best.batch_size} paid off, "
        "at the price of the extra rows each of its updates computed."
    )
