"""Choosing the number of units by experiment (lesson 06): ``validation_run`` trains one size on
windows and returns its validation losses and seconds; a sweep of validation losses is read as a
sentence that follows the numbers.

Deeper against wider: ``race`` trains two (or more) architectures side by side with
``train_on_batch``, two seeds each, and times every step. Each epoch is one round of the course's
interleaved-rounds machinery (``unit_timing.interleaved_rounds``): the models take turns in a new
order each epoch, the first epoch (Keras's one-off tracing) is a warm-up whose times are dropped,
and every later epoch gives each model one median seconds per step. ``speed_verdict`` calls one
model faster only when its slowest round beat the other's fastest; ``quality_verdict`` calls one
better only when the validation losses differ by more than the seeds' own spread and by a fair
share of the noise floor. Otherwise each says they tie.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = [
    "validation_run",
    "smallest_near_best",
    "capacity_verdict",
    "recurrent_params",
    "RaceResult",
    "race",
    "speed_verdict",
    "quality_verdict",
]


def smallest_near_best(final: dict, tolerance: float = 0.2) -> int:
    """The smallest unit count whose validation loss is within ``tolerance`` (a fraction) of the
    lowest one: ``final`` is ``{units: validation loss}``."""
    if not final:
        raise ValueError("Give at least one {units: validation loss} pair.")
    best = min(final.values())
    return min(units for units, loss in final.items() if loss <= (1 + tolerance) * best)


def capacity_verdict(final: dict, params: dict, floor: float | None = None, tolerance: float = 0.2) -> str:
    """Which size did best, which is the smallest close to it, what that saves, and how close the
    best came to the noise floor; ``params`` is ``{units: parameters of the model}``."""
    best = min(final, key=final.get)
    enough = smallest_near_best(final, tolerance)
    sentences = [f"Lowest validation loss: {best} units ({final[best]:.4f})."]
    if enough == best:
        sentences.append(f"No smaller size came within {tolerance:.0%} of it.")
    else:
        sentences.append(
            f"Smallest size within {tolerance:.0%} of it: {enough} units ({final[enough]:.4f}), "
            f"with {params[best] / params[enough]:.0f}× fewer parameters than {best} units."
        )
    if floor is not None:
        sentences.append(
            f"The noise floor on these targets is {floor:.4f}: the best size is {final[best] / floor:.1f}× it."
        )
    return " ".join(sentences)


class _Trainer:
    """One model of ``spec`` trained epoch by epoch with ``train_on_batch`` (Adam, mean squared
    error), its weights and its row order fixed by ``seed``. Each epoch reshuffles the rows and
    runs the batches that fill ``batch_size`` rows, so every step has the same shape and Keras
    traces its step function once; rows left out of one epoch come back in the next.

    ``restart(seed)`` starts the same model again from scratch as if freshly built with another
    seed (its weights drawn anew, the optimizer's state and step count zeroed, the row order
    reset) while keeping Keras's traced step: a second seed costs no second tracing."""

    def __init__(self, spec: ModelSpec, seed: int, learning_rate: float, X, y, batch_size: int):
        keras = _keras()
        if len(X) // batch_size < 1:
            raise ValueError(f"batch_size {batch_size} is larger than the {len(X)} training windows.")
        keras.utils.set_random_seed(seed)
        self.spec = spec
        self.model = build(spec)
        self.model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
        self.X, self.y, self.batch_size = X, y, batch_size
        self.rows = np.random.default_rng(seed)

    def restart(self, seed: int) -> None:
        keras = _keras()
        keras.utils.set_random_seed(seed)
        self.model.set_weights(build(self.spec).get_weights())
        optimizer = self.model.optimizer
        learning_rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        for variable in optimizer.variables:  # the step count, Adam's moments (and the rate, set again below)
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
        optimizer.learning_rate = learning_rate
        self.rows = np.random.default_rng(seed)

    def epoch(self) -> list:
        """Train one epoch; return the seconds of each step."""
        from course.experiments.unit_timing import time_steps

        n_batches = len(self.X) // self.batch_size
        order = self.rows.permutation(len(self.X))[: n_batches * self.batch_size].reshape(n_batches, self.batch_size)
        return time_steps(self.model, [(self.X[rows], self.y[rows]) for rows in order])


