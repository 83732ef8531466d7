"""``explore``: any built model layer by layer: output shapes, weights and parameters, with the
course's formula for the layers it teaches, checked against Keras's ``count_params()``."""

from __future__ import annotations

from dataclasses import dataclass

from course import shapes

from .inputs import model_input, shape_words


@dataclass(frozen=True)
class LayerReport:
    """One layer of a model: its output shape, weights and parameters (``equation`` is the
    course's formula with the numbers filled in, for the layer kinds it teaches)."""

    name: str
    kind: str
    output_shape: tuple
    params: int
    weights: dict
    equation: str | None


@dataclass(frozen=True)
class ModelReport:
    """Every layer of a model, and its parameter total next to Keras's ``count_params()``."""

    name: str
    input_shape: tuple
    layers: tuple
    keras_total: int

    @property
    def total(self) -> int:
        return sum(layer.params for layer in self.layers)

    def to_markdown(self) -> str:
        lines = [
            "| layer | kind | output shape | weights | parameters |",
            "| --- | --- | --- | --- | --- |",
            f"| input | Input | {shape_words(self.input_shape)} | none | 0 |",
        ]
        for layer in self.layers:
            weights = ", ".join(f"{name} {shape}" for name, shape in layer.weights.items()) or "none"
            count = f"{layer.equation}" if layer.equation else f"{layer.params:,}"
            lines.append(f"| {layer.name} | {layer.kind} | {shape_words(layer.output_shape)} | {weights} | {count} |")
        lines.append(f"| **total** | | | | **{self.total:,}** (Keras's count_params(): {self.keras_total:,}) |")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def figure(self, data_shape=None, verdict=None):
        """The shape ribbon of this model (``course.figures.shape_ribbon``)."""
        from course import figures

        return figures.shape_ribbon(self, data_shape=data_shape, verdict=verdict)


_TAUGHT = {"Dense", "SimpleRNN", "LSTM", "GRU"}


def _output_shape(layer) -> tuple:
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError):
        return tuple(layer.compute_output_shape(layer.input.shape))


def _equation(layer, kind: str, params: int) -> str | None:
    """The course's formula for the layer, where it describes this layer exactly."""
    if kind not in _TAUGHT:
        return None
    try:
        features = int(layer.input.shape[-1])
        units = int(layer.units)
        if shapes.layer_params(kind, features, units) != params:  # e.g. no bias, or GRU(reset_after=False)
            return None
        return shapes.param_equation(kind, features, units)
    except (AttributeError, ValueError, TypeError):
        return None


def _weight_name(weight, layer) -> str:
    """The weight's path inside its layer: ``kernel``, or ``forward_lstm/lstm_cell/kernel`` in a wrapper."""
    path = getattr(weight, "path", weight.name)
    marker = layer.name + "/"  # a Sequential model puts its own name in front: "model/layer/kernel"
    return path.split(marker, 1)[1] if marker in path else path


def explore(model) -> ModelReport:
    """Every layer of a built Keras model (Sequential or functional): output shape, weight shapes,
    parameters and, for Dense, SimpleRNN, LSTM and GRU, the formula; with ``count_params()``."""
    expected = model_input(model)
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        params = int(layer.count_params())
        weights = {_weight_name(weight, layer): tuple(weight.shape) for weight in layer.weights}
        rows.append(
            LayerReport(layer.name, kind, _output_shape(layer), params, weights, _equation(layer, kind, params))
        )
    return ModelReport(model.name, expected, tuple(rows), int(model.count_params()))
