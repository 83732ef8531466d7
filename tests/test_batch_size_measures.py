"""Lesson 03's measurements on Keras: step throughput with its band, and equal updates logged update by
update (the race's and the statements' readings on made-up numbers are in test_batch_verdicts)."""

from __future__ import annotations

import pytest

from course import data, shapes
from course.experiments import batch_race, generalisation, throughput
from course.experiments.throughput import StepTiming

pytestmark = pytest.mark.keras


def timings(rates_by_batch):
    """StepTimings whose rounds run at the given rows per second."""
    return [StepTiming(b, tuple(b / r for r in rates)) for b, rates in rates_by_batch.items()]


def test_step_timing_reads_the_median_and_the_band():
    t = StepTiming(100, (0.1, 0.2, 0.4))
    assert t.seconds_per_step == 0.2 and t.samples_per_second == pytest.approx(500)
    assert t.band == pytest.approx((250, 1000))


def test_knee_is_the_smallest_batch_near_the_best_and_a_real_slowdown_is_named():
    rows = timings(
        {
            1: (90, 100, 110),
            16: (1400, 1500, 1600),
            256: (9000, 10000, 11000),
            1024: (9500, 10500, 11500),
            4096: (5000, 6000, 7000),
        }
    )
    knee = throughput.find_knee(rows)
    assert knee.best.batch_size == 1024 and knee.knee.batch_size == 256
    assert not knee.still_climbing and knee.slower_beyond == (4096,)
    text = throughput.throughput_statement(rows)
    assert "Batch 256 already reached 95% of the best rate" in text
    assert "Batch 4096 ran fewer rows per second than batch 1024 in every round" in text


def test_overlapping_bands_are_called_noise_and_a_clear_climb_is_called_so():
    flat = timings({1: (100, 100, 100), 64: (900, 1000, 1100), 256: (850, 980, 1050)})
    assert "no slowdown beyond the noise" in throughput.throughput_statement(flat)
    climbing = timings({1: (100, 100, 100), 64: (900, 1000, 1100), 256: (3000, 3100, 3200)})
    assert throughput.find_knee(climbing).still_climbing
    assert "did not reach the flat part" in throughput.throughput_statement(climbing)


def test_time_training_steps_times_every_batch_size_every_round():
    rows = throughput.time_training_steps(batch_sizes=(64, 1, 1), widths=(4, 8, 1), rounds=2, steps=1)
    assert [t.batch_size for t in rows] == [1, 64]
    assert all(len(t.seconds) == 2 and min(t.seconds) > 0 for t in rows)
    with pytest.raises(ValueError):
        throughput.time_training_steps(batch_sizes=(), widths=(4, 8, 1))


@pytest.fixture(scope="module")
def moons():
    return data.train_val_split(*data.two_moons(128, seed=0), val_fraction=0.5, seed=0)


def test_equal_updates_makes_exactly_that_many_updates_for_every_seed(moons):
    results = batch_race.losses_at_equal_updates(moons, [4, 32], updates=10, seeds=(0, 1))
    assert [(r.batch_size, r.updates, r.rows_seen, r.seeds) for r in results] == [(4, 10, 40, 2), (32, 10, 320, 2)]
    for r in results:
        assert [len(c) for c in r.val_curves] == [10, 10], "the validation loss after every update"
        assert tuple(c[-1] for c in r.val_curves) == r.val_losses
    text = batch_race.equal_updates_statement(results)
    assert "After 10 updates each" in text and "8× the rows" in text and "over 2 seeds" in text
    with pytest.raises(ValueError, match="larger than the 64 training rows"):
        batch_race.losses_at_equal_updates(moons, [65], updates=1)


def test_each_update_is_keras_train_on_batch_on_the_dealt_rows(moons):
    """Small batches: replaying the dealt batches through train_on_batch, and evaluate after each,
    gives the logged curve, and the optimizer counts every update."""
    X_train, y_train, X_val, y_val = moons
    (result,) = batch_race.losses_at_equal_updates(moons, [5], updates=16, seeds=(2,))
    import keras

    keras.utils.set_random_seed(2)
    model = generalisation.classifier(X_train.shape[1])
    replay = []
    for rows in batch_race.deal(len(X_train), 5, 16, seed=2):
        model.train_on_batch(X_train[rows], y_train[rows])
        replay.append(model.evaluate(X_val, y_val, batch_size=len(X_val), verbose=0))
    assert result.val_curves[0] == pytest.approx(replay, abs=1e-5)
    assert result.updates == int(model.optimizer.iterations.numpy()) == 16


def test_dealing_takes_whole_batches_and_reshuffles_each_pass():
    rows = batch_race.deal(10, 4, 6, seed=0)
    assert rows.shape == (6, 4)
    for first, second in ((0, 1), (2, 3), (4, 5)):  # 10 rows give 2 whole batches of 4 per pass
        assert len(set(rows[first]) | set(rows[second])) == 8, "no row twice within a pass"
    assert not (rows[0] == rows[2]).all() or not (rows[1] == rows[3]).all(), "a fresh shuffle each pass"
    with pytest.raises(ValueError, match="larger than the 10 training rows"):
        batch_race.deal(10, 11, 1)


def test_equal_updates_full_batch_matches_keras_fit_update_by_update(moons):
    """Full batches: every update averages the same 64 rows, so each update's validation loss must
    be fit's after the same number of epochs, from the same starting weights as the lab's runs."""
    X_train, y_train, X_val, y_val = moons
    (result,) = batch_race.losses_at_equal_updates(moons, [len(X_train)], updates=5, seeds=(3,))
    import keras

    keras.utils.set_random_seed(3)
    model = generalisation.classifier(X_train.shape[1])
    history = model.fit(
        X_train,
        y_train,
        batch_size=len(X_train),
        epochs=5,
        shuffle=False,
        validation_data=(X_val, y_val),
        validation_batch_size=len(X_val),
        verbose=0,
    )
    assert result.val_curves[0] == pytest.approx(history.history["val_loss"], abs=1e-5)
    assert result.val_loss == pytest.approx(model.evaluate(X_val, y_val, verbose=0), abs=1e-5)
    assert result.train_loss == pytest.approx(model.evaluate(X_train, y_train, verbose=0), abs=1e-5)
    lab_run = generalisation.train_curve(moons, len(X_train), epochs=5, seed=3)
    assert result.val_curves[0] == pytest.approx(lab_run.val_loss, abs=1e-5), "the race's starting weights"


def test_the_lessons_line_counts_are_read_from_the_logged_updates(moons):
    """The statement's counts are the first logged update at or below the line, in every seed."""
    results = batch_race.losses_at_equal_updates(moons, [8, len(moons[0])], updates=15, seeds=(0, 1))
    line = max(max(r.val_losses) for r in results)  # every run ends at or below it
    text = batch_race.updates_to_line_statement(results, line)
    for r in results:
        counts = r.updates_to(line)
        assert all(c is not None and r.val_curves[i][c - 1] <= line for i, c in enumerate(counts))
        assert all(loss > line for i, c in enumerate(counts) for loss in r.val_curves[i][: c - 1])
        low, high = min(counts), max(counts)
        assert f"batch {r.batch_size}: {low if low == high else f'{low}-{high}'}" in text


def test_the_timed_network_has_the_parameters_the_lesson_prints():
    model = throughput._network(throughput.WIDTHS, seed=0)
    assert model.count_params() == shapes.dense_widths_params(throughput.WIDTHS) == 296_449
