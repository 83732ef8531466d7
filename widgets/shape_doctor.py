"""ShapeDoctor: will your data fit your model? And ErrorGallery: the classic shape errors, live."""

from __future__ import annotations

import html
import re

import ipywidgets as W
import traitlets

from course import diagnose as doctor
from course import figures, models, shapes
from widgets._base import CourseWidget, show_message
from widgets._figure import refresh_figure
from widgets._pace import browser_loop


def _words_html(text: str) -> str:
    """Plain text with `code` spans, as HTML."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _pre(text: str) -> str:
    return f'<pre style="white-space:pre-wrap;margin:2px 0;font-size:12px">{html.escape(text)}</pre>'


LOSSES = ("mse", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")


class ShapeDoctor(CourseWidget):
    """Type a data shape (or pass your array) and choose a model (or pass yours): the doctor
    says whether Keras accepts the data, why not in plain words, the shape to use and the line
    of code that gets it, and draws the data in front of the model's shape ribbon. Type a target
    shape too (or pass ``y=``) and it checks the targets against the model's output and loss,
    including the mismatches Keras trains on silently.

    ``ShapeDoctor(model=my_model, data=x, y=y)`` checks your own model, array and targets (with
    the loss your model was compiled with); the model controls are then hidden. Typed shapes are
    read as numbers only, never evaluated.
    """

    data_shape = traitlets.Unicode("(32, 10)", help="the shape of the data, e.g. (32, 10, 1): samples first")
    layer = traitlets.Unicode("LSTM", help="kind of the model's hidden layer: Dense, SimpleRNN, LSTM or GRU")
    timesteps = traitlets.Int(10, help="steps per sequence the model is built for (recurrent layers)")
    features = traitlets.Int(1, help="values per sample (per step for recurrent layers) the model is built for")
    units = traitlets.Int(8, help="size of the hidden layer; never has to match the data")
    stateful = traitlets.Bool(False, help="whether the recurrent layer carries its state between batches")
    batch_size = traitlets.Int(4, help="the fixed batch size of a stateful model")
    target_shape = traitlets.Unicode("", help="the shape of the targets y, e.g. (32, 1); empty to check the data only")
    loss = traitlets.Unicode("mse", help="the loss the course's model is compiled with when targets are checked")

    LIMITS = {"timesteps": (1, 30), "features": (1, 16), "units": (1, 64), "batch_size": (1, 64)}
    CHOICES = {"layer": shapes.LAYER_KINDS, "loss": LOSSES}
    WATCHED = (
        "data_shape",
        "target_shape",
        "loss",
        "layer",
        "timesteps",
        "features",
        "units",
        "stateful",
        "batch_size",
    )

    NEIGHBOURS_AFTER_S = 0.15  # a pause this long after a move builds the models either side of it

    def __init__(self, model=None, data=None, y=None, **kwargs):
        self._neighbours = None  # the pending build of the models either side of the last move
        super().__init__()
        self.user_model = model
        self.diagnosis = None
        self.report = None
        shape_box = W.Text(
            description="data shape",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=W.Layout(width="16em"),
        )
        W.link((self, "data_shape"), (shape_box, "value"))
        target_box = W.Text(
            description="target shape",
            placeholder="e.g. (32, 1)",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=W.Layout(width="16em"),
        )
        W.link((self, "target_shape"), (target_box, "value"))
        self.controls = {"data_shape": shape_box, "target_shape": target_box}
        if model is None:
            self.controls["layer"] = self.menu("layer", "model")
            for name, label in (("timesteps", "timesteps"), ("features", "features"), ("units", "units")):
                self.controls[name] = self.slider(name, label)
            self.controls["stateful"] = self.checkbox("stateful", "stateful", layout=W.Layout(width="7em"))
            self.controls["batch_size"] = self.slider("batch_size", "stateful batch size")
            self.controls["loss"] = self.menu("loss", "loss")
        self.verdict = W.HTML()
        self.fix_code = W.HTML()
        self.breakdown = W.HTML()
        self.children = [
            W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
            self.message,
            self.verdict,
            self.fix_code,
            self.figure,
            self.breakdown,
        ]
        if data is not None:
            kwargs.setdefault("data_shape", str(tuple(int(size) for size in data.shape)))
        if y is not None:
            kwargs.setdefault("target_shape", str(tuple(int(size) for size in getattr(y, "shape", y))))
        self._start(kwargs)

    def current_spec(self, **moved) -> models.ModelSpec | None:
        """The model chosen with the controls (``None`` when checking your own model); with
        ``moved`` (e.g. ``units=9``), the model those controls would choose."""
        if self.user_model is not None:
            return None
        setting = {name: moved.get(name, getattr(self, name)) for name in ("layer", *self.LIMITS, "stateful")}
        recurrent = setting["layer"] in shapes.RECURRENT
        stateful = setting["stateful"] and recurrent
        return models.ModelSpec(
            layer=setting["layer"],
            features=setting["features"],
            units=setting["units"],
            timesteps=setting["timesteps"] if recurrent else None,
            stateful=stateful,
            batch_size=setting["batch_size"] if stateful else None,
        )

    def _changed(self, change=None):
        """Redraw; after a slider moved from the browser, build the models one step either
        side of it once the learner has paused (:meth:`_build_neighbours`)."""
        super()._changed(change)
        if self._neighbours is not None:
            self._neighbours.cancel()
            self._neighbours = None
        name = change["name"] if change is not None else None
        loop = browser_loop()
        if loop is not None and name in self.LIMITS and self.user_model is None:
            self._neighbours = loop.call_later(self.NEIGHBOURS_AFTER_S, self._build_neighbours, name)

    def _build_neighbours(self, name: str) -> None:
        """Build (and keep, see ``MODELS_KEPT``) the models of the next and the previous value
        of slider ``name``. Unlike the explorers, the doctor runs the real Keras model at every
        move, and building it is most of a move's time (30 to 50 ms in a lesson's kernel): a
        learner who steps on with the arrow keys then finds it built. The doctor also answers for
        them once, so that the fixes it tries with Keras (a rebuilt model, 20 to 30 ms) are
        remembered by then too."""
        self._neighbours = None
        low, high = self.LIMITS[name]
        value = getattr(self, name)
        for other in (value + 1, value - 1):
            if not low <= other <= high:
                continue
            try:
                spec = self.current_spec(**{name: other})
                if spec is not None and spec not in self._models:
                    self._keep_model(spec, self._build(spec))
                if spec is not None:
                    self._ask(self._models[spec])
            except Exception:  # noqa: BLE001 - a setting that cannot be built is explained when chosen
                continue

    def targets(self) -> tuple | None:
        """The typed target shape (``None`` when the box is empty)."""
        return doctor.parse_shape(self.target_shape) if self.target_shape.strip() else None

    def _compiled(self, model):
        """The course's own model, compiled with the chosen loss (a learner's model keeps its own)."""
        if self.user_model is None and getattr(model, "loss", None) != self.loss:
            model.compile(optimizer="adam", loss=self.loss)
        return model

    def _ask(self, model) -> doctor.Diagnosis:
        """The doctor's verdict on the typed data (and targets) for ``model``."""
        target = self.targets()
        model = self._compiled(model) if target is not None else model
        return doctor.diagnose(doctor.parse_shape(self.data_shape), model, y=target)

    def _update(self):
        if self.user_model is not None:
            self.model = self.user_model
        else:
            self.rebuild(self.current_spec())
        if "batch_size" in self.controls:
            self.controls["batch_size"].disabled = not (self.stateful and self.layer in shapes.RECURRENT)
        self.report = doctor.explore(self.model)
        self.diagnosis = None
        shape = doctor.parse_shape(self.data_shape)
        result = self._ask(self.model)
        self.diagnosis = result
        refresh_figure(self.figure, self.report.figure(data_shape=shape, verdict=result))
        self.verdict.value = self._verdict_html(result)
        shown = result.code or next((fix.code for fix in result.fixes if fix.code), "")
        self.fix_code.value = _pre(shown) if shown else ""
        self.breakdown.value = self._breakdown_html()

    @staticmethod
    def _verdict_html(result) -> str:
        if result.ok:
            head = f"✅ <b>Keras accepts data of shape {result.data_shape}</b>"
            if result.seen_as and result.seen_as != result.data_shape:
                head += f" (it computes on {result.seen_as})"
        else:
            head = f"❌ <b>Keras rejects data of shape {result.data_shape}</b>"
        if result.target_shape is not None:
            head += f" {'and trains on' if result.ok else 'with'} targets of shape {result.target_shape}" + (
                f" (loss: {html.escape(result.loss)})" if result.loss else ""
            )
        lines = [
            head,
            f"The model reads batches of <code>{html.escape(str(figures.shape_text(result.expected)))}</code>"
            + (
                f" and outputs <code>{html.escape(str(figures.shape_text(result.output_shape)))}</code>"
                if result.output_shape
                else ""
            )
            + ".",
        ]
        if result.mistake:
            lines.append(
                f"<b>Mistake:</b> {html.escape(result.mistake)}"
                + (f" (change the {result.side})" if result.side else "")
            )
        if result.problem:
            lines.append(_words_html(result.problem))
        if result.fixes:
            first, *others = result.fixes
            lines.append("<b>Fix:</b> " + _words_html(first.action.split("\n")[0]))
            lines += [
                f"<b>Or ({html.escape(other.side)}):</b> " + _words_html(other.action.split("\n")[0])
                for other in others
            ]
        if result.suggested_shape is not None:
            lines.append(f"<b>Suggested shape:</b> <code>{result.suggested_shape}</code>")
        lines += [_words_html(note) for note in result.notes]
        return "<br>".join(lines)

    def _breakdown_html(self) -> str:
        rows = ["<tr><th>layer</th><th>kind</th><th>output shape</th><th>parameters</th></tr>"]
        for layer in self.report.layers:
            count = layer.equation or f"{layer.params:,}"
            rows.append(
                f"<tr><td>{html.escape(layer.name)}</td><td>{layer.kind}</td><td><code>{figures.shape_text(layer.output_shape)}</code></td><td><code>{count}</code></td></tr>"
            )
        rows.append(
            f"<tr><td colspan=3><b>total</b></td><td><b>{self.report.total:,}</b> (count_params(): {self.report.keras_total:,})</td></tr>"
        )
        return '<table style="border-spacing:14px 2px">' + "".join(rows) + "</table>"

    def code(self) -> str:
        """Keras 3 code: the data, the model, the doctor's fix and a prediction that runs."""
        shape = doctor.parse_shape(self.data_shape)
        spec = self.current_spec()
        lines = ["import numpy as np"]
        lines.append(models.to_code(spec) if spec is not None else "# model = your model, built on keras.Input\n")
        lines.append(f"x = np.zeros({shape}, 'float32')  # your data")
        result = doctor.diagnose(shape, self.model)
        fix = result.fixes[0] if result.fixes else None
        applied = fix is not None and fix.side == "data" and bool(fix.code) and fix.shape is not None
        if applied:
            lines.append(f"{fix.code}  # the doctor's fix: {fix.shape}")
        batch = result.expected[0]
        if result.ok or applied:
            lines.append(f"model.predict(x, batch_size={batch or 32}, verbose=0)")
        else:
            lines += ["# No reshape fits this model:"] + [f"# {line}" for line in result.fix.splitlines()]
        return "\n".join(lines) + "\n"


