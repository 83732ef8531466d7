"""Real, tiny tf.keras training runs whose every batch is recorded.

The rows of each batch are decided here (``course.data.epoch_order``) and handed to ``fit`` in
that order with ``shuffle=False``, so what a figure shows as "batch 3 of epoch 2" is exactly what
Keras trained on. A callback counts the batches Keras really ran.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

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


# Batch-size trade-offs (lesson 03): whole training runs and generalisation (throughput: course.throughput).


@dataclass
class TrainingCurve:
    """One training run on a train/validation split, epoch by epoch."""

    batch_size: int
    learning_rate: float
    seed: int
    epochs_asked: int
    train_loss: list  # the mean training loss Keras logged over each epoch
    val_loss: list  # the validation loss after each epoch
    updates: list  # the optimizer's own update count at the end of each epoch
    seconds: list  # wall-clock seconds since the start, at the end of each epoch
    final_train_loss: float = float("nan")  # both evaluated on the final weights
    final_val_loss: float = float("nan")
    stopped: str | None = None  # None, "stopped" (by the learner) or "time cap"
    model: object = field(default=None, repr=False, compare=False)  # the trained model, if kept

    @property
    def epochs_done(self) -> int:
        return len(self.train_loss)

    @property
    def gap(self) -> float:
        """Validation loss minus training loss on the final weights: the generalisation gap."""
        return self.final_val_loss - self.final_train_loss


def classifier(
    features: int, units: int = 32, n_layers: int = 2, learning_rate: float = 0.1, steps_per_execution: int = 1
):
    """A small Dense binary classifier (logits out), compiled with plain SGD.

    ``steps_per_execution`` runs that many updates per call into TensorFlow: the same updates in
    the same order (the same losses), with less Python overhead per batch."""
    keras = _keras()
    learning_rate = shapes.check_learning_rate(learning_rate)
    model = build(ModelSpec(features=features, units=units, n_layers=n_layers))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        steps_per_execution=steps_per_execution,
    )
    return model


def _watcher(time_cap, should_stop, on_epoch, on_batch=None):
    """A callback that stops training when asked or when the time cap passes, and records each
    epoch (updates and seconds)."""
    keras = _keras()

    class Watcher(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.start = time.perf_counter()
            self.epochs = []  # (logs, updates, seconds, epoch seconds)
            self.stopped = None
            self.epoch_start = self.start

        def _check(self):
            if should_stop is not None and should_stop():
                self.stopped = "stopped"
            elif time_cap is not None and time.perf_counter() - self.start > time_cap:
                self.stopped = "time cap"
            if self.stopped:
                self.model.stop_training = True

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if on_batch is not None:
                on_batch(batch)
            self._check()

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            updates = int(self.model.optimizer.iterations.numpy())
            self.epochs.append((dict(logs or {}), updates, now - self.start, now - self.epoch_start))
            if on_epoch is not None:
                on_epoch(len(self.epochs))
            self._check()

    return Watcher()


def train_curve(
    split,
    batch_size: int,
    learning_rate: float = 0.1,
    epochs: int = 20,
    seed: int = 0,
    units: int = 32,
    n_layers: int = 2,
    time_cap: float | None = None,
    should_stop=None,
    on_epoch=None,
    keep_model: bool = False,
) -> TrainingCurve:
    """Train a fresh classifier on ``split = (X_train, y_train, X_val, y_val)`` and record the
    training and validation loss, the updates made and the seconds spent after every epoch.

    ``should_stop`` (a function) and ``time_cap`` (seconds) end the run early; what was done by
    then is kept and ``stopped`` says why.
    """
    keras = _keras()
    X_train, y_train, X_val, y_val = split
    batch_size = shapes.check_size("batch_size", batch_size)
    if batch_size > len(X_train):
        raise ValueError(
            f"The batch size {batch_size} is larger than the {len(X_train)} training rows: the largest "
            f"batch is the whole training set ({len(X_train)}, full-batch gradient descent)."
        )
    shapes.check_size("epochs", epochs)
    keras.utils.set_random_seed(seed)
    # 16 updates per call into TensorFlow: the same run, about 30% faster for small batches; the
    # stop button and the time cap are checked every 16 updates.
    model = classifier(X_train.shape[1], units, n_layers, learning_rate, steps_per_execution=16)
    watcher = _watcher(time_cap, should_stop, on_epoch)
    model.fit(
        X_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(X_val, y_val),
        validation_batch_size=len(X_val),
        shuffle=True,
        verbose=0,
        callbacks=[watcher],
    )
    curve = TrainingCurve(
        batch_size,
        float(learning_rate),
        seed,
        epochs,
        [float(logs["loss"]) for logs, *_ in watcher.epochs],
        [float(logs.get("val_loss", np.nan)) for logs, *_ in watcher.epochs],
        [updates for _, updates, *_ in watcher.epochs],
        [seconds for _, _, seconds, _ in watcher.epochs],
        stopped=watcher.stopped,
    )
    curve.final_train_loss = float(model.evaluate(X_train, y_train, batch_size=len(X_train), verbose=0))
    curve.final_val_loss = float(model.evaluate(X_val, y_val, batch_size=len(X_val), verbose=0))
    curve.model = model if keep_model else None
    return curve


@dataclass
class GapSummary:
    batch_size: int
    gaps: list  # one generalisation gap per seed
    val_losses: list

    @property
    def mean(self) -> float:
        return float(np.mean(self.gaps))

    @property
    def spread(self) -> float:
        """The standard deviation across seeds (0 with one seed)."""
        return float(np.std(self.gaps))


def gap_summaries(curves) -> list[GapSummary]:
    """Group finished runs by batch size: the generalisation gap of each seed."""
    groups: dict[int, GapSummary] = {}
    for curve in curves:
        summary = groups.setdefault(curve.batch_size, GapSummary(curve.batch_size, [], []))
        summary.gaps.append(curve.gap)
        summary.val_losses.append(curve.final_val_loss)
    return [groups[size] for size in sorted(groups)]


def gap_statement(small: GapSummary, large: GapSummary) -> str:
    """A plain reading of two batch sizes' gaps: what this data shows, and what it does not."""
    seeds = min(len(small.gaps), len(large.gaps))
    head = (
        f"Over {seeds} seed{'s' if seeds != 1 else ''}, batch {small.batch_size} ended with a gap of "
        f"{small.mean:.3f} ± {small.spread:.3f} and batch {large.batch_size} with {large.mean:.3f} ± {large.spread:.3f}. "
    )
    difference = large.mean - small.mean
    if seeds < 2:
        verdict = "With one seed there is no spread to compare with: run more seeds before reading anything into it."
    elif abs(difference) > small.spread + large.spread:
        bigger = large.batch_size if difference > 0 else small.batch_size
        verdict = (
            f"The difference ({abs(difference):.3f}) is larger than the spread across seeds, so on this problem "
            f"batch {bigger} generalised worse at these settings."
        )
    else:
        verdict = (
            f"The difference ({abs(difference):.3f}) is within the spread across seeds: this data does not show "
            "that either batch size generalises better."
        )
    caveat = (
        " It is one small problem, one learning rate and a fixed number of epochs; with the same epochs a "
        "large batch also makes far fewer updates, so part of any difference is less training, not worse generalisation."
    )
    return head + verdict + caveat


