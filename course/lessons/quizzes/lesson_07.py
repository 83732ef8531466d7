"""Lesson 07's self-checks: the stateful layout of the live StatefulExplorer, and the batch size
against the features, graded by building real stateful models."""

from __future__ import annotations

from course import data
from course.lessons.quizzes.spec import QuizSpec

__all__ = [
    "batch_count",
    "batch_count_hints",
    "dropped_steps",
    "dropped_step_hints",
    "M2_OPTIONS",
    "batch_and_features",
]


def _merge(pairs) -> dict:
    """``{wrong answer: hint}`` from ``(answer, sentence)`` pairs; where two likely mistakes give the
    same number, the learner may have made either, so the hint says both."""
    hints: dict = {}
    for answer, sentence in pairs:
        hints[answer] = f"{hints[answer]} Or: {sentence}" if answer in hints else sentence
    return hints


def batch_count_hints(n_steps: int, batch_size: int, timesteps: int) -> dict:
    """The likely wrong batch counts for this layout, each with the sentence that is true of it."""
    n, b, t = n_steps, batch_size, timesteps
    n_batches = n // (b * t)
    stream = n_batches * t  # steps each stream keeps: whole chunks only
    pairs = [
        (
            n // t,
            f"That is {n} // {t} = {n // t}, the number of chunks of {t} steps in the whole series. A batch takes "
            f"one chunk from every stream: {b} chunks.",
        ),
    ]
    if n // b == stream:
        pairs.append(
            (
                n // b,
                f"That is the length of each stream: {n} // {b} = {n // b} steps. Divide it by the timesteps to "
                "count the chunks per stream.",
            )
        )
    else:
        pairs.append(
            (
                n // b,
                f"That is {n} // {b} = {n // b}, the steps per stream before trimming. Each stream keeps only whole "
                f"chunks of {t} steps, so it holds {stream} steps; count its chunks.",
            )
        )
    pairs.append(
        (
            -(-n // (b * t)),
            "You rounded up. A stateful model only takes whole batches: the steps that do not fill one are "
            "dropped, so round down.",
        )
    )
    return _merge(pairs)


def dropped_step_hints(n_steps: int, batch_size: int, timesteps: int) -> dict:
    """The likely wrong counts of dropped steps, each with the sentence that is true of it."""
    n, b, t = n_steps, batch_size, timesteps
    return _merge(
        [
            (
                n % t,
                f"That is {n} % {t} = {n % t}, what is left after whole chunks. The layout needs whole batches, "
                f"{b} × {t} = {b * t} steps each.",
            ),
            (
                n % b,
                f"That is {n} % {b} = {n % b}, what is left after cutting {b} streams of equal length; the streams "
                f"must also hold whole chunks of {t} steps.",
            ),
        ]
    )


def batch_count(explorer) -> QuizSpec:
    """How many batches the stateful layout of the explorer's settings makes."""
    return QuizSpec(
        question=lambda: (
            f"A series of {explorer.n_steps} steps, batch size {explorer.batch_size}, timesteps {explorer.timesteps}: "
            "how many batches does the stateful layout make?"
        ),
        answer=lambda: int(data.stateful_layout(explorer.n_steps, explorer.batch_size, explorer.timesteps).shape[0]),
        explanation="Each batch uses batch_size × timesteps steps (one chunk per stream), so the count is "
        "n_steps // (batch_size × timesteps).",
        mistakes=lambda: batch_count_hints(explorer.n_steps, explorer.batch_size, explorer.timesteps),
    )


def dropped_steps(explorer) -> QuizSpec:
    """How many steps the layout leaves out at the end."""
    return QuizSpec(
        question=lambda: f"And how many of the {explorer.n_steps} steps are dropped at the end?",
        answer=lambda: data.stateful_dropped(explorer.n_steps, explorer.batch_size, explorer.timesteps),
        explanation="Whatever is left after the whole batches: n_steps - batches × batch_size × timesteps.",
        mistakes=lambda: dropped_step_hints(explorer.n_steps, explorer.batch_size, explorer.timesteps),
    )


M2_OPTIONS = (
    "Yes: with 16 features the batch size must be 16, 32, 48, ...",
    "No: any batch size works with any number of features; the number of sequences must be a multiple of the batch size",
    "Only when the number of units equals the batch size",
)


def batch_and_features(cases=((7, 3), (5, 16))) -> QuizSpec:
    """Must a stateful batch size be a multiple of the features? Graded by running real stateful
    models whose batch size is not."""

    def answer():
        from course.experiments.stateful import stateful_run

        unrelated = all(
            stateful_run(batch_size, features).output_shape == (batch_size, 1) for batch_size, features in cases
        )
        return M2_OPTIONS[1] if unrelated else M2_OPTIONS[0]

    return QuizSpec(
        question="A stateful LSTM reads 16 features per step. Must its batch size be a multiple of 16?",
        answer=answer,
        explanation="The answer was computed by building stateful models with "
        + " and ".join(f"batch {b} and {f} features" for b, f in cases)
        + ": both ran. Batch size and features sit on different axes and never meet.",
        options=M2_OPTIONS,
        mistakes={
            M2_OPTIONS[0]: "This is the misreading of the old documentation example (batch 32, 16 features). The batch "
            "counts sequences, the features count values per step; a batch of 7 with 3 features runs.",
            M2_OPTIONS[
                2
            ]: "Units and batch size never meet either: LSTM(7) with a batch of 32 keeps a state of (32, 7).",
        },
    )
