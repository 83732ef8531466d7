"""Stateful LSTMs as learners meet them (lesson 07): a real stateful model run once, the stack
from the old documentation example, which sample counts a stateful batch size accepts, and which
reset spellings still run on Keras 3.

Everything here builds and runs real Keras models; ``course.data.stateful_layout`` lays a series
out for them and ``course.training`` trains them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course import shapes
from course.models import ModelSpec, build

__all__ = [
    "StatefulRun",
    "stateful_run",
    "SEED_STACK",
    "WholeBatches",
    "whole_batches",
    "reset_spellings",
    "stateful_code",
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
        return self.n_samples - (shapes.iterations_per_epoch(self.n_samples, self.batch_size) - 1) * self.batch_size


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
