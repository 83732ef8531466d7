"""The figure every course widget draws into: plotly's ``FigureWidget``, with its JavaScript
fetched once per page instead of sent with every figure.

plotly's ``FigureWidget`` is an anywidget whose ``_esm`` trait carries plotly's whole JavaScript
bundle (about 5 MB), sent over the kernel's websocket again for every figure. Where the course's
Jupyter server extension runs (``make lab``, Binder, an image built from ``binder/``), it serves
that same file over HTTP and tells its kernels where (``COURSE_PLOTLY_BUNDLE``); each figure then
sends a loader of a few hundred bytes that imports the bundle from that address. The browser
imports a module once per page (and keeps it in its HTTP cache), so the bundle crosses the network
once. Anywhere else (Colab, a practitioner's own JupyterLab, VS Code) the figure is plotly's own.
"""

from __future__ import annotations

import json
import os

import plotly.graph_objects as go

from course.server.bundle import BUNDLE_ENV

__all__ = ["CourseFigure", "plotly_loader"]


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
