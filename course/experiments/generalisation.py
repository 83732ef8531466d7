"""Batch size and generalisation (lesson 03): whole training runs of a small classifier on a
train/validation split, recorded epoch by epoch, and the generalisation gap they end with, read
across seeds. How many rows a second each batch size gets through is ``throughput``; how long each
run took to reach a common finishing line is ``batch_race``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from course import shapes
from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = ["TrainingCurve", "train_curve", "classifier", "GapSummary", "gap_summaries", "gap_statement"]


@dataclass
class TrainingCurve:
    """One training run on a train/validation split, epoch by epoch."""

    batch_size: int
    learning_rate: float
    seed: int
    epochs_asked: int
    train_loss: list  # the mean training loss Keras logged over each epoch
    val_loss: list  # the validation loss after each epoch
    updates: list  # the optimizer's own update count at the end of each epoch
    seconds: list  # wall-clock seconds since the start, at the end of each epoch
    final_train_loss: float = float("nan")  # both evaluated on the final weights
    final_val_loss: float = float("nan")
    stopped: str | None = None  # None, "stopped" (by the learner) or "time cap"
    model: object = field(default=None, repr=False, compare=False)  # the trained model, if kept

    @property
    def epochs_done(self) -> int:
        return len(self.train_loss)

    @property
    def gap(self) -> float:
        """Validation loss minus training loss on the final weights: the generalisation gap."""
        return self.final_val_loss - self.final_train_loss


def classifier(
    features: int, units: int = 32, n_layers: int = 2, learning_rate: float = 0.1, steps_per_execution: int = 1
):
    """A small Dense binary classifier (logits out), compiled with plain SGD.

    ``steps_per_execution`` runs that many updates per call into TensorFlow: the same updates in
    the same order (the same losses), with less Python overhead per batch."""
    keras = _keras()
    learning_rate = shapes.check_learning_rate(learning_rate)
    model = build(ModelSpec(features=features, units=units, n_layers=n_layers))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        steps_per_execution=steps_per_execution,
    )
    return model


def _watcher(time_cap, should_stop, on_epoch, on_batch=None):
    """A callback that stops training when asked or when the time cap passes, and records each
    epoch (updates and seconds)."""
    keras = _keras()

    class Watcher(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.start = time.perf_counter()
            self.epochs = []  # (logs, updates, seconds, epoch seconds)
            self.stopped = None
            self.epoch_start = self.start

        def _check(self):
            if should_stop is not None and should_stop():
                self.stopped = "stopped"
            elif time_cap is not None and time.perf_counter() - self.start > time_cap:
                self.stopped = "time cap"
            if self.stopped:
                self.model.stop_training = True

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if on_batch is not None:
                on_batch(batch)
            self._check()

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            updates = int(self.model.optimizer.iterations.numpy())
            self.epochs.append((dict(logs or {}), updates, now - self.start, now - self.epoch_start))
            if on_epoch is not None:
                on_epoch(len(self.epochs))
            self._check()

    return Watcher()


def train_curve(
    split,
    batch_size: int,
    learning_rate: float = 0.1,
    epochs: int = 20,
    seed: int = 0,
    units: int = 32,
    n_layers: int = 2,
    time_cap: float | None = None,
    should_stop=None,
    on_epoch=None,
    keep_model: bool = False,
) -> TrainingCurve:
    """Train a fresh classifier on ``split = (X_train, y_train, X_val, y_val)`` and record the
    training and validation loss, the updates made and the seconds spent after every epoch.

    ``should_stop`` (a function) and ``time_cap`` (seconds) end the run early; what was done by
    then is kept and ``stopped`` says why.
    """
    keras = _keras()
    X_train, y_train, X_val, y_val = split
    batch_size = shapes.check_size("batch_size", batch_size)
    if batch_size > len(X_train):
        raise ValueError(
            f"The batch size {batch_size} is larger than the {len(X_train)} training rows: the largest "
            f"batch is the whole training set ({len(X_train)}, full-batch gradient descent)."
        )
    shapes.check_size("epochs", epochs)
    keras.utils.set_random_seed(seed)
    # 16 updates per call into TensorFlow: the same run, about 30% faster for small batches; the
    # stop button and the time cap are checked every 16 updates.
    model = classifier(X_train.shape[1], units, n_layers, learning_rate, steps_per_execution=16)
    watcher = _watcher(time_cap, should_stop, on_epoch)
    model.fit(
        X_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(X_val, y_val),
        validation_batch_size=len(X_val),
        shuffle=True,
        verbose=0,
        callbacks=[watcher],
    )
    curve = TrainingCurve(
        batch_size,
        float(learning_rate),
        seed,
        epochs,
        [float(logs["loss"]) for logs, *_ in watcher.epochs],
        [float(logs.get("val_loss", np.nan)) for logs, *_ in watcher.epochs],
        [updates for _, updates, *_ in watcher.epochs],
        [seconds for _, _, seconds, _ in watcher.epochs],
        stopped=watcher.stopped,
    )
    curve.final_train_loss = float(model.evaluate(X_train, y_train, batch_size=len(X_train), verbose=0))
    curve.final_val_loss = float(model.evaluate(X_val, y_val, batch_size=len(X_val), verbose=0))
    curve.model = model if keep_model else None
    return curve


@dataclass
class GapSummary:
    batch_size: int
    gaps: list  # one generalisation gap per seed
    val_losses: list

    @property
    def mean(self) -> float:
        return float(np.mean(self.gaps))

    @property
    def spread(self) -> float:
        """The standard deviation across seeds (0 with one seed)."""
        return float(np.std(self.gaps))


def gap_summaries(curves) -> list[GapSummary]:
    """Group finished runs by batch size: the generalisation gap of each seed."""
    groups: dict[int, GapSummary] = {}
    for curve in curves:
        summary = groups.setdefault(curve.batch_size, GapSummary(curve.batch_size, [], []))
        summary.gaps.append(curve.gap)
        summary.val_losses.append(curve.final_val_loss)
    return [groups[size] for size in sorted(groups)]


def gap_statement(small: GapSummary, large: GapSummary) -> str:
    """A plain reading of two batch sizes' gaps: what this data shows, and what it does not."""
    seeds = min(len(small.gaps), len(large.gaps))
    head = (
        f"Over {seeds} seed{'s' if seeds != 1 else ''}, batch {small.batch_size} ended with a gap of "
        f"{small.mean:.3f} ± {small.spread:.3f} and batch {large.batch_size} with {large.mean:.3f} ± {large.spread:.3f}. "
    )
    difference = large.mean - small.mean
    if seeds < 2:
        verdict = "With one seed there is no spread to compare with: run more seeds before reading anything into it."
    elif abs(difference) > small.spread + large.spread:
        bigger = large.batch_size if difference > 0 else small.batch_size
        verdict = (
            f"The difference ({abs(difference):.3f}) is larger than the spread across seeds, so on this problem "
            f"batch {bigger} generalised worse at these settings."
        )
    else:
        verdict = (
            f"The difference ({abs(difference):.3f}) is within the spread across seeds: this data does not show "
            "that either batch size generalises better."
        )
    caveat = (
        " It is one small problem, one learning rate and a fixed number of epochs; with the same epochs a "
        "large batch also makes far fewer updates, so part of any difference is less training, not worse generalisation."
    )
    return head + verdict + caveat
