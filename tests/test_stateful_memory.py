"""Lesson 07's measured claims, checked against Keras: an open number of timesteps on a stateful
layer, the FAQ's 320/96 and 330 sequences, what fit/evaluate/predict/validation_data do to the
state, the stateless run as a layer reset before every batch, the fading-total task, and the Mauna
Loa comparison's set-up."""

from __future__ import annotations

import numpy as np
import pytest

from course.datasets import mauna_loa
from course.diagnose import explain_error
from course.experiments import state_calls, state_memory, stateful, stateful_co2

pytestmark = pytest.mark.keras


def test_a_stateful_layer_needs_only_its_batch_size(keras):
    inputs = keras.Input(batch_shape=(2, None, 1))
    layer = keras.layers.LSTM(3, stateful=True)
    model = keras.Model(inputs, layer(inputs))
    for steps in (5, 7):
        assert tuple(model(np.ones((2, steps, 1), "float32")).shape) == (2, 3)
        assert tuple(layer.states[0].shape) == (2, 3)
    with pytest.raises(ValueError):
        open_batch = keras.Input(shape=(None, 1))
        keras.layers.LSTM(3, stateful=True)(open_batch)


def test_the_faq_data_divides_and_330_stops_at_the_eleventh_batch():
    import tensorflow as tf

    run = stateful.faq_run(n_train=320, n_val=96)
    assert run.error is None and (run.train_batches, run.val_batches) == (10, 3)
    assert (run.train_batches, run.val_batches) == tuple(
        len(list(tf.data.Dataset.range(n).batch(32))) for n in (320, 96)
    )
    assert run.stream(0) == [0, 32, 64, 96, 128, 160, 192, 224, 256, 288]
    failed = stateful.faq_run(n_train=330, n_val=0, model=run.model)
    assert [len(b) for b in tf.data.Dataset.range(330).batch(32)][-1] == failed.train.last_batch == 10
    assert failed.error is not None and failed.failed_in == "training"
    # Keras 3.15 runs the 10 whole batches and fails on the short one; Colab's Keras 3.13 refuses the
    # run at its first batch: either way the sentence says what happened
    assert failed.failed_at in (1, 11) and failed.train_batches == failed.failed_at - 1
    if failed.failed_at == 11:
        assert "A batch of 10 rows met a state kept for 32 rows" in explain_error(failed.error)
        assert "whose 10 rows met a state kept for 32" in failed.sentence()
    else:
        assert "before the short batch 11 of 10 rows" in failed.sentence()
    short_validation = stateful.faq_run(n_train=320, n_val=100, model=run.model)
    assert short_validation.failed_in == "validation" and short_validation.train_batches == 10
    assert short_validation.failed_at in (1, 4) and short_validation.val_batches == short_validation.failed_at - 1
    trimmed = stateful.faq_run(n_train=failed.train.kept, n_val=96, model=run.model)
    assert trimmed.error is None and trimmed.train_batches == 10


def test_the_counter_counts_the_steps_it_reads(keras):
    model = state_calls.counter_model(batch_size=2, timesteps=4)
    ones = np.ones((4, 4, 1), "float32")
    assert model.predict(ones, batch_size=2, verbose=0)[:, 0].tolist() == [4, 4, 8, 8]
    model.get_layer("counter").reset_state()
    model.fit(ones, np.zeros((4, 1)), batch_size=2, shuffle=False, verbose=0)
    assert model.get_layer("counter").get_weights() == [np.ones((1, 1)), np.ones((1, 1))]  # learning rate 0


def test_the_trace_agrees_with_an_lstm_observed_directly(keras):
    """The counter's verdicts describe Keras's RNN layers in general: an LSTM shows the same."""
    trace = state_calls.trace_state_calls()
    assert trace.epochs[0]["train"] == [5, 10, 15] and len(trace.epochs) == 2
    assert [len(epoch["validation"]) for epoch in trace.epochs] == [2, 2]

    inputs = keras.Input(batch_shape=(2, 3, 1))
    lstm = keras.layers.LSTM(2, stateful=True)
    model = keras.Model(inputs, lstm(inputs))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    x, y = np.ones((4, 3, 1), "float32"), np.zeros((4, 2), "float32")
    first = model.predict(x[:2], batch_size=2, verbose=0)
    second = model.predict(x[:2], batch_size=2, verbose=0)
    predict_carries = not np.allclose(first, second)
    assert predict_carries == (trace.check("predict, at its first batch").outcome == "carried")

    starts = []
    state = lambda: lstm.states[0].numpy()  # noqa: E731
    record = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: starts.append(state()))
    lstm.reset_state()
    model.fit(x, y, batch_size=2, epochs=2, shuffle=False, callbacks=[record], verbose=0)
    epoch_carries = bool(np.any(starts[1] != 0))
    assert epoch_carries == (trace.check("fit, at the start of the next epoch").outcome == "carried")
    lstm.reset_state()
    evaluate_counts = []
    model.evaluate(x[:2], y[:2], batch_size=2, verbose=0)
    after_evaluate = state()
    evaluate_counts.append(bool(np.any(after_evaluate != 0)))
    assert all(evaluate_counts)  # evaluate leaves its state behind, as the trace reports


