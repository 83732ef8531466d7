"""Compression on the wire: permessage-deflate for the kernels' websockets and gzip for HTTP
answers (JupyterLab's own scripts, plotly's bundle), a third of their size or less.

Both are tornado settings; a ``jupyter_server_config.d`` file can only switch extensions on, so
the extension sets them on the running application (tornado reads both per request).
"""

from __future__ import annotations


def setup(serverapp) -> None:
    from tornado.web import GZipContentEncoding

    settings = serverapp.web_app.settings
    if settings.get("websocket_compression_options") is None:
        settings["websocket_compression_options"] = {}  # a dict, even empty, turns deflate on
    transforms = serverapp.web_app.transforms
    if GZipContentEncoding not in transforms:
        transforms.append(GZipContentEncoding)
