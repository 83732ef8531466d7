"""Print the pinned runtime closure of the course, read from the environment that runs it.

Binder, repo2docker and a JupyterHub image must run exactly what the tests run, so
``binder/requirements.txt`` is not resolved afresh from the package index: it is read from the
installed distributions. Starting from the course's runtime packages, this walks every
``Requires-Dist`` whose environment marker holds here (extras only where they were asked for)
and prints ``name==version`` for each distribution reached, sorted by name.

The same file installs on every platform the course supports (``PLATFORMS``): a dependency that
only some of them need (``pexpect`` is not for Windows) keeps an environment marker naming those
platforms, and TensorFlow is pinned twice at the same version, ``tensorflow-cpu`` where that wheel
exists (Linux x86-64, Windows) and ``tensorflow`` elsewhere (macOS, Linux on ARM), where the
standard build is the CPU build. A package that only another platform needs (``pywinpty`` on
Windows) is not installed here, so it has no pin and pip resolves it there;
``tests/test_platforms.py`` resolves the file for each platform.

TensorFlow's last release for Intel Macs is 2.16.2, which needs numpy 1 and older ml-dtypes and
protobuf: that platform cannot have the tested versions. Its lines are resolved with uv for that
platform (preferring the tested versions wherever they fit) and carry a marker naming it; the
oldest compatibility tier (``make test-oldest``) runs the same TensorFlow 2.16 and numpy 1.26.

Every other platform's lines are resolved with uv for that platform too, so that a package only
it needs (``pywinpty`` and ``colorama`` on Windows) is pinned with a marker naming it rather than
left for pip to pick there on the day.

The same answer on any day: every resolution sees only what the package index held before the
cutoff the file records (its ``# exclude-newer:`` line, uv's ``--exclude-newer``), and prefers the
versions the file already pins. A release published after the cutoff changes nothing, so
``tests/test_platforms.py`` can regenerate the file and compare it with the committed one next
month as today. The Makefile installs the test tools and the compatibility environments with the
same cutoff.

Run it with the interpreter of the environment the tests use::

    .venv/bin/python binder/freeze_requirements.py > binder/requirements.txt

(``make requirements`` does the same.) To upgrade: install the new versions in that environment,
run the tests, then regenerate with a later cutoff (``--exclude-newer 2027-01-15T00:00:00Z``) and,
to let the other platforms' own lines move too, ``--upgrade`` (which drops the preferences).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: What the course needs at run time (the package itself is installed by ``postBuild``), and
#: nbgitpuller, which serves the ``git-pull`` links a hub hands its learners.
ROOTS = (
    "tensorflow-cpu",
    "keras",
    "numpy",
    "plotly",
    "anywidget",
    "ipywidgets",
    "jupyterlab",
    "notebook",
    "nbgitpuller",
)


@dataclass(frozen=True)
class Platform:
    """A platform the pins must install on, as environment markers and uv see it."""

    sys_platform: str
    machine: str  # platform_machine
    uv_target: str  # uv's --python-platform

    @property
    def variables(self) -> dict[str, str]:
        """The marker variables that differ between the platforms."""
        system = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}[self.sys_platform]
        os_name = "nt" if self.sys_platform == "win32" else "posix"
        return {
            "sys_platform": self.sys_platform,
            "platform_system": system,
            "platform_machine": self.machine,
            "os_name": os_name,
        }

    @property
    def marker(self) -> str:
        """The marker that names this platform alone (Windows is x86-64 only here)."""
        if self.sys_platform == "win32":
            return 'sys_platform == "win32"'
        return f'sys_platform == "{self.sys_platform}" and platform_machine == "{self.machine}"'


PLATFORMS = {
    "linux-x86_64": Platform("linux", "x86_64", "x86_64-unknown-linux-gnu"),
    "linux-aarch64": Platform("linux", "aarch64", "aarch64-unknown-linux-gnu"),
    "macos-arm64": Platform("darwin", "arm64", "aarch64-apple-darwin"),
    "macos-x86_64": Platform("darwin", "x86_64", "x86_64-apple-darwin"),
    "windows-x86_64": Platform("win32", "AMD64", "x86_64-pc-windows-msvc"),
}
ALL_PLATFORMS = frozenset(PLATFORMS)
#: Where the ``tensorflow-cpu`` wheel exists; the others install ``tensorflow`` at the same version.
CPU_WHEEL_PLATFORMS = frozenset({"linux-x86_64", "windows-x86_64"})
#: The platform the tests run on: its lines are read from the installed environment.
TESTED_PLATFORM = "linux-x86_64"
#: Every other platform: uv resolves their lines (Intel Macs cannot have the tested TensorFlow).
RESOLVED_ELSEWHERE = tuple(name for name in PLATFORMS if name != TESTED_PLATFORM)

REQUIREMENTS = Path(__file__).resolve().with_name("requirements.txt")
#: The header line that records the resolution's cutoff; the Makefile reads it too.
CUTOFF_LINE = re.compile(r"^# exclude-newer: (?P<cutoff>\S+)$", re.M)

HEADER = """\
# The pinned runtime environment of the course, for Binder, repo2docker and JupyterHub images,
# and for `make lab` on Linux, macOS and Windows.
#
# Every package the lessons need (TensorFlow, keras, numpy, plotly, anywidget, ipywidgets,
# jupyterlab, and notebook at a release that agrees with this jupyterlab, since Binder's base
# image ships an older one) and all their dependencies, pinned to the versions the tests run.
# Environment markers keep each line to the platforms that need it: tensorflow-cpu on Linux x86-64
# and Windows, the same release of tensorflow on macOS and Linux on ARM.
# The course package itself is installed by binder/postBuild; test tools are not listed.
#
# Generated from the tested environment, not edited by hand. To regenerate:
#     make requirements
# which runs
#     .venv/bin/python binder/freeze_requirements.py > binder/requirements.txt
# Resolved from what the package index held before this cutoff (uv's --exclude-newer), which the
# Makefile also applies to the test tools: a later release changes nothing here.
"""


def recorded_cutoff(path: Path = REQUIREMENTS) -> str:
    """The cutoff ``path`` records: the resolutions see no release published after it."""
    match = CUTOFF_LINE.search(path.read_text(encoding="utf-8")) if path.exists() else None
    if match is None:
        raise SystemExit(f"{path} records no '# exclude-newer: <RFC 3339 time>' line: pass --exclude-newer")
    return match["cutoff"]


def committed_pins(platform: str, path: Path = REQUIREMENTS) -> dict[str, str]:
    """The lines of ``path`` whose markers hold on ``platform``, as ``name==version`` by name."""
    environment = {**default_environment(), **PLATFORMS[platform].variables}
    result = {}
    if not path.exists():
        return result
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            result[canonicalize_name(requirement.name)] = f"{requirement.name}{requirement.specifier}"
    return result


def _holds(requirement: Requirement, extras: frozenset[str], environment: dict[str, str]) -> bool:
    if requirement.marker is None:
        return True
    # Without extras the marker must hold with extra == "" (the usual "no extra asked" case).
    return any(requirement.marker.evaluate({**environment, "extra": extra}) for extra in sorted(extras) or [""])


def _platforms(requirement: Requirement, extras: frozenset[str]) -> frozenset[str]:
    """The supported platforms on which ``requirement`` (asked for with ``extras``) applies."""
    base = default_environment()
    return frozenset(
        name for name, platform in PLATFORMS.items() if _holds(requirement, extras, {**base, **platform.variables})
    )


def marker_for(platforms: frozenset[str]) -> str | None:
    """The shortest marker this writes that holds on exactly ``platforms`` of ``PLATFORMS``
    (None: on all of them). A whole operating system is named by ``sys_platform`` alone."""
    if platforms >= ALL_PLATFORMS:
        return None
    systems: dict[str, list[str]] = {}
    for name, platform in PLATFORMS.items():
        systems.setdefault(platform.sys_platform, []).append(name)
    whole = [system for system, names in systems.items() if set(names) <= platforms]
    missing = [system for system, names in systems.items() if not set(names) & platforms]
    if len(missing) == 1 and len(whole) == len(systems) - 1:
        return f'sys_platform != "{missing[0]}"'
    parts = []
    for system, names in systems.items():
        if system in whole:
            parts.append(f'sys_platform == "{system}"')
        else:
            parts += [
                f"({PLATFORMS[name].marker})" if " and " in PLATFORMS[name].marker else PLATFORMS[name].marker
                for name in names
                if name in platforms
            ]
    return " or ".join(parts)


def _line(project: str, version: str, platforms: frozenset[str]) -> str:
    marker = marker_for(platforms)
    return f"{project}=={version}" + (f" ; {marker}" if marker else "")


def closure(roots: tuple[str, ...] = ROOTS) -> dict[str, str]:
    """Map each distribution reached from ``roots`` to its pin line (``name==version``, with a
    marker where only some platforms need it)."""
    here = default_environment()
    versions: dict[str, tuple[str, str]] = {}
    reach: dict[str, frozenset[str]] = {}
    todo: list[tuple[str, frozenset[str], frozenset[str]]] = [(root, frozenset(), ALL_PLATFORMS) for root in roots]
    seen: set[tuple[str, frozenset[str], frozenset[str]]] = set()
    while todo:
        name, extras, platforms = todo.pop()
        key = canonicalize_name(name)
        if (key, extras, platforms) in seen:
            continue
        seen.add((key, extras, platforms))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"{name} is required but not installed in {sys.prefix}") from None
        versions[key] = (dist.metadata["Name"], dist.version)
        reach[key] = reach.get(key, frozenset()) | platforms
        for line in dist.requires or ():
            requirement = Requirement(line)
            if _holds(requirement, extras, here):
                todo.append(
                    (requirement.name, frozenset(requirement.extras), platforms & _platforms(requirement, extras))
                )
    return {key: _line(project, version, reach[key]) for key, (project, version) in versions.items()}


def _split_tensorflow(pinned: dict[str, str]) -> dict[str, str]:
    """The tested ``tensorflow-cpu`` where its wheel exists, ``tensorflow`` at the same version
    on the other platforms."""
    cpu = canonicalize_name("tensorflow-cpu")
    if cpu not in pinned:
        return pinned
    _, project, version = _name_version(pinned[cpu])
    return {
        **pinned,
        cpu: _line(project, version, CPU_WHEEL_PLATFORMS),
        "tensorflow": _line("tensorflow", version, ALL_PLATFORMS - CPU_WHEEL_PLATFORMS),
    }


def _name_version(line: str) -> tuple[str, str, str]:
    project, version = line.split(" ;")[0].split("==")
    return canonicalize_name(project), project, version


def resolve_for(
    platform: str, pinned: dict[str, str], cutoff: str, preferred: dict[str, str] | None = None
) -> dict[str, tuple[str, str]]:
    """Resolve the runtime roots for ``platform`` (with the TensorFlow build it installs) from what
    the index held before ``cutoff``, preferring the versions in ``pinned`` wherever they fit there
    and then those of ``preferred`` (the committed file's lines for that platform)."""
    uv = Path(sys.executable).with_name("uv")
    tensorflow = "tensorflow-cpu" if platform in CPU_WHEEL_PLATFORMS else "tensorflow"
    roots = [root for root in ROOTS if root != "tensorflow-cpu"] + [tensorflow]
    version = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    preferences = {_name_version(line)[0]: line.split(" ;")[0] for line in pinned.values()}
    for key, line in (preferred or {}).items():
        preferences.setdefault(key, line)
    with tempfile.TemporaryDirectory() as folder:
        wanted, output = Path(folder, "roots.in"), Path(folder, "pins.txt")
        wanted.write_text("\n".join(roots) + "\n", encoding="utf-8")
        # uv keeps the versions an existing output file names, where they resolve.
        output.write_text("".join(line + "\n" for line in preferences.values()), encoding="utf-8")
        command = [
            str(uv),
            "pip",
            "compile",
            str(wanted),
            "-o",
            str(output),
            "--python-version",
            version,
            "--python-platform",
            PLATFORMS[platform].uv_target,
            "--exclude-newer",
            cutoff,
            "--no-config",
            "--no-header",
            "--no-annotate",
            "--quiet",
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"uv could not resolve the course for {platform}:\n{result.stderr}")
        lines = [line.strip() for line in output.read_text(encoding="utf-8").splitlines()]
    resolved = {}
    for line in lines:
        if line and not line.startswith("#"):
            key, project, found = _name_version(line)
            resolved[key] = (project, found)
    return resolved


def pins_for_every_platform(
    cutoff: str, pinned: dict[str, str] | None = None, prefer_committed: bool = True
) -> dict[str, str]:
    """``closure()``'s lines, with each platform of ``RESOLVED_ELSEWHERE`` given its own resolution:
    a line whose version differs there (or that it does not need) leaves that platform out of its
    marker, and a line of that resolution that the tested one lacks gets a marker naming the
    platforms that need it."""
    pinned = _split_tensorflow(closure() if pinned is None else pinned)
    platforms: dict[tuple[str, str, str], frozenset[str]] = {}
    for line in pinned.values():
        key, project, version = _name_version(line)
        requirement = Requirement(line.replace(" ;", ";"))
        platforms[(key, project, version)] = frozenset(
            name
            for name, platform in PLATFORMS.items()
            if requirement.marker is None
            or requirement.marker.evaluate({**default_environment(), **platform.variables})
        )
    for platform in RESOLVED_ELSEWHERE:
        preferred = committed_pins(platform) if prefer_committed else None
        resolved = resolve_for(platform, pinned, cutoff, preferred)
        for entry in list(platforms):
            key, _, version = entry
            if resolved.get(key, (None, None))[1] != version:
                platforms[entry] -= {platform}
        for key, (project, version) in resolved.items():
            entry = next((e for e in platforms if e[0] == key and e[2] == version), (key, project, version))
            platforms[entry] = platforms.get(entry, frozenset()) | {platform}
    lines = {}
    for (key, project, version), where in sorted(platforms.items()):
        if where:
            lines[f"{key}=={version}"] = _line(project, version, where)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--exclude-newer",
        metavar="TIME",
        help="resolve from releases published before TIME (RFC 3339); default: the committed file's cutoff",
    )
    parser.add_argument(
        "--upgrade", action="store_true", help="do not prefer the committed file's versions for other platforms"
    )
    args = parser.parse_args(argv)
    cutoff = args.exclude_newer or recorded_cutoff()
    pinned = pins_for_every_platform(cutoff, prefer_committed=not args.upgrade)
    sys.stdout.write(HEADER + f"# exclude-newer: {cutoff}\n")
    for line in pinned.values():  # sorted by name, then version
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