def _spec(X, y, layer: str, units: int, n_layers: int) -> ModelSpec:
    return ModelSpec(
        layer=layer, features=X.shape[2], units=units, timesteps=X.shape[1], n_layers=n_layers, outputs=y.shape[1]
    )


def validation_run(
    split,
    units: int,
    n_layers: int = 1,
    epochs: int = 12,
    learning_rate: float = 0.01,
    seed: int = 0,
    layer: str = "LSTM",
    batch_size: int = 25,
):
    """Train ``layer(units)`` × ``n_layers`` plus a Dense output on windows
    ``split = (X_train, y_train, X_val, y_val)``; return the validation loss after each epoch and
    the seconds the training (with those validations) took."""
    X_train, y_train, X_val, y_val = split
    trainer = _Trainer(
        _spec(X_train, y_train, layer, units, n_layers), seed, learning_rate, X_train, y_train, batch_size
    )
    start = time.perf_counter()
    losses = []
    for _ in range(epochs):
        trainer.epoch()
        losses.append(validation_mse(trainer.model, X_val, y_val))
    return losses, time.perf_counter() - start


def recurrent_params(model) -> int:
    """The parameters of ``model``'s recurrent layers alone (SimpleRNN, LSTM, GRU), by Keras's own
    ``count_params()``: the model's total without its Dense head."""
    keras = _keras()
    return int(sum(layer.count_params() for layer in model.layers if isinstance(layer, keras.layers.RNN)))


@dataclass(frozen=True)
class RaceResult:
    """What :func:`race` measured for each architecture ``name``."""

    step_rounds: dict  # {name: [median seconds per training step in each timed round]}
    val_losses: dict  # {name: [validation loss after the last epoch, one per seed]}
    epochs: int
    batch_size: int
    seeds: tuple


def validation_mse(model, X, y) -> float:
    """The mean squared error of ``model`` on ``(X, y)``, from one plain call of the model (no
    traced function, no batches): the same number as ``model.evaluate`` with ``loss="mse"``."""
    keras = _keras()
    predictions = keras.ops.convert_to_numpy(model(X, training=False))
    return float(np.mean((predictions.astype("float64") - np.asarray(y, dtype="float64")) ** 2))


def race(
    specs: dict,
    split,
    epochs: int = 4,
    seeds=(0, 1),
    batch_size: int = 20,
    learning_rate: float = 0.005,
) -> RaceResult:
    """Train every ``{name: ModelSpec}`` once per seed on ``split = (X_train, y_train, X_val, y_val)``
    for ``epochs`` epochs of ``batch_size`` rows (Adam, mean squared error), the models side by side.

    Every epoch is one round: each model trains through the epoch's batches in turn, in a new order
    each round, and ``train_on_batch`` is timed step by step. A model's very first epoch traces
    Keras's step function and is a warm-up, not timed; each later epoch (the next seeds' too: the
    same traced model starts again from fresh weights) gives one median seconds per step, so
    ``step_rounds`` holds ``len(seeds) * epochs - 1`` steady-state rounds per model. Rows that do
    not fill a last batch wait for a later epoch (the rows are reshuffled each epoch), so every step
    has the same shape. After each seed's last epoch every model's validation loss is measured.
    """
    from course.experiments.unit_timing import interleaved_rounds

    X_train, y_train, X_val, y_val = split
    seeds = tuple(seeds)
    if epochs < 2:
        raise ValueError("Train for at least 2 epochs: the first one is the warm-up that is not timed.")
    if not specs or not seeds:
        raise ValueError("Give at least one model and one seed.")
    trainers = {
        name: _Trainer(spec, seeds[0], learning_rate, X_train, y_train, batch_size) for name, spec in specs.items()
    }
    order = np.random.default_rng(max(seeds) + 1)
    step_rounds = {name: [] for name in specs}
    val_losses = {name: [] for name in specs}
    for index, seed in enumerate(seeds):
        if index:
            for trainer in trainers.values():
                trainer.restart(seed)
        warmup = 1 if index == 0 else 0
        found = interleaved_rounds(
            {name: trainer.epoch for name, trainer in trainers.items()}, epochs - warmup, order, warmup_rounds=warmup
        )
        for name, trainer in trainers.items():
            step_rounds[name] += found[name]
            val_losses[name].append(validation_mse(trainer.model, X_val, y_val))
    return RaceResult(step_rounds, val_losses, epochs, batch_size, seeds)