def test_a_stateful_layer_reset_before_every_batch_is_a_stateless_layer(keras):
    task = state_memory.memory_task(batch_size=4, timesteps=3, train_chunks=3, test_chunks=3)
    stateful_model = state_memory._sequence_model(4, 3, units=5)
    inputs = keras.Input(shape=(3, 1))
    plain = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.LSTM(5, return_sequences=True)(inputs)))
    plain.set_weights(stateful_model.get_weights())
    reset_each = state_memory.predict_chunks(stateful_model, task.X_test, 4, carry=False)
    assert np.allclose(reset_each, plain.predict(task.X_test, verbose=0), atol=1e-6)
    carried = state_memory.predict_chunks(stateful_model, task.X_test, 4, carry=True)
    assert np.allclose(carried[:4], reset_each[:4], atol=1e-6)  # the first batch starts from zeros either way
    assert not np.allclose(carried[4:], reset_each[4:], atol=1e-3)  # later batches read on


def test_train_seeds_starts_every_run_from_a_fresh_build(keras):
    task = state_memory.memory_task(batch_size=4, timesteps=3, train_chunks=2, test_chunks=1)

    def make():
        return state_memory._sequence_model(4, 3, units=2)

    weights = state_memory.train_seeds(
        make,
        task.X_train,
        task.y_train,
        seeds=(0, 1),
        batch_size=4,
        epochs=1,
        learning_rate=0.0,
        score=lambda model, carry: [w.copy() for w in model.get_weights()],
    )
    for seed, found in zip((0, 1), weights["stateful"]):
        keras.utils.set_random_seed(seed)
        fresh = make().get_weights()
        assert all(np.array_equal(a, b) for a, b in zip(found, fresh))
    assert not np.array_equal(weights["stateful"][0][0], weights["stateful"][1][0])
    assert all(np.array_equal(a, b) for a, b in zip(weights["stateful"][0], weights["stateless"][0]))


def test_carrying_the_state_beats_the_chunk_on_the_fading_total():
    """The lesson's settings: the stateful runs end far below the best a chunk allows, the stateless
    runs near it, and the verdict says so."""
    result = state_memory.run_memory_task(state_memory.memory_task(), seeds=(0, 1, 2), epochs=5, learning_rate=0.03)
    assert result.comparison.outcome == "stateful"
    assert max(result.comparison.stateful) < 0.5 * result.best_stateless
    assert min(result.comparison.stateless) > 0.95 * result.best_stateless


def test_the_co2_setup_scales_by_the_training_years_only():
    setup = stateful_co2.co2_setup(test_from=1994.0, timesteps=8, batch_size=16)
    series = mauna_loa.load()
    assert setup.years[setup.test_start] >= 1994.0 > setup.years[setup.test_start - 1]
    changes = np.diff(series.co2.astype("float64"))
    assert setup.mean == pytest.approx(changes[: setup.test_start - 1].mean())
    assert setup.spread == pytest.approx(changes[: setup.test_start - 1].std())
    assert setup.targets[0] == setup.test_start - 1 and setup.targets[-1] == len(series) - 2
    assert int(setup.X_train.shape[0]) % 16 == 0
    assert (setup.X_train.shape[0] // 16) * 16 * 8 <= setup.test_start - 2  # training chunks end before 1994
    windows = setup.windows()
    assert np.allclose(windows[0, :, 0], setup.scaled[setup.targets[0] - 8 : setup.targets[0]])


def test_the_whole_series_reader_is_the_stateful_model_reading_chunk_by_chunk(keras):
    setup = stateful_co2.co2_setup(timesteps=8, batch_size=1)
    keras.utils.set_random_seed(0)
    chunked = stateful_co2._chunk_model(setup, units=4)
    reader = stateful_co2.whole_series_reader(4)
    reader.set_weights(chunked.get_weights())
    series = setup.scaled[: 8 * 20]
    whole = reader.predict(series[None, :, None], verbose=0)[0, :, 0]
    state_memory.reset_states(chunked)
    ends = [float(chunked(series[None, k * 8 : (k + 1) * 8, None])[0, 0]) for k in range(20)]
    assert np.allclose(ends, whole[7::8], atol=1e-5)


def test_the_co2_comparison_scores_every_held_out_week():
    result = stateful_co2.compare_on_co2(seeds=(0,), epochs=1)
    truth = result.setup.changes[result.setup.targets]
    assert set(result.errors) == {"stateful LSTM", "stateless LSTM", "last value", "chunk's mean change"}
    assert all(len(errors) == len(truth) == 418 for errors in result.errors.values())
    assert np.allclose(result.errors["last value"], truth**2)
    assert result.comparison.outcome == "too few seeds" and "last value" in result.verdict()
