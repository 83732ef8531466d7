"""When carrying the state pays (lesson 07): a task whose answer needs more memory than one chunk,
and a stateful model against a stateless one of the same chunk length, trained over several seeds.

The task is a *fading total*: at every step a random input arrives, and the target is the running
total of all inputs so far, each older input counting ``fade`` times less per step
(``total_t = fade * total_(t-1) + input_t``). With ``fade = 0.9`` inputs 10 or 20 steps back still
count, so a chunk of 5 steps sees only part of what decides its targets. A model that reads only its
chunk can do no better than the visible part of the total (``best_stateless_errors``); a model that
carries its state from chunk to chunk can, in principle, know the whole total.

Both models are the same Keras model, ``Input(batch_shape=(streams, timesteps, 1))``, a stateful
``LSTM(units, return_sequences=True)`` and a ``Dense(1)`` read at every step, trained on the same
chunks for the same number of updates from the same starting weights; the only difference is whether
the state is carried from batch to batch or reset before every batch, which is what a layer without
``stateful=True`` does. ``train_seeds`` reuses one compiled Keras model for every run (the weights
and the optimizer are set back to a fresh start each time), so that several seeds cost little more
than the training steps themselves. ``compare_seeds`` reads the numbers: the verdict follows the
means and the spread across seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course import data
from course._keras import keras as _keras
from course._keras import model_built

__all__ = [
    "FADE",
    "fading_total",
    "MemoryTask",
    "memory_task",
    "best_stateless_errors",
    "reset_states",
    "predict_chunks",
    "train_seeds",
    "SeedComparison",
    "compare_seeds",
    "MemoryResult",
    "run_memory_task",
]

FADE = 0.9


def fading_total(inputs, fade: float = FADE) -> np.ndarray:
    """The fading running total of ``inputs`` along the last axis, from a start of 0:
    ``total_t = fade * total_(t-1) + input_t``. A 2-D array is read row by row, one stream a row."""
    if not 0 < fade < 1:
        raise ValueError(f"fade must lie between 0 and 1 (exclusive), got {fade}.")
    inputs = np.asarray(inputs, dtype="float64")
    totals = np.empty_like(inputs)
    running = np.zeros(inputs.shape[:-1])
    for step in range(inputs.shape[-1]):
        running = fade * running + inputs[..., step]
        totals[..., step] = running
    return totals


def _streams(batch_size: int, timesteps: int, chunks: int, fade: float, seed: int):
    """Random inputs for ``batch_size`` streams of ``chunks * timesteps`` steps, scaled so that the
    total settles to a spread of 1, and each stream's fading total from 0, laid out as chunks."""
    scale = np.sqrt(1 - fade**2)  # the total's variance settles at scale² / (1 - fade²) = 1
    inputs = np.random.default_rng(seed).normal(size=(batch_size, chunks * timesteps)) * scale
    totals = fading_total(inputs, fade)
    layout = data.stateful_layout(inputs.size, batch_size, timesteps)  # stream i is row i of inputs
    return (
        inputs.reshape(-1)[layout].reshape(-1, timesteps, 1).astype("float32"),
        totals.reshape(-1)[layout].reshape(-1, timesteps, 1).astype("float32"),
    )


@dataclass(frozen=True)
class MemoryTask:
    """The fading-total task laid out in streams: inputs ``X`` and per-step targets ``y``, each
    ``(n_chunks, timesteps, 1)``, ordered so that row ``i`` of every batch continues stream ``i``;
    every stream's total starts from 0, as a stateful model's state does."""

    batch_size: int  # streams, one per row of the batch
    timesteps: int  # steps per chunk
    fade: float
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def unseen_share(self) -> float:
        """The share of a settled total, at the last step of a chunk, that comes from inputs before
        the chunk began: ``fade ** (2 * timesteps)``."""
        return float(self.fade ** (2 * self.timesteps))

    @property
    def half_life(self) -> float:
        """Steps after which an input counts half as much."""
        return float(np.log(0.5) / np.log(self.fade))


