"""Lesson 09's migration check: the outcome of running each spelling, and the table's claims."""

import pytest

from course.experiments import migration
from course.lessons.cheatsheet import KERAS2_TO_3, Migration

pytestmark = pytest.mark.keras


def test_outcome_names_an_exception_a_warning_or_a_clean_run():
    assert migration.outcome("x = 1") == "runs"
    assert migration.outcome("raise KeyError('k')") == "KeyError"
    assert migration.outcome("import warnings; warnings.warn('old')") == "warning"
    assert migration.outcome("keras.optimizers.Adam(lr=0.001)") == "ValueError"


def test_every_row_of_the_table_behaves_as_documented():
    checks = migration.check_migrations()
    assert [check.row for check in checks] == list(KERAS2_TO_3)
    assert all(check.as_documented for check in checks), [(c.row.topic, c.keras2, c.keras3) for c in checks]


def test_a_row_that_does_not_fail_as_claimed_is_caught():
    wrong = Migration("claimed failure", "x = 1", "x = 2", "ValueError")
    (check,) = migration.check_migrations([wrong])
    assert check.keras2 == "runs" and not check.as_documented


def test_watch_records_keras_warnings_every_time_and_catches_errors(keras):
    def keras2_layer():
        return keras.layers.Dense(8, input_shape=(3,))

    for _ in range(2):  # a warning Python has shown once already is recorded again
        built = migration.watch(keras2_layer)
        assert built.error is None and built.value is not None
        assert migration.keras2_warnings(built.warnings) == list(built.warnings) and "input_shape" in built.warnings[0]
    clean = migration.watch(lambda: keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(8)]))
    assert clean.warnings == () and clean.error is None
    refused = migration.watch(lambda: keras.layers.LSTM(8, batch_input_shape=(4, 10, 1)))
    assert refused.value is None and type(refused.error).__name__ == "ValueError"


def test_watch_keeps_only_what_keras_warned_unless_asked():
    import warnings

    def not_keras():
        warnings.warn("from the learner's own code", UserWarning)
        return 1

    assert migration.watch(not_keras) == migration.Watched(1, (), None)
    assert migration.watch(not_keras, keras_only=False).warnings == ("from the learner's own code",)


def test_only_keras_2_spellings_count_as_habits():
    texts = [
        "Do not pass an `input_shape`/`input_dim` argument to a layer.",
        "Argument `input_shape` is deprecated. Use `shape` instead.",
        "Some other advice from Keras.",
    ]
    assert migration.keras2_warnings(texts) == texts[:2]
