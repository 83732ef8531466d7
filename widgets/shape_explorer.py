"""ShapeExplorer: features, units, layers and batch size against a real tf.keras model."""

from __future__ import annotations

import ipywidgets as W
import traitlets

from course import figures, models, shapes
from widgets._base import CourseWidget, layer_table_html


class ShapeExplorer(CourseWidget):
    """Move features, units, hidden layers and batch size; a real Keras model is rebuilt and the
    diagram, the tensor shapes and the parameter equation follow.

    ``controls`` chooses which sliders to show (all by default); ``layers`` which layer kinds the
    layer menu offers.
    """

    layer = traitlets.Unicode("Dense", help="kind of the hidden layers: Dense, SimpleRNN, LSTM or GRU")
    features = traitlets.Int(3, help="values in one sample (one row of the table)")
    units = traitlets.Int(8, help="neurons in each hidden layer; free, unrelated to features")
    n_layers = traitlets.Int(1, help="how many hidden layers are stacked")
    batch_size = traitlets.Int(5, help="rows that flow through together; changes no weight")
    timesteps = traitlets.Int(5, help="steps per sequence, for recurrent layers")
    outputs = traitlets.Int(1, help="units of the output layer")

    LIMITS = {
        "features": (1, 16),
        "units": (1, 64),
        "n_layers": (1, 4),
        "batch_size": (1, 64),
        "timesteps": (1, 20),
        "outputs": (1, 8),
    }
    CHOICES = {"layer": shapes.LAYER_KINDS}
    WATCHED = ("layer", "features", "units", "n_layers", "batch_size", "timesteps", "outputs")
    CONTROLS = ("features", "units", "n_layers", "batch_size")

    def __init__(self, controls=CONTROLS, layers=("Dense",), **kwargs):
        super().__init__()
        labels = {
            "features": "features",
            "units": "units",
            "n_layers": "hidden layers",
            "batch_size": "batch size",
            "timesteps": "timesteps",
            "outputs": "outputs",
        }
        self.controls = {name: self.slider(name, labels[name]) for name in controls}
        if len(layers) > 1:
            self.controls["layer"] = self.menu("layer", "layer", layers)
        self.shapes_table = W.HTML()
        self.equation = W.HTML()
        self.children = [
            W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
            self.message,
            self.figure,
            self.equation,
            self.shapes_table,
        ]
        self._start(kwargs)

    def current_spec(self) -> models.ModelSpec:
        recurrent = self.layer in shapes.RECURRENT
        return models.ModelSpec(
            layer=self.layer,
            features=self.features,
            units=self.units,
            n_layers=self.n_layers,
            timesteps=self.timesteps if recurrent else None,
            outputs=self.outputs,
        )

    def _update(self):
        spec = self.current_spec()
        self.rebuild(spec)
        self.draw(self.figure, figures.network_diagram, spec, self.batch_size)
        self.shapes_table.value = layer_table_html(spec, self.batch_size)
        first = models.layer_table(spec)[1]
        self.equation.value = (
            f"<b>{first.name}</b> = {first.kind}({spec.units}) on {spec.features} features: "
            f"<code>{first.equation}</code> parameters. Total: <b>{models.total_params(spec):,}</b>, "
            f"what the model's <code>count_params()</code> returns."
        )

    def code(self) -> str:
        """Keras 3 code for the current model, and where the batch size goes."""
        return models.to_code(self.current_spec()) + (
            "\n# The batch size is not part of the model: it is chosen when you train.\n"
            f"# model.fit(x, y, batch_size={self.batch_size})\n"
        )
