"""Pure tier: the shape maths, with values worked out by hand, and its error messages."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course import shapes

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    "features, units, expected",
    [(3, 8, 32), (16, 32, 544), (1, 1, 2), (784, 10, 7850), (3, 100, 400)],
)
def test_dense_params_known_values(features, units, expected):
    assert shapes.dense_params(features, units) == expected


def test_dense_params_without_bias():
    assert shapes.dense_params(16, 32, use_bias=False) == 512


@pytest.mark.parametrize(
    "function, features, units, expected",
    [
        (shapes.simple_rnn_params, 2, 4, 28),
        (shapes.simple_rnn_params, 1, 1, 3),
        (shapes.lstm_params, 1, 100, 40800),  # one feature, a 100-dimensional hidden state
        (shapes.lstm_params, 16, 32, 6272),
        (shapes.lstm_params, 3, 1, 20),
        (shapes.gru_params, 5, 10, 510),
        (shapes.gru_params, 1, 1, 12),
    ],
)
def test_recurrent_params_known_values(function, features, units, expected):
    assert function(features, units) == expected


def test_gru_without_reset_after_has_one_bias():
    assert shapes.gru_params(5, 10, reset_after=False) == 480


@pytest.mark.parametrize(
    "n_samples, batch_size, expected",
    [(50, 5, 10), (1000, 10, 100), (50, 7, 8), (50, 50, 1), (50, 64, 1), (1, 1, 1), (1000, 32, 32), (10, 3, 4)],
)
def test_iterations_per_epoch(n_samples, batch_size, expected):
    assert shapes.iterations_per_epoch(n_samples, batch_size) == expected


@pytest.mark.parametrize("n_samples, batch_size, expected", [(50, 7, 7), (50, 5, 10), (50, 64, 0), (1000, 32, 31)])
def test_iterations_when_the_remainder_is_dropped(n_samples, batch_size, expected):
    assert shapes.iterations_per_epoch(n_samples, batch_size, drop_remainder=True) == expected


def test_tenth_batch_of_fifty_rows_is_rows_46_to_50():
    start, stop = shapes.batch_bounds(50, 5)[9]
    assert list(range(start + 1, stop + 1)) == [46, 47, 48, 49, 50]


def test_last_batch_size_is_what_the_epoch_leaves_over():
    for n_samples in range(1, 130):
        for batch_size in range(1, 140):
            last = shapes.last_batch_size(n_samples, batch_size)
            rows = list(range(n_samples))
            assert last == len([rows[i : i + batch_size] for i in range(0, n_samples, batch_size)][-1])
            assert last == (n_samples % batch_size or batch_size if batch_size <= n_samples else n_samples)
    assert [shapes.last_batch_size(50, b) for b in (5, 7, 64)] == [5, 1, 50]
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        shapes.last_batch_size(50, 0)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", True, None])
@pytest.mark.parametrize(
    "function", [shapes.dense_params, shapes.lstm_params, shapes.gru_params, shapes.simple_rnn_params]
)
def test_bad_sizes_raise_a_helpful_value_error(function, bad):
    with pytest.raises(ValueError, match="units"):
        function(3, bad)
    with pytest.raises(ValueError, match="features"):
        function(bad, 3)


@pytest.mark.parametrize("bad", [0, -1])
def test_bad_batch_size_says_what_is_wrong(bad):
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        shapes.iterations_per_epoch(50, bad)


def test_unknown_layer_kind_lists_the_known_ones():
    with pytest.raises(ValueError, match="Dense, SimpleRNN, LSTM, GRU"):
        shapes.layer_params("Conv2D", 3, 4)


@given(st.integers(1, 5000), st.integers(1, 600))
def test_batches_cover_every_row_exactly_once(n_samples, batch_size):
    bounds = shapes.batch_bounds(n_samples, batch_size)
    assert len(bounds) == shapes.iterations_per_epoch(n_samples, batch_size)
    covered = [i for start, stop in bounds for i in range(start, stop)]
    assert covered == list(range(n_samples))
    assert all(stop - start == batch_size for start, stop in bounds[:-1])
    assert 1 <= bounds[-1][1] - bounds[-1][0] <= batch_size


@given(st.integers(1, 5000), st.integers(1, 600))
def test_dropping_the_remainder_keeps_only_full_batches(n_samples, batch_size):
    bounds = shapes.batch_bounds(n_samples, batch_size, drop_remainder=True)
    assert all(stop - start == batch_size for start, stop in bounds)
    assert n_samples - len(bounds) * batch_size < batch_size


@given(st.sampled_from(shapes.LAYER_KINDS), st.integers(1, 300), st.integers(1, 300))
def test_weight_shapes_add_up_to_the_parameter_count(layer, features, units):
    sizes = shapes.weight_shapes(layer, features, units).values()
    assert sum(math.prod(shape) for shape in sizes) == shapes.layer_params(layer, features, units)


@given(st.sampled_from(shapes.LAYER_KINDS), st.integers(1, 300), st.integers(1, 300))
def test_parameter_equation_evaluates_to_its_total(layer, features, units):
    equation = shapes.param_equation(layer, features, units)
    left, right = equation.split("=")
    assert eval(left.replace("×", "*")) == int(right) == shapes.layer_params(layer, features, units)


@given(st.integers(1, 300), st.integers(1, 300))
def test_units_are_independent_of_features(features, units):
    # Any number of units works with any number of features: nothing forces them to match.
    assert shapes.lstm_params(features, units) > 0
    assert shapes.lstm_params(features, units) == 4 * (features * units + units * units + units)


@pytest.mark.parametrize(
    "batch_size, n_samples, flavour",
    [
        (1, 512, "stochastic (SGD)"),
        (2, 512, "mini-batch"),
        (511, 512, "mini-batch"),
        (512, 512, "full-batch"),
        (600, 512, "full-batch"),
        (1, 1, "full-batch"),
    ],
)
def test_descent_flavour(batch_size, n_samples, flavour):
    assert shapes.descent_flavour(batch_size, n_samples) == flavour


def test_linear_scaling_rule():
    assert shapes.scaled_learning_rate(0.1, 32) == pytest.approx(0.1)
    assert shapes.scaled_learning_rate(0.1, 128) == pytest.approx(0.4)
    assert shapes.scaled_learning_rate(0.1, 8) == pytest.approx(0.025)
    with pytest.raises(ValueError, match="learning rate must be above 0"):
        shapes.scaled_learning_rate(0, 32)


def test_step_memory_by_hand():
    memory = shapes.step_memory([2, 32, 32, 1], batch_size=64)
    assert memory["params"] == 2 * 32 + 32 + 32 * 32 + 32 + 32 + 1 == 1185
    assert memory["parameter_bytes"] == 1185 * 4 * 2  # weights and their gradients
    assert memory["activation_values"] == 64 * (2 + 32 + 32 + 1)
    assert memory["total_bytes"] == memory["parameter_bytes"] + memory["activation_bytes"]


def test_hundred_images_as_dense_input():
    memory = shapes.step_memory([224 * 224 * 3, 512, 10], batch_size=100)
    assert memory["activation_values"] == 100 * (150528 + 512 + 10)
    assert memory["params"] == 150528 * 512 + 512 + 512 * 10 + 10


@given(st.lists(st.integers(1, 300), min_size=2, max_size=6), st.integers(1, 1000), st.integers(0, 2))
def test_only_activations_grow_with_the_batch(widths, batch_size, slots):
    one, many = (
        shapes.step_memory(widths, 1, optimizer_slots=slots),
        shapes.step_memory(widths, batch_size, optimizer_slots=slots),
    )
    assert many["parameter_bytes"] == one["parameter_bytes"]
    assert many["activation_bytes"] == batch_size * one["activation_bytes"]


def test_features_add_a_fixed_amount_per_sample():
    # Q6: more features cost memory per row, they put no limit of their own on the batch size.
    narrow, wide = shapes.step_memory([3, 32, 1], 64), shapes.step_memory([6, 32, 1], 64)
    assert wide["activation_values"] - narrow["activation_values"] == 64 * 3


@pytest.mark.parametrize("layer, gates", [("SimpleRNN", 1), ("LSTM", 4), ("GRU", 3)])
@given(features=st.integers(1, 200), units=st.integers(1, 200))
def test_gate_breakdown_sums_to_the_layer(layer, gates, features, units):
    rows = shapes.gate_breakdown(layer, features, units)
    assert len(rows) == gates
    assert sum(row["total"] for row in rows) == shapes.layer_params(layer, features, units)
    assert all(row["input_weights"] == features * units and row["recurrent_weights"] == units * units for row in rows)


def test_gate_breakdown_refuses_dense():
    with pytest.raises(ValueError, match="recurrent kind"):
        shapes.gate_breakdown("Dense", 3, 4)


@pytest.mark.parametrize("n, up_to", [(10, None), (30, 64), (12, 5), (1, None), (97, 16)])
def test_divisors_split_into_whole_batches(n, up_to):
    found = shapes.divisors(n, up_to)
    assert found == [d for d in range(1, n + 1) if n % d == 0 and d <= (up_to or n)]
    assert all(shapes.iterations_per_epoch(n, d) * d == n for d in found)
