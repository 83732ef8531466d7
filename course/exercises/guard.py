"""A checker's safety net: whatever a learner's answer makes a check trip over comes back as a
"not yet" :class:`~course.exercises.Result`, never as a traceback."""

from __future__ import annotations

import functools

from course.exercises import Result

__all__ = ["never_raises"]


def never_raises(check):
    """Wrap a ``check_...`` function so that an exception it did not foresee becomes a "not yet"."""

    @functools.wraps(check)
    def guarded(*args, **kwargs) -> Result:
        try:
            return check(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a learner's answer must never end in a traceback
            return Result(False, f"checking your answer raised {type(exc).__name__}: {exc}. Read the task again and rerun your cell.")

    return guarded
