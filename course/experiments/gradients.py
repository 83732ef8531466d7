"""Vanishing and exploding gradients in recurrent layers, measured on real Keras layers.

``influence`` asks a freshly initialised model how strongly its last recurrent layer's final
state depends on the input at every step: the size of ``d (v . h_T) / d x_t`` for a fixed random
unit vector ``v`` (so wide and narrow layers are read on the same scale). The input kernel is drawn
with the same spread for every width (``input_scale``), because Keras's default draws a narrow
layer's input weights much larger than a wide one's, and a large input weight saturates the tanh:
that, not the width, would then decide the result. Everything else is Keras's default
initialisation (an orthogonal recurrent kernel; an LSTM's forget gate bias at 1).

``early_signal`` reads a profile as one number (step 1's influence over the last step's), and the
``*_verdict`` functions turn measurements into the sentences a lesson prints. ``exploding`` and
``clipped_update`` show the opposite failure, and what an optimizer's ``clipnorm`` does about it.
``gradient_through_time`` is the plain profile of one freshly built layer (Keras's default
initialisation throughout): ``|d output / d x_t|`` for every step, for looking at one layer's
profile along a sequence. It is no fair comparison of widths (the default input kernel's spread
depends on the units): compare widths with ``influence``, ``early_signal`` and ``width_verdict``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = [
    "INPUT_SCALE",
    "influence",
    "mean_influence",
    "early_signal",
    "width_verdict",
    "length_verdict",
    "depth_verdict",
    "gates_verdict",
    "Explosion",
    "exploding",
    "ClippedStep",
    "clipped_update",
    "gradient_through_time",
]

INPUT_SCALE = 0.5  # half-width of the uniform input kernel, the same for every width


def _model(
    layer: str,
    units: int,
    timesteps: int,
    n_layers: int,
    seed: int,
    input_scale: float | None,
    forget_bias: float | None = None,
):
    keras = _keras()
    keras.utils.set_random_seed(seed)
    model = build(ModelSpec(layer=layer, features=1, units=units, timesteps=timesteps, n_layers=n_layers))
    if forget_bias is not None:
        if layer != "LSTM":
            raise ValueError(f"forget_bias belongs to an LSTM's forget gate; a {layer} has none.")
        for name in model_hidden_names(n_layers):
            recurrent = model.get_layer(name)
            kernel, recurrent_kernel, bias = recurrent.get_weights()
            bias[units : 2 * units] = forget_bias  # Keras orders an LSTM's gates input, forget, candidate, output
            recurrent.set_weights([kernel, recurrent_kernel, bias])
    if input_scale is not None:
        first = model.get_layer("hidden_1")
        kernel, *rest = first.get_weights()
        rng = np.random.default_rng(seed + 1000)
        first.set_weights([rng.uniform(-input_scale, input_scale, size=kernel.shape).astype("float32"), *rest])
    return model


def model_hidden_names(n_layers: int) -> list[str]:
    return [f"hidden_{i}" for i in range(1, n_layers + 1)]


def _final_state(model, n_layers: int, x):
    """The last recurrent layer's state after the last step, run through the real stack."""
    out = x
    for layer in model.layers[:n_layers]:
        out = layer(out)
    return out[:, -1, :] if len(out.shape) == 3 else out