def memory_task(
    batch_size: int = 16,
    timesteps: int = 5,
    train_chunks: int = 16,
    test_chunks: int = 10,
    fade: float = FADE,
    seed: int = 0,
) -> MemoryTask:
    """Training streams and held-out streams (another random draw) of the fading total:
    ``batch_size`` streams of ``train_chunks`` (``test_chunks``) chunks of ``timesteps`` steps."""
    X_train, y_train = _streams(batch_size, timesteps, train_chunks, fade, seed)
    X_test, y_test = _streams(batch_size, timesteps, test_chunks, fade, seed + 1)
    return MemoryTask(batch_size, timesteps, fade, X_train, y_train, X_test, y_test)


def best_stateless_errors(X, y, fade: float = FADE) -> np.ndarray:
    """Squared error per target of the best forecast a model that reads only its chunk can make:
    the part of the total its chunk shows (the inputs before the chunk are unseen, independent and
    centred on zero, so nothing better can be guessed from the chunk)."""
    visible = fading_total(np.asarray(X)[..., 0], fade)  # the total of each chunk's own inputs
    return ((visible - np.asarray(y, dtype="float64")[..., 0]) ** 2).reshape(-1)


def reset_states(model) -> None:
    """Reset every stateful layer of ``model``."""
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_state()


def _resetting(model, when: str):
    """A callback that resets ``model``'s stateful layers whenever ``when`` happens (the name of a
    Keras callback method, e.g. ``on_train_batch_begin``)."""
    keras = _keras()
    callback = keras.callbacks.Callback()
    setattr(callback, when, lambda *args, **kwargs: reset_states(model))
    return callback


def predict_chunks(model, X, batch_size: int, carry: bool) -> np.ndarray:
    """Predict chunks in order from a fresh state, carrying the state from batch to batch
    (``carry``) or starting every batch from zeros, as a layer without ``stateful=True`` does."""
    reset_states(model)
    callbacks = [] if carry else [_resetting(model, "on_predict_batch_begin")]
    predictions = model.predict(X, batch_size=batch_size, callbacks=callbacks, verbose=0)
    reset_states(model)
    return predictions


def _sequence_model(batch_size: int, timesteps: int, units: int, name: str = "fading_total"):
    keras = _keras()
    inputs = keras.Input(batch_shape=(batch_size, timesteps, 1), name="chunks")
    hidden = keras.layers.LSTM(units, return_sequences=True, stateful=True, name="lstm")(inputs)
    outputs = keras.layers.Dense(1, name="every_step")(hidden)
    model_built()
    return keras.Model(inputs, outputs, name=name)


def train_seeds(make_model, X, y, seeds, batch_size: int, epochs: int, learning_rate: float, score) -> dict:
    """Train a stateful model once per seed carrying its state, and once per seed starting every
    batch from zeros; returns ``{"stateful": [...], "stateless": [...]}``, ``score(model, carry)``
    for each seed.

    A stateful layer whose state is reset before every batch computes exactly what the same layer
    without ``stateful=True`` computes, so both runs use one model: ``make_model()`` builds it
    (uncompiled, with its stateful layers), it is compiled and traced once, and for every run its
    weights are set to those of a fresh ``make_model()`` built under the seed and its optimizer is
    set back to its starting values. The stateful run keeps the chunks in order (``shuffle=False``)
    and resets when an epoch starts; the stateless run shuffles them and resets before every batch.
    Both see the same chunks for the same number of updates.
    """
    keras = _keras()
    model = make_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    model.optimizer.build(model.trainable_variables)
    optimizer_start = [variable.numpy() for variable in model.optimizer.variables]
    results: dict = {"stateful": [], "stateless": []}
    for carry in (True, False):
        reset_when = "on_epoch_begin" if carry else "on_train_batch_begin"
        for seed in seeds:
            keras.utils.set_random_seed(int(seed))
            model.set_weights(make_model().get_weights())
            for variable, start in zip(model.optimizer.variables, optimizer_start):
                variable.assign(start)
            keras.utils.set_random_seed(int(seed))
            model.fit(
                X,
                y,
                batch_size=batch_size,
                epochs=epochs,
                shuffle=not carry,
                callbacks=[_resetting(model, reset_when)],
                verbose=0,
            )
            reset_states(model)
            results["stateful" if carry else "stateless"].append(score(model, carry))
    return results


