"""Keras tier: the shape doctor against Keras itself.

``diagnose`` must say exactly what Keras does: its verdict is compared with a real call of the
model on an array of that shape, over a grid of models (dense, recurrent, stacked, convolutional,
functional, stateful) and data shapes; every shape it suggests must be accepted by the model and
hold the same samples and values. The gallery's errors are raised for real.
"""

import math

import numpy as np
import pytest

from course import diagnose as doctor
from course import figures
from course.diagnose import layers as doctor_layers
from course.diagnose import verdict as doctor_verdict

pytestmark = pytest.mark.keras


def _dense(keras):
    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(8), keras.layers.Dense(1)])


def _dense_one(keras):
    return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(4), keras.layers.Dense(1)])


def _dense_on_sequences(keras):
    return keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.Dense(4), keras.layers.Dense(1)])


def _lstm(keras):
    return keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.LSTM(4), keras.layers.Dense(1)])


def _stacked_gru(keras):
    return keras.Sequential(
        [
            keras.Input(shape=(5, 2)),
            keras.layers.GRU(4, return_sequences=True),
            keras.layers.GRU(3),
            keras.layers.Dense(1),
        ]
    )


def _rnn_any_length(keras):
    return keras.Sequential([keras.Input(shape=(None, 2)), keras.layers.SimpleRNN(3), keras.layers.Dense(1)])


def _flatten(keras):
    inputs = keras.Input(shape=(4, 2))
    hidden = keras.layers.LSTM(3, return_sequences=True)(inputs)
    outputs = keras.layers.Dense(1)(keras.layers.Flatten()(hidden))
    return keras.Model(inputs, outputs)


def _conv(keras):
    return keras.Sequential(
        [
            keras.Input(shape=(6, 2)),
            keras.layers.Conv1D(4, 3),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1),
        ]
    )


def _functional_lstm(keras):
    inputs = keras.Input(shape=(3, 1))
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.LSTM(4)(inputs)))


def _functional_normalised(keras):
    inputs = keras.Input(shape=(6, 1))
    hidden = keras.layers.LSTM(4)(keras.layers.LayerNormalization()(inputs))
    return keras.Model(inputs, keras.layers.Dense(1)(hidden))


def _stateful_lstm(keras):
    return keras.Sequential(
        [keras.Input(batch_shape=(4, 3, 1)), keras.layers.LSTM(4, stateful=True), keras.layers.Dense(1)]
    )


def _stateful_gru(keras):
    return keras.Sequential(
        [keras.Input(batch_shape=(2, 4, 2)), keras.layers.GRU(3, stateful=True), keras.layers.Dense(1)]
    )


MODELS = {
    "dense": _dense,
    "dense_one_feature": _dense_one,
    "dense_on_sequences": _dense_on_sequences,
    "lstm": _lstm,
    "stacked_gru": _stacked_gru,
    "rnn_any_length": _rnn_any_length,
    "functional_flatten": _flatten,
    "conv1d": _conv,
    "stateful_lstm": _stateful_lstm,
    "stateful_gru": _stateful_gru,
    "functional_lstm": _functional_lstm,
    "functional_normalised": _functional_normalised,
}


def _shapes_for(expected):
    """Data shapes around a model's input: exact, an axis of 1 added or missing, axes swapped,
    sizes off by some, too few or too many axes, and sample counts that do or do not divide."""
    sample = [size if size is not None else 3 for size in expected[1:]]
    found = set()
    for n in (8, 6, 1):
        found.add((n, *sample))
        found.add((n, *sample, 1))
        found.add((n, *sample[:-1]))
        found.add((n, *reversed(sample)))
        found.add((n, math.prod(sample)))
        found.add((n,))
        found.add((n, *sample, 1, 1))
        for axis in range(len(sample)):
            for delta in (-1, 1, 3):
                changed = list(sample)
                changed[axis] = max(1, changed[axis] + delta)
                found.add((n, *changed))
        found.add((n, 1, *sample))
    return sorted(found)


