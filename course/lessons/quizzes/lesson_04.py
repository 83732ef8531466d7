"""Lesson 04's self-checks, graded on real recurrent models built like the live SequenceExplorer's."""

from __future__ import annotations

from course import models, shapes
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["LAYOUTS", "layer_parameters", "layout", "steps", "steps_run"]


def steps_run(layer: str, timesteps: int, features: int, units: int) -> int:
    """How many hidden states a recurrent layer hands back with return_sequences=True: one per step."""
    spec = models.ModelSpec(layer=layer, features=features, units=units, timesteps=timesteps, return_sequences=True)
    return int(models.build(spec).output_shape[1])


def steps(explorer) -> QuizSpec:
    """How many times the cell runs for each sample."""

    def mistakes():
        return {
            explorer.features: "That is the features, the values read at each step. All of them are read in the same run.",
            explorer.units: "That is the units, the size of the hidden state. It does not decide how many steps there are.",
            explorer.n_samples: "The samples are computed side by side, not one after another: they do not add steps.",
            explorer.n_samples
            * explorer.timesteps: "That counts the steps of every sample together. The question is per sample.",
        }

    return QuizSpec(
        question=lambda: (
            f"Data of shape {explorer.data_shape} goes into {explorer.layer}({explorer.units}). "
            "How many times does the cell run for each sample?"
        ),
        answer=lambda: steps_run(explorer.layer, explorer.timesteps, explorer.features, explorer.units),
        explanation="One run per timestep. The samples are computed side by side, not one after another, "
        "and the features of a step are all read in the same run.",
        mistakes=mistakes,
    )


def layer_parameters(explorer) -> QuizSpec:
    """The recurrent layer's parameters, from Keras's count."""

    def mistakes():
        layer, features, units = explorer.layer, explorer.features, explorer.units
        params = shapes.layer_params(layer, features, units)
        blocks = shapes.gates(layer)
        one_block = features * units + units * units + units
        found = {
            params
            * explorer.timesteps: "The timesteps multiply nothing: the same weights are used again at every step.",
            shapes.dense_params(features, units): "That is a Dense layer's count. A recurrent layer also has the "
            "recurrent kernel, units × units, which mixes in the hidden state from the step before.",
        }
        if blocks > 1:
            found[one_block] = (
                f"That is one block of weights. An {layer} has {blocks} of them side by side (lesson 06 opens them up), "
                f"so multiply by {blocks}."
            )
        return found

    return QuizSpec(
        question=lambda: (
            f"How many parameters does the {explorer.layer}({explorer.units}) layer hold, reading "
            f"{explorer.timesteps} timestep(s) of {explorer.features} feature(s)?"
        ),
        answer=lambda: int(explorer.model.get_layer("hidden_1").count_params()),
        explanation=lambda n: (
            f"{shapes.param_equation(explorer.layer, explorer.features, explorer.units)}. "
            "The same weights are used at every step, so neither the timesteps nor the samples appear."
        ),
        mistakes=mistakes,
    )


LAYOUTS = (
    "3 steps, one column per step, each step also reading the hidden state of the step before",
    "1 step that reads all 3 columns at once; there is no earlier step, so the hidden state starts from zeros",
    "3 units, one per column, each reading its own column",
    "4 steps, one per unit",
)


def layout() -> QuizSpec:
    """What LSTM(4) does with a row of 3 columns given as (N, 1, 3), read from a real model."""
    return QuizSpec(
        question="A table with 3 columns goes into LSTM(4) as (N, 1, 3). What does the layer do with each row?",
        answer=lambda: {3: LAYOUTS[0], 1: LAYOUTS[1]}[steps_run("LSTM", timesteps=1, features=3, units=4)],
        explanation="The middle axis is the timesteps: 1 here. The 3 columns are the features of that single step, and "
        "every one of the 4 units reads all of them.",
        options=LAYOUTS,
        mistakes={
            LAYOUTS[0]: "That is (N, 3, 1): there the middle axis is 3. Here the middle axis, the timesteps, is 1.",
            LAYOUTS[2]: "Units do not belong to columns: every unit has a weight from every feature.",
            LAYOUTS[
                3
            ]: "The units are the size of the hidden state, not a number of steps. The steps come from the middle axis.",
        },
    )
