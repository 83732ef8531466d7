"""Widget tier: every widget built headless and driven from Python, as a learner's clicks would."""

import asyncio
import copy
import html
import json
import re
import subprocess
import sys

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import pytest
import traitlets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ipywidgets.widgets.widget import _remove_buffers

import widgets
from course import data, figures, models, shapes
from course import diagnose as doctor
from course.experiments.throughput import BATCH_SIZES
from course.recurrent import hidden_states, recurrent_states
from widgets import (
    BatchExplorer,
    ErrorGallery,
    Quiz,
    SequenceExplorer,
    ShapeDoctor,
    ShapeExplorer,
    StatefulExplorer,
    TrainingLab,
    UnitsExplorer,
    WindowExplorer,
    _lifecycle,
)
from widgets._base import CourseWidget
from widgets._figure import CourseFigure, _without_buffers, property_changes, refresh_figure
from widgets.units_explorer import demo_sequence

pytestmark = pytest.mark.widgets
WIDGET_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def column(figure, name):
    return next(trace for trace in figure.data if trace.name == name)


def exported_params(code):
    namespace = {}
    exec(code, namespace)
    return namespace["model"].count_params()


# ShapeExplorer


def test_shape_explorer_starts_with_a_real_model():
    explorer = ShapeExplorer()
    assert explorer.problem == ""
    assert explorer.model.count_params() == models.total_params(explorer.spec) == 41
    assert len(column(explorer.figure, "input").y) == 3
    assert len(column(explorer.figure, "hidden_1").y) == 8


@pytest.mark.parametrize("name, value", [("features", 7), ("units", 21), ("n_layers", 3), ("batch_size", 40)])
def test_every_slider_drives_the_model_figure_and_code(name, value):
    explorer = ShapeExplorer()
    explorer.controls[name].value = value  # as if the learner moved the slider
    assert getattr(explorer, name) == value
    spec = models.ModelSpec(features=explorer.features, units=explorer.units, n_layers=explorer.n_layers)
    assert explorer.model.count_params() == models.total_params(spec)
    assert exported_params(explorer.code()) == explorer.model.count_params()
    assert f"{explorer.model.count_params():,} parameters" in explorer.figure.layout.title.text
    assert [t.name for t in explorer.figure.data[1:]] == ["input", *spec.hidden_names(), "output", "labels"]


def test_setting_a_trait_from_python_moves_the_slider():
    explorer = ShapeExplorer()
    explorer.units = 33
    assert explorer.controls["units"].value == 33
    assert explorer.model.get_layer("hidden_1").units == 33


def test_batch_size_changes_the_shapes_shown_but_no_weight():
    explorer = ShapeExplorer(batch_size=5)
    before = explorer.model.count_params()
    table = explorer.shapes_table.value
    explorer.batch_size = 50
    assert explorer.model.count_params() == before
    assert "(5, 3)" in table and "(50, 3)" in explorer.shapes_table.value
    texts = explorer.figure.data[-1].text  # the diagram's labels
    assert "(50, 3)" in texts and "(50, 8)" in texts


def test_first_kernel_follows_features_and_units():
    explorer = ShapeExplorer(features=5, units=12)
    assert tuple(explorer.model.get_layer("hidden_1").kernel.shape) == (5, 12)
    assert "5×12 + 12 = 72" in explorer.equation.value


def test_values_outside_the_slider_range_are_clamped_like_a_slider():
    explorer = ShapeExplorer()
    explorer.features = 10_000
    explorer.units = 0
    assert explorer.features == ShapeExplorer.LIMITS["features"][1]
    assert explorer.units == 1
    assert explorer.problem == ""


def test_recurrent_layers_from_the_layer_menu():
    explorer = ShapeExplorer(layers=shapes.LAYER_KINDS)
    explorer.controls["layer"].value = "LSTM"
    assert explorer.model.get_layer("hidden_1").__class__.__name__ == "LSTM"
    assert explorer.model.count_params() == shapes.lstm_params(3, 8) + shapes.dense_params(8, 1)
    assert exported_params(explorer.code()) == explorer.model.count_params()


def test_unknown_layer_kind_is_refused_with_the_choices():
    explorer = ShapeExplorer()
    with pytest.raises(Exception, match="Dense, SimpleRNN, LSTM, GRU"):
        explorer.layer = "Conv2D"
    assert explorer.model is not None and explorer.layer == "Dense"


def test_unknown_setting_is_named():
    with pytest.raises(TypeError, match="neurons"):
        ShapeExplorer(neurons=3)


@WIDGET_SETTINGS
@given(
    features=st.integers(-5, 40),
    units=st.integers(-5, 100),
    n_layers=st.integers(0, 6),
    batch_size=st.integers(0, 100),
    layer=st.sampled_from(shapes.LAYER_KINDS),
    timesteps=st.integers(0, 30),
)
def test_no_slider_combination_raises(shape_explorer, features, units, n_layers, batch_size, layer, timesteps):
    explorer = shape_explorer
    explorer.layer, explorer.features, explorer.units = layer, features, units
    explorer.n_layers, explorer.batch_size, explorer.timesteps = n_layers, batch_size, timesteps
    assert explorer.problem == ""
    assert explorer.model.count_params() == models.total_params(explorer.current_spec())


@pytest.fixture(scope="module")
def shape_explorer():
    return ShapeExplorer(layers=shapes.LAYER_KINDS, controls=tuple(ShapeExplorer.LIMITS))


# BatchExplorer


def test_batch_explorer_timeline_shows_the_rows_of_each_batch():
    explorer = BatchExplorer(n_samples=50, batch_size=5, shuffle=False, epochs=2)
    heatmap = explorer.figure.data[0]
    assert np.array(heatmap.text).shape == (2, 50)
    assert list(np.array(heatmap.text)[0][45:50]) == ["46", "47", "48", "49", "50"]
    assert list(np.array(heatmap.customdata)[0][45:50]) == [10] * 5
    assert "10</b> iterations" in explorer.summary.value


@pytest.mark.parametrize("name, value", [("n_samples", 23), ("batch_size", 4), ("epochs", 3)])
def test_every_batch_control_redraws(name, value):
    explorer = BatchExplorer()
    explorer.controls[name].value = value
    assert getattr(explorer, name) == value
    heatmap = explorer.figure.data[0]
    assert np.array(heatmap.text).shape == (explorer.epochs, explorer.n_samples)
    iterations = shapes.iterations_per_epoch(explorer.n_samples, explorer.batch_size)
    assert np.array(heatmap.customdata).max() == iterations
    assert f"{iterations} iterations per epoch" in explorer.figure.layout.title.text


def test_shuffle_checkbox_reorders_each_epoch():
    explorer = BatchExplorer(epochs=2)
    explorer.controls["shuffle"].value = True
    text = np.array(explorer.figure.data[0].text).astype(int) - 1
    assert np.array_equal(text, data.epoch_order(50, 2, True, explorer.seed))
    assert not np.array_equal(text[0], np.arange(50))


def test_partial_last_batch_is_outlined_and_explained():
    explorer = BatchExplorer(n_samples=50, batch_size=7)
    assert "last batch: 1 rows" in [a.text for a in explorer.figure.layout.annotations]
    assert "only the 1 row left over" in explorer.summary.value


@pytest.mark.parametrize("n_samples, batch_size, shuffle", [(50, 5, False), (50, 7, True), (20, 64, False)])
def test_training_counts_the_batches_keras_really_ran(n_samples, batch_size, shuffle):
    explorer = BatchExplorer(n_samples=n_samples, batch_size=batch_size, shuffle=shuffle, epochs=2)
    explorer.train_button.click()
    run = explorer.run
    iterations = shapes.iterations_per_epoch(n_samples, batch_size)
    assert run.batches_run == [iterations, iterations] and run.updates == 2 * iterations
    assert [len(trace.x) for trace in explorer.loss_figure.data] == [iterations, iterations]
    assert f"<b>{iterations}</b> batches" in explorer.train_status.value
    order = data.epoch_order(n_samples, 2, shuffle, explorer.seed)
    assert [r for batch in run.rows[1] for r in batch] == order[1].tolist()


def test_training_is_reused_until_a_setting_changes():
    explorer = BatchExplorer()
    first = explorer.train()
    assert explorer.train() is first
    explorer.batch_size = 10
    assert "press Train" in explorer.train_status.value
    assert explorer.train() is not first and explorer.run.batches_run[0] == 5


def test_exported_training_code_runs_the_same_updates():
    explorer = BatchExplorer(n_samples=30, batch_size=8, epochs=2)
    X, y = data.example_table(30, 3)
    namespace = {"x": X, "y": y}
    exec(explorer.code(), namespace)
    assert int(namespace["model"].optimizer.iterations.numpy()) == 2 * explorer.iterations


