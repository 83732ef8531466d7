"""What Keras 3 does with data that has one axis too few: run it quietly, or refuse it.

``try_call`` hands the data to a model the two ways a learner would (a direct call and
``predict``) and reports what happened as a value: the output shapes when Keras accepted the
data, any warning it gave, and, when it refused, the error's type and the sentence of its message
that names the expected shape (without the data's values and the terminal's bold markers).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["CallOutcome", "expected_shape_sentence", "try_call"]

_MARKERS = re.compile(r"\x1b\[[0-9;]*m")


def expected_shape_sentence(message: str) -> str | None:
    """The "Expected shape ..." sentence of a Keras input-shape error, or None."""
    found = re.search(r"Expected shape[^\n]*", _MARKERS.sub("", message))
    return found.group(0).strip() if found else None


@dataclass(frozen=True)
class CallOutcome:
    data_shape: tuple
    model_input: tuple  # the model's declared input shape, batch axis as None
    call_shape: tuple | None  # output of model(x), None when refused
    predict_shape: tuple | None  # output of model.predict(x), None when refused
    warnings: int  # warnings Keras gave on the way
    refusal: str | None  # the error's type when Keras refused
    keras_says: str | None  # the sentence naming the expected shape, when refused

    @property
    def accepted(self) -> bool:
        return self.refusal is None

    def describe(self) -> str:
        """One line: the data, the model's input, and what Keras did."""
        head = f"{self.data_shape} into Input(shape={self.model_input[1:]}):"
        if not self.accepted:
            return f"{head} refused, with a {self.refusal}"
        return f"{head} runs, output {self.call_shape}, predict gives {self.predict_shape}, warnings: {self.warnings}"


def try_call(model, x) -> CallOutcome:
    """Call ``model`` on ``x`` directly and with ``predict``; never raises for a refused shape."""
    x = np.asarray(x, dtype="float32")
    model_input = tuple(model.inputs[0].shape)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call_shape = tuple(model(x).shape)
            predict_shape = tuple(model.predict(x, verbose=0).shape)
        except Exception as exc:  # noqa: BLE001 - the refusal is the finding
            return CallOutcome(
                x.shape, model_input, None, None, len(caught), type(exc).__name__, expected_shape_sentence(str(exc))
            )
    return CallOutcome(x.shape, model_input, call_shape, predict_shape, len(caught), None, None)
