"""Pure tier: example data and row orders."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course import data

pytestmark = pytest.mark.pure


def test_example_table_has_the_lesson_shapes():
    X, y = data.example_table()
    assert X.shape == (50, 3) and y.shape == (50, 1)
    assert X.dtype == np.float32 and y.dtype == np.float32


def test_example_table_is_deterministic_by_seed():
    a, b, c = data.example_table(seed=1), data.example_table(seed=1), data.example_table(seed=2)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_example_table_target_depends_on_the_features():
    X, y = data.example_table(200, 4, seed=3)
    design = np.hstack([X, np.ones((200, 1))])
    coef, residuals, *_ = np.linalg.lstsq(design, y, rcond=None)
    assert residuals[0] / 200 < 0.05  # a linear model explains it up to the small noise


@pytest.mark.parametrize("bad", [0, -1])
def test_example_table_rejects_empty_sizes(bad):
    with pytest.raises(ValueError, match="n_samples"):
        data.example_table(bad)


def test_without_shuffle_every_epoch_reads_rows_in_order():
    order = data.epoch_order(50, epochs=3, shuffle=False)
    assert order.shape == (3, 50)
    assert (order == np.arange(50)).all()


@given(st.integers(1, 300), st.integers(1, 5), st.integers(0, 10_000))
def test_shuffled_epochs_are_permutations(n_samples, epochs, seed):
    order = data.epoch_order(n_samples, epochs, shuffle=True, seed=seed)
    assert order.shape == (epochs, n_samples)
    for row in order:
        assert sorted(row.tolist()) == list(range(n_samples))


def test_shuffling_gives_each_epoch_a_new_order():
    order = data.epoch_order(50, epochs=3, shuffle=True, seed=0)
    assert not np.array_equal(order[0], order[1]) and not np.array_equal(order[1], order[2])


def test_epoch_batches_split_an_order():
    batches = data.epoch_batches(np.arange(50), 7)
    assert [len(b) for b in batches] == [7] * 7 + [1]
    assert batches[-1].tolist() == [49]


def test_two_moons_is_a_balanced_two_feature_problem():
    X, y = data.two_moons(1000, seed=1)
    assert X.shape == (1000, 2) and y.shape == (1000, 1)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert 0.4 < y.mean() < 0.6
    again = data.two_moons(1000, seed=1)
    assert np.array_equal(X, again[0]) and np.array_equal(y, again[1])


def test_two_moons_rejects_a_flip_share_of_a_half_or_more():
    with pytest.raises(ValueError, match="flip"):
        data.two_moons(100, flip=0.5)


def test_train_val_split_keeps_every_row_once():
    X = np.arange(20, dtype="float32").reshape(10, 2)
    y = np.arange(10, dtype="float32").reshape(10, 1)
    X_train, y_train, X_val, y_val = data.train_val_split(X, y, 0.3, seed=0)
    assert len(X_val) == 3 and len(X_train) == 7
    assert sorted(np.concatenate([y_train, y_val]).ravel().tolist()) == list(range(10))
    assert np.array_equal(X_train[:, 0] / 2, y_train.ravel())  # rows stay paired with targets


def test_windows_of_one_to_ten():
    X, y = data.make_windows(np.arange(1, 11), window=2)
    assert X.shape == (8, 2, 1) and y.shape == (8, 1)
    assert X[0, :, 0].tolist() == [1, 2] and y[0, 0] == 3
    assert X[-1, :, 0].tolist() == [8, 9] and y[-1, 0] == 10


@given(
    length=st.integers(2, 80),
    window=st.integers(1, 30),
    horizon=st.integers(1, 10),
    stride=st.integers(1, 7),
    features=st.sampled_from([None, 1, 3]),
)
def test_make_windows_follows_its_definition(length, window, horizon, stride, features):
    shape = (length,) if features is None else (length, features)
    series = np.arange(np.prod(shape), dtype="float32").reshape(shape)
    if window + horizon > length:
        with pytest.raises(ValueError, match="needs at least"):
            data.make_windows(series, window, horizon, stride)
        return
    X, y = data.make_windows(series, window, horizon, stride)
    values = series.reshape(length, -1)
    assert X.shape == (data.count_windows(length, window, horizon, stride), window, values.shape[1])
    for i in range(len(X)):
        assert np.array_equal(X[i], values[i * stride : i * stride + window])
        assert np.array_equal(y[i], values[i * stride + window + horizon - 1])
    last_target = (len(X) - 1) * stride + window + horizon - 1
    assert last_target < length <= last_target + stride


@pytest.mark.parametrize("horizon", [0, -1, 1.5])
def test_horizon_zero_explains_itself(horizon):
    with pytest.raises(ValueError, match="horizon must be 1 or more"):
        data.make_windows(np.arange(10), 3, horizon=horizon)


def test_a_window_longer_than_the_series_explains_itself():
    with pytest.raises(ValueError, match="needs at least 13 steps, but the series has 10"):
        data.make_windows(np.arange(10), 12)


def test_a_3d_series_is_refused():
    with pytest.raises(ValueError, match="1-D"):
        data.make_windows(np.zeros((4, 3, 2)), 2)


@pytest.mark.parametrize("kind", data.SERIES_KINDS)
def test_example_series(kind):
    series = data.example_series(kind)
    assert series.ndim == (2 if kind == "several features" else 1)
    assert np.array_equal(series, data.example_series(kind))


@pytest.mark.parametrize("length", [None, 1, 12, 40])
def test_the_counting_series_is_the_numbers_1_to_its_length(length):
    series = data.example_series("counting", length=length)
    assert series.tolist() == list(range(1, (length or 10) + 1)) and series.dtype == np.float32
    assert np.array_equal(data.example_series(), data.example_series("counting")), "counting is the default"
    assert np.array_equal(data.example_series("1..10"), data.example_series("counting")), "the explorer's name for it"


@pytest.mark.parametrize("length", [0, -3, 2.5])
def test_the_counting_series_refuses_a_length_that_is_no_count(length):
    with pytest.raises(ValueError, match="length must be"):
        data.example_series("counting", length=length)


def test_an_unknown_series_names_the_kinds():
    with pytest.raises(ValueError, match="'counting'.*'noisy sine'.*'several features'"):
        data.example_series("1..12")


@given(n_steps=st.integers(1, 600), batch_size=st.integers(1, 20), timesteps=st.integers(1, 30))
def test_stateful_layout_carries_each_row_on(n_steps, batch_size, timesteps):
    if n_steps < batch_size * timesteps:
        with pytest.raises(ValueError, match="cannot fill even one batch"):
            data.stateful_layout(n_steps, batch_size, timesteps)
        return
    layout = data.stateful_layout(n_steps, batch_size, timesteps)
    n_batches = n_steps // (batch_size * timesteps)
    assert layout.shape == (n_batches, batch_size, timesteps)
    assert np.all(layout[1:, :, 0] == layout[:-1, :, -1] + 1)  # row i of batch k+1 starts where it ended
    assert np.all(np.diff(layout, axis=2) == 1)  # each chunk is consecutive steps
    used = layout.ravel()
    assert len(np.unique(used)) == used.size and used.max() < n_steps  # no step twice, none beyond the end
    assert data.stateful_dropped(n_steps, batch_size, timesteps) == n_steps - used.size < batch_size * timesteps


def test_stateful_layout_by_hand():
    layout = data.stateful_layout(20, 2, 5)
    assert (layout + 1).tolist() == [
        [[1, 2, 3, 4, 5], [11, 12, 13, 14, 15]],
        [[6, 7, 8, 9, 10], [16, 17, 18, 19, 20]],
    ]


def test_stateful_placed_takes_the_chunks_in_the_order_given():
    layout = data.stateful_layout(62, 3, 4)  # 5 batches of 3 rows, 2 steps dropped
    assert np.array_equal(data.stateful_placed(layout), layout)
    assert np.array_equal(data.stateful_placed(layout, np.arange(15)), layout)
    order = np.random.default_rng(0).permutation(15)
    placed = data.stateful_placed(layout, order)
    for k in range(5):
        for i in range(3):
            # row i of batch k holds sample order[k*3 + i]: sample s is chunk s // 3 of stream s % 3
            sample = order[k * 3 + i]
            assert placed[k, i].tolist() == layout[sample // 3, sample % 3].tolist()
    assert data.stateful_dropped(62, 3, 4, layout) == data.stateful_dropped(62, 3, 4) == 2
