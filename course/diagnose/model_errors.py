"""Errors read with the model: the layer and the axis at fault, from the model's own structure.

Each rule takes the error's text and a ``context.Context`` and answers only where the model says
for sure what happened (the layer that changed the number of axes, the data format of a
convolution, the Flatten in front of a Dense, a stateful Input whose batch slot holds the
timesteps, per-step outputs against per-sequence targets, a series stored on the feature axis of
an Input with open timesteps); otherwise it returns None and the message rules of ``errors``
answer, as carefully as the message alone allows.
"""

from __future__ import annotations

import math
import re

from . import context as ctx

RECURRENT = ("SimpleRNN", "LSTM", "GRU", "Bidirectional", "RNN")
_POOLS_AND_CONVS = ("Conv", "MaxPooling", "AveragePooling", "SeparableConv", "DepthwiseConv", "LocallyConnected")


def _sizes(text: str) -> tuple:
    return tuple(None if part.strip() in ("None", "?") else int(part) for part in text.split(",") if part.strip())


class _Named:
    """A layer known by its name only (Keras named it; the object is gone with the failed build)."""

    def __init__(self, name: str):
        self.name = name

    def guess(self) -> str:
        lowered = self.name.lower()
        for kind in ("lstm", "gru", "simple_rnn", "conv", "pool"):
            if lowered.startswith(kind):
                return kind
        return "layer"


def _is_conv(layer) -> bool:
    if isinstance(layer, _Named):
        return layer.guess() in ("conv", "pool")
    return ctx.kind(layer).startswith(_POOLS_AND_CONVS)


def _is_recurrent(layer) -> bool:
    if isinstance(layer, _Named):
        return layer.guess() in ("lstm", "gru", "simple_rnn")
    return ctx.kind(layer) in RECURRENT


def _one(shape) -> str:
    """One sample's part of a batch shape, in words."""
    return ctx.words(tuple(shape)[1:])


def _rank(message: str, context: ctx.Context) -> str | None:
    found = re.search(
        r"of layer '([^']+)' is incompatible with the layer: expected (min_)?ndim=(\d+), found ndim=(\d+)", message
    )
    if not found:
        return None
    name, minimum, want, got = found.group(1), found.group(2), int(found.group(3)), int(found.group(4))
    layer = ctx.layer_named(context, name)
    steps = ctx.upstream(context, layer, name)
    changer = ctx.rank_changer(steps)
    if changer is None:
        return None
    if layer is None:  # a functional model being built: Keras named the layer, the graph shows what fed it
        layer = _Named(name)
    what = "" if isinstance(layer, _Named) else f" ({ctx.kind(layer)})"
    reads = f"'{name}'{what} reads {want}-D batches{' or more' if minimum else ''} and gets {got}-D"
    if changer.kind == "InputLayer":
        if got < want and _is_recurrent(layer):
            return (
                f"{reads}: the model's `keras.Input` gives it {ctx.words(changer.gives)} directly, one flat row per sample. "
                "A recurrent layer reads (samples, timesteps, features): start the model with "
                "`keras.Input(shape=(timesteps, features))`, e.g. `(3, 1)` for 3 steps of one value, and shape the data "
                "to match (`x.reshape(len(x), 3, 1)`, or real windows with `keras.utils.timeseries_dataset_from_array`)."
            )
        return None  # the Input itself: the message rules say it as well
    change = f"The {changer.kind} layer '{changer.name}' before it turns {ctx.words(changer.given)} into {ctx.words(changer.gives)}"
    if changer.kind == "Flatten":
        if _is_recurrent(layer):
            advice = (
                "A recurrent layer reads the sequence as it is, (samples, timesteps, features): remove the Flatten "
                "(or move it after the recurrent layer)."
            )
        elif _is_conv(layer):
            advice = "Convolution and pooling layers need those axes: move the Flatten after the last of them, just before the Dense layers."
        else:
            advice = f"Move the Flatten after '{name}', or remove it."
        return f"{reads}: {change}, one flat row per sample. {advice} The model's Input is not the cause."
    if changer.kind == "Embedding":
        size = changer.gives[-1]
        text = f"{reads}: {change}: an Embedding adds an axis, one vector of {size} numbers for every token id."
        if _is_conv(layer) and len(changer.gives) == 3:
            return (
                text
                + f" That is a sequence of vectors, which a 1-D convolution reads: use `keras.layers.Conv1D` for '{name}' "
                "(or add a channel axis with `keras.layers.Reshape`, if you really mean a 2-D image of the embeddings)."
            )
        if got > want:
            return (
                text
                + f" The ids it receives already have {len(changer.given) - 1} axes per sample {_one(changer.given)}: "
                "give it one sequence of token ids per sample, (samples, timesteps), or embed each part and wrap the "
                f"layers after it in `keras.layers.TimeDistributed`. The model's Input is not the cause."
            )
        return text + f" Make the layers after it read {got}-D batches."
    if changer.kind in ("SimpleRNN", "LSTM", "GRU", "Bidirectional") and got < want:
        return (
            f"{reads}: {change}: without `return_sequences=True` a recurrent layer gives one vector per sequence and drops "
            f"the time axis. Set `return_sequences=True` on '{changer.name}' so that '{name}' gets every step."
        )
    if changer.kind.startswith("Global") and got < want:
        return f"{reads}: {change}: global pooling drops the steps (or height and width). Move it after '{name}'."
    return (
        f"{reads}: {change}, and that is where the number of axes changes. Make '{changer.name}' give "
        f"{want}-D batches (e.g. its target shape, for a Reshape), or change the layer '{name}'."
    )


