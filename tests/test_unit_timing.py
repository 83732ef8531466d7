"""Multiples of 32 (lesson 06): interleaved timing rounds on real Keras steps (the verdict on every
outcome of the bands is tested on made-up rounds in test_alignment_verdict.py)."""

import pytest

from course import figures, shapes
from course.experiments import unit_timing
from course.experiments.unit_timing import TimingBand
from course.models import ModelSpec, build

pytestmark = pytest.mark.keras


def band(**rounds):
    return TimingBand(
        {int(units[1:]): seconds for units, seconds in rounds.items()}, features=8, timesteps=20, batch_size=64
    )


def test_band_reads_fastest_slowest_and_median():
    b = band(u128=[0.03, 0.01, 0.02])
    assert (b.fastest(128), b.slowest(128), b.median(128)) == (0.01, 0.03, 0.02)


def test_work_is_the_ratio_of_the_real_layers_parameters():
    b = band(u120=[0.01], u128=[0.01])
    real = {
        u: build(ModelSpec(layer="LSTM", features=8, units=u, timesteps=20)).get_layer("hidden_1").count_params()
        for u in (120, 128)
    }
    assert b.work(120, 128) == pytest.approx(real[120] / real[128])
    assert real[120] == shapes.lstm_params(8, 120)


def test_time_units_times_every_size_in_every_round():
    b = unit_timing.time_units(unit_counts=(4, 8), rounds=3, steps=2, timesteps=5, batch_size=8)
    assert set(b.rounds) == {4, 8}
    assert all(len(seconds) == 3 and min(seconds) > 0 for seconds in b.rounds.values())
    figure = figures.timing_band_plot(b)
    assert len(figure.data[1].y) == 6 and list(figure.data[0].x) == ["4", "8"]


def test_time_units_keeps_the_verdict_on_real_rounds():
    b = unit_timing.time_units(unit_counts=(4, 8, 12), rounds=2, steps=2, timesteps=5, batch_size=8)
    text = unit_timing.alignment_verdict(b, candidate=8)
    assert text.startswith("8 units")
    assert all(len(seconds) == 2 for seconds in b.rounds.values())
