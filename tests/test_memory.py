"""The cycle collector stays out of a slider move's way: what the course's imports load is
frozen once (course._memory), so later sweeps look only at what the lessons make."""

import gc
import json
import subprocess
import sys
import weakref

import pytest

from course import _memory

pytestmark = pytest.mark.keras


def test_each_import_is_frozen_once(monkeypatch):
    calls = []
    monkeypatch.setattr(_memory, "_frozen", set())
    monkeypatch.setattr(_memory.gc, "collect", lambda *args: calls.append("collect") or 0)
    monkeypatch.setattr(_memory.gc, "freeze", lambda: calls.append("freeze"))
    assert _memory.freeze_imports("keras") is True
    assert _memory.freeze_imports("keras") is False
    assert calls == ["collect", "freeze"], "garbage is collected before the rest is frozen"
    assert _memory.freeze_imports("widgets") is True
    assert calls == ["collect", "freeze"] * 2


def test_a_cycle_made_after_freezing_is_still_collected():
    _memory.freeze_imports("a test's own import")
    assert gc.get_freeze_count() > 0

    class Node:
        pass

    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    gc.collect()
    assert gone() is None, "objects made after the freeze are collected as before"


SCANNED = (
    "import gc, json, sys\n"
    "import widgets\n"
    "after_widgets = (gc.get_freeze_count(), len(gc.get_objects()))\n"
    "from course import models\n"
    "models.build(models.ModelSpec(layer='Dense', features=3, units=8, n_layers=1, timesteps=None, outputs=1))\n"
    "after_keras = (gc.get_freeze_count(), len(gc.get_objects()))\n"
    "print(json.dumps([after_widgets, after_keras]))\n"
)


def test_what_the_collector_looks_at_after_the_course_imports_tensorflow():
    """After ``import widgets`` and the first model, the collector's oldest generation holds a
    few tens of thousands of objects, not the hundreds of thousands TensorFlow, Keras and plotly
    leave (a sweep over those takes 150 to 300 ms in a lesson's kernel)."""
    result = subprocess.run([sys.executable, "-c", SCANNED], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (frozen_widgets, _), (frozen_keras, scanned) = json.loads(result.stdout.strip().splitlines()[-1])
    assert frozen_widgets > 10_000, "importing widgets freezes plotly's and ipywidgets' objects"
    assert frozen_keras > frozen_widgets + 100_000, "the first use of Keras freezes TensorFlow's objects"
    assert scanned < 50_000, f"the collector still looks at {scanned:,} objects"
