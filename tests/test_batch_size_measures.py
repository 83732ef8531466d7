"""Lesson 03's measurements: step throughput with its band, the race to a loss, and equal updates."""

from __future__ import annotations

from types import SimpleNamespace

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


def curve(batch_size, val_loss, updates, seconds):
    return SimpleNamespace(batch_size=batch_size, val_loss=val_loss, updates=updates, seconds=seconds)


def test_race_times_every_run_to_the_worst_final_loss():
    curves = [
        curve(8, [0.5, 0.4, 0.35], [64, 128, 192], [1.0, 2.0, 3.0]),
        curve(512, [0.7, 0.5, 0.45], [1, 2, 3], [0.2, 0.4, 0.6]),
    ]
    result = batch_race.race(curves)
    assert result.finish == 0.45
    laps = {lap.batch_size: lap for lap in result.laps}
    assert (laps[8].epochs, laps[8].updates, laps[8].seconds) == (2, 128, 2.0)
    assert (laps[512].epochs, laps[512].updates) == (3, 3)
    assert result.winners == {"epochs": 8, "updates": 512, "seconds": 512}
    assert result.distinct_winners == 2


@pytest.fixture(scope="module")
def moons():
    return data.train_val_split(*data.two_moons(128, seed=0), val_fraction=0.5, seed=0)


def test_equal_updates_makes_exactly_that_many_updates(moons):
    results = batch_race.losses_at_equal_updates(moons, [4, 32], updates=10)
    assert [(r.batch_size, r.updates, r.rows_seen) for r in results] == [(4, 10, 40), (32, 10, 320)]
    text = batch_race.equal_updates_statement(results)
    assert "After 10 updates each" in text and "8× the rows of batch 4" in text


def test_equal_updates_full_batch_matches_keras_fit(moons):
    """Full batches: every update averages the same 64 rows, so the run must equal fit's."""
    X_train, y_train, X_val, y_val = moons
    (result,) = batch_race.losses_at_equal_updates(moons, [len(X_train)], updates=5, seed=3)
    import keras

    keras.utils.set_random_seed(3)
    model = generalisation.classifier(X_train.shape[1])
    model.fit(X_train, y_train, batch_size=len(X_train), epochs=5, shuffle=False, verbose=0)
    assert result.val_loss == pytest.approx(model.evaluate(X_val, y_val, verbose=0), abs=1e-5)
    assert result.train_loss == pytest.approx(model.evaluate(X_train, y_train, verbose=0), abs=1e-5)


def test_equal_updates_statement_reads_the_spread():
    close = [batch_race.EqualUpdates(8, 60, 480, 0.5, 0.50), batch_race.EqualUpdates(512, 60, 30720, 0.5, 0.51)]
    assert "bought almost nothing" in batch_race.equal_updates_statement(close)
    apart = [batch_race.EqualUpdates(8, 60, 480, 0.5, 0.70), batch_race.EqualUpdates(512, 60, 30720, 0.5, 0.50)]
    assert "paid off" in batch_race.equal_updates_statement(
        apart
    ) and "batch 512" in batch_race.equal_updates_statement(apart)


def test_the_timed_network_has_the_parameters_the_lesson_prints():
    model = throughput._network(throughput.WIDTHS, seed=0)
    assert model.count_params() == shapes.dense_widths_params(throughput.WIDTHS) == 296_449