def test_a_bad_learning_rate_is_explained_in_the_widget():
    explorer = BatchExplorer(learning_rate=0)
    assert explorer.train() is None
    assert "learning rate must be above 0" in explorer.message.value


@WIDGET_SETTINGS
@given(
    n_samples=st.integers(-3, 300),
    batch_size=st.integers(-3, 300),
    epochs=st.integers(0, 9),
    shuffle=st.booleans(),
    seed=st.integers(0, 99),
)
def test_no_batch_combination_raises(batch_explorer, n_samples, batch_size, epochs, shuffle, seed):
    explorer = batch_explorer
    explorer.n_samples, explorer.batch_size, explorer.epochs = n_samples, batch_size, epochs
    explorer.shuffle, explorer.seed = shuffle, seed
    assert explorer.problem == ""
    assert explorer.iterations == shapes.iterations_per_epoch(explorer.n_samples, explorer.batch_size)


@pytest.fixture(scope="module")
def batch_explorer():
    return BatchExplorer()


# Quiz


def test_parameter_quiz_is_graded_against_the_live_model():
    explorer = ShapeExplorer()
    quiz = Quiz.parameters(explorer)
    explorer.units = 20
    assert not quiz.check(41)
    quiz.entry.value = str(explorer.model.count_params())
    quiz.check_button.click()
    assert quiz.correct and quiz.attempts == 2
    assert "20 units" in quiz.prompt.value


def test_iteration_quiz_is_graded_against_a_real_run():
    explorer = BatchExplorer(n_samples=50, batch_size=7)
    quiz = Quiz.iterations(explorer)
    assert quiz.check(8)
    assert explorer.run.batches_run[0] == 8


def test_reveal_shows_the_live_answer():
    explorer = ShapeExplorer(features=4, units=2)
    quiz = Quiz.parameters(explorer)
    quiz.reveal_button.click()
    assert quiz.revealed and str(explorer.model.count_params()) in quiz.feedback.value


def test_quiz_explains_input_that_is_not_a_number():
    quiz = Quiz("How many?", lambda: 3)
    quiz.entry.value = "three"
    assert quiz.guess is None and "not a whole number" in quiz.feedback.value
    assert not quiz.check() and "Make a prediction" in quiz.feedback.value


def test_multiple_choice_quiz():
    quiz = Quiz("Which?", lambda: "no relation", options=["a multiple", "no relation"])
    quiz.entry.value = "a multiple"
    assert not quiz.check()
    quiz.entry.value = "no relation"
    assert quiz.check()


