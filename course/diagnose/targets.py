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
from functools import partial
from typing import NamedTuple

from . import layers
from .fixes import Fix
from .inputs import shape_words

_SPARSE = ("sparse_categorical",)
_CATEGORICAL = ("categorical_crossentropy", "categorical_focal", "categorical_hinge")
_BINARY = ("binary_crossentropy", "binary_focal")
_MISMATCH = "targets do not match the output"  # the mistake named where no other rule applies


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


def neutral_batch(target: tuple, output: tuple) -> int:
    """A batch size that is none of the per-sample sizes, so that no broadcast happens by chance."""
    return next(n for n in (13, 17, 19, 23, 29, 31, 37, 41, 43) if n not in (*target, *output))


def batches_used(samples: int, batch_size: int) -> tuple[int, ...]:
    """The batch sizes ``fit`` hands the loss: full batches, and the shorter last one."""
    sizes = {min(batch_size, samples)}
    if samples > batch_size and samples % batch_size:
        sizes.add(samples % batch_size)
    return tuple(sorted(sizes))


def _loss_runs(model, target: tuple, output: tuple, batch: int | None = None) -> bool:
    """Keras's own answer: the compiled loss on zeros of these per-sample shapes, in batches of
    ``batch`` (by default one that broadcasts with none of their sizes)."""
    import numpy as np

    from course._keras import keras

    losses = keras().losses
    batch = batch or neutral_batch(target, output)
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
    after = layers.body(model)[layers.body(model).index(recurrent) + 1 :] if recurrent is not None else []
    per_step = [layer for layer in after if layers.kind(layer) not in layers.PER_STEP]
    if recurrent is not None and layers.returns_sequences(recurrent) and not per_step:
        # the steps come from the recurrent layer alone: it can give one output per sequence
        wrapped = [layer for layer in after if layers.kind(layer) == "TimeDistributed"]
        unwrap = (
            f", and use the layer inside TimeDistributed ('{wrapped[0].name}') on its own, since it then gets one vector per sequence"
            if wrapped
            else ""
        )
        return (
            f"set `return_sequences=False` on the last recurrent layer ('{recurrent.name}'), so it gives one output per sequence"
            + unwrap
        )
    return "end the per-step part with `keras.layers.GlobalAveragePooling1D()` before the head, so there is one output per sequence"


class _Reading:
    """What every step of :func:`check` reads: the shapes per batch (``target``, ``output``) and
    per sample (batch axis left out: ``t`` the targets', ``o`` the output's, ``at`` and ``ao`` the
    same aligned as Keras aligns them before a loss), the loss, and the model's end."""

    def __init__(self, model, loss: str, target: tuple, output: tuple, words: str):
        self.model, self.loss, self.family, self.words = model, loss, _family(loss), words
        self.target, self.output = target, output
        self.t, self.o = tuple(target[1:]), tuple(output[1:])
        self.at, self.ao = _keras_aligned(self.t, self.o)
        self.units = self.o[-1] if self.o else 1
        self.per_step_out = len(self.o) >= 2 and layers.last_recurrent(model) is not None
        last = layers.last_layer(model)
        self.last_kind = layers.kind(last) if last is not None else ""


class _Finding(NamedTuple):
    """What one step finds: the ``mistake`` ('' when the targets are right), its ``problem`` in
    words and the ``fixes``."""

    mistake: str = ""
    problem: str = ""
    fixes: tuple = ()


_FINE = _Finding()


def check(
    model, target: tuple, batch_shape: tuple | None, samples: int | None = None, batch_size: int | None = None
) -> TargetCheck:
    """The targets of per-batch shape ``target`` (samples first) against ``model`` run on
    batches of ``batch_shape``. With ``samples`` and ``batch_size`` (what ``fit`` is given), the
    verdict is Keras's for the batches it really makes: a loss that broadcasts only because a
    batch holds one sample (or as many samples as an axis has values) trains there."""
    name = loss_name(model)
    output = layers.output_shape(model, batch_shape)
    o, t = tuple(output[1:]), tuple(target[1:])
    words = f"the model outputs {shape_words(output)} per batch and the targets are {shape_words((None, *t))}"
    if samples is not None and target[0] != samples:
        return _sample_counts_differ(samples, target, output, name)
    if not name:
        return _not_compiled(t, o, words, output)
    runs = _loss_runs(model, t, o)
    reading = _Reading(model, name, target, output, words)
    findings = (step(reading) for step in _STEPS[reading.family])  # in order; the first that applies decides
    found = next(found for found in findings if found is not None)
    if samples is not None and batch_size:
        sizes = batches_used(samples, batch_size)
        lucky = not runs and all(_loss_runs(model, t, o, size) for size in sizes)
        if lucky:
            return _by_chance(reading, found, sizes)
    return _verdict(runs, reading, found)


