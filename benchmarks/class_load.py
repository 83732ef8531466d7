"""A class on one machine: N learners start a lesson at once, then move its slider together.

On a JupyterHub every learner has a container of their own with a Jupyter server and the lesson
kernels the course keeps (each holds TensorFlow), and a node's learners share its CPUs and its
memory. This measures, for N simulated learners on this machine, with and without the thread caps
of ``course.threads``:

- the class start: N kernels started at once, each running every code cell of the lesson in order
  as Run All does, all N together; per learner the wall time from the kernel start request to its
  last cell done (median and max over the learners). A cell that fails stops that run with the
  cell and its error.
- the slider: each learner then moves the first slider of the lesson's first course widget (found
  in the kernel through ``widgets._lifecycle``) the way a browser does, with a shell ``comm_msg``
  ``update`` of the slider's value, ``--moves`` times, 0.1 to 0.3 s of thinking between moves, all N
  learners at once. A move's latency runs from sending the message to the kernel's ``idle`` status
  for it, by when the updates its handler publishes (figures, text) are out; a move that sends no
  update on any comm but the slider's own stops the run, since then nothing was measured. p50 and
  p95 over every learner's moves. The messages go straight to the kernels: a hub adds the
  learner's server and the network on top, the same for both modes.
- memory after the lesson ran: each kernel's RSS, PSS (``/proc/<pid>/smaps_rollup``) and USS
  (median over the learners), and a Jupyter server's: one server with this environment's server
  extensions runs idle through the whole benchmark (its ``/lab`` page asked for once), measured
  before any kernel and beside each class's kernels, with which it shares pages as in a container.
  A learner needs a server and the kernels the course keeps (``KernelLimit.max_kernels``, 2 by
  default; the second kernel counted by its USS, since it shares the first one's libraries). Three
  views of that need:

  - PSS: the learner's share of the node's memory, shared pages split among the processes that map
    them (here the N kernels share TensorFlow's pages, so it falls as N grows);
  - first on the node: what the container's memory limit counts when no other container has loaded
    the libraries, about the RSS of the server and the kernel (a cgroup is charged for the file
    pages it reads first);
  - libraries loaded: what it counts when another container on the node read them first, about
    the USS of the server and the kernels (TensorFlow's shared library pages are charged once per
    node).

  These need N >= 2: a kernel alone maps TensorFlow's pages by itself, so its USS is its RSS.
  Learners per node = floor(node / max(guarantee, need)): the hub places a learner only on a node
  with their memory guarantee still free, so at most node / guarantee fit, and where learners
  really use more than the guarantee, the node's memory runs out at node / need first. The
  node's own reservations (system, kubelet) are not taken off.

The modes: "off" starts the kernels with none of the thread variables (those ``course.threads``
sets are removed from the environment), or with ``--node-cpus N`` every one of them set to N, the
pools the libraries choose on a node with N CPUs, which a container sharing that node gets unless
told otherwise; "on" adds every setting of ``thread_settings({})``. Both set TF_CPP_MIN_LOG_LEVEL=2 and TF_ENABLE_ONEDNN_OPTS=0. For scale: a widget's own update budget,
Python side, is p95 under 50 ms (``benchmarks/widget_latency.py``).

    .venv/bin/python benchmarks/class_load.py            # 1, 4 and 8 learners, caps off and on
    .venv/bin/python benchmarks/class_load.py --learners 1 --moves 5 --caps on   # a quick look

    .venv/bin/python benchmarks/class_load.py --learners 8 --node-cpus 16 --output benchmarks/results/class_load-16.json

Results go to ``benchmarks/results/class_load.json`` unless ``--output`` names another file.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import os
import pathlib
import platform
import random
import sys
import tempfile
import time
from queue import Empty

import numpy as np
import psutil
from jupyter_client import AsyncKernelManager

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = ROOT / "notebooks"
RESULTS = HERE / "results" / "class_load.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import start_lab  # noqa: E402  (the tests' JupyterLab, as a learner's server)

from course.threads import BLAS_VARIABLES, TENSORFLOW_VARIABLES, cpu_limit, thread_settings  # noqa: E402

MIB = 1024**2
GIB = 1024**3
KERNEL_START_TIMEOUT_S = 300
CELL_TIMEOUT_S = 1800  # eight learners' TensorFlow on two cores: a slow cell may take minutes
MOVE_TIMEOUT_S = 120
THINK_S = (0.1, 0.3)
KERNELS_KEPT = 2  # course.server's KernelLimit.max_kernels
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}
SERVER_SETTLE_S = 3

# Run in a learner's kernel after the lesson: the first slider of the first course widget (in the
# order the lesson's cells named them), as JSON on one line after a marker.
FIND_SLIDER = """
def _class_load_slider():
    import ipywidgets
    import numpy
    from widgets import _lifecycle

    live = list(_lifecycle._LIVE)
    named = [value for value in get_ipython().user_ns.values() if any(value is widget for widget in live)]
    for widget in named + [widget for widget in live if not any(widget is other for other in named)]:
        for control in _lifecycle.descendants(widget):
            if not isinstance(control, ipywidgets.Widget) or getattr(control, "comm", None) is None:
                continue
            kind = type(control).__name__
            if "Slider" not in kind or "Range" in kind:
                continue
            found = {"widget": type(widget).__name__, "control": kind, "model_id": control.comm.comm_id,
                     "description": getattr(control, "description", "")}
            if hasattr(control, "options") and hasattr(control, "index"):
                return found | {"key": "index", "values": list(range(len(control.options))), "now": control.index}
            if hasattr(control, "min") and hasattr(control, "max"):
                if isinstance(control.value, int):
                    values = list(range(control.min, control.max + 1, max(1, int(control.step or 1))))
                else:
                    values = [float(value) for value in numpy.linspace(control.min, control.max, 11)]
                return found | {"key": "value", "values": values, "now": control.value}
    return None