def test_quiz_whose_answer_fails_explains_instead_of_raising():
    quiz = Quiz("How many?", lambda: 1 // 0)
    assert not quiz.check(1)
    assert "cannot be computed" in quiz.feedback.value


def test_batch_size_alone_keeps_the_same_model():
    explorer = ShapeExplorer()
    model = explorer.model
    explorer.batch_size = 17
    assert explorer.model is model
    explorer.units = 9
    assert explorer.model is not model


# TrainingLab


@pytest.fixture
def lab():
    return small_lab()


def test_training_lab_names_the_flavour_on_the_control(lab):
    lab.controls["batch_size"].value = 1
    assert lab.flavour.value.startswith("SGD") and "stochastic" in lab.summary.value
    lab.controls["batch_size"].value = 100
    assert lab.flavour.value.startswith("full") and "full-batch" in lab.summary.value
    lab.controls["batch_size"].value = 10
    assert lab.flavour.value == "mini-batch" and "<b>10</b> weight updates per epoch" in lab.summary.value


def test_flavour_buttons_set_the_batch_size(lab):
    lab.flavour.value = lab.flavour.options[0]
    assert lab.batch_size == 1
    lab.flavour.value = lab.flavour.options[2]
    assert lab.batch_size == lab.n_train
    lab.flavour.value = lab.flavour.options[1]
    assert lab.batch_size == 32


def test_learning_rate_scaling_toggle(lab):
    lab.controls["learning_rate"].value = 0.05
    lab.batch_size = 64
    assert lab.rate_for(64) == pytest.approx(0.05)
    lab.controls["scale_lr"].value = True
    assert lab.rate_for(64) == pytest.approx(shapes.scaled_learning_rate(0.05, 64))
    assert "<b>0.1</b>" in lab.summary.value


def test_epochs_and_seeds_sliders(lab):
    lab.controls["epochs"].value = 3
    lab.controls["n_seeds"].value = 1
    assert (lab.epochs, lab.n_seeds) == (3, 1)
    assert "in 3 epochs" in lab.summary.value


def test_memory_figure_follows_the_batch_size(lab):
    lab.batch_size = 37
    bars = lab.memory_figure.data
    assert "37" in bars[0].x
    activations = dict(zip(bars[1].x, bars[1].y))
    assert activations["37"] * 1024 == shapes.step_memory(lab.widths, 37)["activation_bytes"]


def test_compare_button_trains_every_size_and_draws_three_axes(lab):
    lab.batch_size = 10
    lab.buttons["compare"].click()
    assert lab.wait(120)
    sizes = lab.compare_sizes()
    curves = [lab.results[key] for key in lab._curve_keys(sizes, seeds=(0,))]
    for curve in curves:
        assert curve.updates[-1] == 2 * shapes.iterations_per_epoch(100, curve.batch_size)
    assert len(lab.figure.data) == 3 * 2 * len(sizes)
    updates_axis = [trace for trace in lab.figure.data if trace.xaxis == "x2"]
    assert sorted({trace.x[-1] for trace in updates_axis}) == sorted({c.updates[-1] for c in curves})
    assert "done" in lab.status.value and not lab.buttons["compare"].disabled
    assert lab.model is not None and lab.model.count_params() == shapes.dense_widths_params(lab.widths)


def test_a_batch_move_redraws_the_runs_only_when_they_change(lab, monkeypatch):
    lab.compare([8, 32])
    lab.batch_size = 11  # draws the finished runs among the slider's sizes
    built = []
    training_curves = figures.training_curves
    monkeypatch.setattr(figures, "training_curves", lambda curves: built.append(len(curves)) or training_curves(curves))
    shown = lab.figure.to_dict()
    lab.batch_size = 12  # no finished run at 11 or 12: the same runs stay drawn
    assert built == [] and lab.figure.to_dict() == shown
    lab.compare([12])  # a new finished run: drawn
    assert built and lab.figure.to_dict() != shown


def test_finished_runs_are_reused(lab):
    first = lab.compare([10])
    again = lab.compare([10])
    assert again[0] is first[0]


def test_a_stopped_run_leaves_the_widget_usable(lab):
    lab.epochs = 40
    lab.buttons["compare"].click()  # batch 1 and 8 first: long enough to stop
    lab.compare([1, 8], background=True)  # refused politely: a run is going
    assert "still going" in lab.message.value
    lab.stop_button.click()
    assert lab.wait(60)
    assert "stopped" in lab.status.value and lab.stop_button.disabled and not lab.busy
    assert not any(b.disabled for b in lab.buttons.values())
    lab.epochs = 1
    assert lab.compare([50])[0].stopped is None


def test_time_cap_ends_a_run_and_says_so(lab):
    lab.time_cap = 0.2
    lab.epochs = 50
    curve = lab.compare([1])[0]
    assert curve.stopped == "time cap" and "time cap" in lab.message.value
    assert not lab.busy and lab.compare([1])[0] is not curve  # a capped run is not cached


def test_learning_rate_zero_gets_a_message_not_a_traceback(lab):
    lab.controls["learning_rate"].value = 0
    assert "learning rate must be above 0" in lab.problem
    assert lab.compare() is None and "learning rate must be above 0" in lab.message.value


def test_batch_larger_than_the_data_is_clamped_with_a_note(lab):
    lab.batch_size = 10_000
    assert lab.batch_size == lab.n_train
    assert "outside 1-100" in lab.message.value


def test_throughput_and_gap_buttons(lab):
    lab.buttons["throughput"].click()
    assert lab.wait(120)
    bars = lab.throughput_figure.data[0]
    assert list(bars.x) == [str(b) for b in BATCH_SIZES]  # single steps on their own data, not the lab's rows
    assert all(value > 0 for value in bars.y) and len(bars.error_y.array) == len(BATCH_SIZES)
    lab.buttons["generalisation"].click()
    assert lab.wait(120)
    assert "Over 2 seeds" in lab.statement.value
    assert len(lab.gap_figure.data) == 4


def test_training_lab_code_runs(lab):
    X_train, y_train, X_val, y_val = lab.split
    namespace = {"x_train": X_train, "y_train": y_train, "x_val": X_val, "y_val": y_val}
    lab.batch_size, lab.epochs = 30, 1
    exec(lab.code().replace("validation_data=(x_val, y_val))", "validation_data=(x_val, y_val), verbose=0)"), namespace)
    assert int(namespace["model"].optimizer.iterations.numpy()) == shapes.iterations_per_epoch(100, 30)


@WIDGET_SETTINGS
@given(
    batch_size=st.integers(-5, 2000),
    learning_rate=st.floats(-1, 2),
    epochs=st.integers(-2, 200),
    n_seeds=st.integers(-1, 9),
    scale_lr=st.booleans(),
)
def test_no_training_lab_setting_raises(training_lab, batch_size, learning_rate, epochs, n_seeds, scale_lr):
    lab = training_lab
    lab.batch_size, lab.learning_rate, lab.epochs, lab.n_seeds, lab.scale_lr = (
        batch_size,
        learning_rate,
        epochs,
        n_seeds,
        scale_lr,
    )
    if learning_rate > 0:
        assert lab.problem == ""
    else:
        assert "learning rate must be above 0" in lab.problem


@pytest.fixture(scope="module")
def training_lab():
    return TrainingLab(n_samples=200)


# SequenceExplorer


def test_sequence_explorer_reads_one_step_at_a_time():
    explorer = SequenceExplorer(timesteps=3, features=1, units=4)
    cells = column(explorer.figure, "cells")
    inputs = column(explorer.figure, "features")
    assert len(cells.x) == 3 and len(inputs.x) == 3 * 1
    assert tuple(explorer.model.inputs[0].shape) == (None, 3, 1)
    assert explorer.model.count_params() == shapes.lstm_params(1, 4) + shapes.dense_params(4, 1)
    assert "(8, 3, 1)" in explorer.shapes_text.value and "(None, 3, 1)" in explorer.shapes_text.value


@pytest.mark.parametrize("name, value", [("n_samples", 20), ("timesteps", 6), ("features", 4), ("units", 9)])
def test_every_sequence_control_drives_model_and_figure(name, value):
    explorer = SequenceExplorer()
    explorer.controls[name].value = value
    assert getattr(explorer, name) == value
    assert explorer.data_shape == (explorer.n_samples, explorer.timesteps, explorer.features)
    assert len(column(explorer.figure, "cells").x) == explorer.timesteps
    assert len(column(explorer.figure, "features").x) == explorer.timesteps * explorer.features
    assert exported_params(explorer.code()) == explorer.model.count_params() == models.total_params(explorer.spec)


def test_samples_change_no_weight():
    explorer = SequenceExplorer()
    model = explorer.model
    explorer.n_samples = 50
    assert explorer.model is model and "(50, 3, 1)" in explorer.shapes_table.value


@pytest.mark.parametrize("layer", ["SimpleRNN", "GRU", "LSTM"])
def test_sequence_layer_menu(layer):
    explorer = SequenceExplorer(features=3, units=5)
    explorer.controls["layer"].value = layer
    assert type(explorer.model.get_layer("hidden_1")).__name__ == layer
    assert explorer.model.get_layer("hidden_1").count_params() == shapes.layer_params(layer, 3, 5)


def test_layouts_table_compares_timesteps_and_features():
    explorer = SequenceExplorer(timesteps=3, features=1, units=4, n_samples=10)
    table = explorer.layouts_table.value
    assert "(10, 3, 1)" in table and "(10, 1, 3)" in table
    assert f"<td>{shapes.lstm_params(1, 4):,}</td>" in table and f"<td>{shapes.lstm_params(3, 4):,}</td>" in table


@WIDGET_SETTINGS
@given(
    n_samples=st.integers(-3, 100),
    timesteps=st.integers(-3, 30),
    features=st.integers(-3, 10),
    units=st.integers(-3, 80),
    layer=st.sampled_from(shapes.RECURRENT),
)
def test_no_sequence_setting_raises(sequence_explorer, n_samples, timesteps, features, units, layer):
    explorer = sequence_explorer
    explorer.n_samples, explorer.timesteps, explorer.features, explorer.units, explorer.layer = (
        n_samples,
        timesteps,
        features,
        units,
        layer,
    )
    assert explorer.problem == ""
    assert explorer.model.count_params() == models.total_params(explorer.current_spec())


@pytest.fixture(scope="module")
def sequence_explorer():
    return SequenceExplorer()


# WindowExplorer


def test_window_explorer_cuts_one_to_ten():
    explorer = WindowExplorer(window=2, batch_size=8)
    X, y = explorer.windows()
    assert X[:, :, 0].tolist()[0] == [1, 2] and y[-1, 0] == 10 and len(X) == 8
    assert "X (8, 2, 1)" in explorer.summary.value and "sizes [8]" in explorer.summary.value
    assert explorer.check_keras() is True and "the same windows" in explorer.keras_status.value


@pytest.mark.parametrize("name, value", [("window", 4), ("horizon", 3), ("stride", 2), ("batch_size", 3)])
def test_every_window_control_redraws(name, value):
    explorer = WindowExplorer(series="noisy sine")
    explorer.controls[name].value = value
    assert getattr(explorer, name) == value
    X, _ = explorer.windows()
    n = data.count_windows(60, explorer.window, explorer.horizon, explorer.stride)
    assert len(X) == n and f"{n} windows" in explorer.figure.layout.title.text
    batches = [trace for trace in explorer.figure.data if trace.name and trace.name.startswith("batch ")]
    assert len(batches) == shapes.iterations_per_epoch(min(n, 30), explorer.batch_size) or n > 30
    assert explorer.check_keras() is True


def test_window_targets_take_their_batch_colour():
    explorer = WindowExplorer(series="noisy sine", window=5, horizon=2, stride=2, batch_size=4)
    n = data.count_windows(60, 5, 2, 2)
    traces = {trace.name: trace for trace in explorer.figure.data}
    targets = traces["targets"]
    assert list(targets.x) == [i * 2 + 1 + 5 + 2 - 1 for i in range(min(n, 30))]
    assert list(targets.y) == [-i for i in range(min(n, 30))]
    for i, colour in enumerate(targets.marker.color):
        batch = traces[next(name for name in traces if name.startswith(f"batch {i // 4 + 1} "))]
        assert batch.line.color == colour and -i in batch.y
    # 60 steps are drawn as a line; the ten steps of 1..10 each get a marker
    assert traces["series"].mode == "lines"
    assert WindowExplorer().figure.data[0].mode == "lines+markers"


def test_series_menu_with_several_features():
    explorer = WindowExplorer()
    explorer.controls["series"].value = "several features"
    X, y = explorer.windows()
    assert X.shape[2] == 3 and y.shape[1] == 3 and explorer.check_keras() is True


@pytest.mark.parametrize(
    "settings, words", [(dict(horizon=0), "horizon must be 1 or more"), (dict(window=12), "needs at least 13 steps")]
)
def test_impossible_windows_explain_themselves(settings, words):
    explorer = WindowExplorer()
    for name, value in settings.items():
        explorer.controls[name].value = value
    assert words in explorer.problem and words in explorer.message.value
    assert explorer.check_keras() is None
    assert explorer.train() is None and "Training did not run" in explorer.message.value


def test_window_code_runs_and_matches():
    explorer = WindowExplorer(window=3, horizon=2, stride=2, batch_size=4, series="noisy sine")
    namespace = {"series": explorer.values()}
    exec(explorer.code(), namespace)
    X, _ = explorer.windows()
    assert np.array_equal(np.concatenate([np.asarray(x) for x, _ in namespace["dataset"]]), X)
    assert "TimeseriesGenerator" in explorer.legacy_code()


def test_train_button_fits_a_small_lstm():
    explorer = WindowExplorer(series="noisy sine", window=5)
    explorer.train_button.click()
    X, y = explorer.windows()
    assert explorer.fit.predictions.shape == y.shape
    assert explorer.model.get_layer("hidden_1").output.shape == (None, 8)
    assert len(explorer.prediction_figure.data) == 2 and "predictions" in explorer.train_status.value


@WIDGET_SETTINGS
@given(
    series=st.sampled_from(data.SERIES_KINDS),
    window=st.integers(-2, 40),
    horizon=st.integers(-2, 12),
    stride=st.integers(-2, 12),
    batch_size=st.integers(-2, 40),
)
def test_no_window_setting_raises(window_explorer, series, window, horizon, stride, batch_size):
    explorer = window_explorer
    explorer.series, explorer.window, explorer.horizon, explorer.stride, explorer.batch_size = (
        series,
        window,
        horizon,
        stride,
        batch_size,
    )
    length = len(data.example_series(series))
    if explorer.horizon >= 1 and explorer.window + explorer.horizon <= length:
        assert explorer.problem == ""
    else:
        assert explorer.problem != ""


@pytest.fixture(scope="module")
def window_explorer():
    return WindowExplorer()


# UnitsExplorer


def test_units_explorer_one_feature_many_units():
    explorer = UnitsExplorer(features=1, units=100, timesteps=10)
    heatmap = explorer.figure.data[0]
    assert np.array(heatmap.z).shape == (100, 10)
    np.testing.assert_allclose(np.array(heatmap.z), explorer.states.T)
    assert explorer.model.get_layer("hidden_1").count_params() == 40800
    assert (
        f"<b>{explorer.model.get_layer('hidden_1').count_params():,}</b> (its <code>count_params()</code>)"
        in explorer.breakdown.value
    )


@pytest.mark.parametrize("name, value", [("features", 4), ("units", 33), ("timesteps", 15), ("n_layers", 3)])
def test_every_units_control_drives_model_and_figures(name, value):
    explorer = UnitsExplorer()
    explorer.controls[name].value = value
    assert getattr(explorer, name) == value
    assert explorer.states.shape == (explorer.timesteps, explorer.units)
    assert np.array(explorer.figure.data[0].z).shape == (explorer.units, explorer.timesteps)
    assert exported_params(explorer.code()) == explorer.model.count_params() == models.total_params(explorer.spec)
    gates = len(explorer.matrices_figure.layout.shapes) // len(
        shapes.weight_shapes(explorer.layer, explorer.features, explorer.units)
    )
    assert gates == shapes.gates(explorer.layer)