def _by_chance(r: _Reading, found: _Finding, sizes: tuple) -> TargetCheck:
    """Keras trains only because of the batch size: the mistake is named all the same."""
    mistake, problem, fixes = found
    if not mistake:
        mistake = _MISMATCH
        problem = f"With `{r.loss}`, {r.words}: they do not match."
        fixes = (
            Fix(
                "model",
                "Make the output and the targets agree: print `model.output_shape` and `y.shape` and compare them axis by axis.",
            ),
        )
    held = " and ".join(str(size) for size in sizes)
    problem += (
        f" Keras trains only because its batches hold {held} sample{'s' if sizes != (1,) else ''}: the loss broadcasts "
        "the targets against the outputs at that batch size and fails at any other, so the loss is not the one you meant."
    )
    return TargetCheck(True, problem, mistake, tuple(fixes), r.output, r.loss)


def _sample_counts_differ(samples: int, target: tuple, output: tuple, name: str) -> TargetCheck:
    """One target per sample: Keras refuses data and targets of different lengths."""
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


def _not_compiled(t: tuple, o: tuple, words: str, output: tuple) -> TargetCheck:
    """No loss to ask: the shapes must agree as Keras aligns them."""
    same = _keras_aligned(t, o)
    ok = same[0] == same[1]
    return TargetCheck(
        ok,
        "" if ok else f"The model is not compiled yet, and {words}: they will not match.",
        "" if ok else _MISMATCH,
        () if ok else (Fix("model", f"Compile the model, and make its output match the targets: {words}."),),
        output,
        "",
    )


def _verdict(runs: bool, r: _Reading, found: _Finding) -> TargetCheck:
    """The check's result: the loss's own verdict (``runs``), with the mistake found, said to be
    silent where Keras trains anyway, or Keras's refusal where no mistake was named."""
    mistake, problem, fixes = found
    if mistake and not fixes:
        fixes = (Fix("model", f"Make the output and the targets agree: {r.words}."),)
    if mistake and runs:
        problem += (
            " Keras trains anyway, without a warning"
            + (" (it broadcasts the targets against the outputs)" if r.family != "sparse" else "")
            + ", so the loss is not the one you meant."
        )
    elif not runs and not mistake:
        mistake = _MISMATCH
        problem = f"Keras's loss `{r.loss}` refuses these targets: {r.words}."
        fixes = (
            Fix(
                "model",
                "Make the output and the targets agree: print `model.output_shape` and `y.shape` and compare them axis by axis.",
            ),
        )
    return TargetCheck(runs, problem, mistake, tuple(fixes), r.output, r.loss)


# The steps, family by family: each returns None where it does not apply, else what it finds.


def _mismatch(r: _Reading, rule: str) -> _Finding:
    """The last step of every family: the targets do not match the output, by the loss's ``rule``."""
    return _Finding(_MISMATCH, f"With `{r.loss}`, {r.words}{rule}")


def _per_step_outputs(r: _Reading, labels: str) -> _Finding:
    """A recurrent model that predicts every step, against ``labels`` (one per sequence)."""
    advice = _sequence_head(r.model)
    return _Finding(
        "per-step outputs, one label per sequence",
        f"The model gives a prediction for every timestep, {shape_words(r.output)}, but there is {labels}.",
        (Fix("model", f"Rebuild the model and {advice}."),),
    )


_HIDDEN_ACTIVATIONS = {
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "tanh",
    "mish",
    "softplus",
}