class ErrorGallery(CourseWidget):
    """The classic broken set-ups, each run for real: the code, Keras's own error, and next to
    it the doctor's explanation and the same set-up written the Keras 3 way."""

    case = traitlets.Unicode(doctor.GALLERY[0].title, help="which broken set-up to show")

    CHOICES = {"case": tuple(setup.title for setup in doctor.GALLERY)}
    WATCHED = ("case",)

    def __init__(self, **kwargs):
        super().__init__()
        self._seen: dict[str, tuple] = {}
        self.error = None
        self.controls = {"case": self.menu("case", "set-up")}
        self.controls["case"].layout.width = "28em"
        self.story = W.HTML()
        self.keras_side = W.HTML(layout=W.Layout(width="50%", padding="0 8px 0 0"))
        self.doctor_side = W.HTML(layout=W.Layout(width="50%", padding="0 0 0 8px", border_left="2px solid #9ecae1"))
        self.children = [self.controls["case"], self.message, self.story, W.HBox([self.keras_side, self.doctor_side])]
        self._start(kwargs)

    @property
    def setup(self) -> doctor.BrokenSetup:
        return next(setup for setup in doctor.GALLERY if setup.title == self.case)

    def run(self):
        """The model (if it was built) and the real error of the current set-up, run once."""
        if self.case not in self._seen:
            self._seen[self.case] = doctor.reproduce(self.setup)
        return self._seen[self.case]

    def _update(self):
        setup = self.setup
        model, error = self.run()
        self.error = error
        self.story.value = f"<b>{html.escape(setup.title)}</b>: {html.escape(setup.story)}"
        said = doctor.error_summary(error) if error is not None else "(no error: this Keras accepts it)"
        self.keras_side.value = (
            "<b>The code</b>" + _pre(setup.code) + f"<b>What Keras says</b> ({type(error).__name__})" + _pre(said)
        )
        doctor_says = [
            f"<b>The doctor</b><br>{_words_html(doctor.explain_error(error, model=model, x=setup.data_shape, y=setup.target_shape))}"
            if error is not None
            else ""
        ]
        if model is not None and setup.data_shape is not None:
            verdict = doctor.diagnose(setup.data_shape, model, y=setup.target_shape)
            call = f"diagnose({setup.data_shape}" + (f", y={setup.target_shape}" if setup.target_shape else "") + ")"
            doctor_says.append(
                f"<br><b>{html.escape(call)}</b>: {_words_html(verdict.problem)} {_words_html(verdict.fix.splitlines()[0])}"
            )
        doctor_says.append("<br><b>The Keras 3 way</b> (runs)" + _pre(setup.fixed))
        self.doctor_side.value = "".join(doctor_says)
        show_message(self.message, "", "info")

    def code(self) -> str:
        """The current set-up written the Keras 3 way: runnable code."""
        return "import numpy as np\nimport keras\n\n" + self.setup.fixed
