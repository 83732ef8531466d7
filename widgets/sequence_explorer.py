"""SequenceExplorer: the (samples, timesteps, features) tensor a recurrent layer reads."""

from __future__ import annotations

import ipywidgets as W
import traitlets

from course import figures, models, shapes
from widgets._base import CourseWidget, layer_table_html


class SequenceExplorer(CourseWidget):
    """Move samples, timesteps, features and units: see the 3-D input tensor, what the recurrent
    layer reads at each step, the real Keras model and its shapes, and the same table's columns
    laid out as timesteps or as features."""

    n_samples = traitlets.Int(8, help="sequences in the batch: the first axis, never in keras.Input(shape=...)")
    timesteps = traitlets.Int(3, help="steps in each sequence: how many times the cell runs")
    features = traitlets.Int(1, help="values the cell reads at each step")
    units = traitlets.Int(4, help="size of the hidden state the cell carries from step to step")
    layer = traitlets.Unicode("LSTM", help="SimpleRNN, LSTM or GRU")

    LIMITS = {"n_samples": (1, 64), "timesteps": (1, 12), "features": (1, 6), "units": (1, 64)}
    CHOICES = {"layer": shapes.RECURRENT}
    WATCHED = ("n_samples", "timesteps", "features", "units", "layer")

    def __init__(self, **kwargs):
        super().__init__()
        self.controls = {
            "n_samples": self.slider("n_samples", "samples"),
            "timesteps": self.slider("timesteps", "timesteps"),
            "features": self.slider("features", "features"),
            "units": self.slider("units", "units"),
        }
        self.controls["layer"] = self.menu("layer", "layer")
        self.shapes_text = W.HTML()
        self.shapes_table = W.HTML()
        self.layouts_table = W.HTML()
        self.children = [
            W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
            self.message,
            self.figure,
            self.shapes_text,
            self.shapes_table,
            self.layouts_table,
        ]
        self._start(kwargs)

    def current_spec(self) -> models.ModelSpec:
        return models.ModelSpec(layer=self.layer, features=self.features, units=self.units, timesteps=self.timesteps)

    @property
    def data_shape(self) -> tuple[int, int, int]:
        """The shape of the array the learner would pass to ``fit``."""
        return (self.n_samples, self.timesteps, self.features)

    def _update(self):
        spec = self.current_spec()
        self.rebuild(spec)
        self.draw(
            self.figure, figures.sequence_reader, self.timesteps, self.features, self.units, self.n_samples, self.layer
        )
        declared = (None, *spec.sample_shape)  # the model's input shape (the tests check it against Keras)
        self.shapes_text.value = (
            f"Data of shape <code>{self.data_shape}</code> = (samples, timesteps, features). The model is built with "
            f"<code>keras.Input(shape=({self.timesteps}, {self.features}))</code> and its input is <code>{declared}</code>: "
            f"<code>None</code> stands for the samples, any number of them, so {self.n_samples} never appears in the model. "
            f"The model has <b>{models.total_params(spec):,}</b> parameters (its <code>count_params()</code>)."
        )
        self.shapes_table.value = layer_table_html(spec, self.n_samples)
        self.layouts_table.value = self._layouts_html()

    def _layouts_html(self) -> str:
        columns = self.timesteps * self.features
        rows = [
            f"<tr><th colspan=6>The same {columns} value(s) per row, laid out two ways for {self.layer}({self.units})</th></tr>",
            "<tr><th>layout</th><th>data shape</th><th>recurrent steps</th><th>values per step</th><th>kernel</th><th>parameters</th></tr>",
        ]
        for layout in shapes.sequence_layouts(columns, self.units, self.layer):
            shape = (self.n_samples, *layout["shape"][1:])
            rows.append(
                f"<tr><td>{layout['layout']}</td><td><code>{shape}</code></td><td>{layout['steps']}</td>"
                f"<td>{layout['values_per_step']}</td><td><code>{layout['kernel']}</code></td><td>{layout['params']:,}</td></tr>"
            )
        rows.append(
            f"<tr><td colspan=6>Either way the layer has {self.units} units. No unit belongs to a column: every unit sees every value of a step through the kernel.</td></tr>"
        )
        return "<table>" + "".join(rows) + "</table>"

    def code(self) -> str:
        """Keras 3 code for the current model, and the data shape it takes."""
        return models.to_code(self.current_spec()) + (
            f"\n# x has shape {self.data_shape}: (samples, timesteps, features)\n"
            "# the samples are the batch axis, so they are not part of keras.Input(shape=...)\n"
        )