def head_layer(model):
    """The layer that gives the model's output (past a closing Dropout; the layer inside a
    TimeDistributed)."""
    found = None
    for layer in layers.body(model):
        if layers.kind(layer) not in ("Dropout", "GaussianNoise"):
            found = layer
    return getattr(found, "layer", found) if found is not None and layers.kind(found) == "TimeDistributed" else found


def _sparse_no_head(r: _Reading) -> _Finding | None:
    """A model that ends in a feature layer (recurrent, pooling, a Dense with a hidden layer's
    activation): the loss reads its units as classes."""
    if r.t not in (r.o[:-1], r.o[:-1] + (1,)) or r.units == 1:
        return None
    head = head_layer(r.model)
    if head is None:
        return None
    name = layers.kind(head)
    activation = getattr(getattr(head, "activation", None), "__name__", "")
    if name == "Dense" and activation not in _HIDDEN_ACTIVATIONS:
        return None
    if name in ("Activation", "Softmax") and activation not in _HIDDEN_ACTIVATIONS:
        return None
    what = f"a Dense layer with `{activation}`, a hidden layer's activation," if name == "Dense" else f"a {name} layer"
    return _Finding(
        "missing head",
        f"The model ends with {what} of {r.units} units and no output layer: `{r.loss}` reads those {r.units} values "
        f"as the scores of {r.units} classes.",
        (
            Fix(
                "model",
                "Add an output layer with one unit per class at the end, `keras.layers.Dense(n_classes, activation='softmax')` "
                "(n_classes: the largest label plus one), and keep the layer before it as a hidden layer.",
            ),
        ),
    )


def _sparse_class_numbers(r: _Reading) -> _Finding | None:
    """One class number per output row: right, unless the last layer has a single unit."""
    if r.t not in (r.o[:-1], r.o[:-1] + (1,)):
        return None
    if r.units != 1:
        return _FINE
    return _Finding(
        "one unit for classes",
        "The loss is sparse categorical cross-entropy, which reads one probability per class, and the last layer "
        "has one unit: Keras trains, but a single class has nothing to choose from.",
        (
            Fix(
                "model",
                "Give the last layer one unit per class with softmax, e.g. `Dense(n_classes, activation='softmax')`; "
                "for two classes with one sigmoid unit use `loss='binary_crossentropy'` instead.",
            ),
        ),
    )


def _sparse_one_hot(r: _Reading) -> _Finding | None:
    """One-hot targets, one column per class, given to a loss that reads class numbers."""
    t, o = r.t, r.o
    if not (len(t) == len(o) and t[-1:] == o[-1:] and r.units > 1 and t[:-1] == o[:-1]):
        return None
    return _Finding(
        "one-hot targets with a sparse loss",
        f"The targets are one-hot ({t[-1]} columns, one per class) but the loss is `sparse_categorical_crossentropy`, "
        "which reads one class number per sample.",
        (
            Fix(
                "loss",
                "Compile with `loss='categorical_crossentropy'`, the loss for one-hot targets.",
                "model.compile(optimizer=model.optimizer or 'adam', loss='categorical_crossentropy')",
            ),
            Fix(
                "targets",
                "Turn the targets back into class numbers.",
                "y = y.argmax(axis=-1)",
                (r.target[0], *t[:-1]),
            ),
        ),
    )


def _sparse_per_step_outputs(r: _Reading) -> _Finding | None:
    """A class per step predicted, one class number per sequence given."""
    if not (r.per_step_out and r.t in ((), (1,))):
        return None
    return _per_step_outputs(r, "one label per sequence")


def _sparse_labels_per_step(r: _Reading) -> _Finding | None:
    """One prediction per sequence, a class number per step given."""
    t, o = r.t, r.o
    if not (len(o) == 1 and len(t) >= 1 and t not in ((1,),)):
        return None
    return _Finding(
        "one output per sequence, a label per step",
        f"The targets hold {shape_words(t)} labels per sample (one per step), but the model gives one prediction per sample, {shape_words(r.output)}.",
        (
            Fix(
                "model",
                "If every step has its label, rebuild the model with `return_sequences=True` on its last recurrent layer "
                "(the Dense head then applies to every step).",
            ),
            Fix(
                "targets",
                "If each sequence has one label, keep one per sample (e.g. the last step's).",
                "y = y[:, -1]",
                (r.target[0],),
            ),
        ),
    )


