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
