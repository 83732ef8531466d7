"""Lesson 06's self-checks: an LSTM's parameters and the units it accepts, graded by Keras."""

from __future__ import annotations

from course import shapes
from course.lessons.quizzes.spec import QuizSpec

__all__ = ["first_layer_params", "UNIT_OPTIONS", "units_that_run"]

#: What an LSTM's and a GRU's weight blocks are: their gates and, not a gate, the candidate.
_BLOCKS = {
    "LSTM": " (three gates, input, forget and output, and the candidate)",
    "GRU": " (two gates, update and reset, and the candidate)",
}


def first_layer_params(explorer) -> QuizSpec:
    """The first recurrent layer's parameters in the live UnitsExplorer, read from its Keras model."""

    def mistakes():
        layer, f, u = explorer.layer, explorer.features, explorer.units
        gates = shapes.gates(layer)
        total = shapes.layer_params(layer, f, u)
        found = {
            total
            // gates: f"That is one gate's weights, a single block. A {layer} has {gates} weight block(s) of the same "
            f"size{_BLOCKS.get(layer, '')}: multiply by {gates}.",
            gates * (f * u + u): "You left out the recurrent weights: every unit also reads the whole previous hidden "
            "state, units × units weights per block.",
            gates * (f * u + u * u): "You left out the biases: one per unit and block (a GRU keeps two by default).",
            total * explorer.timesteps: "The timesteps never enter the count: the same weights are used at every step.",
            int(
                explorer.model.count_params()
            ): "That is the whole model, with the Dense output layer. The question asks about hidden_1 alone.",
        }
        if layer == "GRU":
            found[shapes.gru_params(f, u, reset_after=False)] = (
                "Keras's GRU keeps two biases per unit and gate by default (reset_after=True): add units × 3 more."
            )
        return found

    return QuizSpec(
        question=lambda: (
            f"How many parameters does the first recurrent layer (hidden_1) have: {explorer.layer}({explorer.units}) "
            f"reading {explorer.features} feature(s) per step?"
        ),
        answer=lambda: int(explorer.model.get_layer("hidden_1").count_params()),
        explanation=lambda n: (
            f"{shapes.param_equation(explorer.layer, explorer.features, explorer.units)}. Each weight block (an LSTM has "
            "three gates and a candidate) has "
            "features × units input weights, units × units recurrent weights and one bias per unit (by default a GRU "
            "block keeps two biases per unit). Neither the timesteps nor the batch size appear."
        ),
        mistakes=mistakes,
    )


UNIT_OPTIONS = (
    "exactly 3: one unit per feature",
    "at most 3: no more units than features",
    "any whole number from 1 up",
    "only multiples of 32",
)


def _runs(units: int, features: int = 3, timesteps: int = 4) -> bool:
    import numpy as np

    from course.models import ModelSpec, build

    model = build(ModelSpec(layer="LSTM", features=features, units=units, timesteps=timesteps))
    try:
        return tuple(model(np.zeros((2, timesteps, features), dtype="float32")).shape) == (2, 1)
    except Exception:  # noqa: BLE001 - a failure is the answer "it does not run"
        return False


def units_that_run(tried=(1, 2, 3, 5, 33, 100)) -> QuizSpec:
    """Which unit counts an LSTM on 3 features accepts, found by building and running real LSTMs."""

    def answer():
        runs = [_runs(units) for units in tried]
        if all(runs):
            return UNIT_OPTIONS[2]
        return UNIT_OPTIONS[1] if all(runs[:3]) else UNIT_OPTIONS[0]

    return QuizSpec(
        question="An LSTM reads sequences of 3 features per step. Which unit counts will Keras build and run?",
        answer=answer,
        explanation=f"Checked just now by building and running real LSTMs with {', '.join(map(str, tried))} units on 3 "
        "features. Every unit reads all the features, so nothing links the two numbers.",
        options=UNIT_OPTIONS,
        mistakes={
            UNIT_OPTIONS[
                0
            ]: "A unit is not a slot for one input: every unit reads every feature. Units are the size of "
            "the hidden state, a number you choose.",
            UNIT_OPTIONS[
                1
            ]: "More units than features is normal (LSTM(100) on 1 feature, above): the units set the size "
            "of the layer's memory, not how many values come in.",
            UNIT_OPTIONS[
                3
            ]: "32 is a habit, not a rule: the optional timing extension of this lesson tests whether it is "
            "even faster. "
            "Keras builds any positive number of units.",
        },
    )
