"""Forecasting hygiene (lessons 05 and 07): the split keeps time order, the baselines and the
noise floor are what they say, and the exported script runs on its own."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from course import data
from course.experiments import forecasting
from course.experiments.forecasting import Scores

pytestmark = pytest.mark.keras


def test_time_split_keeps_the_latest_windows_for_validation():
    series = np.arange(100, dtype="float32")
    X, y = data.make_windows(series, window=5)
    X_train, y_train, X_val, y_val = forecasting.time_split(X, y, validation_fraction=0.2)
    assert len(X_val) == round(len(X) * 0.2) and len(X_train) + len(X_val) == len(X)
    assert y_train.max() < y_val.min()  # every training target comes before every validation target
    assert np.array_equal(X_val, X[-len(X_val) :])


@pytest.mark.parametrize("fraction", [0, 1, 1.5])
def test_time_split_explains_an_impossible_fraction(fraction):
    with pytest.raises(ValueError, match="between 0 and 1"):
        forecasting.time_split(np.zeros((10, 2, 1)), np.zeros((10, 1)), fraction)


def test_baselines_predict_from_the_window():
    X = np.array([[[1.0], [3.0]], [[2.0], [6.0]]])
    y = np.array([[4.0], [6.0]])
    assert forecasting.last_value_errors(X, y).tolist() == [1.0, 0.0]
    assert forecasting.window_mean_errors(X, y).tolist() == [4.0, 4.0]


def test_noise_floor_is_the_noise_on_the_same_targets():
    rng = np.random.default_rng(0)
    clean = np.sin(np.arange(5000) / 10)
    noisy = clean + 0.5 * rng.normal(size=clean.shape)
    assert forecasting.noise_floor(noisy, clean) == pytest.approx(0.25, rel=0.05)
    assert forecasting.noise_floor(noisy[:10], clean[:10]) == pytest.approx(np.mean((noisy[:10] - clean[:10]) ** 2))


def test_verdict_follows_the_paired_uncertainty():
    rng = np.random.default_rng(0)
    base = rng.uniform(0, 1, size=400)
    clear = Scores({"model": base, "naive": base + 0.5}, floor=0.1)
    assert clear.best() == "model"
    assert "It beats naive by 0.500" in clear.verdict()
    assert "0.1" in clear.verdict() and "noise floor" in clear.verdict()
    close = Scores({"a": base, "b": base + rng.normal(0, 0.5, size=400) + 0.001})
    assert "cannot be told apart" in close.verdict()
    with pytest.raises(ValueError, match="same targets"):
        Scores({"a": base, "b": base[:10]})


def run_fresh(code: str) -> str:
    """Run code in a new interpreter that has never imported the course."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0", "PATH": "/usr/bin:/bin"},
        cwd="/",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_exported_forecast_runs_standalone_and_validates_on_the_future():
    code = forecasting.forecast_code(window=10, horizon=1, length=300, validation_fraction=0.2, epochs=2)
    assert "from course" not in code and "import course" not in code
    out = run_fresh(
        code
        + textwrap.dedent("""
        assert 'course' not in __import__('sys').modules
        print('first validation target', float(y_val[0, 0]) == float(values[240, 0]), len(x_val), len(x_train))
        print('last training target', float(y_train[-1, 0]) == float(values[239, 0]))
    """)
    )
    assert "validation windows: 60" in out
    assert "first validation target True 60 230" in out and "last training target True" in out
    model_mse, naive_mse = (float(part.split(":")[1]) for part in out.splitlines()[0].split("  ")[1:])
    assert model_mse > 0 and naive_mse > 0


def test_exported_forecast_windows_are_the_courses_windows():
    namespace = {}
    exec(forecasting.forecast_code(epochs=1), namespace)  # noqa: S102 - the course's own code
    X, y = data.make_windows(namespace["series"], window=10)
    assert np.array_equal(namespace["x_val"], X[-60:]) and np.array_equal(namespace["y_val"], y[-60:])
    assert np.array_equal(namespace["x_train"], X[:230])


def test_lesson_07_held_out_comparison_says_what_the_lesson_says():
    """Lesson 07 trains on the first 1,800 steps of a slow noisy sine and scores on the last 600:
    both LSTMs beat the last value clearly, and the noise floor is measured on those targets."""
    from course.experiments import stateful

    steps = np.arange(2400, dtype="float32")
    clean = np.sin(2 * np.pi * steps / 400).astype("float32")
    series = (clean + 0.5 * np.random.default_rng(0).normal(size=steps.shape)).astype("float32")
    train_part, test_part = series[:1800], series[1800:]
    X_test, y_test = stateful.stateful_samples(test_part, batch_size=8, timesteps=5)
    _, clean_test = stateful.stateful_samples(clean[1800:], batch_size=8, timesteps=5)
    assert X_test.shape == (112, 5, 1)
    stateful_fit = stateful.fit_stateful(train_part, batch_size=8, timesteps=5, units=8, epochs=10, seed=0)
    stateless_fit = forecasting.fit_windows(
        *data.make_windows(train_part, window=5), batch_size=32, units=8, epochs=10, seed=0
    )
    stateful.reset_stateful(stateful_fit["model"])
    scores = Scores(
        {
            "stateful LSTM": forecasting.squared_errors(
                stateful_fit["model"].predict(X_test, batch_size=8, verbose=0), y_test
            ),
            "stateless LSTM": forecasting.squared_errors(stateless_fit.model.predict(X_test, verbose=0), y_test),
            "last value": forecasting.last_value_errors(X_test, y_test),
        },
        floor=forecasting.noise_floor(y_test, clean_test),
    )
    for model in ("stateful LSTM", "stateless LSTM"):
        gap, error = scores.difference("last value", model)
        assert gap > 2 * error
        assert scores.mse(model) < 1.5 * scores.floor
    assert scores.floor == pytest.approx(0.25, abs=0.06)
