"""``explain_error``: the Keras errors learners meet, in plain words, with the fix.

It reads the exception's text (never re-runs anything) and covers the families the doctor knows:
removed Keras 2 arguments and wrong ``keras.Input`` arguments (errors raised while the model is
built), the number of axes (``ndim``, ``min_ndim``), features and sizes that differ, stateful
batch sizes, targets against the loss, kernels larger than their input, unknown sizes where a
layer builds its weights, token ids beyond an Embedding, the re-run trap of Keras 3 and the shape
errors that surface as "Graph execution error" inside ``fit``. Where the text does not say enough
for a sure fix, it says what to check and how, never a guess.

Given the model (and the data's and targets' shapes), ``model_errors`` names the layer and the
axis at fault from the model's own structure first; ``target_errors`` and ``layer_errors`` read
the loss, output and Reshape or weight errors.
"""

from __future__ import annotations

import re

from . import context, input_errors, layer_errors, model_errors, target_errors, targets

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PATH = re.compile(
    r" \((?:/|[A-Za-z]:\\)[^)]*\)"
)  # " (/site-packages/.../file.py)": where Keras lives, not the learner's concern


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
    older = (
        "stateful, it needs to know its batch size" in message or "a complete input_shape must be provided" in message
    )
    if not older and ("stateful=True" not in message or "batch size must be static" not in message):
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


def _divisible(message: str) -> str | None:
    """Keras 2's wording of a stateful model given a number of samples its batch size does not divide."""
    found = re.search(r"number of samples that can be divided by the batch size\. Found: (\d+) samples", message)
    if not found:
        return None
    return (
        f"This stateful model was given {found.group(1)} sequences, which its batch size does not divide: it keeps one "
        "state per row of a batch, so every batch must be full. Trim the data to whole batches with the model's own batch "
        "size `b`: `n = len(x) // b * b; model.fit(x[:n], y[:n], batch_size=b, shuffle=False)`."
    )


def _incompatible_state(message: str) -> str | None:
    found = re.search(r"Incompatible shapes: \[(\d+),(\d+)\] vs\. \[(\d+),(\d+)\]", message)
    if not found or found.group(1) == found.group(3) or found.group(2) != found.group(4):
        return None  # a short stateful batch differs in the rows only
    small, big = int(found.group(1)), int(found.group(3))
    batch, rest = max(small, big), min(small, big)
    return (
        f"A batch of {rest} rows met a state kept for {batch} rows. This is a stateful model fed a number of "
        f"sequences that is not a multiple of its batch size {batch}: the last batch was short. Trim the data to "
        f"whole batches, e.g. `n = len(x) // {batch} * {batch}; model.fit(x[:n], y[:n], batch_size={batch}, shuffle=False)`, "
        "or choose a batch size that divides the number of sequences."
    )


