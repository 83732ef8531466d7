"""A layer's own sizes that do not add up: a Reshape whose target does not hold the values that
come in, and saved weights that do not fit the layer they are loaded into. The message gives the
sizes; the model (when given) names the layers before the one at fault.
"""

from __future__ import annotations

import math
import re

from . import context as ctx


def _sizes(text: str) -> tuple:
    return tuple(int(part) for part in re.findall(r"-?\d+", text))


def _holding(total: int, target: tuple) -> list[str]:
    """Target shapes of the same number of axes that hold ``total`` values, the closest first."""
    found = []
    if len(target) >= 2 and total % math.prod(target[1:]) == 0:
        found.append((-1, *target[1:]))
    if len(target) >= 2 and total % math.prod(target[:-1]) == 0:
        found.append((*target[:-1], -1))
    if len(target) == 2:
        found += [(a, total // a) for a in range(2, total) if total % a == 0 and (a, total // a) != target][:4]
    shown = [ctx.words(shape) for shape in dict.fromkeys(found)]
    return shown[:5] or [ctx.words((total,))]


def _reshape(message: str, context: ctx.Context) -> str | None:
    found = re.search(
        r"total size of the tensor must be unchanged[^.]*\. Received: input_shape=\(([^)]*)\), target_shape=\(([^)]*)\)",
        message,
    ) or re.search(
        r"total size of new array must be unchanged,? input_shape = \[([^\]]*)\], output_shape = \[([^\]]*)\]", message
    )
    if not found:
        return None
    given, target = _sizes(found.group(1)), _sizes(found.group(2))
    if not given or not target or any(size < 1 for size in given):
        return None
    total, holds = math.prod(given), math.prod(size for size in target if size > 0)
    if -1 in target:
        holds = f"a multiple of {holds} (the -1 is computed, and {total} is not a multiple of {holds})"
    layer = next((local.get("self") for local in context._frames if ctx.kind(local.get("self")) == "Reshape"), None)
    name = f"The Reshape layer '{layer.name}'" if layer is not None else "A Reshape layer"
    text = (
        f"{name} must keep every value: it receives {ctx.product(given) if len(given) > 1 else total} values per sample "
        f"{ctx.words(given)}, and its target shape {ctx.words(target)} holds {holds}. Give it a target shape whose sizes "
        f"multiply to {total}, e.g. {', '.join(_holding(total, target))} (-1 lets Keras compute that one size)."
    )
    model_in = ctx.model_input(context.model) if context.model is not None else None
    if model_in and context.x and tuple(context.x[1:]) != tuple(model_in[1:]) and tuple(context.x[1:]) == given:
        text += (
            f" Here the data is the one that changed: the model was built on {ctx.words(model_in[1:])} per sample and "
            f"the data has {ctx.words(context.x[1:])}; feed it the model's shape."
        )
    elif layer is None:
        text += " If the model was built for another size, the data may be what differs: compare `x.shape` with `model.input_shape`."
    return text


def _has_weight(layer, shape: tuple) -> bool:
    try:
        return any(tuple(weight.shape) == tuple(shape) for weight in layer.weights)
    except Exception:  # noqa: BLE001 - a layer without weights
        return False


def _weights(message: str, context: ctx.Context) -> str | None:
    found = re.search(
        r"Layer (\S+) weight shape \(([^)]*)\) is not compatible with provided weight shape \(([^)]*)\)", message
    )
    if found:
        owner, here, saved = found.group(1), _sizes(found.group(2)), _sizes(found.group(3))
    else:
        found = re.search(r"variable\.shape=\(([^)]*)\), Received: value\.shape=\(([^)]*)\)", message)
        if not found:
            return None
        here, saved = _sizes(found.group(1)), _sizes(found.group(2))
        named = re.search(r"variable path=[^,]*?/?([^/,]+)/\w+, shape", message)
        owner = named.group(1) if named else None
    text = (
        f"The weights do not fit this model: a weight of shape {ctx.words(here)} here was saved as {ctx.words(saved)}, so "
        "the model that saved them had other sizes. Build the model exactly as the one that saved them (the same "
        "`keras.Input(shape=...)` and layers), then load them."
    )
    layer = ctx.layer_named(context, owner) if owner else None
    if (layer is None or not hasattr(layer, "kernel")) and context.model is not None:
        layer = next((one for one in ctx.layers_of(context.model) if _has_weight(one, here)), None)
    if layer is None or len(here) != 2 or here[1:] != saved[1:]:
        return text
    flat = ctx.nearest(ctx.upstream(context, layer), ("Flatten",))
    if flat is None or flat.given is None:
        return text
    return (
        f"The weights do not fit: '{layer.name}' ({ctx.kind(layer)}) has {here[0]} kernel rows here, one per value the "
        f"Flatten layer '{flat.name}' gives ({ctx.product(flat.given[1:])}), and the saved kernel has {saved[0]}. So the "
        "model that saved them flattened another size: its Input (or a layer before the Flatten) differed, not the "
        "data's features. Build it on the same `keras.Input(shape=...)` as the model that saved the weights."
    )


def explain(message: str, context: ctx.Context) -> str | None:
    for rule in (_reshape, _weights):
        explanation = rule(message, context)
        if explanation:
            return explanation
    return None