@pytest.mark.parametrize("layer", shapes.RECURRENT)
@pytest.mark.parametrize("n_layers", [1, 3])
def test_units_explorer_states_are_the_real_layers(layer, n_layers):
    explorer = UnitsExplorer(layer=layer, features=3, units=37, timesteps=12, n_layers=n_layers)
    x = demo_sequence(12, 3)
    np.testing.assert_allclose(explorer.states, hidden_states(explorer.model, x), atol=1e-5)
    own = np.asarray(explorer.model.get_layer("hidden_1")(x[None]))[0]  # the layer's own call
    np.testing.assert_allclose(explorer.states[-1] if own.ndim == 1 else explorer.states, own, atol=1e-5)


@pytest.mark.parametrize(
    "layer, options",
    [
        ("GRU", dict(reset_after=False)),
        ("GRU", dict(use_bias=False)),
        ("LSTM", dict(activation="relu")),
        ("SimpleRNN", dict(activation="sigmoid")),
    ],
)
def test_recurrent_states_follow_keras_beyond_the_defaults(keras, layer, options):
    recurrent = getattr(keras.layers, layer)(6, return_sequences=True, **options)
    x = np.random.default_rng(1).normal(size=(7, 2)).astype("float32")
    own = np.asarray(recurrent(x[None]))[0]  # builds the layer, then runs it
    np.testing.assert_allclose(recurrent_states(recurrent, x), own, atol=1e-5)


def test_recurrent_states_refuse_what_they_do_not_reproduce(keras):
    recurrent = keras.layers.SimpleRNN(3, activation="elu")
    recurrent.build((None, 4, 2))
    with pytest.raises(ValueError, match="hidden_states"):
        recurrent_states(recurrent, np.zeros((4, 2)))


@pytest.mark.parametrize("layer", ["SimpleRNN", "GRU"])
def test_units_layer_menu(layer):
    explorer = UnitsExplorer(features=2, units=5)
    explorer.controls["layer"].value = layer
    assert (
        f"<b>{explorer.model.get_layer('hidden_1').count_params():,}</b> (its <code>count_params()</code>)"
        in explorer.breakdown.value
    )
    assert explorer.model.get_layer("hidden_1").count_params() == shapes.layer_params(layer, 2, 5)


def test_lstm_hidden_state_stays_between_minus_one_and_one():
    explorer = UnitsExplorer(units=64, timesteps=20)
    assert np.abs(explorer.states).max() < 1


@WIDGET_SETTINGS
@given(
    layer=st.sampled_from(shapes.RECURRENT),
    features=st.integers(-2, 12),
    units=st.integers(-2, 150),
    timesteps=st.integers(-2, 40),
    n_layers=st.integers(-1, 5),
)
def test_no_units_setting_raises(units_explorer, layer, features, units, timesteps, n_layers):
    explorer = units_explorer
    explorer.layer, explorer.features, explorer.units, explorer.timesteps, explorer.n_layers = (
        layer,
        features,
        units,
        timesteps,
        n_layers,
    )
    assert explorer.problem == ""
    assert explorer.states.shape == (explorer.timesteps, explorer.units)


@pytest.fixture(scope="module")
def units_explorer():
    return UnitsExplorer()


# StatefulExplorer


def test_stateful_explorer_lays_out_streams():
    explorer = StatefulExplorer(n_steps=20, batch_size=2, timesteps=5)
    heatmap = explorer.figure.data[0]
    assert np.array(heatmap.text).tolist() == [["1–5", "6–10"], ["11–15", "16–20"]]
    assert explorer.continuous is True
    assert tuple(explorer.model.inputs[0].shape) == (2, 5, 1) and explorer.model.get_layer("hidden_1").stateful


@pytest.mark.parametrize("name, value", [("n_steps", 200), ("batch_size", 4), ("timesteps", 7), ("units", 12)])
def test_every_stateful_control_redraws(name, value):
    explorer = StatefulExplorer()
    explorer.controls[name].value = value
    assert getattr(explorer, name) == value
    layout = data.stateful_layout(explorer.n_steps, explorer.batch_size, explorer.timesteps)
    assert np.array(explorer.figure.data[0].z).shape == (explorer.batch_size, layout.shape[0])
    assert tuple(explorer.model.inputs[0].shape) == (explorer.batch_size, explorer.timesteps, 1)
    assert exported_params(explorer.code().split("\nmodel.compile")[0]) == explorer.model.count_params()


def test_series_length_is_clamped_like_its_slider():
    explorer = StatefulExplorer(n_steps=100_000)
    assert explorer.n_steps == explorer.controls["n_steps"].max == StatefulExplorer.LIMITS["n_steps"][1]
    assert "n_steps 100000 is outside 2-400" in explorer.message.value and explorer.problem == ""


def test_shuffle_breaks_the_continuity():
    explorer = StatefulExplorer()
    explorer.controls["shuffle"].value = True
    assert explorer.continuous is False and "no longer continues" in explorer.summary.value


def test_a_batch_size_that_does_not_divide_is_explained_before_keras_fails():
    explorer = StatefulExplorer(n_steps=124, timesteps=5, batch_size=5, units=4)
    assert "last batch of 4" in explorer.advice.value and "[4,…] vs. [5,…]" in explorer.advice.value
    assert "keep 20 sequences" in explorer.advice.value


def test_a_series_too_short_for_one_batch_is_explained():
    explorer = StatefulExplorer()
    explorer.n_steps = 10
    assert "cannot fill even one batch" in explorer.problem


def test_stateful_code_trains_on_the_stream_layout():
    explorer = StatefulExplorer(n_steps=60, batch_size=3, timesteps=4, units=5)
    namespace = {}
    exec(explorer.code(), namespace)
    assert namespace["x"].shape == (15, 4, 1) and namespace["y"].shape == (15, 1)
    assert namespace["model"].count_params() == explorer.model.count_params()
    chunks = namespace["layout"].reshape(-1, 4)
    assert all(chunks[3 + i, 0] == chunks[i, -1] + 1 for i in range(3))  # row i of batch 2 continues row i of batch 1
    assert np.allclose(namespace["y"][:, 0], namespace["series"][chunks[:, -1] + 1])


def test_stateful_legacy_code_is_the_keras_2_spelling():
    assert "batch_input_shape=(3, 5, 1)" in StatefulExplorer().legacy_code()


@WIDGET_SETTINGS
@given(
    n_steps=st.integers(-5, 500),
    batch_size=st.integers(-2, 20),
    timesteps=st.integers(-2, 25),
    units=st.integers(-2, 40),
    shuffle=st.booleans(),
)
def test_no_stateful_setting_raises(stateful_explorer, n_steps, batch_size, timesteps, units, shuffle):
    explorer = stateful_explorer
    explorer.n_steps, explorer.batch_size, explorer.timesteps, explorer.units, explorer.shuffle = (
        n_steps,
        batch_size,
        timesteps,
        units,
        shuffle,
    )
    fits = explorer.n_steps >= explorer.batch_size * explorer.timesteps
    assert (explorer.problem == "") == fits