__all__ += ["TrainingCurve", "train_curve", "classifier", "GapSummary", "gap_summaries", "gap_statement"]


@dataclass
class WindowFit:
    """A small recurrent model trained on windows, and what it predicts for them."""

    model: object
    predictions: np.ndarray  # (n_windows, features)
    losses: list  # training loss per epoch


def fit_windows(
    X, y, batch_size: int = 8, units: int = 8, epochs: int = 30, seed: int = 0, layer: str = "LSTM"
) -> WindowFit:
    """Train ``layer(units)`` plus a Dense output on windows ``X`` ``(n, window, features)`` and
    targets ``y`` ``(n, features)``, then predict every window."""
    keras = _keras()
    X = np.asarray(X, dtype="float32")
    y = np.asarray(y, dtype="float32")
    if X.ndim != 3 or y.ndim != 2 or len(X) != len(y):
        raise ValueError(
            f"Need windows X of shape (n, window, features) and targets y of shape (n, features); got {X.shape} and {y.shape}."
        )
    keras.utils.set_random_seed(seed)
    model = build(ModelSpec(layer=layer, features=X.shape[2], units=units, timesteps=X.shape[1], outputs=y.shape[1]))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="mse")
    history = model.fit(X, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return WindowFit(model, model.predict(X, batch_size=len(X), verbose=0), [float(v) for v in history.history["loss"]])


__all__ += ["WindowFit", "fit_windows"]


# Lesson 06: what units are.


def hidden_states(model, x, layer_name: str = "hidden_1") -> np.ndarray:
    """Run ``model`` up to its recurrent layer ``layer_name`` on one sequence ``x`` of shape
    ``(timesteps, features)`` and return that layer's hidden state after every step:
    ``(timesteps, units)``, from the real layer (its weights, its activations)."""
    keras = _keras()
    x = np.asarray(x, dtype="float32")
    if x.ndim != 2:
        raise ValueError(f"Give one sequence of shape (timesteps, features); got {x.shape}.")
    layer = model.get_layer(layer_name)
    config = layer.get_config() | {"return_sequences": True, "stateful": False, "name": f"{layer_name}_states"}
    tracer = type(layer).from_config(config)
    tracer.build((None, *x.shape))
    tracer.set_weights(layer.get_weights())
    upstream = x[None]
    for earlier in model.layers[: model.layers.index(layer)]:
        upstream = earlier(upstream)
    return np.asarray(keras.ops.convert_to_numpy(tracer(upstream)))[0]


_ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "relu": lambda z: np.maximum(z, 0),
    "linear": lambda z: z,
}


