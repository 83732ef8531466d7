"""Lesson 02's self-check: iterations per epoch, graded by the batches Keras really ran."""

from __future__ import annotations

from course import shapes
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["iterations"]


def iterations(explorer) -> QuizSpec:
    """How many batches one epoch makes, counted by a callback in a real training run."""

    def mistakes():
        rows, batch = explorer.n_samples, explorer.batch_size
        per_epoch = shapes.iterations_per_epoch(rows, batch)
        found = {
            rows // batch: "You rounded down. The rows left over still go through, as one shorter last batch, "
            "and that batch makes its own update.",
            rows: "That is one iteration per row, which is batch size 1. Each iteration takes a whole batch of rows.",
            rows * batch: "Multiplying goes the wrong way: a bigger batch means fewer iterations, not more. Divide.",
            batch: "That is the number of rows in a batch. The question is how many batches cover the table.",
        }
        if explorer.epochs > 1:
            found[per_epoch * explorer.epochs] = (
                f"That counts all {explorer.epochs} epochs. The question is about one epoch."
            )
        return found

    return QuizSpec(
        question=lambda: (
            f"With {explorer.n_samples} rows and a batch size of {explorer.batch_size}, how many "
            "iterations (weight updates) does one epoch make?"
        ),
        answer=lambda: explorer.train().batches_run[0],
        explanation=lambda n: (
            f"Counted from the real training run: Keras ran {n} batches per epoch. Every batch is one "
            "update; a partial last batch still counts as one."
        ),
        mistakes=mistakes,
    )