@pytest.fixture(scope="module")
def stateful_explorer():
    return StatefulExplorer()


# ShapeDoctor


def test_shape_doctor_starts_on_the_silent_case():
    doctor_widget = ShapeDoctor()
    verdict = doctor_widget.diagnosis
    assert doctor_widget.problem == "" and verdict.ok and verdict.seen_as == (32, 10, 1)
    assert "silently adding" in doctor_widget.verdict.value and "np.expand_dims" in doctor_widget.fix_code.value
    assert tuple(doctor_widget.model.inputs[0].shape) == (None, 10, 1)
    ribbon = doctor_widget.figure.layout.shapes
    assert ribbon[0].fillcolor == "#2e7d32"  # the data block is green: it fits


@pytest.mark.parametrize(
    "typed, ok, suggested",
    [
        ("(32, 1, 10)", False, (32, 10, 1)),
        ("32, 10, 1", True, None),
        ("(320,)", False, None),
        ("[8, 10, 3]", False, None),
    ],
)
def test_typing_a_shape_gives_the_verdict_of_keras(typed, ok, suggested):
    doctor_widget = ShapeDoctor()
    doctor_widget.controls["data_shape"].value = typed
    assert doctor_widget.diagnosis.ok is ok and doctor_widget.diagnosis.suggested_shape == suggested
    assert ("Keras accepts" if ok else "Keras rejects") in doctor_widget.verdict.value
    assert doctor_widget.figure.layout.shapes[0].fillcolor == ("#2e7d32" if ok else "#b71c1c")


@pytest.mark.parametrize("typed", ["__import__('os').system('true')", "(3, -1)", "", "(None, 3)", "1e9"])
def test_typed_text_is_never_evaluated_and_bad_text_is_explained(typed):
    doctor_widget = ShapeDoctor()
    doctor_widget.data_shape = typed
    assert (
        "whole numbers" in doctor_widget.problem
        or "at least one element" in doctor_widget.problem
        or "e.g. (100,)" in doctor_widget.problem
    )


@pytest.mark.parametrize("name, value", [("layer", "GRU"), ("timesteps", 12), ("features", 3), ("units", 20)])
def test_every_doctor_control_rebuilds_the_model(name, value):
    doctor_widget = ShapeDoctor()
    doctor_widget.controls[name].value = value
    assert getattr(doctor_widget, name) == value
    assert (
        doctor_widget.report.keras_total
        == doctor_widget.model.count_params()
        == models.total_params(doctor_widget.current_spec())
    )
    expected = tuple(doctor_widget.model.inputs[0].shape)
    assert doctor_widget.diagnosis.expected == expected


def test_a_stateful_model_that_does_not_divide_is_explained_in_the_widget():
    doctor_widget = ShapeDoctor(data_shape="(30, 10, 1)", stateful=True, batch_size=4)
    assert not doctor_widget.diagnosis.ok and "x = x[:28]" in doctor_widget.verdict.value
    assert not doctor_widget.controls["batch_size"].disabled
    doctor_widget.batch_size = 5
    assert doctor_widget.diagnosis.ok


def test_your_own_model_and_array(keras):
    inputs = keras.Input(shape=(5, 2), name="readings")
    outputs = keras.layers.Dense(1, name="score")(keras.layers.GRU(3, name="memory")(inputs))
    model = keras.Model(inputs, outputs, name="mine")
    doctor_widget = ShapeDoctor(model=model, data=np.zeros((7, 10)))
    assert doctor_widget.model is model and "layer" not in doctor_widget.controls
    assert doctor_widget.data_shape == "(7, 10)" and doctor_widget.diagnosis.suggested_shape == (7, 5, 2)
    namespace = {"model": model}
    exec(doctor_widget.code(), namespace)
    assert namespace["x"].shape == (7, 5, 2)
    assert "memory" in doctor_widget.breakdown.value and f"{model.count_params():,}" in doctor_widget.breakdown.value


@pytest.mark.parametrize("typed", ["(32, 10)", "(32, 1, 10)", "(32, 10, 1)"])
def test_doctor_code_runs_the_fixed_data_through_the_model(typed):
    doctor_widget = ShapeDoctor(data_shape=typed)
    namespace = {}
    exec(doctor_widget.code(), namespace)
    assert namespace["x"].shape == (32, 10, 1)
    assert namespace["model"].count_params() == doctor_widget.model.count_params()


@WIDGET_SETTINGS
@given(
    batch=st.integers(1, 70),
    axes=st.lists(st.integers(1, 40), max_size=3),
    layer=st.sampled_from(shapes.LAYER_KINDS),
    timesteps=st.integers(-2, 40),
    features=st.integers(-2, 20),
    stateful=st.booleans(),
    batch_size=st.integers(-2, 70),
)
def test_no_doctor_setting_raises(shape_doctor, batch, axes, layer, timesteps, features, stateful, batch_size):
    doctor_widget = shape_doctor
    with doctor_widget.hold_trait_notifications():
        doctor_widget.layer, doctor_widget.timesteps, doctor_widget.features = layer, timesteps, features
        doctor_widget.stateful, doctor_widget.batch_size = stateful, batch_size
        doctor_widget.data_shape = str((batch, *axes))
    assert doctor_widget.problem == ""
    verdict = doctor_widget.diagnosis
    assert verdict.data_shape == (batch, *axes) and (verdict.ok or verdict.fix)


@pytest.fixture(scope="module")
def shape_doctor():
    return ShapeDoctor()


def test_the_doctor_checks_typed_targets_against_the_output_and_loss():
    doctor_widget = ShapeDoctor(data_shape="(32, 10, 1)", target_shape="(32, 10, 1)")
    verdict = doctor_widget.diagnosis
    assert (
        verdict.target_shape == (32, 10, 1)
        and verdict.loss == "mean_squared_error"
        and verdict.output_shape == (None, 1)
    )
    assert verdict.ok and verdict.mistake == "one output per sequence, a label per step"  # Keras trains on it silently
    assert "Mistake:" in doctor_widget.verdict.value and "trains anyway" in doctor_widget.verdict.value
    doctor_widget.controls["target_shape"].value = "(32, 1)"
    assert doctor_widget.diagnosis.ok and not doctor_widget.diagnosis.mistake
    doctor_widget.loss = "sparse_categorical_crossentropy"
    assert doctor_widget.model.loss == "sparse_categorical_crossentropy"
    assert doctor_widget.diagnosis.mistake == "one unit for classes"
    doctor_widget.target_shape = "(32, x)"
    assert "whole numbers" in doctor_widget.problem
    doctor_widget.target_shape = ""
    assert doctor_widget.problem == "" and doctor_widget.diagnosis.target_shape is None


def test_your_own_model_with_targets(keras):
    inputs = keras.Input(shape=(6, 2))
    model = keras.Model(inputs, keras.layers.Dense(4, activation="softmax")(keras.layers.LSTM(3)(inputs)))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    doctor_widget = ShapeDoctor(model=model, data=np.zeros((8, 6, 2)), y=np.eye(4)[np.arange(8) % 4])
    assert "loss" not in doctor_widget.controls and doctor_widget.target_shape == "(8, 4)"
    verdict = doctor_widget.diagnosis
    assert not verdict.ok and verdict.mistake == "one-hot targets with a sparse loss" and verdict.side == "loss"
    assert "categorical_crossentropy" in doctor_widget.verdict.value and "Or (targets)" in doctor_widget.verdict.value