def _categorical_same_shape(r: _Reading) -> _Finding | None:
    """One-hot targets of exactly the output's shape: right."""
    return _FINE if r.t == r.o else None


def _categorical_class_numbers(r: _Reading) -> _Finding | None:
    """Class numbers given to a loss that reads one-hot targets."""
    if not (r.t in ((), (1,)) and len(r.o) == 1 and r.units > 1):
        return None
    units = r.units
    return _Finding(
        "integer labels with a categorical loss",
        f"The targets are class numbers (one per sample) but `{r.loss}` reads one-hot targets, one column per class "
        f"like the output's {units}.",
        (
            Fix(
                "loss",
                "Compile with `loss='sparse_categorical_crossentropy'`, the loss for class numbers.",
                "model.compile(optimizer=model.optimizer or 'adam', loss='sparse_categorical_crossentropy')",
            ),
            Fix(
                "targets",
                f"One-hot the targets: `keras.utils.to_categorical(y, {units})`.",
                f"y = keras.utils.to_categorical(y.reshape(len(y)), {units})",
                (r.target[0], units),
            ),
        ),
    )


def _categorical_per_step_outputs(r: _Reading) -> _Finding | None:
    """A one-hot prediction per step, one one-hot label per sequence given."""
    t, o = r.t, r.o
    if not (len(o) >= 2 and len(t) == 1 and t[0] == r.units and r.per_step_out):
        return None
    return _per_step_outputs(r, "one one-hot label per sequence")


def _categorical_labels_per_step(r: _Reading) -> _Finding | None:
    """One prediction per sequence, a one-hot label per step given."""
    t, o = r.t, r.o
    if not (len(o) == 1 and len(t) == 2 and t[-1] == r.units):
        return None
    return _Finding(
        "one output per sequence, a label per step",
        f"The targets have a label for each of {t[0]} steps, but the model gives one prediction per sequence.",
        (
            Fix(
                "model",
                "Rebuild the model with `return_sequences=True` on its last recurrent layer, so the head predicts every step.",
            ),
            Fix("targets", "Keep one label per sequence (the last step's).", "y = y[:, -1]", (r.target[0], r.units)),
        ),
    )


def _class_count_differs(r: _Reading) -> _Finding | None:
    """One-hot targets for another number of classes than the last layer's units."""
    t, units = r.t, r.units
    if not (len(t) == len(r.o) == 1):
        return None
    return _Finding(
        "class count differs",
        f"The targets are one-hot for {t[0]} classes but the last layer has {units} units.",
        (
            Fix("model", f"Give the last layer one unit per class: `Dense({t[0]}, activation='softmax')`."),
            Fix("targets", f"If there really are {units} classes, one-hot the labels with `num_classes={units}`."),
        ),
    )


# Binary and elementwise losses compare value by value (and broadcast): their steps read the
# shapes as Keras aligns them.


def _values_match(r: _Reading) -> _Finding | None:
    """Targets and output of the same shape once aligned: right."""
    return _FINE if r.at == r.ao else None


def _steps_differ(r: _Reading) -> _Finding | None:
    """A prediction per input step against targets for another number of steps."""
    t, o = r.t, r.o
    if not (r.per_step_out and len(o) == len(t) >= 2 and o[-1] == t[-1] and o[0] != t[0]):
        return None
    return _Finding(
        "steps differ",
        f"The model gives a prediction for each of its {o[0]} input steps, and the targets have {t[0]} steps: a recurrent "
        "layer with `return_sequences=True` gives exactly one output per input step.",
        (
            Fix(
                "model",
                f"For {t[0]} output steps from {o[0]} input steps, use an encoder-decoder: an LSTM without "
                f"`return_sequences`, `keras.layers.RepeatVector({t[0]})`, an LSTM with `return_sequences=True` and a "
                "Dense head.",
            ),
            Fix("targets", f"Give one target per input step ({o[0]} steps)."),
        ),
    )


