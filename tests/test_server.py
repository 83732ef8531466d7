"""The course's Jupyter server extension, without a browser: the kernel limit's choice, its
banner in a real kernel, the settings it installs, and the figures' small loader."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import os
import subprocess
import sys

import pytest

from course.server import bundle, settings
from course.server.kernels import KernelLimit, KernelState, async_client, kernels_to_stop, retire_code
from widgets._figure import NOT_A_JUPYTER_PAGE, CourseFigure, kernel_loader

pytestmark = pytest.mark.widgets


def state(kernel_id, minute, execution_state="idle"):
    return KernelState(kernel_id, f"2026-11-29T10:{minute:02d}:00Z", execution_state)


# --------------------------------------------------------------------------------------------
# Which kernels to stop


def test_nothing_is_stopped_within_the_limit():
    assert kernels_to_stop([state("a", 1), state("new", 5)], keep=2, started="new") == []


def test_the_least_recently_used_go_first_and_the_new_one_never():
    kernels = [state("b", 3), state("new", 0), state("a", 1), state("c", 4)]
    assert kernels_to_stop(kernels, keep=2, started="new") == ["a", "b"]


def test_a_new_kernel_not_yet_listed_still_counts():
    assert kernels_to_stop([state("a", 1), state("b", 2)], keep=2, started="new") == ["a"]


def test_a_busy_kernel_is_left_running():
    kernels = [state("a", 1, "busy"), state("b", 2), state("new", 3)]
    assert kernels_to_stop(kernels, keep=2, started="new") == ["b"]
    assert kernels_to_stop([state("a", 1, "busy"), state("new", 3)], keep=1, started="new") == []


def test_keeping_no_kernel_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        kernels_to_stop([], keep=0, started="new")


def test_the_retire_code_imports_nothing_new():
    code = retire_code("why")
    assert "import sys" in code and "sys.modules.get('widgets._lifecycle')" in code
    assert "import widgets" not in code and "'why'" in code


# --------------------------------------------------------------------------------------------
# In real kernels


def test_the_limit_retires_and_stops_the_oldest_kernel(tmp_path):
    """Three real kernels under a limit of two: the oldest first shows the banner on its course
    widgets (asked while it still runs), then it is stopped; the other two keep running."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

    async def scenario():
        manager = MappingKernelManager(root_dir=str(tmp_path), connection_dir=str(tmp_path))
        limit = KernelLimit(manager, max_kernels=2)
        setup = (
            "import ipywidgets as W\n"
            "from widgets._lifecycle import register\n"
            "box = W.VBox([W.IntSlider()])\n"
            "register(box)\n"
        )
        check = "print(len(box.children), box.children[1].disabled, 'course-kernel-stopped' in box.children[0].value)"
        oldest = await manager.start_kernel(kernel_name="python3")
        client = async_client(manager.get_kernel(oldest))
        client.start_channels()
        outputs = []

        def keep(message):
            if message["msg_type"] == "stream":
                outputs.append(message["content"]["text"])

        try:
            await client.wait_for_ready(timeout=60)
            await client.execute_interactive(setup, timeout=60, output_hook=keep)
            await limit.retire(oldest)
            await client.execute_interactive(check, timeout=60, output_hook=keep)
        finally:
            client.stop_channels()
        middle = await manager.start_kernel(kernel_name="python3")
        newest = await manager.start_kernel(kernel_name="python3")
        try:
            stopped = await limit.enforce(newest)
            running = set(manager.list_kernel_ids())
        finally:
            manager.shutdown_all()
        return outputs, stopped, running, (oldest, middle, newest)

    outputs, stopped, running, (oldest, middle, newest) = asyncio.run(scenario())
    assert "".join(outputs).split() == ["2", "True", "True"], outputs
    assert stopped == [oldest]
    assert running == {middle, newest}


