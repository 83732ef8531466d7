"""UnitsExplorer: what the units of a recurrent layer are."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import traitlets

from course import figures, models, recurrent, shapes
from widgets._base import CourseWidget, layer_table_html
from widgets._figure import CourseFigure, refresh_figure


def demo_sequence(timesteps: int, features: int) -> np.ndarray:
    """A short, smooth input sequence ``(timesteps, features)`` to run the layer over."""
    t = np.arange(timesteps, dtype="float32")[:, None]
    return np.sin(t / 2 + np.arange(features, dtype="float32")[None, :]).astype("float32")


class UnitsExplorer(CourseWidget):
    """Move the layer kind, features, units, timesteps and stacked layers: see the parameter
    count gate by gate, the weight matrices to scale, the hidden state the real layer computes
    over a short sequence (one row per unit), and the shapes between stacked layers."""

    layer = traitlets.Unicode("LSTM", help="SimpleRNN, LSTM or GRU")
    features = traitlets.Int(1, help="values read at each step")
    units = traitlets.Int(16, help="size of the hidden state: numbers carried from step to step")
    timesteps = traitlets.Int(10, help="steps of the demonstration sequence")
    n_layers = traitlets.Int(1, help="recurrent layers stacked (all but the last return sequences)")

    LIMITS = {"features": (1, 8), "units": (1, 128), "timesteps": (2, 20), "n_layers": (1, 3)}
    CHOICES = {"layer": shapes.RECURRENT}
    WATCHED = ("layer", "features", "units", "timesteps", "n_layers")

    def __init__(self, **kwargs):
        super().__init__()
        self.controls = {"layer": self.menu("layer", "layer")}
        for name, label in (
            ("features", "features"),
            ("units", "units"),
            ("timesteps", "timesteps"),
            ("n_layers", "stacked layers"),
        ):
            self.controls[name] = self.slider(name, label)
        self.breakdown = W.HTML()
        self.shapes_table = W.HTML()
        self.matrices_figure = CourseFigure()
        self.states = None
        self.weights = None
        self.children = [
            W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
            self.message,
            self.breakdown,
            self.matrices_figure,
            self.figure,
            self.shapes_table,
        ]
        self._start(kwargs)

    def current_spec(self) -> models.ModelSpec:
        return models.ModelSpec(
            layer=self.layer, features=self.features, units=self.units, timesteps=self.timesteps, n_layers=self.n_layers
        )

    def _update(self):
        spec = self.current_spec()
        self.rebuild(spec)
        self.weights = recurrent.initial_weights(self.layer, self.features, self.units)
        self.states = recurrent.run_recurrent(self.layer, self.weights, demo_sequence(self.timesteps, self.features))
        refresh_figure(self.figure, figures.hidden_state_heatmap(self.states, self.layer))
        self.draw(self.matrices_figure, figures.weight_matrices, self.layer, self.features, self.units)
        self.breakdown.value = self._breakdown_html()
        self.shapes_table.value = layer_table_html(spec)

    def _build(self, spec):
        """The real model, its first layer holding the weights whose hidden states the heatmap
        shows (the tests run that layer and compare)."""
        model = super()._build(spec)
        model.get_layer("hidden_1").set_weights(self.weights)
        return model

    def _breakdown_html(self) -> str:
        rows = ["<tr><th>gate</th><th>input weights</th><th>recurrent weights</th><th>bias</th><th>sum</th></tr>"]
        gates = shapes.gate_breakdown(self.layer, self.features, self.units)
        f, u = self.features, self.units
        for gate in gates:
            rows.append(
                f"<tr><td>{gate['gate']}</td><td>{f}×{u} = {gate['input_weights']:,}</td><td>{u}×{u} = {gate['recurrent_weights']:,}</td>"
                f"<td>{gate['bias']:,}</td><td>{gate['total']:,}</td></tr>"
            )
        total = sum(gate["total"] for gate in gates)
        rows.append(
            f"<tr><td colspan=4><b>hidden_1</b>, summed over {len(gates)} gate(s)</td><td><b>{total:,}</b> (its <code>count_params()</code>)</td></tr>"
        )
        return "<table>" + "".join(rows) + "</table>"

    def code(self) -> str:
        """Keras 3 code for the current stack."""
        return models.to_code(self.current_spec())
