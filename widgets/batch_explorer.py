"""BatchExplorer: rows, batches, iterations and epochs, with a real training run."""

from __future__ import annotations

import ipywidgets as W
import traitlets

from course import data, figures, models, shapes, training
from widgets._base import CourseWidget, show_message
from widgets._figure import CourseFigure, refresh_figure


class BatchExplorer(CourseWidget):
    """Choose the number of rows, the batch size, shuffling and epochs: see which rows form each
    batch and how many iterations an epoch has, then train a small Keras model and watch the loss
    of every batch it really ran (counted by a callback).
    """

    n_samples = traitlets.Int(50, help="rows in the table")
    batch_size = traitlets.Int(5, help="rows per batch: one weight update each")
    shuffle = traitlets.Bool(False, help="a new row order at every epoch, as fit(shuffle=True) does")
    epochs = traitlets.Int(2, help="passes over the whole table")
    seed = traitlets.Int(0, help="fixes the table, the shuffles and the starting weights")
    features = traitlets.Int(3, help="columns of inputs in the table")

    LIMITS = {"n_samples": (1, 200), "batch_size": (1, 200), "epochs": (1, 5), "features": (1, 16)}
    WATCHED = ("n_samples", "batch_size", "shuffle", "epochs", "seed", "features")

    def __init__(self, learning_rate: float = 0.05, **kwargs):
        super().__init__()
        self.learning_rate = learning_rate
        self.controls = {
            "n_samples": self.slider("n_samples", "rows"),
            "batch_size": self.slider("batch_size", "batch size"),
            "epochs": self.slider("epochs", "epochs"),
        }
        self.controls["shuffle"] = self.checkbox("shuffle", "shuffle each epoch")
        self.train_button = W.Button(
            description="Train", icon="play", button_style="primary", tooltip="train a small model on these batches"
        )
        self.train_button.on_click(lambda _button: self.train())
        self.summary = W.HTML()
        self.loss_figure = CourseFigure()
        self.train_status = W.HTML()
        self.run = None
        self.children = [
            W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
            self.message,
            self.summary,
            self.figure,
            W.HBox([self.train_button, self.train_status]),
            self.loss_figure,
        ]
        self._start(kwargs)

    @property
    def iterations(self) -> int:
        return shapes.iterations_per_epoch(self.n_samples, self.batch_size)

    def order(self):
        return data.epoch_order(self.n_samples, self.epochs, self.shuffle, self.seed)

    def _update(self):
        refresh_figure(self.figure, figures.epoch_timeline(self.order(), self.batch_size))
        last = shapes.last_batch_size(self.n_samples, self.batch_size)
        words = [
            f"<b>{self.n_samples}</b> rows in batches of <b>{self.batch_size}</b>: "
            f"<b>{self.iterations}</b> iteration{'s' if self.iterations != 1 else ''} (weight updates) per epoch, "
            f"<b>{self.iterations * self.epochs}</b> over {self.epochs} epoch{'s' if self.epochs != 1 else ''}."
        ]
        if self.batch_size >= self.n_samples:
            words.append("The batch is the whole table: one update per epoch (full-batch gradient descent).")
        elif last != self.batch_size:
            words.append(f"The last batch holds only the {last} row{'s' if last != 1 else ''} left over.")
        self.summary.value = " ".join(words)
        if self.run is not None and not self._run_matches():
            self.train_status.value = "<i>The settings changed: press Train to train on these batches.</i>"

    def _run_matches(self) -> bool:
        return self.run is not None and self.run.settings == self._settings()

    def _settings(self):
        return (self.n_samples, self.batch_size, self.shuffle, self.epochs, self.seed, self.features)

    def train(self):
        """Train a fresh small model on the current batches, record every batch, and plot each
        batch's loss. Returns the :class:`course.training.EpochRun`."""
        if self._run_matches():
            return self.run
        show_message(self.message, "")
        self.train_status.value = "training…"
        try:
            X, y = data.example_table(self.n_samples, self.features, self.seed)
            run = training.run_epochs(X, y, self.batch_size, self.epochs, self.shuffle, self.seed, self.learning_rate)
        except Exception as exc:  # noqa: BLE001 - explained in the widget
            self.train_status.value = ""
            show_message(self.message, f"Training did not run: {exc}", "problem")
            return None
        run.settings = self._settings()
        self.run, self.model = run, run.model
        refresh_figure(self.loss_figure, figures.batch_loss_plot(run.losses))
        self.train_status.value = (
            f"Keras ran <b>{run.batches_run[0]}</b> batches in each epoch (counted by a callback); "
            f"the optimizer made <b>{run.updates}</b> weight updates in all."
        )
        return run

    def code(self) -> str:
        """Keras 3 code that trains the same way."""
        spec = models.ModelSpec(features=self.features, units=training.DEFAULT_UNITS)
        return (
            models.to_code(spec)
            + models.fit_code(
                self.learning_rate,
                "'mse'",
                "x, y",
                self.batch_size,
                self.epochs,
                f"x has shape ({self.n_samples}, {self.features}), y has shape ({self.n_samples}, 1)",
                shuffle=self.shuffle,
            )
            + f"# {self.iterations} iterations per epoch, {self.iterations * self.epochs} weight updates\n"
        )
