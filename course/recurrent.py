"""What a recurrent layer computes, step by step: its hidden state after every step of one sequence.

``hidden_states`` runs the real layer of a model (its weights, its activations); ``run_recurrent``
follows the equations Keras runs, with numpy, from weights in Keras's order: ``recurrent_states``
reads them from a built layer and ``initial_weights`` draws fresh ones as Keras's defaults do. Tests
check the two ways against each other; the numpy one is fast enough for a slider.
"""

from __future__ import annotations

import numpy as np

from course import shapes
from course._keras import keras as _keras

__all__ = ["hidden_states", "recurrent_states", "initial_weights", "run_recurrent"]


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
