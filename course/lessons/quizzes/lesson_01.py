"""Lesson 01's self-check: the whole model's parameters, graded by Keras's ``count_params()``."""

from __future__ import annotations

from course import models
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["parameters"]


def parameters(explorer) -> QuizSpec:
    """All trainable parameters of the explorer's current model."""

    def mistakes():
        rows = [row for row in models.layer_table(explorer.spec) if row.params]
        total = sum(row.params for row in rows)
        biases = sum(row.units for row in rows)
        pairs = [
            (
                total - biases,
                "You left out the biases: every unit of every Dense layer has one, the output unit included.",
            ),
            (
                total - rows[-1].params,
                (
                    "You forgot the output layer: it is a Dense layer too, with a weight from each "
                    "unit of the last hidden layer plus its bias."
                ),
            ),
            (
                rows[0].params,
                (
                    "That is the first hidden layer alone. Add every layer that holds weights: the other "
                    "hidden layers and the output layer."
                ),
            ),
            (
                explorer.features * explorer.units,
                ("You multiplied features by units and stopped there: add the biases, and the layers after the first."),
            ),
        ]
        if explorer.batch_size and explorer.batch_size > 1:
            pairs.append(
                (
                    total * explorer.batch_size,
                    ("The batch size multiplies nothing: no weight depends on how many rows go through together."),
                )
            )
        if explorer.n_layers > 1:
            one_layer = models.total_params(models.ModelSpec(features=explorer.features, units=explorer.units))
            pairs.append(
                (
                    one_layer,
                    (
                        "That is the model with one hidden layer. The later hidden layers read the units "
                        "of the layer before them, not the features: units × units + units each."
                    ),
                )
            )
        found = {}
        for guess, hint in pairs:  # where two mistakes give the same number, the likelier one speaks
            found.setdefault(guess, hint)
        return found

    return QuizSpec(
        question=lambda: (
            f"How many trainable parameters does the model above have, with {explorer.features} features, "
            f"{explorer.n_layers} hidden layer(s) of {explorer.units} units and a batch size of {explorer.batch_size}?"
        ),
        answer=lambda: int(explorer.model.count_params()),
        explanation="Each Dense layer has inputs × units weights plus one bias per unit; the input layer has none, "
        "and the batch size never appears.",
        mistakes=mistakes,
    )
