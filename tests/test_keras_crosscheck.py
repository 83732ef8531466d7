"""Keras tier: every formula and prediction checked against tf.keras itself."""

import itertools
import warnings

import numpy as np
import pytest

from course import data, models, recurrent, shapes, training
from course.experiments import generalisation, gradients, stateful, unit_timing
from course.models import ModelSpec

pytestmark = pytest.mark.keras

KINDS = shapes.LAYER_KINDS
GRID = [
    ModelSpec(
        layer=layer,
        features=f,
        units=u,
        n_layers=n,
        outputs=o,
        timesteps=None if layer == "Dense" else 4,
        return_sequences=layer != "Dense" and o == 4,  # the output layer then runs at every step
        batch_size=8 if (f, n) == (3, 2) else None,
    )
    for layer, f, u, n, o in itertools.product(KINDS, (1, 3, 16), (1, 7, 32), (1, 2, 3), (1, 4))
]


def test_grid_is_large_enough():
    assert len(GRID) >= 200


@pytest.mark.parametrize(
    "spec",
    GRID,
    ids=lambda s: (
        f"{s.layer}-f{s.features}-u{s.units}-n{s.n_layers}-o{s.outputs}-seq{int(s.return_sequences)}-b{s.batch_size}"
    ),
)
def test_layer_table_matches_the_built_model(spec):
    model = models.build(spec)
    table = models.layer_table(spec)
    assert model.count_params() == models.total_params(spec)
    assert tuple(model.inputs[0].shape) == table[0].output_shape
    for row in table[1:]:
        layer = model.get_layer(row.name)
        assert layer.count_params() == row.params, row.name
        assert tuple(layer.output.shape) == row.output_shape, row.name
        actual = {w.path.split("/")[-1]: tuple(w.shape) for w in layer.weights}
        assert actual == row.weights, row.name


