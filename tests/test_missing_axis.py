"""Lesson 04's experiment: Keras 3 adds a missing trailing axis of size 1 quietly, and refuses a
missing middle one."""

from __future__ import annotations

import numpy as np
import pytest

from course import models
from course.experiments import missing_axis

pytestmark = pytest.mark.keras


def build(timesteps, features):
    return models.build(models.ModelSpec(layer="LSTM", features=features, units=4, timesteps=timesteps))


def test_a_missing_trailing_axis_runs_quietly_as_columns_as_timesteps():
    table = np.arange(18, dtype="float32").reshape(6, 3) / 17
    model = build(3, 1)
    outcome = missing_axis.try_call(model, table)
    assert outcome.accepted and outcome.warnings == 0
    assert outcome.call_shape == (6, 1) and outcome.predict_shape == (6, 1)
    assert np.allclose(model(table).numpy(), model(table.reshape(6, 3, 1)).numpy(), atol=1e-6)
    assert (
        outcome.describe() == "(6, 3) into Input(shape=(3, 1)): runs, output (6, 1), predict gives (6, 1), warnings: 0"
    )


def test_a_missing_middle_axis_is_refused_with_the_expected_shape():
    table = np.arange(18, dtype="float32").reshape(6, 3) / 17
    outcome = missing_axis.try_call(build(1, 3), table)
    assert not outcome.accepted and outcome.refusal == "ValueError"
    assert outcome.keras_says.startswith("Expected shape") and "(None, 1, 3)" in outcome.keras_says
    assert outcome.describe() == "(6, 3) into Input(shape=(1, 3)): refused, with a ValueError"
    assert missing_axis.try_call(build(1, 3), np.expand_dims(table, axis=1)).call_shape == (6, 1)


def test_the_sentence_is_found_without_terminal_markers():
    assert (
        missing_axis.expected_shape_sentence("\x1b[1mExpected shape (None, 1, 3), but\x1b[0m x")
        == "Expected shape (None, 1, 3), but x"
    )
    assert missing_axis.expected_shape_sentence("something else") is None
