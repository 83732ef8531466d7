"""Lesson 09's exercises: translate a Keras 2 model into Keras 3, and build a Keras 3 model for
windows of the bundled CO2 series.

The translation is graded on the function that builds it: the check calls it while recording
what Keras warns (``migration.watch``), so "no warning" is said only where it was looked for. A
model handed over already built is graded on its layers, and the verdict says that the warnings
could not be watched.
"""

from __future__ import annotations

import numpy as np

from course import data, shapes
from course.experiments import migration
from course.lessons.exercises import PLACEHOLDER_HINT, Result, is_placeholder, layer_input_argument
from course.lessons.exercises.guard import never_raises, unbuilt_answer

__all__ = [
    "KERAS2_MODEL",
    "check_translation",
    "CO2_WINDOW",
    "CO2_BATCH_SIZE",
    "check_co2_model",
]

KERAS2_MODEL = (
    "model = Sequential()\n"
    "model.add(LSTM(16, input_shape=(24, 4), return_sequences=True))\n"
    "model.add(GRU(8))\n"
    "model.add(Dense(1))\n"
)
TIMESTEPS, FEATURES = 24, 4
KINDS, UNITS = ("LSTM", "GRU", "Dense"), (16, 8, 1)
FIRST_LINE = f"keras.Input(shape=({TIMESTEPS}, {FEATURES}))"

CO2_WINDOW, CO2_BATCH_SIZE = 52, 64  # a year of weekly readings, next week's reading as target


def _kind(layer) -> str:
    """A layer's kind, a generic ``RNN`` wrapping an ``LSTMCell`` read as the ``LSTM`` it is."""
    kind = type(layer).__name__
    cell = getattr(layer, "cell", None)
    if kind == "RNN" and cell is not None:
        return type(cell).__name__.removesuffix("Cell")
    return kind


def _layers(model) -> list:
    """The model's computing layers: a functional model lists its ``InputLayer``, a Sequential
    model does not; neither is a layer of the translation."""
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def _one(shape):
    """A model's input or output shape; a one-input model written with lists gives ``[shape]``."""
    if isinstance(shape, list) and len(shape) == 1:
        shape = shape[0]
    return tuple(shape)


def _keras2_spelling(model) -> Result | None:
    argument = layer_input_argument(model)
    if argument is None:
        return None
    return Result(
        False,
        f"A layer still gets input_shape={argument}: that is the Keras 2 spelling, and Keras 3 warns about it. "
        f"Start the model with keras.Input(shape={argument}) and leave the argument off the layer.",
    )


def _not_a_keras3_model(model, first_line: str) -> Result | None:
    """Why ``model`` is not yet a built Keras 3 model (not built, or a layer given its input shape
    the Keras 2 way), or None."""
    unbuilt = unbuilt_answer(model, first_line)
    return unbuilt if unbuilt is not None else _keras2_spelling(model)


def _translation_problem(model) -> Result | None:
    """What differs between the learner's model and :data:`KERAS2_MODEL`, or None."""
    refused = _not_a_keras3_model(model, FIRST_LINE)
    if refused is not None:
        return refused
    input_shape = _one(model.input_shape)
    if input_shape[1:] != (TIMESTEPS, FEATURES):
        return Result(
            False,
            f"The model reads {input_shape}; input_shape=({TIMESTEPS}, {FEATURES}) becomes {FIRST_LINE}, "
            f"which reads (None, {TIMESTEPS}, {FEATURES}).",
        )
    if input_shape[0] is not None:
        return Result(
            False,
            f"The model reads batches of exactly {input_shape[0]} ({input_shape}); the Keras 2 model takes batches of "
            f"any size. Leave the batch size out: {FIRST_LINE} (or batch_shape=(None, {TIMESTEPS}, {FEATURES})).",
        )
    layers = _layers(model)
    kinds = [_kind(layer) for layer in layers]
    if kinds != list(KINDS):
        return Result(
            False, f"The layers are {kinds}; the Keras 2 model has an LSTM, a GRU and a Dense layer, in that order."
        )
    units = tuple(
        getattr(layer, "units", None) or getattr(getattr(layer, "cell", None), "units", None) for layer in layers
    )
    if units != UNITS:
        return Result(
            False, f"The layers have {units[0]}, {units[1]} and {units[2]} units; the original has 16, 8 and 1."
        )
    if not layers[0].return_sequences:
        return Result(False, "The LSTM must keep return_sequences=True: the GRU after it reads a whole sequence.")
    output_shape = _one(model.output_shape)
    if output_shape != (None, 1):
        return Result(
            False,
            f"The model gives {output_shape} per batch; the original gives one number per sample, (None, 1): "
            "leave return_sequences off the GRU.",
        )
    expected = shapes.lstm_params(FEATURES, 16) + shapes.gru_params(16, 8) + shapes.dense_params(8, 1)
    if model.count_params() != expected:
        return Result(False, f"Keras counts {model.count_params():,} parameters, not {expected:,}.")
    return None


