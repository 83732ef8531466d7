"""Print the oldest versions ``pyproject.toml`` allows, one ``name==version`` a line.

The compatibility tier installs exactly these, so every floor in ``pyproject.toml`` is a version
the tests have run, not a guess. With an extra's name (``--extra cpu``) its requirements come too;
with package names, only those packages' floors are printed::

    python binder/compat/floors.py --extra cpu     # the whole oldest environment
    python binder/compat/floors.py plotly          # plotly's floor alone

A requirement whose environment marker does not hold here is left out, and one without a lower
bound is an error: a floor that is not written down cannot be tested.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def floor(requirement: Requirement) -> str:
    """The version named by the requirement's ``>=`` (or ``==``) bound."""
    for specifier in requirement.specifier:
        if specifier.operator in (">=", "==", "~="):
            return specifier.version
    raise ValueError(f"{requirement} has no lower bound: write one in pyproject.toml")


def floors(extras: tuple[str, ...] = (), pyproject: Path = PYPROJECT) -> dict[str, str]:
    """Map each runtime requirement (and those of ``extras``) whose marker holds here to its floor."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    result = {}
    for line in lines:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            result[canonicalize_name(requirement.name)] = f"{requirement.name}=={floor(requirement)}"
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="print only these packages' floors")
    parser.add_argument("--extra", action="append", default=[], help="include an optional-dependencies group")
    args = parser.parse_args(argv)
    found = floors(tuple(args.extra))
    wanted = [canonicalize_name(name) for name in args.names] or sorted(found)
    missing = [name for name in wanted if name not in found]
    if missing:
        raise SystemExit(f"not a requirement of the course: {', '.join(missing)}")
    sys.stdout.write("".join(found[name] + "\n" for name in wanted))


if __name__ == "__main__":
    main()
