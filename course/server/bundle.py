"""plotly's widget JavaScript, served by the Jupyter server at versioned addresses.

plotly's ``FigureWidget`` sends its whole bundle (about 5 MB) over the websocket with every
figure. Served here instead, a page imports it once and the browser caches it; the kernels learn
the address from ``COURSE_PLOTLY_BUNDLE`` in the environment they inherit from the server (see
``widgets._figure``). What they import is the course's figure module (``figure.js``, served next
to plotly's bundle): plotly's widget, with its updates from Python redrawn as plotly.js redraws
any update, only in what changed, where plotly's own view redraws the whole figure every time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: The environment variable the kernels read (``widgets._figure.BUNDLE_ENV`` names the same).
BUNDLE_ENV = "COURSE_PLOTLY_BUNDLE"


def bundle_file() -> Path:
    """plotly's own widget bundle, the file its ``FigureWidget`` would send."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"


def figure_file() -> Path:
    """The course's figure module, which imports plotly's bundle from the same folder."""
    return Path(__file__).with_name("figure.js")


def _folder() -> str:
    import plotly

    return f"course/plotly/{plotly.__version__}"


def bundle_path() -> str:
    """The address below the server's base URL that figures import: the course's figure module,
    named by its content, in a folder named by plotly's version, so that neither a new plotly nor
    a changed module is ever served from an old cache."""
    digest = hashlib.sha256(figure_file().read_bytes()).hexdigest()[:12]
    return f"{_folder()}/figure-{digest}.js"


def plotly_bundle_path() -> str:
    """The address of plotly's own bundle, next to the figure module (which imports it)."""
    return f"{_folder()}/widgetbundle.js"


def setup(serverapp) -> None:
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    source = bundle_file()

    class ModuleHandler(JupyterHandler):
        """A JavaScript module, cacheable for a year (its address is versioned)."""

        auth_resource = "contents"

        def initialize(self, path: Path) -> None:
            self.module_path = path

        @web.authenticated
        def get(self) -> None:
            self.set_header("Content-Type", "text/javascript; charset=utf-8")
            self.set_header("Cache-Control", "private, max-age=31536000, immutable")
            self.write(self.module_path.read_bytes())

    routes = [
        (url_path_join(serverapp.base_url, address), ModuleHandler, {"path": path})
        for address, path in ((bundle_path(), figure_file()), (plotly_bundle_path(), source))
    ]
    serverapp.web_app.add_handlers(".*$", routes)
    if source.is_file():
        os.environ[BUNDLE_ENV] = bundle_path()  # kernels started from now on inherit it
    else:
        serverapp.log.warning("course: plotly's widget bundle was not found at %s; figures carry their own", source)
