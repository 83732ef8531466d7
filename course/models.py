"""Model specs, the real tf.keras models they build, and the code that builds them.

A :class:`ModelSpec` is a few numbers a learner can move with sliders. ``build`` turns it into a
real Keras 3 model (TensorFlow is imported on first use), ``layer_table`` predicts every layer's
shapes and parameter counts from the shape maths alone, and ``to_code`` / ``legacy_code`` write
the Keras 3 code, and the Keras 2 spelling found in older tutorials, for the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course import shapes
from course._keras import keras as _keras
from course._keras import model_built

__all__ = [
    "ModelSpec",
    "LayerRow",
    "build",
    "layer_table",
    "to_code",
    "fit_code",
    "legacy_code",
    "legacy_header",
    "MODEL_NAME",
]

MODEL_NAME = "course_model"
INPUT_NAME = "input"
OUTPUT_NAME = "output"


@dataclass(frozen=True)
class ModelSpec:
    """The few numbers that decide a model's shapes.

    ``layer``: the hidden layers' kind, one of Dense, SimpleRNN, LSTM, GRU.
    ``features``: values per sample (per timestep for recurrent layers).
    ``units``: the size of each hidden layer; free, unrelated to ``features``.
    ``timesteps``: steps per sequence, recurrent layers only.
    ``batch_size``: ``None`` (any batch size, the usual case) or fixed into the model's input.
    ``n_layers``: how many hidden layers are stacked.
    ``return_sequences``: whether the last recurrent layer returns every step or only the last.
    ``stateful``: whether recurrent layers carry their state from one batch to the next.
    ``outputs``: units of the output ``Dense`` layer.
    """

    layer: str = "Dense"
    features: int = 3
    units: int = 8
    timesteps: int | None = None
    batch_size: int | None = None
    n_layers: int = 1
    return_sequences: bool = False
    stateful: bool = False
    outputs: int = 1
    activation: str = field(default="relu", compare=True)

    def __post_init__(self):
        shapes.gates(self.layer)
        for name in ("features", "units", "n_layers", "outputs"):
            shapes.check_size(name, getattr(self, name))
        if self.batch_size is not None:
            shapes.check_size("batch_size", self.batch_size)
        if self.recurrent:
            if self.timesteps is None:
                raise ValueError(
                    f"A {self.layer} layer reads sequences: give timesteps, the number of steps in each sequence."
                )
            shapes.check_size("timesteps", self.timesteps)
        else:
            if self.timesteps is not None:
                raise ValueError(
                    "timesteps belongs to recurrent layers (SimpleRNN, LSTM, GRU); a Dense "
                    "network here reads one row of features per sample."
                )
            if self.return_sequences or self.stateful:
                raise ValueError("return_sequences and stateful are options of recurrent layers, not of Dense.")
        if self.stateful and self.batch_size is None:
            raise ValueError(
                "A stateful layer hands its state from one batch to the next, row by row, so "
                "Keras must know the batch size in advance: set batch_size."
            )

    @property
    def recurrent(self) -> bool:
        return self.layer in shapes.RECURRENT

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """The shape of one sample: what goes into ``keras.Input(shape=...)``."""
        if self.recurrent:
            return (self.timesteps, self.features)
        return (self.features,)

    def hidden_names(self) -> list[str]:
        return [f"hidden_{i}" for i in range(1, self.n_layers + 1)]


@dataclass(frozen=True)
class LayerRow:
    """One layer as the shape maths predicts it; ``None`` in a shape is the batch axis."""

    name: str
    kind: str
    units: int | None
    output_shape: tuple
    weights: dict
    params: int
    equation: str


def layer_table(spec: ModelSpec) -> list[LayerRow]:
    """Every layer of ``build(spec)`` with its output shape, weight shapes and parameters,
    computed from the shape maths alone (no TensorFlow)."""
    batch = spec.batch_size
    rows = [LayerRow(INPUT_NAME, "Input", None, (batch, *spec.sample_shape), {}, 0, "no weights")]
    width = spec.features
    for index, name in enumerate(spec.hidden_names()):
        if spec.recurrent:
            last = index == spec.n_layers - 1
            seq = (not last) or spec.return_sequences
            out = (batch, spec.timesteps, spec.units) if seq else (batch, spec.units)
        else:
            out = (batch, spec.units)
        rows.append(
            LayerRow(
                name,
                spec.layer,
                spec.units,
                out,
                shapes.weight_shapes(spec.layer, width, spec.units),
                shapes.layer_params(spec.layer, width, spec.units),
                shapes.param_equation(spec.layer, width, spec.units),
            )
        )
        width = spec.units
    last_shape = rows[-1].output_shape
    rows.append(
        LayerRow(
            OUTPUT_NAME,
            "Dense",
            spec.outputs,
            (*last_shape[:-1], spec.outputs),
            shapes.weight_shapes("Dense", width, spec.outputs),
            shapes.dense_params(width, spec.outputs),
            shapes.param_equation("Dense", width, spec.outputs),
        )
    )
    return rows


def total_params(spec: ModelSpec) -> int:
    """All the model's parameters, from the shape maths."""
    return sum(row.params for row in layer_table(spec))


def _hidden_kwargs(spec: ModelSpec, index: int) -> dict:
    kwargs = {}
    if spec.recurrent:
        last = index == spec.n_layers - 1
        if (not last) or spec.return_sequences:
            kwargs["return_sequences"] = True
        if spec.stateful:
            kwargs["stateful"] = True
    else:
        kwargs["activation"] = spec.activation
    return kwargs


