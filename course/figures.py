"""One plotly figure builder per concept. Each returns a ``plotly.graph_objects.Figure`` and never
shows it; widgets copy it into their ``FigureWidget`` in place.

Builders take numbers the engine has computed (a layer table, a row order, recorded losses), so a
figure can never disagree with the model it describes.

The builders a widget redraws at every slider move write plain dictionaries and skip plotly's
validation (``_figure``); ``tests/test_widgets.py::test_every_figure_is_valid_plotly`` checks
every figure they make against it. Labels are a trace of text rather than annotations, and
heights that follow a slider move in steps: both cost plotly.js a whole new layout otherwise.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from course import data, shapes
from course.models import OUTPUT_NAME as OUTPUT
from course.models import ModelSpec, layer_table

__all__ = [
    "shape_text",
    "network_diagram",
    "epoch_timeline",
    "batch_loss_plot",
    "training_curves",
    "throughput_plot",
    "gap_plot",
    "memory_plot",
    "sequence_reader",
    "windows_plot",
    "hidden_state_heatmap",
    "weight_matrices",
    "conveyor_belt",
    "stateful_continuity",
    "gradient_plot",
    "capacity_plot",
    "shape_ribbon",
    "timing_band_plot",
]

# One small template for every course figure: plotly's default template is large, and copying
# it into a FigureWidget at every slider move costs tens of milliseconds. The figures set narrow
# margins; ``automargin`` widens them to fit each axis's tick labels and title, which would
# otherwise be cut off at the figure's edge and written over each other.
TEMPLATE = dict(
    layout=dict(
        colorway=["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d"],
        font=dict(family="Helvetica, Arial, sans-serif", size=12, color="#333"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        hovermode="closest",
        xaxis=dict(gridcolor="#eeeeee", zeroline=False, linecolor="#999999", automargin=True),
        yaxis=dict(gridcolor="#eeeeee", zeroline=False, linecolor="#999999", automargin=True),
    )
)


# plotly's RdBu, written out: plotly.js has an RdBu of its own that runs the other way
HIDDEN_STATE_COLOURS = get_colorscale("RdBu")
HEIGHT_STEP = 80
# a longer series is drawn as a line alone: a marker per step is clutter, and plotly.js redraws each
# at every move
MARKED_STEPS = 30
EDGE_COLOUR = "rgba(120,120,120,0.35)"
LAYER_COLOURS = {
    "Input": "#4c78a8",
    "Dense": "#f58518",
    "SimpleRNN": "#54a24b",
    "LSTM": "#54a24b",
    "GRU": "#54a24b",
    "output": "#e45756",
}


def _height(pixels: int) -> int:
    """A figure's height for content that needs ``pixels``, rounded up to a multiple of
    HEIGHT_STEP: a new height makes plotly.js lay the whole figure out again (a third of an
    update's time in the browser), so a slider that adds a row changes it only every few steps."""
    return -(-pixels // HEIGHT_STEP) * HEIGHT_STEP


def _figure(traces: list, layout: dict) -> go.Figure:
    """The figure of ``traces`` and ``layout``, plain dictionaries as the builders below write
    them, taken as they are: plotly's checks of every value would take longer than building the
    figure itself (about 8 ms of a network diagram's 9 ms), at every slider move. The tests
    check every builder's figures against plotly's validation instead
    (``test_every_figure_is_valid_plotly``)."""
    return go.Figure(data=traces, layout=layout, _validate=False)


def shape_text(shape, batch_size=None) -> str:
    """A tensor shape as the course writes it: ``(batch, 3)``, or ``(5, 3)`` for a known batch;
    another open axis (``None``, e.g. any number of timesteps) reads ``any``."""
    first = "batch" if batch_size is None else str(batch_size)
    rest = ["any" if size is None else str(size) for size in shape[1:]]
    if shape and shape[0] is not None:
        first = str(shape[0])
    return "(" + ", ".join([first, *rest]) + ")"


def _column_nodes(count: int, max_nodes: int) -> tuple[list[float], bool]:
    """Vertical positions of the drawn neurons of a column, centred on 0; and whether some were
    left out (then a gap marks the hidden ones)."""
    if count <= max_nodes:
        return [i - (count - 1) / 2 for i in range(count)], False
    head = max_nodes // 2
    tail = max_nodes - head - 1
    positions = list(range(head)) + [head + 1 + i for i in range(tail)]
    middle = (positions[0] + positions[-1]) / 2
    return [p - middle for p in positions], True


def network_diagram(spec: ModelSpec, batch_size: int | None = None, max_nodes: int = 10) -> go.Figure:
    """The network as columns of neurons: the input (one neuron per feature, no weights), each
    hidden layer (``units`` neurons) and the output, with every tensor's shape written
    ``(batch, ...)``, each weight matrix's shape and each layer's parameter count.

    ``batch_size`` fills in the batch axis of the tensors; it never changes a weight.
    """
    rows = layer_table(spec)
    sizes = [spec.features] + [row.units for row in rows[1:]]
    columns = [_column_nodes(size, max_nodes) for size in sizes]
    edge_x, edge_y = [], []
    for index in range(1, len(columns)):
        for y0 in columns[index - 1][0]:
            for y1 in columns[index][0]:
                edge_x += [index - 1, index, None]
                edge_y += [y0, y1, None]
    traces = [
        dict(
            type="scatter",
            x=edge_x,
            y=edge_y,
            mode="lines",
            line=dict(color=EDGE_COLOUR, width=1),
            hoverinfo="skip",
            showlegend=False,
            name="weights",
        )
    ]
    notes = []
    top = max(len(ys) for ys, _ in columns) / 2 + 0.6
    bottom = -top
    for index, (row, size, (ys, cut)) in enumerate(zip(rows, sizes, columns)):
        kind = "output" if row.name == OUTPUT else row.kind
        what = "feature" if index == 0 else "unit"
        traces.append(
            dict(
                type="scatter",
                x=[index] * len(ys),
                y=ys,
                mode="markers",
                name=row.name,
                marker=dict(size=18, color=LAYER_COLOURS[kind], line=dict(color="white", width=1)),
                hovertext=[f"{row.name}: {size} {what}{'s' if size != 1 else ''}"] * len(ys),
                hoverinfo="text",
                showlegend=False,
            )
        )
        label = "input" if index == 0 else f"{row.name}<br>{row.kind}({row.units})"
        notes.append(dict(x=index, y=top + 0.9, text=f"<b>{label}</b>"))
        notes.append(
            dict(
                x=index,
                y=top,
                text=shape_text(row.output_shape, batch_size),
                font=dict(family="monospace"),
            )
        )
        if cut:
            notes.append(dict(x=index, y=0, text=f"⋮ {size}", font=dict(size=14)))
        if index == 0:
            notes.append(dict(x=index, y=bottom, text="no weights", font=dict(size=11)))
        else:
            matrices = "<br>".join(f"{name} {shape}" for name, shape in row.weights.items())
            notes.append(
                dict(
                    x=index - 0.5,
                    y=bottom,
                    text=f"{matrices}<br><b>{row.params:,} params</b>",
                    font=dict(size=11, family="monospace"),
                )
            )
    batch_words = "any number of rows" if batch_size is None else f"{batch_size} rows at once"
    total = sum(row.params for row in rows)
    layout = dict(
        title=dict(
            text=f"{total:,} parameters; each tensor carries a batch axis first ({batch_words})", font=dict(size=14)
        ),
        xaxis=dict(visible=False, range=[-0.6, len(rows) - 0.4]),
        yaxis=dict(visible=False, range=[-top - 1.4, top + 1.5]),
        height=420,
        margin=dict(l=10, r=10, t=50, b=10),
        template=TEMPLATE,
    )
    traces.append(_labels(notes))
    fig = _figure(traces, layout)
    return fig


def _labels(notes: list[dict]) -> dict:
    """Texts placed on a figure, each centred on its ``x`` and ``y`` in its own ``font``, as one
    trace of text: plotly.js draws a trace's texts with its data, where it lays out every
    annotation again at every change of any trace (a third of a diagram's update)."""
    fonts = [note.get("font", {}) for note in notes]
    return dict(
        type="scatter",
        mode="text",
        x=[note["x"] for note in notes],
        y=[note["y"] for note in notes],
        text=[note["text"] for note in notes],
        textfont=dict(
            family=[font.get("family", TEMPLATE["layout"]["font"]["family"]) for font in fonts],
            size=[font.get("size", TEMPLATE["layout"]["font"]["size"]) for font in fonts],
        ),
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
        name="labels",
    )


def epoch_timeline(order, batch_size: int) -> go.Figure:
    """Which rows form each batch, epoch by epoch.

    ``order`` is ``(epochs, n_samples)`` (``course.data.epoch_order``). Each cell is one row of
    the table, at its position in the epoch; batches alternate in colour, the partial last batch
    is outlined, and rows are numbered from 1 as a learner counts them.
    """
    order = np.atleast_2d(np.asarray(order))
    epochs, n_samples = order.shape
    bounds = shapes.batch_bounds(n_samples, batch_size)
    batch_of = np.zeros(n_samples, dtype=int)
    for k, (start, stop) in enumerate(bounds):
        batch_of[start:stop] = k
    z = np.tile(batch_of % 2, (epochs, 1))
    custom = np.tile(batch_of + 1, (epochs, 1))
    text = (order + 1).astype(str)
    heatmap = dict(
        type="heatmap",
        z=z,
        x=np.arange(1, n_samples + 1),
        y=[f"epoch {e + 1}" for e in range(epochs)],
        text=text,
        customdata=custom,
        texttemplate="%{text}" if n_samples <= 60 else None,
        textfont=dict(color="#333"),  # what plotly.js picks on these light cells, without weighing each cell's colour
        colorscale=[[0, "#c6dbef"], [1, "#fdd0a2"]],
        showscale=False,
        xgap=1,
        ygap=4,
        hovertemplate="%{y}, position %{x}: row %{text}, batch %{customdata}<extra></extra>",
        name="rows",
    )
    outline, notes = [], []
    last_start, last_stop = bounds[-1]
    last = shapes.last_batch_size(n_samples, batch_size)
    if last < batch_size and len(bounds) > 1:
        outline.append(
            dict(
                type="rect",
                x0=last_start + 0.5,
                x1=last_stop + 0.5,
                y0=-0.5,
                y1=epochs - 0.5,
                line=dict(color="#e45756", width=3),
            )
        )
        notes.append(
            dict(
                x=(last_start + last_stop + 1) / 2,
                y=-0.5,  # the strip's top edge (the axis runs downwards): above the cells, not over them
                yanchor="bottom",
                text=f"last batch: {last} rows",
                showarrow=False,
                font=dict(color="#e45756"),
            )
        )
    layout = dict(
        title=dict(
            text=f"{n_samples} rows in batches of {batch_size}: {len(bounds)} iterations per epoch", font=dict(size=14)
        ),
        xaxis=dict(title=dict(text="position in the epoch")),
        yaxis=dict(autorange="reversed"),
        shapes=outline,
        annotations=notes,
        height=_height(140 + 45 * epochs),
        margin=dict(l=10, r=10, t=60, b=40),
        template=TEMPLATE,
    )
    fig = _figure([heatmap], layout)
    return fig


def batch_loss_plot(losses, title: str | None = None) -> go.Figure:
    """The loss of every batch in the order Keras trained on them, one colour per epoch.

    ``losses[e][k]`` is batch ``k`` of epoch ``e`` (``course.training.EpochRun.losses``).
    """
    fig = go.Figure()
    step = 0
    for epoch, epoch_losses in enumerate(losses):
        xs = list(range(step + 1, step + len(epoch_losses) + 1))
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=list(epoch_losses),
                mode="lines+markers",
                name=f"epoch {epoch + 1}",
                hovertemplate="update %{x}: loss %{y:.3f}<extra></extra>",
            )
        )
        step += len(epoch_losses)
    fig.update_layout(
        title=dict(text=title or f"loss of each batch: {step} weight updates", font=dict(size=14)),
        xaxis=dict(title="weight update (iteration)"),
        yaxis=dict(title="batch loss (mean over its rows)", rangemode="tozero"),
        height=320,
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
    )
    return fig