def _built_by(build) -> tuple[object, Result | None, tuple[str, ...]]:
    """Call the learner's function while recording Keras's warnings: (the model, a "not yet" if
    building failed or warned of a Keras 2 spelling, every warning Keras gave)."""
    built = migration.watch(build)
    if built.error is not None:
        from course.diagnose import explain_error

        return (
            None,
            Result(
                False,
                f"Building your model raised {type(built.error).__name__}: {explain_error(built.error)}",
            ),
            built.warnings,
        )
    habits = migration.keras2_warnings(built.warnings)
    if habits:
        return (
            built.value,
            Result(
                False,
                f"Keras warned while building it: «{habits[0].strip()}» That is a Keras 2 spelling. "
                f"Start the model with {FIRST_LINE} and give the layers no input_shape= or input_dim=.",
            ),
            built.warnings,
        )
    return built.value, None, built.warnings


@never_raises
def check_translation(answer) -> Result:
    """Grade the learner's Keras 3 version of :data:`KERAS2_MODEL`: ``answer`` is the function
    that builds it (called here, while Keras's warnings are recorded) or a model already built.

    Every correct Keras 3 spelling passes (Sequential with ``keras.Input``, ``.add`` or
    ``build``, the functional API, ``batch_shape=(None, ...)``); every spelling that keeps a
    Keras 2 habit (``input_shape=`` or ``input_dim=`` on a layer, ``InputLayer(input_shape=)``,
    ``batch_input_shape=``) gets a "not yet" that names it."""
    if is_placeholder(answer):
        return Result(False, PLACEHOLDER_HINT)
    watched = callable(answer) and not hasattr(answer, "layers")
    warned: tuple[str, ...] = ()
    model = answer
    if watched:
        model, refused, warned = _built_by(answer)
        if refused is not None:
            return refused
        if is_placeholder(model):
            return Result(False, PLACEHOLDER_HINT)
    problem = _translation_problem(model)
    if problem is not None:
        return problem
    count = f"{model.count_params():,} parameters by Keras's count"
    if not watched:
        return Result(
            True,
            f"Right: the same model in Keras 3, {count}. It was built before the check saw it, so whether Keras "
            "warned was not checked: pass the function that builds it, and the check watches the build too.",
        )
    if warned:
        return Result(
            True, f"Right: the same model in Keras 3, {count}. Keras did warn while building it: «{warned[0]}»"
        )
    return Result(True, f"Right: the same model in Keras 3, {count}, and Keras gave no warning while building it.")


# The CO2 exercise


def _co2():
    from course.datasets import mauna_loa

    return mauna_loa.load().co2


def _sorted_rows(rows: np.ndarray) -> np.ndarray:
    """The rows in lexical order: a shuffled dataset holds the same windows in another order."""
    return rows[np.lexsort(rows.T[::-1])]


def _unscaled(X: np.ndarray, y: np.ndarray, want: np.ndarray):
    """``X`` and ``y`` brought back to the raw readings where the learner scaled the whole series
    (``(co2 - mean) / std``, say): the line that takes the smallest and largest first steps of the
    learner's windows to the raw ones, applied to both. Unchanged where the windows hold one value."""
    first, raw = X[:, 0, 0].astype("float64"), want[:, 0, 0].astype("float64")
    if np.ptp(first) == 0:
        return X, y
    scale = np.ptp(raw) / np.ptp(first)
    shift = raw.min() - scale * first.min()
    return (X * scale + shift).astype("float32"), (y * scale + shift).astype("float32")


