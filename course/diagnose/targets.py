"""Targets against the model's output and its compiled loss.

Whether Keras trains is decided by Keras itself: the compiled loss is called once on zeros of the
targets' and the output's shapes (two samples, no model run), so the verdict is the loss's own,
including the cases Keras 3 runs silently by broadcasting. The meaning (one-hot targets with a
sparse loss, class numbers with a categorical one, per-step outputs against one label per
sequence, a model without its head) is read from the shapes, and each comes with the side to
change and the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import layers
from .fixes import Fix
from .inputs import shape_words

_SPARSE = ("sparse_categorical",)
_CATEGORICAL = ("categorical_crossentropy", "categorical_focal", "categorical_hinge")
_BINARY = ("binary_crossentropy", "binary_focal")


@dataclass(frozen=True)
class TargetCheck:
    """The doctor's reading of the targets: ``ok`` when the compiled loss accepts them (Keras
    trains), ``mistake`` names what is wrong even where Keras trains silently."""

    ok: bool
    problem: str
    mistake: str
    fixes: tuple = field(default_factory=tuple)
    output_shape: tuple | None = None
    loss: str = ""


def loss_name(model) -> str:
    """The compiled loss as a snake_case name ('' when the model is not compiled)."""
    loss = getattr(model, "loss", None)
    if loss is None:
        return ""
    if isinstance(loss, str):
        name = loss
    elif hasattr(loss, "fn"):  # a keras.losses.Loss wrapping a function
        name = getattr(loss.fn, "__name__", type(loss).__name__)
    else:
        name = getattr(loss, "__name__", type(loss).__name__)
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return {"mse": "mean_squared_error", "mae": "mean_absolute_error"}.get(name, name)


def _family(name: str) -> str:
    if any(key in name for key in _SPARSE):
        return "sparse"
    if any(key in name for key in _CATEGORICAL):
        return "categorical"
    if any(key in name for key in _BINARY):
        return "binary"
    return "elementwise"


def _loss_runs(model, target: tuple, output: tuple) -> bool:
    """Keras's own answer: the compiled loss on zeros of these per-sample shapes (a batch size
    that is none of their sizes, so that no broadcast happens by chance)."""
    import numpy as np

    from course._keras import keras

    losses = keras().losses
    batch = next(n for n in (13, 17, 19, 23, 29, 31, 37) if n not in (*target, *output))
    loss = model.loss
    try:
        function = losses.get(loss) if isinstance(loss, str) else loss
        truth, prediction = np.zeros((batch, *target), "float32"), np.zeros((batch, *output), "float32")
        if not isinstance(function, losses.Loss):  # a bare function: aligned first, as compile() does
            truth, prediction = _align(truth, prediction)
        function(truth, prediction)
    except Exception:  # noqa: BLE001 - any failure of the loss means fit fails
        return False
    return True


def _align(first, second):
    """Keras's ``squeeze_or_expand_to_same_rank`` (what compile() does before a loss function)."""
    import numpy as np

    if first.ndim == second.ndim + 1 and first.shape[-1] == 1:
        if second.ndim == 1:
            second = np.expand_dims(second, -1)
        else:
            first = np.squeeze(first, -1)
    if second.ndim == first.ndim + 1 and second.shape[-1] == 1:
        if first.ndim == 1:
            first = np.expand_dims(first, -1)
        else:
            second = np.squeeze(second, -1)
    return first, second


def _keras_aligned(target: tuple, output: tuple) -> tuple[tuple, tuple]:
    """Keras's own alignment before a loss: a trailing axis of 1 dropped (or added to a 1-D
    target) where the ranks differ by one (per-sample shapes, batch axis left out)."""
    t, o = list(target), list(output)
    if len(t) == len(o) + 1 and t and t[-1] == 1:
        t = t[:-1]
    elif len(o) == len(t) + 1 and o and o[-1] == 1:
        if not t:
            t = [1]
        else:
            o = o[:-1]
    return tuple(t), tuple(o)


def _head_code(units: int, activation: str | None = None) -> str:
    extra = f", activation='{activation}'" if activation else ""
    return f"keras.layers.Dense({units}{extra})"


def _sequence_head(model) -> str:
    """The words that make a per-step model give one output per sequence."""
    recurrent = layers.last_recurrent(model)
    if recurrent is not None and layers.returns_sequences(recurrent):
        return f"set `return_sequences=False` on the last recurrent layer ('{recurrent.name}'), so it gives one output per sequence"
    return "end the per-step part with `keras.layers.GlobalAveragePooling1D()` (or Flatten) before the head, so there is one output per sequence"


