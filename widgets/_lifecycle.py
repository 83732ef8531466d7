"""What a lesson's widgets do when the course stops their kernel to free memory.

On Binder a learner has 2 GB, and every lesson's kernel holds TensorFlow. The course's server
extension (``course.server``) therefore keeps only the most recently used lessons' kernels
running. Before it stops one, it runs :func:`retire_all` in that kernel: every course widget
there puts a banner on top that says what happened and what to do, and turns its controls off,
so a learner who comes back to the lesson sees a plain note, never sliders that silently do
nothing.
"""

from __future__ import annotations

import html
import weakref

import ipywidgets as W

__all__ = ["register", "retire_all", "descendants", "RETIRED_CLASS", "retired_banner_html"]

#: CSS class of the banner; the browser tests look for it.
RETIRED_CLASS = "course-kernel-stopped"

_LIVE: weakref.WeakSet = weakref.WeakSet()


def register(widget: W.Box) -> None:
    """Remember ``widget`` so that :func:`retire_all` can reach it."""
    _LIVE.add(widget)


def retired_banner_html(reason: str) -> str:
    """The banner a stopped lesson shows: what happened, and the one action that brings it back."""
    return (
        f'<div class="{RETIRED_CLASS}" style="border:2px solid #b26a00;background:#fff4e5;'
        'color:#663c00;padding:8px 12px;border-radius:4px;margin:4px 0">'
        f"<b>This lesson's kernel was stopped.</b> {html.escape(reason)} "
        "What you see here is a snapshot: its controls no longer respond. "
        "To bring the lesson back, choose <b>Kernel &gt; Restart Kernel and Run All Cells…</b>"
        "</div>"
    )


def descendants(widget):
    """Every widget inside ``widget`` (itself included), depth first."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def retire_all(reason: str) -> int:
    """Put the banner on every live course widget and turn its controls off; return how many."""
    count = 0
    for widget in list(_LIVE):
        if getattr(widget, "_course_retired", False):
            continue
        for control in descendants(widget):
            if control.has_trait("disabled"):
                control.disabled = True
        banner = W.HTML(retired_banner_html(reason))
        widget.children = (banner, *widget.children)
        widget._course_retired = True
        count += 1
    return count
