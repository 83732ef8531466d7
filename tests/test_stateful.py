"""Stateful LSTMs (lesson 07): the seed's stack, whole batches, the reset spellings and the
exported training code, each checked against Keras."""

import numpy as np
import pytest
from test_forecasting import run_fresh

from course import data, models, shapes
from course.experiments import stateful

pytestmark = pytest.mark.keras


def test_stateful_run_reports_what_keras_built():
    run = stateful.stateful_run(batch_size=7, features=3, units=5, timesteps=4)
    assert run.input_shape == (7, 4, 3) and run.state_shape == (7, 5) and run.output_shape == (7, 1)
    assert run.lstm_params == shapes.lstm_params(3, 5)


def test_seed_stack_counts_agree_with_keras():
    model = models.build(stateful.SEED_STACK)
    assert model.input_shape == (32, 8, 16) and model.output_shape == (32, 10)
    rows = models.layer_table(stateful.SEED_STACK)
    assert [row.params for row in rows[1:]] == [layer.count_params() for layer in model.layers]
    assert [row.params for row in rows[1:4]] == [
        shapes.lstm_params(16, 32),
        shapes.lstm_params(32, 32),
        shapes.lstm_params(32, 32),
    ]
    assert models.total_params(stateful.SEED_STACK) == model.count_params() == 23242
    assert [tuple(model.get_layer(f"hidden_{i}").states[0].shape) for i in (1, 2, 3)] == [(32, 32)] * 3


@pytest.mark.parametrize("n", [100, 128, 500, 512, 1000, 1024, 10_000, 53394])
def test_whole_batches_against_a_real_stateful_fit(n):
    (found,) = stateful.whole_batches([n], 32)
    assert found.divides == (n % 32 == 0)
    import tensorflow as tf

    batches = list(tf.data.Dataset.range(n).batch(32))
    assert found.last_batch == len(batches[-1])
    assert found.kept == sum(len(b) for b in tf.data.Dataset.range(n).batch(32, drop_remainder=True))


def test_a_short_last_batch_fails_a_stateful_fit_and_trimming_fixes_it(keras):
    spec = models.ModelSpec(layer="LSTM", features=1, units=2, timesteps=3, batch_size=4, stateful=True)
    model = models.build(spec)
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((10, 3, 1), "float32"), np.zeros((10, 1), "float32")
    (found,) = stateful.whole_batches([10], 4)
    assert not found.divides and found.last_batch == 2 and found.kept == 8
    with pytest.raises(Exception):
        model.fit(x, y, batch_size=4, shuffle=False, verbose=0)
    model = models.build(spec)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x[: found.kept], y[: found.kept], batch_size=4, shuffle=False, verbose=0)


def test_reset_spellings_as_keras_3_runs_them():
    assert stateful.reset_spellings() == {
        "layer.reset_state()": "resets the state",
        "layer.reset_states()": "resets the state",
        "model.reset_states()": "AttributeError",
    }


def test_stateful_code_runs_standalone_on_the_course_layout():
    code = stateful.stateful_code(60, 3, 4, units=5, epochs=1)
    assert "from course" not in code
    out = run_fresh(
        code
        + "\nimport sys\nassert 'course' not in sys.modules\nprint(x.shape, y.shape, model.count_params(), layout.tolist())\n"
    )
    expected_layout = data.stateful_layout(60, 3, 4).tolist()
    spec = models.ModelSpec(layer="LSTM", features=1, units=5, timesteps=4, batch_size=3, stateful=True)
    assert out.strip() == f"(15, 4, 1) (15, 1) {models.total_params(spec)} {expected_layout}"


def test_stateful_code_explains_a_series_too_short():
    with pytest.raises(ValueError, match="cannot fill one batch"):
        stateful.stateful_code(10, 3, 4)
