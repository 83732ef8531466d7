"""Keras 2 habits on Keras 3, run for real (lesson 09): each row of ``cheatsheet.KERAS2_TO_3`` is
executed in both spellings and compared with what the table says."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from course._keras import keras as _keras
from course.lessons.cheatsheet import KERAS2_TO_3, Migration

__all__ = ["outcome", "MigrationCheck", "check_migrations"]


def outcome(snippet: str) -> str:
    """Run ``snippet`` with ``np`` and ``keras`` in scope: the exception's type name, ``"warning"``
    when it ran but warned, or ``"runs"``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(snippet, {"np": np, "keras": _keras()})  # noqa: S102 - the course's own table
        except Exception as exc:  # noqa: BLE001 - the exception's type is the outcome
            return type(exc).__name__
    return "warning" if caught else "runs"


@dataclass(frozen=True)
class MigrationCheck:
    """What each spelling of one row did on the installed Keras."""

    row: Migration
    keras2: str
    keras3: str

    @property
    def as_documented(self) -> bool:
        return self.keras2 == self.row.fails_with and self.keras3 == "runs"


def check_migrations(rows=KERAS2_TO_3) -> list[MigrationCheck]:
    """Run both spellings of every row."""
    return [MigrationCheck(row, outcome(row.keras2), outcome(row.keras3)) for row in rows]
