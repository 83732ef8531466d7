"""Stateful LSTMs as learners meet them (lesson 07): a real stateful model run once, the stack
from the old documentation example, which sample counts a stateful batch size accepts, and which
reset spellings still run on Keras 3; and a stateful model trained on a long series.

Everything here builds and runs real Keras models. ``reset_stateful`` resets a model's state (Keras
3 has no ``model.reset_states()``); ``stateful_equivalence`` shows that a state carried from chunk
to chunk computes what one long sequence does; ``stateful_samples`` lays a series out as streams
(``course.data.stateful_layout``) and ``fit_stateful`` trains on them, resetting between epochs;
``faq_run`` fits the stack of the Keras FAQ on the FAQ's own numbers of sequences and counts the
batches Keras runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from course import data, shapes
from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = [
    "StatefulRun",
    "stateful_run",
    "SEED_STACK",
    "WholeBatches",
    "whole_batches",
    "reset_spellings",
    "stateful_code",
    "reset_stateful",
    "stateful_equivalence",
    "stateful_samples",
    "fit_stateful",
    "FAQRun",
    "faq_run",
]


@dataclass(frozen=True)
class StatefulRun:
    """What came out of one batch through a freshly built stateful model."""

    input_shape: tuple
    state_shape: tuple  # of the first layer's hidden state h: one row per row of the batch
    output_shape: tuple
    lstm_params: int  # of the first recurrent layer


def stateful_run(batch_size: int, features: int, units: int = 32, timesteps: int = 8) -> StatefulRun:
    """Build a stateful ``LSTM(units)`` model for batches of ``batch_size`` sequences of
    ``timesteps`` steps of ``features`` values, run one batch through it, report the shapes."""
    spec = ModelSpec(
        layer="LSTM", features=features, units=units, timesteps=timesteps, batch_size=batch_size, stateful=True
    )
    model = build(spec)
    x = np.random.default_rng(0).normal(size=(batch_size, timesteps, features)).astype("float32")
    out = model(x)
    layer = model.get_layer("hidden_1")
    return StatefulRun(tuple(model.input_shape), tuple(layer.states[0].shape), tuple(out.shape), layer.count_params())


# The stateful stack of the old Keras documentation example that learners ask about: batches of
# 32 sequences of 8 steps of 16 features, three stateful LSTM(32), and a Dense(10) output.
SEED_STACK = ModelSpec(
    layer="LSTM", features=16, units=32, timesteps=8, batch_size=32, n_layers=3, stateful=True, outputs=10
)


@dataclass(frozen=True)
class WholeBatches:
    """How ``n_samples`` sequences fall into whole batches of a stateful model."""

    n_samples: int
    batch_size: int

    @property
    def divides(self) -> bool:
        return self.n_samples % self.batch_size == 0

    @property
    def kept(self) -> int:
        return shapes.iterations_per_epoch(self.n_samples, self.batch_size, drop_remainder=True) * self.batch_size

    @property
    def last_batch(self) -> int:
        """Rows in the last batch ``fit`` would make without trimming (a stateful model fails on it
        when it is short)."""
        return shapes.last_batch_size(self.n_samples, self.batch_size)


def whole_batches(counts, batch_size: int) -> list[WholeBatches]:
    """For every sample count, whether ``batch_size`` divides it and what trimming keeps."""
    return [WholeBatches(int(n), shapes.check_size("batch_size", batch_size)) for n in counts]


def reset_spellings() -> dict:
    """Run every reset spelling found online on a real stateful model that has just read a batch:
    ``{spelling: "resets the state" | "runs but leaves the state" | the exception's type name}``."""
    model = build(ModelSpec(layer="LSTM", features=1, units=4, timesteps=3, batch_size=2, stateful=True))
    layer = model.get_layer("hidden_1")
    x = np.ones((2, 3, 1), dtype="float32")
    calls = {
        "layer.reset_state()": lambda: layer.reset_state(),
        "layer.reset_states()": lambda: layer.reset_states(),
        "model.reset_states()": lambda: model.reset_states(),
    }
    found = {}
    for spelling, call in calls.items():
        model(x)
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - the exception's type is the answer
            found[spelling] = type(exc).__name__
            continue
        zero = all(bool(np.all(np.asarray(state) == 0)) for state in layer.states)
        found[spelling] = "resets the state" if zero else "runs but leaves the state"
    return found


def stateful_code(n_steps: int, batch_size: int, timesteps: int, units: int = 8, epochs: int = 3) -> str:
    """Standalone Keras 3 code (numpy and keras only): the stateful model, a series laid out as
    streams so that row ``i`` of every batch continues row ``i`` of the batch before, and the
    training loop that keeps the order and resets the state between epochs."""
    n, b, t = n_steps, batch_size, timesteps
    n_batches = n // (b * t)
    if n_batches == 0:
        raise ValueError(f"{n} steps cannot fill one batch of {b} streams × {t} timesteps.")
    spec = ModelSpec(layer="LSTM", features=1, units=units, timesteps=t, batch_size=b, stateful=True)
    from course.models import to_code

    return to_code(spec) + (
        "\nmodel.compile(optimizer='adam', loss='mse')\n\n"
        "import numpy as np\n\n"
        f"series = np.sin(np.arange({n + 1}) / 5).astype('float32')  # your series, one step longer for the last target\n"
        f"n_batches = {n} // ({b} * {t})  # whole batches only: the {n - n_batches * b * t} steps left over are dropped\n"
        f"starts = np.arange({b})[None, :] * n_batches * {t} + np.arange(n_batches)[:, None] * {t}  # stream i, chunk k\n"
        f"layout = starts[..., None] + np.arange({t})  # (batches, {b}, {t}): row i of every batch is stream i\n"
        f"x = series[layout].reshape(-1, {t}, 1)  # sample k*{b}+i = chunk k of stream i\n"
        "y = series[layout[..., -1] + 1].reshape(-1, 1)  # the step after each chunk\n"
        f"for epoch in range({epochs}):\n"
        f"    model.fit(x, y, batch_size={b}, epochs=1, shuffle=False, verbose=0)\n"
        "    for layer in model.layers:\n"
        "        if getattr(layer, 'stateful', False):\n"
        "            layer.reset_state()  # layer.reset_states() is an alias; model.reset_states() is gone\n"
    )


def reset_stateful(model) -> int:
    """Reset the state of every stateful recurrent layer of ``model`` (Keras 3 has no
    ``model.reset_states()``); returns how many layers were reset."""
    count = 0
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_state()
            count += 1
    return count


def stateful_equivalence(
    layer: str = "LSTM",
    units: int = 4,
    features: int = 1,
    timesteps: int = 5,
    n_chunks: int = 4,
    batch_size: int = 2,
    seed: int = 0,
) -> dict:
    """Feed ``batch_size`` long sequences to a stateful layer chunk by chunk, and the same
    sequences whole to a stateless layer with the same weights.

    Returns the largest difference between their final outputs when the state carries over
    between chunks (tiny: the same computation), and when it is reset between chunks (large).
    """
    keras = _keras()
    keras.utils.set_random_seed(seed)
    whole = build(ModelSpec(layer=layer, features=features, units=units, timesteps=timesteps * n_chunks))
    stateful = build(
        ModelSpec(
            layer=layer, features=features, units=units, timesteps=timesteps, batch_size=batch_size, stateful=True
        )
    )
    stateful.set_weights(whole.get_weights())
    sequences = np.random.default_rng(seed).normal(size=(batch_size, timesteps * n_chunks, features)).astype("float32")
    reference = np.asarray(whole.get_layer("hidden_1")(sequences))
    results = {}
    for mode in ("carry", "reset"):
        reset_stateful(stateful)
        for k in range(n_chunks):
            if mode == "reset":
                reset_stateful(stateful)
            last = np.asarray(stateful.get_layer("hidden_1")(sequences[:, k * timesteps : (k + 1) * timesteps]))
        results[f"{mode}_difference"] = float(np.max(np.abs(last - reference)))
    reset_stateful(stateful)
    return results


def stateful_samples(series, batch_size: int, timesteps: int):
    """``X`` ``(n_batches * batch_size, timesteps, 1)`` and next-step targets ``y`` for a stateful
    model, ordered so that ``fit(..., batch_size=batch_size, shuffle=False)`` hands row ``i`` of
    every batch the next chunk of stream ``i``."""
    values = np.asarray(series, dtype="float32").reshape(-1)
    layout = data.stateful_layout(len(values) - 1, batch_size, timesteps)  # keep one step for the last target
    X = values[layout].reshape(-1, timesteps, 1)
    y = values[layout[..., -1] + 1].reshape(-1, 1)
    return X, y


def fit_stateful(series, batch_size: int, timesteps: int, units: int = 8, epochs: int = 10, seed: int = 0) -> dict:
    """Train a stateful LSTM on a long series laid out in streams, resetting the state between
    epochs; returns the model and the loss of each epoch."""
    keras = _keras()
    X, y = stateful_samples(series, batch_size, timesteps)
    keras.utils.set_random_seed(seed)
    model = build(
        ModelSpec(layer="LSTM", features=1, units=units, timesteps=timesteps, batch_size=batch_size, stateful=True)
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="mse")
    losses = []
    for _ in range(epochs):
        history = model.fit(X, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        losses.append(float(history.history["loss"][0]))
        reset_stateful(model)
    return {"model": model, "losses": losses, "X": X, "y": y}


@dataclass(frozen=True)
class FAQRun:
    """The FAQ's stateful stack fitted on the FAQ's own data, with Keras counting the batches."""

    n_train: int
    n_val: int
    batch_size: int
    train_batches: int  # batches fit ran, counted by a callback
    val_batches: int
    failed_at: int | None  # the batch number (from 1) where fit stopped, or None when it finished
    failed_in: str | None  # "training" or "validation" (None when fit finished)
    error: BaseException | None
    model: object = field(default=None, repr=False, compare=False)  # the compiled stack, to reuse

    @property
    def train(self) -> WholeBatches:
        return WholeBatches(self.n_train, self.batch_size)

    @property
    def validation(self) -> WholeBatches:
        return WholeBatches(self.n_val, self.batch_size)

    def stream(self, row: int) -> list[int]:
        """The training sequences (numbered from 0) that row ``row`` of the batch reads, batch after
        batch, carrying its state: ``row``, ``row + batch_size``, ... ."""
        return list(range(row, self.train.kept, self.batch_size))

    def sentence(self) -> str:
        head = f"{self.n_train} training and {self.n_val} validation sequences in batches of {self.batch_size}: "
        if self.error is None:
            return head + (
                f"Keras ran {self.train_batches} training and {self.val_batches} validation batches. "
                f"{self.n_train} = {self.train.kept // self.batch_size} × {self.batch_size} and {self.n_val} = "
                f"{self.validation.kept // self.batch_size} × {self.batch_size} leave no remainder, so no batch was "
                f"short, and each of the {self.batch_size} rows carried its state through all {self.train_batches} "
                "training batches."
            )
        short = self.train if self.failed_in == "training" else self.validation
        done = (
            f"Keras ran {self.train_batches} full training batches"
            if self.failed_in == "training"
            else f"Keras ran all {self.train_batches} training batches and {self.val_batches} full validation batches"
        )
        if short.divides:  # the failure was not a short batch
            return head + f"{done}, then stopped with {type(self.error).__name__}: {self.error}"
        short_number = short.kept // self.batch_size + 1
        if self.failed_at != short_number:  # refused before the short batch came
            return head + (
                f"{done}, then stopped at {self.failed_in} batch {self.failed_at} with {type(self.error).__name__}, "
                f"before the short batch {short_number} of {short.last_batch} rows was reached: this Keras refused "
                "the whole run, not only the short batch."
            )
        return head + (
            f"{done}, then stopped at {self.failed_in} batch {self.failed_at}, whose {short.last_batch} rows met a "
            f"state kept for {self.batch_size} ({type(self.error).__name__})."
        )


def faq_run(n_train: int = 320, n_val: int = 96, batch_size: int = 32, model=None, seed: int = 0) -> FAQRun:
    """Fit the FAQ's stack (``SEED_STACK``, three stateful LSTM(32) on batches of (32, 8, 16) and a
    Dense(10)) for one epoch on random numbers of the FAQ's shapes: ``n_train`` training sequences,
    ``n_val`` validation sequences (``0`` for none), ``shuffle=False``. A callback counts the batches
    Keras runs; an error is caught and kept, not raised. Pass ``model`` to reuse a compiled stack."""
    keras = _keras()
    spec = SEED_STACK if batch_size == SEED_STACK.batch_size else replace(SEED_STACK, batch_size=batch_size)
    if model is None:
        keras.utils.set_random_seed(seed)
        model = build(spec)
        model.compile(optimizer="rmsprop", loss="mse")
    rng = np.random.default_rng(seed)

    def numbers(n):
        return (
            rng.random((n, spec.timesteps, spec.features), dtype="float32"),
            rng.random((n, spec.outputs), dtype="float32"),
        )

    counts = {"train": 0, "validation": 0}
    phase = ["training"]

    class Count(keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            phase[0] = "validation"

        def on_train_batch_end(self, batch, logs=None):
            counts["train"] += 1

        def on_test_batch_end(self, batch, logs=None):
            counts["validation"] += 1

    x, y = numbers(n_train)
    settings = dict(batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[Count()])
    if n_val:
        settings["validation_data"] = numbers(n_val)
    error = None
    try:
        model.fit(x, y, **settings)
    except Exception as exc:  # noqa: BLE001 - the error is the result
        error = exc
        model.make_train_function(force=True)  # forget the training step that failed
    reset_stateful(model)
    return FAQRun(
        n_train=n_train,
        n_val=n_val,
        batch_size=batch_size,
        train_batches=counts["train"],
        val_batches=counts["validation"],
        failed_at=None if error is None else counts["train" if phase[0] == "training" else "validation"] + 1,
        failed_in=None if error is None else phase[0],
        error=error,
        model=model,
    )