CASES = [
    (name, shape)
    for name, build in MODELS.items()
    for shape in _shapes_for(
        {
            "dense": (None, 3),
            "dense_one_feature": (None, 1),
            "dense_on_sequences": (None, 5, 3),
            "lstm": (None, 3, 1),
            "stacked_gru": (None, 5, 2),
            "rnn_any_length": (None, None, 2),
            "functional_flatten": (None, 4, 2),
            "conv1d": (None, 6, 2),
            "stateful_lstm": (4, 3, 1),
            "stateful_gru": (2, 4, 2),
            "functional_lstm": (None, 3, 1),
            "functional_normalised": (None, 6, 1),
        }[name]
    )
]


@pytest.fixture(scope="module")
def built(keras):
    return {name: build(keras) for name, build in MODELS.items()}


def keras_predicts(keras, name, shape) -> bool:
    """Ground truth: a fresh copy of the model predicts on zeros of ``shape`` with its batch size
    (fresh, because a model that has predicted on one number of axes cannot trace another)."""
    model = MODELS[name](keras)
    batch = model.inputs[0].shape[0]
    try:
        model.predict(np.zeros(shape, "float32"), batch_size=batch or 32, verbose=0)
    except Exception:  # noqa: BLE001 - any error means Keras rejects the array
        return False
    return True


def keras_accepts(keras, built, name, shape) -> bool:
    """Ground truth, fast: stateful models through ``predict`` with their batch size; the others
    called directly on the array, which accepts exactly what ``predict`` accepts (checked below)."""
    model = built[name]
    if model.inputs[0].shape[0] is not None:
        return keras_predicts(keras, name, shape)
    try:
        model(np.zeros(shape, "float32"), training=False)
    except Exception:  # noqa: BLE001 - any error means Keras rejects the array
        return False
    return True


@pytest.mark.parametrize("name,shape", CASES[::9], ids=lambda value: str(value).replace(" ", ""))
def test_a_direct_call_accepts_what_predict_accepts(keras, built, name, shape):
    assert keras_accepts(keras, built, name, shape) == keras_predicts(keras, name, shape)


def test_the_grid_is_broad():
    assert len(CASES) >= 250
    assert len(MODELS) >= 12


@pytest.mark.parametrize("name,shape", CASES, ids=lambda value: str(value).replace(" ", ""))
def test_verdict_and_suggestion_match_keras(keras, built, name, shape):
    verdict = doctor.diagnose(shape, built[name])
    assert verdict.ok == keras_accepts(keras, built, name, shape), str(verdict)
    assert verdict.problem or verdict.ok
    assert verdict.fix
    if verdict.suggested_shape is not None:
        suggested = verdict.suggested_shape
        assert suggested[0] == shape[0]
        assert math.prod(suggested) == math.prod(shape)
        assert keras_accepts(keras, built, name, suggested), str(verdict)
        moved = eval_fix(verdict.code, shape)  # the code of the fix really gives that shape
        assert moved == suggested


def eval_fix(code: str, shape) -> tuple:
    namespace = {"np": np, "x": np.zeros(shape, "float32")}
    exec(code, namespace)
    return tuple(namespace["x"].shape)


@pytest.mark.parametrize(
    "name", ["dense", "dense_on_sequences", "lstm", "stacked_gru", "rnn_any_length", "stateful_lstm"]
)
def test_the_last_axis_rule_for_plain_stacks_is_what_tracing_finds(built, name):
    model = built[name]
    assert doctor_layers.last_axis_stack(model)
    expected = tuple(model.inputs[0].shape)
    for shape in _shapes_for(expected):
        seen = doctor_verdict.seen_as(shape, expected)
        if seen is not None:
            batched = (expected[0], *shape[1:])
            assert doctor_layers.traces(model, batched, seen) == doctor_layers.traces(
                model, batched, seen, shortcut=False
            ), shape


def test_other_models_are_traced(built):
    for name in ("conv1d", "functional_flatten", "functional_lstm"):  # a functional model also checks its Input's sizes
        assert not doctor_layers.last_axis_stack(built[name])


def test_a_functional_model_checks_its_timesteps_and_a_sequential_one_does_not(keras, built):
    assert not doctor.diagnose((8, 5, 1), built["functional_lstm"]).ok and not keras_accepts(
        keras, built, "functional_lstm", (8, 5, 1)
    )
    assert doctor.diagnose((8, 5, 1), built["lstm"]).ok and keras_accepts(keras, built, "lstm", (8, 5, 1))
    one_step = doctor.diagnose((8, 1), built["functional_normalised"])  # Keras's input check lets (N, 1) through
    assert one_step.ok == keras_accepts(keras, built, "functional_normalised", (8, 1)) is True
    assert "timeseries_dataset_from_array" in one_step.fix


