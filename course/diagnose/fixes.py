"""A fix as data: which side to change, what to do, the code that does it and the new shape.

The doctor decides; this module only describes decisions. ``Fix.code`` runs with ``np``,
``keras``, ``x``, ``y`` and ``model`` in scope and changes what it names (the data, the targets,
the model or its compiled loss); the evaluation in the tests executes it on the learner's own
model object.
"""

from __future__ import annotations

from dataclasses import dataclass

SIDES = ("data", "targets", "model", "loss", "training")


@dataclass(frozen=True)
class Fix:
    """One way out. ``side``: what changes (data, targets, model, loss or training).
    ``action``: the fix in plain words. ``code``: runnable Keras 3 code, empty where the change
    is the learner's to make. ``shape``: the new shape of the data or targets, where it changes."""

    side: str
    action: str
    code: str = ""
    shape: tuple | None = None

    def __post_init__(self):
        if self.side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, got {self.side!r}")


# Keras 3 traces predict/fit/evaluate once per number of axes; after a run on data with another
# number of axes it refuses the new one ("Cannot take the length of shape with unknown rank").
# Re-making the traced functions makes the same model object accept the new shape.
RETRACE = (
    "model.make_predict_function(force=True)  # forget the shape of the earlier run\n"
    "model.make_test_function(force=True)\n"
    "model.make_train_function(force=True)"
)


def after_a_run(fix: Fix) -> Fix:
    """The same data fix, made to work on a model that has already run on another shape."""
    if fix.side not in ("data", "targets") or not fix.code:
        return fix
    return Fix(
        fix.side,
        fix.action + " The model has already run, so its traced functions are remade first (Keras 3 would "
        'otherwise refuse the new shape with "Cannot take the length of shape with unknown rank").',
        fix.code + "\n" + RETRACE,
        fix.shape,
    )


def transposition(shape: tuple, target: tuple) -> tuple | None:
    """The axis order that turns ``shape`` into ``target`` keeping the samples axis first."""
    left = list(range(1, len(shape)))
    order = [0]
    for size in target[1:]:
        match = next((i for i in left if shape[i] == size), None)
        if match is None:
            return None
        left.remove(match)
        order.append(match)
    return tuple(order)


def reshape_scrambles(shape: tuple, order: tuple) -> bool:
    """Whether a plain reshape would differ from the transposition: it does when two axes longer
    than 1 change their order."""
    moved = [axis for axis in order if shape[axis] > 1]
    return moved != sorted(moved)


def reshape_code(shape: tuple, target: tuple) -> tuple[str, tuple | None]:
    """(code, axis order or None): the line that turns data of ``shape`` into ``target``."""
    if target == shape + (1,):
        return "x = np.expand_dims(x, -1)", None
    if shape == target + (1,):
        return "x = np.squeeze(x, axis=-1)", None
    if len(shape) == len(target) and sorted(shape[1:]) == sorted(target[1:]) and shape != target:
        order = transposition(shape, target)
        if order is not None:
            return f"x = np.transpose(x, {order})", order
    return f"x = x.reshape({', '.join(['len(x)', *map(str, target[1:])])})", None


def input_code(shape: tuple, batch: int | None = None) -> str:
    """The ``keras.Input`` line for per-sample ``shape`` (and a fixed batch size)."""
    shape = tuple(shape)
    if batch:
        return f"keras.Input(batch_shape={(batch, *shape)})"
    return f"keras.Input(shape={shape})"


def render(fixes) -> str:
    """The fixes as text: the first is the doctor's advice, the others are alternatives."""
    fixes = list(fixes)
    if not fixes:
        return ""
    text = fixes[0].action
    for other in fixes[1:]:
        text += f" Or ({other.side}): {other.action}"
    return text
