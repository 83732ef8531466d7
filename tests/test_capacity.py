"""Lesson 06's reading of a units sweep and of two runs' cost."""

import pytest

from course import models
from course.experiments import capacity
from course.models import ModelSpec

pytestmark = pytest.mark.keras


def test_smallest_near_best_keeps_the_cheapest_size_close_to_the_lowest_loss():
    final = {1: 0.30, 2: 0.10, 4: 0.050, 16: 0.045, 64: 0.044}
    assert capacity.smallest_near_best(final) == 4
    assert capacity.smallest_near_best(final, tolerance=0.01) == 64
    with pytest.raises(ValueError):
        capacity.smallest_near_best({})


def test_capacity_verdict_names_the_saving_in_keras_parameters(keras):
    final = {1: 0.30, 4: 0.050, 64: 0.044}
    specs = {u: ModelSpec(layer="LSTM", features=1, units=u, timesteps=20) for u in final}
    params = {u: models.build(spec).count_params() for u, spec in specs.items()}
    assert params == {u: models.total_params(spec) for u, spec in specs.items()}
    text = capacity.capacity_verdict(final, params, floor=0.022)
    assert text.startswith("Lowest validation loss: 64 units (0.0440).")
    assert f"with {params[64] / params[4]:.0f}× fewer parameters than 64 units" in text
    assert "2.0× it" in text
    assert "No smaller size came within 20%" in capacity.capacity_verdict({1: 0.3, 4: 0.1}, {1: 14, 4: 101})


def test_speed_verdict_follows_the_seconds():
    assert (
        capacity.speed_verdict({"deeper": 4.0, "wider": 2.0})
        == "On this machine wider trained faster: 2.0× the speed of deeper."
    )
    assert capacity.speed_verdict({"only": 1.0}).startswith("Only only")
