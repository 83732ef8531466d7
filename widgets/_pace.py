"""The pace of redraws while a learner drags a slider.

A drag sends the kernel a burst of values, faster than a widget can redraw for each one: drawn
one by one, the burst queues up and the figure keeps changing long after the hand has stopped.
:class:`Pace` redraws at once for a move that comes alone, at most every ``interval`` seconds
during a burst, and always once more for the last value, so intermediate states may be skipped
but the last one never is.

Only changes that arrive from the browser (a comm message the kernel is handling) are paced; a
change made in code (a cell, a test, a practitioner's script) redraws before the assignment
returns, as before.

:func:`flush_messages` makes a figure's update leave the kernel before the widget goes on with
the rest of a move (text, tables, other figures): the kernel's messages go out from a thread of
their own, which otherwise waits for the busy kernel, so the figure reached the browser only
after work the learner is not watching.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
from collections.abc import Callable

__all__ = ["Pace", "browser_loop", "flush_messages"]


def browser_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's event loop while it handles a message from the browser's widgets (a comm
    message); None anywhere else: code run in a cell, plain Python, tests."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    kernelbase = sys.modules.get("ipykernel.kernelbase")
    if kernelbase is None or not kernelbase.Kernel.initialized():
        return None
    try:
        parent = kernelbase.Kernel.instance().get_parent() or {}
    except Exception:  # noqa: BLE001 - an unknown kernel: draw at once, as in code
        return None
    return loop if parent.get("header", {}).get("msg_type") == "comm_msg" else None


def _message_thread():
    """The kernel's thread that sends its messages (ipykernel's IOPub thread) while the kernel
    handles a message from the browser's widgets; None anywhere else."""
    if browser_loop() is None:
        return None
    kernel = sys.modules["ipykernel.kernelbase"].Kernel.instance()
    thread = getattr(getattr(kernel, "iopub_socket", None), "io_thread", None)
    return thread if callable(getattr(thread, "schedule", None)) else None


def flush_messages(thread=None, timeout: float = 0.05) -> bool:
    """Wait (at most ``timeout`` seconds) until the messages sent so far have left the kernel;
    ``thread`` is the sending thread (the kernel's own by default). Returns False at once where
    there is nothing to wait for: outside a kernel, or in code run from a cell."""
    thread = thread if thread is not None else _message_thread()
    if thread is None:
        return False
    sent = threading.Event()
    thread.schedule(sent.set)  # runs after every message scheduled before it
    return sent.wait(timeout)


class Pace:
    """Call ``draw`` for every change, at once when it comes alone, at most every ``interval``
    seconds during a burst from the browser, and always for the last change of a burst."""

    def __init__(
        self,
        draw: Callable[[], object],
        interval: float = 0.05,
        loop_of: Callable[[], asyncio.AbstractEventLoop | None] = browser_loop,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.draw, self.interval, self.loop_of, self.clock = draw, interval, loop_of, clock
        self.last = -float("inf")  # when the last draw finished
        self.booked = None  # the timer of a draw to come, during a burst
        self.skipped = 0  # changes that a later draw covered (for tests and benchmarks)

    def __call__(self) -> None:
        loop = self.loop_of()
        if loop is None:
            self._draw()
            return
        if self.booked is not None:  # a draw is coming: it will show this change too
            self.skipped += 1
            return
        wait = self.last + self.interval - self.clock()
        if wait <= 0:
            self._draw(watched=True)
        else:
            self.booked = loop.call_later(wait, self._booked_draw)

    def _booked_draw(self) -> None:
        self.booked = None
        self._draw(watched=True)

    def _draw(self, watched: bool = False) -> None:
        """Draw; for a move the learner is watching (from the browser), with Python's cycle
        collector held until the draw is over: a sweep of its oldest generation takes 100 ms
        and more in a kernel that has trained models, and it then runs right after the
        figure's update has left instead of before it."""
        held = watched and gc.isenabled()
        if held:
            gc.disable()
        try:
            self.draw()
        finally:
            if held:
                gc.enable()
            self.last = self.clock()