# Lesson 03: batch size trade-offs.

CURVE_AXES = (("epoch", "epochs"), ("updates", "weight updates"), ("seconds", "wall-clock seconds"))


def training_curves(curves) -> go.Figure:
    """Training (dashed) and validation (solid) loss of several runs, side by side against
    epochs, weight updates and wall-clock seconds: which batch size looks "faster" depends on
    the x-axis."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.04, subplot_titles=[title for _, title in CURVE_AXES]
    )
    colours = TEMPLATE["layout"]["colorway"]
    for index, curve in enumerate(sorted(curves, key=lambda c: c.batch_size)):
        colour = colours[index % len(colours)]
        xs = {"epoch": list(range(1, curve.epochs_done + 1)), "updates": curve.updates, "seconds": curve.seconds}
        for column, (key, _title) in enumerate(CURVE_AXES, start=1):
            for kind, values, dash in (("train", curve.train_loss, "dash"), ("validation", curve.val_loss, "solid")):
                fig.add_trace(
                    go.Scatter(
                        x=xs[key],
                        y=values,
                        mode="lines",
                        line=dict(color=colour, dash=dash),
                        name=f"batch {curve.batch_size}",
                        legendgroup=str(curve.batch_size),
                        showlegend=column == 1 and kind == "validation",
                        hovertemplate=f"batch {curve.batch_size}, {kind}: %{{y:.3f}} at %{{x}}<extra></extra>",
                    ),
                    row=1,
                    col=column,
                )
    fig.update_yaxes(title_text="loss (solid: validation, dashed: training)", row=1, col=1)
    fig.update_xaxes(type="log", row=1, col=2)
    fig.update_layout(
        height=360, margin=dict(l=10, r=10, t=40, b=40), template=TEMPLATE, legend=dict(orientation="h", y=-0.18)
    )
    return fig


def throughput_plot(measurements) -> go.Figure:
    """Rows per second (bars: the median round, whiskers: the slowest and fastest round) and
    seconds per training step (line) against the batch size, measured on this machine
    (``course.experiments.throughput.StepTiming`` rows)."""
    from plotly.subplots import make_subplots

    rows = sorted(measurements, key=lambda m: m.batch_size)
    labels = [str(m.batch_size) for m in rows]
    rates = [m.samples_per_second for m in rows]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=labels,
            y=rates,
            name="rows per second (median, min-max band)",
            error_y=dict(
                type="data",
                symmetric=False,
                array=[m.band[1] - r for m, r in zip(rows, rates)],
                arrayminus=[r - m.band[0] for m, r in zip(rows, rates)],
            ),
            hovertemplate="batch %{x}: %{y:,.0f} rows/s<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=[m.seconds_per_step for m in rows],
            name="seconds per step",
            mode="lines+markers",
            hovertemplate="batch %{x}: %{y:.4f} s per step<extra></extra>",
        ),
        secondary_y=True,
    )
    fig.update_xaxes(title_text="batch size", type="category")
    fig.update_yaxes(title_text="rows per second", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text="seconds per step", secondary_y=True, rangemode="tozero", showgrid=False)
    fig.update_layout(
        title=dict(text="one training step on this machine", font=dict(size=14)),
        height=340,
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
        legend=dict(orientation="h", y=-0.25),
    )
    return fig


def gap_plot(summaries) -> go.Figure:
    """The final generalisation gap (validation minus training loss) of each batch size: one dot
    per seed, and the mean with the spread across seeds."""
    fig = go.Figure()
    for summary in summaries:
        label = f"batch {summary.batch_size}"
        fig.add_trace(
            go.Scatter(
                x=[label] * len(summary.gaps),
                y=summary.gaps,
                mode="markers",
                marker=dict(size=9, opacity=0.6),
                name=f"{label}: seeds",
                hovertemplate="gap %{y:.3f}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[label],
                y=[summary.mean],
                mode="markers",
                marker=dict(size=16, symbol="line-ew-open", line=dict(width=3)),
                error_y=dict(type="data", array=[summary.spread], thickness=2, width=12),
                name=f"{label}: mean ± spread",
            )
        )
    fig.update_layout(
        title=dict(text="generalisation gap across seeds", font=dict(size=14)),
        yaxis=dict(title="validation − training loss", zeroline=True, zerolinecolor="#999"),
        height=340,
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
        showlegend=False,
    )
    return fig


def memory_plot(widths, batch_sizes, optimizer_slots: int = 0) -> go.Figure:
    """Memory of one training step against the batch size, from the shapes: the parameters
    (with their gradients) stay the same, the activations grow with every row of the batch."""
    rows = [shapes.step_memory(widths, b, optimizer_slots=optimizer_slots) for b in batch_sizes]
    labels = [str(b) for b in batch_sizes]
    bars = [
        dict(
            type="bar",
            x=labels,
            y=[r["parameter_bytes"] / 1024 for r in rows],
            name="parameters + gradients",
            hovertemplate="%{y:,.1f} KiB<extra></extra>",
        ),
        dict(
            type="bar",
            x=labels,
            y=[r["activation_bytes"] / 1024 for r in rows],
            name="activations kept for the backward pass",
            hovertemplate="%{y:,.1f} KiB<extra></extra>",
        ),
    ]
    layout = dict(
        barmode="stack",
        title=dict(text=f"memory of one training step, widths {list(widths)}", font=dict(size=14)),
        xaxis=dict(title=dict(text="batch size"), type="category"),
        yaxis=dict(title=dict(text="KiB (float32)")),
        height=340,
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
        legend=dict(orientation="h", y=-0.25),
    )
    fig = _figure(bars, layout)
    return fig


# Lessons 04-05: sequences and windows.


def _arrow(tail: tuple[float, float], head: tuple[float, float]) -> dict:
    """An annotation drawn as an arrow from ``tail`` to ``head``, both in data coordinates."""
    return dict(
        x=head[0],
        y=head[1],
        ax=tail[0],
        ay=tail[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=2,
        text="",
    )


def sequence_reader(
    timesteps: int, features: int, units: int, n_samples: int | None = None, layer: str = "LSTM", max_steps: int = 12
) -> go.Figure:
    """What a recurrent layer reads: one sample's ``(timesteps, features)`` grid, one column (a
    timestep's feature vector) per step into the cell, the hidden state of ``units`` values
    carried from step to step. Other samples of the batch stand behind the first one."""
    timesteps = shapes.check_size("timesteps", timesteps)
    features = shapes.check_size("features", features)
    units = shapes.check_size("units", units)
    drawn = min(timesteps, max_steps)
    cell_y = features + 1.2
    traces, notes, boxes = [], [], []
    for depth in (2, 1):  # the other samples of the batch, behind
        if n_samples is None or n_samples > depth:
            boxes.append(
                dict(
                    type="rect",
                    x0=-0.45 + 0.15 * depth,
                    x1=drawn - 0.55 + 0.15 * depth,
                    y0=-0.45 + 0.15 * depth,
                    y1=features - 0.55 + 0.15 * depth,
                    line=dict(color="#bbbbbb", dash="dot"),
                    fillcolor="rgba(0,0,0,0)",
                    layer="below",
                )
            )
    xs = [t for t in range(drawn) for _ in range(features)]
    ys = [f for _ in range(drawn) for f in range(features)]
    traces.append(
        dict(
            type="scatter",
            x=xs,
            y=ys,
            mode="markers+text",
            name="features",
            marker=dict(symbol="square", size=26, color="#9ecae1", line=dict(color="#4c78a8", width=1)),
            text=[f"x{t + 1},{f + 1}" for t, f in zip(xs, ys)],
            textfont=dict(size=9),
            hoverinfo="text",
            hovertext=[f"timestep {t + 1}, feature {f + 1}" for t, f in zip(xs, ys)],
            showlegend=False,
        )
    )
    traces.append(
        dict(
            type="scatter",
            x=list(range(drawn)),
            y=[cell_y] * drawn,
            mode="markers+text",
            name="cells",
            marker=dict(symbol="square", size=40, color="#a1d99b", line=dict(color="#54a24b", width=2)),
            text=[layer] * drawn,
            textfont=dict(size=9),
            hoverinfo="text",
            hovertext=[
                f"step {t + 1}: reads {features} value(s), updates the state of {units} values" for t in range(drawn)
            ],
            showlegend=False,
        )
    )
    for t in range(drawn):
        notes.append(_arrow((t, features - 0.5), (t, cell_y - 0.45)))  # the step's features into its cell
        if t:
            notes.append(_arrow((t - 0.7, cell_y), (t - 0.3, cell_y)))  # the state from the step before
            notes.append(dict(x=t - 0.5, y=cell_y + 0.45, text=f"h ({units})", showarrow=False, font=dict(size=10)))
        notes.append(dict(x=t, y=-0.9, text=f"t={t + 1}", showarrow=False, font=dict(size=10)))
    if drawn < timesteps:
        notes.append(dict(x=drawn - 0.4, y=cell_y + 0.8, text=f"… {timesteps - drawn} more steps", showarrow=False))
    notes.append(dict(x=drawn - 0.2, y=cell_y, xanchor="left", text=f"→ last h: ({units},)", showarrow=False))
    notes.append(
        dict(
            x=-0.7,
            y=(features - 1) / 2,
            xanchor="right",
            text=f"{features} feature{'s' if features != 1 else ''}<br>per step",
            showarrow=False,
            font=dict(size=11),
        )
    )
    batch = "batch" if n_samples is None else str(n_samples)
    title = f"input ({batch}, {timesteps}, {features}): {timesteps} recurrent step{'s' if timesteps != 1 else ''}, each reading {features} value{'s' if features != 1 else ''}; {units} units carried along"
    layout = dict(
        title=dict(text=title, font=dict(size=13)),
        shapes=boxes,
        annotations=notes,
        template=TEMPLATE,
        xaxis=dict(visible=False, range=[-1.6, drawn + 1.4]),
        yaxis=dict(visible=False, range=[-1.4, cell_y + 1.2]),
        height=_height(150 + 45 * (features + 2)),
        margin=dict(l=10, r=10, t=50, b=10),
    )
    return _figure(traces, layout)


def windows_plot(
    series, window: int, horizon: int = 1, stride: int = 1, batch_size: int = 32, max_windows: int = 30
) -> go.Figure:
    """The series, and under it every window as a bar over the steps it covers with its target
    marked, coloured by the batch it falls in (the partial last batch included)."""
    values = np.asarray(series, dtype="float64")
    first = values if values.ndim == 1 else values[:, 0]
    n = data.count_windows(len(first), window, horizon, stride)
    colours = TEMPLATE["layout"]["colorway"]
    steps = np.arange(1, len(first) + 1)
    traces = [
        dict(
            type="scatter",
            x=steps,
            y=first,
            mode="lines+markers" if len(first) <= MARKED_STEPS else "lines",
            name="series" + ("" if values.ndim == 1 else " (feature 1)"),
            line=dict(color="#333333"),
            marker=dict(size=5),
            xaxis="x",
            yaxis="y",
        )
    ]
    bounds = shapes.batch_bounds(n, batch_size)
    targets = dict(x=[], y=[], color=[])
    for k, (start, stop) in enumerate(bounds):
        xs, ys = [], []
        colour = colours[k % len(colours)]
        for i in range(start, min(stop, max_windows)):
            begin = i * stride + 1
            xs += [begin, begin + window - 1, None]
            ys += [-i, -i, None]
            targets["x"].append(begin + window + horizon - 1)
            targets["y"].append(-i)
            targets["color"].append(colour)
        if not xs:
            break
        size = stop - start
        traces.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                line=dict(color=colour, width=8),
                name=f"batch {k + 1} ({size} window{'s' if size != 1 else ''})",
                xaxis="x",
                yaxis="y2",
                hoverinfo="skip",
            )
        )
    traces.append(
        dict(
            type="scatter",
            x=targets["x"],
            y=targets["y"],
            mode="markers",
            marker=dict(symbol="star", size=11, color=targets["color"], line=dict(color="#333", width=1)),
            name="targets",
            showlegend=False,
            xaxis="x",
            yaxis="y2",
            hovertemplate="target at step %{x}<extra></extra>",
        )
    )
    shown = min(n, max_windows)
    note = "" if n <= max_windows else f" (first {max_windows} drawn)"
    layout = dict(
        title=dict(
            text=f"{n} windows of {window} steps, target {horizon} step{'s' if horizon != 1 else ''} ahead, stride {stride}: {len(bounds)} batch{'es' if len(bounds) != 1 else ''} of up to {batch_size}{note}",
            font=dict(size=13),
        ),
        xaxis=dict(title=dict(text="time step (from 1)"), dtick=1 if len(first) <= 30 else None, anchor="y2"),
        yaxis=dict(domain=[0.68, 1], title=dict(text="value")),
        yaxis2=dict(
            domain=[0, 0.62],
            title=dict(text="window"),
            tickmode="array",
            tickvals=[-i for i in range(0, shown, 1 if shown <= 15 else 5)],
            ticktext=[str(i + 1) for i in range(0, shown, 1 if shown <= 15 else 5)],
            range=[-shown + 0.5, 0.8],
        ),
        height=_height(300 + 14 * shown),
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
        legend=dict(orientation="h", y=-0.12),
    )
    return _figure(traces, layout)


# Lesson 06: units.


def hidden_state_heatmap(states, layer: str = "LSTM") -> go.Figure:
    """A recurrent layer's hidden state after every step: one row per unit, one column per
    timestep (``states`` is ``(timesteps, units)``, from ``course.recurrent.hidden_states``)."""
    states = np.asarray(states)
    timesteps, units = states.shape
    trace = dict(
        type="heatmap",
        z=states.T,
        x=np.arange(1, timesteps + 1),
        y=np.arange(1, units + 1),
        colorscale=HIDDEN_STATE_COLOURS,
        zmid=0,
        colorbar=dict(title=dict(text="value"), thickness=12),
        name="hidden state",
        hovertemplate="step %{x}, unit %{y}: %{z:.3f}<extra></extra>",
    )
    layout = dict(
        title=dict(
            text=f"the {layer}'s hidden state: {units} numbers after each of the {timesteps} steps", font=dict(size=13)
        ),
        xaxis=dict(title=dict(text="timestep")),
        yaxis=dict(title=dict(text="unit"), autorange="reversed"),
        height=_height(min(520, 180 + 6 * units)),
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
    )
    fig = _figure([trace], layout)
    return fig


def weight_matrices(layer: str, features: int, units: int) -> go.Figure:
    """The layer's weight matrices drawn to scale, one cell per weight, split into its gates:
    the input kernel ``(features, gates×units)``, the recurrent kernel ``(units, gates×units)``
    and the bias."""
    shapes_by_name = shapes.weight_shapes(layer, features, units)
    g = shapes.gates(layer)
    colours = TEMPLATE["layout"]["colorway"]
    boxes, notes = [], []
    top = 0.0
    gap = max(1.0, units * 0.15)
    for name, shape in shapes_by_name.items():
        rows = shape[0] if len(shape) == 2 else 1
        for gate in range(g):
            boxes.append(
                dict(
                    type="rect",
                    x0=gate * units,
                    x1=(gate + 1) * units,
                    y0=-top - rows,
                    y1=-top,
                    line=dict(color="white", width=1),
                    fillcolor=colours[gate % len(colours)],
                    opacity=0.75,
                )
            )
        notes.append(
            dict(
                x=-0.5,
                y=-top - rows / 2,
                xanchor="right",
                text=f"{name} {shape}",
                showarrow=False,
                font=dict(family="monospace", size=11),
            )
        )
        top += rows + gap
    names = shapes._GATE_NAMES.get(layer, ("units",))
    for gate, label in enumerate(names):
        notes.append(dict(x=(gate + 0.5) * units, y=gap * 0.5, text=label, showarrow=False, font=dict(size=11)))
    extent = dict(
        type="scatter",
        x=[0, g * units],
        y=[0, -top],
        mode="markers",
        marker=dict(opacity=0),
        hoverinfo="skip",
        showlegend=False,
        name="extent",
    )
    layout = dict(
        title=dict(
            text=f"{layer}({units}) on {features} feature(s): {shapes.layer_params(layer, features, units):,} weights, to scale",
            font=dict(size=13),
        ),
        shapes=boxes,
        annotations=notes,
        template=TEMPLATE,
        # to scale by shrinking the drawing area, not by widening a range: plotly.js writes a
        # widened range back into the layout, and an update in place then kept the old one
        xaxis=dict(visible=False, range=[-0.45 * g * units, g * units * 1.02], constrain="domain"),
        yaxis=dict(visible=False, scaleanchor="x", range=[-top - 1, gap * 1.5], constrain="domain"),
        height=340,
        margin=dict(l=10, r=10, t=50, b=10),
    )
    return _figure([extent], layout)


# Lesson 07: stateful layout.


def conveyor_belt(n_steps: int, batch_size: int, timesteps: int, order=None, layout=None) -> go.Figure:
    """The stateful layout as a grid: one column per batch, one row per row of the batch; each
    cell is a chunk of ``timesteps`` steps (numbered from 1), coloured by the stream it belongs
    to. With the layout in order every row is one stream, so each row's state carries on; give
    ``order`` (a permutation of the samples, as ``fit(shuffle=True)`` would make) to see the
    streams mixed and the continuity broken. ``layout``: what ``course.data.stateful_layout``
    gave for these settings, where the caller has it (the series is then not laid out again)."""
    if layout is None:
        layout = data.stateful_layout(n_steps, batch_size, timesteps)
    n_batches = layout.shape[0]
    positions = np.arange(n_batches * batch_size) if order is None else np.asarray(order)
    placed = data.stateful_placed(layout, positions)
    streams = (positions % batch_size).reshape(n_batches, batch_size)  # sample k*batch_size + i: stream i
    text = [[f"{placed[k, i, 0] + 1}–{placed[k, i, -1] + 1}" for k in range(n_batches)] for i in range(batch_size)]
    colours = TEMPLATE["layout"]["colorway"]
    scale = (
        [[j / max(batch_size - 1, 1), colours[j % len(colours)]] for j in range(batch_size)]
        if batch_size > 1
        else [[0, colours[0]], [1, colours[0]]]
    )
    heatmap = dict(
        type="heatmap",
        z=streams.T,
        x=[f"batch {k + 1}" for k in range(n_batches)],
        y=[f"row {i + 1}" for i in range(batch_size)],
        text=text,
        texttemplate="%{text}" if n_batches * batch_size <= 120 else None,
        colorscale=scale,
        zmin=0,
        zmax=max(batch_size - 1, 1),
        showscale=False,
        xgap=2,
        ygap=2,
        name="chunks",
        hovertemplate="%{y} of %{x}: steps %{text}<extra></extra>",
    )
    dropped = data.stateful_dropped(n_steps, batch_size, timesteps, layout)
    continuous = stateful_continuity(placed)
    words = (
        "each row continues where it left off"
        if continuous
        else "rows jump between streams: the carried state is wrong"
    )
    notes = [
        dict(
            x=1,
            xref="paper",
            xanchor="right",
            y=-0.5,
            yref="y",
            yanchor="top",
            showarrow=False,
            font=dict(size=11),
            text=f"then <b>reset_state()</b> before the next epoch · {dropped} step{'s' if dropped != 1 else ''} at the end dropped",
        )
    ]
    layout_dict = dict(
        title=dict(
            text=f"{batch_size} streams × {n_batches} batches of {timesteps} steps: {words}", font=dict(size=13)
        ),
        annotations=notes,
        yaxis=dict(autorange="reversed"),
        template=TEMPLATE,
        height=_height(170 + 34 * batch_size),
        margin=dict(l=10, r=10, t=50, b=50),
    )
    return _figure([heatmap], layout_dict)


def stateful_continuity(placed) -> bool:
    """Whether row ``i`` of every batch starts right after row ``i`` of the batch before:
    ``placed`` is ``(n_batches, batch_size, timesteps)`` step indices."""
    placed = np.asarray(placed)
    return bool(np.all(placed[1:, :, 0] == placed[:-1, :, -1] + 1))


def gradient_plot(
    gradients: dict, title: str = "how much the final output depends on the input at each step"
) -> go.Figure:
    """``|d output / d x_t|`` against the timestep, one line per labelled run, on a log scale."""
    traces = [
        dict(type="scatter", x=np.arange(1, len(g) + 1), y=np.asarray(g), mode="lines+markers", name=label)
        for label, g in gradients.items()
    ]
    layout = dict(
        title=dict(text=title, font=dict(size=13)),
        xaxis=dict(title=dict(text="timestep")),
        yaxis=dict(title=dict(text="|d output / d input|"), type="log"),
        height=340,
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
    )
    return go.Figure(data=traces, layout=layout)


def capacity_plot(
    final_losses: dict, noise_floor: float | None = None, title: str = "validation loss against units"
) -> go.Figure:
    """The final validation loss for each number of units, with the noise floor if known."""
    units = list(final_losses)
    traces = [
        dict(type="scatter", x=units, y=list(final_losses.values()), mode="lines+markers", name="validation loss")
    ]
    if noise_floor is not None:
        traces.append(
            dict(
                type="scatter",
                x=[units[0], units[-1]],
                y=[noise_floor] * 2,
                mode="lines",
                line=dict(dash="dot"),
                name="noise floor",
            )
        )
    layout = dict(
        title=dict(text=title, font=dict(size=13)),
        xaxis=dict(title=dict(text="units"), type="log", tickvals=units),
        yaxis=dict(title=dict(text="validation MSE")),
        height=340,
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
    )
    return go.Figure(data=traces, layout=layout)


def shape_ribbon(report, data_shape=None, verdict=None) -> go.Figure:
    """Any model as a ribbon of tensors, left to right: (your data,) the input, then every layer
    with its output shape and parameters; each block's height grows with its last axis.

    ``report`` is ``course.diagnose.explore(model)``; ``data_shape`` and ``verdict`` (a
    ``Diagnosis``) add the data in front, green when the model accepts it and red when not.
    One block and one label per tensor keep the redraw cheap.
    """
    stages = [("input", "Input", report.input_shape, 0, None)]
    stages += [(layer.name, layer.kind, layer.output_shape, layer.params, layer.equation) for layer in report.layers]
    if data_shape is not None:
        stages.insert(0, ("your data", "data", tuple(data_shape), 0, None))
    widest = max(np.log2((shape[-1] or 1) + 1) for _n, _k, shape, _p, _e in stages)
    blocks, notes, hover_text = [], [], []
    for index, (name, kind, shape, params, equation) in enumerate(stages):
        half = 0.2 + 0.8 * np.log2((shape[-1] or 1) + 1) / widest
        if kind == "data":
            colour = "#9e9e9e" if verdict is None else ("#2e7d32" if verdict.ok else "#b71c1c")
        else:
            colour = LAYER_COLOURS.get(kind, "#9d755d") if index < len(stages) - 1 else LAYER_COLOURS["output"]
        edge = dict(color=colour, width=3, dash="dot") if kind == "data" else dict(width=0)
        blocks.append(
            dict(
                type="rect",
                x0=index - 0.4,
                x1=index + 0.4,
                y0=-half,
                y1=half,
                fillcolor=colour,
                opacity=0.35,
                layer="below",  # under the labels, which are a trace
                line=edge,
            )
        )
        count = "" if kind in ("data", "Input") else f"<br>{params:,} params"
        if kind == "data" and verdict is not None:
            seen = getattr(verdict, "seen_as", None)
            count = (
                f"<br>Keras reads {seen}"
                if seen and tuple(seen) != tuple(shape)
                else ("" if verdict.ok else "<br>rejected")
            )
        notes.append(
            dict(
                x=index,
                y=0,
                text=f"<b>{name}</b><br>{kind}<br>{shape_text(shape)}{count}",
                font=dict(size=11),
            )
        )
        hover_text.append(
            f"{name} ({kind}): {shape_text(shape)}"
            + (f"<br>{equation}" if equation else (f"<br>{params:,} parameters" if params else ""))
        )
    count = len(stages)
    traces = [
        dict(
            type="scatter",
            x=[x for i in range(1, count) for x in (i - 0.6, i - 0.4, None)],
            y=[y for _ in range(1, count) for y in (0, 0, None)],
            mode="lines",
            line=dict(color="#999999", width=2),
            hoverinfo="skip",
            showlegend=False,
            name="flow",
        ),
        dict(
            type="scatter",
            x=list(range(count)),
            y=[0] * count,
            mode="markers",
            marker=dict(size=1, opacity=0),
            hovertext=hover_text,
            hoverinfo="text",
            showlegend=False,
            name="tensors",
        ),
        _labels(notes),
    ]
    title = f"{report.name}: {report.total:,} parameters (Keras's count_params(): {report.keras_total:,})"
    if verdict is not None:
        title += " · your data " + ("fits" if verdict.ok else "does not fit")
    layout = dict(
        title=dict(text=title, font=dict(size=13)),
        shapes=blocks,
        xaxis=dict(visible=False, range=[-0.55, count - 0.45]),
        yaxis=dict(visible=False, range=[-1.1, 1.1]),
        height=260,
        margin=dict(l=10, r=10, t=40, b=10),
        template=TEMPLATE,
    )
    return _figure(traces, layout)


def timing_band_plot(
    band, title: str = "milliseconds per training step: every round, and the band from fastest to slowest"
) -> go.Figure:
    """One column of points per unit count (one point per round) over its min-max band."""
    units = list(band.rounds)
    traces = [
        dict(
            type="bar",
            x=[str(u) for u in units],
            y=[1000 * (band.slowest(u) - band.fastest(u)) for u in units],
            base=[1000 * band.fastest(u) for u in units],
            marker=dict(color="rgba(49,130,189,0.25)"),
            name="fastest to slowest round",
        ),
        dict(
            type="scatter",
            x=[str(u) for u in units for _ in band.rounds[u]],
            y=[1000 * s for u in units for s in band.rounds[u]],
            mode="markers",
            marker=dict(color="#3182bd"),
            name="one round (median of its steps)",
        ),
    ]
    layout = dict(
        title=dict(text=title, font=dict(size=13)),
        xaxis=dict(title=dict(text="units")),
        yaxis=dict(title=dict(text="ms per step")),
        height=340,
        margin=dict(l=10, r=10, t=50, b=40),
        template=TEMPLATE,
    )
    return go.Figure(data=traces, layout=layout)
