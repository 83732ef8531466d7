"""Lesson 00's exercise: write the model with 2 features and 5 units yourself."""

from __future__ import annotations

from course.lessons.exercises.dense_stack import check_dense_stack

__all__ = ["WIDTHS", "check_my_model"]

WIDTHS = (2, 5, 1)  # features, hidden units, output units


def check_my_model(model):
    """Grade the learner's Keras model: 2 features, one Dense layer of 5 units, one output."""
    return check_dense_stack(model, WIDTHS)
