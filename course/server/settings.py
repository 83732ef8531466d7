"""The Jupyter settings the course ships with its environment, and the command that installs them.

``make lab``, ``binder/postBuild`` (so Binder and any repo2docker image) run
``python -m course.server.settings``, which writes into the environment's own prefix:

- a Jupyter server config that turns on the course's server extension (:mod:`course.server`);
- JupyterLab setting overrides: no "Would you like to get notified about official Jupyter news?"
  popup over the first lesson, and no check for updates.

Nothing here is installed by ``pip install``: a practitioner's own Jupyter keeps its own settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["SERVER_CONFIG", "LAB_OVERRIDES", "install", "main"]

NAME = "keras-shapes-course"

# A ``jupyter_server_config.d`` file can only switch server extensions on; everything else the
# course changes on the server, the extension does itself (see course.server).
SERVER_CONFIG: dict = {"ServerApp": {"jpserver_extensions": {"course.server": True}}}

LAB_OVERRIDES: dict = {
    "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
}


def paths(prefix: Path) -> dict[str, Path]:
    """Where the two files go below an environment's prefix."""
    return {
        "server": prefix / "etc" / "jupyter" / "jupyter_server_config.d" / f"{NAME}.json",
        "lab": prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / f"{NAME}.json",
    }


def install(prefix: Path | str = sys.prefix) -> list[Path]:
    """Write the course's server config and JupyterLab overrides below ``prefix``."""
    written = []
    for key, content in (("server", SERVER_CONFIG), ("lab", LAB_OVERRIDES)):
        path = paths(Path(prefix))[key]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Install the course's Jupyter settings into an environment.")
    parser.add_argument("--prefix", default=sys.prefix, help="the environment's prefix (default: this Python's)")
    args = parser.parse_args(argv)
    for path in install(args.prefix):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