@pytest.mark.parametrize("layer", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("features, units", [(1, 100), (3, 1), (16, 32), (5, 10)])
def test_recurrent_formulas_against_single_layers(keras, layer, features, units):
    built = getattr(keras.layers, layer)(units)
    built.build((None, 6, features))
    counters = {"SimpleRNN": shapes.simple_rnn_params, "LSTM": shapes.lstm_params, "GRU": shapes.gru_params}
    assert built.count_params() == counters[layer](features, units)


def test_gru_reset_after_false(keras):
    layer = keras.layers.GRU(10, reset_after=False)
    layer.build((None, 6, 5))
    assert layer.count_params() == shapes.gru_params(5, 10, reset_after=False)


@pytest.mark.parametrize("features, units", [(3, 8), (16, 32), (1, 1)])
def test_dense_without_bias(keras, features, units):
    layer = keras.layers.Dense(units, use_bias=False)
    layer.build((None, features))
    assert layer.count_params() == shapes.dense_params(features, units, use_bias=False)


@pytest.mark.parametrize(
    "n_samples, batch_size", [(50, 5), (50, 7), (50, 50), (50, 64), (13, 1), (100, 33), (1000, 10), (1000, 32)]
)
def test_iterations_equal_the_batches_fit_runs(n_samples, batch_size):
    X, y = data.example_table(n_samples, 3, seed=1)
    run = training.run_epochs(X, y, batch_size, epochs=2, shuffle=True, seed=1)
    expected = shapes.iterations_per_epoch(n_samples, batch_size)
    assert run.batches_run == [expected, expected]
    assert run.updates == 2 * expected
    assert [len(b) for b in run.rows[0]] == [e - s for s, e in shapes.batch_bounds(n_samples, batch_size)]


@pytest.mark.parametrize("n_samples, batch_size", [(50, 7), (1000, 32), (50, 5)])
def test_dropped_remainder_matches_a_dataset_with_drop_remainder(keras, n_samples, batch_size):
    import tensorflow as tf

    X, y = data.example_table(n_samples, 3, seed=2)
    dataset = tf.data.Dataset.from_tensor_slices((X, y)).batch(batch_size, drop_remainder=True)
    model = training.compile_model(models.build(ModelSpec()))
    model.fit(dataset, epochs=1, verbose=0, shuffle=False)
    assert int(model.optimizer.iterations.numpy()) == shapes.iterations_per_epoch(
        n_samples, batch_size, drop_remainder=True
    )


def test_recorded_batch_losses_equal_each_batch_replayed(keras):
    X, y = data.example_table(50, 3, seed=3)
    keras.utils.set_random_seed(3)
    model = models.build(ModelSpec())
    start = model.get_weights()
    run = training.run_epochs(X, y, 7, epochs=1, shuffle=True, seed=3, model=model)
    replay = training.compile_model(models.build(ModelSpec()))
    replay.set_weights(start)
    direct = []
    for rows in run.rows[0]:
        direct.append(float(replay.evaluate(X[rows], y[rows], verbose=0)))
        replay.train_on_batch(X[rows], y[rows])
    np.testing.assert_allclose(run.losses[0], direct, rtol=1e-4, atol=1e-5)


def test_a_batch_gradient_is_the_mean_of_the_sample_gradients(keras):
    X, y = data.example_table(50, 3, seed=4)
    keras.utils.set_random_seed(4)
    model = models.build(ModelSpec(units=6))
    check = training.gradient_check(model, X[:5], y[:5])
    assert check.max_gradient_difference < 1e-5
    assert check.batch_loss == pytest.approx(check.mean_sample_loss, rel=1e-5)
    assert len(check.sample_losses) == 5


@pytest.mark.parametrize(
    "spec",
    [
        ModelSpec(),
        ModelSpec(features=16, units=32, n_layers=3, outputs=2),
        ModelSpec(layer="LSTM", features=1, units=100, timesteps=10),
        ModelSpec(layer="GRU", features=4, units=5, timesteps=3, n_layers=2, return_sequences=True),
        ModelSpec(layer="LSTM", features=16, units=32, timesteps=8, batch_size=32, stateful=True, n_layers=3),
        ModelSpec(layer="SimpleRNN", features=2, units=3, timesteps=7, batch_size=4),
    ],
)
def test_exported_code_builds_the_same_model(spec):
    namespace = {}
    exec(models.to_code(spec), namespace)
    exported, built = namespace["model"], models.build(spec)
    assert exported.count_params() == built.count_params()
    assert [tuple(layer.output.shape) for layer in exported.layers] == [
        tuple(layer.output.shape) for layer in built.layers
    ]
    assert [layer.name for layer in exported.layers] == [layer.name for layer in built.layers]


@pytest.mark.parametrize(
    "learning_rate, loss",
    [(0.05, "'mse'"), (0.1 * 7 / 32, "keras.losses.BinaryCrossentropy(from_logits=True)")],
)
def test_exported_training_code_trains_as_asked(learning_rate, loss):
    X, y = data.example_table(30, 3)
    code = models.to_code(ModelSpec()) + models.fit_code(
        learning_rate, loss, "x, y", 8, 2, "x has shape (30, 3)", shuffle=False, verbose=0
    )
    assert "# x has shape (30, 3)\nmodel.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)\n" in code
    assert all(len(line) <= models.CODE_WIDTH for line in code.splitlines())
    namespace = {"x": X, "y": (y > 0).astype("float32")}
    exec(code, namespace)
    optimizer = namespace["model"].optimizer
    assert int(optimizer.iterations.numpy()) == 2 * shapes.iterations_per_epoch(30, 8)
    assert float(optimizer.learning_rate.numpy()) == pytest.approx(learning_rate, rel=1e-6)


def test_legacy_batch_input_shape_is_rejected_by_keras_3():
    spec = ModelSpec(layer="LSTM", features=16, units=32, timesteps=8, batch_size=32, stateful=True)
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        exec(
            models.legacy_code(spec).replace("from keras.models import Sequential", "from keras import Sequential"), {}
        )


def test_legacy_input_shape_still_runs_but_warns():
    namespace = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(models.legacy_code(ModelSpec(features=16, units=32)), namespace)
    assert any("input_shape" in str(w.message) for w in caught)
    assert namespace["model"].count_params() == models.total_params(ModelSpec(features=16, units=32))


@pytest.mark.parametrize(
    "spec, argument",
    [
        (ModelSpec(features=16, units=32), "input_shape"),
        (ModelSpec(features=8, units=12, n_layers=1), "input_dim"),
        (ModelSpec(layer="LSTM", features=1, units=4, timesteps=3), "input_shape"),
        (ModelSpec(layer="LSTM", features=16, units=32, timesteps=8, batch_size=32, stateful=True), "input_shape"),
        (ModelSpec(features=3, units=8, batch_size=5), "input_shape"),
    ],
)
def test_legacy_header_says_whether_keras_3_runs_the_listing(spec, argument):
    """Run every listing as written: the header claims "does not run" exactly when Keras 3 refuses it,
    and "runs with a warning" exactly when it runs and warns about that argument."""
    listing = models.legacy_code(spec, input_argument=argument)
    namespace = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(listing, namespace)
            ran = True
        except ValueError:
            ran = False
    header = listing.splitlines()[0]
    assert ("does not run" in header) == (not ran)
    if ran:
        assert f"warning about {argument}=" in header
        assert any(argument in str(w.message) for w in caught)
        assert namespace["model"].count_params() == models.total_params(spec)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(layer="LSTM"), "timesteps"),
        (dict(layer="Dense", timesteps=3), "recurrent"),
        (dict(layer="LSTM", timesteps=3, stateful=True), "batch_size"),
        (dict(units=0), "units"),
        (dict(layer="Conv1D"), "Dense, SimpleRNN, LSTM, GRU"),
    ],
)
def test_impossible_specs_explain_themselves(kwargs, words):
    with pytest.raises(ValueError, match=words):
        ModelSpec(**kwargs)


