"""Every course widget behind one menu, one at a time.

A page that shows every widget at once holds every model, every figure and every comm the whole
time, though a learner looks at one. :class:`WidgetMenu` builds only the widget chosen in its
menu, and closes the one it showed before (its comms, and with them the views in the page), so
the kernel can free its models and figures. Choosing from Python (``menu.choice = "BatchExplorer"``
or :meth:`WidgetMenu.show`) does what choosing in the menu does.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import ipywidgets as W
import traitlets

from widgets._base import friendly, message_box, show_message
from widgets._lifecycle import register
from widgets._shown import OpensWhenShown

__all__ = ["WidgetMenu", "MenuEntry", "COURSE_ENTRIES"]


@dataclass(frozen=True)
class MenuEntry:
    """One widget of the menu: its name (the entry's key: a class of ``widgets``), the lessons it
    comes from, a sentence on what to look at, and the settings it opens with. ``factory``, where
    given, builds the widget instead (any callable taking the settings: a practitioner's own)."""

    name: str
    lessons: str
    note: str
    settings: dict = field(default_factory=dict)
    factory: object = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.lessons})"

    def build(self):
        """A new widget of this entry, with its settings."""
        if self.factory is not None:
            return self.factory(**self.settings)
        import widgets

        return getattr(widgets, self.name)(**self.settings)


#: The course's explorers in the order the lessons meet them, each set to a case worth a second look.
COURSE_ENTRIES = (
    MenuEntry(
        "ShapeExplorer",
        "lessons 00 and 01",
        "Every layer kind is in its menu, with a timesteps slider: switch between Dense and the recurrent "
        "layers and watch the input gain a timesteps axis while the parameter count grows with each layer's gates.",
        dict(
            layers=("Dense", "SimpleRNN", "LSTM", "GRU"),
            controls=("features", "units", "n_layers", "timesteps"),
            layer="LSTM",
            features=3,
            units=8,
            timesteps=10,
        ),
    ),
    MenuEntry(
        "BatchExplorer",
        "lesson 02",
        "100 rows in batches of 32, shuffled: look for the short last batch and the new order in the second epoch.",
        dict(n_samples=100, batch_size=32, epochs=2, shuffle=True),
    ),
    MenuEntry(
        "TrainingLab",
        "lesson 03",
        "Nothing trains until you press a button. The runs go on in the background, each stopped at a time cap, "
        "and Stop ends them early; give a comparison a little while.",
    ),
    MenuEntry(
        "SequenceExplorer",
        "lesson 04",
        "A batch of 4 sequences of 10 steps with 3 features, read by a GRU. Its last table lays the same values "
        "out as many short steps or as one long step, and shows what each does to the kernel.",
        dict(n_samples=4, timesteps=10, features=3, units=8, layer="GRU"),
    ),
    MenuEntry(
        "WindowExplorer",
        "lesson 05",
        "A series with several features, windows of 5 steps that start every second step. "
        "Compare with Keras cuts the same windows with Keras.",
        dict(series="several features", window=5, horizon=1, stride=2, batch_size=8),
    ),
    MenuEntry(
        "UnitsExplorer",
        "lesson 06",
        "Two stacked LSTMs. The first returns its whole sequence of hidden states, so the second reads "
        "units values at every step, whatever the number of features.",
        dict(layer="LSTM", features=3, units=8, timesteps=10, n_layers=2),
    ),
    MenuEntry(
        "StatefulExplorer",
        "lesson 07",
        "A series of 110 steps laid out for a stateful LSTM with 4 streams and chunks of 5 steps. The steps "
        "that do not fill a whole batch are dropped; tick shuffle to see the continuity break.",
        dict(n_steps=110, batch_size=4, timesteps=5, units=8),
    ),
    MenuEntry(
        "ShapeDoctor",
        "lesson 08",
        "Sequences of 10 steps of one value, stored the wrong way round as 1 step of 10 values. "
        "Type another data shape into its box and read the new verdict.",
        dict(data_shape="(64, 1, 10)", layer="LSTM", timesteps=10, features=1),
    ),
    MenuEntry(
        "ErrorGallery",
        "lesson 08",
        "The classic broken set-ups, each run for real. It opens on the Keras 2 argument that stateful models "
        "used to need; its own menu holds the others.",
        dict(case="The removed batch_input_shape"),
    ),
)