def test_the_doctor_names_a_missing_batch_axis_in_the_widget(keras):
    model = keras.Sequential([keras.Input(shape=(10, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    doctor_widget = ShapeDoctor(model=model, data_shape="(10, 3)")
    assert doctor_widget.diagnosis.mistake == "missing batch axis" and "x[None]" in doctor_widget.verdict.value


def test_doctor_code_trims_a_stateful_model_to_whole_batches():
    doctor_widget = ShapeDoctor(data_shape="(30, 10, 1)", stateful=True, batch_size=4)
    namespace = {}
    exec(doctor_widget.code(), namespace)  # the trim, then a prediction in whole batches of 4
    assert namespace["x"].shape == (28, 10, 1)


@pytest.mark.parametrize("typed", ["(0, 3)", "(100000000, 100000000, 10)"])
def test_absurd_shapes_are_explained_not_raised(typed):
    doctor_widget = ShapeDoctor()
    doctor_widget.data_shape = typed
    assert doctor_widget.problem and "Traceback" not in doctor_widget.problem


# ErrorGallery


@pytest.mark.parametrize("title", [setup.title for setup in doctor.GALLERY])
def test_gallery_shows_the_real_error_next_to_the_explanation(title):
    gallery = ErrorGallery(case=title)
    assert gallery.problem == "" and gallery.error is not None
    assert type(gallery.error).__name__ in gallery.keras_side.value
    model, _error = gallery.run()
    setup = gallery.setup
    said = doctor.explain_error(gallery.error, model=model, x=setup.data_shape, y=setup.target_shape)  # with context
    explanation = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(said))
    assert explanation in gallery.doctor_side.value and "`" not in gallery.doctor_side.value.split("The Keras 3 way")[0]
    namespace = {}
    exec(gallery.code(), namespace)  # the Keras 3 way runs


def test_gallery_menu_and_unknown_case():
    gallery = ErrorGallery()
    gallery.controls["case"].value = doctor.GALLERY[2].title
    assert gallery.case == doctor.GALLERY[2].title and "transpose" in gallery.doctor_side.value
    with pytest.raises(Exception, match="must be one of"):
        gallery.case = "no such error"


def test_every_widget_exports_runnable_keras_3_code():
    for name in widgets.__all__:
        if name == "Quiz":
            continue
        assert callable(getattr(getattr(widgets, name), "code")), name


# Every widget: limits declared by the widget and enforced by the base, sliders that match them


WIDGET_CLASSES = [
    getattr(widgets, name) for name in widgets.__all__ if issubclass(getattr(widgets, name), CourseWidget)
]
WIDGET_OPTIONS = {
    "ShapeExplorer": dict(layers=shapes.LAYER_KINDS, controls=tuple(ShapeExplorer.LIMITS)),  # every slider shown
    "TrainingLab": dict(n_samples=200),  # its batch limit is set per instance, from its data
}
BUTTON_OPTIONS = {"TrainingLab": dict(epochs=2, n_seeds=2)}  # its buttons train: quick runs


@pytest.fixture(scope="module", params=WIDGET_CLASSES, ids=lambda cls: cls.__name__)
def any_widget(request):
    return request.param(**WIDGET_OPTIONS.get(request.param.__name__, {}))


def test_every_declared_limit_is_enforced(any_widget):
    for name, (low, high) in any_widget.LIMITS.items():
        for asked, expected in ((high + 1000, high), (low - 1000, low), (high, high), (high + 1, high)):
            setattr(any_widget, name, asked)
            assert getattr(any_widget, name) == expected, (name, asked)
            if asked != expected:  # said even when the value does not move (already at the end)
                assert f"{name} {asked} is outside {low}-{high}: using {expected}" in any_widget.message.value, (
                    name,
                    asked,
                )


def test_every_slider_is_a_declared_limit_with_its_range(any_widget):
    def controls(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from controls(child)

    names = {id(control): name for name, control in any_widget.controls.items()}
    sliders = [c for c in controls(any_widget) if isinstance(c, (W.IntSlider, W.IntRangeSlider))]
    assert len(sliders) == sum(name in any_widget.controls for name in any_widget.LIMITS)
    for slider in sliders:
        name = names.get(id(slider))
        assert name in any_widget.LIMITS, f"a slider of {type(any_widget).__name__} is linked to no declared limit"
        assert (slider.min, slider.max) == any_widget.LIMITS[name], name
        setattr(any_widget, name, slider.min)
        assert slider.value == slider.min  # the widget's trait drives the slider ...
        slider.value = slider.max
        assert getattr(any_widget, name) == slider.max  # ... and the slider the trait


class Counter(CourseWidget):
    """A widget the base class has never heard of: its traits are clamped by what it declares."""

    spoons = traitlets.Int(3)
    cups = traitlets.Int(1)
    colour = traitlets.Unicode("red")
    WATCHED = ("spoons", "cups", "colour")
    CHOICES = {"colour": ("red", "blue")}

    def __init__(self, most_cups=4, **kwargs):
        super().__init__()
        self.LIMITS = {"spoons": (2, 9), "cups": (1, most_cups)}  # set per instance, as TrainingLab does
        self.updates = 0
        self._start(kwargs)

    def _update(self):
        self.updates += 1


def test_the_base_clamps_whatever_a_widget_declares():
    counter = Counter(most_cups=6, spoons=50, cups=7)
    assert (counter.spoons, counter.cups) == (9, 6)
    assert "outside 2-9" in counter.message.value and "outside 1-6" in counter.message.value
    counter.spoons = -1
    assert counter.spoons == 2 and "spoons -1 is outside 2-9: using 2" in counter.message.value
    assert Counter(most_cups=2, cups=5).cups == 2  # each instance its own limits
    with pytest.raises(traitlets.TraitError, match="red, blue"):
        counter.colour = "green"
    counter.colour = "blue"
    assert counter.colour == "blue" and counter.problem == ""


def test_a_limit_on_a_setting_the_widget_lacks_is_refused():
    class Misspelt(Counter):
        def __init__(self, **kwargs):
            CourseWidget.__init__(self)
            self.LIMITS = {"spoon": (1, 3)}
            self._start(kwargs)

    with pytest.raises(TypeError, match="spoon"):
        Misspelt()


def test_traits_without_declared_limits_are_left_alone():
    explorer = StatefulExplorer()
    explorer.seed = 12_345  # not a slider: no limit declared, none applied
    assert explorer.seed == 12_345


# In-place figures: one message per move, only what changed


def plain(value):
    """A plotly property value as plain Python, with what plotly draws as absent left out."""
    if isinstance(value, dict):
        return {
            key: plain(item)
            for key, item in value.items()
            if key != "uid" and not (item is None or (isinstance(item, (dict, list, tuple)) and len(item) == 0))
        }
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(item) for item in (value.tolist() if isinstance(value, np.ndarray) else value)]
    return value


def shows(widget, figure) -> bool:
    return plain([t.to_plotly_json() for t in widget.data]) == plain(
        [t.to_plotly_json() for t in figure.data]
    ) and plain(widget.layout.to_plotly_json()) == plain(figure.layout.to_plotly_json())


class SentState(list):
    """``(widget, keys)`` for every ``send_state`` call that names keys, in order (a part held
    during an update calls it with none when it has nothing to send, which sends nothing)."""

    def record(self, widget, key=None):
        keys = (key,) if isinstance(key, str) else tuple(sorted(key or ()))
        if key is None or keys:
            self.append((widget, keys or None))


def messages_of(figure):
    sent = []
    figure.observe(
        lambda change: (
            sent.append((change["name"].removeprefix("_py2js_"), change["new"])) if change["new"] is not None else None
        ),
        names=[
            "_py2js_update",
            "_py2js_restyle",
            "_py2js_relayout",
            "_py2js_addTraces",
            "_py2js_deleteTraces",
            "_py2js_moveTraces",
        ],
    )
    return sent


def test_property_changes_name_only_what_changed():
    old = {
        "type": "scatter",
        "uid": "u1",
        "x": np.arange(3),
        "marker": {"color": "red", "size": 4},
        "text": ["a", "b"],
        "line": {},
    }
    new = {"type": "scatter", "x": np.arange(3), "marker": {"color": "blue", "size": 4}, "name": "n"}
    assert property_changes(old, new, keep=("uid",)) == {("marker", "color"): "blue", ("name",): "n", ("text",): None}
    assert property_changes({"x": np.arange(3)}, {"x": np.arange(4)})[("x",)].tolist() == [0, 1, 2, 3]
    notes = [{"text": "a", "x": 0}, {"text": "b", "x": 1}, {"text": "c", "x": 2}]
    assert property_changes({"annotations": notes}, {"annotations": [notes[0], {"text": "B", "x": 1}, notes[2]]}) == {
        ("annotations", 1, "text"): "B"
    }
    moved = [{"text": t, "x": 5} for t in "abc"]
    assert property_changes({"annotations": notes}, {"annotations": moved}) == {
        ("annotations", index, "x"): 5 for index in range(3)
    }  # every item moved: still item by item
    assert property_changes({"annotations": notes}, {"annotations": notes[:2]}) == {("annotations",): notes[:2]}
    assert property_changes({"shapes": [], "title": {}}, {}) == {} and property_changes({}, {"shapes": []}) == {}


def test_a_refresh_with_the_same_traces_updates_them_in_place_in_one_message():
    widget = CourseFigure()
    spec = models.ModelSpec(features=3, units=8)
    refresh_figure(widget, figures.network_diagram(spec, batch_size=5))
    traces = widget.data
    sent = messages_of(widget)
    new = figures.network_diagram(spec, batch_size=50)
    refresh_figure(widget, new)
    assert [kind for kind, _ in sent] == ["update"]
    assert all(now is before for now, before in zip(widget.data, traces))
    assert shows(widget, new)
    update = sent[0][1]
    labels = len(widget.data) - 1
    assert update["style_data"] == {"text": [list(new.data[labels].text)]} and update["style_traces"] == [labels]
    assert list(update["layout_data"]) == ["title.text"]  # nothing else changed: nothing else is sent
    shown = set(new.data[labels].text) - set(figures.network_diagram(spec, batch_size=5).data[labels].text)
    assert shown == {"(50, 1)", "(50, 3)", "(50, 8)"}  # the 3 tensor shapes


def test_a_refresh_with_other_traces_replaces_only_those():
    widget = CourseFigure()
    refresh_figure(widget, figures.network_diagram(models.ModelSpec(features=3, units=8), batch_size=5))
    first = widget.data[0]
    sent = messages_of(widget)
    deeper = figures.network_diagram(models.ModelSpec(features=3, units=8, n_layers=2), batch_size=5)
    refresh_figure(widget, deeper)
    assert [kind for kind, _ in sent] == ["update", "addTraces"] and widget.data[0] is first
    assert shows(widget, deeper)
    sent.clear()
    heatmap = figures.hidden_state_heatmap(np.ones((4, 3)))
    refresh_figure(widget, heatmap)
    assert [kind for kind, _ in sent] == ["deleteTraces", "update", "addTraces"]
    assert shows(widget, heatmap)


def test_every_figure_is_valid_plotly(monkeypatch):
    """The builders a widget draws with skip plotly's validation (``figures._figure``): every
    figure they build, at each end of every slider and with every choice, is what plotly's
    validation makes of it, value for value (an empty list drawn as absent, as plotly draws it)."""
    import plotly.io as pio

    built = []
    unchecked = figures._figure

    def record(traces, layout):
        built.append((sys._getframe(1).f_code.co_name, copy.deepcopy(traces), copy.deepcopy(layout)))
        return unchecked(traces, layout)

    monkeypatch.setattr(figures, "_figure", record)
    for make in [cls for cls, _, _ in ONE_MOVE_EACH] + [small_lab]:
        widget = make()
        drive_through_every_setting(widget)
        assert not widget.problem, (type(widget).__name__, widget.problem)
    widget = ShapeDoctor()
    for shape in ("(32, 10, 3)", "(64, 5)", "(8, 2, 7, 1)"):
        widget.data_shape = shape
    assert {name for name, _, _ in built} == {
        "network_diagram",
        "epoch_timeline",
        "memory_plot",
        "sequence_reader",
        "windows_plot",
        "hidden_state_heatmap",
        "weight_matrices",
        "conveyor_belt",
        "shape_ribbon",
    }
    for name, traces, layout in built:
        raw = unchecked(copy.deepcopy(traces), copy.deepcopy(layout))
        checked = go.Figure(data=traces, layout=layout)  # raises on a property plotly does not know
        assert plain(json.loads(pio.to_json(raw))) == plain(json.loads(pio.to_json(checked))), name
        # a figure drawn to scale shrinks its drawing area: a range plotly.js widened to keep the
        # scale is written back into the layout, and an update in place then kept the old one
        for axis, props in layout.items():
            if isinstance(props, dict) and "scaleanchor" in props:
                anchor = props["scaleanchor"].replace("x", "xaxis").replace("y", "yaxis")
                assert props.get("constrain") == layout[anchor].get("constrain") == "domain", (name, axis)


# (widget, setting, new value): one slider move per widget, for the tests of what a move sends
ONE_MOVE_EACH = [
    (ShapeExplorer, "units", 9),
    (SequenceExplorer, "features", 2),
    (UnitsExplorer, "units", 9),
    (StatefulExplorer, "timesteps", 4),
    (WindowExplorer, "window", 3),
    (BatchExplorer, "batch_size", 7),
    (ShapeDoctor, "features", 2),
]


def small_lab():
    return TrainingLab(n_samples=200, epochs=2, n_seeds=2)  # 100 training rows: quick runs


def shown(widget):
    """``widget`` as a front-end knows it: a course widget and its figures open their comms when
    first shown (``widgets._shown``), and only then send anything."""
    widget.open_now()
    return widget


def figures_in(widget) -> list:
    """Every course figure a widget holds, shown or not."""
    return [value for value in vars(widget).values() if isinstance(value, CourseFigure)]


def placed_in(widget, figures) -> list:
    """Those of ``figures`` that the widget shows (inside it at any depth)."""
    inside = {id(part) for part in _lifecycle.descendants(widget)}
    return [figure for figure in figures if id(figure) in inside]


class SentBuffers:
    """Every state a figure sends, as ipywidgets would send it (its binary buffers split off):
    the whole state when its comm opens, then each synced trait that changes."""

    def __init__(self, figures):
        self.states = []  # (figure's class, what was sent, its buffers)
        for figure in figures:
            keys = [name for name in figure.keys if not name.startswith("_js2py")]
            figure.observe(lambda change, f=figure: self.record(f, change["name"]), names=keys)
            figure.observe(lambda change, f=figure: self.record(f, None), names="comm")

    def record(self, figure, key):
        if key is None or getattr(figure, key) is not None:
            _, paths, buffers = _remove_buffers(figure.get_state(key=key))
            self.states.append((key or "the state at opening", paths, buffers))

    def with_buffers(self):
        return [(key, paths) for key, paths, buffers in self.states if buffers]


def drive_through_every_setting(widget) -> None:
    """Each end of every slider, every choice, then back to where it started."""
    for name, (low, high) in widget.LIMITS.items():
        start = getattr(widget, name)
        for value in (low, high, start):
            setattr(widget, name, value)
    for name, choices in widget.CHOICES.items():
        start = getattr(widget, name)
        for value in (*choices, start):
            setattr(widget, name, value)


def test_a_figure_given_numpy_arrays_sends_lists():
    """plotly sends a 1-D numeric numpy array as a binary buffer; Colab's widget manager fails on
    those (googlecolab/colabtools#2871). A course figure sends lists, in its first state and in
    every update (a new trace, a restyle, a relayout), with the same numbers."""
    y = np.linspace(0.0, 1.0, 7, dtype="float32")
    figure = CourseFigure(go.Figure(go.Scatter(y=y)))
    # plotly 7 sends this array as a buffer (plotly 6.0, the course's floor, sent a list): what
    # the course's figure does with one, whichever plotly made it
    buffer = {"buffer": memoryview(y), "dtype": "float32", "shape": (7,)}
    assert _without_buffers({"y": buffer, "x": [buffer, 1]}) == {"y": y.tolist(), "x": [y.tolist(), 1]}
    sent = SentBuffers([figure])
    figure.open_now()
    figure.add_trace(go.Bar(x=np.arange(3, dtype="int32"), y=np.ones(3)))
    figure.data[0].y = y[::-1]
    figure.layout.xaxis.range = np.array([0.0, 6.0])
    assert len(sent.states) >= 4 and sent.with_buffers() == []
    assert figure.get_state()["_widget_data"][0]["y"] == y.tolist()


@pytest.mark.parametrize("cls", WIDGET_CLASSES, ids=lambda cls: cls.__name__)
def test_no_widget_sends_a_binary_buffer(cls):
    """Every widget's figures, at its defaults, at each end of every slider and with every choice,
    and after each of its buttons: no state or update carries a binary buffer."""
    widget = cls(**{**WIDGET_OPTIONS.get(cls.__name__, {}), **BUTTON_OPTIONS.get(cls.__name__, {})})
    sent = SentBuffers(figures_in(widget))
    shown(widget)
    drive_through_every_setting(widget)
    for button in [value for value in vars(widget).values() if isinstance(value, W.Button)] + list(
        getattr(widget, "buttons", {}).values()
    ):
        if not button.disabled and button.description != "Stop":
            button.click()
            if hasattr(widget, "wait"):
                assert widget.wait(120)
    assert not widget.problem, widget.problem
    assert sent.states or not placed_in(widget, figures_in(widget)), "the widget's figures sent nothing at all"
    assert sent.with_buffers() == []


@pytest.mark.parametrize("cls", WIDGET_CLASSES, ids=lambda cls: cls.__name__)
def test_a_figure_is_born_drawn(cls):
    """A figure's comm opens when its widget is first shown, and its first state already holds
    what the widget drew into it: a front-end that drops the messages sent while the figure's
    module loads (anywidget waits about 2 s for it) still shows the first picture."""
    widget = cls(**WIDGET_OPTIONS.get(cls.__name__, {}))
    figures = figures_in(widget)
    assert widget.comm is None and all(figure.comm is None for figure in figures), "opened before being shown"
    first = {}
    for figure in figures:
        figure.observe(lambda change, f=figure: first.setdefault(id(f), f.get_state()), names="comm")
    shown(widget)
    placed = placed_in(widget, figures)
    assert placed or cls.__name__ == "ErrorGallery"
    for figure in placed:
        state = first[id(figure)]
        assert state["_widget_data"] == figure.get_state()["_widget_data"]
        assert state["_widget_layout"] == figure.get_state()["_widget_layout"]
    assert any(first[id(figure)]["_widget_data"] for figure in placed) or not placed
    assert all(figure.comm is None for figure in figures if figure not in placed), "a figure never shown sends nothing"


def named(item):
    return getattr(item, "__name__", None)


@pytest.mark.parametrize("cls, name, value", ONE_MOVE_EACH, ids=named)
def test_a_slider_move_sends_each_changed_figure_one_update(cls, name, value):
    widget = cls()
    figures_shown = [child for child in widget.children if isinstance(child, go.FigureWidget) and child.data]
    sent = [messages_of(figure) for figure in figures_shown]
    setattr(widget, name, value)
    assert widget.problem == ""
    assert all([kind for kind, _ in messages] in ([], ["update"]) for messages in sent)
    assert any(messages for messages in sent)


@pytest.mark.skipif(
    int(W.__version__.split(".")[0]) < 8, reason="ipywidgets 7 sends no state without a front end to count"
)
@pytest.mark.parametrize("make, name, value", [*ONE_MOVE_EACH, (small_lab, "batch_size", 7)], ids=named)
def test_a_move_sends_the_figure_before_the_text_around_it(make, name, value, monkeypatch):
    """The browser handles a kernel's messages in order: the figure's update goes first, so the
    figure is drawn before the tables and text around it are laid out."""
    widget = shown(make())
    sent = SentState()
    monkeypatch.setattr(W.Widget, "send_state", lambda widget, key=None: sent.record(widget, key))
    setattr(widget, name, value)
    assert widget.problem == ""
    # the slider of the moved setting sends its value first (from the browser: the echo of the move)
    sent = [(part, key) for part, key in sent if not (isinstance(part, W.IntSlider) and part.value == value)]
    figures_first = [isinstance(part, go.FigureWidget) for part, _ in sent]
    assert True in figures_first, "the move should redraw a figure"
    assert False in figures_first, "the move should change some text too"
    first_text = figures_first.index(False)
    assert all(figures_first[:first_text]) and not any(figures_first[first_text:]), [
        (type(part).__name__, key) for part, key in sent
    ]


@pytest.mark.skipif(
    int(W.__version__.split(".")[0]) < 8, reason="ipywidgets 7 sends no state without a front end to count"
)
def test_a_move_that_changes_nothing_drawn_sends_nothing(monkeypatch):
    explorer = UnitsExplorer()
    sent = SentState()
    monkeypatch.setattr(W.Widget, "send_state", lambda widget, key=None: sent.record(widget, key))
    figure_messages, matrices_messages = messages_of(explorer.figure), messages_of(explorer.matrices_figure)
    explorer.timesteps = 14  # the weights keep their shapes: the matrices and the gate table stay
    assert [kind for kind, _ in figure_messages] == ["update"] and matrices_messages == []
    assert explorer.breakdown not in [widget for widget, _ in sent]
    assert [keys for widget, keys in sent if widget is explorer.shapes_table] == [
        ("value",)
    ]  # the shapes changed: sent once
    sent.clear()
    explorer.timesteps = 14
    assert sent == []


def test_coming_back_to_a_setting_reuses_its_figure(monkeypatch):
    """A slider moved back draws the figure it built a moment ago, without building it again;
    the widget's figure shows the same as when it was built."""
    built = []
    network_diagram = figures.network_diagram

    def counted(*args):
        built.append(args)
        return network_diagram(*args)

    monkeypatch.setattr(figures, "network_diagram", counted)
    explorer = ShapeExplorer(units=9)
    drawn_at_nine = explorer.figure.to_dict()
    explorer.units = 10
    explorer.units = 9
    assert [args[0].units for args in built] == [9, 10], "moving back to 9 built its figure again"
    assert explorer.figure.to_dict() == drawn_at_nine
    for units in range(20, 20 + CourseWidget.FIGURES_KEPT):
        explorer.units = units
    built.clear()
    explorer.units = 9
    assert [args[0].units for args in built] == [9], "only the last few figures are kept"


def test_coming_back_to_a_setting_reuses_its_model():
    explorer = ShapeExplorer(units=9)
    nine = explorer.model
    explorer.units = 10
    explorer.units = 9
    assert explorer.model is nine and explorer.model.get_layer("hidden_1").units == 9
    for units in range(20, 20 + CourseWidget.MODELS_KEPT):
        explorer.units = units
        assert explorer.model.get_layer("hidden_1").units == units  # built when asked for
    explorer.units = 9
    assert explorer.model is not nine  # only the last few are kept


@pytest.mark.parametrize("widget_class", [ShapeExplorer, SequenceExplorer, UnitsExplorer, StatefulExplorer])
def test_a_slider_move_builds_no_model_until_it_is_asked_for(widget_class, monkeypatch):
    """A move shows shape maths (checked against Keras elsewhere) and never waits for TensorFlow;
    the model of the new settings is built the first time ``.model`` is read, once."""
    explorer = widget_class()
    built = []
    real_build = models.build
    monkeypatch.setattr(models, "build", lambda spec: built.append(spec) or real_build(spec))
    explorer.units = 7
    assert built == []
    assert explorer.model.get_layer("hidden_1").units == 7 and explorer.model is explorer.model
    assert len(built) == 1 and built[0] == explorer.spec


def test_a_pause_after_a_doctor_slider_move_builds_the_models_either_side(monkeypatch):
    """From the browser, once the learner pauses, the doctor builds the models one step either
    side of the slider just moved, so the next arrow key finds its model built; a change made
    in code builds nothing ahead."""
    doctor_widget = ShapeDoctor(data_shape="(32, 10, 1)")
    built = []
    build = doctor_widget._build
    monkeypatch.setattr(doctor_widget, "_build", lambda spec: built.append(spec) or build(spec))
    doctor_widget.units = 9  # in code: only the model shown
    assert built == [doctor_widget.spec] and doctor_widget._neighbours is None

    async def moves():
        loop = asyncio.get_running_loop()
        monkeypatch.setattr("widgets.shape_doctor.browser_loop", lambda: loop)
        built.clear()
        doctor_widget.units = 10
        assert built == [doctor_widget.spec]
        await asyncio.sleep(doctor_widget.NEIGHBOURS_AFTER_S * 3)
        assert [spec.units for spec in built] == [10, 11]  # 9's model is kept from before
        assert doctor_widget.current_spec(units=11) in doctor_widget._models
        built.clear()
        doctor_widget.units = 11  # the next arrow key: already built
        assert built == []
        assert doctor_widget.model.get_layer("hidden_1").units == 11 and doctor_widget.diagnosis.ok
        doctor_widget.units = 12
        doctor_widget.units = 13  # moved again before the pause: the first pending build is dropped
        await asyncio.sleep(doctor_widget.NEIGHBOURS_AFTER_S * 3)
        assert {spec.units for spec in built} - {12, 13} == {14}

    asyncio.run(moves())
    assert len(doctor_widget._models) <= doctor_widget.MODELS_KEPT


def test_importing_the_widgets_does_not_load_tensorflow():
    """A notebook that only shows a widget's controls has not paid for TensorFlow yet: it loads when
    a widget first builds its model."""
    code = "import widgets, sys; print(','.join(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-1500:]
    assert result.stdout.strip() == "", f"importing widgets loaded {result.stdout.strip()}"


def test_the_doctor_widget_names_a_models_inputs_and_points_to_the_code_for_several():
    """A practitioner's two-input model: the widget's one shape box cannot hold both, so it says so
    in a sentence that names the inputs and the call that reads them (no traceback)."""
    from course._keras import keras

    keras = keras()
    left, right = keras.Input(shape=(3,), name="left"), keras.Input(shape=(5, 2), name="right")
    merged = keras.layers.Concatenate()([left, keras.layers.Flatten()(right)])
    model = keras.Model([left, right], keras.layers.Dense(1)(merged))
    doctor_widget = widgets.ShapeDoctor(model=model)
    doctor_widget.data_shape = "(10, 3)"
    assert "'left'" in doctor_widget.message.value.replace("&#x27;", "'") and "dict" in doctor_widget.message.value
    verdict = doctor.diagnose({"left": (10, 3), "right": (10, 5, 2)}, model)
    assert verdict.ok
