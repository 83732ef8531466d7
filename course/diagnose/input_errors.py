"""Data for a model with several named inputs: a dict with other keys, or one array for several
inputs (or several for one). Read from Keras's message, which names the inputs it expects."""

from __future__ import annotations

import re


def _keys(text: str) -> list[str]:
    return re.findall(r"'([^']+)'", text)


def explain(message: str) -> str | None:
    found = re.search(
        r"You passed a data dictionary with keys \[([^\]]*)\]\. Expected the following keys: \[([^\]]*)\]", message
    )
    if found:
        given, wanted = _keys(found.group(1)), _keys(found.group(2))
        return (
            f"The data is a dict with the keys {', '.join(given)}, and the model's inputs are called {', '.join(wanted)}: "
            "key the data by the names of the `keras.Input` layers (`name=` on each, or `[t.name for t in model.inputs]`), "
            f"e.g. `x={{{', '.join(repr(name) + ': ...' for name in wanted)}}}`."
        )
    found = re.search(
        r"expects (\d+) named input\(s\) with keys \[([^\]]*)\], but it received (\d+) input tensors", message
    )
    if found:
        want, names, got = int(found.group(1)), _keys(found.group(2)), int(found.group(3))
        return (
            f"The model has {want} input{'s' if want != 1 else ''} ({', '.join(names)}) and was given {got} array"
            f"{'s' if got != 1 else ''}. Give one array per input, as a dict keyed by the input names, "
            f"`{{{', '.join(repr(name) + ': ...' for name in names)}}}`, or a list in the inputs' order; each has one sample "
            "per row, and all the same number of rows."
        )
    return None