def check(model, target: tuple, batch_shape: tuple, samples: int | None = None) -> TargetCheck:
    """The targets of per-batch shape ``target`` (samples first) against ``model`` run on
    batches of ``batch_shape``."""
    name = loss_name(model)
    output = layers.output_shape(model, batch_shape)
    o, t = tuple(output[1:]), tuple(target[1:])
    words = f"the model outputs {shape_words(output)} per batch and the targets are {shape_words((None, *t))}"
    if samples is not None and target[0] != samples:
        return TargetCheck(
            False,
            f"The data has {samples} samples and the targets {target[0]}: Keras needs one target per sample "
            '("Data cardinality is ambiguous").',
            "sample counts differ",
            (
                Fix(
                    "targets",
                    "Give one target per sample: check how x and y were cut (the same windows, the same split).",
                    "",
                    None,
                ),
            ),
            output,
            name,
        )
    if not name:
        same = _keras_aligned(t, o)
        ok = same[0] == same[1]
        return TargetCheck(
            ok,
            "" if ok else f"The model is not compiled yet, and {words}: they will not match.",
            "" if ok else "targets do not match the output",
            () if ok else (Fix("model", f"Compile the model, and make its output match the targets: {words}."),),
            output,
            name,
        )
    runs = _loss_runs(model, t, o)
    family = _family(name)
    last = layers.last_layer(model)
    last_kind = layers.kind(last) if last is not None else ""
    units = o[-1] if o else 1
    per_step_out = len(o) >= 2 and layers.last_recurrent(model) is not None
    mistake, problem, fixes = "", "", []

    if family == "sparse":
        wanted = (o[:-1], o[:-1] + (1,))
        if t in wanted:
            if units == 1:
                mistake = "one unit for classes"
                problem = (
                    "The loss is sparse categorical cross-entropy, which reads one probability per class, and the last layer "
                    "has one unit: Keras trains, but a single class has nothing to choose from."
                )
                fixes = [
                    Fix(
                        "model",
                        "Give the last layer one unit per class with softmax, e.g. `Dense(n_classes, activation='softmax')`; "
                        "for two classes with one sigmoid unit use `loss='binary_crossentropy'` instead.",
                    )
                ]
        elif len(t) == len(o) and t[-1:] == o[-1:] and units > 1 and t[:-1] == o[:-1]:
            mistake = "one-hot targets with a sparse loss"
            problem = (
                f"The targets are one-hot ({t[-1]} columns, one per class) but the loss is `sparse_categorical_crossentropy`, "
                "which reads one class number per sample."
            )
            fixes = [
                Fix(
                    "loss",
                    "Compile with `loss='categorical_crossentropy'`, the loss for one-hot targets.",
                    "model.compile(optimizer=model.optimizer or 'adam', loss='categorical_crossentropy')",
                ),
                Fix(
                    "targets",
                    "Turn the targets back into class numbers.",
                    "y = y.argmax(axis=-1)",
                    (target[0], *t[:-1]),
                ),
            ]
        elif per_step_out and t in ((), (1,)):
            mistake = "per-step outputs, one label per sequence"
            advice = _sequence_head(model)
            problem = f"The model gives a prediction for every timestep, {shape_words(output)}, but there is one label per sequence."
            fixes = [Fix("model", f"Rebuild the model and {advice}.")]
        elif len(o) == 1 and len(t) >= 1 and t not in ((1,),):
            mistake = "one output per sequence, a label per step"
            problem = f"The targets hold {shape_words(t)} labels per sample (one per step), but the model gives one prediction per sample, {shape_words(output)}."
            fixes = [
                Fix(
                    "model",
                    "If every step has its label, rebuild the model with `return_sequences=True` on its last recurrent layer "
                    "(the Dense head then applies to every step).",
                ),
                Fix(
                    "targets",
                    "If each sequence has one label, keep one per sample (e.g. the last step's).",
                    "y = y[:, -1]",
                    (target[0],),
                ),
            ]
        else:
            mistake = "targets do not match the output"
            problem = f"With `{name}`, {words}: each target must be one class number per output row."
    elif family == "categorical":
        if t == o:
            pass
        elif t in ((), (1,)) and len(o) == 1 and units > 1:
            mistake = "integer labels with a categorical loss"
            problem = (
                f"The targets are class numbers (one per sample) but `{name}` reads one-hot targets, one column per class "
                f"like the output's {units}."
            )
            fixes = [
                Fix(
                    "loss",
                    "Compile with `loss='sparse_categorical_crossentropy'`, the loss for class numbers.",
                    "model.compile(optimizer=model.optimizer or 'adam', loss='sparse_categorical_crossentropy')",
                ),
                Fix(
                    "targets",
                    f"One-hot the targets: `keras.utils.to_categorical(y, {units})`.",
                    f"y = keras.utils.to_categorical(y.reshape(len(y)), {units})",
                    (target[0], units),
                ),
            ]
        elif len(o) >= 2 and len(t) == 1 and t[0] == units and per_step_out:
            mistake = "per-step outputs, one label per sequence"
            advice = _sequence_head(model)
            problem = f"The model gives a prediction for every timestep, {shape_words(output)}, but there is one one-hot label per sequence."
            fixes = [Fix("model", f"Rebuild the model and {advice}.")]
        elif len(o) == 1 and len(t) == 2 and t[-1] == units:
            mistake = "one output per sequence, a label per step"
            problem = (
                f"The targets have a label for each of {t[0]} steps, but the model gives one prediction per sequence."
            )
            fixes = [
                Fix(
                    "model",
                    "Rebuild the model with `return_sequences=True` on its last recurrent layer, so the head predicts every step.",
                ),
                Fix("targets", "Keep one label per sequence (the last step's).", "y = y[:, -1]", (target[0], units)),
            ]
        elif len(t) == len(o) == 1:
            mistake = "class count differs"
            problem = f"The targets are one-hot for {t[0]} classes but the last layer has {units} units."
            fixes = [
                Fix("model", f"Give the last layer one unit per class: `Dense({t[0]}, activation='softmax')`."),
                Fix("targets", f"If there really are {units} classes, one-hot the labels with `num_classes={units}`."),
            ]
        else:
            mistake = "targets do not match the output"
            problem = f"With `{name}`, {words}; the targets must have exactly the output's shape."
    else:  # binary and elementwise losses compare value by value (and broadcast)
        at, ao = _keras_aligned(t, o)
        if at == ao:
            pass
        elif per_step_out and len(o) == len(t) >= 2 and o[-1] == t[-1] and o[0] != t[0]:
            mistake = "steps differ"
            problem = (
                f"The model gives a prediction for each of its {o[0]} input steps, and the targets have {t[0]} steps: a recurrent "
                "layer with `return_sequences=True` gives exactly one output per input step."
            )
            fixes = [
                Fix(
                    "model",
                    f"For {t[0]} output steps from {o[0]} input steps, use an encoder-decoder: an LSTM without "
                    f"`return_sequences`, `keras.layers.RepeatVector({t[0]})`, an LSTM with `return_sequences=True` and a "
                    "Dense head.",
                ),
                Fix("targets", f"Give one target per input step ({o[0]} steps)."),
            ]
        elif (
            last_kind not in ("Dense", "TimeDistributed", "Activation", "Dropout")
            and (at[-1:] or (1,)) != ao[-1:]
            and (not at or at[-1:] == (1,) or len(ao) > len(at))
        ):
            mistake = "missing head"
            head_units = at[-1] if at else 1
            problem = (
                f"The model ends with a {last_kind} layer whose output is {shape_words(output)}, and the targets are "
                f"{shape_words((None, *t))}: there is no output layer (head) giving one prediction per target."
            )
            if len(o) > 1:
                head = (
                    "add `keras.layers.Flatten()` (or a global pooling layer) and then "
                    f"`{_head_code(head_units, 'sigmoid' if family == 'binary' else None)}` at the end"
                )
            else:
                head = f"add `{_head_code(head_units, 'sigmoid' if family == 'binary' else None)}` at the end"
            fixes = [Fix("model", f"Rebuild the model and {head}.")]
        elif per_step_out and len(o) > len(t):
            mistake = "per-step outputs, one label per sequence"
            advice = _sequence_head(model)
            problem = (
                f"The model gives a prediction for every timestep, {shape_words(output)}, but there is one target per sequence, "
                f"{shape_words((None, *t))}."
            )
            fixes = [Fix("model", f"Rebuild the model and {advice}.")]
        elif len(at) > len(ao) or (len(at) == len(ao) and at and at[0] != ao[0] and ao[0] == 1):
            mistake = "one output per sequence, a label per step"
            problem = (
                f"The targets hold {shape_words(t)} values per sample but the model gives {shape_words(o)}: one prediction "
                "per sequence against a target per step."
            )
            fixes = [
                Fix(
                    "model",
                    "If every step has a target, rebuild the model with `return_sequences=True` on its last recurrent layer.",
                ),
                Fix(
                    "targets",
                    "If one value per sequence is meant, keep that one (e.g. the last step).",
                    "y = y[:, -1]",
                    (target[0], *t[1:]),
                ),
            ]
        elif family == "binary" and at and ao == (1,) and at[-1] > 1:
            mistake = "one-hot targets for one unit"
            problem = f"The targets are one-hot ({at[-1]} columns) but the model ends in one unit for `{name}`."
            fixes = [
                Fix("targets", "Give one 0/1 label per sample.", "y = y.argmax(axis=-1)", (target[0],)),
                Fix(
                    "model", f"End with `Dense({at[-1]}, activation='softmax')` and `loss='categorical_crossentropy'`."
                ),
            ]
        else:
            mistake = "targets do not match the output"
            problem = f"With `{name}`, {words}: the loss compares them value by value."
            fixes = [
                Fix(
                    "model",
                    f"Make the last layer give one value per target value (e.g. `Dense({at[-1] if at else 1})`), or reshape the targets to {shape_words((None, *o))}.",
                )
            ]
    if mistake and not fixes:
        fixes = [Fix("model", f"Make the output and the targets agree: {words}.")]
    if mistake and runs:
        problem += (
            " Keras trains anyway, without a warning"
            + (" (it broadcasts the targets against the outputs)" if family != "sparse" else "")
            + ", so the loss is not the one you meant."
        )
    elif not runs and not mistake:
        mistake = "targets do not match the output"
        problem = f"Keras's loss `{name}` refuses these targets: {words}."
        fixes = [
            Fix(
                "model",
                "Make the output and the targets agree: print `model.output_shape` and `y.shape` and compare them axis by axis.",
            )
        ]
    return TargetCheck(runs, problem, mistake, tuple(fixes), output, name)