def _channels_perm(rank: int, to_first: bool) -> tuple:
    return (0, rank - 1, *range(1, rank - 1)) if to_first else (0, *range(2, rank), 1)


def _axis(message: str, context: ctx.Context) -> str | None:
    found = re.search(
        r"of layer '([^']+)' is incompatible with the layer: expected axis (-?\d+) of input shape to have value (\d+), "
        r"but received input with shape \(([^)]*)\)",
        message,
    )
    if not found:
        return None
    name, axis, want, got = found.group(1), int(found.group(2)), int(found.group(3)), _sizes(found.group(4))
    layer = ctx.layer_named(context, name)
    if len(got) < 2:
        return None
    fmt = ctx.data_format(layer) if layer is not None else None
    rank = len(got)
    if fmt and _is_conv(layer) and rank >= 3:
        if fmt == "channels_first" and got[-1] == want and got[1] != want:
            perm = _channels_perm(rank, to_first=True)
            return (
                f"'{name}' ({ctx.kind(layer)}) has `data_format='channels_first'`: it reads the channels on axis 1, "
                f"(samples, channels, ...), and was built for {want} channels there. This data has its {want} channels last, "
                f"{ctx.words(got)}. Either transpose the data to channels first, `x = np.transpose(x, {perm})`, or remove "
                f"`data_format='channels_first'` from the model's layers and build it on `keras.Input(shape={_one(got)})`."
            )
        if fmt == "channels_last" and got[1] == want and got[-1] != want:
            perm = _channels_perm(rank, to_first=False)
            return (
                f"'{name}' ({ctx.kind(layer)}) reads channels last, (samples, ..., channels) (`data_format='channels_last'`, "
                f"the default), and was built for {want} channels. This data has its {want} channels first, {ctx.words(got)}. "
                f"Transpose it, `x = np.transpose(x, {perm})`, or give the model's convolution and pooling layers "
                "`data_format='channels_first'`."
            )
        return None
    if axis not in (-1, rank - 1):
        return None
    steps = ctx.upstream(context, layer, name)
    flat = None
    for step in steps:
        if step.kind == "Flatten":
            flat = step
            break
        if step.kind == "InputLayer" or (
            step.given is not None and step.gives is not None and step.given[-1:] != step.gives[-1:]
        ):
            break  # a layer that sets the last axis itself (or the data): the message rules answer
    if flat is None or flat.given is None:
        return None
    what = f" ({ctx.kind(layer)})" if layer is not None else ""
    text = (
        f"'{name}'{what} was built for {want} values per sample, and those come from the Flatten layer "
        f"'{flat.name}' before it"
    )
    built = flat.given[1:]
    if None not in built and math.prod(built) == want:
        text += f", which flattened {ctx.words(built)}: {ctx.product(built)}"
    text += (
        f". It now receives {got[-1]}: what reaches the Flatten is another size (the data's height, width or length, "
        "or the layers before it), not the number of features."
    )
    model_in = ctx.model_input(context.model) if context.model is not None else None
    if context.x and model_in and len(context.x) == len(model_in) and tuple(context.x[1:]) != tuple(model_in[1:]):
        text += (
            f" The model was built on {_one(model_in)} per sample and the data is {_one(context.x)}: resize the data to "
            f"{_one(model_in)}, or rebuild the model on `keras.Input(shape={_one(context.x)})` (a new Dense, new weights)."
        )
    else:
        text += (
            " Feed it inputs of the size the model was built on, or rebuild the model (with its Input) on the new size; "
            "`keras.layers.GlobalAveragePooling2D()` instead of Flatten works for any size."
        )
    return text


