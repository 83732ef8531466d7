"""Are unit counts that are multiples of 32 faster? Timed in interleaved rounds, read as a band.

One sweep of timings is noise: the machine warms up, another program runs for a second. So
``time_units`` builds every model first, then times them in rounds, each round visiting every
unit count once in a new order, and keeps every round's median. ``TimingBand`` gives each unit
count's fastest and slowest round, and ``alignment_verdict`` lets the conclusion follow the bands:
a size is only "faster" when its slowest round beats every neighbour's fastest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from course import shapes
from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = ["TimingBand", "time_units", "alignment_verdict", "step_seconds"]


@dataclass(frozen=True)
class TimingBand:
    """Seconds per training step, one median per round, for each unit count."""

    rounds: dict  # {units: [seconds in round 1, round 2, ...]}
    features: int
    timesteps: int
    batch_size: int

    def fastest(self, units: int) -> float:
        return float(min(self.rounds[units]))

    def slowest(self, units: int) -> float:
        return float(max(self.rounds[units]))

    def median(self, units: int) -> float:
        return float(np.median(self.rounds[units]))

    def work(self, units: int, reference: int) -> float:
        """Arithmetic relative to ``reference`` units, roughly the ratio of the LSTM's weights."""
        return shapes.lstm_params(self.features, units) / shapes.lstm_params(self.features, reference)


def time_units(
    unit_counts=(120, 124, 128, 132, 136),
    rounds: int = 5,
    steps: int = 8,
    features: int = 8,
    timesteps: int = 20,
    batch_size: int = 64,
    layer: str = "LSTM",
    seed: int = 0,
) -> TimingBand:
    """Time real training steps of ``layer(units)`` for every unit count, in ``rounds`` interleaved
    rounds (a new order each round) after a warm-up; each round keeps the median of ``steps``."""
    keras = _keras()
    import logging

    tf_logger = logging.getLogger("tensorflow")
    level = tf_logger.level
    tf_logger.setLevel(logging.ERROR)  # one traced step per model is expected: no retracing notice
    try:
        return _time_units(keras, unit_counts, rounds, steps, features, timesteps, batch_size, layer, seed)
    finally:
        tf_logger.setLevel(level)


def _time_units(keras, unit_counts, rounds, steps, features, timesteps, batch_size, layer, seed) -> TimingBand:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch_size, timesteps, features)).astype("float32")
    y = rng.normal(size=(batch_size, 1)).astype("float32")
    models = {}
    for units in unit_counts:
        keras.utils.set_random_seed(seed)
        model = build(ModelSpec(layer=layer, features=features, units=units, timesteps=timesteps))
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
        for _ in range(3):  # the first steps trace and compile the step function
            model.train_on_batch(X, y)
        models[units] = model
    found = {units: [] for units in unit_counts}
    for _ in range(rounds):
        for units in rng.permutation(list(unit_counts)).tolist():
            times = []
            for _ in range(steps):
                start = time.perf_counter()
                models[units].train_on_batch(X, y)
                times.append(time.perf_counter() - start)
            found[units].append(float(np.median(times)))
    return TimingBand(found, features, timesteps, batch_size)


def alignment_verdict(band: TimingBand, candidate: int = 128) -> str:
    """What the bands allow one to say about ``candidate`` against the other unit counts."""
    others = [units for units in band.rounds if units != candidate]
    low, high = band.fastest(candidate), band.slowest(candidate)
    ms = lambda seconds: f"{1000 * seconds:.2f} ms"  # noqa: E731
    if high < min(band.fastest(units) for units in others):
        return (
            f"{candidate} units was faster than every neighbour in every round: its slowest round ({ms(high)}) "
            f"beat their fastest ({ms(min(band.fastest(u) for u in others))})."
        )
    if low > max(band.slowest(units) for units in others):
        return f"{candidate} units was slower than every neighbour in every round ({ms(low)} at best)."
    overlapping = [units for units in others if band.fastest(units) <= high and low <= band.slowest(units)]
    return (
        f"{candidate} units ({ms(low)} to {ms(high)}) overlaps the band of {len(overlapping)} of its {len(others)} neighbours: "
        "the differences are within the noise, so no size is faster here."
    )


def step_seconds(
    units: int, features: int = 8, timesteps: int = 20, batch_size: int = 64, steps: int = 20, layer: str = "LSTM"
) -> float:
    """Median seconds of one training step of ``layer(units)`` on this machine (after warm-up)."""
    keras = _keras()
    keras.utils.set_random_seed(0)
    model = build(ModelSpec(layer=layer, features=features, units=units, timesteps=timesteps))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch_size, timesteps, features)).astype("float32")
    y = rng.normal(size=(batch_size, 1)).astype("float32")
    for _ in range(3):
        model.train_on_batch(X, y)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.train_on_batch(X, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))