def _activation(config: dict, key: str):
    name = config[key]
    if not isinstance(name, str) or name not in _ACTIVATIONS:
        raise ValueError(
            f"recurrent_states follows the activations {', '.join(_ACTIVATIONS)}; this layer's {key} is {name!r}: use hidden_states."
        )
    return _ACTIVATIONS[name]


def recurrent_states(layer, x) -> np.ndarray:
    """The hidden state of the recurrent ``layer`` (SimpleRNN, LSTM or GRU, already built) after
    every step of one sequence ``x`` of shape ``(timesteps, features)`` fed straight into it:
    ``(timesteps, units)``, computed with numpy from the layer's own weights and activations by
    the equations Keras runs (tests check them against the layer's own output). A widget calls
    it at every slider move: it takes well under a millisecond where running the layer takes tens."""
    config = layer.get_config()
    kind = type(layer).__name__
    if kind not in ("SimpleRNN", "LSTM", "GRU"):
        raise ValueError(f"recurrent_states follows SimpleRNN, LSTM and GRU layers, not {kind}.")
    return run_recurrent(
        kind,
        layer.get_weights(),
        x,
        activation=_activation(config, "activation"),
        recurrent_activation=None if kind == "SimpleRNN" else _activation(config, "recurrent_activation"),
        reset_after=kind == "GRU" and config["reset_after"],
    )


def initial_weights(layer: str, features: int, units: int, seed: int = 0) -> list[np.ndarray]:
    """Fresh weights for one recurrent layer, in the order ``layer.get_weights()`` lists them
    (kernel, recurrent kernel, bias), drawn as Keras's defaults draw them: Glorot-uniform input
    kernel, orthogonal recurrent kernel, zero bias (an LSTM's forget gate starts at 1). Loaded
    into the real layer with ``set_weights``, they make it compute what :func:`run_recurrent`
    computes from them without building anything."""
    shape = shapes.weight_shapes(layer, features, units)
    rng = np.random.default_rng(seed)
    fan_in, fan_out = shape["kernel"]
    limit = np.sqrt(6 / (fan_in + fan_out))
    kernel = rng.uniform(-limit, limit, size=shape["kernel"])
    square = rng.normal(size=(shape["recurrent_kernel"][1], units))
    q, r = np.linalg.qr(square)
    recurrent = (q * np.sign(np.diag(r))).T  # (units, gates*units), orthonormal rows
    bias = np.zeros(shape["bias"])
    if layer == "LSTM":
        bias[units : 2 * units] = 1.0
    return [w.astype("float32") for w in (kernel, recurrent, bias)]


