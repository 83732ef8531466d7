"""Widgets that open their comm when they are first shown, not when they are made.

ipywidgets opens a widget's comm in its constructor and sends its whole state with it; every
later change is a message of its own. A course widget draws its figures after it has made them,
so a figure's first state was empty and its picture came in the messages that followed. Some
front-ends lose those: anywidget drops what arrives before a widget's module has loaded (it
waits about 2 s for it, and plotly's bundle can take longer than that on a slow connection).
Opened when shown, a widget's first state already holds what was drawn into it.

"Shown" is any of the ways a front-end can come to know the widget: displayed (its mime bundle,
or ``_ipython_display_`` in ipywidgets 7), placed in a box that is shown (the box asks for its
children's ``model_id``), or opened on purpose with :meth:`OpensWhenShown.open_now`. Until then
changes are kept in the widget's traits and cost no message at all.
"""

from __future__ import annotations

import ipywidgets as W

__all__ = ["FigureRow", "OpensWhenShown"]


class OpensWhenShown:
    """Mixin for an ipywidgets ``Widget`` (listed before it): its comm opens when it is first
    shown, with the state it has then."""

    _course_shown = False

    def open(self):
        """ipywidgets calls this from the constructor: the comm waits until the widget is shown."""
        if self._course_shown:
            super().open()

    def open_now(self) -> None:
        """Open the comm now (once), sending the widget's whole state as it is."""
        self._course_shown = True
        super().open()

    @property
    def model_id(self):
        if self.comm is None:
            self.open_now()
        return super().model_id

    def _repr_mimebundle_(self, **kwargs):
        if self.comm is None:
            self.open_now()
        return super()._repr_mimebundle_(**kwargs)

    if hasattr(W.Widget, "_ipython_display_"):  # ipywidgets 7: IPython displays through this first

        def _ipython_display_(self, **kwargs):
            if self.comm is None:
                self.open_now()
            return super()._ipython_display_(**kwargs)


class FigureRow(OpensWhenShown, W.HBox):
    """An ``HBox`` for figures side by side inside a course widget: a plain box would open its
    children's comms when it is made, before anything is drawn into them."""
