"""Numbers lessons 05-09 state in their text, checked against Keras."""

import numpy as np
import pytest

from course import models, shapes
from course.models import ModelSpec

pytestmark = pytest.mark.keras


def test_lesson_06_lstm_100_on_one_feature_with_its_dense_1():
    spec = ModelSpec(layer="LSTM", features=1, units=100, timesteps=10)
    model = models.build(spec)
    assert model.get_layer("hidden_1").count_params() == 40_800
    assert model.get_layer("output").count_params() == 101
    assert model.count_params() == models.total_params(spec) == 40_901
    assert model.get_layer("hidden_1").output.shape == (None, 100)


def test_lesson_06_an_lstm_forget_gate_starts_near_0_73(keras):
    layer = models.build(ModelSpec(layer="LSTM", features=1, units=4, timesteps=3)).get_layer("hidden_1")
    forget_bias = layer.get_weights()[2][4:8]  # Keras orders the gates input, forget, candidate, output
    assert np.all(forget_bias == 1.0)
    assert round(float(1 / (1 + np.exp(-forget_bias[0]))), 2) == 0.73


def test_lesson_06_136_units_do_about_a_quarter_more_work_than_120():
    real = {
        u: models.build(ModelSpec(layer="LSTM", features=8, units=u, timesteps=20)).get_layer("hidden_1").count_params()
        for u in (120, 136)
    }
    assert real[136] / real[120] == pytest.approx(shapes.lstm_params(8, 136) / shapes.lstm_params(8, 120))
    assert 1.2 < real[136] / real[120] < 1.3


def test_lesson_06_wider_has_about_three_times_the_parameters_and_a_512_by_2048_kernel():
    deeper = models.build(ModelSpec(layer="LSTM", features=1, units=128, timesteps=20, n_layers=3))
    wider = models.build(ModelSpec(layer="LSTM", features=1, units=512, timesteps=20))
    assert round(wider.count_params() / deeper.count_params()) == 3
    assert wider.get_layer("hidden_1").get_weights()[1].shape == (512, 2048)
