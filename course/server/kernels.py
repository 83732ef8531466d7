"""At most ``max_kernels`` kernels at once: the least recently used ones are stopped.

Every lesson's kernel imports TensorFlow (about 520 MB resident, 340 MB of it shared library
pages), so a learner who follows the lessons' links and never closes a tab would pass Binder's
2 GB by lesson 05. Whenever a kernel starts, this stops the least recently active kernels beyond
the limit (never the new one, never a busy one). Before stopping a kernel it runs
``widgets._lifecycle.retire_all`` there, so every course widget of that lesson shows a banner
saying what happened and what to run, instead of sliders that silently do nothing.

The same banner goes up whoever stops a kernel through the server: the learner (Kernel > Shut
Down Kernel, the running-kernels panel, closing a lesson with its kernel), the server's own idle
culler (``MappingKernelManager.cull_idle_timeout``, which a hub sets), or a script calling the
REST API. Only a kernel that dies on its own (out of memory) cannot say so; JupyterLab then
restarts it and says that itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from traitlets import Int, Unicode
from traitlets.config import LoggingConfigurable

__all__ = [
    "KernelState",
    "KernelLimit",
    "kernels_to_stop",
    "retire_code",
    "limit_reason",
    "REASON",
    "SHUT_DOWN",
    "CULLED",
    "idle_time",
    "watch_shutdowns",
    "setup",
]

KERNEL_ACTIONS = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"

REASON = (
    "Each lesson's kernel holds TensorFlow, so to keep the whole course inside the memory this server "
    "gives you (on Binder, 2 GB; on a hub, what your instructor set; on your own computer, what you "
    "chose), the course keeps only {kept} running."
)
#: Why a kernel stopped when someone shut it down through the server.
SHUT_DOWN = (
    "It was shut down through this Jupyter server: from a Kernel menu or the list of running "
    "kernels (in this tab or another), or by closing this lesson together with its kernel."
)
#: Why a kernel stopped when the server's idle culler stopped it.
CULLED = (
    "It had been idle for more than {idle}, and this server stops idle kernels so that their memory "
    "goes back to others."
)


def idle_time(seconds: float) -> str:
    """The culler's idle timeout in words: minutes from two minutes up, else seconds."""
    if seconds >= 120:
        return f"{round(seconds / 60)} minutes"
    seconds = max(1, round(seconds))
    return f"{seconds} second" + ("s" if seconds != 1 else "")


def limit_reason(max_kernels: int) -> str:
    """The banner's reason when the kernel limit stops a lesson, in the limit's own words."""
    kept = "the lesson you used last" if max_kernels == 1 else f"the {max_kernels} lessons you used most recently"
    return REASON.format(kept=kept)


@dataclass(frozen=True)
class KernelState:
    """What the policy needs to know of one running kernel."""

    kernel_id: str
    last_activity: str  # ISO time stamp, as the server reports it
    execution_state: str


def kernels_to_stop(kernels: list[KernelState], keep: int, started: str) -> list[str]:
    """The ids of the kernels to stop so that at most ``keep`` run, the new kernel ``started``
    among them: the least recently active first, never ``started`` itself, never a busy one."""
    if keep < 1:
        raise ValueError(f"keep at least one kernel running, not {keep}")
    others = [k for k in kernels if k.kernel_id != started]  # the new one counts, listed yet or not
    excess = len(others) + 1 - keep
    if excess <= 0:
        return []
    candidates = sorted((k for k in others if k.execution_state != "busy"), key=lambda k: k.last_activity)
    return [k.kernel_id for k in candidates[:excess]]


def retire_code(reason: str) -> str:
    """The code run in a kernel before it is stopped: only where the course's widgets were
    imported, it turns them into a banner; it imports nothing new."""
    return (
        "import sys as _course_sys\n"
        "_course_lifecycle = _course_sys.modules.get('widgets._lifecycle')\n"
        "if _course_lifecycle is not None:\n"
        f"    _course_lifecycle.retire_all({reason!r})\n"
        "del _course_sys, _course_lifecycle\n"
    )


def async_client(manager):
    """An asyncio client of ``manager``'s kernel with a session of its own: ``manager.client()``
    is blocking (it would stall the server) and shares the manager's session, whose record of
    message signatures would then reject messages as duplicates."""
    from jupyter_client.asynchronous import AsyncKernelClient

    client = AsyncKernelClient()
    client.load_connection_info(manager.get_connection_info())
    return client


