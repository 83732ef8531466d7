"""StatefulExplorer: laying a long series out for a stateful LSTM."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import traitlets

from course import data, figures, models, shapes
from course.experiments import stateful
from widgets._base import CourseWidget


class StatefulExplorer(CourseWidget):
    """Choose the series length, the batch size, the timesteps, the units and shuffling: see
    the series cut into ``batch_size`` parallel streams, each batch one column of chunks, row
    ``i`` of every batch the same stream; the steps dropped; where the state is reset; and what
    shuffling does to the continuity. The stateful Keras 3 model is rebuilt as you move."""

    n_steps = traitlets.Int(120, help="length of the series")
    batch_size = traitlets.Int(3, help="parallel streams: one state is carried per row of the batch")
    timesteps = traitlets.Int(5, help="steps in each chunk the layer reads at once")
    units = traitlets.Int(8, help="size of each carried state")
    shuffle = traitlets.Bool(False, help="what fit(shuffle=True) would do to the order of the chunks")
    seed = traitlets.Int(0, help="fixes the shuffle")

    LIMITS = {"n_steps": (2, 400), "batch_size": (1, 16), "timesteps": (1, 20), "units": (1, 32)}
    WATCHED = ("n_steps", "batch_size", "timesteps", "units", "shuffle", "seed")

    def __init__(self, **kwargs):
        super().__init__()
        self.controls = {
            "n_steps": self.slider("n_steps", "series length"),
            "batch_size": self.slider("batch_size", "batch size"),
            "timesteps": self.slider("timesteps", "timesteps"),
            "units": self.slider("units", "units"),
        }
        self.controls["shuffle"] = self.checkbox("shuffle", "shuffle (as fit(shuffle=True) would)")
        self.summary = W.HTML()
        self.advice = W.HTML()
        self.continuous = None
        self.children = [
            W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
            self.message,
            self.summary,
            self.advice,
            self.figure,
        ]
        self._start(kwargs)

    def current_spec(self) -> models.ModelSpec:
        return models.ModelSpec(
            layer="LSTM",
            features=1,
            units=self.units,
            timesteps=self.timesteps,
            batch_size=self.batch_size,
            stateful=True,
        )

    def order(self, layout=None):
        """The order the samples reach the model: as laid out, or shuffled (``layout``: the
        series laid out at the current settings, where it is at hand)."""
        if layout is None:
            layout = data.stateful_layout(self.n_steps, self.batch_size, self.timesteps)
        n = layout.shape[0] * self.batch_size
        return np.random.default_rng(self.seed).permutation(n) if self.shuffle else np.arange(n)

    def _update(self):
        self.advice.value = self._divisibility_advice()
        layout = data.stateful_layout(self.n_steps, self.batch_size, self.timesteps)  # once per move
        spec = self.current_spec()
        self.rebuild(spec)
        order = self.order(layout)
        self.draw(
            self.figure,
            figures.conveyor_belt,
            self.n_steps,
            self.batch_size,
            self.timesteps,
            tuple(order),
            layout=layout,
        )
        self.continuous = figures.stateful_continuity(data.stateful_placed(layout, order))
        dropped = data.stateful_dropped(self.n_steps, self.batch_size, self.timesteps, layout)
        self.summary.value = (
            f"{self.n_steps} steps → <b>{self.batch_size}</b> streams of {layout.shape[0] * self.timesteps} steps → "
            f"<b>{layout.shape[0]}</b> batches of shape <code>{(self.batch_size, self.timesteps, 1)}</code>; "
            f"{dropped} step{'s' if dropped != 1 else ''} dropped. The model: <code>keras.Input(batch_shape={(self.batch_size, self.timesteps, 1)})</code>, "
            f"<code>LSTM({self.units}, stateful=True)</code>. "
            + (
                "Row i of every batch continues row i of the batch before."
                if self.continuous
                else "<b>Shuffled: row i no longer continues its own stream, so the carried state belongs to another part of the series.</b>"
            )
        )

    def _divisibility_advice(self) -> str:
        """What happens if the series is simply cut into consecutive sequences instead."""
        sequences = self.n_steps // self.timesteps
        if sequences == 0:
            return ""
        last = shapes.last_batch_size(sequences, self.batch_size)
        if last == self.batch_size:
            return f"Cut naively into {sequences} sequences of {self.timesteps} steps, batches of {self.batch_size} would divide them evenly."
        divisors = shapes.divisors(sequences, up_to=16)
        return (
            f"⚠️ Cut naively into {sequences} sequences of {self.timesteps} steps, batches of {self.batch_size} leave a last batch of "
            f'{last}: a stateful model fails there mid-epoch ("Incompatible shapes: [{last},…] vs. [{self.batch_size},…]"). '
            f"Fix: keep {sequences - last} sequences (drop {last}), or use a batch size that divides {sequences}: {', '.join(map(str, divisors))}. "
            "The streams layout above drops the leftover steps for you."
        )

    def code(self) -> str:
        """Runnable Keras 3 code, on its own (numpy and keras only): the stateful model, a series
        laid out as streams, and the training loop that keeps the order and resets the state
        between epochs."""
        return stateful.stateful_code(self.n_steps, self.batch_size, self.timesteps, self.units)

    def legacy_code(self) -> str:
        """The Keras 2 spelling of the same model (fails on Keras 3)."""
        return models.legacy_code(self.current_spec())
