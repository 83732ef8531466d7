"""Check a learner's Dense network against the widths it should have, layer by layer, with Keras."""

from __future__ import annotations

from itertools import pairwise

from course import shapes
from course.lessons.exercises import PLACEHOLDER_HINT, Result, is_placeholder

__all__ = ["check_dense_stack"]


def _describe(widths) -> str:
    hidden = ", ".join(f"Dense({w})" for w in widths[1:-1])
    return f"keras.Input(shape=({widths[0]},)), {hidden}, Dense({widths[-1]})"


def check_dense_stack(model, widths) -> Result:
    """Is ``model`` a Keras model reading ``widths[0]`` features through Dense layers of
    ``widths[1:]`` units? The parameter count is Keras's own ``count_params()``."""
    if is_placeholder(model):
        return Result(False, PLACEHOLDER_HINT)
    from course._keras import keras

    Model = keras().Model
    if not isinstance(model, Model):
        return Result(
            False,
            f"That is a {type(model).__name__}, not a Keras model. Build one with "
            f"keras.Sequential([{_describe(widths)}]).",
        )
    try:
        input_shape = tuple(model.inputs[0].shape)
    except Exception:  # noqa: BLE001 - a model without a declared input has no inputs yet
        return Result(
            False,
            f"The model does not know its input yet: start its list of layers with keras.Input(shape=({widths[0]},)).",
        )
    if input_shape != (None, widths[0]):
        return Result(
            False,
            f"The model's input is {input_shape}, but one row has {widths[0]} features: "
            f"declare keras.Input(shape=({widths[0]},)). The batch axis (None) is added for you.",
        )
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    units = [layer.units for layer in dense]
    if units != list(widths[1:]):
        if len(units) != len(widths) - 1:
            return Result(
                False,
                f"The model has {len(units)} Dense layer(s) with {units} units; it needs "
                f"{len(widths) - 1}: {list(widths[1:])}, the last one the output. The input is not a Dense layer.",
            )
        wrong = next(i for i, (got, want) in enumerate(zip(units, widths[1:])) if got != want)
        return Result(False, f"Dense layer {wrong + 1} has {units[wrong]} units; it should have {widths[wrong + 1]}.")
    counted = int(model.count_params())
    per_layer = [shapes.dense_params(inputs, out) for inputs, out in pairwise(widths)]
    if counted != sum(per_layer):
        return Result(
            False,
            f"The layers are the right sizes, but Keras counts {counted:,} parameters instead of "
            f"{sum(per_layer):,}: check use_bias and any extra layers.",
        )
    sums = " + ".join(str(p) for p in per_layer)
    return Result(
        True,
        f"Right: {' -> '.join(str(w) for w in widths)}. Keras counts {counted:,} parameters "
        f"({sums}, layer by layer), and the input holds none.",
    )
