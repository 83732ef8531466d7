"""``diagnose``: will this data (and these targets) fit this model, why not, and what to change.

The model is not run on data. The decision follows the rules Keras 3 applies (one trailing axis
of size 1 is added or dropped silently; every other axis must fit the layers, checked by tracing
the model symbolically where the data's axes differ from the model's input; a stateful model
needs whole batches of its own size), and the targets are checked by the compiled loss itself on
zeros. Each problem comes with fixes as data (``Fix``): the side to change and the code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from course import data, shapes

from . import layers, multi, targets, verify
from .fixes import Fix, after_a_run, input_code, render, reshape_code, reshape_scrambles, transposition
from .inputs import axis_names, check_shape, has_run, model_input, shape_words
from .inputs import stateful as is_stateful

# Named mistakes the doctor recognises (``Diagnosis.mistake``).
MISSING_BATCH_AXIS = "missing batch axis"
ROWS_IN_INPUT = "rows in the Input shape"
TIMESTEPS_IN_BATCH = "timesteps in the batch slot"
TOO_SHORT = "too short to window"
SERIES = "a series, not sequences"
CHANNELS_ORDER = "channels order"
AXES_SWAPPED = "axes swapped"
STATEFUL_BATCH = "stateful batch"
FEATURES = "features differ"
TOKENS = "token ids"


@dataclass(frozen=True)
class Diagnosis:
    """The shape doctor's verdict on one data shape (and targets) and one model.

    ``ok``: whether Keras accepts the data (and, with targets, trains on them): ``predict`` and
    ``fit`` with the model's batch size. ``problem``: what is wrong, in plain words; for accepted
    data, what Keras does silently (empty when there is nothing to say). ``fixes``: the ways out,
    best first, each a ``Fix`` (side, action, code, new shape). ``suggested_shape``: a shape the
    model accepts with the same samples and the same values, reachable by ``code``; ``None`` where
    no reshape helps. ``expected``: the model's input shape (``None`` where any size goes).
    ``seen_as``: the shape Keras computes on after adding or dropping a trailing axis of size 1.
    ``mistake``: the name of the mistake recognised ('' when none). With targets:
    ``target_shape``, ``output_shape`` (for this data), ``loss`` and ``targets_ok``. ``code``: the
    line that arranges the data as ``suggested_shape`` (or cuts a series into windows); the
    fixes' own code also remakes the model's traced functions where it has already run.
    ``parts``: for a model with several inputs or outputs, one ``Diagnosis`` per input and per
    output head (empty for a model with one input and one output).
    """

    ok: bool
    problem: str
    fixes: tuple
    suggested_shape: tuple | None
    data_shape: tuple
    expected: tuple
    seen_as: tuple | None = None
    mistake: str = ""
    target_shape: tuple | None = None
    output_shape: tuple | None = None
    loss: str = ""
    targets_ok: bool | None = None
    notes: tuple = field(default_factory=tuple)
    code: str = ""
    parts: tuple = field(default_factory=tuple)

    @property
    def fix(self) -> str:
        """The fixes in words (the first is the doctor's advice)."""
        return render(self.fixes)

    @property
    def side(self) -> str:
        """What to change first: data, targets, model, loss or training ('' when nothing)."""
        return self.fixes[0].side if self.fixes and (self.problem or not self.ok) else ""

    def __str__(self) -> str:
        verdict = "accepted" if self.ok else "rejected"
        lines = [f"data {self.data_shape} into a model expecting {shape_words(self.expected)}: {verdict}"]
        if self.target_shape is not None:
            lines[0] += f"; targets {self.target_shape} against output {shape_words(self.output_shape or ())}" + (
                f" with {self.loss}" if self.loss else ""
            )
        lines += [text for text in (self.problem, self.fix) if text]
        if self.suggested_shape is not None and str(self.suggested_shape) not in self.fix:
            lines.append(f"suggested shape {self.suggested_shape}: {self.code}")
        return "\n".join(lines)


def seen_as(shape: tuple, expected: tuple) -> tuple | None:
    """The shape Keras 3 computes on: the data's own when the number of axes matches; with a
    trailing axis of size 1 dropped or added when it has one axis too many or too few (Keras
    does that silently); ``None`` when the number of axes cannot be fixed by Keras."""
    rank, want = len(shape), len(expected)
    if rank == want:
        return shape
    if rank == want + 1 and shape[-1] == 1:
        return shape[:-1]
    if rank == want - 1 and expected[-1] == 1:
        return shape + (1,)
    return None


def _verdict(shape: tuple, expected: tuple, model) -> tuple[bool, tuple | None, list[int]]:
    """(Keras accepts the shape ignoring the stateful batch rule, the shape it computes on, the
    axes where that shape differs from the model's input)."""
    seen = seen_as(shape, expected)
    if seen is None:
        return False, None, []
    differ = [i for i in range(1, len(seen)) if expected[i] is not None and expected[i] != seen[i]]
    if not differ:
        free = None in expected[1:] and not layers.last_axis_stack(model)  # e.g. kernels longer than the data's axis
        return (layers.traces(model, (expected[0], *shape[1:]), seen) if free else True), seen, []
    return layers.traces(model, (expected[0], *shape[1:]), seen), seen, differ


def accepted(shape: tuple, expected: tuple, model, stateful: bool) -> bool:
    ok, _seen, _differ = _verdict(shape, expected, model)
    return ok and not (stateful and expected[0] and shape[0] % expected[0])


def _fill(values: int, expected: tuple) -> tuple | None:
    """A per-sample shape fitting ``expected[1:]`` (free axes filled) that holds ``values``."""
    known = math.prod(size for size in expected[1:] if size is not None)
    free = [i for i, size in enumerate(expected[1:]) if size is None]
    if values % known:
        return None
    if not free:
        return tuple(expected[1:]) if values == known else None
    rest = values // known
    filled = list(expected[1:])
    for n, i in enumerate(free):
        filled[i] = rest if n == 0 else 1
    return tuple(filled)


def _suggest(shape: tuple, expected: tuple, model, stateful: bool) -> tuple[tuple | None, str, tuple | None]:
    """(shape, code, axis order): a shape with the same samples and values that the model
    accepts; a transposition is preferred where the axes are the model's in another order."""
    candidates = []
    if len(shape) == len(expected):
        order = transposition(
            shape, tuple(expected[i] if expected[i] is not None else shape[i] for i in range(len(shape)))
        )
        if order is not None:
            candidates.append(tuple(shape[i] for i in order))
    per_sample = _fill(math.prod(shape[1:]), expected)
    if per_sample is not None:
        candidates.append((shape[0], *per_sample))
    for candidate in candidates:
        if (
            candidate != shape
            and math.prod(candidate) == math.prod(shape)
            and accepted(candidate, expected, model, stateful)
        ):
            code, order = reshape_code(shape, candidate)
            return candidate, code, order
    return None, "", None


def _windowing_advice(shape: tuple, expected: tuple) -> tuple[str, str, str] | None:
    """(mistake, advice, code) for data that is one long series rather than sequences."""
    if len(expected) != 3:
        return None
    timesteps, features = expected[1], expected[2]
    series_like = len(shape) == 1 and features == 1 or len(shape) == 2 and shape[1] == features
    if not series_like:
        return None
    window = timesteps if timesteps is not None else 10
    if shape[0] <= window:
        return (
            TOO_SHORT,
            (
                f"This looks like one series of {shape[0]} steps, too short for even one window of {window} steps "
                f"plus a target: collect a longer series or build the model on fewer timesteps."
            ),
            "",
        )
    windows = data.count_windows(shape[0], window)
    code = data.windowing_code(window)
    runnable = (
        "series = x  # the series, one step per row\n"
        + code
        + "x = np.concatenate([np.asarray(inputs) for inputs, _ in dataset])\n"
        + "y = np.concatenate([np.asarray(targets) for _, targets in dataset])"
    )
    return (
        SERIES,
        (
            f"This looks like one series of {shape[0]} steps, not a set of sequences. No reshape makes sequences of it: "
            f"cut it into overlapping windows of {window} steps, which gives {windows} windows of shape ({window}, {features}) "
            f"with the next step as each one's target:\n" + code
        ),
        runnable,
    )


def _model_is_odd(shape: tuple, expected: tuple) -> bool:
    """Whether data and model hold the same axes in another order and the data's order is the
    conventional one (channels or features last: the smaller size at the end)."""
    if len(shape) != len(expected) or len(shape) < 3 or None in expected[1:]:
        return False
    if sorted(shape[1:]) != sorted(expected[1:]) or tuple(shape[1:]) == tuple(expected[1:]):
        return False
    return shape[-1] < expected[-1]


def _accepted_result(shape, expected, seen, differ, model, stateful, batch):
    """(ok, problem, fixes, suggested, mistake) for data that Keras reads."""
    names = axis_names(len(expected))
    if stateful and batch and shape[0] % batch:
        keep = shape[0] // batch * batch
        divisors = shapes.divisors(shape[0], up_to=64)
        problem = (
            f"The model is stateful with batches of exactly {batch} sequences, one carried state per row, and "
            f"{shape[0]} samples do not split into whole batches: the last batch would hold {shapes.last_batch_size(shape[0], batch)}, "
            "and Keras fails there mid-epoch."
        )
        if keep:
            fixes = [
                Fix(
                    "data",
                    f"Keep {keep} samples (`x = x[:{keep}]`, and the same for y), or rebuild the model with a batch size "
                    f"that divides {shape[0]}: {', '.join(map(str, divisors))}.",
                    f"x = x[:{keep}]",
                    (keep, *shape[1:]),
                )
            ]
        else:
            fixes = [
                Fix(
                    "model",
                    f"Give at least {batch} samples, or rebuild the model with batch size {shape[0]} or a divisor of it.",
                    "",
                    None,
                )
            ]
        return False, problem, fixes, None, STATEFUL_BATCH
    notes = []
    if seen != shape:
        added = len(seen) > len(shape)
        notes.append(
            f"Keras accepts it, but only by silently {'adding' if added else 'dropping'} a trailing axis of size 1: "
            f"it computes on {seen}. Say it in the data so the shape you see is the shape the model reads."
        )
    for axis in differ:
        notes.append(
            f"The model was built for {expected[axis]} {names[axis]} and the data has {seen[axis]}; Keras runs anyway, "
            "because its layers do not depend on that axis (a recurrent layer reads any number of steps). "
            + (
                "With 1 step per sequence a recurrent layer has nothing to remember: is each row really one whole sequence?"
                if seen[axis] == 1
                else "Check that this is what you meant."
            )
            if axis == len(seen) - 2 and len(seen) == 3
            else f"The model was built for {expected[axis]} on {names[axis]} and the data has {seen[axis]}; Keras runs anyway "
            "because no layer depends on that axis. Check that this is what you meant."
        )
    if not notes:
        return (
            True,
            "",
            [
                Fix(
                    "data",
                    f"Nothing to fix: the model reads batches of {shape_words((batch, *seen[1:]))}, one sample per row of the data.",
                )
            ],
            None,
            "",
        )
    suggested = seen if seen != shape else None
    if suggested:
        code, _order = reshape_code(shape, seen)
        fixes = [Fix("data", f"Use `{code}` to make the axis explicit.", code, seen)]
    else:
        fixes = [
            Fix("model", "Build the model on the data's shape to say so: " + f"keras.Input(shape={tuple(seen[1:])}).")
        ]
    if len(seen) == 3 and seen[1] == 1 and expected[1] not in (None, 1):
        extra = (
            f" If the rows are consecutive steps of one series, cut them into windows of {expected[1]} steps "
            f"(`keras.utils.timeseries_dataset_from_array(x, None, sequence_length={expected[1]})`): "
            "then each sample really holds a sequence."
        )
        fixes.insert(0, Fix("data", extra.strip()))  # its own fix: the explicit axis alone may not suit the model
    return True, " ".join(notes), fixes, suggested, ""


def _rejected_result(shape, expected, seen, differ, model, stateful, batch):
    """(ok, problem, fixes, suggested, mistake) for data that Keras refuses."""
    names = axis_names(len(expected))
    want = shape_words(expected)
    suggested, code, order = _suggest(shape, expected, model, stateful)
    short_batch = bool(stateful and batch and shape[0] % batch)
    trimmed = None
    if short_batch:  # no shape with these samples fits; find the one that fits once the samples are trimmed
        trimmed, code, order = _suggest(shape, expected, model, stateful=False)
    values, needed = math.prod(shape[1:]), math.prod(size for size in expected[1:] if size is not None)
    if seen is None:
        problem = (
            f"The model reads batches with {len(expected)} axes {want} = ({', '.join(names)}), and the data has "
            f"{len(shape)} axes {shape}. Keras only adds or drops a trailing axis of size 1 on its own, so this does not fit."
        )
    elif not differ:  # the model leaves these sizes free, yet its layers cannot compute on them
        problem = (
            f"The number of axes fits and the model leaves these sizes free, {want}, but its layers cannot compute on {seen}: "
            "a convolution or pooling window is longer than the axis it slides along."
        )
        return (
            False,
            problem,
            [
                Fix(
                    "model",
                    "Use `padding='same'` or a smaller `kernel_size` / `pool_size` (or fewer pooling layers), "
                    "or feed longer inputs (for sequences: longer windows).",
                    "",
                    None,
                )
            ],
            None,
            TOO_SHORT,
        )
    else:
        wrong = ", ".join(f"{names[i]}: the model expects {expected[i]}, the data has {seen[i]}" for i in differ)
        problem = (
            f"The number of axes fits, but the sizes do not ({wrong}), and the model's layers cannot compute on {seen}."
        )
    if short_batch and trimmed is not None:
        keep = shape[0] // batch * batch
        action = (
            f"Two fixes: the samples need shape {trimmed[1:]} each (`{code}`), and this stateful model takes whole batches "
            f"of {batch}, so keep a multiple of {batch} samples (`x = x[:{keep}]`)."
            if keep
            else f"The samples need shape {trimmed[1:]} each (`{code}`), and this stateful model needs at least {batch} of them."
        )
        both = f"{code}\nx = x[:{keep}]" if keep else ""
        return False, problem, [Fix("data", action, both, (keep, *trimmed[1:]) if keep else None)], None, STATEFUL_BATCH
    if suggested is not None and order is not None and _model_is_odd(shape, expected):
        problem += (
            f" The data is in the usual layout, its smallest axis ({shape[-1]}: channels or features) last; "
            f"the model was built with the axes in another order, {shape_words(expected)}."
        )
        fixes = [
            Fix(
                "model",
                f"Change the model, not the data: rebuild it on `{input_code(shape[1:], batch if stateful else None)}` "
                "(Keras layers read channels and features on the last axis). Transposing the data to suit the model "
                "would hand each layer the wrong axis.",
                "",
                None,
            )
        ]
        return False, problem, fixes, None, CHANNELS_ORDER
    if suggested is not None:
        how = (
            "the same axes in the model's order"
            if order is not None
            else "the same values, arranged as the model reads them"
        )
        action = f"Use shape {suggested}: {how}, `{code}`."
        mistake = ""
        if order is not None:
            mistake = CHANNELS_ORDER if layers.is_convolutional(model) else AXES_SWAPPED
            action += (
                " A reshape would give the right shape with the values in the wrong places."
                if reshape_scrambles(shape, order)
                else " (Here a reshape gives the same array, because the axis that moves has size 1.)"
            )
        elif len(shape) == len(suggested) and shape[-1] > 1 and suggested[-1] != shape[-1]:
            action += (
                f" Check that this is what you mean: it turns {shape[-1]} features per step into {suggested[-1]}, "
                "so values of different features end up side by side. If the features are right, the model's Input is not."
            )
        return False, problem, [Fix("data", action, code, suggested)], suggested, mistake
    windowing = _windowing_advice(shape, expected)
    if windowing and values < needed:
        mistake, advice, code = windowing
        return False, problem, [Fix("data", advice, code, None)], None, mistake
    per = (
        "too few values"
        if values < needed
        else "too many values"
        if values > needed
        else "yet no arrangement of them fits the layers"
    )
    action = (
        f"Each sample holds {values} values and the model reads {needed} per sample: {per} for any reshape "
        f"that keeps the {shape[0]} samples. Change the model instead, e.g. `keras.Input(shape={(seen or shape)[1:]})`, "
        "or choose the columns (or steps) the model was built for."
    )
    if stateful and batch and shape[0] % batch:
        action += f" The model is also stateful with batches of {batch}: give it a multiple of {batch} samples."
    mistake = FEATURES if seen is not None and differ == [len(seen) - 1] else ""
    return False, problem, [Fix("model", action, "", None)], None, mistake


def _fits(body, shape) -> bool:
    return len(shape) == len(body) and all(want is None or want == have for want, have in zip(body, shape))


def _one_sequence(shape, expected, squeezed):
    """(mistake, problem, fixes) for data of one sample's shape given to a model that reads
    sequences: one sequence without its batch axis (and, ``squeezed``, without its features axis
    of 1), or, for a model with any number of timesteps, rows of a table or one long series."""
    body = tuple(expected[1:])
    add = "x[None, :, None]" if len(shape) == 1 else "x[None, ..., None]" if squeezed else "x[None]"
    single = (1, *shape, 1) if squeezed else (1, *shape)
    one = Fix(
        "data",
        f"If it is one sequence of {shape[0]} steps, add the batch axis{' and the features axis' if squeezed else ''}: "
        f"`x = {add}` gives {single}, a batch of one sequence (for `predict` on one sample too).",
        f"x = {add}",
        single,
    )
    if body[0] is not None:
        problem = (
            f"The data {shape} is the shape of one sequence, {shape_words(body)} per sample without the batch axis Keras puts first"
            + (" and without the features axis of 1" if squeezed else "")
            + "."
        )
        return MISSING_BATCH_AXIS, problem, [one]
    per_row = "x[:, None, None]" if len(shape) == 1 else "x[:, None, :]"
    rows_shape = (shape[0], 1, *shape[1:]) if not squeezed else (shape[0], 1, 1)
    rows = Fix(
        "data",
        f"If each row is a sample of its own (a table), give each a timesteps axis of 1: `x = {per_row}` gives {rows_shape}. "
        "A recurrent layer then reads one step per sample and has nothing to remember: windows of consecutive rows are "
        "usually what is meant.",
        f"x = {per_row}",
        rows_shape,
    )
    fixes = [one, rows]
    windowing = _windowing_advice(shape, (None, 10, body[-1]))
    if windowing is not None and windowing[0] == SERIES:
        advice = "If the rows are consecutive steps of one series: " + windowing[1]
        fixes.insert(1, Fix("data", advice, windowing[2], None))
    problem = (
        f"The model reads sequences of any length, {shape_words(body)} per sample, and the data {shape} has no axis for "
        f"the samples: it is one sequence of {shape[0]} steps without its batch axis, or {shape[0]} rows of a table or a series."
    )
    if shape[0] >= 100 and len(fixes) == 3:  # many rows: a series or a table far more often than one sequence
        return SERIES, problem, [fixes[1], fixes[2], fixes[0]]
    return MISSING_BATCH_AXIS, problem, fixes


def _named(shape, expected, model, stateful, batch_size, ok):
    """(mistake, problem, fixes) for the mistakes recognised by name before the general rules,
    or None."""
    body = tuple(expected[1:])
    matches = _fits(body, shape)
    sequences = len(body) == 2 and layers.reads_sequences(model)
    squeezed = len(body) >= 2 and body[-1] == 1 and _fits(body[:-1], shape)
    if not ok and sequences and ((matches and body[0] is None) or squeezed):
        return _one_sequence(shape, expected, squeezed and not matches)
    if matches and not ok:
        # The data's whole shape is the model's per-sample shape: either one sample without its batch axis, or
        # the model was built on the data's shape, rows included. Many rows of a table or series say the latter.
        single = (1, *shape)
        batch_axis = Fix(
            "data",
            f"If it is one sample, add the batch axis: `x = x[None]` (the same as `np.expand_dims(x, 0)`) "
            f"gives {single}, a batch of one sample.",
            "x = x[None]",
            single,
        )
        one = tuple(shape[1:])
        if len(one) == 1 and layers.reads_sequences(model):
            one = (*one, 1)  # a sequence layer reads (steps, features): each value becomes one step
        rows = Fix(
            "model",
            f"If the first number, {shape[0]}, counts the samples, rebuild the model on `{input_code(one)}`, "
            "the shape of one sample (Keras adds the batch axis itself).",
            "",
            None,
        )
        if len(shape) != 2:  # an image or a sequence of its own: one sample
            return (
                MISSING_BATCH_AXIS,
                (
                    f"The data {shape} is the shape of one sample, {shape_words(body)}, without the batch axis Keras puts first "
                    "(the number of samples)."
                ),
                [batch_axis],
            )
        if shape[0] >= 100:
            return (
                ROWS_IN_INPUT,
                (
                    f"The model's Input shape {shape_words(body)} is the data's whole shape: it starts with {shape[0]}, the number of rows, "
                    "but the Input shape describes one sample and leaves the samples out."
                ),
                [rows, batch_axis],
            )
        return (
            MISSING_BATCH_AXIS,
            (
                f"The data {shape} is the shape of one sample, {shape_words(body)}, without the batch axis Keras puts first "
                "(the number of samples)."
            ),
            [batch_axis, rows],
        )
    if (
        stateful
        and expected[0]
        and len(shape) == 3
        and len(expected) == 3
        and expected[0] == shape[1]
        and expected[0] != shape[0]
        and (batch_size or 0) != expected[0]
    ):
        batch = batch_size or 1
        return (
            TIMESTEPS_IN_BATCH,
            (
                f"The model's batch_shape starts with {expected[0]}, which is the data's number of timesteps: the first entry of "
                "`batch_shape` is the batch size, how many sequences run side by side, each with its own state."
            ),
            [
                Fix(
                    "model",
                    f"Rebuild the model on `keras.Input(batch_shape=({batch}, {shape[1]}, {shape[2]}))`: "
                    f"{batch} sequence{'s' if batch != 1 else ''} per batch, {shape[1]} steps of {shape[2]} features each.",
                    "",
                    None,
                )
            ],
        )
    return None


def _tokens(array, model) -> tuple[bool, str, list] | None:
    """(ok, problem, fixes) for an array fed to an Embedding: its values are token ids."""
    emb = layers.embedding(model)
    if emb is None or not hasattr(array, "dtype"):
        return None
    import numpy as np

    values = np.asarray(array)
    if values.size == 0:
        return None
    vocabulary = int(emb.input_dim)
    highest, lowest = values.max(), values.min()
    if lowest < 0:
        return (
            True,
            (
                f"The data holds the negative token id {int(lowest)}: the Embedding has rows for ids 0 to {vocabulary - 1}, and Keras "
                "does not check negative ids, so it trains silently on a row that belongs to no token."
            ),
            [
                Fix(
                    "data",
                    "Give padding and unknown tokens real ids (0 for padding is the usual choice), e.g. `x = np.where(x < 0, 0, x)`.",
                    "x = np.where(x < 0, 0, x)",
                    tuple(values.shape),
                )
            ],
        )
    if highest >= vocabulary:
        bad = int(highest)
        return (
            False,
            (
                f"The model starts with an Embedding of {vocabulary} rows (token ids 0 to {vocabulary - 1}), and the data holds the id {bad}: "
                f'Keras fails while training ("indices ... is not in [0, {vocabulary})").'
            ),
            [
                Fix(
                    "model",
                    f"Rebuild the Embedding with `input_dim={int(highest) + 1}` (the largest id plus one), or map rare tokens to one id "
                    "(e.g. `TextVectorization(max_tokens=...)`).",
                )
            ],
        )
    if values.dtype.kind == "f" and not np.all(np.floor(values) == values):
        return (
            True,
            (
                "The model starts with an Embedding, which reads whole token ids, and the data holds fractions: Keras silently cuts "
                "them to whole numbers, so scaled or normalised values pick the wrong rows."
            ),
            [
                Fix(
                    "data",
                    "Feed the token ids themselves (integers from 0 to input_dim - 1), not scaled values; for real-valued "
                    "features use Dense or recurrent layers instead of an Embedding.",
                )
            ],
        )
    return None


def _batch_size_check(shape, expected, stateful, batch_size):
    """(problem, fixes) where ``batch_size`` does not suit a stateful model, or None."""
    batch = expected[0]
    if not stateful or not batch or batch_size is None:
        return None
    if batch_size != batch:
        return (
            f"The model is stateful and built for batches of {batch} sequences; `batch_size={batch_size}` hands it "
            f'{batch_size} at a time, and Keras refuses ("the batch size of the input sequences must be the same as the batch size '
            'of the initial state").'
        ), [Fix("training", f"Pass `batch_size={batch}` to fit, predict and evaluate.", "", None)]
    return None


def diagnose(x, model, y=None, batch_size=None) -> Diagnosis:
    """Whether ``model`` (a built Keras model) accepts data ``x`` and, with ``y``, trains on
    those targets.

    ``x`` and ``y`` are arrays, tuples or typed text such as ``"(32, 10)"`` (their shapes are
    read); for a model with several inputs (outputs), ``x`` (``y``) is a list in the model's
    order or a dict by input (output) name, and the verdict has one part per input and output.
    ``batch_size`` is what you pass to ``fit``/``predict`` (a stateful model needs its own).
    Bad input raises ``ValueError`` with one plain sentence.
    """
    if batch_size is not None and (not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1):
        raise ValueError(f"batch_size must be a whole number of at least 1; got {batch_size!r}.")
    if multi.several(model) or multi.structured(x) or multi.structured(y):
        return multi.diagnose(x, model, y, batch_size, _diagnose_one)
    return _diagnose_one(x, model, y, batch_size)


def _diagnose_one(x, model, y=None, batch_size=None, part=False) -> Diagnosis:
    """``diagnose`` for one input and one output (``model`` may be a view of one input of a
    larger model: ``part``, whose fixes the caller finishes)."""
    shape = check_shape(x)
    expected = model_input(model)
    target = check_shape(y, "targets") if y is not None else None
    stateful = is_stateful(model)
    batch = expected[0]
    ok, seen, differ = _verdict(shape, expected, model)
    if ok:
        ok, problem, fixes, suggested, mistake = _accepted_result(shape, expected, seen, differ, model, stateful, batch)
    else:
        ok, problem, fixes, suggested, mistake = _rejected_result(shape, expected, seen, differ, model, stateful, batch)
    named = _named(shape, expected, model, stateful, batch_size, ok)
    if named is not None:
        mistake, problem, fixes = named
        suggested = None
    tokens = _tokens(x, model) if ok and not isinstance(x, (tuple, str)) else None
    if tokens is not None:
        tokens_ok, problem, fixes = tokens
        ok, mistake = ok and tokens_ok, TOKENS
    checked = _batch_size_check(shape, expected, stateful, batch_size)
    if checked is not None and ok:
        problem, fixes = checked
        ok, mistake = False, STATEFUL_BATCH
    if target is not None and mistake == STATEFUL_BATCH:  # the targets lose the same samples as the data
        fixes = [
            Fix(fix.side, fix.action, fix.code + "\n" + fix.code.splitlines()[-1].replace("x", "y"), fix.shape)
            if fix.code.splitlines() and fix.code.splitlines()[-1].startswith("x = x[:")
            else fix
            for fix in fixes
        ]
    notes = []
    result = dict(data_shape=shape, expected=expected, seen_as=seen if ok else None)
    extra = {}
    if target is not None:
        batched = (batch, *(seen or shape)[1:]) if (ok or mistake == STATEFUL_BATCH) else None
        if batched is not None:
            check = targets.check(model, target, batched, samples=shape[0], batch_size=batch_size or batch or 32)
            extra = dict(target_shape=target, output_shape=check.output_shape, loss=check.loss, targets_ok=check.ok)
            if check.mistake:
                data_fine = not problem or not fixes or fixes[0].side == "data" and ok
                if data_fine:
                    problem, fixes, mistake = check.problem, list(check.fixes), check.mistake
                else:
                    problem += " Then the targets: " + check.problem
                    fixes = list(fixes) + list(check.fixes)
            ok = ok and check.ok
        else:
            extra = dict(target_shape=target)
            notes.append("The targets are checked once the data fits.")
    if not part:  # a part's view cannot be copied; its fixes are rewritten for the whole model first
        fixes = verify.working(model, shape, target, batch_size, fixes)  # only fixes Keras accepts
    if suggested is not None and not any(fix.shape == suggested for fix in fixes):
        suggested = None  # its fix was refused by Keras
    if has_run(model) and fixes and not part:
        fixes = [after_a_run(fix) for fix in fixes]
        notes.append(
            "This model has already run: a fix that changes the number of axes of the data needs its traced functions remade "
            '(the code does it), or Keras 3 says "Cannot take the length of shape with unknown rank".'
        )
    return Diagnosis(
        ok=ok,
        problem=problem,
        fixes=tuple(fixes),
        suggested_shape=suggested,
        mistake=mistake,
        notes=tuple(notes),
        code=_data_code(shape, suggested, expected, mistake, fixes),
        **result,
        **extra,
    )


def _data_code(shape, suggested, expected, mistake, fixes) -> str:
    """The line that arranges the data (``Diagnosis.code``)."""
    if suggested is not None:
        return reshape_code(shape, suggested)[0]
    if mistake == SERIES:
        return data.windowing_code(expected[1] if expected[1] is not None else 10)
    if mistake == STATEFUL_BATCH and fixes and fixes[0].code.count("\n") and not fixes[0].code.startswith("x = x[:"):
        return fixes[0].code.splitlines()[0]  # the reshape, for samples that also need trimming
    return ""
