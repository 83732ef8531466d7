"""A drag's burst of slider moves: the widgets skip to its last value instead of queueing a
redraw for every one (widgets._pace), and changes made in code still redraw at once."""

from __future__ import annotations

import asyncio
import gc
import threading
import time

import pytest

from widgets import SequenceExplorer
from widgets._pace import Pace, browser_loop, flush_messages

pytestmark = pytest.mark.widgets


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_changes_made_in_code_draw_before_the_assignment_returns():
    explorer = SequenceExplorer()
    for n in (5, 6, 7):
        explorer.n_samples = n
        assert f"({n}, " in explorer.figure.layout.title.text
    assert explorer.pace.skipped == 0 and explorer.pace.booked is None


def test_outside_a_kernel_there_is_no_browser_loop():
    assert browser_loop() is None

    async def inside_a_loop():
        return browser_loop()

    assert asyncio.run(inside_a_loop()) is None  # an event loop, but no comm message being handled


def test_a_change_alone_draws_at_once_and_a_burst_at_most_once_per_interval():
    draws, clock = [], Clock()

    async def burst():
        pace = Pace(lambda: draws.append(clock.now), interval=0.05, loop_of=asyncio.get_running_loop, clock=clock)
        pace()  # alone: at once
        assert draws == [0.0]
        clock.now = 1.0
        pace()  # long after the last draw: at once
        assert draws == [0.0, 1.0]
        for step in range(1, 11):  # ten more within 20 ms: one draw booked for them all
            clock.now = 1.0 + step * 0.002
            pace()
        assert len(draws) == 2 and pace.booked is not None and pace.skipped == 9
        await asyncio.sleep(0.1)  # the booked draw runs on the loop
        assert len(draws) == 3 and pace.booked is None

    asyncio.run(burst())


def test_a_drag_ends_on_its_last_value_with_fewer_redraws():
    """Twenty moves 5 ms apart, as the browser sends them while a learner drags: far fewer than
    twenty redraws, and the figure and text show the last value."""
    explorer = SequenceExplorer(n_samples=8)
    redraws = []
    draw = explorer.pace.draw
    explorer.pace.draw = lambda: (redraws.append(explorer.n_samples), draw())
    explorer.pace.loop_of = asyncio.get_running_loop

    async def drag():
        for n in range(9, 29):
            explorer.n_samples = n
            await asyncio.sleep(0.005)
        await asyncio.sleep(explorer.pace.interval * 3)

    asyncio.run(drag())
    assert redraws[-1] == 28 and len(redraws) < 20, redraws
    assert "(28, " in explorer.figure.layout.title.text
    assert "(28, " in explorer.shapes_text.value


class SendingThread:
    """Runs what it is given in order on a thread of its own, as the kernel's IOPub thread does."""

    def __init__(self, delay: float):
        self.delay, self.sent, self.jobs = delay, [], []
        self.wake = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def schedule(self, job) -> None:
        self.jobs.append(job)
        self.wake.set()

    def send(self, message) -> None:
        self.schedule(lambda: (time.sleep(self.delay), self.sent.append(message)))

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            while self.jobs:
                self.jobs.pop(0)()


def test_flushing_waits_until_the_messages_sent_so_far_have_left():
    thread = SendingThread(delay=0.05)
    thread.send("figure update")
    assert thread.sent == []  # still queued: the sending thread is slower than this one
    assert flush_messages(thread, timeout=5) is True
    assert thread.sent == ["figure update"]


def test_flushing_outside_a_kernel_waits_for_nothing():
    assert flush_messages() is False


def test_the_cycle_collector_waits_while_a_move_from_the_browser_draws():
    states = []
    pace_in_code = Pace(lambda: states.append(gc.isenabled()), loop_of=lambda: None)
    pace_in_code()  # code run in a cell: nothing held

    async def moves():
        pace = Pace(lambda: states.append(gc.isenabled()), loop_of=asyncio.get_running_loop)
        pace()  # a move from the browser: held while it draws
        pace()  # within the interval: booked
        await asyncio.sleep(0.1)

    assert gc.isenabled()
    asyncio.run(moves())
    assert states == [True, False, False] and gc.isenabled()  # enabled again after each draw

    def broken():
        raise RuntimeError("a draw that fails")

    async def failing():
        Pace(broken, loop_of=asyncio.get_running_loop)()

    with pytest.raises(RuntimeError):
        asyncio.run(failing())
    assert gc.isenabled()
