"""The shape doctor: will this array fit this model, why not, and what shape to use instead.

- ``diagnose(data_shape, model)`` predicts whether a built Keras model accepts an array of that
  shape, without running the model on it, explains the problem in plain words and gives the
  shape (and the line of code) that fixes it where a reshape, a transpose or ``np.expand_dims``
  can.
- ``explain_error(exc)`` turns the errors learners meet most (removed Keras 2 arguments, stateful
  batch sizes, wrong number of axes, features that do not match, targets of the wrong shape) into
  an explanation and a fix. It reads the exception's text; it never re-runs anything.
- ``explore(model)`` lists any model layer by layer: output shapes, weights and parameters, with
  the formula for the layers the course teaches, checked against Keras's ``count_params()``.
- ``GALLERY``: the classic broken set-ups, as code that ``reproduce`` runs for the real error.

TensorFlow is imported only by the functions that need a model.
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass

from course import data, shapes
from course._keras import keras as _keras

__all__ = ["Diagnosis", "diagnose", "parse_shape", "explain_error", "error_summary", "LayerReport", "ModelReport", "explore", "BrokenSetup", "GALLERY", "reproduce"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PATH = re.compile(r" \((?:/|[A-Za-z]:\\)[^)]*\)")  # " (/site-packages/.../file.py)": where Keras lives, not the learner's concern


def _text(exc: BaseException) -> str:
    return _ANSI.sub("", str(exc))


def _batch_input_shape(message: str) -> str | None:
    if "Unrecognized keyword arguments" not in message or "batch_input_shape" not in message:
        return None
    found = re.search(r"'batch_input_shape': \(([^)]*)\)", message)
    shape = f"({found.group(1)})" if found else "(batch_size, timesteps, features)"
    return (
        "Keras 3 removed the `batch_input_shape=` argument of layers (it is Keras 2 code). Declare the full "
        f"batch shape on an Input instead, as the first item of the model: `keras.Input(batch_shape={shape})`, "
        "then the layer without it, e.g. `keras.layers.LSTM(32, stateful=True)`. "
        "`keras.Input(shape=(timesteps, features), batch_size=...)` says the same."
    )


def _unknown_keyword(message: str) -> str | None:
    found = re.search(r"Unrecognized keyword arguments passed to (\w+): \{([^}]*)\}", message)
    if not found:
        return None
    return (
        f"{found.group(1)} does not take {found.group(2)} in Keras 3: the argument was removed or misspelt. "
        "Shapes now go on `keras.Input(shape=...)` (or `batch_shape=...` for a fixed batch) at the start of the model."
    )


def _static_batch(message: str) -> str | None:
    if "stateful=True" not in message or "batch size must be static" not in message:
        return None
    return (
        "A stateful layer keeps one state per row of the batch, so it must know the batch size when the model "
        "is built, and this model was built with `keras.Input(shape=...)`, which leaves it open (None). Use "
        "`keras.Input(batch_shape=(batch_size, timesteps, features))` instead. The batch size has nothing to do "
        "with the number of features: it is how many parallel sequences you carry state for."
    )


def _state_batch(message: str) -> str | None:
    if "batch size of the input sequences must be the same as the batch size of the initial state" not in message:
        return None
    expected = re.search(r"Expected batch size: (\d+)", message)
    received = re.search(r"Received batch size: (\d+)", message)
    want = expected.group(1) if expected else "the model's"
    got = received.group(1) if received else "another number of"
    return (
        f"This stateful model was built for batches of {want} sequences, one state per row, but it was handed "
        f"{got} rows at once. Pass `batch_size={want}` to `fit`, `predict` and `evaluate`, and give them a number "
        f"of sequences that is a multiple of {want} (drop the extra ones, e.g. `x[: len(x) // {want} * {want}]`)."
    )


def _incompatible_state(message: str) -> str | None:
    found = re.search(r"Incompatible shapes: \[(\d+),(\d+)\] vs\. \[(\d+),(\d+)\]", message)
    if not found:
        return None
    small, big = int(found.group(1)), int(found.group(3))
    batch, rest = max(small, big), min(small, big)
    return (
        f"A batch of {rest} rows met a state kept for {batch} rows. This is a stateful model fed a number of "
        f"sequences that is not a multiple of its batch size {batch}: the last batch was short. Trim the data to "
        f"whole batches, e.g. `n = len(x) // {batch} * {batch}; model.fit(x[:n], y[:n], batch_size={batch}, shuffle=False)`, "
        "or choose a batch size that divides the number of sequences."
    )


def _reset_states(exc: BaseException, message: str) -> str | None:
    if not isinstance(exc, AttributeError) or "reset_states" not in message:
        return None
    return (
        "Keras 3 models have no `reset_states()`. Reset each stateful recurrent layer instead: "
        "`for layer in model.layers: if getattr(layer, 'stateful', False): layer.reset_state()` "
        "(note the singular `reset_state`)."
    )


def _ndim(message: str) -> str | None:
    found = re.search(r"expected ndim=(\d+), found ndim=(\d+)\. Full shape received: (\([^)]*\))", message)
    if not found:
        return None
    want, got, shape = found.groups()
    if want == "3":
        return (
            f"A recurrent layer reads 3-D input, (samples, timesteps, features), but the layer before it gives "
            f"{got}-D {shape}. The model itself is built on too few axes: start it with "
            "`keras.Input(shape=(timesteps, features))`, e.g. `(3, 1)` for 3 steps of one value, and shape your "
            "data to match (`x.reshape(len(x), 3, 1)` or, to make real time windows, `keras.utils.timeseries_dataset_from_array`)."
        )
    return f"This layer expects {want}-D input but receives {got}-D {shape}: give the model's Input the right number of axes."


def _features(message: str) -> str | None:
    found = re.search(r"Dimensions must be equal, but are (\d+) and (\d+) for .*MatMul", message) or re.search(
        r"Matrix size-incompatible: In\[0\]: \[\d+,(\d+)\], In\[1\]: \[(\d+),\d+\]", message
    )
    if not found:
        return None
    got, want = found.groups()
    return (
        f"The data has {got} features (values per sample, or per timestep), but the layer's kernel was built for "
        f"{want}. The last axis of the data must match the last number in `keras.Input(shape=...)`: change the "
        f"model to {got} features, or select the {want} column{'s' if want != '1' else ''} the model was built for. If the data holds the "
        "model's axes in another order (timesteps and features swapped), transpose them, `x = np.transpose(x, (0, 2, 1))`: "
        "a reshape would give the right shape with the values in the wrong places."
    )


def _sizes(text: str) -> list:
    return [None if part.strip() == "None" else int(part) for part in text.split(",") if part.strip()]


def _expected_shape(message: str) -> str | None:
    found = re.search(r"[Ee]xpected shape[= ]\(([^)]*)\)[^(]*\(([^)]*)\)", message)
    if not found:
        return None
    want, got = found.groups()
    try:
        wanted, given = _sizes(want), _sizes(got)
    except ValueError:
        wanted, given = [], []
    if len(wanted) == len(given) > 2 and None not in wanted[1:] and sorted(wanted[1:]) == sorted(given[1:]) and wanted[1:] != given[1:]:
        return (
            f"The model expects each batch as ({want}) and got ({got}): the same sizes in another order, so the "
            "axes are swapped (timesteps and features, most often). Put them in the model's order with a transpose, "
            "e.g. `x = np.transpose(x, (0, 2, 1))`; a reshape would give the right shape with the values in the wrong places."
        )
    squeezed = ""
    if wanted and len(given) == len(wanted) - 1 and wanted[-1] == 1:
        squeezed = (f"(Keras drops a trailing axis of size 1 before it compares, so your array was probably "
                    f"({got}, 1).) ")
    return squeezed + (
        f"The model expects each batch as ({want}) and got ({got}). Compare axis by axis: the first is the batch "
        "(None means any size); the others must match `keras.Input(shape=...)`. Reshape the data "
        "(e.g. `np.expand_dims`) or rebuild the model on the data's shape."
    )


def _axis_value(message: str) -> str | None:
    found = re.search(r"expected axis (-?\d+) of input shape to have value (\d+), but received input with shape \(([^)]*)\)", message)
    if not found:
        return None
    axis, want, got = found.groups()
    sizes = [part.strip() for part in got.split(",") if part.strip()]
    have = sizes[int(axis)] if sizes and -len(sizes) <= int(axis) < len(sizes) else "another number of"
    return (
        f"The layer was built for {want} features (the last axis) but the data has {have}: its kernel has "
        f"one row per feature, so the counts must agree. The last number of `keras.Input(shape=...)` must be the "
        f"last axis of the data: rebuild the model on {have} features, or select the {want} column{'s' if want != '1' else ''} it was built for."
    )


def _target_rank(message: str) -> str | None:
    if "Arguments `target` and `output` must have the same rank" in message:
        return (
            "The targets and the model's output have different numbers of axes. With "
            "`loss='categorical_crossentropy'` the targets must be one-hot, one column per class, like the output. "
            "If your labels are class numbers (0, 1, 2...), keep them and use `loss='sparse_categorical_crossentropy'`, "
            "or one-hot them with `keras.utils.to_categorical(y, num_classes)`."
        )
    if "Argument `output` must have rank (ndim) `target.ndim - 1`" in message:
        return (
            "`sparse_categorical_crossentropy` wants each target as one class number, but these targets have "
            "as many columns as the output (one-hot). Use `loss='categorical_crossentropy'` for one-hot targets, "
            "or turn them back into class numbers with `y.argmax(axis=-1)`."
        )
    return None


def _target_values(message: str) -> str | None:
    found = re.search(r"Dimensions must be equal, but are (\d+) and (\d+) for .*compile_loss.*input shapes: (\[[^\]]*\]), (\[[^\]]*\])", message)
    if not found:
        return None
    _first, _second, target, output = found.groups()
    return (
        f"The loss compares each target with the model's output, but the targets come in batches of shape {target} "
        f"and the output in {output}. Make the last layer produce one value per target value (e.g. `Dense(n)` for "
        "n targets), or reshape the targets; a recurrent layer with `return_sequences=True` before the output gives "
        "one output per timestep, so either set it to False or give a target for every step."
    )


def _timeseries_generator(exc: BaseException, message: str) -> str | None:
    if not isinstance(exc, ImportError) or "TimeseriesGenerator" not in message:
        return None
    return (
        "`keras.preprocessing.sequence.TimeseriesGenerator` is gone from Keras 3. Use "
        "`keras.utils.timeseries_dataset_from_array(data[:-1], data[window:], sequence_length=window, batch_size=...)`, "
        "which makes the same windows and targets as a dataset."
    )


def error_summary(exc: BaseException, max_lines: int = 8) -> str:
    """The part of a Keras error a learner needs to read: the message without colour codes,
    Keras's list of received arguments or TensorFlow's traceback of the graph."""
    message = _PATH.sub("", _text(exc)).strip()
    lines = [line for line in message.splitlines() if line.strip()]
    if "Graph execution error" in message:
        key = [line.strip() for line in lines if re.search(r"Incompatible shapes|must be|Dimensions", line)]
        return "\n".join(["Graph execution error:", *key[:2]]) if key else lines[-1].strip()
    kept = []
    for line in lines:
        if line.startswith("Arguments received by"):
            break
        kept.append(line)
    text = "\n".join(kept[:max_lines]) or type(exc).__name__
    return text if len(text) <= 700 else text[:697] + "..."


def explain_error(exc: BaseException) -> str:
    """A plain-language explanation, with the fix, of a Keras error about shapes."""
    message = _text(exc)
    for rule in (_batch_input_shape, _unknown_keyword, _static_batch, _state_batch, _incompatible_state, _ndim, _target_rank, _target_values, _axis_value, _features, _expected_shape):
        explanation = rule(message)
        if explanation:
            return explanation
    for rule in (_reset_states, _timeseries_generator):
        explanation = rule(exc, message)
        if explanation:
            return explanation
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return f"This is not one of the shape errors the course explains ({type(exc).__name__}: {first[:200]})."


# --- diagnose: will an array of this shape fit this model? -------------------------------------

_SHAPE_TEXT = re.compile(r"^\s*[\(\[]?\s*(\d+(?:\s*,\s*\d+)*)\s*,?\s*[\)\]]?\s*$")


def parse_shape(text: str) -> tuple[int, ...]:
    """Read a data shape typed by a learner, such as ``(32, 10, 1)`` or ``32, 10``.

    Only whole positive numbers separated by commas are accepted, with optional brackets; the
    text is never evaluated.
    """
    found = _SHAPE_TEXT.match(str(text))
    if not found:
        raise ValueError(f"Type a shape as whole numbers separated by commas, like (32, 10, 1); got {str(text)[:40]!r}.")
    shape = tuple(int(part) for part in found.group(1).split(","))
    return _check_shape(shape)


def _check_shape(shape) -> tuple[int, ...]:
    if hasattr(shape, "shape") and not isinstance(shape, tuple):  # an array: read its shape
        shape = shape.shape
    if isinstance(shape, str):
        return parse_shape(shape)
    shape = tuple(int(size) for size in shape)
    if not shape:
        raise ValueError("A single number has no samples axis: give the data at least one axis, e.g. (100,).")
    if any(size < 1 for size in shape):
        raise ValueError(f"Every axis needs at least one element; {shape} has an empty or negative axis.")
    return shape


@dataclass(frozen=True)
class Diagnosis:
    """The shape doctor's verdict on one data shape and one model.

    ``ok``: whether Keras accepts the array (``fit``/``predict`` with the model's batch size).
    ``problem``: what is wrong, in plain words; for an accepted array, what Keras does silently
    (empty when there is nothing to say). ``fix``: what to do. ``suggested_shape``: a shape the
    model accepts, with the same samples and the same values, reachable by ``code``; ``None``
    where no reshape helps. ``expected``: the model's input shape (``None`` where any size goes).
    ``seen_as``: the shape Keras computes on after adding or dropping a trailing axis of size 1.
    """

    ok: bool
    problem: str
    fix: str
    suggested_shape: tuple | None
    data_shape: tuple
    expected: tuple
    seen_as: tuple | None = None
    code: str = ""

    def __str__(self) -> str:
        verdict = "accepted" if self.ok else "rejected"
        lines = [f"data {self.data_shape} into a model expecting {_shape_words(self.expected)}: {verdict}"]
        lines += [text for text in (self.problem, self.fix) if text]
        if self.suggested_shape is not None and str(self.suggested_shape) not in self.fix:
            lines.append(f"suggested shape {self.suggested_shape}: {self.code}")
        return "\n".join(lines)


def _shape_words(shape) -> str:
    return "(" + ", ".join("any" if size is None else str(size) for size in shape) + ")"


def _axis_names(rank: int) -> list[str]:
    """What the axes of a batch of this rank usually mean."""
    if rank == 1:
        return ["samples"]
    if rank == 2:
        return ["samples", "features"]
    if rank == 3:
        return ["samples", "timesteps", "features"]
    return ["samples"] + [f"axis {i}" for i in range(1, rank - 1)] + ["features"]


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def _input_shape(model) -> tuple:
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
        raise ValueError(f"This model has {len(inputs)} inputs; the shape doctor checks models with one input.")
    return tuple(inputs[0].shape)


def _stateful(model) -> bool:
    return any(getattr(layer, "stateful", False) for layer in _all_layers(model))


_TRACES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# Layers that compute along the last axis only: a plain stack of them accepts any sizes of the
# middle axes (a recurrent layer reads any number of steps) and needs the last one to match.
_LAST_AXIS_ONLY = {"Dense", "SimpleRNN", "LSTM", "GRU", "Dropout", "Activation"}


def _last_axis_stack(model) -> bool:
    """A Sequential model of Dense and recurrent layers only. (A functional model also checks
    every size of its Input before the layers run, so it is always traced.)"""
    if type(model).__name__ != "Sequential":
        return False
    kinds = [type(layer).__name__ for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if not kinds or any(kind not in _LAST_AXIS_ONLY for kind in kinds):
        return False
    return all(len(layer._inbound_nodes) == 1 for layer in model.layers)  # one chain, no shared layers


def _traces(model, batch_shape: tuple, seen: tuple, shortcut: bool = True) -> bool:
    """Whether the model accepts batches of ``batch_shape`` (``seen``: the same after Keras's
    silent trailing-axis adjustment).

    A Sequential stack of Dense and recurrent layers needs only the last axis to match (the rule
    is checked against Keras by the tests). Any other model is called once on a symbolic
    placeholder of that shape (TensorFlow's static shape inference, with Keras's own input checks),
    so nothing is computed on data; the answer is cached per model and shape.
    """
    if shortcut and _last_axis_stack(model):
        return seen[-1] == tuple(model.inputs[0].shape)[-1]
    cache = _TRACES.setdefault(model, {})
    if batch_shape not in cache:
        _keras()  # quiets TensorFlow before its import (a no-op once a model exists)
        import tensorflow as tf

        spec = tf.TensorSpec(batch_shape, tf.float32)
        try:
            tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
            cache[batch_shape] = True
        except Exception:  # noqa: BLE001 - any failure to trace means Keras rejects the shape
            cache[batch_shape] = False
    return cache[batch_shape]


def _seen_as(shape: tuple, expected: tuple) -> tuple | None:
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
    seen = _seen_as(shape, expected)
    if seen is None:
        return False, None, []
    differ = [i for i in range(1, len(seen)) if expected[i] is not None and expected[i] != seen[i]]
    if not differ:
        return True, seen, []
    batch = expected[0]
    return _traces(model, (batch, *shape[1:]), seen), seen, differ


def _accepted(shape: tuple, expected: tuple, model, stateful: bool) -> bool:
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


def _fix_code(shape: tuple, target: tuple) -> str:
    if target == shape + (1,):
        return "x = np.expand_dims(x, -1)"
    if shape == target + (1,):
        return "x = np.squeeze(x, axis=-1)"
    if len(shape) == len(target) and sorted(shape[1:]) == sorted(target[1:]) and shape != target:
        order = _transposition(shape, target)
        if order is not None:
            return f"x = np.transpose(x, {order})"
    return f"x = x.reshape({', '.join(['len(x)', *map(str, target[1:])])})"


def _transposition(shape: tuple, target: tuple) -> tuple | None:
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


def _reshape_scrambles(shape: tuple, code: str) -> bool:
    """Whether a plain reshape would differ from the transposition in ``code``: it does when two
    axes longer than 1 change their order."""
    order = [int(n) for n in re.findall(r"\d+", code.split("(x,", 1)[1])]
    moved = [axis for axis in order if shape[axis] > 1]
    return moved != sorted(moved)


def _suggest(shape: tuple, expected: tuple, model, stateful: bool) -> tuple[tuple | None, str]:
    """A shape with the same samples and values that the model accepts, and the code to get it;
    a transposition is preferred where the axes are the model's in another order."""
    candidates = []
    if len(shape) == len(expected):
        order = _transposition(shape, tuple(expected[i] if expected[i] is not None else shape[i] for i in range(len(shape))))
        if order is not None:
            candidates.append(tuple(shape[i] for i in order))
    per_sample = _fill(math.prod(shape[1:]), expected)
    if per_sample is not None:
        candidates.append((shape[0], *per_sample))
    for candidate in candidates:
        if candidate != shape and math.prod(candidate) == math.prod(shape) and _accepted(candidate, expected, model, stateful):
            return candidate, _fix_code(shape, candidate)
    return None, ""


def _windowing_advice(shape: tuple, expected: tuple) -> tuple[str, str] | None:
    """(advice, code) for data that is one long series rather than sequences, for a sequence model."""
    if len(expected) != 3:
        return None
    timesteps, features = expected[1], expected[2]
    series_like = len(shape) == 1 and features == 1 or len(shape) == 2 and shape[1] == features
    if not series_like:
        return None
    window = timesteps if timesteps is not None else 10
    if shape[0] <= window:
        return (
            f"This looks like one series of {shape[0]} steps, too short for even one window of {window} steps "
            f"plus a target: collect a longer series or build the model on fewer timesteps."
        ), ""
    windows = data.count_windows(shape[0], window)
    code = data.windowing_code(window)
    return (
        f"This looks like one series of {shape[0]} steps, not a set of sequences. No reshape makes sequences of it: "
        f"cut it into overlapping windows of {window} steps, which gives {windows} windows of shape ({window}, {features}) "
        f"with the next step as each one's target:\n" + code
    ), code


def diagnose(data_shape, model) -> Diagnosis:
    """Whether ``model`` (a built Keras model with one input) accepts an array of ``data_shape``.

    ``data_shape`` is a tuple, an array (its shape is read) or text such as ``"(32, 10)"``. The
    model is not run on data: the decision follows the rules Keras 3 applies (one trailing axis of
    size 1 is added or dropped silently; every other axis must fit the layers, which is checked by
    tracing the model symbolically where the data's axes differ from the model's input; a stateful
    model needs whole batches). The explanation and the fix are in plain words.
    """
    shape = _check_shape(data_shape)
    expected = _input_shape(model)
    stateful = _stateful(model)
    batch = expected[0]
    names = _axis_names(len(expected))
    want = _shape_words(expected)
    ok, seen, differ = _verdict(shape, expected, model)
    result = dict(data_shape=shape, expected=expected, seen_as=seen if ok else None)

    if ok:
        if stateful and batch and shape[0] % batch:
            keep = shape[0] // batch * batch
            divisors = shapes.divisors(shape[0], up_to=64)
            problem = (
                f"The model is stateful with batches of exactly {batch} sequences, one carried state per row, and "
                f"{shape[0]} samples do not split into whole batches: the last batch would hold {shape[0] % batch}, "
                "and Keras fails there mid-epoch."
            )
            if keep:
                fix = (f"Keep {keep} samples (`x = x[:{keep}]`, and the same for y), or rebuild the model with a batch size "
                       f"that divides {shape[0]}: {', '.join(map(str, divisors))}.")
            else:
                fix = f"Give at least {batch} samples, or rebuild the model with batch size {shape[0]} or a divisor of it."
            return Diagnosis(ok=False, problem=problem, fix=fix, suggested_shape=None, **{**result, "seen_as": None})
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
                + ("With 1 step per sequence a recurrent layer has nothing to remember: is each row really one whole sequence?"
                   if seen[axis] == 1 else "Check that this is what you meant.")
                if axis == len(seen) - 2 and len(seen) == 3 else
                f"The model was built for {expected[axis]} on {names[axis]} and the data has {seen[axis]}; Keras runs anyway "
                "because no layer depends on that axis. Check that this is what you meant."
            )
        if notes:
            suggested = seen if seen != shape else None
            code = _fix_code(shape, seen) if suggested else ""
            fix = f"Use `{code}` to make the axis explicit." if suggested else "Build the model on the data's shape to say so: " + f"keras.Input(shape={tuple(seen[1:])})."
            if len(seen) == 3 and seen[1] == 1 and expected[1] not in (None, 1):
                fix += (f" If the rows are consecutive steps of one series, cut them into windows of {expected[1]} steps instead "
                        f"(`keras.utils.timeseries_dataset_from_array(x, None, sequence_length={expected[1]})`): "
                        "then each sample really holds a sequence.")
            return Diagnosis(ok=True, problem=" ".join(notes), fix=fix, suggested_shape=suggested, code=code, **result)
        return Diagnosis(ok=True, problem="", fix=f"Nothing to fix: the model reads batches of {_shape_words((batch, *seen[1:]))}, one sample per row of the data.",
                         suggested_shape=None, **result)

    suggested, code = _suggest(shape, expected, model, stateful)
    short_batch = bool(stateful and batch and shape[0] % batch)
    if short_batch:  # no shape with these samples fits; find the one that fits once the samples are trimmed
        trimmed, code = _suggest(shape, expected, model, stateful=False)
    values, needed = math.prod(shape[1:]), math.prod(size for size in expected[1:] if size is not None)
    if seen is None:
        problem = (
            f"The model reads batches with {len(expected)} axes {want} = ({', '.join(names)}), and the data has "
            f"{len(shape)} axes {shape}. Keras only adds or drops a trailing axis of size 1 on its own, so this does not fit."
        )
    else:
        wrong = ", ".join(f"{names[i]}: the model expects {expected[i]}, the data has {seen[i]}" for i in differ)
        problem = f"The number of axes fits, but the sizes do not ({wrong}), and the model's layers cannot compute on {seen}."
    if short_batch and trimmed is not None:
        keep = shape[0] // batch * batch
        fix = (f"Two fixes: the samples need shape {trimmed[1:]} each (`{code}`), and this stateful model takes whole batches "
               f"of {batch}, so keep a multiple of {batch} samples (`x = x[:{keep}]`)." if keep else
               f"The samples need shape {trimmed[1:]} each (`{code}`), and this stateful model needs at least {batch} of them.")
        return Diagnosis(ok=False, problem=problem, fix=fix, suggested_shape=None, code=code, **result)
    if suggested is not None:
        how = "the same axes in the model's order" if code.startswith("x = np.transpose") else "the same values, arranged as the model reads them"
        fix = f"Use shape {suggested}: {how}, `{code}`."
        if code.startswith("x = np.transpose"):
            fix += (" A reshape would give the right shape with the values in the wrong places." if _reshape_scrambles(shape, code)
                    else " (Here a reshape gives the same array, because the axis that moves has size 1.)")
        elif len(shape) == len(suggested) and shape[-1] > 1 and suggested[-1] != shape[-1]:
            fix += (f" Check that this is what you mean: it turns {shape[-1]} features per step into {suggested[-1]}, "
                    "so values of different features end up side by side. If the features are right, the model's Input is not.")
        return Diagnosis(ok=False, problem=problem, fix=fix, suggested_shape=suggested, code=code, **result)
    windowing = _windowing_advice(shape, expected)
    if windowing and values < needed:
        advice, code = windowing
        return Diagnosis(ok=False, problem=problem, fix=advice, suggested_shape=None, code=code, **result)
    per = "too few values" if values < needed else "too many values" if values > needed else "yet no arrangement of them fits the layers"
    fix = (
        f"Each sample holds {values} values and the model reads {needed} per sample: {per} for any reshape "
        f"that keeps the {shape[0]} samples. Change the model instead, e.g. `keras.Input(shape={(seen or shape)[1:]})`, "
        "or choose the columns (or steps) the model was built for."
    )
    if stateful and batch and shape[0] % batch:
        fix += f" The model is also stateful with batches of {batch}: give it a multiple of {batch} samples."
    return Diagnosis(ok=False, problem=problem, fix=fix, suggested_shape=None, **result)


