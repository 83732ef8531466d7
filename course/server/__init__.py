"""The course's Jupyter server extension: what keeps a learner's whole journey inside Binder's
memory and keeps plotly's JavaScript off the websocket.

It is switched on only where the course itself runs (``make lab``, Binder, an image built from
``binder/``), by the settings :mod:`course.server.settings` installs into the environment; a
practitioner who ``pip install``\\ s the package into their own Jupyter gets none of it.

- :mod:`course.server.bundle` serves plotly's widget bundle over HTTP, once per page, and tells
  the kernels where it is (``widgets._figure`` reads that).
- :mod:`course.server.compression` compresses websockets and HTTP answers.
- :mod:`course.server.kernels` keeps at most ``KernelLimit.max_kernels`` kernels running, and
  before it stops one it has that kernel's widgets say so.
"""

from __future__ import annotations

__all__ = ["_jupyter_server_extension_points", "_load_jupyter_server_extension"]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course.server"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from course.server import bundle, compression, kernels

    bundle.setup(serverapp)
    compression.setup(serverapp)
    kernels.setup(serverapp)
