"""The learners' own networks (lessons 01 and 02), checked against Keras."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from course import shapes
from course.experiments import learner_examples as examples

pytestmark = pytest.mark.keras


@pytest.mark.parametrize("widths, total", [(examples.SEED_000_WIDTHS, 221), (examples.SEED_002_WIDTHS, 642)])
def test_the_learners_networks_count_what_the_formula_says(widths, total):
    model = examples.dense_network(widths)
    assert model.count_params() == shapes.dense_widths_params(widths) == total
    assert model.input_shape == (None, widths[0]) and model.output_shape == (None, widths[-1])
    assert [layer.units for layer in model.layers] == list(widths[1:])


@pytest.mark.parametrize("argument", ["input_dim", "input_shape"])
def test_the_keras_2_spelling_builds_the_same_network_and_warns(argument):
    old, messages = examples.keras2_network(examples.SEED_000_WIDTHS, argument)
    assert old.count_params() == examples.dense_network(examples.SEED_000_WIDTHS).count_params()
    assert old.input_shape == (None, 8)
    assert any(argument in message for message in messages)
    with pytest.raises(ValueError):
        examples.keras2_network(examples.SEED_000_WIDTHS, "batch_input_shape")


def test_the_progress_bar_counts_steps_and_each_step_is_one_update():
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run = examples.fit_steps(examples.dense_network(examples.SEED_002_WIDTHS), rows=100, batch_size=10, verbose=1)
    shown = re.findall(r"(\d+)/(\d+)", re.sub(r"\x1b\[[0-9;]*m", "", printed.getvalue()))
    assert ("10", "10") in shown, "Keras's own progress bar reads 10/10"
    assert run.progress_bar_steps == run.updates == shapes.iterations_per_epoch(100, 10) == 10


def test_steps_per_epoch_caps_the_updates_of_each_epoch():
    run = examples.fit_steps(
        examples.dense_network(examples.SEED_002_WIDTHS), rows=100, batch_size=10, epochs=2, steps_per_epoch=4
    )
    assert (run.progress_bar_steps, run.updates) == (4, 8)
    full = examples.fit_steps(examples.dense_network(examples.SEED_002_WIDTHS), rows=1000, batch_size=10)
    assert (full.progress_bar_steps, full.updates) == (100, 100)


def test_the_loss_on_the_progress_bar_is_the_classifiers_cross_entropy():
    """Two outputs are a classifier's scores (logits): the loss the bar shows must be the
    cross-entropy of their softmax. With one batch and one epoch it is the loss of the starting
    weights, worked out here by hand and by Keras's classifier loss."""
    import keras
    import numpy as np

    network = examples.dense_network(examples.SEED_002_WIDTHS)
    x, y = examples.random_rows(network, rows=10, seed=0)
    logits = network(x).numpy().astype("float64")
    by_hand = float(np.mean(np.log(np.exp(logits).sum(axis=1)) - logits[np.arange(10), y]))
    keras_classifier = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, logits))
    assert by_hand == pytest.approx(keras_classifier, abs=1e-5)
    as_probabilities = float(keras.losses.SparseCategoricalCrossentropy()(y, logits))
    assert abs(as_probabilities - by_hand) > 1e-3, "reading the logits as probabilities gives another number"

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run = examples.fit_steps(network, rows=10, batch_size=10, seed=0, verbose=1)
    assert run.updates == 1 and run.loss == pytest.approx(by_hand, abs=1e-5)
    shown = re.findall(r"loss: ([0-9.]+)", re.sub(r"\x1b\[[0-9;]*m", "", printed.getvalue()))
    assert shown and float(shown[-1]) == pytest.approx(by_hand, abs=1e-4), "the number on the bar"


def test_one_output_trains_on_the_squared_error():
    import keras

    network = examples.dense_network((3, 4, 1))
    assert isinstance(examples.training_loss(network), keras.losses.MeanSquaredError)
    x, y = examples.random_rows(network, rows=8, seed=1)
    by_hand = float(((network(x).numpy() - y) ** 2).mean())  # the starting weights' squared error
    run = examples.fit_steps(network, rows=8, batch_size=8, seed=1)
    assert y.shape == (8, 1) and run.updates == 1 and run.loss == pytest.approx(by_hand, abs=1e-5)
