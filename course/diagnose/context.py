"""Reading a model's structure around an error: the layer that failed, the layers that fed it and
what each did to the shape, the data format of convolutions, the model's outputs and the shapes of
the data and targets.

Everything here is best effort and never raises: a missing or odd model, data that is not an
array or a shape, give ``None`` (the caller then explains from the message alone). Where no model
is given, a model or tensor still being built when Keras raised is read from the error's own
traceback (Keras keeps the learner's ``Sequential`` and the symbolic tensor it was building).
TensorFlow is never imported here: only objects that already exist are read.
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass, field

from . import multi
from .layers import kind


@dataclass
class Step:
    """One layer on the way to the failing layer: what it received and what it gave."""

    layer: object
    kind: str
    name: str
    given: tuple | None
    gives: tuple | None


@dataclass
class Context:
    model: object | None = None
    x: tuple | None = None  # the data's shape (the first input's, for several inputs)
    y: tuple | None = None  # the targets' shape (the first target's)
    y_keys: tuple | None = None  # the keys of a dict of targets
    y_count: int | None = None  # how many target arrays were given (a list or dict)
    error: BaseException | None = None
    _frames: list = field(default_factory=list)

    @property
    def has_model(self) -> bool:
        return self.model is not None


def shape_of(value) -> tuple | None:
    """A shape from an array, a tensor or a tuple of whole numbers; None for anything else."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    shape = getattr(value, "shape", value)
    try:
        shape = tuple(None if size is None else int(size) for size in shape)
    except (TypeError, ValueError):
        return None
    return shape if shape and all(size is None or size >= 0 for size in shape) else None


def _first(value):
    """The first element of a list or dict of arrays or shapes (a tuple of ints is a shape)."""
    if isinstance(value, dict):
        return next(iter(value.values()), None)
    if isinstance(value, list) or (isinstance(value, tuple) and value and not isinstance(value[0], int)):
        return value[0] if value else None
    return value


def _is_model(model) -> bool:
    return hasattr(model, "layers") and callable(getattr(model, "predict", None))


def _keras_frames(error) -> list:
    """The local variables of the error's traceback frames, innermost first."""
    try:
        return [frame.f_locals for frame, _ in traceback.walk_tb(error.__traceback__)][::-1]
    except Exception:  # noqa: BLE001 - a traceback we cannot read: no context
        return []


def read(error, model=None, x=None, y=None) -> Context:
    """The context of an error: the model (given, or the Sequential being built), data and targets."""
    context = Context(error=error)
    context._frames = _keras_frames(error)
    if _is_model(model):
        context.model = model
    else:
        for local in context._frames[::-1]:  # outermost first: the learner's model, not a nested one
            candidate = local.get("self")
            if type(candidate).__name__ == "Sequential" and _is_model(candidate):
                context.model = candidate
                break
    context.x = shape_of(_first(x))
    context.y = shape_of(_first(y))
    if isinstance(y, dict):
        context.y_keys = tuple(str(key) for key in y)
    if isinstance(y, (list, dict)):
        context.y_count = len(y)
    return context


def layers_of(model) -> list:
    """Every layer of the model, the Input layer of a Sequential included, in order."""
    try:
        own = list(getattr(model, "_layers", None) or model.layers)
    except Exception:  # noqa: BLE001 - a model we cannot read
        return []
    found = []
    for layer in own:
        found.append(layer)
        inner = getattr(layer, "layer", None) or getattr(layer, "forward_layer", None)
        if inner is not None:
            found.append(inner)
    return found


def failing_conv(context: Context, kernel: tuple):
    """The convolution or pooling layer Keras was building when it raised (or the model's only one
    with that kernel)."""
    for local in context._frames:
        for key in ("self", "layer"):
            candidate = local.get(key)
            if candidate is not None and data_format(candidate) is not None:
                return candidate
    matches = [
        layer
        for layer in conv_layers(context)
        if tuple(getattr(layer, "kernel_size", getattr(layer, "pool_size", ())) or ())
        == tuple(kernel[: len(kernel) - 2])
        and getattr(layer, "filters", kernel[-1]) == kernel[-1]
    ]
    return matches[0] if len(matches) == 1 else None


def layer_named(context: Context, name: str):
    """The layer called ``name`` in the model, or the one Keras was calling when it raised."""
    if context.model is not None:
        for layer in layers_of(context.model):
            if getattr(layer, "name", None) == name:
                return layer
    for local in context._frames:
        for key in ("self", "layer"):
            candidate = local.get(key)
            if candidate is not None and getattr(candidate, "name", None) == name and hasattr(candidate, "input_spec"):
                return candidate
    return None


