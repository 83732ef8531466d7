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

Anywhere else (Colab, Kaggle, VS Code, a practitioner's own Jupyter) each figure sends a small
module of its own (``widgets/kernel_loader.js``): the first figure on a page asks its kernel for
plotly's bundle and the course's figure module (gzipped, about 2 MB), and the figures after it
use what the page already has. So the bundle crosses the websocket once per page there too.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import os
from collections import OrderedDict
from copy import deepcopy
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

from course.server.bundle import BUNDLE_ENV, bundle_file, figure_file
from widgets._pace import flush_messages
from widgets._shown import OpensWhenShown

__all__ = ["CourseFigure", "kernel_loader", "plotly_loader", "property_changes", "refresh_figure"]


#: What a figure says where the course's server serves plotly but the page is not a Jupyter page
#: (VS Code attached to the course's server, say), which cannot tell the figure the server's address.
NOT_A_JUPYTER_PAGE = (
    "This course figure imports plotly from the course's Jupyter server, and this page is not one of "
    "that server's pages. Start the kernel without COURSE_PLOTLY_BUNDLE in its environment: each "
    "figure's kernel then sends plotly itself."
)


def plotly_loader(bundle_path: str) -> str:
    """The ES module a figure sends instead of plotly's bundle: it imports the bundle from the
    Jupyter server (``bundle_path`` is relative to the server's base URL, which the page knows)
    and re-exports it."""
    return (
        "const node = document.getElementById('jupyter-config-data');\n"
        f"if (!node) throw new Error({json.dumps(NOT_A_JUPYTER_PAGE)});\n"
        "const config = JSON.parse(node.textContent || '{}');\n"
        "const base = new URL(config.baseUrl || '/', window.location.origin);\n"
        f"const bundle = await import(new URL({json.dumps(bundle_path)}, base).href);\n"
        "export default bundle.default;\n"
    )


#: The module a figure sends where the course's server extension does not serve plotly.
KERNEL_LOADER = Path(__file__).with_name("kernel_loader.js")


def kernel_loader() -> str:
    """The ES module a figure sends where no server serves plotly's bundle: the first figure on a
    page asks its kernel for the bundle and the course's figure module (:func:`module_message`),
    later ones use what the page has (kept under a key named by plotly's version and the figure
    module's content)."""
    import plotly

    digest = hashlib.sha256(figure_file().read_bytes()).hexdigest()[:12]
    source = KERNEL_LOADER.read_text(encoding="utf-8").replace("__VERSION__", f"{plotly.__version__}-{digest}")
    return "".join(line for line in source.splitlines(keepends=True) if not line.lstrip().startswith("//"))


@functools.cache
def module_message() -> dict:
    """The kernel's answer to a page's first figure: plotly's bundle and the course's figure
    module, each gzipped and in base64 (plotly's 4.96 MB bundle travels as about 2 MB of text)."""

    def packed(path: Path) -> str:
        return base64.b64encode(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)).decode("ascii")

    return {"course": "module", "bundle": packed(bundle_file()), "figure": packed(figure_file())}


def _esm_source():
    bundle_path = os.environ.get(BUNDLE_ENV, "").strip()
    if bundle_path:
        return plotly_loader(bundle_path)
    return kernel_loader()


def _without_buffers(value):
    """``value`` as plotly's serializer made it, with every binary buffer (a 1-D numeric numpy
    array becomes ``{"buffer": memoryview, "dtype", "shape"}``) turned into a plain list."""
    if isinstance(value, dict):
        if isinstance(value.get("buffer"), memoryview) and "dtype" in value:
            return np.asarray(value["buffer"]).tolist()
        return {key: _without_buffers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_buffers(item) for item in value]
    return value


class CourseFigure(OpensWhenShown, go.FigureWidget):
    """A plotly ``FigureWidget`` (same API, same updates in place) whose JavaScript is imported
    from the Jupyter server where the course's extension serves it.

    Two more differences, for the front-ends that are not the course's JupyterLab:

    - It sends no binary buffer: plotly sends a 1-D numpy array as one, and Colab's widget
      manager fails on them, leaving the figure blank. Every array goes as a list.
    - It is born drawn (:class:`~widgets._shown.OpensWhenShown`): its comm opens when it is first
      shown, with what has been drawn into it by then, so that a front-end that loses the
      messages sent while the figure's module loads still shows the first picture.
    """

    _esm = _esm_source()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_msg(self._answer)

    def _answer(self, _widget, content, _buffers) -> None:
        """What the figure's module asks its kernel (``kernel_loader.js``), once per page:
        plotly's bundle and the course's figure module."""
        if isinstance(content, dict) and content.get("course") == "module":
            self.send(module_message())

    def open_now(self) -> None:
        if self.comm is None:  # plotly keeps the figure in _data and _layout, sent when assigned
            self._widget_layout = deepcopy(self._layout_obj._props)
            self._widget_data = deepcopy(self._data)
        super().open_now()

    def get_state(self, key=None, drop_defaults=False):
        return _without_buffers(super().get_state(key=key, drop_defaults=drop_defaults))


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
