"""The figure every course widget draws into: plotly's ``FigureWidget``, with its JavaScript
fetched once per page instead of sent with every figure, and updated in place with only what
changed (:func:`refresh_figure`).

plotly's ``FigureWidget`` is an anywidget whose ``_esm`` trait carries plotly's whole JavaScript
bundle (about 5 MB), sent over the kernel's websocket again for every figure. Where the course's
Jupyter server extension runs (``make lab``, Binder, an image built from ``binder/``), it serves
that same file over HTTP and tells its kernels where (``COURSE_PLOTLY_BUNDLE``); each figure then
sends a loader of a few hundred bytes that imports the course's figure module from that address
(``course/server/figure.js``: plotly's widget from the bundle next to it, redrawing only what an
update from Python changed, where plotly's own view redraws the whole figure, and reporting the
defaults plotly.js filled in back to Python once the figure is still, not after every update).
The browser imports a module once per page (and keeps it in its HTTP cache), so the bundle
crosses the network once.
Anywhere else (Colab, a practitioner's own JupyterLab, VS Code) the figure is plotly's own.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict

import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

from course.server.bundle import BUNDLE_ENV
from widgets._pace import flush_messages

__all__ = ["CourseFigure", "plotly_loader", "property_changes", "refresh_figure"]


def plotly_loader(bundle_path: str) -> str:
    """The ES module a figure sends instead of plotly's bundle: it imports the bundle from the
    Jupyter server (``bundle_path`` is relative to the server's base URL, which the page knows)
    and re-exports it."""
    return (
        "const config = JSON.parse(document.getElementById('jupyter-config-data')?.textContent || '{}');\n"
        "const base = new URL(config.baseUrl || '/', window.location.origin);\n"
        f"const bundle = await import(new URL({json.dumps(bundle_path)}, base).href);\n"
        "export default bundle.default;\n"
    )


def _esm_source():
    bundle_path = os.environ.get(BUNDLE_ENV, "").strip()
    if bundle_path:
        return plotly_loader(bundle_path)
    return go.FigureWidget._esm  # plotly's own bundle, sent with the figure


class CourseFigure(go.FigureWidget):
    """A plotly ``FigureWidget`` (same API, same updates in place) whose JavaScript is imported
    from the Jupyter server where the course's extension serves it."""

    _esm = _esm_source()


def _absent(value) -> bool:
    """Whether plotly draws ``value`` as if the property were not set: missing, empty."""
    return value is None or (isinstance(value, (dict, list, tuple)) and len(value) == 0)


def _records(value) -> bool:
    """Whether ``value`` is a list of plotly objects (annotations, shapes)."""
    return isinstance(value, (list, tuple)) and all(isinstance(item, dict) for item in value)


def _same(a, b) -> bool:
    """Equality of plotly property values as plotly.js reads them: numpy arrays and numpy
    numbers as their values, a tuple as a list, but ``True`` not as ``1`` nor ``"1"`` as 1."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return False
        if _flat(a) and _flat(b) and list(map(type, a)) == list(map(type, b)):
            return list(a) == list(b)  # a data array of the same types: compared in C
        return all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    return _kind(a) == _kind(b) and a == b


_SCALARS = (int, float, str, bool, type(None), np.generic)


def _flat(values) -> bool:
    """Whether a list holds only numbers, text and ``None`` (a data array, not objects)."""
    return all(isinstance(value, _SCALARS) for value in values)


def _kind(value) -> type:
    """What plotly.js receives ``value`` as: a boolean, a number, text, or what it is."""
    if isinstance(value, (bool, np.bool_)):
        return bool
    if isinstance(value, (int, float, np.number)):
        return float
    return type(value)


def _plain(value):
    """A copy of a property value that the widget's messages can carry: numpy numbers as
    Python's, tuples as lists, arrays copied."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.generic):
        return value.item()
    return value


def property_changes(old: dict, new: dict, keep=()) -> dict[tuple, object]:
    """What to set on a plotly object whose properties are ``old`` (its ``to_plotly_json()``) so
    that they read ``new``: ``{path: value}``, each path a tuple of keys and list indices.

    Nested objects are compared key by key, lists of objects of the same length (annotations,
    shapes) item by item, data arrays whole. A property ``new`` lacks maps to ``None`` (plotly
    removes it); an empty object or list counts as absent, as plotly draws it. Keys in ``keep``
    are left alone (the ``uid`` a FigureWidget gives its traces).
    """
    changes = {}
    for key, value in new.items():
        before = old.get(key)
        if _absent(before) and _absent(value):
            continue
        if isinstance(value, dict) and isinstance(before, dict):
            nested = property_changes(before, value)
        elif _records(value) and _records(before) and len(value) == len(before):
            # item by item even when most items changed: a new list makes plotly.js draw the whole
            # figure again, its items' edits redraw those items (the weight matrices' update, with
            # every box moved: 14.6 to 11.2 ms at p50 in a bare page, a sixth fewer elements made)
            nested = {
                (index, *path): change
                for index, (was, now) in enumerate(zip(before, value))
                for path, change in property_changes(was, now).items()
            }
        elif _same(before, value):
            continue
        else:
            nested = {(): value}
        changes.update({(key, *path): change for path, change in nested.items()})
    for key in old.keys() - new.keys() - set(keep):
        if not _absent(old[key]):
            changes[(key,)] = None
    return changes


def _key(path: tuple) -> str:
    """A property path as plotly's update messages name it: ``("annotations", 1, "text")`` ->
    ``"annotations.1.text"``."""
    return ".".join(str(part) for part in path)


def refresh_figure(widget: go.FigureWidget, figure: go.Figure) -> None:
    """Make ``widget`` show ``figure``, in place.

    Traces that keep their place and type are updated, and only in the properties that changed;
    with the layout's changes they go to the browser in one update message (plotly.js restyles
    and relayouts once). Only when the traces themselves change (more, fewer, another type) are
    the surplus ones deleted or the new ones added.

    The course's figures are checked against plotly's validation in the tests, not at every
    move (``course.figures``), so ``figure``'s properties are compared with the widget's as
    they are stored (no copy of either), and a plain copy of each change joins the widget's
    batch of edits: plotly checks each property's name when the batch ends, not its value.
    Copying and validating both figures whole used to be most of a move's time in Python.
    """
    traces = figure._data  # read, never changed: what changes is copied (_plain)
    kept = 0
    for now, props in zip(widget._data, traces):
        if now.get("type") != props.get("type"):
            break
        kept += 1
    if kept < len(widget.data):
        widget.data = widget.data[:kept]
    with widget.batch_update():  # one update message, sent when the block ends
        for index, (now, props) in enumerate(zip(widget._data, traces)):
            for path, value in property_changes(now, props, keep=("uid",)).items():
                widget._batch_trace_edits.setdefault(index, OrderedDict())[_key(path)] = _plain(value)
        layout = property_changes(widget._layout, figure._layout)
        for path, value in layout.items():
            if BaseFigure._is_key_path_compatible(_key(path), widget.layout):
                widget._batch_layout_edits[_key(path)] = _plain(value)
            else:  # a property the layout does not have yet (a subplot's axis): plotly adds it
                widget.layout[path] = value
    # the layout's lists of objects (annotations, shapes) are cached as plotly objects, one per
    # item: forget those of the lists that changed, so that they are made again as they are now
    for name in {path[0] for path in layout}:
        widget.layout._compound_array_props.pop(name, None)
    if kept < len(traces):
        widget.add_traces([trace.to_plotly_json() for trace in figure.data[kept:]])
    flush_messages()  # during a move from the browser: on its way before the widget goes on
