"""Lesson 00's self-check: what one more feature costs, graded on the live ShapeExplorer."""

from __future__ import annotations

from dataclasses import replace

from course import models
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["one_more_feature"]


def one_more_feature(explorer) -> QuizSpec:
    """How many parameters one more feature adds, from two real Keras models' counts."""

    def answer():
        grown = models.build(replace(explorer.spec, features=explorer.features + 1))
        return int(grown.count_params() - explorer.model.count_params())

    def mistakes():
        units = explorer.units
        return {
            units + 1: "Close: you added a bias as well. Biases belong to the units, one each, and a new feature "
            "brings no new unit, so it brings no new bias.",
            1: "A feature is not one weight: it is connected to every unit of the hidden layer, one weight each.",
            explorer.features + 1: "That counts the features, not the weights. The new feature gets one weight "
            "to each unit of the hidden layer.",
            2
            * units: "The output layer does not grow: it reads the hidden layer's units, and their number did not change.",
        }

    return QuizSpec(
        question=lambda: (
            f"The model reads {explorer.features} features into {explorer.units} units. "
            "If you add one more feature, by how many parameters does the model grow?"
        ),
        answer=answer,
        explanation=lambda n: (
            f"One more feature adds one more row to the hidden layer's kernel, which holds one "
            f"weight for each of the {n} units. Nothing else changes."
        ),
        mistakes=mistakes,
    )