def influence(
    layer: str = "SimpleRNN",
    units: int = 32,
    timesteps: int = 50,
    n_layers: int = 1,
    seed: int = 0,
    input_scale: float | None = INPUT_SCALE,
    forget_bias: float | None = None,
) -> np.ndarray:
    """``|d (v . h_T) / d x_t|`` for ``t = 1..timesteps``: how much the final state of the
    ``n_layers``-deep stack of ``layer(units)`` moves when the input at step ``t`` moves, measured
    with TensorFlow's GradientTape on a fresh real model. ``v`` is a random unit vector; the input
    is one sequence of standard normal values. ``input_scale=None`` keeps Keras's default input
    kernel (whose spread shrinks as the units grow). ``forget_bias`` (LSTM only) sets every forget
    gate's bias: Keras starts it at 1; a large value stands for a gate that training has opened."""
    import tensorflow as tf

    model = _model(layer, units, timesteps, n_layers, seed, input_scale, forget_bias)
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.normal(size=(1, timesteps, 1)).astype("float32"))
    direction = rng.normal(size=(units,))
    direction = tf.constant((direction / np.linalg.norm(direction)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        final = _final_state(model, n_layers, x)
        read = tf.reduce_sum(final * direction)
    return np.abs(tape.gradient(read, x).numpy()[0, :, 0])


def mean_influence(seeds=range(5), **settings) -> np.ndarray:
    """:func:`influence` averaged over several initialisations (one seed can be lucky)."""
    return np.mean([influence(seed=seed, **settings) for seed in seeds], axis=0)


def early_signal(profile) -> float:
    """Step 1's influence as a fraction of the last step's: 1 means the first step counts as much
    as the last, 1e-6 means it is all but invisible to the gradient."""
    profile = np.asarray(profile, dtype="float64")
    return float(profile[0] / profile[-1]) if profile[-1] > 0 else 0.0


def _factor(a: float, b: float) -> float:
    small, large = sorted((max(a, 1e-300), max(b, 1e-300)))
    return large / small


def width_verdict(narrow_units: int, narrow: float, wide_units: int, wide: float, tolerance: float = 10.0) -> str:
    """A sentence comparing the early signal (:func:`early_signal`) of a narrow and a wide layer."""
    factor = _factor(narrow, wide)
    if factor < tolerance:
        return (
            f"{narrow_units} and {wide_units} units keep step 1's signal within a factor of {factor:.1f} of each other "
            f"({narrow:.1e} against {wide:.1e}): with the inputs on the same scale, width makes no large difference."
        )
    more, fewer = (wide_units, narrow_units) if wide > narrow else (narrow_units, wide_units)
    return (
        f"{more} units kept {factor:,.0f} times as much of step 1's signal as {fewer} units "
        f"({max(narrow, wide):.1e} against {min(narrow, wide):.1e})."
    )


def _trend(labelled: dict, what: str, tolerance: float) -> str:
    keys = list(labelled)
    first, last = labelled[keys[0]], labelled[keys[-1]]
    factor = _factor(first, last)
    listing = ", ".join(f"{key} {what[:-1] if key == 1 else what}: {value:.1e}" for key, value in labelled.items())
    if factor < tolerance:
        return f"step 1's signal stays within a factor of {factor:.1f} ({listing})."
    direction = "falls" if last < first else "rises"
    return f"step 1's signal {direction} by a factor of {factor:,.0f} from {keys[0]} to {keys[-1]} {what} ({listing})."


def length_verdict(by_length: dict, tolerance: float = 10.0) -> str:
    """A sentence on how the early signal changes with the sequence length ``{steps: signal}``."""
    return "Longer sequences: " + _trend(by_length, "steps", tolerance)


def depth_verdict(by_depth: dict, tolerance: float = 10.0) -> str:
    """A sentence on how the influence of the last step's input, whose only road to the output
    runs up through the stack, changes with the number of stacked layers ``{layers: influence}``."""
    return "Deeper stacks, the last step's input: " + _trend(by_depth, "layers", tolerance).replace(
        "step 1's signal", "its influence"
    )


def gates_verdict(signals: dict, steps: int, tolerance: float = 10.0) -> str:
    """A sentence comparing the early signal of several layers ``{label: signal}`` over ``steps``."""
    best = max(signals, key=signals.get)
    worst = min(signals, key=signals.get)
    factor = _factor(signals[best], signals[worst])
    listing = ", ".join(f"{label} {value:.1e}" for label, value in signals.items())
    if factor < tolerance:
        return f"Over {steps} steps they all keep about as much of step 1 ({listing})."
    return f"Over {steps} steps {best} keeps {factor:,.0f} times as much of step 1's signal as {worst} ({listing})."


@dataclass(frozen=True)
class Explosion:
    """The size of the loss gradient with respect to a recurrent kernel, by sequence length."""

    gain: float  # the recurrent kernel is an orthogonal matrix times this
    norms: dict  # {timesteps: gradient norm}


def _relu_rnn(units: int, timesteps: int, gain: float, seed: int):
    keras = _keras()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(timesteps, 1), name="input"),
            keras.layers.SimpleRNN(units, activation="relu", name="hidden_1"),
            keras.layers.Dense(1, name="output"),
        ],
        name="relu_rnn",
    )
    rnn = model.get_layer("hidden_1")
    kernel, recurrent, bias = rnn.get_weights()
    rnn.set_weights([kernel, (gain * recurrent).astype("float32"), bias])
    return model


def _loss_gradients(model, x, y):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - y) ** 2)
    return tape.gradient(loss, model.trainable_variables)


def _data(timesteps: int, seed: int):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, size=(16, timesteps, 1)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")


