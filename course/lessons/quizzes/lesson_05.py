"""Lesson 05's self-checks: windows and batches of the live WindowExplorer."""

from __future__ import annotations

from course import data
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["window_count", "batch_count"]


def window_count(explorer) -> QuizSpec:
    """How many windows the explorer's series gives, counted from the windows it really cut."""

    def setting():
        return len(explorer.values()), explorer.window, explorer.horizon, explorer.stride

    def mistakes():
        length, window, horizon, stride = setting()
        return {
            (length - window) // stride + 1: "That is the count with the target inside the window. The target lies "
            f"{horizon} step(s) after the window's end, and it must fall inside the series too: subtract the horizon as well.",
            (length - window - horizon) // stride: "Off by one: the first window starts at step 1, so add 1 to the "
            "number of steps you can move the window forward.",
            length - window - horizon + 1: f"That counts every start position; with stride {stride} only every "
            f"{stride}-th one starts a window: divide by the stride (rounding down) before adding 1.",
            length // window: "That cuts the series into pieces that do not overlap, like a reshape. Windows slide "
            "along the series and share steps.",
        }

    return QuizSpec(
        question=lambda: (
            f"The '{explorer.series}' series has {len(explorer.values())} steps. With window {explorer.window}, "
            f"horizon {explorer.horizon} and stride {explorer.stride}, how many windows are there?"
        ),
        answer=lambda: len(explorer.windows()[0]),
        explanation="Count the steps where a window can start with its target still inside the series, and keep every "
        "stride-th one: (length - window - horizon) // stride + 1.",
        mistakes=mistakes,
    )


def batch_count(explorer) -> QuizSpec:
    """How many batches Keras makes from the explorer's windows, counted from Keras's own batches."""

    def answer():
        return len(
            data.keras_windows(
                explorer.values(), explorer.window, explorer.horizon, explorer.stride, explorer.batch_size
            )
        )

    def mistakes():
        n = len(explorer.windows()[0])
        return {
            n
            // explorer.batch_size: "You rounded down. Keras keeps the short last batch, and it counts as a batch of its own.",
            n: "That is the number of windows. A batch holds up to batch_size windows.",
            len(explorer.values()) // explorer.batch_size: "Batches are made of windows, not of steps of the series: "
            "count the windows first.",
        }

    return QuizSpec(
        question=lambda: (
            f"And with batch size {explorer.batch_size}, how many batches does Keras make from those windows?"
        ),
        answer=answer,
        explanation="Windows divided by the batch size, rounded up. This count comes from the batches that "
        "timeseries_dataset_from_array really made.",
        mistakes=mistakes,
    )