def _windows_problem(dataset, series) -> tuple[Result | None, list]:
    """Whether the learner's dataset holds the task's windows of ``series``: (a "not yet" or
    None, the batches)."""
    if is_placeholder(dataset):
        return Result(False, PLACEHOLDER_HINT), []
    if not hasattr(dataset, "__iter__") or isinstance(dataset, (str, bytes, dict, np.ndarray)):
        return (
            Result(
                False,
                f"The windows are a {type(dataset).__name__}. Make them with keras.utils.timeseries_dataset_from_array(...), "
                "which returns a dataset of (windows, targets) batches.",
            ),
            [],
        )
    batches = list(dataset)
    if not batches or not all(isinstance(batch, tuple) and len(batch) == 2 for batch in batches):
        return Result(
            False, "Each batch should be a pair (windows, targets): pass the targets as the second argument."
        ), []
    X = np.concatenate([np.asarray(x) for x, _ in batches])
    y = np.concatenate([np.asarray(t) for _, t in batches]).reshape(len(X), -1)
    want_X, want_y = data.make_windows(series, CO2_WINDOW)
    if X.ndim == 2:
        return (
            Result(
                False,
                f"Your windows have shape {X.shape}, with no feature axis. Make the series a column first, "
                "co2.reshape(-1, 1), so the windows come out as (windows, timesteps, features).",
            ),
            batches,
        )
    if X.ndim != 3 or X.shape[2] != 1:
        return Result(
            False, f"Your windows have shape {X.shape}; one reading a week gives (windows, timesteps, 1)."
        ), batches
    if X.shape[1] != CO2_WINDOW:
        return (
            Result(
                False, f"Your windows hold {X.shape[1]} weeks; the task asks for a year, sequence_length={CO2_WINDOW}."
            ),
            batches,
        )
    if len(X) != len(want_X):
        return (
            Result(
                False,
                f"You made {len(X):,} windows; {len(series):,} weeks with windows of {CO2_WINDOW} and next week as "
                f"the target give {len(want_X):,}. Pass co2[:-1] as the inputs (the last week is only ever a target) "
                f"and co2[{CO2_WINDOW}:] as the targets (target i is the week right after window i).",
            ),
            batches,
        )
    X, y = _unscaled(X, y, want_X)
    if y.shape[1] != 1:
        return Result(False, f"Each target holds {y.shape[1]} values; next week's reading is one."), batches
    close = dict(rtol=1e-4, atol=1e-3)
    if not np.allclose(_sorted_rows(X[:, :, 0]), _sorted_rows(want_X[:, :, 0]), **close):
        return Result(False, "The windows are not the consecutive runs of 52 weeks of the CO2 series."), batches
    if np.allclose(_sorted_rows(np.c_[X[:, :, 0], y]), _sorted_rows(np.c_[want_X[:, :, 0], want_X[:, -1, 0]]), **close):
        return (
            Result(
                False,
                "Each target is the last week of its own window (horizon 0): shift the targets by the window, "
                f"co2[{CO2_WINDOW}:], so target i is the week right after window i.",
            ),
            batches,
        )
    if not np.allclose(_sorted_rows(np.c_[X[:, :, 0], y]), _sorted_rows(np.c_[want_X[:, :, 0], want_y]), **close):
        return Result(
            False, "The windows are right, but their targets are not the week right after each window."
        ), batches
    if len(batches[0][0]) != CO2_BATCH_SIZE:
        sizes = [len(x) for x, _ in batches]
        return Result(
            False, f"Your batches hold {sizes[:3]}...; the task asks for batch_size={CO2_BATCH_SIZE}."
        ), batches
    return None, batches


@never_raises
def check_co2_model(windows, model) -> Result:
    """Grade the learner's windows of the CO2 series (a year of weeks, next week as the target,
    batches of 64, made with ``keras.utils.timeseries_dataset_from_array``) and a Keras 3 model
    whose input matches them: the windows against the course's, which tests check against
    Keras's, and the model by running it on one batch."""
    series = _co2()
    problem, batches = _windows_problem(windows, series)
    if problem is not None:
        return problem
    x_batch, y_batch = (np.asarray(part) for part in batches[0])
    window_shape = tuple(x_batch.shape[1:])
    first_line = f"keras.Input(shape={window_shape})"
    if is_placeholder(model):
        return Result(False, "The windows are right. " + PLACEHOLDER_HINT)
    refused = _not_a_keras3_model(model, first_line)
    if refused is not None:
        return refused
    input_shape = _one(model.input_shape)
    if input_shape[1:] != window_shape or input_shape[0] not in (None, len(x_batch)):
        return Result(
            False,
            f"The windows come in batches of {x_batch.shape}, but the model reads {input_shape}: start it with "
            f"{first_line}, a window of {window_shape[0]} weeks with {window_shape[1]} reading each.",
        )
    forecasts = np.asarray(model(x_batch, training=False))
    targets = y_batch.reshape(len(y_batch), -1)
    if forecasts.shape != targets.shape:
        where = (
            " The last recurrent layer returns every step: leave return_sequences off it."
            if forecasts.ndim == 3
            else " End the model with keras.layers.Dense(1)."
        )
        return Result(
            False,
            f"One batch of windows {x_batch.shape} gives forecasts of shape {forecasts.shape}, but its targets "
            f"are {targets.shape}: one forecast per window.{where}",
        )
    n_windows = sum(len(x) for x, _ in batches)
    return Result(
        True,
        f"Right: {n_windows:,} windows of {window_shape} in {len(batches)} batches; your model reads "
        f"{input_shape} and Keras turned one batch {x_batch.shape} into forecasts {forecasts.shape}, "
        f"with {model.count_params():,} parameters by its count.",
    )
