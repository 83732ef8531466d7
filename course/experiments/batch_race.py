"""Comparing batch sizes fairly: by epochs, by updates and by seconds.

``race`` reads finished training curves: how long each run took to reach one finishing line (the
worst final validation loss among them), counted in epochs and in seconds, and which run won on
each count. Those curves are read at the end of each epoch, so they cannot count updates fairly: a
full batch makes one update per epoch, a batch of 8 rows dozens. ``losses_at_equal_updates`` trains
every batch size for the same number of weight updates from the same starting weights, over several
seeds, and logs the validation loss after every update, so ``EqualUpdates.updates_to`` counts the updates
each run needed to reach a line one update at a time, and a comparison of losses is not a
comparison of how often the weights moved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course import shapes
from course._keras import keras as _keras

__all__ = [
    "EqualUpdates",
    "deal",
    "Lap",
    "Race",
    "equal_updates_statement",
    "losses_at_equal_updates",
    "race",
    "updates_to_line_statement",
]

COUNTS = ("epochs", "seconds")


@dataclass(frozen=True)
class Lap:
    """When one run first reached the finishing line (read at the end of each epoch), and where it
    ended. ``updates`` is the optimizer's count at the end of that epoch: an upper bound on the
    updates it needed, not a count of them (``EqualUpdates.updates_to`` counts those)."""

    batch_size: int
    epochs: int
    updates: int
    seconds: float
    final_val_loss: float


@dataclass(frozen=True)
class Race:
    finish: float  # the finishing line: the worst final validation loss among the runs
    laps: tuple[Lap, ...]
    winners: dict  # "epochs" / "seconds" -> the batch size that needed fewest

    @property
    def distinct_winners(self) -> int:
        return len(set(self.winners.values()))


def race(curves) -> Race:
    """Time every finished run to the finishing line that all of them crossed, in epochs and in
    seconds, both read at the end of each epoch."""
    curves = [curve for curve in curves if curve.val_loss]
    if not curves:
        raise ValueError("No finished runs to compare: train some batch sizes first.")
    finish = max(curve.val_loss[-1] for curve in curves)
    laps = []
    for curve in curves:
        epoch = next(i for i, loss in enumerate(curve.val_loss) if loss <= finish)
        laps.append(
            Lap(
                curve.batch_size,
                epoch + 1,
                int(curve.updates[epoch]),
                float(curve.seconds[epoch]),
                float(curve.val_loss[-1]),
            )
        )
    winners = {count: min(laps, key=lambda lap: getattr(lap, count)).batch_size for count in COUNTS}
    return Race(float(finish), tuple(laps), winners)


@dataclass(frozen=True)
class EqualUpdates:
    """One batch size trained for exactly ``updates`` weight updates, once per seed."""

    batch_size: int
    updates: int  # per run, the optimizer's own count
    rows_seen: int  # per run: rows the gradients were computed on (updates × batch size)
    train_losses: tuple[float, ...]  # per seed: on the whole training set, final weights
    val_losses: tuple[float, ...]  # per seed: on the validation set, final weights
    val_curves: tuple[tuple[float, ...], ...] = ()  # per seed: the validation loss after each update

    @property
    def seeds(self) -> int:
        return len(self.val_losses)

    @property
    def train_loss(self) -> float:
        return float(np.mean(self.train_losses))

    @property
    def val_loss(self) -> float:
        return float(np.mean(self.val_losses))

    @property
    def band(self) -> tuple[float, float]:
        """The lowest and highest final validation loss over the seeds."""
        return float(min(self.val_losses)), float(max(self.val_losses))

    def updates_to(self, line: float) -> tuple[int | None, ...]:
        """Per seed, the first update after which the validation loss was at or below ``line``
        (``None`` where it never was within the run)."""
        return tuple(
            next((k for k, loss in enumerate(curve, start=1) if loss <= line), None) for curve in self.val_curves
        )


def deal(n_rows: int, batch_size: int, updates: int, seed: int = 0) -> np.ndarray:
    """The rows of each of ``updates`` batches, shape ``(updates, batch_size)``: whole batches dealt
    in order from a shuffle of the ``n_rows`` rows, and a fresh shuffle when too few rows are left."""
    n_rows, batch_size = shapes.check_size("n_rows", n_rows), shapes.check_size("batch_size", batch_size)
    if batch_size > n_rows:
        raise ValueError(f"The batch size {batch_size} is larger than the {n_rows} training rows.")
    rng = np.random.default_rng(seed)
    order, position, dealt = rng.permutation(n_rows), 0, []
    for _ in range(shapes.check_size("updates", updates)):
        if position + batch_size > n_rows:
            order, position = rng.permutation(n_rows), 0
        dealt.append(order[position : position + batch_size])
        position += batch_size
    return np.stack(dealt)


def _updates_logged(model, X_val, y_val):
    """A compiled function that runs Keras's own training step (``model.train_step``, the step
    ``fit`` runs) once for each batch it is given, in order, and returns the validation loss after
    each: one call into TensorFlow for a whole run instead of two per update."""
    import tensorflow as tf

    x_val, y_val = tf.constant(X_val), tf.constant(y_val)
    model.optimizer.build(model.trainable_variables)  # its variables exist before the loop runs

    @tf.function(
        input_signature=[
            tf.TensorSpec([None, None, *X_val.shape[1:]], x_val.dtype),
            tf.TensorSpec([None, None, *y_val.shape[1:]], y_val.dtype),
        ]
    )
    def run(xs, ys):
        losses = tf.TensorArray(tf.float32, size=tf.shape(xs)[0])
        for k in tf.range(tf.shape(xs)[0]):
            model.train_step((xs[k], ys[k]))
            losses = losses.write(k, tf.cast(model.loss(y_val, model(x_val, training=False)), tf.float32))
        return losses.stack()

    return run


def losses_at_equal_updates(
    split,
    batch_sizes,
    updates: int = 60,
    learning_rate: float = 0.1,
    seeds=(0,),
    units: int = 32,
    n_layers: int = 2,
) -> list[EqualUpdates]:
    """Train each batch size for exactly ``updates`` updates on the batches ``deal`` gives, once per
    seed. Within a seed every batch size starts from the same weights (those a run of
    ``generalisation.train_curve`` with that seed starts from) and is dealt from the same shuffles;
    the validation loss is logged after every update. Returns one result per batch size, with the
    optimizer's own update count."""
    from course.experiments.generalisation import classifier

    keras = _keras()
    X_train, y_train, X_val, y_val = split
    shapes.check_size("updates", updates)
    sizes = [shapes.check_size("batch_size", b) for b in batch_sizes]
    seeds = [shapes.check_size("seed", s, minimum=0) for s in seeds]
    if not sizes or not seeds:
        raise ValueError("Give at least one batch size and one seed.")
    for batch_size in sizes:
        if batch_size > len(X_train):
            raise ValueError(f"The batch size {batch_size} is larger than the {len(X_train)} training rows.")
    runs = {b: [] for b in sizes}  # batch size -> (made, train loss, val loss, curve) per seed
    model = run = None
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        # one model, put back to this seed's starting weights for every batch size: plain SGD keeps
        # no state but its update counter, so each run starts exactly where the others did (and the
        # training step is traced once, not once per run)
        fresh = classifier(X_train.shape[1], units, n_layers, learning_rate)
        if model is None:
            model, run = fresh, _updates_logged(fresh, X_val, y_val)
        start = [w.copy() for w in fresh.get_weights()]
        for batch_size in sizes:
            model.set_weights(start)
            model.optimizer.iterations.assign(0)
            rows = deal(len(X_train), batch_size, updates, seed)
            curve = tuple(float(loss) for loss in run(X_train[rows], y_train[rows]).numpy())
            made = int(model.optimizer.iterations.numpy())
            train_loss = float(model.loss(y_train, model(X_train, training=False)))  # what evaluate() reports
            runs[batch_size].append((made, train_loss, curve[-1], curve))
    return [
        EqualUpdates(
            batch_size,
            runs[batch_size][0][0],
            updates * batch_size,
            tuple(r[1] for r in runs[batch_size]),
            tuple(r[2] for r in runs[batch_size]),
            tuple(r[3] for r in runs[batch_size]),
        )
        for batch_size in sizes
    ]