@dataclass(frozen=True)
class SeedComparison:
    """Two models' errors, one per seed, and the verdict they support."""

    stateful: tuple
    stateless: tuple

    @staticmethod
    def _mean(values) -> float:
        return float(np.mean(values))

    @staticmethod
    def _spread(values) -> float:
        """The standard deviation across seeds (0 with one seed)."""
        return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0

    @property
    def gap(self) -> float:
        """The stateless mean error minus the stateful one: positive when the state helped."""
        return self._mean(self.stateless) - self._mean(self.stateful)

    @property
    def uncertainty(self) -> float:
        """The standard error of ``gap`` from the spread across seeds."""
        return float(
            np.sqrt(
                self._spread(self.stateful) ** 2 / len(self.stateful)
                + self._spread(self.stateless) ** 2 / len(self.stateless)
            )
        )

    @property
    def outcome(self) -> str:
        """ "stateful", "stateless" (the one that is better by more than twice the uncertainty),
        "tie", or "too few seeds"."""
        if min(len(self.stateful), len(self.stateless)) < 2:
            return "too few seeds"
        if self.gap > 2 * self.uncertainty:
            return "stateful"
        if -self.gap > 2 * self.uncertainty:
            return "stateless"
        return "tie"

    def line(self, name: str) -> str:
        values = self.stateful if name == "stateful" else self.stateless
        return (
            f"{name + ' LSTM':<15} MSE {self._mean(values):.3f} ± {self._spread(values):.3f} "
            f"(mean ± spread over {len(values)} seeds: {', '.join(f'{v:.3f}' for v in values)})"
        )

    def verdict(self) -> str:
        outcome = self.outcome
        if outcome == "too few seeds":
            return (
                "With one seed there is no spread to judge by: run at least two seeds before reading anything into it."
            )
        difference = (
            f"{abs(self.gap):.3f}, against an uncertainty of {self.uncertainty:.3f} from the spread across seeds"
        )
        if outcome == "stateful":
            return (
                f"The stateful model's error is lower by {difference}: more than twice the uncertainty, "
                "so on this task carrying the state helped."
            )
        if outcome == "stateless":
            return (
                f"The stateless model's error is lower by {difference}: more than twice the uncertainty, "
                "so on this task carrying the state did not help, it hurt."
            )
        return (
            f"The two differ by {difference}: within twice the uncertainty, so these seeds cannot tell the two apart."
        )


def compare_seeds(stateful, stateless) -> SeedComparison:
    """Compare two lists of per-seed errors (lower is better)."""
    stateful, stateless = tuple(float(v) for v in stateful), tuple(float(v) for v in stateless)
    if not stateful or not stateless:
        raise ValueError("Give at least one error per model.")
    return SeedComparison(stateful, stateless)


@dataclass(frozen=True)
class MemoryResult:
    task: MemoryTask
    comparison: SeedComparison
    best_stateless: float  # the held-out MSE of the best forecast from the chunk alone
    settings: dict


def run_memory_task(
    task: MemoryTask | None = None,
    seeds=(0, 1, 2),
    units: int = 8,
    epochs: int = 5,
    learning_rate: float = 0.03,
) -> MemoryResult:
    """Train the model with and without carrying its state on ``task`` for every seed, score both
    on the held-out streams (read in order from a fresh state), and compare them."""
    task = task or memory_task()
    b, t = task.batch_size, task.timesteps

    def score(model, carry):
        predictions = predict_chunks(model, task.X_test, b, carry)
        return float(np.mean((predictions - task.y_test) ** 2))

    errors = train_seeds(
        lambda: _sequence_model(b, t, units),
        task.X_train,
        task.y_train,
        seeds,
        batch_size=b,
        epochs=epochs,
        learning_rate=learning_rate,
        score=score,
    )
    return MemoryResult(
        task=task,
        comparison=compare_seeds(errors["stateful"], errors["stateless"]),
        best_stateless=float(np.mean(best_stateless_errors(task.X_test, task.y_test, task.fade))),
        settings=dict(seeds=tuple(seeds), units=units, epochs=epochs, learning_rate=learning_rate),
    )
