"""Keras 2 habits on Keras 3, run for real (lesson 09): each row of ``cheatsheet.KERAS2_TO_3`` is
executed in both spellings and compared with what the table says; and :func:`watch` builds a
learner's model while it records what Keras warned, so that "no warning" is said only after it
was looked for."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from course._keras import keras as _keras
from course.lessons.cheatsheet import KERAS2_TO_3, Migration

__all__ = ["outcome", "MigrationCheck", "check_migrations", "Watched", "watch", "keras2_warnings"]

#: Words of the warnings Keras 3 gives where code still uses a Keras 2 spelling: an ``input_shape``
#: or ``input_dim`` on a layer, or an argument renamed since (``InputLayer(input_shape=...)``).
KERAS2_WORDS = ("input_shape", "input_dim", "deprecated")


@dataclass(frozen=True)
class Watched:
    """What running a piece of code did: the value it returned (None where it raised), the text
    of every warning Keras gave while it ran, and the exception it raised, if any."""

    value: object
    warnings: tuple[str, ...]
    error: Exception | None


def _from_keras(caught: warnings.WarningMessage) -> bool:
    """Whether a warning came from Keras's own code (not from numpy, say, or the learner's)."""
    path = str(caught.filename).replace("\\", "/")
    return "/keras/" in path or "/tf_keras/" in path


def watch(run, *, keras_only: bool = True) -> Watched:
    """Call ``run()`` while recording every warning (even one already shown once in this
    kernel), and catch what it raises. With ``keras_only`` the warnings Keras itself gave are
    kept, others are left out."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value, error = run(), None
        except Exception as exc:  # noqa: BLE001 - what it raised is part of what it did
            value, error = None, exc
    kept = tuple(str(w.message) for w in caught if not keras_only or _from_keras(w))
    return Watched(value, kept, error)


def keras2_warnings(texts) -> list[str]:
    """Those of the warning ``texts`` that Keras gives for a Keras 2 spelling."""
    return [text for text in texts if any(word in text for word in KERAS2_WORDS)]


def outcome(snippet: str) -> str:
    """Run ``snippet`` with ``np`` and ``keras`` in scope: the exception's type name, ``"warning"``
    when it ran but warned, or ``"runs"``."""
    namespace = {"np": np, "keras": _keras()}
    ran = watch(lambda: exec(snippet, namespace), keras_only=False)  # noqa: S102 - the course's own table
    if ran.error is not None:
        return type(ran.error).__name__
    return "warning" if ran.warnings else "runs"


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