def _shape(tensor) -> tuple | None:
    try:
        return tuple(tensor.shape)
    except Exception:  # noqa: BLE001 - a tensor without a static shape
        return None


def _symbolic(value) -> bool:
    return type(value).__name__ == "KerasTensor"


def _building_tensor(context: Context, layer, name: str | None = None):
    """The symbolic tensor the failing layer was given, read from the traceback (build errors)."""
    for local in context._frames:
        if name is not None and local.get("layer_name") == name and _symbolic(local.get("inputs")):
            return local["inputs"]  # Keras's input check, which names the layer
        if layer is not None and local.get("layer") is layer and _symbolic(local.get("x")):  # Sequential.build
            return local["x"]
        for key in ("inputs", "x", "args"):
            value = local.get(key)
            value = value[0] if isinstance(value, (tuple, list)) and value else value
            owner = local.get("self")
            if _symbolic(value) and (owner is None or owner is layer):
                return value
    return None


def _input_tensor(context: Context, layer, name: str | None = None):
    found = _building_tensor(context, layer, name)
    if found is not None or layer is None:
        return found
    model = context.model
    if model is not None and kind(model) == "Sequential":
        own = layers_of(model)
        for index, other in enumerate(own):
            if other is layer and index > 0:
                try:
                    return own[index - 1].output
                except Exception:  # noqa: BLE001 - the layer before was never called
                    return None
    try:
        return layer._inbound_nodes[0].input_tensors[0]
    except Exception:  # noqa: BLE001 - a layer that was never called
        return None


def upstream(context: Context, layer, name: str | None = None) -> list[Step]:
    """The layers that fed ``layer`` (or the layer Keras names ``name``), nearest first, down to the
    Input (one path: the first input)."""
    steps = []
    tensor = _input_tensor(context, layer, name)
    while tensor is not None and len(steps) < 200:
        history = getattr(tensor, "_keras_history", None)
        operation = getattr(history, "operation", None)
        if operation is None:
            break
        try:
            node = operation._inbound_nodes[history.node_index]
            inputs = list(node.input_tensors)
        except Exception:  # noqa: BLE001 - a graph we cannot read further
            inputs = []
        given = _shape(inputs[0]) if inputs else None
        steps.append(Step(operation, kind(operation), getattr(operation, "name", "?"), given, _shape(tensor)))
        tensor = inputs[0] if inputs else None
    return steps


def rank_changer(steps: list[Step]) -> Step | None:
    """The nearest layer that changed the number of axes (the Input layer where none did)."""
    for step in steps:
        if step.kind == "InputLayer":
            return step
        if step.given is not None and step.gives is not None and len(step.given) != len(step.gives):
            return step
    return None


def nearest(steps: list[Step], kinds: tuple) -> Step | None:
    for step in steps:
        if step.kind in kinds:
            return step
    return None


def data_format(layer) -> str | None:
    value = getattr(layer, "data_format", None)
    return value if value in ("channels_first", "channels_last") else None


def conv_layers(context: Context) -> list:
    """The model's convolution and pooling layers (those with a data format)."""
    if context.model is None:
        return []
    return [layer for layer in layers_of(context.model) if data_format(layer) is not None]


def model_input(model) -> tuple | None:
    try:
        return tuple(model.inputs[0].shape)
    except Exception:  # noqa: BLE001 - a model not built on an Input
        for layer in layers_of(model)[:1]:
            shape = getattr(layer, "batch_shape", None)
            return tuple(shape) if shape else None
    return None


def model_output(model) -> tuple | None:
    try:
        return tuple(model.outputs[0].shape)
    except Exception:  # noqa: BLE001 - a model not built on an Input
        return None


def output_names(model) -> list[str]:
    """The model's output names as Keras keys the targets (``multi.output_names``); none for a
    model that cannot be read."""
    try:
        return multi.output_names(model)
    except Exception:  # noqa: BLE001 - a model without outputs
        return []


def last_sequence_layer(model):
    """The last recurrent layer that returns sequences, if the model ends with per-step outputs."""
    found = None
    for layer in layers_of(model):
        inner = getattr(layer, "forward_layer", None) or getattr(layer, "layer", None) or layer
        if kind(inner) in ("SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D"):
            found = layer if getattr(inner, "return_sequences", False) else None
    return found


def words(shape) -> str:
    """(None, 3, 4) as '(None, 3, 4)'; the one-sample part as a product '3 × 4 = 12'."""
    return "(" + ", ".join(str(size) for size in shape) + ("," if len(shape) == 1 else "") + ")"


def product(shape) -> str:
    sizes = [size for size in shape if size is not None]
    return " × ".join(map(str, sizes)) + (f" = {math.prod(sizes)}" if len(sizes) > 1 else "")