# --- explore: any model, layer by layer -----------------------------------------------------------

@dataclass(frozen=True)
class LayerReport:
    """One layer of a model: its output shape, weights and parameters (``equation`` is the
    course's formula with the numbers filled in, for the layer kinds it teaches)."""

    name: str
    kind: str
    output_shape: tuple
    params: int
    weights: dict
    equation: str | None


@dataclass(frozen=True)
class ModelReport:
    """Every layer of a model, and its parameter total next to Keras's ``count_params()``."""

    name: str
    input_shape: tuple
    layers: tuple
    keras_total: int

    @property
    def total(self) -> int:
        return sum(layer.params for layer in self.layers)

    def to_markdown(self) -> str:
        lines = ["| layer | kind | output shape | weights | parameters |", "| --- | --- | --- | --- | --- |",
                 f"| input | Input | {_shape_words(self.input_shape)} | none | 0 |"]
        for layer in self.layers:
            weights = ", ".join(f"{name} {shape}" for name, shape in layer.weights.items()) or "none"
            count = f"{layer.equation}" if layer.equation else f"{layer.params:,}"
            lines.append(f"| {layer.name} | {layer.kind} | {_shape_words(layer.output_shape)} | {weights} | {count} |")
        lines.append(f"| **total** | | | | **{self.total:,}** (Keras's count_params(): {self.keras_total:,}) |")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def figure(self, data_shape=None, verdict=None):
        """The shape ribbon of this model (``course.figures.shape_ribbon``)."""
        from course import figures

        return figures.shape_ribbon(self, data_shape=data_shape, verdict=verdict)


