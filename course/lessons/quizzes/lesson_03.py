"""Lesson 03's self-checks, graded on the live TrainingLab."""

from __future__ import annotations

from course import shapes
from course.lessons.quizzes.lesson_02 import counting_mistakes
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["most_updates", "updates_per_epoch"]


def _label(batch_size: int, n_train: int) -> str:
    return f"batch {batch_size} ({shapes.descent_flavour(batch_size, n_train)})"


def most_updates(lab, batch_sizes) -> QuizSpec:
    """Which run moved its weights most often, read from the optimizer counters of the lab's runs."""
    sizes = sorted(batch_sizes)
    labels = {b: _label(b, lab.n_train) for b in sizes}

    def answer():
        runs = lab.compare(batch_sizes=sizes)
        if runs is None:
            raise ValueError("the lab is busy with another run; check again when it has finished")
        return labels[max(runs, key=lambda curve: curve.updates[-1]).batch_size]

    def mistakes():
        found = {
            labels[sizes[-1]]: "That run makes the fewest: a batch that large is cut from the data only "
            f"{shapes.iterations_per_epoch(lab.n_train, sizes[-1])} time(s) per epoch, and each batch is one update."
        }
        for b in sizes[1:-1]:
            found[labels[b]] = "Between the two: smaller batches than this one cut each epoch into more pieces."
        return found

    return QuizSpec(
        question=lambda: (
            f"In {lab.epochs} epochs over the {lab.n_train} training rows, which run moved its weights most often?"
        ),
        answer=answer,
        explanation="One batch makes one update, and the smaller the batch, the more batches an epoch is cut into.",
        options=tuple(labels.values()),
        mistakes=mistakes,
    )


def updates_per_epoch(lab) -> QuizSpec:
    """Updates in one epoch at the lab's current batch size (the optimizer's counter agrees: tested),
    with lesson 02's hints, each true for the lab's numbers."""
    return QuizSpec(
        question=lambda: (
            f"With {lab.n_train} training rows and batch_size={lab.batch_size}, how many weight updates does one epoch make?"
        ),
        answer=lambda: shapes.iterations_per_epoch(lab.n_train, lab.batch_size),
        explanation=lambda n: (
            f"{lab.n_train} rows ÷ {lab.batch_size}, rounded up, is {n}: a shorter last batch still makes "
            "its own update. The optimizer's own counter agreed with this rule in every run above."
        ),
        mistakes=lambda: counting_mistakes(lab.n_train, lab.batch_size, lab.epochs, step="update"),
    )
