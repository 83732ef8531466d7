"""Widget tier: every widget built headless and driven from Python, as a learner's clicks would."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course import data, models, shapes
from widgets import BatchExplorer, Quiz, ShapeExplorer

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
    assert [t.name for t in explorer.figure.data[1:]] == ["input", *spec.hidden_names(), "output"]


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
    texts = [a.text for a in explorer.figure.layout.annotations]
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
    features=st.integers(-5, 40), units=st.integers(-5, 100), n_layers=st.integers(0, 6),
    batch_size=st.integers(0, 100), layer=st.sampled_from(shapes.LAYER_KINDS), timesteps=st.integers(0, 30),
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
@given(n_samples=st.integers(-3, 300), batch_size=st.integers(-3, 300), epochs=st.integers(0, 9), shuffle=st.booleans(), seed=st.integers(0, 99))
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
