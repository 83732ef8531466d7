"""Lesson 07's self-checks: the stateful layout of the live StatefulExplorer, and the batch size
against the features, graded by building real stateful models."""

from __future__ import annotations

from course import data
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["batch_count", "dropped_steps", "M2_OPTIONS", "batch_and_features"]


def batch_count(explorer) -> QuizSpec:
    """How many batches the stateful layout of the explorer's settings makes."""

    def mistakes():
        n, b, t = explorer.n_steps, explorer.batch_size, explorer.timesteps
        return {
            n // t: "That counts chunks, one per row. A batch takes one chunk from every stream: batch_size chunks.",
            n // b: "That is the length of each stream. Divide it by the timesteps to count the chunks per stream.",
            -(-n // (b * t)): "You rounded up. A stateful model only takes whole batches: the steps that do not fill "
            "one are dropped, so round down.",
        }

    return QuizSpec(
        question=lambda: (
            f"A series of {explorer.n_steps} steps, batch size {explorer.batch_size}, timesteps {explorer.timesteps}: "
            "how many batches does the stateful layout make?"
        ),
        answer=lambda: int(data.stateful_layout(explorer.n_steps, explorer.batch_size, explorer.timesteps).shape[0]),
        explanation="Each batch uses batch_size × timesteps steps (one chunk per stream), so the count is "
        "n_steps // (batch_size × timesteps).",
        mistakes=mistakes,
    )


def dropped_steps(explorer) -> QuizSpec:
    """How many steps the layout leaves out at the end."""

    def mistakes():
        n, b, t = explorer.n_steps, explorer.batch_size, explorer.timesteps
        return {
            n % t: "That is what is left after whole chunks. The layout needs whole batches, batch_size × timesteps "
            "steps each.",
            n
            % b: "That is what is left after splitting into streams of equal length; the streams must also hold whole "
            "chunks.",
        }

    return QuizSpec(
        question=lambda: f"And how many of the {explorer.n_steps} steps are dropped at the end?",
        answer=lambda: data.stateful_dropped(explorer.n_steps, explorer.batch_size, explorer.timesteps),
        explanation="Whatever is left after the whole batches: n_steps - batches × batch_size × timesteps.",
        mistakes=mistakes,
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