def test_retired_course_widgets_say_what_to_do():
    import ipywidgets as W

    from widgets import Quiz, ShapeExplorer
    from widgets._lifecycle import RETIRED_CLASS, descendants, retire_all

    explorer = ShapeExplorer(features=3, units=4)
    quiz = Quiz("How many?", lambda: 4)
    children = len(explorer.children)
    assert retire_all("The course stopped it.") >= 2
    banner = explorer.children[0].value
    assert RETIRED_CLASS in banner and "The course stopped it." in banner
    assert "Restart Kernel and Run All Cells" in banner
    assert len(explorer.children) == children + 1 and RETIRED_CLASS in quiz.children[0].value
    sliders = [c for c in descendants(explorer) if isinstance(c, W.IntSlider)]
    assert sliders and all(c.disabled for c in sliders)
    assert retire_all("again") == 0 and len(explorer.children) == children + 1  # one banner, never two


# --------------------------------------------------------------------------------------------
# Settings and the figures' loader


def test_settings_install_into_a_prefix(tmp_path):
    written = settings.install(tmp_path)
    server = json.loads((tmp_path / "etc/jupyter/jupyter_server_config.d/keras-shapes-course.json").read_text())
    lab = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.d/keras-shapes-course.json").read_text())
    assert len(written) == 2
    assert server["ServerApp"]["jpserver_extensions"] == {"course.server": True}
    assert lab["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_the_course_environment_has_the_settings():
    """``make lab`` (and Binder's postBuild) installed them into the environment that runs the tests."""
    for path in settings.paths(__import__("pathlib").Path(sys.prefix)).values():
        assert path.is_file(), f"{path.name} is missing from this environment: run python -m course.server.settings"
    listed = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"], capture_output=True, text=True, timeout=120
    )
    assert "course.server" in listed.stdout + listed.stderr and "enabled" in listed.stdout + listed.stderr


def _figure_esm(env: dict) -> str:
    code = "from widgets._figure import CourseFigure; import sys; sys.stdout.write(CourseFigure()._esm)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_figures_send_a_loader_where_the_server_serves_the_bundle():
    env = {k: v for k, v in os.environ.items() if k != bundle.BUNDLE_ENV}
    own = _figure_esm(env)
    # without the extension: the module that asks the kernel for plotly once per page, not the bundle
    assert own == kernel_loader() and len(own.encode()) < 5_000 and '"module"' in own and "export default" in own
    loader = _figure_esm({**env, bundle.BUNDLE_ENV: bundle.bundle_path()})
    assert len(loader.encode()) < 1_000 and bundle.bundle_path() in loader and "export default" in loader
    assert "jupyter-config-data" in loader  # the page's base URL, so it works behind a hub's prefix
    assert NOT_A_JUPYTER_PAGE in loader  # and a page that has none (VS Code) is told what to do


def test_without_the_extension_the_kernel_sends_plotly_once_asked():
    """The module's one request: plotly's bundle and the course's figure module (gzipped, in
    base64: the bundle's 4.96 MB travel as about 2 MB)."""
    import plotly.graph_objects as go

    figure = CourseFigure(go.Figure(go.Scatter(y=[1, 2, 3])))
    sent = []
    figure.send = lambda content, buffers=None: sent.append(content)
    figure._answer(figure, {"course": "module"}, [])
    (module,) = sent
    assert gzip.decompress(base64.b64decode(module["bundle"])) == bundle.bundle_file().read_bytes()
    assert gzip.decompress(base64.b64decode(module["figure"])) == bundle.figure_file().read_bytes()
    assert len(module["bundle"]) < 0.5 * bundle.bundle_file().stat().st_size
    figure._answer(figure, "anything else", [])
    figure._answer(figure, {"course": "something else"}, [])
    assert len(sent) == 1


