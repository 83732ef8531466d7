"""The pinned environment and the ``[cpu]`` extra resolve on every platform learners use.

uv resolves ``binder/requirements.txt`` (and the package with ``[cpu,lab]``) for Linux x86-64 and
aarch64, macOS arm64 and x86-64, and Windows x86-64, checking that every pin has a wheel (or a
source) for that platform. It asks the package index only; nothing is installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = REPO_ROOT / "binder" / "requirements.txt"
UV = Path(sys.executable).with_name("uv")
#: The Python the pins are made for (Binder's; ``binder/runtime.txt``), at this patch level.
PYTHON = f"3.11.{sys.version_info.micro if sys.version_info[:2] == (3, 11) else 7}"

sys.path.insert(0, str(REPO_ROOT / "binder"))
try:
    from freeze_requirements import CPU_WHEEL_PLATFORMS, PLATFORMS
finally:
    sys.path.remove(str(REPO_ROOT / "binder"))


def tensorflow_for(platform: str) -> str:
    """The TensorFlow distribution the CPU course installs on ``platform``."""
    return "tensorflow-cpu" if platform in CPU_WHEEL_PLATFORMS else "tensorflow"


pytestmark = pytest.mark.skipif(not UV.exists(), reason="uv is a test tool: make test-env installs it")


def compile_for(platform: str, *inputs: str, extra_args: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    target = PLATFORMS[platform].uv_target
    command = [
        str(UV),
        "pip",
        "compile",
        *inputs,
        *extra_args,
        "--python-version",
        PYTHON,
        "--python-platform",
        target,
        "--no-header",
        "--no-annotate",
        "--quiet",
        "--no-config",
    ]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=600)


def resolved(output: str) -> dict[str, str]:
    result = {}
    for line in output.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, version = line.split(";")[0].strip().split("==")
            result[canonicalize_name(name)] = version
    return result


def pins_for(platform: str) -> dict[str, str]:
    """The pins of ``binder/requirements.txt`` whose markers hold on ``platform``."""
    environment = PLATFORMS[platform].variables
    result = {}
    for raw in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, _, marker = line.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate(environment):
            continue
        name, version = requirement.strip().split("==")
        result[canonicalize_name(name)] = version
    return result


@pytest.fixture(scope="module", params=list(PLATFORMS))
def platform(request):
    return request.param


def test_the_pins_resolve(platform):
    result = compile_for(platform, str(REQUIREMENTS))
    assert result.returncode == 0, f"binder/requirements.txt does not resolve for {platform}:\n{result.stderr[-3000:]}"
    got = resolved(result.stdout)
    pins = pins_for(platform)
    moved = {name: (version, got.get(name)) for name, version in pins.items() if got.get(name) != version}
    assert not moved, f"{platform}: resolved versions differ from the pins (pinned, resolved): {moved}"
    tensorflow = tensorflow_for(platform)
    other = "tensorflow" if tensorflow == "tensorflow-cpu" else "tensorflow-cpu"
    assert tensorflow in got and other not in got, f"{platform} should install {tensorflow} alone: {sorted(got)}"
    for package in ("keras", "numpy", "plotly", "anywidget", "ipywidgets", "jupyterlab"):
        assert package in got, f"{platform}: {package} is missing from the resolution"


def test_the_cpu_extra_resolves(platform):
    """What ``pip install "keras-shapes-course[cpu]"`` and the README's set-up install there."""
    result = compile_for(platform, "pyproject.toml", extra_args=("--extra", "cpu", "--extra", "lab"))
    assert result.returncode == 0, f"the [cpu] extra does not resolve for {platform}:\n{result.stderr[-3000:]}"
    got = resolved(result.stdout)
    tensorflow = tensorflow_for(platform)
    assert tensorflow in got, f"{platform}: the [cpu] extra should bring {tensorflow}: {sorted(got)}"


def test_the_tested_tensorflow_is_pinned_where_it_has_wheels():
    """Everywhere but Intel Macs (whose last TensorFlow is 2.16.2) runs the tested TensorFlow."""
    tested = pins_for("linux-x86_64")["tensorflow-cpu"]
    for platform in PLATFORMS:
        pinned = pins_for(platform)[tensorflow_for(platform)]
        if platform == "macos-x86_64":
            assert pinned.startswith("2.16."), pinned
        else:
            assert pinned == tested, f"{platform} pins TensorFlow {pinned}, the tests run {tested}"


def test_a_pin_without_a_wheel_for_a_platform_fails_to_resolve(tmp_path):
    """The check can fail: tensorflow-cpu has no macOS wheel, which is why the pins carry markers."""
    tensorflow_cpu = pins_for("linux-x86_64")["tensorflow-cpu"]
    unmarked = tmp_path / "unmarked.txt"
    unmarked.write_text(f"tensorflow-cpu=={tensorflow_cpu}\n", encoding="utf-8")
    result = compile_for("macos-arm64", str(unmarked))
    assert result.returncode != 0
    assert re.search(r"no\s+wheels\s+with\s+a\s+matching\s+platform\s+tag", result.stderr), result.stderr[-2000:]


def test_make_requirements_keeps_the_markers():
    """``make requirements`` regenerates the file with binder/freeze_requirements.py, which writes
    the markers itself: regenerating here gives the committed file back."""
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "binder" / "freeze_requirements.py")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == REQUIREMENTS.read_text(encoding="utf-8"), (
        "binder/requirements.txt is stale: make requirements"
    )
    assert re.search(r"^tensorflow_cpu==\S+ ; .*sys_platform == \"win32\"", result.stdout, re.M)
    assert re.search(
        r"^tensorflow==\S+ ; .*sys_platform == \"darwin\" and platform_machine == \"arm64\"", result.stdout, re.M
    )
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "binder/freeze_requirements.py > binder/requirements.txt" in makefile
