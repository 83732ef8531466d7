"""Reading Keras's shape errors in plain words, with the fix.

``explain_error(exc)`` turns the errors learners meet most (removed Keras 2 arguments, stateful
batch sizes, wrong number of axes, features that do not match) into an explanation and a fix.
It reads the exception's text; it never re-runs anything.
"""

from __future__ import annotations

import re

__all__ = ["explain_error"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
        f"model to {want if want == got else got} features, or select the {want} columns the model was built for."
    )


def _expected_shape(message: str) -> str | None:
    found = re.search(r"[Ee]xpected shape[= ]\(([^)]*)\)[^(]*\(([^)]*)\)", message)
    if not found:
        return None
    want, got = found.groups()
    return (
        f"The model expects each batch as ({want}) and got ({got}). Compare axis by axis: the first is the batch "
        "(None means any size); the others must match `keras.Input(shape=...)`. Reshape the data "
        "(e.g. `np.expand_dims`) or rebuild the model on the data's shape."
    )


def _timeseries_generator(exc: BaseException, message: str) -> str | None:
    if not isinstance(exc, ImportError) or "TimeseriesGenerator" not in message:
        return None
    return (
        "`keras.preprocessing.sequence.TimeseriesGenerator` is gone from Keras 3. Use "
        "`keras.utils.timeseries_dataset_from_array(data[:-1], data[window:], sequence_length=window, batch_size=...)`, "
        "which makes the same windows and targets as a dataset."
    )


def explain_error(exc: BaseException) -> str:
    """A plain-language explanation, with the fix, of a Keras error about shapes."""
    message = _text(exc)
    for rule in (_batch_input_shape, _unknown_keyword, _static_batch, _state_batch, _incompatible_state, _ndim, _features, _expected_shape):
        explanation = rule(message)
        if explanation:
            return explanation
    for rule in (_reset_states, _timeseries_generator):
        explanation = rule(exc, message)
        if explanation:
            return explanation
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return f"This is not one of the shape errors the course explains ({type(exc).__name__}: {first[:200]})."