def _batches(results) -> str:
    """'batch 8', 'batches 8 and 32', 'batches 8, 32 and 64'."""
    sizes = [str(r.batch_size) for r in results]
    if len(sizes) == 1:
        return f"batch {sizes[0]}"
    return f"batches {', '.join(sizes[:-1])} and {sizes[-1]}"


def _noise(results) -> float:
    """The noise floor: the widest spread of one batch size's final validation loss over the seeds."""
    return max(r.band[1] - r.band[0] for r in results)


def equal_updates_statement(results) -> str:
    """What equal numbers of updates show: which batch size ended lowest, whether that is beyond the
    spread over seeds, and the rows each update cost. One reading per outcome: the largest batch
    lowest, the smallest lowest, a middle one lowest, or all of them within the noise."""
    rows = sorted(results, key=lambda r: r.batch_size)
    if len(rows) < 2:
        raise ValueError("Compare at least two batch sizes.")
    small, large = rows[0], rows[-1]
    best = min(rows, key=lambda r: r.val_loss)
    worst = max(rows, key=lambda r: r.val_loss)
    seeds = min(r.seeds for r in rows)
    head = (
        f"After {small.updates} updates each, the mean validation loss over {seeds} seed{'s' if seeds != 1 else ''} "
        f"ran from {best.val_loss:.3f} (batch {best.batch_size}) to {worst.val_loss:.3f} (batch {worst.batch_size}), "
        f"while each update of batch {large.batch_size} computed {large.rows_seen / small.rows_seen:.0f}× the rows "
        f"of one of batch {small.batch_size}. "
    )
    if seeds < 2:
        return head + (
            "With one seed there is no noise to measure the difference against: run two seeds or more before "
            "reading anything into it."
        )
    noise = _noise(rows)
    if worst.val_loss - best.val_loss <= noise:
        return head + (
            f"All of them are within the noise (one batch size's seeds spread by up to {noise:.3f}): per update, "
            "the larger batches' extra rows bought nothing measurable here."
        )
    level = [r for r in rows if r is not best and r.val_loss - best.val_loss <= noise]
    behind = [r for r in rows if r is not best and r not in level]
    beyond = f"beyond the noise of {_batches(behind)} (the seeds spread by up to {noise:.3f})"
    if best is large:
        text = (
            f"Per update, the cleaner gradients of the largest batch paid off: batch {large.batch_size} ended lowest, "
            f"{beyond}, at the price of the extra rows each of its updates computed."
        )
    elif best is small:
        text = (
            f"Per update, the larger batches' cleaner gradients did not pay off here: the smallest batch, "
            f"{small.batch_size}, ended lowest, {beyond}, with the fewest rows computed."
        )
    else:
        text = (
            f"A middle size ended lowest: batch {best.batch_size}, {beyond}. Per update, smaller batches ended "
            "higher, and larger ones bought nothing more with their extra rows."
        )
    if level:
        text += f" {_batches(level).capitalize()} ended within the noise of it."
    return head + text


