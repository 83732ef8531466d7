"""Lesson 01's exercise: the 8 -> 12 -> 8 -> 1 network from a learner's question, in Keras 3."""

from __future__ import annotations

from course.lessons.exercises.dense_stack import check_dense_stack

__all__ = ["SEED_WIDTHS", "check_seed_network"]

SEED_WIDTHS = (8, 12, 8, 1)  # 8 features, hidden layers of 12 and 8 units, one output


def check_seed_network(model):
    """Grade the learner's Keras 3 model of the 8 -> 12 -> 8 -> 1 network."""
    return check_dense_stack(model, SEED_WIDTHS)
