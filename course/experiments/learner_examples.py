"""The learners' own networks, built and run: the examples their questions were about.

``dense_network`` builds a stack of Dense layers from its widths the Keras 3 way;
``keras2_network`` builds the same stack the Keras 2 way (``input_dim=`` or ``input_shape=`` on the
first layer) and keeps what Keras 3 says about it; ``fit_steps`` trains one and reports the
number Keras's progress bar counts to (its steps per epoch) next to the updates the optimizer
made, and the loss the bar shows: a classifier's cross-entropy on its logits where the network
has several outputs.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from course import shapes
from course._keras import keras as _keras

__all__ = [
    "SEED_000_WIDTHS",
    "SEED_002_WIDTHS",
    "FitSteps",
    "dense_network",
    "fit_steps",
    "keras2_network",
    "random_rows",
    "training_loss",
]

SEED_000_WIDTHS = (8, 12, 8, 1)  # 8 input columns, hidden layers of 12 and 8 units, one output
SEED_002_WIDTHS = (1, 16, 32, 2)  # 1 input value, hidden layers of 16 and 32 units, two outputs


def _widths(widths) -> tuple[int, ...]:
    widths = tuple(shapes.check_size("width", w) for w in widths)
    if len(widths) < 2:
        raise ValueError("Give at least the input width and one layer's width, e.g. (features, outputs).")
    return widths


def _layers(widths, first_kwargs: dict):
    keras = _keras()
    *hidden, outputs = widths[1:]
    layers = [
        keras.layers.Dense(units, activation="relu", name=f"hidden_{i}", **(first_kwargs if i == 1 else {}))
        for i, units in enumerate(hidden, start=1)
    ]
    layers.append(keras.layers.Dense(outputs, name="output", **(first_kwargs if not hidden else {})))
    return layers


def dense_network(widths, name: str = "network"):
    """``keras.Sequential`` reading ``widths[0]`` features through Dense layers of ``widths[1:]``
    units (ReLU on the hidden ones), declared with ``keras.Input``."""
    keras = _keras()
    widths = _widths(widths)
    return keras.Sequential([keras.Input(shape=(widths[0],), name="input"), *_layers(widths, {})], name=name)


def keras2_network(widths, argument: str = "input_dim", name: str = "network"):
    """The same stack spelled the Keras 2 way, the input given to the first layer as
    ``input_dim=features`` or ``input_shape=(features,)``. Returns the model and the messages of
    the warnings Keras 3 gave while building it."""
    keras = _keras()
    widths = _widths(widths)
    first = {"input_dim": {"input_dim": widths[0]}, "input_shape": {"input_shape": (widths[0],)}}.get(argument)
    if first is None:
        raise ValueError("argument is input_dim or input_shape, the two Keras 2 spellings of the input.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = keras.Sequential(_layers(widths, first), name=name)
    return model, [f"{w.category.__name__}: {w.message}" for w in caught]


@dataclass(frozen=True)
class FitSteps:
    rows: int
    batch_size: int
    epochs: int
    progress_bar_steps: int  # what Keras's progress bar counts to in each epoch ("10/10")
    updates: int  # the optimizer's own count after all epochs
    loss: float  # the last epoch's loss, the number the progress bar ends on


def _steps_seen():
    keras = _keras()

    class StepsSeen(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.steps = self.params.get("steps")

    return StepsSeen()


def random_rows(model, rows: int, seed: int = 0):
    """``rows`` rows of random data for ``model``: normal features, and targets to match its
    output (a class index per row for several outputs, a number in [0, 1) for one)."""
    rng = np.random.default_rng(seed)
    features, outputs = model.inputs[0].shape[-1], model.outputs[0].shape[-1]
    x = rng.normal(size=(rows, features)).astype("float32")
    y = rng.integers(0, outputs, size=(rows,)) if outputs > 1 else rng.random((rows, 1)).astype("float32")
    return x, y


def training_loss(model):
    """The loss ``fit_steps`` trains ``model`` with. Several outputs are a classifier's scores, one
    per class: the network ends in a plain Dense layer, so they are logits, and the cross-entropy
    takes them as such (``from_logits=True``) and applies the softmax itself. One output is a
    regression, trained on the squared error."""
    keras = _keras()
    if model.outputs[0].shape[-1] > 1:
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return keras.losses.MeanSquaredError()


def fit_steps(
    model,
    rows: int,
    batch_size: int | None = None,
    epochs: int = 1,
    steps_per_epoch: int | None = None,
    seed: int = 0,
    verbose: int = 0,
) -> FitSteps:
    """Train ``model`` on ``rows`` rows of random data (``random_rows``) with ``training_loss`` and
    report the progress bar's step count (the same ``params["steps"]`` the bar reads), the updates
    made and the loss the bar ends on. ``verbose=1`` shows the bar."""
    keras = _keras()
    x, y = random_rows(model, rows, seed)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=training_loss(model))
    seen = _steps_seen()
    history = model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=False,
        verbose=verbose,
        callbacks=[seen],
    )
    return FitSteps(
        rows,
        batch_size or 32,
        epochs,
        int(seen.steps),
        int(model.optimizer.iterations.numpy()),
        float(history.history["loss"][-1]),
    )