def _widgets_among(value) -> list:
    """The ipywidgets in ``value``: itself, or the items of a list, tuple, set or dict."""
    if isinstance(value, W.Widget):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [item for item in value if isinstance(item, W.Widget)]
    return []


def _every_widget_in(widget) -> list:
    """``widget`` and every ipywidget it holds, at any depth: its children, but also each part's
    layout and style (widgets with comms of their own) and the controls it keeps aside."""
    found, todo = {}, [widget]
    while todo:
        part = todo.pop()
        if id(part) in found:
            continue
        found[id(part)] = part
        for name in getattr(part, "keys", ()):
            todo.extend(_widgets_among(getattr(part, name, None)))
        todo.extend(item for value in vars(part).values() for item in _widgets_among(value))
    return list(found.values())


class WidgetMenu(OpensWhenShown, W.VBox):
    """A menu of widgets that shows one at a time, built when chosen.

    ``choice`` is the name of the widget shown (``"ShapeExplorer"`` ...); ``current`` is that
    widget. Choosing another builds it and closes the one before; an unknown name leaves the
    widget shown as it is and says which names there are. ``entries`` are :class:`MenuEntry`
    values (the course's explorers by default; an entry's ``factory`` puts any other widget in
    the menu).
    """

    choice = traitlets.Unicode("", help="the name of the widget shown (an entry's name)")

    def __init__(self, entries=COURSE_ENTRIES, choice: str | None = None, **kwargs):
        self.entries: dict[str, MenuEntry] = {entry.name: entry for entry in entries}
        if not self.entries:
            raise ValueError("A WidgetMenu needs at least one entry.")
        self.current = None
        self.closed = 0  # widgets built and closed again, for tests and benchmarks
        self.message = message_box()
        self.selector = W.Dropdown(
            options=[(entry.label, entry.name) for entry in self.entries.values()],
            description="Widget",
            style={"description_width": "initial"},
        )
        self.note = W.HTML()
        self.holder = W.VBox()
        super().__init__(children=(self.selector, self.message, self.note, self.holder), **kwargs)
        register(self)
        self.observe(self._chosen, names="choice")
        first = next(iter(self.entries))
        self.choice = first if choice is None else choice
        if not self.choice:  # an unknown name to start with: the first entry, and the message kept
            said = self.message.value
            self.choice = first
            self.message.value = said
        W.link((self, "choice"), (self.selector, "value"))  # the menu's trait is the link's source

    @traitlets.validate("choice")
    def _valid_choice(self, proposal):
        """A name the menu does not hold keeps the widget shown and says which names there are;
        a name in another case is the entry it names."""
        asked = str(proposal["value"])
        known = self._known(asked)
        if known is not None:
            return known
        show_message(
            self.message,
            f"There is no widget called {asked!r} in this menu. Choose one of: {', '.join(self.entries)}.",
            "problem",
        )
        return self.choice

    def _chosen(self, change) -> None:
        self._switch(change["new"])

    def _switch(self, name: str) -> None:
        """Close the widget shown, then build and show ``name``'s."""
        entry = self.entries[name]
        self._close_current()
        self.note.value = f"<p>{html.escape(entry.note)}</p>" if entry.note else ""
        try:
            widget = entry.build()
        except Exception as exc:  # noqa: BLE001 - a menu explains, it never shows a traceback
            show_message(self.message, f"{entry.name} could not be built: {friendly(exc)}", "problem")
            return
        show_message(self.message, "")
        self.current = widget
        self.holder.children = (widget,)

    def _close_current(self) -> None:
        """Stop what the widget shown is running, close it and everything in it, and let it go."""
        widget, self.current = self.current, None
        if widget is None:
            return
        self.holder.children = ()
        stop = getattr(widget, "stop", None)
        if callable(stop):
            stop()
        for part in _every_widget_in(widget):
            part.close()
        self.closed += 1

    def show(self, name: str):
        """Show the widget called ``name`` and return it (None, with a message, for an unknown name)."""
        self.choice = name
        return self.current if self.choice == self._known(name) else None

    def _known(self, name: str) -> str | None:
        for known in self.entries:
            if known.lower() == str(name).strip().lower():
                return known
        return None

    def code(self) -> str:
        """The Keras 3 code of the widget shown (its own ``.code()``)."""
        if self.current is None or not callable(getattr(self.current, "code", None)):
            return ""
        return self.current.code()

    def close(self) -> None:
        """Close the widget shown and the menu itself."""
        self._close_current()
        for part in (self.selector, self.message, self.note, self.holder):
            part.close()
        super().close()
