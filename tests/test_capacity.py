"""Lesson 06's reading of a units sweep and of two runs' cost."""

import numpy as np
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


def test_recurrent_params_of_the_lessons_deeper_stack_are_keras_layer_counts(keras):
    """Lesson 06 prints 329,728 in the three LSTMs and 329,857 with the Dense(1) head."""
    spec = ModelSpec(layer="LSTM", features=1, units=128, timesteps=20, n_layers=3)  # the lesson's own input
    model = models.build(spec)
    lstms = [model.get_layer(f"hidden_{i}") for i in (1, 2, 3)]
    assert capacity.recurrent_params(model) == sum(layer.count_params() for layer in lstms) == 329_728
    assert capacity.recurrent_params(model) + model.get_layer("output").count_params() == model.count_params()
    assert model.count_params() == 329_857
    wider = models.build(ModelSpec(layer="LSTM", features=1, units=512, timesteps=20))
    assert capacity.recurrent_params(wider) == wider.get_layer("hidden_1").count_params()


def _split(n_train=24, n_val=8, timesteps=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_train + n_val, timesteps, 1)).astype("float32")
    y = X[:, -1, :] * 0.5
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def test_validation_mse_is_what_keras_evaluate_reports(keras):
    X_train, y_train, X_val, y_val = _split()
    model = models.build(ModelSpec(layer="LSTM", features=1, units=4, timesteps=5))
    model.compile(optimizer="adam", loss="mse")
    assert capacity.validation_mse(model, X_val, y_val) == pytest.approx(
        model.evaluate(X_val, y_val, verbose=0), rel=1e-5
    )


def test_a_trainer_epoch_is_one_keras_update_per_full_batch_with_fresh_rows(keras):
    X_train, y_train, _, _ = _split(n_train=26)
    spec = ModelSpec(layer="LSTM", features=1, units=3, timesteps=5)
    trainer = capacity._Trainer(spec, 0, 0.01, X_train, y_train, batch_size=8)
    seconds = trainer.epoch() + trainer.epoch()
    assert len(seconds) == 6 and min(seconds) > 0  # 26 rows: 3 full batches of 8 an epoch
    assert int(trainer.model.optimizer.iterations.numpy()) == 6
    with pytest.raises(ValueError, match="larger than the 26 training windows"):
        capacity._Trainer(spec, 0, 0.01, X_train, y_train, batch_size=27)


def test_a_restarted_trainer_is_a_fresh_one_with_the_same_traced_step(keras):
    X_train, y_train, _, _ = _split()
    spec = ModelSpec(layer="LSTM", features=1, units=3, timesteps=5, n_layers=2)
    reused = capacity._Trainer(spec, 0, 0.01, X_train, y_train, batch_size=8)
    reused.epoch()
    step = reused.model.train_function
    reused.restart(1)
    assert int(reused.model.optimizer.iterations.numpy()) == 0
    assert float(reused.model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    fresh = capacity._Trainer(spec, 1, 0.01, X_train, y_train, batch_size=8)
    for weights in zip(reused.model.get_weights(), fresh.model.get_weights()):
        np.testing.assert_array_equal(*weights)
    reused.epoch(), reused.epoch()
    fresh.epoch(), fresh.epoch()
    assert reused.model.train_function is step  # no second tracing
    for weights in zip(reused.model.get_weights(), fresh.model.get_weights()):
        np.testing.assert_allclose(*weights, rtol=1e-5, atol=1e-6)


def test_validation_run_returns_a_loss_per_epoch_and_is_repeatable(keras):
    split = _split()
    losses, seconds = capacity.validation_run(split, units=3, epochs=3, batch_size=8)
    again, _ = capacity.validation_run(split, units=3, epochs=3, batch_size=8)
    assert len(losses) == 3 and seconds > 0
    assert losses == pytest.approx(again)


def test_race_times_steady_state_rounds_and_scores_every_seed(keras):
    split = _split()
    specs = {
        "deeper": ModelSpec(layer="LSTM", features=1, units=3, timesteps=5, n_layers=2),
        "wider": ModelSpec(layer="LSTM", features=1, units=6, timesteps=5),
    }
    result = capacity.race(specs, split, epochs=3, seeds=(0, 1), batch_size=8)
    assert set(result.step_rounds) == set(result.val_losses) == set(specs)
    for name in specs:
        assert len(result.step_rounds[name]) == 2 * 3 - 1  # the very first epoch, the warm-up, is not timed
        assert all(seconds > 0 for seconds in result.step_rounds[name])
        assert len(result.val_losses[name]) == 2 and all(np.isfinite(result.val_losses[name]))
    # each seed's model is the one validation_run trains on its own: same weights, same rows, same loss
    alone, _ = capacity.validation_run(split, units=6, epochs=3, learning_rate=0.005, seed=1, batch_size=8)
    assert result.val_losses["wider"][1] == pytest.approx(alone[-1], rel=1e-4)
    alone, _ = capacity.validation_run(split, units=3, n_layers=2, epochs=3, learning_rate=0.005, seed=0, batch_size=8)
    assert result.val_losses["deeper"][0] == pytest.approx(alone[-1], rel=1e-4)
    with pytest.raises(ValueError, match="at least 2 epochs"):
        capacity.race(specs, split, epochs=1)