_TAUGHT = {"Dense", "SimpleRNN", "LSTM", "GRU"}


def _output_shape(layer) -> tuple:
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError):
        return tuple(layer.compute_output_shape(layer.input.shape))


def _equation(layer, kind: str, params: int) -> str | None:
    """The course's formula for the layer, where it describes this layer exactly."""
    if kind not in _TAUGHT:
        return None
    try:
        features = int(layer.input.shape[-1])
        units = int(layer.units)
        if shapes.layer_params(kind, features, units) != params:  # e.g. no bias, or GRU(reset_after=False)
            return None
        return shapes.param_equation(kind, features, units)
    except (AttributeError, ValueError, TypeError):
        return None


def _weight_name(weight, layer) -> str:
    """The weight's path inside its layer: ``kernel``, or ``forward_lstm/lstm_cell/kernel`` in a wrapper."""
    path = getattr(weight, "path", weight.name)
    marker = layer.name + "/"  # a Sequential model puts its own name in front: "model/layer/kernel"
    return path.split(marker, 1)[1] if marker in path else path


def explore(model) -> ModelReport:
    """Every layer of a built Keras model (Sequential or functional): output shape, weight shapes,
    parameters and, for Dense, SimpleRNN, LSTM and GRU, the formula; with ``count_params()``."""
    expected = _input_shape(model)
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        params = int(layer.count_params())
        weights = {_weight_name(weight, layer): tuple(weight.shape) for weight in layer.weights}
        rows.append(LayerReport(layer.name, kind, _output_shape(layer), params, weights, _equation(layer, kind, params)))
    return ModelReport(model.name, expected, tuple(rows), int(model.count_params()))


