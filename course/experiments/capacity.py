"""Choosing the number of units by experiment (lesson 06): ``validation_run`` trains one size on
windows and returns its validation losses and seconds; a sweep of validation losses, and the cost
of two models, are read as sentences that follow the numbers."""

from __future__ import annotations

import time

from course._keras import keras as _keras
from course.models import ModelSpec, build

__all__ = ["validation_run", "smallest_near_best", "capacity_verdict", "speed_verdict"]


def smallest_near_best(final: dict, tolerance: float = 0.2) -> int:
    """The smallest unit count whose validation loss is within ``tolerance`` (a fraction) of the
    lowest one: ``final`` is ``{units: validation loss}``."""
    if not final:
        raise ValueError("Give at least one {units: validation loss} pair.")
    best = min(final.values())
    return min(units for units, loss in final.items() if loss <= (1 + tolerance) * best)


def capacity_verdict(final: dict, params: dict, floor: float | None = None, tolerance: float = 0.2) -> str:
    """Which size did best, which is the smallest close to it, what that saves, and how close the
    best came to the noise floor; ``params`` is ``{units: parameters of the model}``."""
    best = min(final, key=final.get)
    enough = smallest_near_best(final, tolerance)
    sentences = [f"Lowest validation loss: {best} units ({final[best]:.4f})."]
    if enough == best:
        sentences.append(f"No smaller size came within {tolerance:.0%} of it.")
    else:
        sentences.append(
            f"Smallest size within {tolerance:.0%} of it: {enough} units ({final[enough]:.4f}), "
            f"with {params[best] / params[enough]:.0f}× fewer parameters than {best} units."
        )
    if floor is not None:
        sentences.append(
            f"The noise floor on these targets is {floor:.4f}: the best size is {final[best] / floor:.1f}× it."
        )
    return " ".join(sentences)


def speed_verdict(seconds: dict) -> str:
    """Which of several runs ``{name: seconds}`` finished first, and by what factor."""
    quicker = min(seconds, key=seconds.get)
    slower = max(seconds, key=seconds.get)
    if quicker == slower:
        return f"Only {quicker} was timed: {seconds[quicker]:.1f} s."
    return f"On this machine {quicker} trained faster: {seconds[slower] / seconds[quicker]:.1f}× the speed of {slower}."


def validation_run(
    split,
    units: int,
    n_layers: int = 1,
    epochs: int = 12,
    learning_rate: float = 0.01,
    seed: int = 0,
    layer: str = "LSTM",
):
    """Train ``layer(units)`` × ``n_layers`` plus a Dense output on windows
    ``split = (X_train, y_train, X_val, y_val)``; return the validation loss after each epoch and
    the seconds the training took."""
    keras = _keras()
    X_train, y_train, X_val, y_val = split
    keras.utils.set_random_seed(seed)
    model = build(
        ModelSpec(
            layer=layer,
            features=X_train.shape[2],
            units=units,
            timesteps=X_train.shape[1],
            n_layers=n_layers,
            outputs=y_train.shape[1],
        )
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    start = time.perf_counter()
    history = model.fit(X_train, y_train, batch_size=32, epochs=epochs, validation_data=(X_val, y_val), verbose=0)
    return [float(v) for v in history.history["val_loss"]], time.perf_counter() - start
