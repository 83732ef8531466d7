"""Long pauses of Python's cycle collector in a kernel that holds TensorFlow.

Importing TensorFlow, Keras and plotly leaves about 300,000 objects that live as long as the
kernel. Python's cycle collector looks at every one of them each time it sweeps its oldest
generation, which it does every so often as new objects survive: in a lesson's kernel such a
sweep takes 150 to 300 ms, and when it falls on a slider move the learner waits that long for
the figure. :func:`freeze_imports` sweeps once and then moves everything alive into the
permanent generation (``gc.freeze``), which the collector no longer looks at: later sweeps
look only at what the lessons make (about 10 ms after lesson 01). Frozen objects are still
freed by reference counting; only cycles among them would stay, so this is done right after
imports, whose modules, classes and caches live as long as the process anyway.
"""

from __future__ import annotations

import gc

_frozen: set[str] = set()


def freeze_imports(after: str) -> bool:
    """Once per ``after`` (the import just done, e.g. ``"keras"``): collect garbage, then freeze
    every object alive now. Returns True when it froze, False when ``after`` was done already."""
    if after in _frozen:
        return False
    _frozen.add(after)
    gc.collect()
    gc.freeze()
    return True