# --- the gallery of classic broken set-ups ----------------------------------------------------------

@dataclass(frozen=True)
class BrokenSetup:
    """A classic broken set-up: ``code`` (run with ``np`` and ``keras`` in scope) raises the real
    error; ``fixed`` is the same set-up done the Keras 3 way, which runs; ``data_shape`` is the
    array the doctor can check against the broken model, where the data is the problem."""

    title: str
    story: str
    code: str
    fixed: str
    data_shape: tuple | None = None


GALLERY: tuple[BrokenSetup, ...] = (
    BrokenSetup(
        "2-D data into an LSTM",
        "Rows of 10 readings, and an LSTM built on the data's own shape.",
        "x = np.zeros((64, 10), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n",
        "x = np.zeros((64, 10), 'float32')\n"
        "x = np.expand_dims(x, -1)  # (64, 10, 1): 10 steps of 1 feature\n"
        "model = keras.Sequential([keras.Input(shape=(10, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        (64, 10),
    ),
    BrokenSetup(
        "Features mismatch",
        "A model built for 3 features, handed a table with 4 columns.",
        "x = np.zeros((64, 4), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        "x = np.zeros((64, 4), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        (64, 4),
    ),
    BrokenSetup(
        "Timesteps and features swapped",
        "Sequences of 10 steps of 2 sensors, stored sensor by sensor: 2 rows of 10 values per sample.",
        "x = np.zeros((64, 2, 10), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(10, 2)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        "x = np.zeros((64, 2, 10), 'float32')\n"
        "x = np.transpose(x, (0, 2, 1))  # (64, 10, 2); a reshape would mix the two sensors' values\n"
        "model = keras.Sequential([keras.Input(shape=(10, 2)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        (64, 2, 10),
    ),
    BrokenSetup(
        "The removed batch_input_shape",
        "A stateful LSTM written the Keras 2 way.",
        "model = keras.Sequential([keras.layers.LSTM(8, stateful=True, batch_input_shape=(4, 10, 1)), keras.layers.Dense(1)])\n",
        "model = keras.Sequential([keras.Input(batch_shape=(4, 10, 1)), keras.layers.LSTM(8, stateful=True), keras.layers.Dense(1)])\n",
    ),
    BrokenSetup(
        "A stateful batch size that does not divide",
        "A stateful LSTM with batches of 4, trained on 10 sequences.",
        "x = np.zeros((10, 5, 1), 'float32')\n"
        "y = np.zeros((10, 1), 'float32')\n"
        "model = keras.Sequential([keras.Input(batch_shape=(4, 5, 1)), keras.layers.LSTM(8, stateful=True), keras.layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)\n",
        "x = np.zeros((10, 5, 1), 'float32')\n"
        "y = np.zeros((10, 1), 'float32')\n"
        "x, y = x[:8], y[:8]  # whole batches of 4 only\n"
        "model = keras.Sequential([keras.Input(batch_shape=(4, 5, 1)), keras.layers.LSTM(8, stateful=True), keras.layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)\n",
        (10, 5, 1),
    ),
    BrokenSetup(
        "A target of the wrong shape",
        "Three classes as numbers 0, 1, 2, trained with the loss for one-hot targets.",
        "x = np.zeros((64, 4), 'float32')\n"
        "y = np.arange(64) % 3\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
        "model.fit(x, y, epochs=1, verbose=0)\n",
        "x = np.zeros((64, 4), 'float32')\n"
        "y = np.arange(64) % 3\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')  # class numbers as targets\n"
        "model.fit(x, y, epochs=1, verbose=0)\n",
    ),
    BrokenSetup(
        "TimeseriesGenerator",
        "Windowing a series the way Keras 2 tutorials do.",
        "from keras.preprocessing.sequence import TimeseriesGenerator\n",
        "series = np.arange(100, dtype='float32').reshape(-1, 1)\n"
        "dataset = keras.utils.timeseries_dataset_from_array(series[:-5], series[5:], sequence_length=5, batch_size=32)\n"
        "x, y = next(iter(dataset))  # x: (32, 5, 1), y: (32, 1)\n",
    ),
)


def reproduce(setup: BrokenSetup):
    """Run a gallery set-up for real; return ``(model or None, exception or None)``."""
    import numpy as np

    namespace = {"np": np, "keras": _keras()}
    try:
        exec(setup.code, namespace)  # noqa: S102 - the gallery's own code, never user input
    except Exception as exc:  # noqa: BLE001 - the error is the point
        return namespace.get("model"), exc
    return namespace.get("model"), None