def test_a_figure_saved_with_widget_state_stays_small():
    """What a notebook saved with its widget state keeps of each figure: a few kilobytes with the
    loader, where plotly's own figure keeps its whole 5 MB bundle."""
    code = (
        "import json, sys; import plotly.graph_objects as go; from widgets._figure import CourseFigure\n"
        "f = CourseFigure(go.Figure(go.Scatter(y=[1, 2, 3])))\n"
        "state = {k: v for k, v in f.get_state().items() if not isinstance(v, (bytes, memoryview))}\n"
        "sys.stdout.write(str(len(json.dumps(state, default=str))))"
    )
    env = {**{k: v for k, v in os.environ.items() if k != bundle.BUNDLE_ENV}, bundle.BUNDLE_ENV: bundle.bundle_path()}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) < 20_000


def test_the_extension_compresses_websockets_and_http():
    from types import SimpleNamespace

    from tornado.web import Application, GZipContentEncoding

    from course.server import compression

    app = SimpleNamespace(web_app=Application([]))
    compression.setup(app)
    compression.setup(app)  # twice changes nothing
    assert app.web_app.settings["websocket_compression_options"] == {}
    assert app.web_app.transforms.count(GZipContentEncoding) == 1


def test_the_banner_speaks_of_where_the_course_runs():
    """The stopped-kernel banner's reason fits Binder, a hub and a laptop alike: it names Binder's
    limit as one case, not as the only place the course runs."""
    from widgets._lifecycle import retired_banner_html

    banner = retired_banner_html(KernelLimit(kernel_manager=None).limit_reason)
    assert "this server" in banner and "on Binder, 2 GB" in banner and "hub" in banner and "own computer" in banner
    assert "Restart Kernel and Run All Cells" in banner
    assert "the 2 lessons you used most recently" in banner
    assert "only the lesson you used last running" in KernelLimit(kernel_manager=None, max_kernels=1).limit_reason


class FakeKernels:
    """What :func:`watch_shutdowns` needs of a kernel manager, recording what was done."""

    def __init__(self, states):
        self.states = dict(states)
        self.cull_idle_timeout = 1200
        self.stopped = []

    def get_kernel(self, kernel_id):
        return type("Kernel", (), {"execution_state": self.states[kernel_id]})()

    async def shutdown_kernel(self, kernel_id, now=False, restart=False):
        self.stopped.append(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id):
        await self.shutdown_kernel(kernel_id)


def test_every_stop_through_the_server_retires_the_widgets_first(monkeypatch):
    """Whoever stops a kernel through the server (the learner, the idle culler, the limit), its
    widgets are told why first, once; a busy kernel is stopped without waiting for it."""
    from course.server.kernels import CULLED, SHUT_DOWN, watch_shutdowns

    kernels = FakeKernels({"menu": "idle", "idle": "idle", "busy": "busy", "old": "idle"})
    limit = KernelLimit(kernel_manager=kernels)
    told = []

    async def retire(kernel_id, reason=None):
        told.append((kernel_id, reason, list(kernels.stopped)))
        limit.retired.add(kernel_id)

    monkeypatch.setattr(limit, "retire", retire)
    watch_shutdowns(kernels, limit)

    async def scenario():
        await kernels.shutdown_kernel("menu")
        await kernels.cull_kernel_if_idle("idle")
        await kernels.shutdown_kernel("busy")
        await limit.retire("old", limit.limit_reason)
        await kernels.shutdown_kernel("old")

    asyncio.run(scenario())
    assert kernels.stopped == ["menu", "idle", "busy", "old"]
    assert told == [
        ("menu", SHUT_DOWN, []),
        ("idle", CULLED.format(idle="20 minutes"), ["menu"]),
        ("old", limit.limit_reason, ["menu", "idle", "busy"]),
    ]
    assert "20 minutes" in told[1][1]


def test_the_culled_banner_gives_the_idle_time_in_words():
    from course.server.kernels import idle_time

    assert [idle_time(s) for s in (1200, 3600, 120, 90, 5, 0)] == [
        "20 minutes",
        "60 minutes",
        "2 minutes",
        "90 seconds",
        "5 seconds",
        "1 second",
    ]
