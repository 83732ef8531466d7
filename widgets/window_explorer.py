"""WindowExplorer: cutting a series into (window, target) pairs and batches."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import traitlets

from course import data, figures, shapes
from course.experiments import forecasting
from widgets._base import CourseWidget, show_message
from widgets._figure import CourseFigure, refresh_figure


class WindowExplorer(CourseWidget):
    """Choose a series, the window length, the horizon, the stride and the batch size: see every
    window over the series with its target, how the windows fall into batches, the shapes Keras
    gets, and (on request) the same windows from ``keras.utils.timeseries_dataset_from_array``
    and a small LSTM trained on them."""

    series = traitlets.Unicode("1..10", help="the series to cut: 1..10, noisy sine or several features")
    window = traitlets.Int(2, help="steps in each input window: the timesteps of the LSTM's input")
    horizon = traitlets.Int(1, help="how many steps after the window's end the target lies (1: the next step)")
    stride = traitlets.Int(1, help="steps between the starts of two windows")
    batch_size = traitlets.Int(8, help="windows per batch")

    LIMITS = {"window": (1, 30), "horizon": (0, 10), "stride": (1, 10), "batch_size": (1, 32)}
    CHOICES = {"series": data.SERIES_KINDS}
    WATCHED = ("series", "window", "horizon", "stride", "batch_size")

    def __init__(self, **kwargs):
        super().__init__()
        self.controls = {"series": self.menu("series", "series")}
        for name, label in (
            ("window", "window"),
            ("horizon", "horizon"),
            ("stride", "stride"),
            ("batch_size", "batch size"),
        ):
            self.controls[name] = self.slider(name, label)
        self.summary = W.HTML()
        self.keras_button = W.Button(description="Compare with Keras", icon="check")
        self.keras_button.on_click(lambda _b: self.check_keras())
        self.train_button = W.Button(description="Train a small LSTM", icon="play", button_style="primary")
        self.train_button.on_click(lambda _b: self.train())
        self.keras_status = W.HTML()
        self.train_status = W.HTML()
        self.prediction_figure = CourseFigure()
        self.fit = None
        self.children = [
            W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
            self.message,
            self.summary,
            self.figure,
            W.HBox([self.keras_button, self.keras_status]),
            W.HBox([self.train_button, self.train_status]),
            self.prediction_figure,
        ]
        self._start(kwargs)

    def values(self) -> np.ndarray:
        return data.example_series(self.series)

    def windows(self):
        """``(X, y)`` for the current settings (``course.data.make_windows``)."""
        return data.make_windows(self.values(), self.window, self.horizon, self.stride)

    def _update(self):
        self.keras_status.value = ""
        series = self.values()
        refresh_figure(
            self.figure, figures.windows_plot(series, self.window, self.horizon, self.stride, self.batch_size)
        )
        X, y = self.windows()
        sizes = [stop - start for start, stop in shapes.batch_bounds(len(X), self.batch_size)]
        self.summary.value = (
            f"A series of shape <code>{series.shape}</code> gives <b>{len(X)}</b> windows: "
            f"<code>X {X.shape}</code> = (samples, timesteps, features) and targets <code>y {y.shape}</code>, "
            f"in <b>{len(sizes)}</b> batch{'es' if len(sizes) != 1 else ''} of sizes {sizes}."
        )

    def check_keras(self) -> bool | None:
        """Make the same windows with ``keras.utils.timeseries_dataset_from_array`` and compare,
        batch by batch. Returns whether they agree (None if the settings are impossible)."""
        try:
            X, y = self.windows()
            batches = data.keras_windows(self.values(), self.window, self.horizon, self.stride, self.batch_size)
        except ValueError as exc:
            show_message(self.message, str(exc), "problem")
            return None
        keras_X = np.concatenate([xb for xb, _ in batches]).reshape(X.shape)
        keras_y = np.concatenate([yb for _, yb in batches]).reshape(y.shape)
        sizes = [len(xb) for xb, _ in batches]
        agree = bool(
            np.array_equal(keras_X, X)
            and np.array_equal(keras_y, y)
            and sizes == [e - s for s, e in shapes.batch_bounds(len(X), self.batch_size)]
        )
        verdict = "the same windows, targets and batches" if agree else "different windows"
        self.keras_status.value = (
            f"Keras made {len(batches)} batch(es) of sizes {sizes}: <b>{verdict}</b> as <code>make_windows</code>."
        )
        return agree

    def train(self, epochs: int = 30):
        """Train a small LSTM on the windows and plot its predictions against the targets."""
        try:
            X, y = self.windows()
            fit = forecasting.fit_windows(X, y, self.batch_size, epochs=epochs)
        except ValueError as exc:
            show_message(self.message, f"Training did not run: {exc}", "problem")
            return None
        self.fit, self.model = fit, fit.model
        steps = np.arange(len(y)) * self.stride + self.window + self.horizon
        refresh_figure(
            self.prediction_figure,
            go.Figure(
                [
                    go.Scatter(x=steps, y=y[:, 0], mode="markers", name="target"),
                    go.Scatter(x=steps, y=fit.predictions[:, 0], mode="lines+markers", name="prediction"),
                ],
                layout=dict(
                    title=dict(text="targets and the trained LSTM's predictions (feature 1)", font=dict(size=13)),
                    xaxis=dict(title="time step of the target"),
                    height=300,
                    margin=dict(l=10, r=10, t=50, b=40),
                    template=figures.TEMPLATE,
                ),
            ),
        )
        self.train_status.value = html.escape(
            f"X {X.shape} -> LSTM(8) -> {tuple(fit.model.get_layer('hidden_1').output.shape)} -> Dense({y.shape[1]}) -> "
            f"predictions {fit.predictions.shape}, compared with y {y.shape}; loss {fit.losses[0]:.3f} -> {fit.losses[-1]:.3f}"
        )
        return fit

    def code(self) -> str:
        """Keras 3 code making these windows."""
        return data.windowing_code(self.window, self.horizon, self.stride, self.batch_size)

    def legacy_code(self) -> str:
        """The Keras 2 TimeseriesGenerator call this replaces."""
        return data.legacy_windowing_code(self.window, self.stride, self.batch_size)