def _short_stateful_batch(message: str) -> str | None:
    """Keras 3.12 to 3.14 report a stateful model's short last batch from inside the recurrent
    layer, as a symbolic tensor used as a Python bool, without the sizes (3.15 names them)."""
    layer = re.search(r"calling (\w*(?:LSTM|GRU|RNN)\w*)\.call\(\)", message)
    if not layer or "as a Python `bool` is not allowed" not in message:
        return None
    return (
        f"The {layer.group(1)} layer met a batch it could not carry its state for. From a stateful model, this is how "
        "Keras 3.12 to 3.14 report a number of sequences that is not a multiple of its batch size: the last batch was "
        "short. Trim the data to whole batches with the model's own batch size `b` (`model.inputs[0].shape[0]`): "
        "`n = len(x) // b * b; model.fit(x[:n], y[:n], batch_size=b, shuffle=False)`, then call "
        "`model.make_train_function(force=True)` before fitting again, so that Keras forgets the step that failed. "
        "If the layer is not stateful: " + _CHECK
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
    found = re.search(
        r"expected (min_)?ndim=(\d+), found ndim=(\d+)\. Full shape received: (\([^)]*\)|\[[^\]]*\])", message
    )
    if not found:
        return None
    minimum, want, got, shape = found.groups()
    want, got = int(want), int(got)
    name = "The layer"  # Keras's message names it
    sizes = [part.strip() for part in shape.strip("()[]").split(",") if part.strip()]
    if got > want:
        first = sizes[1] if len(sizes) > 1 else "?"
        return (
            f"{name} reads {want}-D input{' or more' if minimum else ''} but receives {got}-D {shape}: one axis too many. "
            f"If that shape comes straight from your `keras.Input(shape=...)`, the Input probably holds the number of samples "
            f"(here {first}): the Input shape describes one sample, so drop that first number. If it comes from an earlier layer "
            "(an Embedding of already-embedded data, a wrapper), check `model.summary()` to see where the extra axis appears."
        )
    if want == 3 and not minimum:
        return (
            f"A recurrent layer reads 3-D input, (samples, timesteps, features), but what reaches it is "
            f"{got}-D {shape}. Either the model's Input has too few axes: then start it with "
            "`keras.Input(shape=(timesteps, features))`, e.g. `(3, 1)` for 3 steps of one value, and shape your "
            "data to match (`x.reshape(len(x), 3, 1)` or, to make real time windows, `keras.utils.timeseries_dataset_from_array`); "
            "or a layer before it removed the time axis (a Flatten, a global pooling, a recurrent layer without "
            "`return_sequences=True`). `model.summary()` shows which: look for the first layer whose output has 2 axes."
        )
    if minimum and want in (3, 4, 5):
        spatial = {3: "(steps, channels)", 4: "(height, width, channels)", 5: "(depth, height, width, channels)"}[want]
        example = ", ".join(sizes[1:] + ["1"]) if sizes[1:] else "..."
        return (
            f"{name} is a convolution or pooling layer: it reads {want}-D batches, (samples, {spatial[1:-1]}), with the channels "
            f"last, and receives {got}-D {shape}: the channel axis is missing. Give it one in the model, e.g. "
            f"`keras.Input(shape=({example}))` (or a `keras.layers.Reshape(({example}))` after a Flatten or Dense), and data "
            "with that axis (`np.expand_dims(x, -1)`). A Flatten before a convolution removes the axes it needs: move the Flatten after it."
        )
    return f"{name} expects {want}-D input{' or more' if minimum else ''} but receives {got}-D {shape}: give the model's Input the right number of axes."


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
    if (
        len(wanted) == len(given) > 2
        and None not in wanted[1:]
        and sorted(wanted[1:]) == sorted(given[1:])
        and wanted[1:] != given[1:]
    ):
        return (
            f"The model expects each batch as ({want}) and got ({got}): the same sizes in another order, so the "
            "axes are swapped (timesteps and features, most often). Put them in the model's order with a transpose, "
            "e.g. `x = np.transpose(x, (0, 2, 1))`; a reshape would give the right shape with the values in the wrong places."
        )
    if wanted and len(given) == len(wanted) - 1 and all(w is None or w == g for w, g in zip(wanted[1:], given)):
        return (
            f"The model expects each batch as ({want}) and got ({got}): that is the shape of one sample without the batch "
            "axis Keras puts first. Add it: `x[None]` (the same as `np.expand_dims(x, 0)`) is a batch of one sample. "
            "If the first number counts samples instead, the model's Input holds it too: build it on one sample's shape."
        )
    squeezed = ""
    if wanted and len(given) == len(wanted) - 1 and wanted[-1] == 1:
        squeezed = (
            f"(Keras drops a trailing axis of size 1 before it compares, so your array was probably ({got}, 1).) "
        )
    return squeezed + (
        f"The model expects each batch as ({want}) and got ({got}). Compare axis by axis: the first is the batch "
        "(None means any size); the others must match `keras.Input(shape=...)`. Reshape the data "
        "(e.g. `np.expand_dims`) or rebuild the model on the data's shape."
    )


def _axis_value(message: str) -> str | None:
    found = re.search(
        r"expected axis (-?\d+) of input shape to have value (\d+), but received input with shape \(([^)]*)\)", message
    )
    if not found:
        return None
    axis, want, got = found.groups()
    sizes = [part.strip() for part in got.split(",") if part.strip()]
    have = sizes[int(axis)] if sizes and -len(sizes) <= int(axis) < len(sizes) else "another number of"
    if int(axis) not in (-1, len(sizes) - 1):
        channels = (
            f" Your data has {want} on its last axis: it looks channels last, while this layer reads axis {axis} "
            "(a convolution or pooling with `data_format='channels_first'`, or a normalisation with "
            f"`axis={axis}`). Transpose the data to that layout, or drop `data_format='channels_first'` from the model."
            if sizes and sizes[-1] == want
            else ""
        )
        return (
            f"The layer reads axis {axis} of its input and was built for {want} there, but receives ({got}), with {have} on "
            f"that axis.{channels} Print `model.summary()` and `x.shape` to compare."
        )
    model_input = re.search(r"Arguments received by \w+\.call\(\):\s*• inputs=\S*\(shape=\(([^)]*)\)", message)
    if model_input and [part.strip() for part in model_input.group(1).split(",")] != sizes:
        return (
            f"A layer inside the model was built for {want} values on the last axis and receives ({got}), but the data "
            f"given to the model is ({model_input.group(1)}): a layer before it (a Flatten, a Reshape, a convolution) "
            "made those sizes, so the cause is in what reaches it, not necessarily the data's features. Print "
            "`model.summary()` and compare it with `x.shape`; `explain_error(error, model=model, x=x)` names the layer."
        )
    layer = re.search(r"of layer '([^']+)'", message)
    convolution = layer is not None and re.search(r"conv|pool", layer.group(1), re.IGNORECASE)
    if not convolution and len(sizes) >= 4 and sizes[1] == want and sizes[-1] != want:
        return (
            f"The layer was built for {want} values on the last axis and this data ({got}) has {have} there, and {want} on "
            "axis 1. If the layer is a convolution or pooling layer, the data is channels first and the model channels "
            f"last: transpose it, `x = np.transpose(x, (0, 2, 3, 1))`. Otherwise the last axis of the data must match "
            "the last number of `keras.Input(shape=...)`. `explain_error(error, model=model, x=x)` tells which."
        )
    if convolution and len(sizes) == 4 and sizes[1] == want and sizes[-1] != want:
        return (
            f"The layer was built for {want} channels on the last axis (channels last, Keras's default), and this data "
            f"({got}) has {want} on axis 1: it looks channels first. Transpose it, `x = np.transpose(x, (0, 2, 3, 1))`, or "
            "give the model's convolution and pooling layers `data_format='channels_first'`."
        )
    return (
        f"The layer was built for {want} features (the last axis) but the data has {have}: its kernel has "
        f"one row per feature, so the counts must agree. The last number of `keras.Input(shape=...)` must be the "
        f"last axis of the data: rebuild the model on {have} features, or select the {want} column{'s' if want != '1' else ''} it was built for."
    )


def _shape_of(name: str, message: str) -> tuple | None:
    found = re.search(name + r"\.shape=\(([^)]*)\)", message)
    if not found:
        return None
    try:
        return tuple(_sizes(found.group(1)))
    except ValueError:
        return None


_CHECK = (
    "Compare them axis by axis: `print(x.shape, y.shape, model.output_shape)`, or ask the doctor, "
    "`diagnose(x, model, y=y)`, which names the side to change."
)


def _class_numbers(target: tuple, classes: int, loss: str) -> str:
    """One class number per sample against an output of ``classes`` scores, said for the loss the
    model is compiled with (``loss``, '' when unknown: then no loss is named as the one in use)."""
    axes = (
        "The targets have one axis fewer than the model's output"
        if target == ()
        else f"The targets hold one value per sample and the model's output {classes} (one score per class)"
    )
    numbers = (
        "if your labels are class numbers (0, 1, 2...), keep them and use `loss='sparse_categorical_crossentropy'`, "
        f"or one-hot them with `keras.utils.to_categorical(y, {classes})`"
    )
    if "binary" in loss:
        return (
            f"{axes}. The model is compiled with `loss='{loss}'`, which scores each of the output's {classes} values as a "
            f"yes/no answer of its own, so it needs targets of the output's shape, {classes} columns of 0/1, and gets one "
            f"number per sample. For one class out of {classes} (a softmax) it is the wrong loss: {numbers} and use "
            f"`categorical_crossentropy`. `{loss}` fits one sigmoid unit (two classes) or several independent yes/no labels."
        )
    if loss and "categorical" in loss and "sparse" not in loss:
        return (
            f"{axes}. The model is compiled with `loss='{loss}'`: its targets must be one-hot, one column per class, "
            f"like the output. {numbers[0].upper() + numbers[1:]}."
        )
    named = f"The model is compiled with `loss='{loss}'`, a cross-entropy that" if loss else "The cross-entropy loss"
    return (
        f"{axes}. {named} compares each target with the output value for value, so it needs targets of the output's "
        f"shape, {classes} columns. {numbers[0].upper() + numbers[1:]} (for the categorical cross-entropy)."
    )


def _target_rank(message: str, loss: str = "") -> str | None:
    """The losses' own checks of targets against the output (cross-entropies); ``loss`` is the
    model's compiled loss where the model is known."""
    sparse = "target.ndim - 1" in message or "up until the last dimension" in message
    if not sparse and "Arguments `target` and `output` must have the same" not in message:
        return None
    target, output = _shape_of("target", message), _shape_of("output", message)
    if target is None or output is None:
        return None
    t, o = target[1:], output[1:]
    shapes = f"The targets come as {target} per batch and the model's output as {output}."
    if sparse:
        if len(t) == len(o) and t[-1:] == o[-1:] and o and o[-1] > 1:
            return (
                "`sparse_categorical_crossentropy` wants each target as one class number, but these targets have "
                "as many columns as the output (one-hot). Use `loss='categorical_crossentropy'` for one-hot targets, "
                "or turn them back into class numbers with `y.argmax(axis=-1)`."
            )
        if len(o) >= 2 and t in ((), (1,)):
            return (
                f"{shapes} The model gives a prediction for every timestep but there is one label per sequence: set "
                "`return_sequences=False` on the last recurrent layer (or pool over the steps) so it gives one output per sequence."
            )
        return (
            f"{shapes} With `sparse_categorical_crossentropy` each target is one class number per output row. " + _CHECK
        )
    if len(o) == len(t) + 1 and t == o[:-1] and len(o) >= 2 and o[-2] != o[-1]:
        return (
            f"{shapes} The targets hold one number for each of the output's {o[-2]} timesteps (class numbers), and the "
            f"output gives {o[-1]} scores at each step: with class numbers, use `loss='sparse_categorical_crossentropy'` "
            f"(or one-hot them, `keras.utils.to_categorical(y, {o[-1]})`, for the categorical cross-entropy)."
        )
    if t in ((), (1,)) and len(o) == 1 and o[0] > 1:
        return _class_numbers(t, o[0], loss)
    if len(o) == len(t) + 1 and o[-1:] == t[-1:]:
        return (
            f"{shapes} The model gives a prediction for every timestep but there is one label per sequence: set "
            "`return_sequences=False` on the last recurrent layer (or pool over the steps) so it gives one output per sequence."
        )
    if len(t) == len(o) + 1 and t[-1:] == o[-1:]:
        return (
            f"{shapes} The targets have a label per timestep but the model gives one prediction per sequence: if every step has "
            "its label, set `return_sequences=True` on the last recurrent layer; if not, keep one label per sequence."
        )
    if len(t) == len(o) == 1 and o == (1,) and t[0] > 1:
        return (
            f"{shapes} The targets have {t[0]} columns (one-hot?) and the model ends in one unit: give one 0/1 label per sample "
            f"(`y.argmax(axis=-1)`) for a single sigmoid unit, or end with `Dense({t[0]}, activation='softmax')` and "
            "`loss='categorical_crossentropy'`."
        )
    if len(t) == len(o) == 1:
        return (
            f"{shapes} The targets are one-hot for {t[0]} classes and the last layer has {o[0]} units: make them agree, "
            f"`Dense({t[0]}, activation='softmax')` if there are {t[0]} classes, or one-hot with `num_classes={o[0]}`."
        )
    return f"{shapes} A cross-entropy loss needs targets of exactly the output's shape. " + _CHECK


def _target_values(message: str) -> str | None:
    found = re.search(
        r"Dimensions must be equal, but are (\d+) and (\d+) for .*compile_loss.*input shapes: (\[[^\]]*\]), (\[[^\]]*\])",
        message,
    )
    if not found:
        return None
    _first, _second, target, output = found.groups()
    wanted, given = _sizes(target.strip("[]").replace("?", "None")), _sizes(output.strip("[]").replace("?", "None"))
    if len(given) == 3 and len(wanted) == 2 and wanted[1:] == given[1:2] and given[2] != given[1]:
        return (
            f"The targets come in batches of {target}, one value for each of the output's {given[1]} positions on its second "
            f"axis (the timesteps of a sequence model), and the model gives {given[2]} values at each of them ({output}). "
            f"If each timestep has one target value, end the model with `Dense(1)` and give the targets a last axis, "
            f"`y[..., None]`; if they are class numbers, keep them and use `loss='sparse_categorical_crossentropy'` with "
            f"`Dense({given[2]}, activation='softmax')`."
        )
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


def _unknown_rank(message: str) -> str | None:
    if "length of shape with unknown rank" not in message and "not defined on an unknown TensorShape" not in message:
        return None
    return (
        "This is Keras 3's re-run trap: the model has already run (`predict`, `fit` or `evaluate`) on data with another "
        "number of axes (Keras silently added or dropped a trailing axis of size 1 then), and its traced functions no longer "
        "know the rank. The data is probably right now. Make the same model forget the earlier run: "
        "`model.make_predict_function(force=True)`, `model.make_test_function(force=True)`, "
        "`model.make_train_function(force=True)`, then call it again; or rebuild the model. "
        "From then on, feed it one shape only."
    )


def _too_small(message: str) -> str | None:
    if (
        "output size would be zero or negative" not in message
        and "Computed output size would be negative" not in message
        and "Negative dimension size caused by subtracting" not in message
    ):
        return None
    found = re.search(r"inputs[ .]shape=\[?\(?([^\])`]*)", message)
    sizes = []
    if found:
        tokens = re.findall(r"None|\d+", found.group(1))
        sizes = [int(n) for n in tokens[1:]]  # the first is the batch (None, or a number at run time)
    channels_first = len(sizes) >= 3 and sizes[0] <= 4 and sizes[-1] > 4
    advice = (
        f" Here the first axis after the samples is {sizes[0]} and the last {sizes[-1]}: that looks like channels first. Keras reads "
        f"channels last (unless a layer has `data_format='channels_first'`: then give every convolution and pooling layer "
        f"the same one), so build the model on `keras.Input(shape=({', '.join(map(str, sizes[1:] + sizes[:1]))}))` and keep "
        "images as (height, width, channels)."
        if channels_first
        else ""
    )
    return (
        "A convolution or pooling window is larger than the axis it slides along, so nothing would be left of it (the window "
        "does not fit even once)."
        + advice
        + " Otherwise: use `padding='same'`, a smaller `kernel_size` or `pool_size`, fewer "
        "pooling layers, or larger inputs (for sequences: longer windows)."
    )


def _undefined_size(message: str) -> str | None:
    if (
        "Shapes used to initialize variables must be fully-defined" not in message
        and "should be defined. Found `None`" not in message
    ):
        return None
    layer = re.search(r"variable path='[^/]*/([^/']+)/", message)
    where = f" ('{layer.group(1)}')" if layer else ""
    return (
        f"A layer with weights{where} has to know the size of the axis it builds them on, and gets None (any size). This comes "
        "from a variable size in `keras.Input(shape=...)` that reaches a Flatten and Dense (Flatten of (None, features) has no "
        "fixed length), or from an Input with None as its last size. Give the size in the Input, e.g. `keras.Input(shape=(30, 4))`, "
        "or keep the length free and use `keras.layers.GlobalAveragePooling1D()` (or a recurrent layer without "
        "`return_sequences`) instead of Flatten."
    )


def _embedding_index(message: str) -> str | None:
    found = re.search(r"indices\[[\d,]+\] = (-?\d+) is not in \[0, (\d+)\)", message)
    if not found:
        return None
    bad, size = int(found.group(1)), int(found.group(2))
    fix = (
        f"Rebuild the Embedding with `input_dim` at least {bad + 1} (the largest id plus one; `int(x.max()) + 1`), "
        if bad >= size
        else "Token ids start at 0: find the negative ids (`np.where(x < 0)`) and map them to a real token; "
    )
    return (
        f"The data holds the token id {bad}, and the Embedding has rows for ids 0 to {size - 1} only (`input_dim={size}`). "
        + fix
        + "or cap the vocabulary when the text is turned into ids (e.g. `TextVectorization(max_tokens=...)`)."
    )


def _input_arguments(exc: BaseException, message: str) -> str | None:
    found = re.search(r"Input\(\) got an unexpected keyword argument '(\w+)'", message)
    if found:
        name = found.group(1)
        better = {"batch_input_shape": "batch_shape", "input_shape": "shape", "input_dim": "shape"}.get(name, "shape")
        return (
            f"`keras.Input` takes `{better}=...`, not `{name}=` (a layer argument of Keras 2): write `keras.Input({better}=(...))`; "
            "`shape` is one sample's shape, `batch_shape` adds the batch size in front (for stateful models)."
        )
    found = re.search(r"Cannot convert '?\(?([^']*?)\)?'? to a shape", message)
    if found:
        return (
            f"A shape is a tuple, even with one number: write `keras.Input(shape=({found.group(1).strip(', ')},))`, "
            "with the comma, not `shape=" + found.group(1).strip(", ") + "`."
        )
    return None


def _kernel_rank(message: str) -> str | None:
    found = re.search(
        r"Kernel shape must have the same length as input, but received kernel of shape \(([^)]*)\) and input of shape \(([^)]*)\)",
        message,
    )
    if not found:
        return None
    kernel, given = _sizes(found.group(1)), found.group(2)
    want = len(kernel)
    return (
        f"This convolution reads {want}-D batches, (samples, {', '.join(['...'] * (want - 2))}, channels), and receives ({given}), "
        f"{len(_sizes(given))}-D: one axis too many. If that shape is your `keras.Input(shape=...)`, it probably holds the number "
        "of samples (or a batch of 1) in front: drop it, and keep the channels last, e.g. (height, width, channels)."
    )


def _cardinality(message: str) -> str | None:
    if "Data cardinality is ambiguous" not in message:
        return None
    sizes = re.findall(r"'(\w+)' sizes: ([\d, ]+)", message)
    said = "; ".join(f"{name} has {size.strip()}" for name, size in sizes)
    return (
        f"x and y hold different numbers of samples ({said or 'see the message'}): `fit` needs exactly one target per sample. "
        "Check how they were cut: the same windows, the same train/test split, the same rows dropped; a one-hot or per-step "
        "`y` flattened to one axis also multiplies its length."
    )


def _text_data(message: str) -> str | None:
    if not re.search(r"Invalid dtype: (str|<U|object)", message) and "Unsupported object type" not in message:
        return None
    return (
        "The data holds text (or Python objects), and a model reads numbers. Turn words into token ids first, e.g. "
        "`keras.layers.TextVectorization`, and class names into class numbers; then check the array's dtype with `x.dtype`."
    )


def _graph_execution(message: str) -> str | None:
    """The catch-all for shape errors that surface deep inside ``fit``: say what to check."""
    if "Graph execution error" not in message:
        return None
    shapes = re.findall(r"\[[\d,]+\]", message)
    said = f" (the shapes it names: {', '.join(shapes[:4])})" if shapes else ""
    return (
        "Keras failed while running a training or prediction step, inside the compiled graph" + said + ". "
        "Such errors come from shapes that only meet at run time: targets against the output, a batch that is shorter than "
        "the others (stateful models), or values out of range. " + _CHECK
    )


_MESSAGE_RULES = (
    _batch_input_shape,
    _unknown_keyword,
    _static_batch,
    _divisible,
    _state_batch,
    _incompatible_state,
    _short_stateful_batch,
    _unknown_rank,
    _ndim,
    _target_rank,
    _target_values,
    _axis_value,
    _features,
    _expected_shape,
    _too_small,
    _undefined_size,
    _embedding_index,
    _kernel_rank,
    _cardinality,
    _text_data,
)


def _loss_of(model) -> str:
    """The model's compiled loss as a name ('' without a model, or with a loss that has none)."""
    if model is None or isinstance(getattr(model, "loss", None), (dict, list, tuple)):
        return ""  # one loss per output: the message does not say which output failed
    try:
        name = targets.loss_name(model)
    except Exception:  # noqa: BLE001 - a loss we cannot name: none is named
        return ""
    return name if re.fullmatch(r"\w+", name or "") else ""


def explain_error(error: BaseException, model=None, x=None, y=None) -> str:
    """A plain-language explanation, with the fix, of a Keras error about shapes; where the
    message does not say enough for a sure fix, what to check and how.

    ``model``, ``x`` and ``y`` (arrays or shapes; lists or dicts of them for several inputs or
    outputs) are optional context: with them the explanation names the layer and the axis at fault
    from the model's own structure. Context that cannot be read is ignored.
    """
    if not isinstance(error, BaseException):
        return (
            f"`explain_error` reads the exception Keras raised (catch it with `except Exception as error:` and pass "
            f"`error`); it got a {type(error).__name__}."
        )
    message = _text(error)
    try:
        found = context.read(error, model, x, y)
    except Exception:  # noqa: BLE001 - odd context is ignored
        found = context.Context(error=error)
    explanation = model_errors.explain(message, found)
    if explanation:
        return explanation
    loss = _loss_of(found.model)
    for rule in _MESSAGE_RULES:
        explanation = rule(message, loss) if rule is _target_rank else rule(message)
        if explanation:
            return explanation
    for rule in (_reset_states, _timeseries_generator, _input_arguments):
        explanation = rule(error, message)
        if explanation:
            return explanation
    for read in (target_errors.explain, layer_errors.explain):
        try:
            explanation = read(error, message, found) if read is target_errors.explain else read(message, found)
        except Exception:  # noqa: BLE001 - a rule that cannot read odd context says nothing
            explanation = None
        if explanation:
            return explanation
    explanation = input_errors.explain(message) or _graph_execution(message)
    if explanation:
        return explanation
    first = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    return (
        f"This is not one of the shape errors the course explains ({type(error).__name__}: {first[:200]}). "
        "To find out whether shapes are involved: " + _CHECK
    )