def test_learning_rate_zero_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="learning rate"):
        training.compile_model(models.build(ModelSpec()), learning_rate=0)


# Lesson 03: whole training runs.


@pytest.fixture(scope="module")
def moons_split():
    return data.train_val_split(*data.two_moons(200, seed=0), val_fraction=0.5, seed=0)


@pytest.mark.parametrize("batch_size", [1, 7, 32, 100])  # 7 and 32 do not divide the 100 training rows
def test_weight_updates_equal_epochs_times_iterations(moons_split, batch_size):
    curve = generalisation.train_curve(moons_split, batch_size, learning_rate=0.1, epochs=2, seed=0)
    per_epoch = shapes.iterations_per_epoch(len(moons_split[0]), batch_size)
    assert curve.updates == [per_epoch, 2 * per_epoch]
    assert curve.epochs_done == 2 and curve.stopped is None
    assert len(curve.val_loss) == 2 and all(np.isfinite(curve.val_loss))
    assert curve.seconds == sorted(curve.seconds)


def test_a_batch_larger_than_the_training_rows_is_explained(moons_split):
    with pytest.raises(ValueError, match="whole training set"):
        generalisation.train_curve(moons_split, 101, epochs=1)


def test_stopping_keeps_what_was_done(moons_split):
    calls = []
    curve = generalisation.train_curve(
        moons_split, 1, epochs=5, should_stop=lambda: len(calls) > 0, on_epoch=calls.append
    )
    assert curve.stopped == "stopped" and curve.epochs_done == 1
    assert curve.updates == [len(moons_split[0])]


def test_time_cap_stops_a_run(moons_split):
    curve = generalisation.train_curve(moons_split, 1, epochs=50, time_cap=0.3)
    assert curve.stopped == "time cap" and curve.epochs_done < 50


def test_step_memory_counts_match_keras(keras):
    widths, batch = [2, 32, 32, 1], 16
    model = models.build(ModelSpec(features=2, units=32, n_layers=2, batch_size=batch))
    memory = shapes.step_memory(widths, batch)
    assert memory["params"] == model.count_params() == generalisation.classifier(2).count_params()
    outputs = [model.inputs[0]] + [layer.output for layer in model.layers]
    assert memory["activation_values"] == sum(int(np.prod(t.shape)) for t in outputs)


def test_gap_statement_reads_the_spread():
    small = generalisation.GapSummary(8, [0.10, 0.12, 0.11], [0.5, 0.5, 0.5])
    large = generalisation.GapSummary(512, [0.30, 0.31, 0.29], [0.6, 0.6, 0.6])
    assert "batch 512 generalised worse" in generalisation.gap_statement(small, large)
    close = generalisation.GapSummary(512, [0.10, 0.13, 0.09], [0.6, 0.6, 0.6])
    assert "does not show" in generalisation.gap_statement(small, close)
    single = generalisation.GapSummary(512, [0.3], [0.6])
    assert "one seed" in generalisation.gap_statement(generalisation.GapSummary(8, [0.1], [0.5]), single)


# Lesson 05: windows against Keras 3's timeseries_dataset_from_array.


