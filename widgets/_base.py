"""What every course widget shares: clamped traits, linked controls, in-place figures and
friendly messages instead of tracebacks."""

from __future__ import annotations

import html
from collections import OrderedDict
from contextlib import ExitStack

import ipywidgets as W
import plotly.graph_objects as go
import traitlets

from course import figures, models
from widgets._figure import CourseFigure, refresh_figure
from widgets._lifecycle import register
from widgets._pace import Pace
from widgets._shown import OpensWhenShown


def friendly(exc: Exception) -> str:
    """A plain-language line for an error raised while updating a widget."""
    if isinstance(exc, (ValueError, traitlets.TraitError)):
        return str(exc)
    return f"That combination could not be shown ({type(exc).__name__}: {exc})."


def layer_table_html(spec, batch_size=None) -> str:
    """Every layer of ``spec``'s model with its output shape, weights and parameters, as HTML."""
    rows = ["<tr><th>layer</th><th>output shape</th><th>weights</th><th>parameters</th></tr>"]
    for row in models.layer_table(spec):
        weights = ", ".join(f"{name} {shape}" for name, shape in row.weights.items()) or "none"
        rows.append(
            f"<tr><td>{html.escape(row.name)}</td><td><code>{figures.shape_text(row.output_shape, batch_size)}</code></td>"
            f"<td><code>{weights}</code></td><td>{row.params:,}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def message_box() -> W.HTML:
    return W.HTML(layout=W.Layout(min_height="1.5em"))


def show_message(box: W.HTML, text: str, kind: str = "info") -> None:
    """Write ``text`` into a message box; ``kind`` is info, ok or problem."""
    colours = {"info": "#31708f", "ok": "#2e7d32", "problem": "#b71c1c"}
    if not text:
        box.value = ""
        return
    icon = {"info": "ℹ️", "ok": "✅", "problem": "⚠️"}[kind]
    box.value = f'<div style="color:{colours[kind]};padding:2px 0">{icon} {html.escape(text)}</div>'


class CourseWidget(OpensWhenShown, W.VBox):
    """Base of the explorers: subclasses declare traits, ``LIMITS``, ``CHOICES`` and ``_update``.

    Every trait named in ``LIMITS`` is clamped into its range when set from Python, exactly as a
    slider clamps, and the widget says so; every text trait named in ``CHOICES`` refuses other
    values. A subclass may set ``LIMITS`` per instance in its ``__init__`` (TrainingLab sizes its
    batch slider to its data): both are read when the widget starts. Every change of a trait in
    ``WATCHED`` runs ``_update`` once; an error there becomes a message in the widget, never a
    traceback.
    """

    LIMITS: dict[str, tuple[int, int]] = {}
    WATCHED: tuple[str, ...] = ()
    CHOICES: dict[str, tuple[str, ...]] = {}  # text traits with a fixed set of values, e.g. the layer kind

    MODELS_KEPT = 8  # recent models kept by spec, for a learner who moves a slider back
    FIGURES_KEPT = 16  # recent figures kept by what drew them, for the same learner

    def __init__(self, **kwargs):
        self.message = message_box()
        self.problem = ""
        self.clamped = ""
        self.figure = CourseFigure()
        self.spec = None
        self._model = None
        self._models: OrderedDict = OrderedDict()
        self._drawn: dict[int, tuple] = {}
        self._figures: list[tuple[tuple, go.Figure]] = []  # (build, args) -> figure, oldest first
        self.pace = Pace(self.refresh)  # a drag's burst of moves: skip to its last value
        super().__init__(**kwargs)
        register(self)

    @property
    def model(self):
        """The real Keras model of the current settings.

        A slider move only records the new settings (:meth:`rebuild`); the model is built the
        first time it is asked for after that, so moves that show shape maths (checked against
        Keras in the tests) never wait for TensorFlow. The last ``MODELS_KEPT`` models are kept
        by their settings: asking again, or coming back to a setting, gives the same object.
        """
        if self._model is None and self.spec is not None:
            model = self._models.get(self.spec)
            self._model = self._keep_model(self.spec, model if model is not None else self._build(self.spec))
        return self._model

    def _keep_model(self, spec, model):
        """Keep ``model`` as the newest of the last ``MODELS_KEPT`` models; return it."""
        self._models[spec] = model
        self._models.move_to_end(spec)
        while len(self._models) > self.MODELS_KEPT:
            self._models.popitem(last=False)
        return model

    @model.setter
    def model(self, value) -> None:
        self._model = value

    def _build(self, spec):
        """Build the Keras model for ``spec``; a widget that shows weights overrides this to
        load the very weights it shows."""
        return models.build(spec)

    def rebuild(self, spec) -> None:
        """Make ``spec`` the current settings: ``.model`` is then the model for ``spec`` (the
        same object while only settings that change no weight move, such as the batch size)."""
        if spec == self.spec:
            return
        self.spec = spec
        self._model = self._models.get(spec)  # built on first use when not kept
        if self._model is not None:
            self._models.move_to_end(spec)

    def draw(self, target: go.FigureWidget, build, *args, **derived) -> None:
        """Refresh ``target`` with ``build(*args, **derived)``, unless it already shows what these
        arguments draw (then neither the figure is built nor anything sent). ``args`` are plain
        settings that compare with ``==`` (numbers, text, lists, a ModelSpec); ``derived`` are
        what the widget has already computed from them (an array, say), handed on so that
        ``build`` does not compute them again, and never compared. A figure drawn from arrays
        that are not computed from its settings goes through :func:`refresh_figure` directly."""
        drawn = (build, args)
        if self._drawn.get(id(target)) != drawn:
            refresh_figure(target, self._built(drawn, derived))
            self._drawn[id(target)] = drawn

    def _built(self, drawn: tuple, derived: dict) -> go.Figure:
        """The figure ``build(*args, **derived)`` makes, built again only when it is not among the
        last ``FIGURES_KEPT`` drawn (a slider moved back draws a figure it drew a moment ago, and
        building one is most of a move's time in Python). Arguments may be lists: kept in a
        list, compared with ``==``."""
        for index, (key, figure) in enumerate(self._figures):
            if key == drawn:
                self._figures.append(self._figures.pop(index))
                return figure
        build, args = drawn
        figure = build(*args, **derived)
        self._figures.append((drawn, figure))
        del self._figures[: -self.FIGURES_KEPT]
        return figure

    def _start(self, values: dict) -> None:
        """Enforce the declared limits and choices, apply the constructor's trait values, start
        watching the traits, draw once."""
        undeclared = [name for name in (*self.LIMITS, *self.CHOICES) if not self.has_trait(name)]
        if undeclared:
            raise TypeError(f"{type(self).__name__} limits settings it does not have: {', '.join(undeclared)}")
        self._register_validator(type(self)._clamp, tuple(self.LIMITS))
        self._register_validator(type(self)._choose, tuple(self.CHOICES))
        for name, value in values.items():
            if not self.has_trait(name):
                raise TypeError(f"{type(self).__name__} has no setting {name!r}")
            setattr(self, name, value)
        self.observe(self._changed, names=list(self.WATCHED))
        self.refresh()

    def _clamp(self, proposal):
        """Validator of the traits in ``LIMITS``: a value outside the range becomes the nearest
        end, as a slider would make it, with a note in the widget's message."""
        name, asked = proposal["trait"].name, proposal["value"]
        low, high = self.LIMITS[name]
        value = min(max(low, asked), high)
        if value != asked:
            note = f"{name} {asked} is outside {low}-{high}: using {value}, as the slider would."
            self.clamped = f"{self.clamped} {note}".strip()
            if value == getattr(self, name):  # nothing changes, so no update will show the note
                self._show_status()
        return value

    def _choose(self, proposal):
        """Validator of the traits in ``CHOICES``."""
        name, value = proposal["trait"].name, proposal["value"]
        choices = self.CHOICES[name]
        if value not in choices:
            raise traitlets.TraitError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def menu(self, name: str, description: str, options=None) -> W.Dropdown:
        """A Dropdown linked to text trait ``name`` (the widget's trait is the link's source)."""
        control = W.Dropdown(options=list(options or self.CHOICES[name]), description=description)
        W.link((self, name), (control, "value"))
        return control

    def checkbox(self, name: str, description: str, **kwargs) -> W.Checkbox:
        """A Checkbox linked to boolean trait ``name``; the widget's trait is the link's source."""
        control = W.Checkbox(description=description, indent=False, **kwargs)
        W.link((self, name), (control, "value"))
        return control

    def slider(self, name: str, description: str, **kwargs) -> W.IntSlider:
        """An IntSlider linked to trait ``name``; the widget's trait is the link's source."""
        low, high = self.LIMITS[name]
        control = W.IntSlider(
            min=low,
            max=high,
            description=description,
            continuous_update=True,
            style={"description_width": "initial"},
            **kwargs,
        )
        W.link((self, name), (control, "value"))
        return control

    def _changed(self, change=None):
        self.pace()

    def refresh(self) -> bool:
        """Bring the model, figure and text up to date; return False (with a message) if the
        current combination cannot be shown.

        The figures' updates leave first: every other part of the widget (text, tables, linked
        controls) holds its changes until the update is over, so the browser draws the figure
        before it lays out the text around it, whatever order ``_update`` sets them in.
        """
        shown = True
        with ExitStack() as held:
            for part in self._parts_besides_figures():
                held.enter_context(part.hold_sync())
            try:
                self._update()
            except Exception as exc:  # noqa: BLE001 - a widget explains, it never shows a traceback
                self.problem, shown = friendly(exc), False
            else:
                self.problem = ""
            self._show_status()
        return shown

    def _parts_besides_figures(self) -> list[W.Widget]:
        """This widget and every widget inside it, figures left out."""
        parts, todo = [], [self]
        while todo:
            part = todo.pop()
            if isinstance(part, go.FigureWidget) or not isinstance(part, W.Widget):
                continue
            parts.append(part)
            todo.extend(getattr(part, "children", ()))
        return parts

    def _show_status(self) -> None:
        """Show the pending clamp note and the current problem, if any, in the message box."""
        text = " ".join(part for part in (self.clamped, self.problem) if part)
        show_message(self.message, text, "problem" if self.problem else "info")
        self.clamped = ""

    def _update(self):  # pragma: no cover - every subclass defines it
        raise NotImplementedError
