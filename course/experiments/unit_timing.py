"""Are unit counts that are multiples of 32 faster? Timed in interleaved rounds, read as a band.

One sweep of timings is noise: the machine warms up, another program runs for a second. So
``time_units`` builds every model first, then times them in rounds, each round visiting every
unit count once in a new order, and keeps every round's median. ``TimingBand`` gives each unit
count's fastest and slowest round, and ``alignment_verdict`` lets the conclusion follow the bands:
a size is only "faster" when its slowest round beats every neighbour's fastest, "slower" when its
fastest round loses to every neighbour's slowest; against each neighbour one by one it is faster,
slower or within the noise, and the sentence says which, for how many.

``interleaved_rounds`` is the machinery itself, for any set of timed tasks: other experiments (the
deeper-against-wider race in ``capacity``) time their own steps with it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from course import shapes
from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = ["TimingBand", "time_units", "alignment_verdict", "step_seconds", "interleaved_rounds", "time_steps"]


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
    tasks = {units: (lambda model=models[units]: time_steps(model, [(X, y)] * steps)) for units in unit_counts}
    return TimingBand(interleaved_rounds(tasks, rounds, rng), features, timesteps, batch_size)


def time_steps(model, batches) -> list:
    """Seconds of each ``model.train_on_batch(x, y)`` for the ``(x, y)`` pairs in ``batches``, in order."""
    times = []
    for x, y in batches:
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    return times


def interleaved_rounds(tasks: dict, rounds: int, rng, warmup_rounds: int = 0) -> dict:
    """Run every task once a round, for ``warmup_rounds + rounds`` rounds, visiting the tasks in a
    new order each round (drawn from ``rng``, a numpy ``Generator``), so that a burst of load on the
    machine lands on any task rather than always on the same one.

    A task is a callable that does its work and returns the seconds of each step it timed; a round
    keeps their median. The first ``warmup_rounds`` rounds run (their work counts: a task may be
    training) but their figures are dropped, as they include Keras's one-off tracing. Returns
    ``{task name: [median seconds per step in each kept round]}``.
    """
    if rounds < 1 or warmup_rounds < 0:
        raise ValueError("Time at least one round, after zero or more warm-up rounds.")
    names = list(tasks)
    found = {name: [] for name in names}
    for round_number in range(warmup_rounds + rounds):
        for index in rng.permutation(len(names)).tolist():
            seconds = tasks[names[index]]()
            if round_number >= warmup_rounds:
                found[names[index]].append(float(np.median(seconds)))
    return found


def alignment_verdict(band: TimingBand, candidate: int = 128) -> str:
    """What the bands allow one to say about ``candidate`` against the other unit counts.

    Against each neighbour ``candidate`` is faster (its slowest round beat the neighbour's fastest),
    slower (its fastest round lost to the neighbour's slowest) or within the noise (the bands
    overlap). The sentence names each group, and its conclusion follows the mix.
    """
    others = [units for units in band.rounds if units != candidate]
    if candidate not in band.rounds or not others:
        raise ValueError(f"Time {candidate} units and at least one other size to compare them.")
    low, high = band.fastest(candidate), band.slowest(candidate)
    ms = lambda seconds: f"{1000 * seconds:.2f} ms"  # noqa: E731
    faster = [units for units in others if high < band.fastest(units)]
    slower = [units for units in others if low > band.slowest(units)]
    overlapping = [units for units in others if units not in faster and units not in slower]
    count = len(others)
    if len(faster) == count:
        return (
            f"{candidate} units was faster than every neighbour in every round: its slowest round ({ms(high)}) "
            f"beat their fastest ({ms(min(band.fastest(u) for u in others))})."
        )
    if len(slower) == count:
        return (
            f"{candidate} units was slower than every neighbour in every round: its fastest round ({ms(low)}) "
            f"lost to their slowest ({ms(max(band.slowest(u) for u in others))})."
        )
    if len(overlapping) == count:
        return (
            f"{candidate} units ({ms(low)} to {ms(high)}) overlaps the band of all {count} of its neighbours: "
            "the differences are within the noise, so no size is faster here."
        )
    listed = lambda group: ", ".join(str(units) for units in group)  # noqa: E731
    parts = []
    if faster:
        parts.append(f"beat {len(faster)} of its {count} neighbours in every round ({listed(faster)})")
    if slower:
        parts.append(f"lost to {len(slower)} of them in every round ({listed(slower)})")
    if overlapping:
        parts.append(f"overlapped the band of {len(overlapping)} ({listed(overlapping)})")
    if faster and slower:
        conclusion = (
            "faster than some sizes near it and slower than others, so being a round number did not make it fast."
        )
    elif faster:
        conclusion = "faster than some sizes near it beyond the noise, but not than all of them."
    else:
        conclusion = "slower than some sizes near it beyond the noise, and faster than none."
    return f"{candidate} units ({ms(low)} to {ms(high)}) {', '.join(parts[:-1])}{' and ' if len(parts) > 1 else ''}{parts[-1]}: {conclusion}"


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
