"""What the doctor knows about layers: which shapes a model accepts and what it outputs.

A Sequential stack of Dense and recurrent layers needs only the last axis to match (the rule is
checked against Keras by the tests). Any other model (convolutions, pooling, Flatten, Embedding,
TimeDistributed, Bidirectional, the functional API) is called once on a symbolic placeholder of
the shape: TensorFlow's static shape inference with Keras's own input checks, so nothing is
computed on data; the answer, and the output shape, are cached per model and shape.
"""

from __future__ import annotations

import weakref

from course._keras import keras as _keras

_TRACES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# Layers that compute along the last axis only.
_LAST_AXIS_ONLY = {"Dense", "SimpleRNN", "LSTM", "GRU", "Dropout", "Activation"}
RECURRENT = {"SimpleRNN", "LSTM", "GRU"}
# Layers that keep a sequence's steps as they are and act on each step alone.
PER_STEP = {"Dense", "Dropout", "Activation", "TimeDistributed", "LayerNormalization", "BatchNormalization"}
CONVOLUTIONS = {"Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv2D"}
# Layers that only pass shapes through (for finding the first layer that reads the data).
_PASS_THROUGH = {
    "InputLayer",
    "Dropout",
    "Activation",
    "GaussianNoise",
    "LayerNormalization",
    "BatchNormalization",
    "Masking",
    "Normalization",
    "Rescaling",
}


def kind(layer) -> str:
    return type(layer).__name__


def body(model) -> list:
    """The model's layers in order, without the Input layer."""
    return [layer for layer in model.layers if kind(layer) != "InputLayer"]


def first_reader(model):
    """The first layer that reads the data (past Input, dropout and normalisation layers)."""
    return next((layer for layer in model.layers if kind(layer) not in _PASS_THROUGH), None)


def reads_sequences(model) -> bool:
    """Whether the layer that first reads the data reads (steps, features): a recurrent layer
    (wrapped or not) or a 1-D convolution or pooling layer."""
    reader = first_reader(model)
    if reader is None:
        return False
    return kind(getattr(reader, "layer", reader)) in RECURRENT or kind(reader).endswith("1D")


def last_layer(model):
    layers = body(model)
    return layers[-1] if layers else None


def last_axis_stack(model) -> bool:
    """A Sequential model of Dense and recurrent layers only. (A functional model also checks
    every size of its Input before the layers run, so it is always traced.)"""
    if type(model).__name__ != "Sequential":
        return False
    kinds = [kind(layer) for layer in body(model)]
    if not kinds or any(name not in _LAST_AXIS_ONLY for name in kinds):
        return False
    return all(len(layer._inbound_nodes) == 1 for layer in model.layers)  # one chain, no shared layers


def trace(model, batch_shape: tuple, dtype: str):
    """(accepted, output shape or None), cached."""
    cache = _TRACES.setdefault(model, {})
    key = (batch_shape, dtype)
    if key not in cache:
        _keras()  # quiets TensorFlow before its import (a no-op once a model exists)
        import tensorflow as tf

        spec = tf.TensorSpec(batch_shape, getattr(tf, dtype))
        try:
            concrete = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
            outputs = concrete.structured_outputs
            shape = tuple(outputs.shape) if hasattr(outputs, "shape") and outputs.shape.rank is not None else None
            cache[key] = (True, shape)
        except Exception:  # noqa: BLE001 - any failure to trace means Keras rejects the shape
            cache[key] = (False, None)
    return cache[key]


def input_dtype(model) -> str:
    """float32, or int32 for a model whose first reader is an Embedding (token ids)."""
    reader = first_reader(model)
    return "int32" if reader is not None and kind(reader) == "Embedding" else "float32"


def traces(model, batch_shape: tuple, seen: tuple, shortcut: bool = True) -> bool:
    """Whether the model accepts batches of ``batch_shape`` (``seen``: the same after Keras's
    silent trailing-axis adjustment)."""
    if shortcut and last_axis_stack(model):
        return seen[-1] == tuple(model.inputs[0].shape)[-1]
    return trace(model, batch_shape, input_dtype(model))[0]


def output_shape(model, batch_shape: tuple | None = None) -> tuple:
    """The model's output shape for batches of ``batch_shape`` (its declared output where the
    data's shape is the model's own or cannot be traced)."""
    declared = tuple(model.outputs[0].shape)
    if batch_shape is None:
        return declared
    accepted, shape = trace(model, tuple(batch_shape), input_dtype(model))
    return shape if accepted and shape is not None else declared


def embedding(model):
    """The Embedding layer that reads the data, if the model starts with one."""
    reader = first_reader(model)
    return reader if reader is not None and kind(reader) == "Embedding" else None


def is_convolutional(model) -> bool:
    reader = first_reader(model)
    if reader is None:
        return False
    inner = getattr(reader, "layer", reader)
    return kind(inner) in CONVOLUTIONS or kind(inner).startswith(("MaxPooling", "AveragePooling"))


def last_recurrent(model):
    """The last recurrent layer in the model's own list (its name, and whether it returns sequences)."""
    found = None
    for layer in body(model):
        inner = getattr(layer, "forward_layer", None) or getattr(layer, "layer", None) or layer
        if kind(inner) in RECURRENT:
            found = layer
    return found


def returns_sequences(layer) -> bool:
    inner = getattr(layer, "forward_layer", None) or getattr(layer, "layer", None) or layer
    return bool(getattr(inner, "return_sequences", False))
