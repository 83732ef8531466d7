"""What ``fit``, ``evaluate``, ``predict`` and ``fit(validation_data=...)`` do to a stateful
layer's state (lesson 07), measured on the installed Keras rather than remembered.

The measuring instrument is a recurrent layer whose state counts steps: a stateful ``SimpleRNN(1)``
with no bias, both weights fixed at 1 and a linear activation, fed ones, so that its state after a
batch is simply the number of steps it has read since its last reset. A learning rate of zero keeps
the weights at 1 while ``fit`` runs. Callbacks read the count after every batch; each question is
then answered by comparing the count Keras left with the two counts it would show if the state had
been carried on or reset (``StateCheck``), and the sentence follows the measurement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course._keras import keras as _keras

__all__ = ["StateCheck", "StateTrace", "counter_model", "trace_state_calls", "state_advice"]


@dataclass(frozen=True)
class StateCheck:
    """One question about the state, answered by a count of steps.

    ``measured`` is the count the counter showed; ``if_carried`` the count had the state carried on
    from before, ``if_reset`` the count had it started from zeros.
    """

    call: str  # what ran, e.g. "fit, between epochs"
    measured: float
    if_carried: float
    if_reset: float

    @property
    def outcome(self) -> str:
        """ "carried", "reset", or "other" when the count matches neither."""
        if np.isclose(self.measured, self.if_carried):
            return "carried"
        if np.isclose(self.measured, self.if_reset):
            return "reset"
        return "other"

    def sentence(self) -> str:
        counts = (
            f"the counter read {self.measured:g} steps ({self.if_carried:g} if the state carried on, "
            f"{self.if_reset:g} if it was reset)"
        )
        if self.outcome == "carried":
            return f"{self.call}: the state carries on, {counts}."
        if self.outcome == "reset":
            return f"{self.call}: the state is reset to zeros, {counts}."
        return f"{self.call}: neither carried on nor reset, {counts}."


@dataclass(frozen=True)
class StateTrace:
    """The counts after every batch, and the checks they answer."""

    batch_size: int
    timesteps: int
    train_batches: int
    val_batches: int
    epochs: list  # per epoch: {"train": [count after each batch], "validation": [...]}
    evaluate_counts: list
    predict_counts: list
    checks: tuple  # StateCheck, one per question

    def check(self, call: str) -> StateCheck:
        for found in self.checks:
            if found.call == call:
                return found
        raise KeyError(f"No check named {call!r}; the checks are {[c.call for c in self.checks]}.")

    def table(self) -> str:
        lines = []
        for number, epoch in enumerate(self.epochs, start=1):
            lines.append(
                f"fit, epoch {number}: after each training batch {_counts(epoch['train'])}, "
                f"after each validation batch {_counts(epoch['validation'])}"
            )
        lines.append(f"evaluate after fit:  after each batch {_counts(self.evaluate_counts)}")
        lines.append(f"predict after that:  after each batch {_counts(self.predict_counts)}")
        return "\n".join(lines)


def _counts(values) -> str:
    return ", ".join(f"{value:g}" for value in values)


def counter_model(batch_size: int = 2, timesteps: int = 5):
    """A stateful model whose state counts the steps read since its last reset, compiled so that
    ``fit`` leaves its weights alone (plain SGD with a learning rate of zero)."""
    keras = _keras()
    inputs = keras.Input(batch_shape=(batch_size, timesteps, 1), name="steps")
    counter = keras.layers.SimpleRNN(
        1,
        activation="linear",
        use_bias=False,
        kernel_initializer="ones",
        recurrent_initializer="ones",
        stateful=True,
        name="counter",
    )
    model = keras.Model(inputs, counter(inputs), name="step_counter")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    return model


def _count(layer) -> float:
    return float(layer.states[0].numpy()[0, 0])


def trace_state_calls(batch_size: int = 2, timesteps: int = 5, train_batches: int = 3, val_batches: int = 2):
    """Run a counter model through ``fit`` (two epochs with ``validation_data``), then ``evaluate``
    and ``predict``, reading its state after every batch, and answer from the counts whether each
    call carries the state on or resets it. Returns a ``StateTrace``."""
    keras = _keras()
    model = counter_model(batch_size, timesteps)
    layer = model.get_layer("counter")
    b, t = batch_size, timesteps

    def ones(batches):
        return np.ones((batches * b, t, 1), "float32"), np.zeros((batches * b, 1), "float32")

    epochs: list = []

    class Record(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            epochs.append({"train": [], "validation": []})

        def on_train_batch_end(self, batch, logs=None):
            epochs[-1]["train"].append(_count(layer))

        def on_test_batch_end(self, batch, logs=None):
            if not fitted:  # the validation pass inside fit
                epochs[-1]["validation"].append(_count(layer))
            else:
                evaluate_counts.append(_count(layer))

        def on_predict_batch_end(self, batch, logs=None):
            predict_counts.append(_count(layer))

    fitted = False
    evaluate_counts: list = []
    predict_counts: list = []
    record = Record()
    x_train, y_train = ones(train_batches)
    x_val, y_val = ones(val_batches)
    model.fit(
        x_train,
        y_train,
        batch_size=b,
        epochs=2,
        shuffle=False,
        validation_data=(x_val, y_val),
        callbacks=[record],
        verbose=0,
    )
    fitted = True
    after_fit = _count(layer)
    model.evaluate(x_val, y_val, batch_size=b, callbacks=[record], verbose=0)
    after_evaluate = _count(layer)
    model.predict(x_val, batch_size=b, callbacks=[record], verbose=0)
    first, second = epochs
    end_of_training = first["train"][-1]
    checks = (
        StateCheck("fit, from one batch to the next", first["train"][1], first["train"][0] + t, t),
        StateCheck("validation_data, at its first batch", first["validation"][0], end_of_training + t, t),
        StateCheck("fit, at the start of the next epoch", second["train"][0], first["validation"][-1] + t, t),
        StateCheck("evaluate, at its first batch", evaluate_counts[0], after_fit + t, t),
        StateCheck("evaluate, from one batch to the next", evaluate_counts[1], evaluate_counts[0] + t, t),
        StateCheck("predict, at its first batch", predict_counts[0], after_evaluate + t, t),
        StateCheck("predict, from one batch to the next", predict_counts[1], predict_counts[0] + t, t),
    )
    return StateTrace(
        batch_size=b,
        timesteps=t,
        train_batches=train_batches,
        val_batches=val_batches,
        epochs=epochs,
        evaluate_counts=evaluate_counts,
        predict_counts=predict_counts,
        checks=checks,
    )


def state_advice(trace: StateTrace) -> list[str]:
    """What to do about it, one sentence for each call that does not reset the state by itself."""
    advice = []
    if trace.check("fit, at the start of the next epoch").outcome != "reset":
        advice.append(
            "fit does not reset between epochs: reset the stateful layers yourself when an epoch starts "
            "again from the beginning of the streams (a callback's on_epoch_begin, or one fit call per epoch)."
        )
    if trace.check("validation_data, at its first batch").outcome == "carried":
        advice.append(
            "The validation batches read on from the last training state, as if they continued the same "
            "streams, and leave their own state behind: reset in on_test_begin when the validation data "
            "is a separate stretch, and again before the next epoch trains."
        )
    for call in ("evaluate", "predict"):
        if trace.check(f"{call}, at its first batch").outcome == "carried":
            advice.append(
                f"{call} starts from whatever state the layer holds and leaves its own: reset before "
                f"{call} when its data is not the continuation of what the model read last."
            )
    if not advice:
        advice.append("Every call resets the state by itself here: nothing to reset by hand.")
    return advice