def _two(named: dict, what: str):
    if len(named) != 2:
        raise ValueError(f"Compare exactly two models' {what}; got {len(named)}.")
    return list(named)


def speed_verdict(step_rounds: dict) -> str:
    """Which of two models ``{name: [seconds per step in each round]}`` is faster in steady state:
    one is faster only when its slowest round beat the other's fastest; otherwise they tie."""
    first, second = _two(step_rounds, "step times")
    low = {name: float(min(rounds)) for name, rounds in step_rounds.items()}
    high = {name: float(max(rounds)) for name, rounds in step_rounds.items()}
    median = {name: float(np.median(rounds)) for name, rounds in step_rounds.items()}
    ms = lambda seconds: f"{1000 * seconds:.0f} ms"  # noqa: E731
    for quick, slow in ((first, second), (second, first)):
        if high[quick] < low[slow]:
            return (
                f"{quick} trained faster in every round: {ms(median[quick])} a step against {ms(median[slow])} "
                f"(medians), {median[slow] / median[quick]:.1f}× the speed; its slowest round ({ms(high[quick])}) "
                f"beat {slow}'s fastest ({ms(low[slow])})."
            )
    return (
        f"The step times overlap ({first} {ms(low[first])} to {ms(high[first])}, {second} {ms(low[second])} "
        f"to {ms(high[second])} a step): neither trained faster beyond the spread of the rounds; they tie."
    )


def quality_verdict(val_losses: dict, floor: float, epochs: int | None = None, share: float = 0.1) -> str:
    """Whether one of two models ``{name: [validation loss per seed]}`` ended better.

    One is better only when the two means differ by more than the largest spread between one
    model's seeds and by more than ``share`` of the noise ``floor`` (the loss of a forecaster that
    knew the clean signal): a gap that is a sliver of the noise changes no forecast that matters.
    Otherwise they tie. A last sentence says how far the better mean still is from the floor.
    """
    first, second = _two(val_losses, "validation losses")
    if floor <= 0:
        raise ValueError(f"The noise floor must be positive; got {floor}.")
    mean = {name: float(np.mean(losses)) for name, losses in val_losses.items()}
    spread = max(float(np.ptp(losses)) for losses in val_losses.values())
    better, worse = sorted((first, second), key=mean.get)
    gap = mean[worse] - mean[better]
    after = f"After {epochs} epochs, mean" if epochs else "Mean"
    seeds = max(len(losses) for losses in val_losses.values())
    text = (
        f"{after} validation loss over {seeds} seed(s): {first} {mean[first]:.4f}, {second} {mean[second]:.4f}; "
        f"noise floor {floor:.4f}. "
    )
    if gap <= spread:
        text += f"The gap ({gap:.4f}) is within the spread between seeds ({spread:.4f}): they tie."
    elif gap <= share * floor:
        text += (
            f"The gap ({gap:.4f}) is larger than the spread between seeds ({spread:.4f}) but only "
            f"{gap / floor:.0%} of the noise floor: a tie in practice."
        )
    else:
        text += (
            f"{better} ended better: the gap ({gap:.4f}) is larger than the spread between seeds ({spread:.4f}) "
            f"and {gap / floor:.0%} of the noise floor."
        )
    nearest = mean[better] / floor
    if nearest > 2:
        text += f" Both are still more than twice the floor ({nearest:.1f}×): train longer before choosing."
    else:
        text += f" The lower one is {nearest:.1f}× the floor."
    return text
