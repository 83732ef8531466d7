"""Vanishing and exploding gradients (lesson 06): the measurements against Keras's own forward
pass and optimizer, and the verdicts the lesson prints."""

import numpy as np
import pytest

from course.experiments import gradients
from course.models import ModelSpec, build

pytestmark = pytest.mark.keras


@pytest.mark.parametrize("layer, n_layers", [("SimpleRNN", 1), ("LSTM", 1), ("SimpleRNN", 2)])
def test_influence_is_the_slope_of_the_real_forward_pass(layer, n_layers):
    """Nudge the input at one step and run the real Keras stack again: the final state moves by
    the measured influence times the nudge."""
    units, steps, seed, nudge = 6, 8, 3, 1e-2
    profile = gradients.influence(layer, units=units, timesteps=steps, n_layers=n_layers, seed=seed)
    model = gradients._model(layer, units, steps, n_layers, seed, gradients.INPUT_SCALE)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(1, steps, 1)).astype("float64")
    direction = rng.normal(size=(units,))
    direction /= np.linalg.norm(direction)

    def read(values):
        final = np.asarray(gradients._final_state(model, n_layers, values.astype("float32")))[0]
        return float(final @ direction)

    for t in (0, steps // 2, steps - 1):
        up, down = x.copy(), x.copy()
        up[0, t, 0] += nudge
        down[0, t, 0] -= nudge
        slope = abs(read(up) - read(down)) / (2 * nudge)
        assert slope == pytest.approx(profile[t], rel=0.05, abs=1e-4)


def test_input_scale_sets_the_input_kernel_and_none_keeps_keras_default():
    model = gradients._model("SimpleRNN", 256, 5, 1, 0, 0.5)
    kernel = model.get_layer("hidden_1").get_weights()[0]
    assert 0.45 < np.abs(kernel).max() <= 0.5
    default = gradients._model("SimpleRNN", 256, 5, 1, 0, None).get_layer("hidden_1").get_weights()[0]
    assert np.abs(default).max() <= np.sqrt(6 / (1 + 256))  # Keras's Glorot limit for (1, 256)


def test_forget_bias_is_set_on_the_forget_gate_only():
    model = gradients._model("LSTM", 4, 5, 2, 0, 0.5, forget_bias=5.0)
    for name in ("hidden_1", "hidden_2"):
        bias = model.get_layer(name).get_weights()[2]
        assert np.all(bias[4:8] == 5.0) and np.all(bias[:4] == 0) and np.all(bias[8:] == 0)
    with pytest.raises(ValueError, match="forget gate"):
        gradients._model("SimpleRNN", 4, 5, 1, 0, 0.5, forget_bias=5.0)


def test_matched_input_scale_makes_width_fair():
    """Keras's default draws the narrow layer's input weights larger, which saturates its tanh and
    hides step 1; with the same input scale the two widths keep step 1 alike (the lesson's claim)."""
    settings = dict(layer="SimpleRNN", timesteps=50, seeds=range(3))
    default = {
        u: gradients.early_signal(gradients.mean_influence(units=u, input_scale=None, **settings)) for u in (8, 256)
    }
    matched = {u: gradients.early_signal(gradients.mean_influence(units=u, **settings)) for u in (8, 256)}
    assert default[256] > 100 * default[8]
    assert max(matched.values()) / min(matched.values()) < 10
    assert "no large difference" in gradients.width_verdict(8, matched[8], 256, matched[256])


def test_length_makes_step_one_vanish_and_an_open_forget_gate_keeps_it():
    by_length = {
        n: gradients.early_signal(gradients.mean_influence(layer="SimpleRNN", units=32, timesteps=n, seeds=range(2)))
        for n in (5, 50)
    }
    assert by_length[50] < 0.01 * by_length[5]
    assert gradients.length_verdict(by_length).startswith("Longer sequences: step 1's signal falls")
    open_gate = gradients.early_signal(
        gradients.mean_influence(layer="LSTM", units=32, timesteps=50, forget_bias=5.0, seeds=range(2))
    )
    assert open_gate > 100 * by_length[50]


def test_depth_weakens_the_last_steps_road_through_the_stack():
    last = {
        n: gradients.mean_influence(layer="SimpleRNN", units=32, timesteps=10, n_layers=n, seeds=range(2))[-1]
        for n in (1, 16)
    }
    assert last[16] < 0.1 * last[1]
    assert "falls" in gradients.depth_verdict(last)


def test_early_signal_and_the_verdicts_follow_the_numbers():
    assert gradients.early_signal([0.5, 0.2, 1.0]) == 0.5
    assert gradients.early_signal([0.5, 0.0]) == 0.0
    assert "within a factor of 2.0" in gradients.width_verdict(8, 1e-3, 256, 2e-3)
    assert gradients.width_verdict(8, 1e-5, 256, 1e-2).startswith("256 units kept 1,000 times")
    assert "stays within" in gradients.length_verdict({5: 0.5, 50: 0.2})
    assert "rises" in gradients.depth_verdict({1: 0.01, 4: 1.0})
    assert "LSTM keeps 100 times" in gradients.gates_verdict({"SimpleRNN": 1e-4, "LSTM": 1e-2}, 50)
    assert "about as much" in gradients.gates_verdict({"SimpleRNN": 1e-2, "LSTM": 2e-2}, 5)


def test_a_recurrent_gain_above_one_explodes_and_below_one_does_not():
    grows = gradients.exploding(lengths=(5, 40), gain=2.0)
    assert grows.norms[40] > 100 * grows.norms[5]
    assert "times: each step back" in gradients.explosion_verdict(grows)
    calm = gradients.exploding(lengths=(5, 40), gain=0.5)
    assert calm.norms[40] < 10 * calm.norms[5]
    assert "nothing exploded" in gradients.explosion_verdict(calm)


def test_clipnorm_bounds_each_variables_step_as_keras_documents():
    step = gradients.clipped_update(timesteps=40, gain=2.0, learning_rate=0.01, clipnorm=1.0)
    assert max(step.gradient_norms.values()) > 100
    for path, norm in step.gradient_norms.items():
        assert step.plain_steps[path] == pytest.approx(0.01 * norm, rel=1e-3)
        expected = 0.01 * min(norm, 1.0)  # each variable's gradient rescaled on its own
        assert step.clipped_steps[path] == pytest.approx(expected, rel=1e-3, abs=1e-7)
    assert "never more than learning rate × clipnorm = 0.01" in gradients.clipping_verdict(step)


def test_the_measured_model_is_the_course_model():
    spec = ModelSpec(layer="LSTM", features=1, units=5, timesteps=7, n_layers=2)
    model = gradients._model("LSTM", 5, 7, 2, 0, None)
    assert [layer.name for layer in model.layers] == [layer.name for layer in build(spec).layers]


def test_gradient_through_time_is_the_slope_of_the_real_layers_summed_output():
    """The plain profile of one fresh layer (Keras's default initialisation): nudging the input at
    step t moves the sum of the real layer's output by the profile's value there."""
    units, steps, seed, nudge = 6, 12, 2, 1e-2
    profile = gradients.gradient_through_time(units, steps, layer="LSTM", seed=seed)
    assert profile.shape == (steps,) and np.all(profile >= 0)
    import keras

    keras.utils.set_random_seed(seed)
    layer = build(ModelSpec(layer="LSTM", features=1, units=units, timesteps=steps)).get_layer("hidden_1")
    x = np.random.default_rng(seed).normal(size=(1, steps, 1)).astype("float64")

    def total(values):
        return float(np.sum(np.asarray(layer(values.astype("float32")))))

    for t in (0, steps // 2, steps - 1):
        up, down = x.copy(), x.copy()
        up[0, t, 0] += nudge
        down[0, t, 0] -= nudge
        assert abs(total(up) - total(down)) / (2 * nudge) == pytest.approx(profile[t], rel=0.05, abs=1e-4)


def test_gradient_through_time_sends_width_comparisons_to_the_fair_measurement():
    """Its default input kernel depends on the units, so it must not invite comparing widths."""
    text = gradients.gradient_through_time.__doc__ + gradients.__doc__
    assert "to see that width is not what makes it vanish" not in text
    assert "width_verdict" in gradients.gradient_through_time.__doc__