import json as _class_load_json

print("CLASS_LOAD_SLIDER", _class_load_json.dumps(_class_load_slider()), sep="\\t")
del _class_load_slider, _class_load_json
"""
SLIDER_MARKER = "CLASS_LOAD_SLIDER\t"


class RunFailed(Exception):
    """A learner's lesson or moves went wrong: the run stops and says why."""


def kernel_env(caps: str, node_cpus: int | None = None) -> dict[str, str]:
    """The kernels' environment: without any thread variable ("off"), or with all the caps ("on").
    With ``node_cpus``, "off" gives every library the thread pools it would choose on a node with
    that many CPUs (one thread per CPU), as a container sharing a larger node sees them."""
    env = {name: value for name, value in os.environ.items() if name not in (*BLAS_VARIABLES, *TENSORFLOW_VARIABLES)}
    if caps == "on":
        env.update(thread_settings({}))
    elif node_cpus:
        env.update({name: str(node_cpus) for name in (*BLAS_VARIABLES, *TENSORFLOW_VARIABLES)})
    env.update(QUIET_TENSORFLOW)
    return env


def lesson_cells(lesson: str) -> tuple[pathlib.Path, list[str]]:
    import nbformat

    found = sorted(NOTEBOOKS.glob(f"{lesson}_*.ipynb"))
    if not found:
        raise SystemExit(f"no lesson {lesson}: nothing matches notebooks/{lesson}_*.ipynb")
    notebook = nbformat.read(found[0], as_version=4)
    return found[0], [cell.source for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


def memory(pid: int) -> dict[str, int]:
    """RSS, PSS and USS of one process, in bytes."""
    info = psutil.Process(pid).memory_full_info()
    return {"rss": info.rss, "pss": info.pss, "uss": info.uss}


def server_memory(server) -> dict[str, float]:
    """The learner's Jupyter server's RSS, PSS and USS, in MiB."""
    return {kind: round(value / MIB, 1) for kind, value in memory(server.process.pid).items()}


def percentile(values, q) -> float | None:
    return round(float(np.percentile(values, q)), 1) if len(values) else None


def first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return (lines[0] if lines else source.splitlines()[0])[:70]


class Learner:
    """One simulated learner: a kernel, the lesson run in it, then slider moves."""

    def __init__(self, index: int, env: dict[str, str], logs: pathlib.Path):
        self.index, self.env = index, env
        self.log_path = logs / f"kernel-{index}.log"
        self.manager = AsyncKernelManager(kernel_name="python3")
        self.client = None
        self.lesson_s = None
        self.moves_ms: list[float] = []
        self.first_update_ms: list[float] = []
        self.updates_per_move: list[int] = []
        self.slider = None

    @property
    def pid(self) -> int:
        return self.manager.provisioner.process.pid

    def failure(self, text: str) -> RunFailed:
        """RunFailed with ``text`` and the last lines the kernel wrote to its own stderr, if any."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            lines = []
        lines = [line for line in lines if line.strip() and "running over TCP without encryption" not in line]
        tail = ("\n    kernel's stderr: " + "\n    ".join(lines[-8:])) if lines else ""
        return RunFailed(f"learner {self.index}: {text}{tail}")

    async def start(self) -> None:
        with open(self.log_path, "ab") as log:  # the kernel keeps its own copy of the descriptor
            await self.manager.start_kernel(cwd=str(NOTEBOOKS), env=self.env, stdout=log, stderr=log)
        self.client = self.manager.client()
        self.client.start_channels()
        await self.client.wait_for_ready(timeout=KERNEL_START_TIMEOUT_S)

    async def iopub(self, deadline: float, what: str) -> dict:
        """The kernel's next iopub message; RunFailed when the kernel died or ``deadline`` passed."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self.failure(f"{what} took longer than its timeout")
            try:
                return await self.client.get_iopub_msg(timeout=min(left, 10))
            except Empty:
                if not await self.manager.is_alive():
                    raise self.failure(f"the kernel died during {what}") from None

    async def execute(self, source: str, what: str, timeout: float = CELL_TIMEOUT_S) -> str:
        """Run ``source``; its printed output, or RunFailed with the error it raised."""
        msg_id = self.client.execute(source, store_history=True, allow_stdin=False, stop_on_error=True)
        deadline = time.monotonic() + timeout
        out, error = [], None
        while True:
            msg = await self.iopub(deadline, what)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                break
        while True:  # the reply, which says whether the cell failed even where nothing was published
            try:
                reply = await self.client.get_shell_msg(timeout=max(1.0, deadline - time.monotonic()))
            except Empty:
                raise self.failure(f"{what}: no reply from the kernel") from None
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if error or reply["content"]["status"] != "ok":
            content = reply["content"]
            error = error or f"{content.get('ename', content['status'])}: {content.get('evalue', '')}"
            raise self.failure(f"{what} failed: {error}")
        return "".join(out)

    async def run_lesson(self, cells: list[str]) -> None:
        started = time.perf_counter()
        await self.start()
        for number, source in enumerate(cells, start=1):
            await self.execute(source, f"code cell {number} ({first_line(source)!r})")
        self.lesson_s = time.perf_counter() - started

    async def find_slider(self) -> dict:
        out = await self.execute(FIND_SLIDER, "finding the slider", timeout=MOVE_TIMEOUT_S)
        lines = [line for line in out.splitlines() if line.startswith(SLIDER_MARKER)]
        found = json.loads(lines[-1][len(SLIDER_MARKER) :]) if lines else None
        if not found or len(found["values"]) < 2:
            raise self.failure("no live course widget with a shown slider after the lesson")
        self.slider = found
        return found

    async def move(self, value) -> None:
        """Send one front-end update of the slider; time it to the kernel's idle for it."""
        slider = self.slider
        data = {"method": "update", "state": {slider["key"]: value}, "buffer_paths": []}
        msg = self.client.session.msg("comm_msg", {"comm_id": slider["model_id"], "data": data})
        msg_id = msg["header"]["msg_id"]
        sent = time.perf_counter()
        self.client.shell_channel.send(msg)
        deadline = time.monotonic() + MOVE_TIMEOUT_S
        updates, first = 0, None
        while True:
            reply = await self.iopub(deadline, f"slider move to {value}")
            if reply["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = reply["msg_type"], reply["content"]
            if kind == "comm_msg" and content.get("comm_id") != slider["model_id"]:
                updates += 1  # another widget's update: a figure, text, a table
                if first is None:
                    first = time.perf_counter() - sent
            elif kind == "status" and content["execution_state"] == "idle":
                break
        if not updates:
            raise self.failure(
                f"moving {slider['control']} {slider['description']!r} of {slider['widget']} "
                f"to {value} sent no update of any other widget: the move measured nothing"
            )
        self.moves_ms.append((time.perf_counter() - sent) * 1000)
        self.first_update_ms.append(first * 1000)
        self.updates_per_move.append(updates)

    async def move_slider(self, moves: int, seed: int) -> None:
        rng = random.Random(seed)
        values, now = self.slider["values"], self.slider["now"]
        for _ in range(moves):
            await asyncio.sleep(rng.uniform(*THINK_S))
            now = rng.choice([value for value in values if value != now])
            await self.move(now)

    async def stop(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        try:
            if self.manager.has_kernel:
                await self.manager.shutdown_kernel(now=True)
        except Exception as exc:  # noqa: BLE001 - the others are still to be stopped
            print(f"learner {self.index}: stopping its kernel: {exc}", file=sys.stderr)


async def class_run(n: int, caps: str, cells: list[str], moves: int, server, node_cpus: int | None = None) -> dict:
    """N learners: the class start, the kernels' memory, then the moves; the kernels always stopped."""
    env = kernel_env(caps, node_cpus)
    result: dict = {"learners": n, "caps": caps}
    failed = None
    with tempfile.TemporaryDirectory(prefix="class-load-kernels-") as logs:
        learners = [Learner(index, env, pathlib.Path(logs)) for index in range(n)]
        try:
            async with asyncio.TaskGroup() as group:
                for learner in learners:
                    group.create_task(learner.run_lesson(cells))
            lesson_s = [learner.lesson_s for learner in learners]
            kernels = [memory(learner.pid) for learner in learners]
            result["server_memory_mib"] = server_memory(server)
            async with asyncio.TaskGroup() as group:
                for learner in learners:
                    group.create_task(learner.find_slider())
            async with asyncio.TaskGroup() as group:
                for learner in learners:
                    group.create_task(learner.move_slider(moves, seed=1000 * n + learner.index))
        except* Exception as group:  # a learner's failure stops the class: report it, stop the kernels
            failed = "; ".join(
                str(exc) if isinstance(exc, RunFailed) else f"{type(exc).__name__}: {exc}" for exc in group.exceptions
            )
        finally:
            await asyncio.gather(*(learner.stop() for learner in learners))
    if failed:
        return result | {"error": failed}
    all_moves = [ms for learner in learners for ms in learner.moves_ms]
    first_updates = [ms for learner in learners for ms in learner.first_update_ms]
    slider = learners[0].slider
    return result | {
        "slider": {key: slider[key] for key in ("widget", "control", "description", "key")}
        | {"range": [slider["values"][0], slider["values"][-1]]},
        "lesson_seconds": [round(s, 1) for s in lesson_s],
        "start_median_s": round(float(np.median(lesson_s)), 1),
        "start_max_s": round(max(lesson_s), 1),
        "moves": len(all_moves),
        "move_p50_ms": percentile(all_moves, 50),
        "move_p95_ms": percentile(all_moves, 95),
        "first_update_p50_ms": percentile(first_updates, 50),
        "first_update_p95_ms": percentile(first_updates, 95),
        "updates_per_move_median": float(np.median([u for learner in learners for u in learner.updates_per_move])),
        "kernel_memory_mib": {
            kind: {
                "median": round(float(np.median([k[kind] for k in kernels])) / MIB, 1),
                "each": [round(k[kind] / MIB, 1) for k in kernels],
            }
            for kind in ("rss", "pss", "uss")
        },
    }


def capacity(run: dict, node_gib: float, guarantee_gib: float) -> dict:
    """Per-learner need (MiB) in the three views, with 2 and with 1 kernel kept, and learners per node."""
    server = run["server_memory_mib"]
    kernel = {kind: run["kernel_memory_mib"][kind]["median"] for kind in ("rss", "pss", "uss")}
    one = {
        "pss": server["pss"] + kernel["pss"],
        "first_on_node": server["rss"] + kernel["rss"],
        "libraries_loaded": server["uss"] + kernel["uss"],
    }
    node, guarantee = node_gib * 1024, guarantee_gib * 1024
    found = {}
    for kept in (KERNELS_KEPT, 1):
        need = {view: round(mib + (kept - 1) * kernel["uss"], 1) for view, mib in one.items()}
        found[f"{kept}_kernels"] = {
            "need_mib": need,
            "learners_per_node": {view: math.floor(node / max(guarantee, mib)) for view, mib in need.items()},
        }
    return found


VIEWS = ("pss", "first_on_node", "libraries_loaded")


def print_tables(report: dict) -> None:
    params = report["parameters"]
    runs = [run for run in report["runs"] if "error" not in run]
    print()
    print(
        f"lesson {report['lesson']['name']} ({report['lesson']['code_cells']} code cells) run at once by each "
        f"class; then {params['moves']} slider moves per learner, {THINK_S[0]}-{THINK_S[1]} s apart"
    )
    if runs:
        slider = runs[0]["slider"]
        print(f"slider: {slider['control']} {slider['description']!r} of {slider['widget']}, {slider['range']}")
    print(
        f"{'learners':>8}{'caps':>6}{'start med s':>13}{'start max s':>13}{'move p50 ms':>13}{'move p95 ms':>13}"
        f"{'1st update p95':>16}{'kernel RSS/PSS/USS MiB':>26}"
    )
    for run in report["runs"]:
        if "error" in run:
            print(f"{run['learners']:>8}{run['caps']:>6}  failed: {run['error']}")
            continue
        kernel = run["kernel_memory_mib"]
        mem = f"{kernel['rss']['median']:.0f} / {kernel['pss']['median']:.0f} / {kernel['uss']['median']:.0f}"
        print(
            f"{run['learners']:>8}{run['caps']:>6}{run['start_median_s']:>13}{run['start_max_s']:>13}"
            f"{run['move_p50_ms']:>13}{run['move_p95_ms']:>13}{run['first_update_p95_ms']:>16}{mem:>26}"
        )
    alone = report["server_memory_mib"]
    print()
    print(
        f"one Jupyter server, before any kernel: RSS {alone['rss']:.0f} MiB, PSS {alone['pss']:.0f} MiB, "
        f"USS {alone['uss']:.0f} MiB; started and served /lab in {report.get('server_start_s')} s"
    )
    print(
        "per learner: the server (measured beside the kernels) and the kernels kept, the second by its USS; "
        "need in MiB as PSS / first on the node (RSS) / libraries loaded (USS)"
    )
    print(
        f"learners per {params['node_gib']:g} GiB node = floor(node / max(guarantee {params['guarantee_gib']:g} GiB, "
        "need)), in the same three views"
    )
    print(f"{'learners':>8}{'caps':>6}{'kernels':>9}{'need MiB':>26}{'learners per node':>24}")
    for run in runs:
        if run.get("capacity") is None:
            print(f"{run['learners']:>8}{run['caps']:>6}  (one kernel: TensorFlow's pages are its own, USS = RSS)")
            continue
        for kept in (KERNELS_KEPT, 1):
            cap = run["capacity"][f"{kept}_kernels"]
            need = " / ".join(f"{cap['need_mib'][view]:.0f}" for view in VIEWS)
            fit = " / ".join(str(cap["learners_per_node"][view]) for view in VIEWS)
            print(f"{run['learners']:>8}{run['caps']:>6}{kept:>9}{need:>26}{fit:>24}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[1, 4, 8], help="class sizes (default: 1 4 8)")
    parser.add_argument(
        "--caps", nargs="+", choices=("off", "on"), default=["off", "on"], help="thread caps (default: off on)"
    )
    parser.add_argument("--lesson", default="06", help="the lesson's number (default: 06)")
    parser.add_argument("--moves", type=int, default=30, help="slider moves per learner (default: 30)")
    parser.add_argument("--node-gib", type=float, default=64, help="a node's memory (default: 64)")
    parser.add_argument("--guarantee-gib", type=float, default=1, help="each learner's memory guarantee (default: 1)")
    parser.add_argument(
        "--node-cpus",
        type=int,
        default=None,
        help="with the caps off, give the libraries the thread pools of a node with this many CPUs "
        "(default: this machine's own choice)",
    )
    parser.add_argument("--output", type=pathlib.Path, default=None, help=f"the JSON written (default: {RESULTS.name})")
    args = parser.parse_args(argv)
    results = args.output or RESULTS
    if min(args.learners) < 1 or args.moves < 1:
        parser.error("at least one learner and one move")

    path, cells = lesson_cells(args.lesson)
    report: dict = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_limit": cpu_limit(),
            "memory_gib": round(psutil.virtual_memory().total / GIB, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "parameters": {
            "learners": args.learners,
            "caps": args.caps,
            "lesson": args.lesson,
            "moves": args.moves,
            "think_s": list(THINK_S),
            "node_gib": args.node_gib,
            "guarantee_gib": args.guarantee_gib,
            "kernels_kept": KERNELS_KEPT,
            "node_cpus": args.node_cpus,
        },
        "caps_settings": thread_settings({}),
        "lesson": {"name": path.name, "code_cells": len(cells)},
        "learners_per_node": "floor(node / max(guarantee, need)); need = server + kernels kept, the second by its "
        "USS, as PSS, as RSS (first on the node) and as USS (libraries loaded); only where N >= 2",
        "runs": [],
    }
    print(f"caps on = {report['caps_settings']}", flush=True)
    with tempfile.TemporaryDirectory(prefix="class-load-server-") as workdir:
        started = time.monotonic()
        server = start_lab(NOTEBOOKS, pathlib.Path(workdir))
        try:
            server.get("/lab")  # the page a learner's browser asks for first
            # what a spawn pays once the container runs: from the command to /lab served
            report["server_start_s"] = round(time.monotonic() - started, 1)
            time.sleep(SERVER_SETTLE_S)
            report["server_memory_mib"] = server_memory(server)
            for n in args.learners:
                for caps in args.caps:
                    print(f"{n} learner(s), caps {caps}: lesson {path.name} ...", flush=True)
                    started = time.monotonic()
                    run = asyncio.run(class_run(n, caps, cells, args.moves, server, args.node_cpus))
                    if "error" in run:
                        print(f"  the run stopped: {run['error']}", file=sys.stderr, flush=True)
                    else:
                        # with one kernel TensorFlow's pages are its own, so its USS is not what a
                        # second learner's container would be charged
                        run["capacity"] = capacity(run, args.node_gib, args.guarantee_gib) if n >= 2 else None
                        print(
                            f"  start median {run['start_median_s']} s, max {run['start_max_s']} s; moves p50 "
                            f"{run['move_p50_ms']} ms, p95 {run['move_p95_ms']} ms "
                            f"({time.monotonic() - started:.0f} s)",
                            flush=True,
                        )
                    report["runs"].append(run)
                    results.parent.mkdir(parents=True, exist_ok=True)
                    results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        finally:
            server.stop()
    print_tables(report)
    print(f"wrote {results}")
    return 1 if any("error" in run for run in report["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