def _input_kwargs(spec: ModelSpec) -> dict:
    if spec.batch_size is not None:
        return {"batch_shape": (spec.batch_size, *spec.sample_shape)}
    return {"shape": spec.sample_shape}


def build(spec: ModelSpec):
    """Build the real ``keras.Sequential`` model that ``spec`` describes (Keras 3 API only).

    Layers and the model carry explicit names, so summaries and shapes are stable however
    often a widget rebuilds.
    """
    keras = _keras()
    layers = [keras.Input(name=INPUT_NAME, **_input_kwargs(spec))]
    layer_class = getattr(keras.layers, spec.layer)
    for index, name in enumerate(spec.hidden_names()):
        layers.append(layer_class(spec.units, name=name, **_hidden_kwargs(spec, index)))
    layers.append(keras.layers.Dense(spec.outputs, name=OUTPUT_NAME))
    model = keras.Sequential(layers, name=MODEL_NAME)
    model_built()
    return model


def _call(name: str, positional, kwargs: dict) -> str:
    parts = [repr(positional)] if positional is not None else []
    parts += [f"{key}={value!r}" for key, value in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def to_code(spec: ModelSpec) -> str:
    """Runnable Keras 3 code that builds the same model as ``build(spec)``."""
    lines = ["import keras", "", "model = keras.Sequential(", "    ["]
    lines.append(f"        {_call('keras.Input', None, _input_kwargs(spec))},")
    for index, name in enumerate(spec.hidden_names()):
        kwargs = {**_hidden_kwargs(spec, index), "name": name}
        lines.append(f"        {_call('keras.layers.' + spec.layer, spec.units, kwargs)},")
    lines.append(f"        {_call('keras.layers.Dense', spec.outputs, {'name': OUTPUT_NAME})},")
    lines += ["    ],", f"    name={MODEL_NAME!r},", ")"]
    return "\n".join(lines) + "\n"


CODE_WIDTH = 88  # a compile() call longer than this puts its loss on a line of its own


def fit_code(
    learning_rate: float, loss: str, data: str, batch_size: int, epochs: int, note: str = "", **fit_options
) -> str:
    """The Keras 3 lines that train ``to_code``'s model: compile it with plain SGD at
    ``learning_rate`` and ``loss`` (code, e.g. ``"'mse'"``), then fit it on ``data`` (code, e.g.
    ``"x, y"``) in batches of ``batch_size`` for ``epochs``, with ``fit_options`` written as
    ``name=value`` after them (``shuffle=True``, ``validation_data="(x_val, y_val)"``). ``note``
    is a comment above ``fit``: what the data hold. The learning rate is written to 12
    significant digits, so that the code trains at the rate the course used."""
    compile_call = f"model.compile(optimizer=keras.optimizers.SGD(learning_rate={learning_rate:.12g}), loss={loss})"
    if len(compile_call) > CODE_WIDTH:
        compile_call = compile_call.replace("), loss=", "),\n              loss=", 1)
    arguments = [data, f"batch_size={batch_size}", f"epochs={epochs}", *(f"{k}={v}" for k, v in fit_options.items())]
    lines = ["", compile_call, *([f"# {note}"] if note else []), f"model.fit({', '.join(arguments)})"]
    return "\n".join(lines) + "\n"


def legacy_code(spec: ModelSpec, input_argument: str = "input_shape") -> str:
    """The Keras 2 spelling of the same model, as older tutorials and answers write it.

    For comparison only. Its first line says what Keras 3 does with it, which depends on the
    spelling: ``batch_input_shape=`` (a fixed batch size) is rejected, so that listing does not run;
    ``input_shape=`` and, for a Dense first layer, ``input_dim=`` still run, with a warning.
    """
    if input_argument not in ("input_shape", "input_dim"):
        raise ValueError("input_argument is input_shape or input_dim, the two Keras 2 spellings of the input.")
    if input_argument == "input_dim" and (spec.recurrent or spec.batch_size is not None):
        raise ValueError(
            "input_dim= gives one number of features: it only spells a Dense model's input without a batch size."
        )
    lines = [
        legacy_header(spec, input_argument),
        "from keras.models import Sequential",
        f"from keras.layers import Dense{', ' + spec.layer if spec.recurrent else ''}",
        "",
        "model = Sequential()",
    ]
    for index, _name in enumerate(spec.hidden_names()):
        kwargs = _hidden_kwargs(spec, index)
        if index == 0:
            if spec.batch_size is not None:
                kwargs["batch_input_shape"] = (spec.batch_size, *spec.sample_shape)
            elif input_argument == "input_dim":
                kwargs["input_dim"] = spec.features
            else:
                kwargs["input_shape"] = spec.sample_shape
        lines.append(f"model.add({_call(spec.layer, spec.units, kwargs)})")
    lines.append(f"model.add({_call('Dense', spec.outputs, {})})")
    return "\n".join(lines) + "\n"


def legacy_header(spec: ModelSpec, input_argument: str = "input_shape") -> str:
    """The comment heading a Keras 2 listing: whether Keras 3 runs it as written."""
    if spec.batch_size is not None:
        return "# Keras 2 style: does not run on Keras 3, which rejects batch_input_shape="
    return f"# Keras 2 style: runs on Keras 3 with a warning about {input_argument}=; new code declares keras.Input(shape=...)"
