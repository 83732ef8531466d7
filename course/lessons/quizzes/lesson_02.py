"""Lesson 02's self-check: iterations per epoch, graded by the batches Keras really ran.

``counting_mistakes`` works out, for one table and batch size, the wrong counts a learner is likely
to give and a hint for each that is true for those numbers. Where two slips give the same number
(50 rows in batches of 7: the batch size is 7, and so is 50 ÷ 7 rounded down) the hint names both.
Lesson 03's count of updates per epoch uses it too.
"""

from __future__ import annotations

from course import shapes
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["counting_mistakes", "iterations"]


_COUNT_WORDS = {2: "two", 3: "three", 4: "four"}


def _quotient(value: float) -> str:
    """'= 6.25' where three decimals are exact, else '≈ 7.14'."""
    return f"= {value:g}" if round(value, 3) == value else f"≈ {value:.2f}"


def _rows(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


def _slips(rows: int, batch_size: int, epochs: int, step: str) -> list[tuple[object, str]]:
    """(wrong answer, why it is wrong) for each slip, in the order the hints name them."""
    per_epoch = shapes.iterations_per_epoch(rows, batch_size)
    left = rows - (per_epoch - 1) * batch_size  # rows in the last batch
    full, remainder = divmod(rows, batch_size)
    quotient = rows / batch_size
    slips: list[tuple[object, str]] = [
        (
            batch_size,
            f"{batch_size} is the batch size, the rows in one batch; the question is how many batches it takes "
            f"to cover {_rows(rows)}.",
        )
    ]
    if remainder:
        if full:
            slips.append(
                (
                    full,
                    f"{rows} ÷ {batch_size} rounded down is {full}: {full} full batch{'es' if full != 1 else ''} "
                    f"cover{'s' if full == 1 else ''} {full * batch_size} rows, and the {_rows(remainder)} left over "
                    f"still go{'es' if remainder == 1 else ''} through as one shorter last batch, which makes its own {step}.",
                )
            )
        else:
            slips.append(
                (
                    0,
                    f"{rows} ÷ {batch_size} rounded down is 0, but no row is left out: {_rows(rows)}, fewer than one "
                    f"batch, go through as one short batch, which makes one {step}.",
                )
            )
        decimal = (
            f"{rows} ÷ {batch_size} {_quotient(quotient)}, but {step}s come whole: a batch runs or it does not. Round "
            f"up: the last batch holds the {_rows(left)} left over."
        )
        slips += [(round(quotient, digits), decimal) for digits in (2, 1)] + [(quotient, decimal)]
    if batch_size > 1:
        slips.append(
            (
                rows,
                f"{rows} is one {step} per row, which is batch size 1. With batch_size={batch_size} each {step} "
                f"takes up to {batch_size} rows at once.",
            )
        )
        slips.append(
            (
                rows * batch_size,
                f"{rows} × {batch_size} multiplies where it should divide: a bigger batch means fewer {step}s, not more.",
            )
        )
    if epochs > 1:
        slips.append(
            (
                per_epoch * epochs,
                f"{per_epoch * epochs} counts all {epochs} epochs of {rows} rows in batches of {batch_size}. The "
                f"question is about one epoch: divide by {epochs}.",
            )
        )
    return slips


def counting_mistakes(rows: int, batch_size: int, epochs: int = 1, step: str = "iteration") -> dict:
    """``{wrong answer: hint}`` for counting the ``step``s (iterations, updates) of one epoch of
    ``rows`` rows in batches of ``batch_size``, trained for ``epochs`` epochs. Each hint is true
    for these numbers; where several slips give the same number, its hint names each of them. The
    right answer is never among the keys."""
    rows = shapes.check_size("rows", rows)
    batch_size = shapes.check_size("batch_size", batch_size)
    epochs = shapes.check_size("epochs", epochs)
    truth = shapes.iterations_per_epoch(rows, batch_size)
    reasons: dict = {}
    for guess, why in _slips(rows, batch_size, epochs, step):
        if guess != truth and why not in reasons.setdefault(guess, []):
            reasons[guess].append(why)
    return {
        guess: why[0]
        if len(why) == 1
        else f"{guess} can come from {_COUNT_WORDS.get(len(why), len(why))} slips. " + " Or: ".join(why)
        for guess, why in reasons.items()
    }


def iterations(explorer) -> QuizSpec:
    """How many batches one epoch makes, counted by a callback in a real training run."""
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
        mistakes=lambda: counting_mistakes(explorer.n_samples, explorer.batch_size, explorer.epochs),
    )
