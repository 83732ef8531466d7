"""Keras tier: what lesson 01 says about model.summary(): one row per entry of model.layers; a
Sequential model leaves its input out, a functional one lists it as an InputLayer, and a layer
without weights (Flatten) gets a row of its own."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.keras

ROW = re.compile(r"^│ (\S+) \((\w+)\)", re.M)


@pytest.fixture(scope="module")
def keras():
    import keras

    return keras


def summary_rows(model) -> list[tuple[str, str]]:
    printed = []
    model.summary(print_fn=lambda text, **_: printed.append(text))
    return ROW.findall("\n".join(printed))


def test_sequential_summary_rows_are_its_layers_without_the_input(keras):
    model = keras.Sequential(
        [keras.Input(shape=(8,)), keras.layers.Dense(12, name="a"), keras.layers.Dense(1, name="b")]
    )
    assert summary_rows(model) == [("a", "Dense"), ("b", "Dense")]
    assert [layer.name for layer in model.layers] == ["a", "b"]


def test_functional_summary_lists_the_input_with_no_parameters(keras):
    inputs = keras.Input(shape=(8,), name="input")
    model = keras.Model(inputs, keras.layers.Dense(1, name="output")(keras.layers.Dense(12, name="h")(inputs)))
    assert summary_rows(model) == [("input", "InputLayer"), ("h", "Dense"), ("output", "Dense")]
    assert [(type(layer).__name__, layer.count_params()) for layer in model.layers][0] == ("InputLayer", 0)


def test_a_layer_without_weights_gets_a_row(keras):
    model = keras.Sequential(
        [keras.Input(shape=(2, 4)), keras.layers.Flatten(name="flatten"), keras.layers.Dense(1, name="out")]
    )
    assert summary_rows(model) == [("flatten", "Flatten"), ("out", "Dense")]
    assert model.get_layer("flatten").count_params() == 0 and not model.get_layer("flatten").weights
