"""Print the pinned runtime closure of the course, read from the environment that runs it.

Binder, repo2docker and a JupyterHub image must run exactly what the tests run, so
``binder/requirements.txt`` is not resolved afresh from the package index: it is read from the
installed distributions. Starting from the course's runtime packages, this walks every
``Requires-Dist`` whose environment marker holds here (extras only where they were asked for)
and prints ``name==version`` for each distribution reached, sorted by name.

Run it with the interpreter of the environment the tests use::

    .venv/bin/python binder/freeze_requirements.py > binder/requirements.txt

(``make requirements`` does the same.)
"""

from __future__ import annotations

import sys
from importlib import metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: What the course needs at run time (the package itself is installed by ``postBuild``).
ROOTS = ("tensorflow-cpu", "keras", "numpy", "plotly", "anywidget", "ipywidgets", "jupyterlab", "notebook")

HEADER = """\
# The pinned runtime environment of the course, for Binder, repo2docker and JupyterHub images.
#
# Every package the lessons need (tensorflow-cpu, keras, numpy, plotly, anywidget, ipywidgets,
# jupyterlab, and notebook at a release that agrees with this jupyterlab, since Binder's base
# image ships an older one) and all their dependencies, pinned to the versions the tests run.
# The course package itself is installed by binder/postBuild; test tools are not listed.
#
# Generated from the tested environment, not edited by hand. To regenerate:
#     make requirements
# which runs
#     .venv/bin/python binder/freeze_requirements.py > binder/requirements.txt
"""


def _marker_holds(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    base = default_environment()
    # Without extras the marker must hold with extra == "" (the usual "no extra asked" case).
    for extra in sorted(extras) or [""]:
        if requirement.marker.evaluate({**base, "extra": extra}):
            return True
    return False


def closure(roots: tuple[str, ...] = ROOTS) -> dict[str, str]:
    """Map each distribution reached from ``roots`` to its installed version."""
    pinned: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset()) for root in roots]
    while todo:
        name, extras = todo.pop()
        key = (canonicalize_name(name), extras)
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"{name} is required but not installed in {sys.prefix}") from None
        project = dist.metadata["Name"]
        pinned[canonicalize_name(project)] = f"{project}=={dist.version}"
        for line in dist.requires or ():
            requirement = Requirement(line)
            if _marker_holds(requirement, set(extras)):
                todo.append((requirement.name, frozenset(requirement.extras)))
    return pinned


def main() -> None:
    pinned = closure()
    sys.stdout.write(HEADER)
    for key in sorted(pinned):
        sys.stdout.write(pinned[key] + "\n")


if __name__ == "__main__":
    main()