def _span(counts) -> str:
    """Per-seed update counts as '12' or '9-14', with runs that never reached the line named."""
    reached = [c for c in counts if c is not None]
    if not reached:
        return "not reached"
    text = str(reached[0]) if min(reached) == max(reached) else f"{min(reached)}-{max(reached)}"
    missed = len(counts) - len(reached)
    return text + (f" (not reached in {missed} seed{'s' if missed != 1 else ''})" if missed else "")


def updates_to_line_statement(results, line: float) -> str:
    """How many updates each batch size needed to reach validation loss ``line``, counted after
    every update and read across seeds: which needed fewest in every seed, or that they overlap, or
    that some never got there within the run."""
    rows = sorted(results, key=lambda r: r.batch_size)
    if len(rows) < 2:
        raise ValueError("Compare at least two batch sizes.")
    updates, seeds = rows[0].updates, min(r.seeds for r in rows)
    counts = {r.batch_size: r.updates_to(line) for r in rows}
    head = f"Counted after every update, the updates needed to reach validation loss {line:.3f} were: " + "; ".join(
        f"batch {b}: {_span(c)}" for b, c in counts.items()
    )
    head += f" (over {seeds} seed{'s' if seeds != 1 else ''}, {updates} updates at most). "
    missed = [r for r in rows if None in counts[r.batch_size]]
    miss_note = (
        f" {_batches(missed).capitalize()} did not reach it within {updates} updates in every seed."
        if missed and len(missed) < len(rows)
        else ""
    )
    complete = [r for r in rows if r not in missed]
    if not complete:
        return head + (
            f"No batch size reached it in every seed within {updates} updates: train longer to compare them."
        )

    def most(r):
        return max(counts[r.batch_size])

    def least(r):
        return min((c for c in counts[r.batch_size] if c is not None), default=updates + 1)

    best = min(complete, key=most)
    others = [r for r in rows if r is not best]
    if all(most(best) < least(r) for r in others):
        where = (
            "the largest"
            if best is rows[-1]
            else "the smallest"
            if best is rows[0]
            else "neither the smallest nor the largest"
        )
        text = (
            f"Batch {best.batch_size}, {where}, needed the fewest updates, fewer than every other batch size in "
            f"every seed."
        )
        if seeds < 2:
            text += " That is one seed: a difference of a few updates may change with another."
    else:
        level = [r for r in others if least(r) <= most(best)]
        text = (
            f"The counts of batch {best.batch_size} overlap those of {_batches(level)} across the seeds: no batch size "
            "clearly needed the fewest updates to reach this line."
        )
    return head + text + miss_note