def test_suggestions_cover_the_classic_fixes(built):
    assert doctor.diagnose((8, 3), built["lstm"]).suggested_shape == (8, 3, 1)  # accepted, made explicit
    swapped = doctor.diagnose((8, 1, 3), built["lstm"])
    assert not swapped.ok and swapped.suggested_shape == (8, 3, 1) and "transpose" in swapped.code
    assert "a reshape gives the same array" in swapped.fix  # the moving axis has size 1
    sensors = doctor.diagnose((8, 2, 5), built["stacked_gru"])
    assert sensors.code == "x = np.transpose(x, (0, 2, 1))" and "values in the wrong places" in sensors.fix
    flat = doctor.diagnose((8, 10), built["stacked_gru"])
    assert not flat.ok and flat.suggested_shape == (8, 5, 2) and flat.code == "x = x.reshape(len(x), 5, 2)"
    features = doctor.diagnose((8, 4), built["dense"])
    assert not features.ok and features.suggested_shape is None and "keras.Input(shape=(4,))" in features.fix


def test_a_series_gets_the_windowing_call(built):
    verdict = doctor.diagnose((100,), built["lstm"])
    assert not verdict.ok and verdict.suggested_shape is None
    assert "timeseries_dataset_from_array" in verdict.fix and "97 windows" in verdict.fix


def test_a_stateful_model_needs_whole_batches(built):
    verdict = doctor.diagnose((10, 3, 1), built["stateful_lstm"])
    assert not verdict.ok and verdict.suggested_shape is None
    assert "x = x[:8]" in verdict.fix and "1, 2, 5, 10" in verdict.fix


def test_a_recurrent_layer_reads_any_length_and_the_doctor_says_so(keras, built):
    verdict = doctor.diagnose((8, 7, 1), built["lstm"])
    assert verdict.ok and keras_accepts(keras, built, "lstm", (8, 7, 1))
    assert "any number of steps" in verdict.problem


def test_data_shapes_are_parsed_strictly_and_arrays_read(built):
    assert doctor.parse_shape("(32, 10, 1)") == (32, 10, 1)
    assert doctor.parse_shape("32,10") == (32, 10)
    assert doctor.parse_shape("[5]") == (5,)
    for bad in ("__import__('os')", "(3, -1)", "(0, 3)", "3.5", "", "(None, 3)"):
        with pytest.raises(ValueError):
            doctor.parse_shape(bad)
    assert doctor.diagnose(np.zeros((8, 3, 1)), built["lstm"]).data_shape == (8, 3, 1)
    assert doctor.diagnose("(8, 3, 1)", built["lstm"]).ok


def test_models_the_doctor_cannot_read_are_refused_in_words(keras):
    two = keras.Input(shape=(3,), name="left"), keras.Input(shape=(2,), name="right")
    merged = keras.layers.Concatenate()(list(two))
    one_shape = doctor.diagnose((4, 3), keras.Model(list(two), keras.layers.Dense(1)(merged)))
    assert not one_shape.ok and "'left'" in one_shape.problem and "'right'" in one_shape.problem

    class Plain(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="keras.Input"):
        doctor.diagnose((4, 3), Plain())


@pytest.mark.parametrize("setup", doctor.GALLERY, ids=lambda s: s.title)
def test_gallery_errors_are_real_and_explained(keras, setup):
    model, error = doctor.reproduce(setup)
    assert error is not None, "the broken set-up must fail on Keras 3"
    explanation = doctor.explain_error(error)
    assert "not one of the shape errors" not in explanation
    namespace = {"np": np, "keras": keras}
    exec(setup.fixed, namespace)  # the Keras 3 way runs
    if setup.data_shape is not None and model is not None:
        assert not doctor.diagnose(setup.data_shape, model, y=setup.target_shape).ok