class KernelLimit(LoggingConfigurable):
    """Configurable as ``KernelLimit.max_kernels`` in any Jupyter server config file."""

    max_kernels = Int(
        2, config=True, help="How many kernels may run at once; the least recently used beyond it are stopped."
    )
    retire_timeout = Int(
        10, config=True, help="Seconds to wait for a kernel to show its banner before stopping it anyway."
    )
    reason = Unicode(
        "",
        config=True,
        help="Why the course stopped a lesson's kernel, as its banner says it (default: its own words).",
    )

    def __init__(self, kernel_manager, **kwargs):
        super().__init__(**kwargs)
        self.kernel_manager = kernel_manager
        self._lock = asyncio.Lock()
        self.retired: set[str] = set()  # kernels whose widgets show the banner already

    @property
    def limit_reason(self) -> str:
        return self.reason or limit_reason(self.max_kernels)

    def running(self) -> list[KernelState]:
        return [
            KernelState(model["id"], model.get("last_activity") or "", model.get("execution_state") or "")
            for model in self.kernel_manager.list_kernels()
        ]

    async def enforce(self, started: str) -> list[str]:
        """Stop the kernels beyond the limit now that ``started`` has started; return their ids."""
        async with self._lock:
            stopped = []
            for kernel_id in kernels_to_stop(self.running(), self.max_kernels, started):
                await self.retire(kernel_id, self.limit_reason)
                try:
                    await self.kernel_manager.shutdown_kernel(kernel_id)
                except Exception as exc:  # noqa: BLE001 - a kernel that is already gone is fine
                    self.log.warning("course: could not stop kernel %s: %s", kernel_id, exc)
                    continue
                self.log.info("course: stopped kernel %s to stay within %d kernels", kernel_id, self.max_kernels)
                stopped.append(kernel_id)
            return stopped

    async def retire(self, kernel_id: str, reason: str | None = None) -> None:
        """Have the kernel's course widgets show the banner with ``reason`` (the limit's by
        default), and wait until the kernel is idle again (its messages are then on their way to
        the browser). Once per kernel."""
        if kernel_id in self.retired:
            return
        self.retired.add(kernel_id)
        try:
            client = async_client(self.kernel_manager.get_kernel(kernel_id))
            client.start_channels()
        except Exception as exc:  # noqa: BLE001
            self.log.warning("course: could not reach kernel %s to retire its widgets: %s", kernel_id, exc)
            return
        try:
            await client.execute_interactive(
                retire_code(reason or self.limit_reason),
                silent=True,
                store_history=False,
                allow_stdin=False,
                timeout=self.retire_timeout,
                output_hook=lambda message: None,
            )
        except Exception as exc:  # noqa: BLE001 - a kernel that does not answer is stopped anyway
            self.log.warning("course: kernel %s did not retire its widgets: %s", kernel_id, exc)
        finally:
            client.stop_channels()


def watch_shutdowns(kernel_manager, limit: KernelLimit) -> None:
    """Retire a kernel's course widgets before ``kernel_manager`` shuts it down, whoever asked:
    with :data:`CULLED` when its idle culler did, else :data:`SHUT_DOWN`. A restart is not a
    stop (the learner asked for it and sees it), and a busy kernel is not waited for."""
    shutdown = kernel_manager.shutdown_kernel
    cull = getattr(kernel_manager, "cull_kernel_if_idle", None)
    culling: set[str] = set()

    async def shutdown_kernel(kernel_id, *args, **kwargs):
        if not kwargs.get("restart") and kernel_id not in limit.retired:
            try:
                busy = kernel_manager.get_kernel(kernel_id).execution_state == "busy"
            except Exception:  # noqa: BLE001 - an unknown kernel: the server answers for it
                busy = True
            if not busy:
                culled = kernel_id in culling
                reason = CULLED.format(idle=idle_time(kernel_manager.cull_idle_timeout)) if culled else SHUT_DOWN
                await limit.retire(kernel_id, reason)
        limit.retired.discard(kernel_id)
        return await shutdown(kernel_id, *args, **kwargs)

    async def cull_kernel_if_idle(kernel_id):
        culling.add(kernel_id)
        try:
            return await cull(kernel_id)
        finally:
            culling.discard(kernel_id)

    kernel_manager.shutdown_kernel = shutdown_kernel
    if cull is not None:
        kernel_manager.cull_kernel_if_idle = cull_kernel_if_idle


def setup(serverapp) -> KernelLimit:
    """Watch kernel starts on ``serverapp``'s event bus and enforce the limit after each."""
    limit = KernelLimit(serverapp.kernel_manager, parent=serverapp, config=serverapp.config)

    async def on_kernel_action(logger, schema_id: str, data: dict) -> None:
        if data.get("action") == "start" and data.get("status") == "success" and data.get("kernel_id"):
            # The event comes before the server has finished recording the new kernel (its
            # last_activity), and listing kernels before then fails: let it finish first.
            await asyncio.sleep(0)
            try:
                await limit.enforce(data["kernel_id"])
            except Exception:  # noqa: BLE001 - never take the server down
                serverapp.log.exception("course: enforcing the kernel limit failed")

    serverapp.event_logger.add_listener(schema_id=KERNEL_ACTIONS, listener=on_kernel_action)
    watch_shutdowns(serverapp.kernel_manager, limit)
    serverapp.log.info("course: at most %d kernels run at once", limit.max_kernels)
    return limit
