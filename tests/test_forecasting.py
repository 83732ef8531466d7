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


def test_stateful_and_stateless_lstms_beat_the_last_value_on_a_slow_noisy_sine():
    """fit_stateful and fit_windows, trained on the first 1,800 steps of a slow noisy sine and scored
    on the last 600: both LSTMs beat the last value clearly, near the noise floor measured on those
    targets (lesson 07 now runs the same comparison on the Mauna Loa series, stateful_co2)."""
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


def test_hold_out_last_keeps_the_last_windows_in_time_order():
    X, y = data.make_windows(np.arange(30, dtype="float32"), window=4)
    X_train, y_train, X_val, y_val = forecasting.hold_out_last(X, y, 5)
    assert len(X_val) == 5 and len(X_train) == len(X) - 5
    assert y_val[:, 0].tolist() == [25.0, 26.0, 27.0, 28.0, 29.0] and y_train.max() < y_val.min()
    assert np.array_equal(X_val, X[-5:])


@pytest.mark.parametrize("n_validation", [0, -1, True, 2.0, 26])
def test_hold_out_last_explains_an_impossible_count(n_validation):
    X, y = data.make_windows(np.arange(30, dtype="float32"), window=4)  # 26 windows
    with pytest.raises(ValueError, match="1 or more|too few"):
        forecasting.hold_out_last(X, y, n_validation)


def seasonal(length=400, season=52, rise=0.02):
    """A made-up series that is exactly a season plus a steady rise."""
    t = np.arange(length, dtype="float64")
    return rise * t + np.sin(2 * np.pi * t / season)


@pytest.mark.parametrize("horizon", [1, 3])
def test_year_ago_forecast_is_exact_on_a_season_plus_a_steady_rise(horizon):
    X, y = data.make_windows(seasonal(), window=53, horizon=horizon)
    assert np.allclose(forecasting.year_ago_errors(X, y, season=52, horizon=horizon), 0, atol=1e-12)
    assert forecasting.last_value_errors(X, y).mean() > 0.005, "while the last value lags the season"


def test_year_ago_forecast_misses_a_jump_it_has_not_seen():
    series = seasonal()
    series[300:] += 3.0  # the level jumps at step 300
    X, y = data.make_windows(series, window=53)
    errors = forecasting.year_ago_errors(X, y, season=52)  # target i is step i + 53
    assert np.allclose(errors[: 300 - 53], 0, atol=1e-12)
    assert errors[300 - 53] == pytest.approx(9.0), "the step of the jump: missed by all 3"


def test_year_ago_forecast_needs_a_season_and_one_more_step():
    X, y = data.make_windows(seasonal(), window=52)
    with pytest.raises(ValueError, match="at least 53 steps"):
        forecasting.year_ago_errors(X, y, season=52)
    with pytest.raises(ValueError, match="at least the horizon"):
        forecasting.year_ago_errors(X, y, season=2, horizon=3)


def test_changes_are_measured_from_each_windows_last_step():
    X = np.array([[[1.0], [3.0]], [[2.0], [6.0]]])
    y = np.array([[4.0], [5.0]])
    changes, targets = forecasting.as_changes(X, y)
    assert changes[:, :, 0].tolist() == [[-2.0, 0.0], [-4.0, 0.0]] and targets[:, 0].tolist() == [1.0, -1.0]
    assert np.array_equal(forecasting.as_changes(X), changes)


def test_lesson_05_co2_figures_are_computed_as_the_lesson_shows():
    """Lesson 05's real series: windows of a year and a week, the last four years held out, the
    two naive forecasts and a small LSTM of changes scored on the same 208 targets."""
    from course.datasets import mauna_loa

    co2 = mauna_loa.load()
    window = mauna_loa.WEEKS_PER_YEAR + 1
    X, y = data.make_windows(co2.co2, window=window)
    batches = data.keras_windows(co2.co2, window, batch_size=64)
    assert X.shape == (2231, 53, 1) and y.shape == (2231, 1)
    assert len(batches) == 35 and batches[-1][0].shape == (55, 53, 1)
    assert np.array_equal(np.concatenate([x for x, _ in batches]), X)
    X_train, y_train, X_val, y_val = forecasting.hold_out_last(X, y, 4 * mauna_loa.WEEKS_PER_YEAR)
    target_dates = co2.dates[window:]
    assert str(target_dates[len(X_train)]) == "1998-01-10" and str(target_dates[-1]) == "2001-12-29"
    assert (y_val > y_train.max()).mean() > 0.5, "most held-out weeks lie above every training week"
    last_week = forecasting.last_value_errors(X_val, y_val)
    year_ago = forecasting.year_ago_errors(X_val, y_val, mauna_loa.WEEKS_PER_YEAR)
    assert round(last_week.mean(), 3) == 0.256 and round(year_ago.mean(), 3) == 0.419
    fit = forecasting.fit_changes(X_train, y_train, units=8, epochs=4, batch_size=64, seed=0)
    predictions = fit.predict(X_val)
    assert predictions.shape == y_val.shape and len(fit.losses) == 4
    scores = Scores(
        {
            "LSTM(8) on changes": forecasting.squared_errors(predictions, y_val),
            "last week": last_week,
            "a year ago + the year's rise": year_ago,
        }
    )
    verdict = scores.verdict()
    assert verdict.startswith(f"On these 208 held-out targets {scores.best()} scored best")
    assert np.all(np.isfinite(predictions)) and abs(float(np.mean(predictions - y_val))) < 1, "no drift in ppm"
