"""Throughput: how many rows per second one training step gets through, against the batch size.

``time_training_steps`` times single ``train_on_batch`` steps (Keras's own training step, after
its first call has traced it) of a network wide enough that its arithmetic, not Python, dominates
a large batch's step. Batch sizes are timed in interleaved rounds, so a burst of load on a shared
machine lands on every batch size rather than on one, and each keeps every round's figure: the
median and the min-max band. ``find_knee`` and ``throughput_statement`` read the band, never a
single noisy number.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from course import shapes
from course._keras import keras as _keras

__all__ = ["BATCH_SIZES", "WIDTHS", "Knee", "StepTiming", "find_knee", "throughput_statement", "time_training_steps"]

BATCH_SIZES = (1, 4, 16, 64, 256, 1024, 4096)
WIDTHS = (64, 512, 512, 1)  # features, two hidden Dense layers, one output


@dataclass(frozen=True)
class StepTiming:
    """The seconds one training step took at ``batch_size``, one figure per round."""

    batch_size: int
    seconds: tuple[float, ...]

    @property
    def seconds_per_step(self) -> float:
        return float(np.median(self.seconds))

    @property
    def samples_per_second(self) -> float:
        """Rows per second at the median step time."""
        return self.batch_size / self.seconds_per_step

    @property
    def band(self) -> tuple[float, float]:
        """Rows per second in the slowest and the fastest round."""
        return self.batch_size / max(self.seconds), self.batch_size / min(self.seconds)


def _network(widths, seed: int):
    keras = _keras()
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(widths[0],), name="input")]
    for index, units in enumerate(widths[1:-1], start=1):
        layers.append(keras.layers.Dense(units, activation="relu", name=f"hidden_{index}"))
    layers.append(keras.layers.Dense(widths[-1], name="output"))
    model = keras.Sequential(layers, name="throughput_model")
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=keras.losses.BinaryCrossentropy(from_logits=True)
    )
    return model


def time_training_steps(
    batch_sizes=BATCH_SIZES, widths=WIDTHS, rounds: int = 3, steps: int = 3, seed: int = 0
) -> list[StepTiming]:
    """Time single training steps at each batch size on this machine.

    Every batch size is run once untimed first (tracing). Then ``rounds`` rounds each time
    ``steps`` consecutive steps at every batch size in turn; a round's figure is their mean.
    """
    sizes = sorted({shapes.check_size("batch_size", b) for b in batch_sizes})
    if not sizes:
        raise ValueError("Give at least one batch size to time.")
    if rounds < 1 or steps < 1:
        raise ValueError("Time at least one round of at least one step.")
    model = _network(widths, seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(sizes[-1], widths[0])).astype("float32")
    y = (rng.random((sizes[-1], widths[-1])) > 0.5).astype("float32")
    for batch_size in sizes:
        model.train_on_batch(X[:batch_size], y[:batch_size])
    seconds = {batch_size: [] for batch_size in sizes}
    for _ in range(rounds):
        for batch_size in sizes:
            x_batch, y_batch = X[:batch_size], y[:batch_size]
            started = time.perf_counter()
            for _ in range(steps):
                model.train_on_batch(x_batch, y_batch)
            seconds[batch_size].append((time.perf_counter() - started) / steps)
    return [StepTiming(batch_size, tuple(seconds[batch_size])) for batch_size in sizes]


@dataclass(frozen=True)
class Knee:
    """Where the gain from a larger batch ran out.

    ``best``: the batch size with the highest median rate. ``knee``: the smallest batch size
    whose median rate is within ``within`` of the best. ``still_climbing``: the best is the
    largest batch measured and its band lies wholly above the next smaller one's, so the range
    measured did not reach the flat part. ``slower_beyond``: larger batches than the best whose
    whole band lies below the best's band (a real slowdown, not noise).
    """

    best: StepTiming
    knee: StepTiming
    within: float
    still_climbing: bool
    slower_beyond: tuple[int, ...]


def find_knee(timings, within: float = 0.8) -> Knee:
    rows = sorted(timings, key=lambda t: t.batch_size)
    if not rows:
        raise ValueError("No timings to read.")
    best = max(rows, key=lambda t: t.samples_per_second)
    knee = next(t for t in rows if t.samples_per_second >= within * best.samples_per_second)
    climbing = best is rows[-1] and len(rows) > 1 and best.band[0] > rows[-2].band[1]
    slower = tuple(t.batch_size for t in rows if t.batch_size > best.batch_size and t.band[1] < best.band[0])
    return Knee(best, knee, within, climbing, slower)


def throughput_statement(timings, within: float = 0.8) -> str:
    """A plain reading of the timings: the rise, where it flattened, and what is noise."""
    rows = sorted(timings, key=lambda t: t.batch_size)
    found = find_knee(rows, within)
    first, best, knee = rows[0], found.best, found.knee
    rounds = len(first.seconds)
    text = (
        f"Rows per second (median of {rounds} rounds) rose from {first.samples_per_second:,.0f} at batch "
        f"{first.batch_size} to {best.samples_per_second:,.0f} at batch {best.batch_size}, "
        f"{best.samples_per_second / first.samples_per_second:,.0f}× as many. "
    )
    if found.still_climbing:
        return (
            text
            + "The largest batch measured was still clearly faster than the one before: this range did not reach the flat part."
        )
    if knee is not best:
        text += (
            f"Batch {knee.batch_size} already reached {knee.samples_per_second / best.samples_per_second:.0%} of the best rate: "
            "past it the gain flattened. "
        )
    if found.slower_beyond:
        sizes = ", ".join(str(b) for b in found.slower_beyond)
        text += f"Batch {sizes} ran fewer rows per second than batch {best.batch_size} in every round: larger is slower there, not only flat."
    elif best is not rows[-1]:
        text += (
            f"The larger batches' bands overlap batch {best.batch_size}'s: no gain, and no slowdown beyond the noise."
        )
    return text.strip()
