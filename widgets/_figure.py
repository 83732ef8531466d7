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
The browser imports
a module once per page (and keeps it in its HTTP cache), so the bundle crosses the network once.
Anywhere else (Colab, a practitioner's own JupyterLab, VS Code) the figure is plotly's own.
"""

from __future__ import annotations

import json
import os

import numpy as np
import plotly.graph_objects as go

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
    """Equality of plotly property values, numpy arrays included."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    return type(a) is type(b) and a == b


def property_changes(old: dict, new: dict, keep=()) -> dict[tuple, object]:
    """What to set on a plotly object whose properties are ``old`` (its ``to_plotly_json()``) so
    that they read ``new``: ``{path: value}``, each path a tuple of keys and list indices.

    Nested objects are compared key by key, lists of objects of the same length (annotations,
    shapes) item by item unless most items changed, data arrays whole. A property ``new`` lacks
    maps to ``None`` (plotly removes it); an empty object or list counts as absent, as plotly
    draws it. Keys in ``keep`` are left alone (the ``uid`` a FigureWidget gives its traces).
    """
    changes = {}
    for key, value in new.items():
        before = old.get(key)
        if _absent(before) and _absent(value):
            continue
        if isinstance(value, dict) and isinstance(before, dict):
            nested = property_changes(before, value)
        elif _records(value) and _records(before) and len(value) == len(before):
            nested = {
                (index, *path): change
                for index, (was, now) in enumerate(zip(before, value))
                for path, change in property_changes(was, now).items()
            }
            if 2 * len({path[0] for path in nested}) > len(value):  # most items changed: one new list costs plotly less
                nested = {(): value}
        elif _same(before, value):
            continue
        else:
            nested = {(): value}
        changes.update({(key, *path): change for path, change in nested.items()})
    for key in old.keys() - new.keys() - set(keep):
        if not _absent(old[key]):
            changes[(key,)] = None
    return changes


def refresh_figure(widget: go.FigureWidget, figure: go.Figure) -> None:
    """Make ``widget`` show ``figure``, in place.

    Traces that keep their place and type are updated, and only in the properties that changed;
    with the layout's changes they go to the browser in one update message (plotly.js restyles
    and relayouts once). Only when the traces themselves change (more, fewer, another type) are
    the surplus ones deleted or the new ones added.
    """
    traces = [trace.to_plotly_json() for trace in figure.data]
    kept = 0
    for trace, props in zip(widget.data, traces):
        if trace.type != props["type"]:
            break
        kept += 1
    if kept < len(widget.data):
        widget.data = widget.data[:kept]
    with widget.batch_update():
        for trace, props in zip(widget.data, traces):
            for path, value in property_changes(trace.to_plotly_json(), props, keep=("uid",)).items():
                trace[path] = value
        for path, value in property_changes(widget.layout.to_plotly_json(), figure.layout.to_plotly_json()).items():
            widget.layout[path] = value
    if kept < len(traces):
        widget.add_traces(traces[kept:])
    flush_messages()  # during a move from the browser: on its way before the widget goes on
