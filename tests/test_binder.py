"""binder/ gives Binder, repo2docker and JupyterHub exactly the environment the tests run in.

No Docker engine is needed: ``repo2docker --no-build --no-run --debug`` only prints the
Dockerfile it would build, and the tests read it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.platforms

REPO_ROOT = Path(__file__).resolve().parents[1]
BINDER = REPO_ROOT / "binder"
# A pin, with an environment marker where only some platforms need the line.
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9._+!-]+)(\s*;\s*(?P<marker>.+))?$")
RUNTIME_ROOTS = ("tensorflow-cpu", "keras", "numpy", "plotly", "anywidget", "ipywidgets", "jupyterlab")
TEST_TOOLS = ("pytest", "pytest-xdist", "hypothesis", "nbval", "playwright", "jupyter-repo2docker")


def requirement_lines() -> list[str]:
    lines = []
    for raw in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def holds_here(match: re.Match) -> bool:
    return match["marker"] is None or Marker(match["marker"]).evaluate()


def pins() -> dict[str, str]:
    """The pins that apply on this platform (the tested one)."""
    result = {}
    for line in requirement_lines():
        match = PIN.match(line)
        if match and holds_here(match):
            result[canonicalize_name(match["name"])] = match["version"]
    return result


# --------------------------------------------------------------------------------------------
# (a) the pins are exactly the tested environment


def test_every_requirement_is_pinned_exactly():
    lines = requirement_lines()
    assert lines, "binder/requirements.txt is empty"
    unpinned = [line for line in lines if not PIN.match(line)]
    assert not unpinned, f"binder/requirements.txt lines not pinned with ==: {unpinned}"
    names = [canonicalize_name(PIN.match(line)["name"]) for line in lines if holds_here(PIN.match(line))]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"pinned more than once for this platform: {duplicates}"


def test_pins_match_the_tested_environment():
    mismatched, missing = [], []
    for name, version in pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if installed != version:
            mismatched.append(f"{name}: pinned {version}, tests run {installed}")
    assert not missing, f"pinned but not installed where the tests run: {missing}"
    assert not mismatched, (
        "binder/requirements.txt disagrees with the tested environment (regenerate it with "
        "`make requirements`):\n" + "\n".join(mismatched)
    )


def test_runtime_packages_are_pinned_and_tensorflow_is_the_cpu_build():
    pinned = pins()
    missing = [root for root in RUNTIME_ROOTS if canonicalize_name(root) not in pinned]
    assert not missing, f"runtime packages not pinned: {missing}"
    assert "tensorflow" not in pinned, (
        "pin tensorflow-cpu, not tensorflow (Binder has no GPU; the wheel is half the size)"
    )
    assert "keras-shapes-course" not in pinned, "the course itself is installed by postBuild, not pinned"
    tools = [tool for tool in TEST_TOOLS if canonicalize_name(tool) in pinned]
    assert not tools, f"test tools do not belong in the runtime image: {tools}"


def test_pins_are_the_whole_runtime_closure():
    """Every dependency of a pinned package is itself pinned: nothing is left to the resolver."""
    sys.path.insert(0, str(BINDER))
    try:
        import freeze_requirements
    finally:
        sys.path.remove(str(BINDER))
    expected = {canonicalize_name(line.split("==")[0]) for line in freeze_requirements.closure().values()}
    pinned = set(pins())
    assert expected - pinned == set(), f"needed at run time but not pinned: {sorted(expected - pinned)}"
    assert pinned - expected == set(), f"pinned but not needed at run time: {sorted(pinned - expected)}"


def test_runtime_is_python_3_11():
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"


# --------------------------------------------------------------------------------------------
# (b) repo2docker reads binder/ as intended


def repo2docker_command() -> list[str]:
    return [sys.executable, "-m", "repo2docker"]


@pytest.fixture(scope="module")
def dockerfile(tmp_path_factory) -> str:
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker is in the [test] extra")
    env = dict(os.environ)
    # --no-build never talks to Docker; make sure nothing tries to reach a daemon anyway.
    env.pop("DOCKER_HOST", None)
    result = subprocess.run(
        [
            *repo2docker_command(),
            "--no-build",
            "--no-run",
            "--debug",
            "--user-id",
            "1000",
            "--user-name",
            "jovyan",
            str(REPO_ROOT),
        ],
        cwd=tmp_path_factory.mktemp("repo2docker"),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, f"repo2docker failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "FROM " in result.stdout, f"repo2docker printed no Dockerfile:\n{result.stderr[-3000:]}"
    return result.stdout


def test_repo2docker_uses_python_3_11(dockerfile):
    # repo2docker names the build files it copies in with escaped paths ("-2e" for "."); the
    # conda lock file it picks carries the Python version.
    decoded = re.sub(r"-([0-9a-f]{2})", lambda match: chr(int(match[1], 16)), dockerfile)
    assert "environment.py-3.11-" in decoded, "repo2docker did not pick Python 3.11 from runtime.txt"


def test_repo2docker_installs_the_pinned_requirements(dockerfile):
    assert re.search(r"pip install\b[^\n]*-r \"?binder/requirements\.txt\"?", dockerfile), dockerfile


def test_repo2docker_runs_postbuild_after_the_requirements(dockerfile):
    requirements = dockerfile.index('binder/requirements.txt"')
    post_build = re.search(r"^RUN \./binder/postBuild\s*$", dockerfile, re.M)
    assert post_build, "the Dockerfile does not run binder/postBuild"
    assert requirements < post_build.start(), "postBuild must run after the requirements are installed"


def test_repo2docker_starts_through_binder_start(dockerfile):
    assert re.search(r'^ENV R2D_ENTRYPOINT="?\$\{REPO_DIR\}/binder/start"?\s*$', dockerfile, re.M), (
        "binder/start is not the start script"
    )
    assert re.search(r"^ENTRYPOINT \[.*repo2docker-entrypoint", dockerfile, re.M)


# --------------------------------------------------------------------------------------------
# (c) the scripts


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_scripts_are_executable_bash(script):
    path = BINDER / script
    assert path.is_file(), f"binder/{script} is missing"
    assert os.access(path, os.X_OK), f"binder/{script} is not executable (chmod +x, and commit the mode)"
    assert path.read_text(encoding="utf-8").startswith("#!/bin/bash\n")
    git = shutil.which("git")
    if git and (REPO_ROOT / ".git").exists():
        listed = subprocess.run(
            [git, "ls-files", "--stage", "--", f"binder/{script}"], cwd=REPO_ROOT, capture_output=True, text=True
        ).stdout
        if listed:  # committed: the executable bit must be committed too
            assert listed.startswith("100755"), f"binder/{script} is committed without its executable bit: {listed}"
    bash = shutil.which("bash")
    if bash:
        check = subprocess.run([bash, "-n", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_postbuild_installs_the_course_without_touching_the_pins():
    text = (BINDER / "postBuild").read_text(encoding="utf-8")
    assert re.search(r"^set -e", text, re.M)
    assert re.search(r"pip install\b[^\n]*--no-deps[^\n]*(\s\.|-e \.)\s*$", text, re.M), text


def test_binder_and_make_lab_install_the_course_jupyter_settings():
    """The kernel limit, the served plotly bundle and the popup-free first lesson reach Binder,
    any repo2docker image and ``make lab`` alike: each installs the same settings."""
    post_build = (BINDER / "postBuild").read_text(encoding="utf-8")
    lines = [line.strip() for line in post_build.splitlines() if line.strip() and not line.startswith("#")]
    install = next(i for i, line in enumerate(lines) if re.search(r"pip install\b.*--no-deps", line))
    assert "python -m course.server.settings" in lines[install + 1 :], (
        "postBuild must install the course's Jupyter settings after the package"
    )
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\t\$\(PY\) -m course\.server\.settings\s*$", makefile, re.M), (
        "make lab's environment must get the settings too"
    )


def test_start_sets_the_tensorflow_variables_and_runs_the_command():
    text = (BINDER / "start").read_text(encoding="utf-8")
    assert re.search(r"^export TF_CPP_MIN_LOG_LEVEL=2\s*$", text, re.M)
    assert re.search(r"^export TF_ENABLE_ONEDNN_OPTS=0\s*$", text, re.M)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert lines[-1] == 'exec "$@"', 'binder/start must end by handing over to the command: exec "$@"'


def test_start_passes_the_environment_and_arguments_through():
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TF_")}
    result = subprocess.run(
        [
            bash,
            str(BINDER / "start"),
            sys.executable,
            "-c",
            "import os, sys; print(os.environ['TF_CPP_MIN_LOG_LEVEL'], os.environ['TF_ENABLE_ONEDNN_OPTS'], sys.argv[1:])",
            "a b",
            "c",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 0 ['a b', 'c']"


def run_start(env: dict, code: str) -> str:
    """What ``code`` prints when run by this Python through ``binder/start``, with ``env``."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    env = {**env, "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])}
    result = subprocess.run(
        [bash, str(BINDER / "start"), sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_start_gives_each_kernel_one_blas_thread_unless_told_otherwise():
    from course.threads import BLAS_VARIABLES, TENSORFLOW_VARIABLES

    bare = {key: value for key, value in os.environ.items() if key not in BLAS_VARIABLES + TENSORFLOW_VARIABLES}
    show = f"import os; print(*(os.environ.get(name) for name in {BLAS_VARIABLES!r}))"
    assert run_start(bare, show).split() == ["1"] * len(BLAS_VARIABLES)
    # An administrator's own setting is kept.
    assert run_start({**bare, "OMP_NUM_THREADS": "4"}, show).split()[0] == "4"
    # A process started this way runs numpy's linear algebra on its own thread alone (without
    # the setting, OpenBLAS starts one more thread per CPU of the machine when numpy loads).
    if Path("/proc/self/task").is_dir():
        count = "import numpy, os; a = numpy.ones((300, 300)); a @ a; print(len(os.listdir('/proc/self/task')))"
        assert run_start(bare, count) == "1"


def test_make_lab_starts_jupyterlab_through_binder_start():
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make")
    result = subprocess.run(
        [make, "-n", "lab", "-o", ".venv/.stamp-runtime"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lab = [line for line in result.stdout.splitlines() if "jupyter lab" in line]
    assert lab and "binder/start" in lab[0], result.stdout


# --------------------------------------------------------------------------------------------
# (d) the hub's nbgitpuller link works on this environment


def readme_pull_link() -> urllib.parse.SplitResult:
    links = re.findall(r"https://<your-hub>/hub/user-redirect/git-pull\?\S+", (BINDER / "README.md").read_text("utf-8"))
    assert links, "binder/README.md gives no nbgitpuller link"
    return urllib.parse.urlsplit(links[0])


def course_repository(where: Path) -> Path:
    """A git repository holding the lessons, named as the course's own, on branch main."""
    repo = where / "keras-shapes-course"
    shutil.copytree(REPO_ROOT / "notebooks", repo / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    git = ["git", "-c", "user.name=course", "-c", "user.email=course@example.org", "-c", "init.defaultBranch=main"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "lessons"]):
        subprocess.run([*git, *command], cwd=repo, check=True, capture_output=True, timeout=60)
    return repo


def test_the_readme_link_pulls_the_lessons_on_this_environment(tmp_path):
    """The environment built from binder/requirements.txt serves nbgitpuller's ``git-pull``: a
    Jupyter server started here answers the README's link, clones the lessons into the
    learner's home, and the link's ``urlpath`` names a lesson that is then there."""
    if shutil.which("git") is None:
        pytest.skip("no git")
    link = readme_pull_link()
    query = dict(urllib.parse.parse_qsl(link.query))
    assert query["urlpath"].startswith("lab/tree/"), query
    home = tmp_path / "home"
    home.mkdir()
    query["repo"] = course_repository(tmp_path / "origin").as_uri()

    with jupyter_server(home, tmp_path) as (base, headers):
        # The page the link opens (a hub's user-redirect ends at the learner's server like this).
        with urllib.request.urlopen(urllib.request.Request(f"{base}/git-pull?{link.query}", headers=headers)) as page:
            assert page.status == 200 and b"nbgitpuller" in page.read().lower()
        # The pull the page asks for, as its event stream reports it.
        api = f"{base}/git-pull/api?" + urllib.parse.urlencode(query)
        with urllib.request.urlopen(urllib.request.Request(api, headers=headers), timeout=120) as stream:
            events = [json.loads(line[6:]) for line in stream.read().decode().splitlines() if line.startswith("data: ")]
    phases = [event.get("phase") for event in events]
    assert phases[-1:] == ["finished"], events
    lesson = home / query["urlpath"].removeprefix("lab/tree/")
    assert lesson.is_file(), (
        f"the link opens {query['urlpath']}, which the pull did not create: {sorted(home.rglob('*'))[:20]}"
    )


@contextlib.contextmanager
def jupyter_server(root: Path, workdir: Path, system_config: Path | None = None):
    """A Jupyter server from this environment serving ``root``, with a throwaway user config and
    runtime dir in ``workdir`` (and ``system_config`` on the config path, as a hub's
    ``/etc/jupyter`` would be); yields its base URL and the headers that authenticate, then stops
    it. Its log is ``workdir/server.log``."""
    port, token = free_port(), secrets.token_hex(8)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(workdir / "config"), "JUPYTER_RUNTIME_DIR": str(workdir / "run")}
    env.pop("JUPYTER_CONFIG_PATH", None)
    if system_config is not None:
        env["JUPYTER_CONFIG_PATH"] = str(system_config)
    log = workdir / "server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", f"--ServerApp.port={port}",
             "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root}", *(["--allow-root"] if os.geteuid() == 0 else [])],
            env=env, stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    try:
        wait_for_server(base, headers, server, log)
        yield base, headers
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(base: str, headers: dict, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the Jupyter server exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{base}/api/status", headers=headers), timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail("the Jupyter server did not answer within a minute")


# --------------------------------------------------------------------------------------------
# (e) the hub's Jupyter server settings in binder/README.md do what it says

# Run in the kernel: a course widget shown as a lesson shows it, and a record of the reason the
# banner gives when the server stops the kernel (the banner itself is the widgets' own code).
RECORD_THE_BANNER = """
import pathlib
import ipywidgets as W
from widgets import _lifecycle

box = W.VBox([W.IntSlider()])
_lifecycle.register(box)
_retire_all = _lifecycle.retire_all


def _recording(reason):
    pathlib.Path({record!r}).write_text(reason, encoding="utf-8")
    return _retire_all(reason)


_lifecycle.retire_all = _recording
"""


def readme_hub_config() -> dict:
    """The Jupyter server settings binder/README.md gives a hub: its one JSON block that sets the
    course's kernel limit."""
    blocks = re.findall(r"```json\n(.*?)```", (BINDER / "README.md").read_text("utf-8"), re.S)
    configs = [json.loads(block) for block in blocks if '"KernelLimit"' in block]
    assert len(configs) == 1, f"binder/README.md should give one JSON block of hub settings, not {len(configs)}"
    return configs[0]


def test_the_readme_hub_settings_keep_one_kernel_and_cull_idle_ones_with_the_banner(tmp_path):
    """The README's hub settings, in a system config directory as a hub mounts them: the server
    keeps one lesson's kernel, and its idle culler stops an idle kernel only after the lesson's
    widgets put up the banner that names the idle time (the culler's times shortened here)."""
    from jupyter_client import BlockingKernelClient

    from course.server.kernels import CULLED, idle_time

    config = readme_hub_config()
    assert config["KernelLimit"]["max_kernels"] == 1, config
    culler = config["MappingKernelManager"]
    assert culler["cull_idle_timeout"] >= 600 and culler["cull_connected"] is True, culler
    culler.update(cull_idle_timeout=10, cull_interval=2)
    system = tmp_path / "etc-jupyter"
    system.mkdir()
    (system / "jupyter_server_config.json").write_text(json.dumps(config), encoding="utf-8")
    record = tmp_path / "banner.txt"

    with jupyter_server(tmp_path, tmp_path, system_config=system) as (base, headers):
        log = (tmp_path / "server.log").read_text(errors="replace")
        assert "at most 1 kernels run at once" in log, log[-2000:]
        request = urllib.request.Request(f"{base}/api/kernels", data=b'{"name": "python3"}', headers=headers)
        with urllib.request.urlopen(request, timeout=60) as answer:
            kernel_id = json.loads(answer.read())["id"]
        client = BlockingKernelClient(connection_file=str(tmp_path / "run" / f"kernel-{kernel_id}.json"))
        client.load_connection_file()
        client.start_channels(hb=False)  # a heartbeat not yet answered reads as a dead kernel
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(RECORD_THE_BANNER.format(record=str(record)), timeout=120)
            assert reply["content"]["status"] == "ok", reply["content"]
        finally:
            client.stop_channels()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with urllib.request.urlopen(urllib.request.Request(f"{base}/api/kernels", headers=headers)) as answer:
                if not json.loads(answer.read()):
                    break
            time.sleep(0.5)
        else:
            pytest.fail("the culler did not stop the idle kernel within a minute")
    assert record.is_file(), "the kernel was stopped without its widgets being told"
    assert record.read_text(encoding="utf-8") == CULLED.format(idle=idle_time(10))
