"""Reading what the learner hands the doctor: a shape (typed or a tuple), an array, a model.

Everything here turns bad input into a ``ValueError`` with one plain sentence, which the callers
show as it is: a typed shape is read as numbers only (never evaluated), an array of strings or a
shape with an empty, negative or absurd axis is refused in words, and so is an object that is not
a built Keras model with one input.
"""

from __future__ import annotations

import math
import re

_SHAPE_TEXT = re.compile(r"^\s*[\(\[]?\s*(\d+(?:\s*,\s*\d+)*)\s*,?\s*[\)\]]?\s*$")

# More values than any course example or laptop array holds: a typo, not data.
MAX_VALUES = 10**11


def parse_shape(text: str) -> tuple[int, ...]:
    """Read a data shape typed by a learner, such as ``(32, 10, 1)`` or ``32, 10``.

    Only whole positive numbers separated by commas are accepted, with optional brackets; the
    text is never evaluated.
    """
    found = _SHAPE_TEXT.match(str(text))
    if not found:
        raise ValueError(
            f"Type a shape as whole numbers separated by commas, like (32, 10, 1); got {str(text)[:40]!r}."
        )
    return check_shape(tuple(int(part) for part in found.group(1).split(",")))


def check_shape(shape, what: str = "data") -> tuple[int, ...]:
    """A shape from a tuple, a typed text or an array (its shape is read), checked for sense."""
    if isinstance(shape, str):
        return parse_shape(shape)
    if hasattr(shape, "shape") and not isinstance(shape, tuple):  # an array: read its shape
        kind = getattr(getattr(shape, "dtype", None), "kind", "f")
        if kind in "USO":
            raise ValueError(
                f"The {what} holds text or Python objects ({shape.dtype}), not numbers: a Keras model reads numbers. "
                "Turn words into token ids first (e.g. `keras.layers.TextVectorization`), and labels into class numbers."
            )
        shape = shape.shape
    try:
        shape = tuple(int(size) for size in shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"The {what} shape must be whole numbers, like (32, 10, 1); got {str(shape)[:40]!r}."
        ) from None
    if not shape:
        raise ValueError(f"A single number has no samples axis: give the {what} at least one axis, e.g. (100,).")
    if any(size < 1 for size in shape):
        raise ValueError(f"Every axis needs at least one element; {shape} has an empty or negative axis.")
    if len(shape) > 8 or math.prod(shape) > MAX_VALUES:
        raise ValueError(
            f"A {what} shape of {shape} holds more values than any array fits in memory: check it for a typo."
        )
    return shape


def model_input(model) -> tuple:
    """The batch shape of a built model's one input, or a plain sentence saying why not."""
    if not hasattr(model, "layers") or not callable(getattr(model, "predict", None)):
        raise ValueError(f"The shape doctor needs a Keras model as its second argument; got a {type(model).__name__}.")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError(
            "The shape doctor reads the model's input: build the model on keras.Input (a Sequential model "
            "starting with keras.Input(shape=...), or a functional model) before asking."
        )
    if len(inputs) != 1:
        names = ", ".join(f"'{getattr(tensor, 'name', i)}'" for i, tensor in enumerate(inputs))
        raise ValueError(
            f"This model has {len(inputs)} inputs ({names}); this view reads one input. Ask the doctor in code instead: "
            "diagnose(x, model, y) with x a dict of one array (or shape) per input name."
        )
    return tuple(inputs[0].shape)


def all_layers(model):
    """Every layer of the model, those inside nested models and wrappers included."""
    for layer in model.layers:
        yield layer
        inner = getattr(layer, "layer", None) or getattr(layer, "forward_layer", None)
        if inner is not None:
            yield inner
        if hasattr(layer, "layers"):
            yield from all_layers(layer)


def stateful(model) -> bool:
    return any(getattr(layer, "stateful", False) for layer in all_layers(model))


def has_run(model) -> bool:
    """Whether ``predict``, ``fit`` or ``evaluate`` has traced the model already (the re-run trap)."""
    return any(
        getattr(model, name, None) is not None for name in ("predict_function", "train_function", "test_function")
    )


def shape_words(shape) -> str:
    return "(" + ", ".join("any" if size is None else str(size) for size in shape) + ")"


def axis_names(rank: int) -> list[str]:
    """What the axes of a batch of this rank usually mean."""
    if rank == 1:
        return ["samples"]
    if rank == 2:
        return ["samples", "features"]
    if rank == 3:
        return ["samples", "timesteps", "features"]
    return ["samples"] + [f"axis {i}" for i in range(1, rank - 1)] + ["features"]
