"""plotly's widget JavaScript, served by the Jupyter server at a versioned address.

plotly's ``FigureWidget`` sends its whole bundle (about 5 MB) over the websocket with every
figure. Served here instead, a page imports it once and the browser caches it; the kernels learn
the address from ``COURSE_PLOTLY_BUNDLE`` in the environment they inherit from the server (see
``widgets._figure``).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The environment variable the kernels read (``widgets._figure.BUNDLE_ENV`` names the same).
BUNDLE_ENV = "COURSE_PLOTLY_BUNDLE"


def bundle_file() -> Path:
    """plotly's own widget bundle, the file its ``FigureWidget`` would send."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"


def bundle_path() -> str:
    """The bundle's address below the server's base URL; it names plotly's version, so a new
    plotly is never served from an old cache."""
    import plotly

    return f"course/plotly/{plotly.__version__}/widgetbundle.js"


def setup(serverapp) -> None:
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    source = bundle_file()

    class BundleHandler(JupyterHandler):
        """The bundle as a JavaScript module, cacheable for a year (its address is versioned)."""

        auth_resource = "contents"

        @web.authenticated
        def get(self) -> None:
            self.set_header("Content-Type", "text/javascript; charset=utf-8")
            self.set_header("Cache-Control", "private, max-age=31536000, immutable")
            self.write(source.read_bytes())

    route = url_path_join(serverapp.base_url, bundle_path())
    serverapp.web_app.add_handlers(".*$", [(route, BundleHandler)])
    if source.is_file():
        os.environ[BUNDLE_ENV] = bundle_path()  # kernels started from now on inherit it
    else:
        serverapp.log.warning("course: plotly's widget bundle was not found at %s; figures carry their own", source)