def _too_small(message: str, context: ctx.Context) -> str | None:
    if "output size would be zero or negative" not in message:
        return None
    found = re.search(r"inputs[ .]shape=[\[(]([^\])]*)[\])]", message)
    if not found:
        return None
    got = tuple(None if token == "None" else int(token) for token in re.findall(r"None|\d+", found.group(1)))
    kernel = re.search(r"kernel shape=\(([^)]*)\)", message)
    layer = ctx.failing_conv(context, _sizes(kernel.group(1)) if kernel else ())
    if layer is None or len(got) < 4:
        return None
    fmt, name, one = ctx.data_format(layer), getattr(layer, "name", "?"), got[1:]
    if fmt == "channels_first" and one[-1] <= 4 < one[0]:
        return (
            f"'{name}' ({ctx.kind(layer)}) has `data_format='channels_first'`, so it reads {ctx.words(one)} as {one[0]} "
            f"channels of {ctx.words(one[1:])} each, and its window does not fit in {one[-1]}. The shape is channels last: "
            "remove `data_format='channels_first'` (Keras reads channels last by default), or give the data and the Input "
            f"channels first, {ctx.words(one[-1:] + one[:-1])}."
        )
    if fmt == "channels_last" and one[0] <= 4 < one[-1]:
        others = [
            other
            for other in ctx.conv_layers(context)
            if ctx.data_format(other) == "channels_first" and other is not layer
        ]
        steps = ctx.upstream(context, layer)
        others += [step.layer for step in steps if ctx.data_format(step.layer) == "channels_first"]
        if others:
            first = others[0]
            return (
                f"'{name}' ({ctx.kind(layer)}) reads channels last (the default), but '{first.name}' before it has "
                f"`data_format='channels_first'` and hands it {ctx.words(one)}, its {one[0]} channels first: '{name}' slides "
                f"its window over {one[0]}, which is too small. Give every convolution and pooling layer the same "
                f"`data_format` (add `data_format='channels_first'` to '{name}'), or use channels last throughout."
            )
    return None


def _state_batch(message: str, context: ctx.Context) -> str | None:
    found = re.search(r"Expected batch size: (\d+)", message)
    if not found or "stateful" not in message or context.model is None or not context.x or len(context.x) < 3:
        return None
    batch = int(found.group(1))
    declared = ctx.model_input(context.model)
    if not declared or len(declared) != len(context.x) or declared[0] != batch:
        return None
    if context.x[1] != batch or declared[1] == context.x[1]:
        return None
    right = (None, context.x[1], *declared[2:])
    return (
        f"The model's `batch_shape` {ctx.words(declared)} puts {batch}, the number of timesteps of your sequences "
        f"{ctx.words(context.x)}, in the first place, which is the batch size: `batch_shape` is (batch_size, timesteps, "
        f"features), so each sequence is read as {declared[1]} step{'s' if declared[1] != 1 else ''}. Build the Input as "
        f"`keras.Input(batch_shape=(b, {', '.join(map(str, right[1:]))}))`, with b the number of sequences you feed at "
        "once (1 for one long series), and use the same b in `fit` and `predict`."
    )