def _missing_head(r: _Reading) -> _Finding | None:
    """A model that ends in its feature layers, without an output layer for the targets."""
    at, ao = r.at, r.ao
    if not (
        r.last_kind not in ("Dense", "TimeDistributed", "Activation", "Dropout")
        and (at[-1:] or (1,)) != ao[-1:]
        and (not at or at[-1:] == (1,) or len(ao) > len(at))
    ):
        return None
    head_units = at[-1] if at else 1
    head_code = _head_code(head_units, "sigmoid" if r.family == "binary" else None)
    if len(r.o) > 1:
        head = f"add `keras.layers.Flatten()` (or a global pooling layer) and then `{head_code}` at the end"
    else:
        head = f"add `{head_code}` at the end"
    return _Finding(
        "missing head",
        f"The model ends with a {r.last_kind} layer whose output is {shape_words(r.output)}, and the targets are "
        f"{shape_words((None, *r.t))}: there is no output layer (head) giving one prediction per target.",
        (Fix("model", f"Rebuild the model and {head}."),),
    )


def _values_per_step_outputs(r: _Reading) -> _Finding | None:
    """A value per step predicted, one target per sequence given."""
    if not (r.per_step_out and len(r.o) > len(r.t)):
        return None
    return _per_step_outputs(r, f"one target per sequence, {shape_words((None, *r.t))}")


def _values_per_step(r: _Reading) -> _Finding | None:
    """One prediction per sequence, a target per step given."""
    at, ao, t = r.at, r.ao, r.t
    if not (len(at) > len(ao) or (len(at) == len(ao) and at and at[0] != ao[0] and ao[0] == 1)):
        return None
    return _Finding(
        "one output per sequence, a label per step",
        f"The targets hold {shape_words(t)} values per sample but the model gives {shape_words(r.o)}: one prediction "
        "per sequence against a target per step.",
        (
            Fix(
                "model",
                "If every step has a target, rebuild the model with `return_sequences=True` on its last recurrent layer.",
            ),
            Fix(
                "targets",
                "If one value per sequence is meant, keep that one (e.g. the last step).",
                "y = y[:, -1]",
                (r.target[0], *t[1:]),
            ),
        ),
    )


def _binary_one_hot(r: _Reading) -> _Finding | None:
    """One-hot targets for a model that ends in one sigmoid unit."""
    at = r.at
    if not (r.family == "binary" and at and r.ao == (1,) and at[-1] > 1):
        return None
    return _Finding(
        "one-hot targets for one unit",
        f"The targets are one-hot ({at[-1]} columns) but the model ends in one unit for `{r.loss}`.",
        (
            Fix("targets", "Give one 0/1 label per sample.", "y = y.argmax(axis=-1)", (r.target[0],)),
            Fix("model", f"End with `Dense({at[-1]}, activation='softmax')` and `loss='categorical_crossentropy'`."),
        ),
    )


def _values_mismatch(r: _Reading) -> _Finding:
    value = r.at[-1] if r.at else 1
    fix = Fix(
        "model",
        f"Make the last layer give one value per target value (e.g. `Dense({value})`), or reshape the targets to {shape_words((None, *r.o))}.",
    )
    return _mismatch(r, ": the loss compares them value by value.")._replace(fixes=(fix,))


_ELEMENTWISE_STEPS = (
    _values_match,
    _steps_differ,
    _missing_head,
    _values_per_step_outputs,
    _values_per_step,
    _binary_one_hot,
    _values_mismatch,
)
_STEPS = {  # in order, for each family of loss: the first step that applies decides
    "sparse": (
        _sparse_no_head,
        _sparse_class_numbers,
        _sparse_one_hot,
        _sparse_per_step_outputs,
        _sparse_labels_per_step,
        partial(_mismatch, rule=": each target must be one class number per output row."),
    ),
    "categorical": (
        _categorical_same_shape,
        _categorical_class_numbers,
        _categorical_per_step_outputs,
        _categorical_labels_per_step,
        _class_count_differs,
        partial(_mismatch, rule="; the targets must have exactly the output's shape."),
    ),
    "binary": _ELEMENTWISE_STEPS,
    "elementwise": _ELEMENTWISE_STEPS,
}
