"""TrainingLab: batch size trade-offs measured live on real tf.keras training runs."""

from __future__ import annotations

import threading
import time

import ipywidgets as W
import traitlets

from course import data, figures, models, shapes
from course.experiments import generalisation
from course.experiments.throughput import BATCH_SIZES, time_training_steps
from widgets._base import CourseWidget, show_message
from widgets._figure import CourseFigure, refresh_figure
from widgets._shown import FigureRow

REFERENCE_BATCH = 32


class TrainingLab(CourseWidget):
    """Train the same small classifier with different batch sizes and compare: loss against
    epochs, weight updates and seconds; throughput on this machine; the generalisation gap over
    several seeds; and the memory of one step, from the shapes.

    Runs started with the buttons go in the background, show a progress bar and can be stopped;
    every run is capped at ``time_cap`` seconds. Finished runs are kept and reused.
    """

    batch_size = traitlets.Int(32, help="rows per weight update: 1 is SGD, all rows is full-batch")
    learning_rate = traitlets.Float(0.1, help="step size of plain SGD (before any scaling)")
    epochs = traitlets.Int(20, help="passes over the training rows in each run")
    n_seeds = traitlets.Int(3, help="how many seeds the generalisation comparison averages over")
    scale_lr = traitlets.Bool(False, help="grow the learning rate with the batch size (linear rule, reference 32)")
    time_cap = traitlets.Float(30.0, help="seconds after which any single run is stopped")

    WATCHED = ("batch_size", "learning_rate", "epochs", "n_seeds", "scale_lr")
    COMPARE = (8, 64)

    def __init__(self, n_samples: int = 1024, seed: int = 0, units: int = 32, n_layers: int = 2, **kwargs):
        super().__init__()
        self.split = data.train_val_split(*data.two_moons(n_samples, seed=seed), val_fraction=0.5, seed=seed)
        self.n_train = len(self.split[0])
        self.units, self.n_layers = units, n_layers
        self.LIMITS = {"batch_size": (1, self.n_train), "epochs": (1, 100), "n_seeds": (1, 5)}
        self.results: dict = {}
        self._curves_shown: list = []  # the finished runs self.figure draws
        self.busy = False
        self._stop = False
        self._thread = None

        self.controls = {"batch_size": self.slider("batch_size", "batch size")}
        self.flavour = W.ToggleButtons(
            options=["SGD (1)", "mini-batch", f"full batch ({self.n_train})"],
            tooltips=["one row per update", "a few rows per update", "every training row in one update"],
        )
        self.flavour.observe(self._flavour_clicked, names="value")
        rate = W.FloatText(
            description="learning rate",
            step=0.01,
            style={"description_width": "initial"},
            layout=W.Layout(width="14em"),
        )
        W.link((self, "learning_rate"), (rate, "value"))
        scale = self.checkbox("scale_lr", f"scale it with the batch size (× batch / {REFERENCE_BATCH})")
        self.controls.update(
            flavour=self.flavour,
            learning_rate=rate,
            scale_lr=scale,
            epochs=self.slider("epochs", "epochs"),
            n_seeds=self.slider("n_seeds", "seeds"),
        )

        self.buttons = {
            "compare": W.Button(description="Compare batch sizes", icon="line-chart", button_style="primary"),
            "throughput": W.Button(description="Measure throughput", icon="tachometer"),
            "generalisation": W.Button(description="Gap over seeds", icon="random"),
        }
        self.buttons["compare"].on_click(lambda _b: self.compare(background=True))
        self.buttons["throughput"].on_click(lambda _b: self.throughput(background=True))
        self.buttons["generalisation"].on_click(lambda _b: self.generalisation(background=True))
        self.stop_button = W.Button(description="Stop", icon="stop", button_style="danger", disabled=True)
        self.stop_button.on_click(lambda _b: self.stop())
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="16em", visibility="hidden"))
        self.status = W.HTML()
        self.summary = W.HTML()
        self.statement = W.HTML()
        self.throughput_figure = CourseFigure()
        self.gap_figure = CourseFigure()
        self.memory_figure = CourseFigure()
        self.children = [
            W.HBox([self.controls["batch_size"], self.flavour], layout=W.Layout(flex_flow="row wrap")),
            W.HBox(
                [rate, scale, self.controls["epochs"], self.controls["n_seeds"]], layout=W.Layout(flex_flow="row wrap")
            ),
            self.message,
            self.summary,
            W.HBox(
                [*self.buttons.values(), self.stop_button, self.progress, self.status],
                layout=W.Layout(flex_flow="row wrap"),
            ),
            self.figure,
            FigureRow([self.throughput_figure, self.gap_figure]),
            self.statement,
            self.memory_figure,
        ]
        self._start(kwargs)

    # What a setting means

    @property
    def widths(self) -> list[int]:
        return [self.split[0].shape[1], *[self.units] * self.n_layers, 1]

    def rate_for(self, batch_size: int) -> float:
        """The learning rate a run at ``batch_size`` uses (scaled if the toggle is on)."""
        if self.scale_lr:
            return shapes.scaled_learning_rate(self.learning_rate, batch_size, REFERENCE_BATCH)
        return shapes.check_learning_rate(self.learning_rate)

    def _flavour_clicked(self, change):
        if self._syncing or change["new"] is None:
            return
        if change["new"].startswith("SGD"):
            self.batch_size = 1
        elif change["new"].startswith("full"):
            self.batch_size = self.n_train
        elif self.batch_size in (1, self.n_train):
            self.batch_size = REFERENCE_BATCH

    _syncing = False

    def _update(self):
        flavour = shapes.descent_flavour(self.batch_size, self.n_train)
        self._syncing = True
        try:
            self.flavour.value = {
                "stochastic (SGD)": self.flavour.options[0],
                "mini-batch": self.flavour.options[1],
                "full-batch": self.flavour.options[2],
            }[flavour]
        finally:
            self._syncing = False
        rate = self.rate_for(self.batch_size)
        iterations = shapes.iterations_per_epoch(self.n_train, self.batch_size)
        self.summary.value = (
            f"{self.n_train} training rows in batches of <b>{self.batch_size}</b> ({flavour} gradient descent): "
            f"<b>{iterations}</b> weight update{'s' if iterations != 1 else ''} per epoch, "
            f"<b>{iterations * self.epochs}</b> in {self.epochs} epochs, each a step of learning rate <b>{rate:g}</b>."
        )
        sizes = sorted({1, 8, 64, self.n_train, self.batch_size})
        self.draw(self.memory_figure, figures.memory_plot, self.widths, sizes)
        curves = [
            self.results[key] for key in self._curve_keys(self.compare_sizes(), seeds=(0,)) if key in self.results
        ]
        self._show_curves(curves)

    def _show_curves(self, curves) -> None:
        """Draw ``curves`` (finished runs) unless the figure shows these very runs already: a
        move of the batch slider mostly leaves the set of finished runs as it was, and building
        this figure is most of such a move's time (about 45 ms)."""
        if not curves or (
            len(curves) == len(self._curves_shown) and all(a is b for a, b in zip(curves, self._curves_shown))
        ):
            return
        refresh_figure(self.figure, figures.training_curves(curves))
        self._curves_shown = list(curves)

    # Runs

    def compare_sizes(self) -> list[int]:
        return sorted({*[b for b in self.COMPARE if b <= self.n_train], self.batch_size, self.n_train})

    def _curve_key(self, batch_size: int, seed: int):
        return ("curve", batch_size, self.rate_for(batch_size), self.epochs, seed)

    def _curve_keys(self, sizes, seeds):
        return [self._curve_key(b, s) for b in sizes for s in seeds]

    def _curves(self, sizes, seeds, tick):
        """Finished runs for every (size, seed), training those not yet in the cache."""
        curves = []
        for batch_size in sizes:
            for seed in seeds:
                key = self._curve_key(batch_size, seed)
                if key not in self.results:
                    if self._stop:
                        return curves
                    curve = generalisation.train_curve(
                        self.split,
                        batch_size,
                        key[2],
                        self.epochs,
                        seed,
                        self.units,
                        self.n_layers,
                        time_cap=self.time_cap,
                        should_stop=lambda: self._stop,
                        on_epoch=lambda _e: tick(),
                        keep_model=True,
                    )
                    self.model = curve.model
                    curve.model = None
                    if curve.stopped:
                        self._note_stop(curve)
                        curves.append(curve)
                        continue
                    self.results[key] = curve
                else:
                    for _ in range(self.epochs):
                        tick()
                curves.append(self.results[key])
        return curves

    def _note_stop(self, curve):
        why = "you stopped it" if curve.stopped == "stopped" else f"it reached the {self.time_cap:g} s time cap"
        self.stop_note = f"The run at batch {curve.batch_size} ended after {curve.epochs_done} epoch(s) because {why}; what it did is shown, and it will be run again next time."

    def compare(self, batch_sizes=None, background: bool = False):
        """Train one run per batch size (seed 0) and draw the loss against epochs, updates and
        seconds. Returns the curves (``None`` when started in the background)."""
        sizes = sorted(set(batch_sizes or self.compare_sizes()))

        def job(tick):
            curves = self._curves(sizes, (0,), tick)
            self._show_curves(curves)
            return curves

        return self._run("comparing batch sizes", len(sizes) * self.epochs, job, background)

    def throughput(self, batch_sizes=BATCH_SIZES, background: bool = False):
        """Time single training steps at each batch size on this machine, on a network wide enough
        for its arithmetic to dominate (``course.experiments.throughput``); draw rows per second with the
        band over rounds. Returns the timings."""
        sizes = tuple(sorted(set(batch_sizes)))

        def job(tick):
            key = ("throughput", sizes)
            if key not in self.results:
                self.results[key] = time_training_steps(sizes)
            tick()
            rows = self.results[key]
            refresh_figure(self.throughput_figure, figures.throughput_plot(rows))
            return rows

        return self._run("timing training steps", 1, job, background)

    def generalisation(self, small: int = 8, large: int | None = None, background: bool = False):
        """Train ``n_seeds`` runs at a small and a large batch size and compare their final
        generalisation gaps. Returns the two summaries and the plain statement."""
        large = large or self.n_train
        seeds = tuple(range(self.n_seeds))

        def job(tick):
            curves = [c for c in self._curves((small, large), seeds, tick) if not c.stopped]
            summaries = generalisation.gap_summaries(curves)
            if summaries:
                refresh_figure(self.gap_figure, figures.gap_plot(summaries))
            if len(summaries) == 2:
                self.statement.value = f"<p>{generalisation.gap_statement(*summaries)}</p>"
            return summaries, self.statement.value

        return self._run("comparing the gap over seeds", 2 * len(seeds) * self.epochs, job, background)

    def _run(self, what: str, steps: int, job, background: bool):
        if self.busy:
            show_message(self.message, "A run is still going: wait for it, or press Stop first.", "info")
            return None
        try:
            self.rate_for(self.batch_size)
        except ValueError as exc:
            show_message(self.message, str(exc), "problem")
            return None
        self.busy, self._stop, self.stop_note = True, False, ""
        self.progress.max, self.progress.value = max(steps, 1), 0
        self.progress.layout.visibility = "visible"
        self.stop_button.disabled = False
        for button in self.buttons.values():
            button.disabled = True
        self.status.value = f"{what}…"
        started = time.perf_counter()

        def tick():
            self.progress.value = min(self.progress.value + 1, self.progress.max)

        def work():
            result = None
            try:
                result = job(tick)
                seconds = time.perf_counter() - started
                self.status.value = (
                    f"{what}: done in {seconds:.1f} s." if not self._stop else f"{what}: stopped after {seconds:.1f} s."
                )
                show_message(self.message, self.stop_note, "info")
            except Exception as exc:  # noqa: BLE001 - explained in the widget
                self.status.value = ""
                show_message(self.message, f"The run did not finish: {exc}", "problem")
            finally:
                self.busy = False
                self.stop_button.disabled = True
                self.progress.layout.visibility = "hidden"
                for button in self.buttons.values():
                    button.disabled = False
            return result

        if background:
            self._thread = threading.Thread(target=work, daemon=True)
            self._thread.start()
            return None
        return work()

    def stop(self):
        """Ask the running job to stop after the current batch."""
        self._stop = True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background run to finish; True if none is running any more."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.busy

    def code(self) -> str:
        """Keras 3 code for one run at the current settings."""
        spec = models.ModelSpec(features=self.widths[0], units=self.units, n_layers=self.n_layers)
        return models.to_code(spec) + models.fit_code(
            self.rate_for(self.batch_size),
            "keras.losses.BinaryCrossentropy(from_logits=True)",
            "x_train, y_train",
            self.batch_size,
            self.epochs,
            f"x_train has shape ({self.n_train}, {self.widths[0]}); one update per batch of {self.batch_size} rows",
            validation_data="(x_val, y_val)",
        )