def run_recurrent(
    kind: str, weights, x, activation=np.tanh, recurrent_activation=None, reset_after: bool = True
) -> np.ndarray:
    """The hidden state after every step of one sequence ``x`` ``(timesteps, features)`` of a
    ``kind`` layer (SimpleRNN, LSTM, GRU) with ``weights`` in Keras's order, by the equations
    Keras runs; the activations default to Keras's (tanh, and the sigmoid for the gates)."""
    x = np.asarray(x, dtype="float64")
    if x.ndim != 2:
        raise ValueError(f"Give one sequence of shape (timesteps, features); got {x.shape}.")
    act, gate = activation, recurrent_activation or _ACTIVATIONS["sigmoid"]
    kernel, recurrent, *bias = (np.asarray(w, dtype="float64") for w in weights)
    units = recurrent.shape[0]
    reset_after = kind == "GRU" and reset_after
    input_bias, recurrent_bias = 0, 0
    if bias and reset_after:  # this GRU keeps a second bias inside the reset gate's product
        input_bias, recurrent_bias = bias[0]
    elif bias:
        input_bias = bias[0]
    inputs = x @ kernel + input_bias  # every step's input part at once
    h, c = np.zeros(units), np.zeros(units)
    states = np.empty((len(x), units))
    for t, step in enumerate(inputs):
        if kind == "SimpleRNN":
            h = act(step + h @ recurrent)
        elif kind == "LSTM":
            i, f, candidate, o = np.split(step + h @ recurrent, 4)
            c = gate(f) * c + gate(i) * act(candidate)
            h = gate(o) * act(c)
        else:  # GRU: update gate z, reset gate r, candidate state
            x_z, x_r, x_h = np.split(step, 3)
            if reset_after:
                r_z, r_r, r_h = np.split(h @ recurrent + recurrent_bias, 3)
                z, r = gate(x_z + r_z), gate(x_r + r_r)
                candidate = act(x_h + r * r_h)
            else:
                r_z, r_r = np.split(h @ recurrent[:, : 2 * units], 2)
                z, r = gate(x_z + r_z), gate(x_r + r_r)
                candidate = act(x_h + (r * h) @ recurrent[:, 2 * units :])
            h = z * h + (1 - z) * candidate
        states[t] = h
    return states


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


def gradient_through_time(units: int, timesteps: int, layer: str = "SimpleRNN", seed: int = 0) -> np.ndarray:
    """How much the layer's final output depends on the input at each step: the norm of
    ``d output / d x_t`` for ``t = 1..timesteps``, from a freshly initialised real layer.

    Vanishing gradients show up as this norm shrinking for early steps as sequences get longer;
    compare it across ``units`` to see that width is not what makes it vanish.
    """
    keras = _keras()
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    model = build(ModelSpec(layer=layer, features=1, units=units, timesteps=timesteps))
    x = tf.constant(np.random.default_rng(seed).normal(size=(1, timesteps, 1)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = model.get_layer("hidden_1")(x)
        total = tf.reduce_sum(out)
    gradient = tape.gradient(total, x).numpy()[0, :, 0]
    return np.abs(gradient)


__all__ += [
    "hidden_states",
    "recurrent_states",
    "initial_weights",
    "run_recurrent",
    "step_seconds",
    "gradient_through_time",
]


# Lesson 07: stateful recurrent layers.


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


__all__ += ["reset_stateful", "stateful_equivalence", "stateful_samples", "fit_stateful"]


def validation_run(
    split,
    units: int,
    n_layers: int = 1,
    epochs: int = 12,
    learning_rate: float = 0.01,
    seed: int = 0,
    layer: str = "LSTM",
):
    """Train ``layer(units)`` × ``n_layers`` plus a Dense output on windows
    ``split = (X_train, y_train, X_val, y_val)``; return the validation loss after each epoch and
    the seconds the training took."""
    keras = _keras()
    X_train, y_train, X_val, y_val = split
    keras.utils.set_random_seed(seed)
    model = build(
        ModelSpec(
            layer=layer,
            features=X_train.shape[2],
            units=units,
            timesteps=X_train.shape[1],
            n_layers=n_layers,
            outputs=y_train.shape[1],
        )
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    start = time.perf_counter()
    history = model.fit(X_train, y_train, batch_size=32, epochs=epochs, validation_data=(X_val, y_val), verbose=0)
    return [float(v) for v in history.history["val_loss"]], time.perf_counter() - start


__all__ += ["validation_run"]