def test_the_gallery_covers_the_classic_errors():
    titles = " ".join(setup.title for setup in doctor.GALLERY).lower()
    for topic in (
        "2-d data",
        "features",
        "swapped",
        "batch_input_shape",
        "stateful",
        "target",
        "timeseriesgenerator",
        "batch axis",
        "rows in the input",
        "per-step outputs",
        "channels first",
        "embedding",
        "re-run",
    ):
        assert topic in titles


def test_explain_error_on_targets(keras):
    x = np.zeros((16, 4), "float32")
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(Exception) as caught:
        model.fit(x, np.zeros((16, 5), "float32"), epochs=1, verbose=0)
    assert "targets come in batches" in doctor.explain_error(caught.value)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(Exception) as caught:
        model.fit(x, np.eye(3)[np.arange(16) % 3], epochs=1, verbose=0)
    assert "argmax" in doctor.explain_error(caught.value)


def _functional(keras):
    inputs = keras.Input(shape=(6, 2))
    hidden = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True))(inputs)
    pooled = keras.layers.GlobalMaxPooling1D()(keras.layers.Conv1D(5, 2)(hidden))
    return keras.Model(inputs, keras.layers.Dense(2, use_bias=False)(pooled), name="mixed")


@pytest.mark.parametrize("make", [_dense, _lstm, _stacked_gru, _flatten, _stateful_lstm, _functional])
def test_explore_matches_count_params_and_output_shapes(keras, make):
    model = make(keras)
    report = doctor.explore(model)
    assert report.total == report.keras_total == model.count_params()
    assert report.input_shape == tuple(model.inputs[0].shape)
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    assert [row.name for row in report.layers] == [layer.name for layer in layers]
    for row, layer in zip(report.layers, layers):
        assert row.params == layer.count_params()
        assert row.output_shape == tuple(layer.output.shape)
        assert sum(math.prod(shape) for shape in row.weights.values()) == row.params
        if row.equation is not None:
            assert row.equation.endswith(f"= {row.params}")
    assert tuple(report.layers[-1].output_shape) == tuple(model.outputs[0].shape)
    figure = figures.shape_ribbon(report)
    assert len(figure.layout.shapes) >= len(report.layers)
    assert "count_params" in report.to_markdown()


def test_explore_uses_the_formula_only_where_it_holds(keras):
    report = doctor.explore(_functional(keras))
    kinds = {row.kind: row for row in report.layers}
    assert kinds["Dense"].equation is None  # no bias: the course's formula does not describe it
    assert kinds["Bidirectional"].equation is None
    lstm = doctor.explore(_lstm(keras)).layers[0]
    assert lstm.equation == "4 × (1×4 + 4×4 + 4) = 96"


def test_swapped_axes_in_a_functional_model_are_explained_as_a_transpose(keras):
    inputs = keras.Input(shape=(24, 4))
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.LSTM(16)(inputs)))
    with pytest.raises(Exception) as caught:
        model.predict(np.zeros((20, 4, 24), "float32"), verbose=0)
    explanation = doctor.explain_error(caught.value)
    assert "np.transpose(x, (0, 2, 1))" in explanation
    after = doctor.diagnose((20, 4, 24), model)  # after the failed predict: the fix also remakes the traced functions
    assert after.code == "x = np.transpose(x, (0, 2, 1))" and "make_predict_function(force=True)" in after.fixes[0].code


def test_weight_names_are_the_layers_own(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, name="d")], name="seq")
    assert doctor.explore(model).layers[0].weights == {"kernel": (3, 2), "bias": (2,)}


# Issue 13: fixes as data, named mistakes, targets, the re-run trap, bad input, more error families.


def _flat_images(keras):
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])


def _fits(keras, model, x, y=None, batch_size=None) -> bool:
    try:
        model.predict(x, batch_size=batch_size or 32, verbose=0)
        if y is not None:
            model.fit(x, y, batch_size=batch_size or 32, epochs=1, verbose=0, shuffle=False)
    except Exception:  # noqa: BLE001 - any error means Keras refuses
        return False
    return True


def test_fixes_are_structured_data(built):
    verdict = doctor.diagnose((8, 1, 3), built["lstm"])
    fix = verdict.fixes[0]
    assert isinstance(fix, doctor.Fix) and fix.side == "data" and fix.shape == (8, 3, 1)
    assert fix.code == verdict.code == "x = np.transpose(x, (0, 2, 1))" and verdict.side == "data"
    assert verdict.fix.startswith(fix.action) and verdict.mistake == "axes swapped"
    with pytest.raises(ValueError, match="side must be one of"):
        doctor.Fix("weather", "nothing")


