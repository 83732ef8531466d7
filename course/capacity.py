"""Choosing the number of units by experiment (lesson 06): read a sweep of validation losses, and
the cost of two models, as sentences that follow the numbers."""

from __future__ import annotations

__all__ = ["smallest_near_best", "capacity_verdict", "speed_verdict"]


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