@pytest.mark.parametrize("features", [None, 3])
@pytest.mark.parametrize(
    "window, horizon, stride, batch_size",
    [(2, 1, 1, 8), (5, 1, 2, 4), (3, 4, 1, 5), (7, 2, 3, 32), (1, 1, 1, 1), (10, 5, 4, 3)],
)
def test_make_windows_equals_keras_windows(features, window, horizon, stride, batch_size):
    series = (
        data.example_series("counting", length=40)
        if features is None
        else data.example_series("several features", length=40)
    )
    X, y = data.make_windows(series, window, horizon, stride)
    batches = data.keras_windows(series, window, horizon, stride, batch_size)
    assert [len(xb) for xb, _ in batches] == [e - s for s, e in shapes.batch_bounds(len(X), batch_size)]
    keras_X = np.concatenate([xb for xb, _ in batches]).reshape(X.shape)
    keras_y = np.concatenate([yb for _, yb in batches]).reshape(y.shape)
    assert np.array_equal(keras_X, X) and np.array_equal(keras_y, y)


def test_timeseries_generator_is_gone_from_keras_3():
    with pytest.raises(ImportError):
        exec("from keras.preprocessing.sequence import TimeseriesGenerator", {})


# Lesson 06: recurrent parameter formulas over a grid, both GRU bias settings, stacked.

RECURRENT_VARIANTS = [("SimpleRNN", {}), ("LSTM", {}), ("GRU", {"reset_after": True}), ("GRU", {"reset_after": False})]
RECURRENT_GRID = list(itertools.product(range(len(RECURRENT_VARIANTS)), (1, 2, 5, 16, 33), (1, 3, 32, 100), (1, 2, 3)))


def test_recurrent_grid_is_large_enough():
    assert len(RECURRENT_GRID) >= 200


def expected_stack(layer, options, features, units, n_layers):
    counts = []
    width = features
    for _ in range(n_layers):
        if layer == "GRU":
            counts.append(shapes.gru_params(width, units, reset_after=options["reset_after"]))
        else:
            counts.append(shapes.layer_params(layer, width, units))
        width = units
    return counts


@pytest.mark.parametrize("variant, features, units, n_layers", RECURRENT_GRID)
def test_stacked_recurrent_params_against_keras(keras, variant, features, units, n_layers):
    layer, options = RECURRENT_VARIANTS[variant]
    stack = [keras.Input(shape=(5, features))]
    for index in range(n_layers):
        stack.append(
            getattr(keras.layers, layer)(units, return_sequences=index < n_layers - 1, name=f"r{index}", **options)
        )
    model = keras.Sequential(stack, name="stack")
    expected = expected_stack(layer, options, features, units, n_layers)
    assert [model.get_layer(f"r{i}").count_params() for i in range(n_layers)] == expected
    assert model.count_params() == sum(expected)
    breakdown = shapes.gate_breakdown(layer, features, units, **options)
    assert sum(gate["total"] for gate in breakdown) == expected[0]


