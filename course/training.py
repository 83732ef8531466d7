"""Real, tiny tf.keras training runs whose every batch is recorded.

The rows of each batch are decided here (``course.data.epoch_order``) and handed to ``fit`` in
that order with ``shuffle=False``, so what a figure shows as "batch 3 of epoch 2" is exactly what
Keras trained on. A callback counts the batches Keras really ran.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course import data, shapes
from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = [
    "EpochRun",
    "run_epochs",
    "batch_losses",
    "GradientCheck",
    "gradient_check",
    "flat_gradient",
    "compile_model",
]


DEFAULT_UNITS = 8


def batch_losses(running_means, batch_sizes) -> np.ndarray:
    """Each batch's own loss, recovered from the running epoch mean Keras logs after a batch.

    Keras reports, after batch ``k``, the mean loss of the epoch so far, weighting each batch by
    its number of samples; so batch ``k``'s loss is ``(S_k m_k - S_(k-1) m_(k-1)) / n_k`` with
    ``S_k`` the samples seen and ``m_k`` the logged mean.
    """
    means = np.asarray(running_means, dtype="float64")
    sizes = np.asarray(batch_sizes, dtype="float64")
    if means.shape != sizes.shape:
        raise ValueError("need one running mean per batch size")
    totals = np.cumsum(sizes) * means
    return np.diff(totals, prepend=0.0) / sizes


def compile_model(model, learning_rate: float = 0.05):
    """Compile for regression with plain SGD, so one batch means exactly one weight update."""
    keras = _keras()
    learning_rate = shapes.check_learning_rate(learning_rate)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model


@dataclass
class EpochRun:
    """What one training run did, batch by batch."""

    batch_size: int
    rows: list  # rows[e][k]: the row numbers (from 0) in batch k of epoch e
    losses: list  # losses[e][k]: that batch's own loss
    batches_run: list  # batches Keras ran in each epoch, counted by a callback
    updates: int  # the optimizer's own count of weight updates
    model: object = None

    @property
    def iterations(self) -> int:
        return self.batches_run[0] if self.batches_run else 0


def _recorder():
    keras = _keras()

    class BatchRecorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.means = []

        def on_train_batch_end(self, batch, logs=None):
            self.means.append(float(logs["loss"]))

    return BatchRecorder()


def run_epochs(
    X,
    y,
    batch_size: int,
    epochs: int = 1,
    shuffle: bool = True,
    seed: int = 0,
    learning_rate: float = 0.05,
    units: int = DEFAULT_UNITS,
    model=None,
) -> EpochRun:
    """Train a small Dense network on ``(X, y)`` and record every batch.

    ``model`` may be given (compiled or not); otherwise one hidden layer of ``units`` is built
    with weights fixed by ``seed``.
    """
    keras = _keras()
    X = np.asarray(X, dtype="float32")
    y = np.asarray(y, dtype="float32")
    n_samples = len(X)
    shapes.check_size("batch_size", batch_size)
    if model is None:
        keras.utils.set_random_seed(seed)
        model = build(ModelSpec(features=X.shape[1], units=units, outputs=y.shape[1]))
    if getattr(model, "optimizer", None) is None or not model.compiled:
        compile_model(model, learning_rate)
    order = data.epoch_order(n_samples, epochs, shuffle, seed)
    run = EpochRun(batch_size, [], [], [], 0, model)
    for epoch_rows in order:
        recorder = _recorder()
        model.fit(
            X[epoch_rows],
            y[epoch_rows],
            batch_size=batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
            callbacks=[recorder],
        )
        batches = data.epoch_batches(epoch_rows, batch_size)
        run.rows.append([b.tolist() for b in batches])
        run.batches_run.append(len(recorder.means))
        run.losses.append(batch_losses(recorder.means, [len(b) for b in batches]).tolist())
    run.updates = int(model.optimizer.iterations.numpy())
    return run


@dataclass
class GradientCheck:
    """A batch's loss and gradient, against the same computed one sample at a time."""

    batch_loss: float
    sample_losses: list
    max_gradient_difference: float

    @property
    def mean_sample_loss(self) -> float:
        return float(np.mean(self.sample_losses))


def _loss_and_gradients(model, X, y):
    """The mean squared error of ``model`` on ``(X, y)`` and its gradient for every weight."""
    keras = _keras()
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = keras.losses.MeanSquaredError()(y, model(X, training=True))
    return float(loss), [g.numpy() for g in tape.gradient(loss, model.trainable_weights)]


def gradient_check(model, X, y) -> GradientCheck:
    """Compare one batch pushed through ``model`` at once with its samples taken one by one.

    The batch's loss equals the mean of the samples' losses, and its gradient equals the mean of
    the samples' gradients, so processing the rows in parallel gives the same update as
    processing them one by one and averaging.
    """
    X = np.asarray(X, dtype="float32")
    y = np.asarray(y, dtype="float32")
    batch_loss, batch_grads = _loss_and_gradients(model, X, y)
    per_sample = [_loss_and_gradients(model, X[i : i + 1], y[i : i + 1]) for i in range(len(X))]
    mean_grads = [np.mean([grads[j] for _, grads in per_sample], axis=0) for j in range(len(batch_grads))]
    difference = max(float(np.max(np.abs(b - m))) for b, m in zip(batch_grads, mean_grads))
    return GradientCheck(batch_loss, [loss for loss, _ in per_sample], difference)


def flat_gradient(model, X, y) -> np.ndarray:
    """The gradient of the mean squared error of ``model`` on ``(X, y)`` with respect to every
    trainable weight, flattened into one vector (kernels and biases, layer by layer).

    With plain SGD one update moves the weights by ``-learning_rate`` times this vector, so two
    sets of rows give the same update exactly when their gradients agree. Pass one row as
    ``X[i : i + 1]`` to get the update that row alone would make.
    """
    X = np.asarray(X, dtype="float32")
    y = np.asarray(y, dtype="float32")
    if X.ndim < 2 or len(X) == 0 or len(X) != len(y):
        raise ValueError(
            f"Need at least one row, with the rows on the first axis and as many targets as rows; "
            f"got X of shape {X.shape} and y of shape {y.shape}. For a single row i use X[i:i+1]."
        )
    _, gradients = _loss_and_gradients(model, X, y)
    return np.concatenate([g.ravel() for g in gradients])