def exploding(lengths=(5, 10, 20, 40), units: int = 16, gain: float = 2.0, seed: int = 0) -> Explosion:
    """A SimpleRNN with ReLU (unbounded, as some tutorials use) and its orthogonal recurrent kernel
    scaled by ``gain`` > 1: the norm of the loss gradient for its recurrent kernel, for each
    sequence length. Each step back multiplies the gradient by up to ``gain``."""
    norms = {}
    for steps in lengths:
        model = _relu_rnn(units, steps, gain, seed)
        x, y = _data(steps, seed)
        gradients = _loss_gradients(model, x, y)
        recurrent = model.get_layer("hidden_1").weights[1]
        index = [v.path for v in model.trainable_variables].index(recurrent.path)
        norms[steps] = float(np.linalg.norm(gradients[index].numpy()))
    return Explosion(gain, norms)


@dataclass(frozen=True)
class ClippedStep:
    """One SGD step on the same batch, without and with ``clipnorm``."""

    learning_rate: float
    clipnorm: float
    gradient_norms: dict  # variable path -> norm of its gradient
    plain_steps: dict  # variable path -> norm of the weight change without clipping
    clipped_steps: dict  # variable path -> norm of the weight change with clipnorm


def clipped_update(
    timesteps: int = 40,
    units: int = 16,
    gain: float = 2.0,
    learning_rate: float = 0.01,
    clipnorm: float = 1.0,
    seed: int = 0,
) -> ClippedStep:
    """Apply one real ``keras.optimizers.SGD`` step to the exploding model of :func:`exploding`,
    once plainly and once with ``clipnorm``, and measure how far each variable moved. Keras's
    ``clipnorm`` rescales each variable's gradient on its own so that its norm is at most
    ``clipnorm`` (``global_clipnorm`` would rescale all of them together)."""
    keras = _keras()
    x, y = _data(timesteps, seed)
    steps, norms = {}, {}
    for clip in (None, clipnorm):
        model = _relu_rnn(units, timesteps, gain, seed)
        before = [v.numpy().copy() for v in model.trainable_variables]
        gradients = _loss_gradients(model, x, y)
        optimizer = keras.optimizers.SGD(learning_rate=learning_rate, clipnorm=clip)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        moved = {v.path: float(np.linalg.norm(v.numpy() - old)) for v, old in zip(model.trainable_variables, before)}
        steps[clip] = moved
        norms = {v.path: float(np.linalg.norm(g.numpy())) for v, g in zip(model.trainable_variables, gradients)}
    return ClippedStep(learning_rate, clipnorm, norms, steps[None], steps[clipnorm])


def explosion_verdict(explosion: Explosion) -> str:
    """A sentence on how the gradient grew with the sequence length."""
    lengths = list(explosion.norms)
    first, last = explosion.norms[lengths[0]], explosion.norms[lengths[-1]]
    if last <= 10 * first:
        return f"From {lengths[0]} to {lengths[-1]} steps the gradient stayed within a factor of 10 ({first:.3g} to {last:.3g}): nothing exploded here."
    return (
        f"From {lengths[0]} to {lengths[-1]} steps the gradient grew from {first:.3g} to {last:.3g}, "
        f"{last / first:,.0f} times: each step back multiplies it again."
    )


def clipping_verdict(step: ClippedStep) -> str:
    """A sentence on the largest weight change of one step, without and with ``clipnorm``."""
    plain, clipped = max(step.plain_steps.values()), max(step.clipped_steps.values())
    bound = step.learning_rate * step.clipnorm
    return (
        f"Largest gradient norm {max(step.gradient_norms.values()):,.3g}. Without clipping, one SGD step moved a weight "
        f"matrix by {plain:,.3g}; with clipnorm={step.clipnorm:g} by {clipped:.3g}, never more than learning rate × clipnorm = {bound:g}."
    )


__all__ += ["explosion_verdict", "clipping_verdict"]


def gradient_through_time(units: int, timesteps: int, layer: str = "SimpleRNN", seed: int = 0) -> np.ndarray:
    """How much the layer's final output depends on the input at each step: the norm of
    ``d output / d x_t`` for ``t = 1..timesteps``, from a freshly initialised real layer.

    Vanishing gradients show up as this norm shrinking for early steps as sequences get longer.
    Keras's default input kernel is drawn wider for fewer units, so profiles of different widths
    differ for that reason too: to compare widths, use :func:`influence` (the same input scale for
    every width) and :func:`width_verdict`.
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