@pytest.mark.parametrize("layer", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("n_layers", [1, 2])
def test_hidden_states_come_from_the_real_layer(layer, n_layers):
    spec = ModelSpec(layer=layer, features=3, units=7, timesteps=9, n_layers=n_layers)
    model = models.build(spec)
    x = np.random.default_rng(0).normal(size=(9, 3)).astype("float32")
    states = recurrent.hidden_states(model, x)
    assert states.shape == (9, 7)
    own = np.asarray(model.get_layer("hidden_1")(x[None]))[0]
    last = own[-1] if own.ndim == 2 else own  # a stacked first layer already returns every step
    np.testing.assert_allclose(states[-1], last, atol=1e-6)
    if own.ndim == 2:
        np.testing.assert_allclose(states, own, atol=1e-6)


def test_step_seconds_is_a_real_measurement():
    seconds = unit_timing.step_seconds(16, features=2, timesteps=5, batch_size=8, steps=3)
    assert 0 < seconds < 5


def test_gradients_fade_along_a_long_sequence_not_with_width():
    for units in (8, 256):
        gradient = gradients.gradient_through_time(units, 60)
        assert gradient.shape == (60,)
        assert gradient[0] < gradient[-1] / 10  # the first step barely reaches the output


# Lesson 07: stateful layers, and the errors explained.

from course import diagnose  # noqa: E402


@pytest.mark.parametrize("layer", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_size, timesteps, n_chunks", [(1, 3, 5), (2, 5, 4), (4, 2, 6)])
def test_stateful_chunks_equal_the_whole_sequence(layer, batch_size, timesteps, n_chunks):
    result = stateful.stateful_equivalence(
        layer=layer, units=5, features=2, timesteps=timesteps, n_chunks=n_chunks, batch_size=batch_size
    )
    assert result["carry_difference"] < 1e-5
    assert result["reset_difference"] > 1e-3


def test_stateful_samples_follow_the_layout():
    series = np.arange(41, dtype="float32")
    X, y = stateful.stateful_samples(series, batch_size=2, timesteps=5)
    layout = data.stateful_layout(40, 2, 5)
    assert np.array_equal(X[:, :, 0], series[layout].reshape(-1, 5))
    assert np.array_equal(y[:, 0], X[:, -1, 0] + 1)  # the target is the step after each chunk


def test_fit_stateful_resets_between_epochs():
    result = stateful.fit_stateful(
        data.example_series("noisy sine", length=101), batch_size=2, timesteps=10, units=4, epochs=2
    )
    assert len(result["losses"]) == 2
    layer = result["model"].get_layer("hidden_1")
    assert layer.stateful and all(float(np.abs(np.asarray(s)).max()) == 0 for s in layer.states)


def raise_from(make):
    try:
        make()
    except BaseException as exc:  # noqa: BLE001 - the error itself is the test's input
        return exc
    raise AssertionError("Keras accepted it")


def stateful_model(keras, batch=8):
    return keras.Sequential(
        [keras.Input(batch_shape=(batch, 5, 1)), keras.layers.LSTM(4, stateful=True), keras.layers.Dense(1)]
    )


def test_explains_the_removed_batch_input_shape(keras):
    exc = raise_from(lambda: keras.layers.LSTM(4, stateful=True, batch_input_shape=(8, 5, 1)))
    text = diagnose.explain_error(exc)
    assert "keras.Input(batch_shape=(8, 5, 1))" in text


def test_explains_a_stateful_layer_without_a_batch_size(keras):
    exc = raise_from(lambda: keras.Sequential([keras.Input(shape=(5, 1)), keras.layers.LSTM(4, stateful=True)]))
    assert "batch_shape=(batch_size, timesteps, features)" in diagnose.explain_error(exc)


def test_explains_a_stateful_model_given_another_batch_size(keras):
    model = stateful_model(keras)
    exc = raise_from(lambda: model(np.zeros((4, 5, 1), "float32")))
    text = diagnose.explain_error(exc)
    assert "batches of 8" in text and "handed 4 rows" in text and "batch_size=8" in text


def test_explains_the_sample_count_that_does_not_divide(keras):
    model = stateful_model(keras)
    model.compile(optimizer="sgd", loss="mse")
    exc = raise_from(
        lambda: model.fit(
            np.zeros((20, 5, 1), "float32"), np.zeros((20, 1), "float32"), batch_size=8, shuffle=False, verbose=0
        )
    )
    text = diagnose.explain_error(exc)
    assert "not a multiple of its batch size" in text and "shuffle=False" in text
    if "Incompatible shapes" in str(exc):  # Keras 3.15 names the sizes; 3.12 to 3.14 do not
        assert "A batch of 4 rows met a state kept for 8 rows" in text and "len(x) // 8 * 8" in text
    else:
        assert "len(x) // b * b" in text and "make_train_function(force=True)" in text


def test_explains_the_missing_reset_states(keras):
    model = stateful_model(keras)
    exc = raise_from(lambda: model.reset_states())
    assert "layer.reset_state()" in diagnose.explain_error(exc)
    assert stateful.reset_stateful(model) == 1


def test_explains_2d_input_to_an_lstm(keras):
    exc = raise_from(lambda: keras.Sequential([keras.Input(shape=(3,)), keras.layers.LSTM(4)]))
    assert "keras.Input(shape=(timesteps, features))" in diagnose.explain_error(exc)


@pytest.mark.parametrize("call", ["predict", "direct"])
def test_explains_a_feature_mismatch(keras, call):
    model = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.LSTM(4)])
    x = np.zeros((2, 5, 4), "float32")
    exc = raise_from(lambda: model.predict(x, verbose=0) if call == "predict" else model(x))
    assert "The data has 4 features" in diagnose.explain_error(exc) and "built for 3" in diagnose.explain_error(exc)


def test_explains_the_timeseries_generator_import():
    exc = raise_from(lambda: exec("from keras.preprocessing.sequence import TimeseriesGenerator", {}))
    assert "timeseries_dataset_from_array" in diagnose.explain_error(exc)


def test_unknown_errors_are_named_not_hidden():
    assert "not one of the shape errors" in diagnose.explain_error(KeyError("something else"))
