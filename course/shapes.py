"""Pure shape maths: parameter counts, iterations, batches.

No TensorFlow here. Every formula is checked against ``count_params()`` and against the batches
``fit`` really runs by the Keras cross-check tests.
"""

from __future__ import annotations

import math
import numbers

__all__ = [
    "check_size",
    "dense_params",
    "simple_rnn_params",
    "lstm_params",
    "gru_params",
    "iterations_per_epoch",
    "batch_bounds",
    "last_batch_size",
    "layer_params",
    "weight_shapes",
    "param_equation",
    "dense_widths_params",
    "step_memory",
    "check_learning_rate",
    "scaled_learning_rate",
    "descent_flavour",
    "sequence_layouts",
    "gate_breakdown",
    "divisors",
]


def check_size(name: str, value, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise a ``ValueError`` that says what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if value < minimum:
        if minimum == 1:
            raise ValueError(
                f"{name} must be at least 1, got {value}: a layer or a data set of size {value} has nothing in it."
            )
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def divisors(n: int, up_to: int | None = None) -> list[int]:
    """The batch sizes (up to ``up_to``) that split ``n`` sequences into whole batches."""
    n = check_size("n", n)
    return [d for d in range(1, min(n, up_to or n) + 1) if n % d == 0]


def dense_params(features: int, units: int, use_bias: bool = True) -> int:
    """Weights of ``Dense(units)`` on inputs of ``features`` values: a kernel and a bias.

    The kernel is a ``(features, units)`` matrix; the bias adds one number per unit.
    """
    features = check_size("features", features)
    units = check_size("units", units)
    return features * units + (units if use_bias else 0)


def _recurrent_block(features: int, units: int) -> int:
    """One gate of a recurrent cell: input kernel, recurrent kernel and bias."""
    features = check_size("features", features)
    units = check_size("units", units)
    return features * units + units * units + units


def simple_rnn_params(features: int, units: int) -> int:
    """Weights of ``SimpleRNN(units)``: ``features*units + units*units + units``."""
    return _recurrent_block(features, units)


def lstm_params(features: int, units: int) -> int:
    """Weights of ``LSTM(units)``: four gates (input, forget, cell, output), each a SimpleRNN."""
    return 4 * _recurrent_block(features, units)


def gru_params(features: int, units: int, reset_after: bool = True) -> int:
    """Weights of ``GRU(units)``: three gates; ``reset_after=True`` (Keras's default) adds a
    second bias of ``3*units`` for the recurrent kernel."""
    base = 3 * _recurrent_block(features, units)
    return base + (3 * int(units) if reset_after else 0)


def iterations_per_epoch(n_samples: int, batch_size: int, drop_remainder: bool = False) -> int:
    """How many batches, and so weight updates, one epoch over ``n_samples`` makes.

    The last batch holds what is left over, so it can be smaller than ``batch_size``; with
    ``drop_remainder=True`` it is dropped instead. A batch size larger than the data set is
    fine: the whole data set is one batch.
    """
    n_samples = check_size("n_samples", n_samples)
    batch_size = check_size("batch_size", batch_size)
    if drop_remainder:
        return n_samples // batch_size
    return math.ceil(n_samples / batch_size)


def batch_bounds(n_samples: int, batch_size: int, drop_remainder: bool = False) -> list[tuple[int, int]]:
    """``(start, stop)`` positions of every batch of one epoch, in order (stop excluded).

    With 50 samples in batches of 5, the tenth batch is ``(45, 50)``: positions 45 to 49,
    which are rows 46 to 50 when rows are counted from 1.
    """
    count = iterations_per_epoch(n_samples, batch_size, drop_remainder)
    return [(k * batch_size, min((k + 1) * batch_size, n_samples)) for k in range(count)]


def last_batch_size(n_samples: int, batch_size: int) -> int:
    """How many samples the last batch of an epoch over ``n_samples`` holds: the ones left over
    after the whole batches, or a whole ``batch_size`` when it divides ``n_samples`` (and all of
    them when the batch size is larger than the data set)."""
    n_samples = check_size("n_samples", n_samples)
    batch_size = check_size("batch_size", batch_size)
    return n_samples - (iterations_per_epoch(n_samples, batch_size) - 1) * batch_size


RECURRENT = ("SimpleRNN", "LSTM", "GRU")
LAYER_KINDS = ("Dense",) + RECURRENT

# How many blocks of `units` columns each kind stacks side by side in its kernels.
_GATES = {"Dense": 1, "SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def gates(layer: str) -> int:
    """How many gates (blocks of ``units`` columns) a layer kind's kernel holds."""
    if layer not in _GATES:
        raise ValueError(f"layer must be one of {', '.join(LAYER_KINDS)}, got {layer!r}.")
    return _GATES[layer]


def layer_params(layer: str, features: int, units: int) -> int:
    """Parameter count of one layer of kind ``layer`` (Keras defaults) on ``features`` inputs."""
    counters = {
        "Dense": dense_params,
        "SimpleRNN": simple_rnn_params,
        "LSTM": lstm_params,
        "GRU": gru_params,
    }
    gates(layer)  # validates the kind
    return counters[layer](features, units)


def weight_shapes(layer: str, features: int, units: int) -> dict[str, tuple[int, ...]]:
    """The shape of every weight tensor of one layer, named as Keras names them."""
    g = gates(layer)
    features = check_size("features", features)
    units = check_size("units", units)
    if layer == "Dense":
        return {"kernel": (features, units), "bias": (units,)}
    bias = (2, g * units) if layer == "GRU" else (g * units,)
    return {
        "kernel": (features, g * units),
        "recurrent_kernel": (units, g * units),
        "bias": bias,
    }


def param_equation(layer: str, features: int, units: int) -> str:
    """The parameter count written out with the numbers filled in, e.g. ``3×8 + 8 = 32``."""
    total = layer_params(layer, features, units)
    f, u = int(features), int(units)
    if layer == "Dense":
        return f"{f}×{u} + {u} = {total}"
    block = f"{f}×{u} + {u}×{u} + {u}"
    if layer == "SimpleRNN":
        return f"{block} = {total}"
    if layer == "LSTM":
        return f"4 × ({block}) = {total}"
    return f"3 × ({block} + {u}) = {total}"


def dense_widths_params(widths) -> int:
    """Parameters of a stack of Dense layers with these widths: ``[features, hidden..., outputs]``."""
    widths = [check_size("width", w) for w in widths]
    if len(widths) < 2:
        raise ValueError("Give at least the input width and one layer's width, e.g. [features, outputs].")
    return sum(dense_params(a, b) for a, b in zip(widths, widths[1:]))


def step_memory(widths, batch_size: int, bytes_per_value: int = 4, optimizer_slots: int = 0) -> dict:
    """Memory of one training step of a Dense stack, in bytes, worked out from the shapes.

    ``widths`` is ``[features, hidden..., outputs]``. The parameters are held once as weights
    and once as their gradients (plus ``optimizer_slots`` more copies: 0 for plain SGD, 1 for
    momentum, 2 for Adam), whatever the batch size. The activations kept for the backward pass
    are one value per sample per layer output, input included, so they grow linearly with the
    batch size. Real frameworks add workspace and overhead on top: this is the floor.
    """
    batch_size = check_size("batch_size", batch_size)
    params = dense_widths_params(widths)
    parameter_bytes = params * bytes_per_value * (2 + optimizer_slots)
    activation_values = batch_size * sum(int(w) for w in widths)
    activation_bytes = activation_values * bytes_per_value
    return {
        "params": params,
        "parameter_bytes": parameter_bytes,
        "activation_values": activation_values,
        "activation_bytes": activation_bytes,
        "total_bytes": parameter_bytes + activation_bytes,
    }


def check_learning_rate(learning_rate: float) -> float:
    """Return the learning rate as a float, or say why it cannot train anything."""
    if not learning_rate > 0:
        raise ValueError(f"The learning rate must be above 0, got {learning_rate}: with 0 nothing moves. Try 0.1.")
    return float(learning_rate)


def scaled_learning_rate(learning_rate: float, batch_size: int, reference_batch: int = 32) -> float:
    """The linear scaling rule: grow the learning rate in proportion to the batch size.

    A batch ``k`` times larger averages ``k`` times more rows into each update and makes ``k``
    times fewer updates per epoch; scaling the step by ``k`` keeps the distance travelled per
    epoch about the same (a rule of thumb, not a law, and it fails for very large steps).
    """
    learning_rate = check_learning_rate(learning_rate)
    batch_size = check_size("batch_size", batch_size)
    return learning_rate * batch_size / check_size("reference_batch", reference_batch)


def descent_flavour(batch_size: int, n_samples: int) -> str:
    """Which gradient descent a batch size makes: stochastic, mini-batch or full-batch."""
    batch_size = check_size("batch_size", batch_size)
    n_samples = check_size("n_samples", n_samples)
    if batch_size >= n_samples:
        return "full-batch"
    if batch_size == 1:
        return "stochastic (SGD)"
    return "mini-batch"


def sequence_layouts(columns: int, units: int, layer: str = "LSTM") -> list[dict]:
    """The two ways to hand a table of ``columns`` values per row to a recurrent layer.

    ``(N, columns, 1)`` makes every column a timestep: ``columns`` recurrent steps, each reading
    one value. ``(N, 1, columns)`` makes every column a feature of a single timestep: one step
    reading all values at once. The units, and so the size of the hidden state, are the same in
    both; only the kernel's first dimension and the number of steps change.
    """
    columns = check_size("columns", columns)
    units = check_size("units", units)
    if layer not in RECURRENT:
        raise ValueError(f"layer must be a recurrent kind ({', '.join(RECURRENT)}), got {layer!r}.")
    layouts = []
    for name, timesteps, features in (("columns as timesteps", columns, 1), ("columns as features", 1, columns)):
        layouts.append(
            {
                "layout": name,
                "shape": (None, timesteps, features),
                "steps": timesteps,
                "values_per_step": features,
                "kernel": weight_shapes(layer, features, units)["kernel"],
                "params": layer_params(layer, features, units),
                "output": (None, units),
            }
        )
    return layouts


_GATE_NAMES = {
    "SimpleRNN": ("state",),
    "LSTM": ("input gate", "forget gate", "cell candidate", "output gate"),
    "GRU": ("update gate", "reset gate", "candidate"),
}


def gate_breakdown(layer: str, features: int, units: int, reset_after: bool = True) -> list[dict]:
    """A recurrent layer's parameters gate by gate, in the order Keras stacks them in its kernels.

    Each gate has input weights (``features × units``: every input value to every unit), recurrent
    weights (``units × units``: the previous hidden state to every unit) and a bias (``units``);
    GRU with ``reset_after=True`` adds a second, recurrent bias of ``units`` per gate.
    """
    if layer not in _GATE_NAMES:
        raise ValueError(f"layer must be a recurrent kind ({', '.join(RECURRENT)}), got {layer!r}.")
    features = check_size("features", features)
    units = check_size("units", units)
    rows = []
    for name in _GATE_NAMES[layer]:
        bias = units * (2 if layer == "GRU" and reset_after else 1)
        rows.append(
            {
                "gate": name,
                "input_weights": features * units,
                "recurrent_weights": units * units,
                "bias": bias,
                "total": features * units + units * units + bias,
            }
        )
    return rows
