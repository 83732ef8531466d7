"""A checker's safety net: whatever a learner's answer makes a check trip over comes back as a
"not yet" :class:`~course.lessons.exercises.Result`, never as a traceback."""

from __future__ import annotations

import functools

from course.lessons.exercises import Result

__all__ = ["never_raises"]


def never_raises(check):
    """Wrap a ``check_...`` function so that an exception it did not foresee becomes a "not yet"."""

    @functools.wraps(check)
    def guarded(*args, **kwargs) -> Result:
        try:
            return check(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a learner's answer must never end in a traceback
            return Result(
                False,
                f"checking your answer raised {type(exc).__name__}: {exc}. Read the task again and rerun your cell.",
            )

    return guarded


def unbuilt_answer(model, first_line: str):
    """The "not yet" for an answer that is not yet a Keras model with a known input (the
    placeholder, another type, layers without ``keras.Input``), or ``None`` with its input shape
    readable. ``first_line`` is the ``keras.Input(...)`` the task asks for."""
    from course.lessons.exercises import PLACEHOLDER_HINT, is_placeholder

    if is_placeholder(model):
        return Result(False, PLACEHOLDER_HINT)
    if not hasattr(model, "count_params") or not hasattr(model, "layers"):
        return Result(
            False, f"That is a {type(model).__name__}, not a Keras model. Build one with keras.Sequential([...])."
        )
    try:
        tuple(model.input_shape)
    except (AttributeError, ValueError):
        return Result(False, f"The model does not know its input yet: start its layers with {first_line}.")
    return None


__all__ += ["unbuilt_answer"]