def _per_step(message: str, context: ctx.Context) -> str | None:
    """Per-step outputs of a sequence model against one target per sequence, named by the layer."""
    if context.model is None:
        return None
    layer = ctx.last_sequence_layer(context.model)
    out = ctx.model_output(context.model)
    if layer is None or not out or len(out) != 3:
        return None
    shapes = [_sizes(found) for found in re.findall(r"\[([\d?,]+)\]", message)]
    target = next((shape for shape in shapes if len(shape) == 2), None) or (context.y if context.y else None)
    if target is None or len(target) != 2 or "Incompatible shapes" not in message and "compile_loss" not in message:
        return None
    steps, values = out[1], out[2]
    if target[-1] == values and (steps is None or target[-1] != steps or values == steps):
        return (
            f"'{layer.name}' has `return_sequences=True`, so the model gives {values} values for each of its {steps} "
            f"timesteps, {ctx.words(out)}, and the targets hold {target[-1]} per sequence, {ctx.words(target)}. Set "
            f"`return_sequences=False` on '{layer.name}' so the model gives one output per sequence, or give a target for "
            "every timestep."
        )
    return None


def _open_timesteps(message: str, context: ctx.Context) -> str | None:
    """A recurrent model on ``keras.Input(shape=(None, features))`` fed (samples, features, length):
    the timesteps sit on the feature axis. Keras accepts the shape (the length is open) and fails
    only in the kernel's matrix product, naming two sizes; the model and the data say which is which."""
    found = re.search(r"Dimensions must be equal, but are (\d+) and (\d+) for .*MatMul", message) or re.search(
        r"Matrix size-incompatible: In\[0\]: \[\d+,(\d+)\], In\[1\]: \[(\d+),\d+\]", message
    )
    if not found or context.model is None or not context.x or len(context.x) != 3:
        return None
    got, want = int(found.group(1)), int(found.group(2))
    declared = ctx.model_input(context.model)
    if not declared or len(declared) != 3 or declared[1] is not None or declared[2] != want:
        return None
    if not any(_is_recurrent(layer) for layer in ctx.layers_of(context.model)):
        return None
    samples, middle, last = context.x
    if last != got or middle != want or got == want:
        return None
    steps = "1 timestep" if middle == 1 else f"{middle} timesteps"
    feature = "1 feature" if want == 1 else f"{want} features"
    same = (
        f" (with one feature this is the same as `x.reshape(len(x), {got}, 1)`)"
        if want == 1
        else ": a reshape would give that shape with the values in the wrong places"
    )
    return (
        f"The model reads each sample as (timesteps, {feature}), any number of timesteps: its Input is "
        f"`keras.Input(shape=(None, {want}))`. The data {ctx.words(context.x)} is read the same way, so each sample is "
        f"{steps} holding {got} values on the feature axis, where the kernel has room for {want}: the {got} values are the "
        f"timesteps of your series, stored where the feature{'' if want == 1 else 's'} should be. Put them on the time axis, "
        f"`x = np.transpose(x, (0, 2, 1))`, which gives {ctx.words((samples, got, middle))}{same}. "
        f"Only if each step really held {got} values of its own would the model change instead, to "
        f"`keras.Input(shape=(None, {got}))`."
    )


RULES = (_rank, _axis, _too_small, _state_batch, _per_step, _open_timesteps)


def explain(message: str, context: ctx.Context) -> str | None:
    """The explanation the model's structure makes sure of, or None."""
    for rule in RULES:
        try:
            explanation = rule(message, context)
        except Exception:  # noqa: BLE001 - odd context is ignored: the message rules answer
            explanation = None
        if explanation:
            return explanation
    return None
