"""The pinned environment and the ``[cpu]`` extra resolve on every platform learners use, and give
the same answer on any day.

uv resolves ``binder/requirements.txt`` (and the package with ``[cpu,lab]``) for Linux x86-64 and
aarch64, macOS arm64 and x86-64, and Windows x86-64, checking that every pin has a wheel (or a
source) for that platform and that nothing it installs there is left unpinned. It asks the package
index only, and only for what it held before the cutoff the pins record; nothing is installed. A
small index served here, with releases published after the cutoff, shows that they change nothing.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import re
import subprocess
import sys
import threading
import zipfile
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
    from freeze_requirements import CPU_WHEEL_PLATFORMS, PLATFORMS, recorded_cutoff
finally:
    sys.path.remove(str(REPO_ROOT / "binder"))

#: What the package index held when the pins were resolved: no test sees a later release.
CUTOFF = recorded_cutoff(REQUIREMENTS)


def tensorflow_for(platform: str) -> str:
    """The TensorFlow distribution the CPU course installs on ``platform``."""
    return "tensorflow-cpu" if platform in CPU_WHEEL_PLATFORMS else "tensorflow"


pytestmark = [
    pytest.mark.platforms,
    pytest.mark.skipif(not UV.exists(), reason="uv is a test tool: make test-env installs it"),
]


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
        "--exclude-newer",
        CUTOFF,
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
    unpinned = sorted(set(got) - set(pins))
    assert not unpinned, f"{platform} installs packages the pins leave open: {unpinned}"
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


def freeze(*args: str, env: dict[str, str] | None = None) -> str:
    """What ``make requirements`` would write (binder/freeze_requirements.py's output)."""
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "binder" / "freeze_requirements.py"), *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_make_requirements_keeps_the_markers():
    """``make requirements`` regenerates the file with binder/freeze_requirements.py, which writes
    the markers itself: regenerating here gives the committed file back."""
    output = freeze()
    assert output == REQUIREMENTS.read_text(encoding="utf-8"), "binder/requirements.txt is stale: make requirements"
    assert re.search(r"^tensorflow_cpu==\S+ ; .*sys_platform == \"win32\"", output, re.M)
    assert re.search(r"^tensorflow==\S+ ; .*sys_platform == \"darwin\" and platform_machine == \"arm64\"", output, re.M)
    assert re.search(r"^pywinpty==\S+ ; sys_platform == \"win32\"$", output, re.M), "Windows' own packages are pinned"
    assert re.search(r"^# exclude-newer: \S+$", output, re.M), "the cutoff is recorded"
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"binder/freeze_requirements\.py \S* ?> binder/requirements\.txt", makefile)


# --------------------------------------------------------------------------------------------
# A release published after the cutoff changes nothing

#: When the small index below says its releases were published: after the cutoff, in any year.
LATER = "2100-01-01T00:00:00Z"
#: Releases "published later": one of a package only an Intel Mac needs (markdown, which
#: TensorFlow 2.16's tensorboard brings), one of a package every platform needs (six).
LATER_RELEASES = {"markdown": "99.0.0", "six": "99.0.0"}


def _wheel(name: str, version: str) -> bytes:
    """A pure-Python wheel of ``name`` ``version`` that holds only its metadata."""
    info = f"{name}-{version}.dist-info"
    files = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: the course's tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},,\n" for path in files) + f"{info}/RECORD,,\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in {**files, f"{info}/RECORD": record}.items():
            archive.writestr(path, text)
    return buffer.getvalue()


class _LaterIndex(http.server.BaseHTTPRequestHandler):
    """A package index (the JSON simple API, with upload times) that holds only LATER_RELEASES."""

    wheels = {f"{name}-{version}-py3-none-any.whl": _wheel(name, version) for name, version in LATER_RELEASES.items()}

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        parts = [part for part in self.path.split("?")[0].split("/") if part]
        if len(parts) == 2 and parts[0] == "simple" and parts[1] in LATER_RELEASES:
            name, version = parts[1], LATER_RELEASES[parts[1]]
            filename = f"{name}-{version}-py3-none-any.whl"
            page = {
                "meta": {"api-version": "1.1"},
                "name": name,
                "versions": [version],
                "files": [
                    {
                        "filename": filename,
                        "url": f"/files/{filename}",
                        "hashes": {"sha256": hashlib.sha256(self.wheels[filename]).hexdigest()},
                        "upload-time": LATER,
                    }
                ],
            }
            self._send(json.dumps(page).encode(), "application/vnd.pypi.simple.v1+json")
        elif len(parts) == 2 and parts[0] == "files" and parts[1] in self.wheels:
            self._send(self.wheels[parts[1]], "application/octet-stream")
        else:
            self.send_error(404)

    def do_HEAD(self):  # noqa: N802 (uv asks whether a wheel can be read in ranges: it cannot)
        self.head_only = True
        self.do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not getattr(self, "head_only", False):
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def later_index():
    """uv's settings that add the small index to the real one, both searched for every package."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LaterIndex)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            **os.environ,
            "UV_EXTRA_INDEX_URL": f"http://127.0.0.1:{server.server_port}/simple",
            "UV_INDEX_STRATEGY": "unsafe-best-match",
        }
    finally:
        server.shutdown()
        server.server_close()


def test_a_release_after_the_cutoff_changes_nothing(later_index):
    """With newer releases of markdown and six on the index, the pins regenerate unchanged: the
    cutoff keeps every release published after it out of every platform's resolution."""
    assert freeze(env=later_index) == REQUIREMENTS.read_text(encoding="utf-8")
    # Without the committed versions as preferences the cutoff alone keeps them out.
    assert "==99.0.0" not in freeze("--upgrade", env=later_index)


def test_the_later_releases_are_seen_past_the_cutoff(later_index):
    """The check above can fail: with a cutoff after their publication, the newer markdown is what
    an Intel Mac would get."""
    output = freeze("--upgrade", "--exclude-newer", "2100-01-02T00:00:00Z", env=later_index)
    assert re.search(r'^markdown==99\.0\.0 ; .*platform_machine == "x86_64"', output, re.M), output