def test_one_sample_without_its_batch_axis(keras):
    model = _flat_images(keras)
    verdict = doctor.diagnose(np.zeros((28, 28)), model)
    assert not verdict.ok and not _fits(keras, _flat_images(keras), np.zeros((28, 28), "float32"))
    assert (
        verdict.mistake == "missing batch axis" and verdict.fixes[0].code == "x = x[None]" and verdict.code == ""
    )  # no reshape
    assert verdict.fixes[0].shape == (1, 28, 28)
    assert "np.expand_dims(x, 0)" in verdict.fix
    x = np.zeros((28, 28), "float32")[None]
    assert _fits(keras, model, x)


def test_rows_in_the_input_shape_change_the_model(keras):
    model = keras.Sequential(
        [keras.Input(shape=(200, 2)), keras.layers.Conv1D(4, 3), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    verdict = doctor.diagnose((200, 2), model)
    assert not verdict.ok and verdict.mistake == "rows in the Input shape"
    assert "x = x[None]" in verdict.fix  # one sample of 200 steps: Keras runs it
    # Rows as samples would make each sample 2 steps of 1 value, shorter than the Conv1D's kernel of 3:
    # Keras refuses that model, so the doctor does not offer it.
    with pytest.raises(ValueError):
        keras.models.clone_model(model, input_tensors=keras.Input(shape=(2, 1)))
    assert "keras.Input(shape=(2, 1))" not in verdict.fix
    wide = keras.Sequential(
        [keras.Input(shape=(200, 2)), keras.layers.Conv1D(4, 1), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    rows = doctor.diagnose((200, 2), wide)
    assert rows.side == "model" and "keras.Input(shape=(2, 1))" in rows.fix and "x = x[None]" in rows.fix


def test_timesteps_in_the_batch_slot(keras):
    model = keras.Sequential(
        [keras.Input(batch_shape=(20, 20, 3)), keras.layers.LSTM(4, stateful=True), keras.layers.Dense(1)]
    )
    verdict = doctor.diagnose((10, 20, 3), model, batch_size=5)
    assert not verdict.ok and verdict.mistake == "timesteps in the batch slot" and verdict.side == "model"
    assert "keras.Input(batch_shape=(5, 20, 3))" in verdict.fix


def test_a_series_too_short_to_window(built):
    verdict = doctor.diagnose((2,), built["lstm"])
    assert not verdict.ok and verdict.mistake == "too short to window" and verdict.suggested_shape is None


def test_channels_order_changes_the_odd_model_and_moves_odd_data(keras):
    odd = keras.Sequential(
        [keras.Input(shape=(3, 16, 16)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    images = np.zeros((4, 16, 16, 3), "float32")  # the usual layout: channels last
    verdict = doctor.diagnose(images, odd)
    assert not verdict.ok and not _fits(keras, odd, images)
    assert verdict.mistake == "channels order" and verdict.side == "model" and verdict.code == ""
    assert "keras.Input(shape=(16, 16, 3))" in verdict.fix and "transpose" not in verdict.code
    usual = keras.Sequential(
        [keras.Input(shape=(16, 16, 3)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    assert _fits(keras, usual, images)
    first = np.zeros((4, 3, 16, 16), "float32")  # channels first: here the data is what moves
    moved = doctor.diagnose(first, usual)
    assert moved.mistake == "channels order" and moved.code == "x = np.transpose(x, (0, 2, 3, 1))"
    assert moved.fixes[0].code.startswith(moved.code + "\nmodel.make_predict_function(force=True)")  # usual has run
    assert _fits(keras, usual, np.transpose(first, (0, 2, 3, 1)))


def _classifier(keras, loss, classes=3, sequences=False):
    layers = [keras.Input(shape=(5, 2)), keras.layers.LSTM(4, return_sequences=sequences), keras.layers.Dense(classes)]
    model = keras.Sequential(layers)
    model.compile(optimizer="sgd", loss=loss)
    return model


TARGET_CASES = [
    ("sparse_categorical_crossentropy", 3, False, (16, 3), "one-hot targets with a sparse loss", "loss"),
    ("categorical_crossentropy", 3, False, (16,), "integer labels with a categorical loss", "loss"),
    ("categorical_crossentropy", 3, False, (16, 1), "integer labels with a categorical loss", "loss"),
    ("sparse_categorical_crossentropy", 3, True, (16,), "per-step outputs, one label per sequence", "model"),
    ("mse", 1, True, (16, 1), "per-step outputs, one label per sequence", "model"),
    ("mse", 1, False, (16, 5, 1), "one output per sequence, a label per step", "model"),
    ("categorical_crossentropy", 3, False, (16, 4), "class count differs", "model"),
    ("sparse_categorical_crossentropy", 3, False, (16,), "", ""),
    ("mse", 1, False, (16, 1), "", ""),
]


@pytest.mark.parametrize("loss, classes, sequences, target, mistake, side", TARGET_CASES)
def test_targets_against_the_output_and_the_loss(keras, loss, classes, sequences, target, mistake, side):
    verdict = doctor.diagnose((16, 5, 2), _classifier(keras, loss, classes, sequences), y=target)
    trains = _fits(
        keras,
        _classifier(keras, loss, classes, sequences),
        np.zeros((16, 5, 2), "float32"),
        np.zeros(target, "float32"),
    )
    assert verdict.ok == trains and verdict.targets_ok == trains
    assert verdict.mistake == mistake and verdict.side == side
    if mistake and trains:
        assert "trains anyway" in verdict.problem  # the silent cases say so
    for fix in verdict.fixes:  # every fix with code makes Keras train
        if fix.code:
            model = _classifier(keras, loss, classes, sequences)
            namespace = {
                "np": np,
                "keras": keras,
                "model": model,
                "x": np.zeros((16, 5, 2), "float32"),
                "y": np.zeros(target, "float32"),
            }
            exec(fix.code, namespace)
            assert _fits(keras, namespace["model"], namespace["x"], namespace["y"]), fix


def test_a_model_without_its_head(keras):
    model = keras.Sequential([keras.Input(shape=(5, 1)), keras.layers.LSTM(4)])
    model.compile(optimizer="sgd", loss="mse")
    verdict = doctor.diagnose((16, 5, 1), model, y=(16, 1))
    assert verdict.ok and verdict.mistake == "missing head" and "keras.layers.Dense(1)" in verdict.fix
    sample_counts = doctor.diagnose((16, 5, 1), model, y=(12, 1))
    assert not sample_counts.ok and sample_counts.mistake == "sample counts differ"


def test_every_fix_works_after_a_first_run(keras):
    model = keras.Sequential([keras.Input(shape=(10, 1)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.predict(np.zeros((8, 10), "float32"), verbose=0)  # Keras adds the axis silently and traces rank 2
    trapped = raise_from(lambda: model.predict(np.zeros((8, 10, 1), "float32"), verbose=0))
    assert "make_predict_function(force=True)" in doctor.explain_error(trapped)
    verdict = doctor.diagnose((8, 10), model)
    assert verdict.ok and verdict.code == "x = np.expand_dims(x, -1)" and verdict.notes
    assert "make_predict_function(force=True)" in verdict.fixes[0].code
    namespace = {"np": np, "model": model, "x": np.zeros((8, 10), "float32")}
    exec(verdict.fixes[0].code, namespace)
    assert model.predict(namespace["x"], verbose=0).shape == (8, 1)


def raise_from(make):
    """The exception ``make`` raises (the test's input); Keras accepting it fails the test."""
    with pytest.raises(Exception) as caught:
        make()
    return caught.value


@pytest.mark.parametrize(
    "bad, words",
    [
        ((0, 3), "empty or negative"),
        ((10**9, 10**9), "typo"),
        ((-2, 3), "empty or negative"),
        (np.array([["a", "b"]]), "text"),
        ("(3, x)", "whole numbers"),
    ],
)
def test_bad_data_gets_a_plain_sentence(built, bad, words):
    with pytest.raises(ValueError, match=words):
        doctor.diagnose(bad, built["lstm"])


def test_bad_models_targets_and_batch_sizes_get_a_plain_sentence(built):
    with pytest.raises(ValueError, match="needs a Keras model"):
        doctor.diagnose((4, 3), "my model")
    with pytest.raises(ValueError, match="targets"):
        doctor.diagnose((4, 3, 1), built["lstm"], y=np.array(["cat", "dog"]))
    with pytest.raises(ValueError, match="batch_size"):
        doctor.diagnose((4, 3, 1), built["lstm"], batch_size=0)


def test_token_ids_against_the_embedding(keras):
    model = keras.Sequential(
        [keras.Input(shape=(6,)), keras.layers.Embedding(20, 4), keras.layers.LSTM(3), keras.layers.Dense(1)]
    )
    too_big = np.full((4, 6), 20)
    verdict = doctor.diagnose(too_big, model)
    assert not verdict.ok and not _fits(keras, model, too_big) and "input_dim=21" in verdict.fix
    fractions = doctor.diagnose(np.full((4, 6), 2.5), model)
    assert fractions.ok and fractions.mistake == "token ids" and "cuts" in fractions.problem


def _build_errors(keras):
    layers = keras.layers
    yield "input_shape", lambda: keras.Input(input_shape=(5,))
    yield "shape=(5,)", lambda: keras.Input(shape=5)
    yield "channel axis is missing", lambda: keras.Sequential([keras.Input(shape=(12, 12)), layers.Conv2D(2, 3)])
    yield "window is larger", lambda: keras.Sequential([keras.Input(shape=(1, 31, 31)), layers.Conv2D(4, 7)])
    yield "channels first", lambda: keras.Sequential([keras.Input(shape=(1, 31, 31)), layers.Conv2D(4, 7)])
    yield (
        "GlobalAveragePooling1D",
        lambda: keras.Sequential([keras.Input(shape=(None, 3)), layers.Flatten(), layers.Dense(2)]),
    )
    yield "drop that first number", lambda: keras.Sequential([keras.Input(shape=(1, 6, 30)), layers.LSTM(4)])


def test_explain_error_covers_errors_raised_while_building(keras):
    for words, make in _build_errors(keras):
        assert words in doctor.explain_error(raise_from(make)), words


def test_explain_error_inside_fit_and_predict(keras):
    embedding = keras.Sequential(
        [keras.Input(shape=(4,)), keras.layers.Embedding(10, 2), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    assert "input_dim` at least 13" in doctor.explain_error(
        raise_from(lambda: embedding.predict(np.full((2, 4), 12), verbose=0))
    )
    classifier = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    classifier.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    out_of_range = raise_from(lambda: classifier.fit(np.zeros((8, 4)), np.full((8,), 7), epochs=1, verbose=0))
    explanation = doctor.explain_error(out_of_range)
    assert "Graph execution error" in str(out_of_range) and "diagnose(x, model, y=y)" in explanation
    counts = raise_from(lambda: classifier.fit(np.zeros((8, 4)), np.zeros((6,)), epochs=1, verbose=0))
    assert "one target per sample" in doctor.explain_error(counts)
    per_step = keras.Sequential(
        [keras.Input(shape=(5, 2)), keras.layers.LSTM(3, return_sequences=True), keras.layers.Dense(3)]
    )
    per_step.compile(optimizer="sgd", loss="categorical_crossentropy")
    error = raise_from(lambda: per_step.fit(np.zeros((8, 5, 2)), np.zeros((8, 3)), epochs=1, verbose=0))
    assert "return_sequences=False" in doctor.explain_error(error)


def test_wrappers_and_the_functional_api_in_the_target_check(keras):
    inputs = keras.Input(shape=(6, 2))
    hidden = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True), name="both_ways")(inputs)
    outputs = keras.layers.TimeDistributed(keras.layers.Dense(4, activation="softmax"))(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    verdict = doctor.diagnose((8, 6, 2), model, y=(8,))
    assert not verdict.ok and not _fits(keras, model, np.zeros((8, 6, 2), "float32"), np.zeros((8,), "float32"))
    assert verdict.output_shape == (None, 6, 4) and verdict.mistake == "per-step outputs, one label per sequence"
    assert "'both_ways'" in verdict.fix and verdict.side == "model"
    assert doctor.diagnose((8, 6, 2), model, y=(8, 6)).ok  # one label per step is what this model is for
