"""``GALLERY``: the classic broken set-ups, as code that ``reproduce`` runs for the real error,
each next to the same set-up written the Keras 3 way."""

from __future__ import annotations

from dataclasses import dataclass

from course._keras import keras as _keras


@dataclass(frozen=True)
class BrokenSetup:
    """A classic broken set-up: ``code`` (run with ``np`` and ``keras`` in scope) raises the real
    error; ``fixed`` is the same set-up done the Keras 3 way, which runs; ``data_shape`` is the
    array the doctor can check against the broken model, where the data is the problem, and
    ``target_shape`` the targets, where they are."""

    title: str
    story: str
    code: str
    fixed: str
    data_shape: tuple | None = None
    target_shape: tuple | None = None


GALLERY: tuple[BrokenSetup, ...] = (
    BrokenSetup(
        "2-D data into an LSTM",
        "Rows of 10 readings, and an LSTM built on the data's own shape.",
        "x = np.zeros((64, 10), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n",
        "x = np.zeros((64, 10), 'float32')\n"
        "x = np.expand_dims(x, -1)  # (64, 10, 1): 10 steps of 1 feature\n"
        "model = keras.Sequential([keras.Input(shape=(10, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        (64, 10),
    ),
    BrokenSetup(
        "Features mismatch",
        "A model built for 3 features, handed a table with 4 columns.",
        "x = np.zeros((64, 4), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        "x = np.zeros((64, 4), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        (64, 4),
    ),
    BrokenSetup(
        "Timesteps and features swapped",
        "Sequences of 10 steps of 2 sensors, stored sensor by sensor: 2 rows of 10 values per sample.",
        "x = np.zeros((64, 2, 10), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(10, 2)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        "x = np.zeros((64, 2, 10), 'float32')\n"
        "x = np.transpose(x, (0, 2, 1))  # (64, 10, 2); a reshape would mix the two sensors' values\n"
        "model = keras.Sequential([keras.Input(shape=(10, 2)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        (64, 2, 10),
    ),
    BrokenSetup(
        "The removed batch_input_shape",
        "A stateful LSTM written the Keras 2 way.",
        "model = keras.Sequential([keras.layers.LSTM(8, stateful=True, batch_input_shape=(4, 10, 1)), keras.layers.Dense(1)])\n",
        "model = keras.Sequential([keras.Input(batch_shape=(4, 10, 1)), keras.layers.LSTM(8, stateful=True), keras.layers.Dense(1)])\n",
    ),
    BrokenSetup(
        "A stateful batch size that does not divide",
        "A stateful LSTM with batches of 4, trained on 10 sequences.",
        "x = np.zeros((10, 5, 1), 'float32')\n"
        "y = np.zeros((10, 1), 'float32')\n"
        "model = keras.Sequential([keras.Input(batch_shape=(4, 5, 1)), keras.layers.LSTM(8, stateful=True), keras.layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)\n",
        "x = np.zeros((10, 5, 1), 'float32')\n"
        "y = np.zeros((10, 1), 'float32')\n"
        "x, y = x[:8], y[:8]  # whole batches of 4 only\n"
        "model = keras.Sequential([keras.Input(batch_shape=(4, 5, 1)), keras.layers.LSTM(8, stateful=True), keras.layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)\n",
        (10, 5, 1),
    ),
    BrokenSetup(
        "A target of the wrong shape",
        "Three classes as numbers 0, 1, 2, trained with the loss for one-hot targets.",
        "x = np.zeros((64, 4), 'float32')\n"
        "y = np.arange(64) % 3\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
        "model.fit(x, y, epochs=1, verbose=0)\n",
        "x = np.zeros((64, 4), 'float32')\n"
        "y = np.arange(64) % 3\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')  # class numbers as targets\n"
        "model.fit(x, y, epochs=1, verbose=0)\n",
    ),
    BrokenSetup(
        "One sample without its batch axis",
        "A model for 28 x 28 images, asked about one image.",
        "image = np.zeros((28, 28), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])\n"
        "model.predict(image, verbose=0)\n",
        "image = np.zeros((28, 28), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])\n"
        "model.predict(image[None], verbose=0)  # a batch of one image: (1, 28, 28)\n",
        (28, 28),
    ),
    BrokenSetup(
        "The number of rows in the Input shape",
        "The data's whole shape, rows included, passed as the Input shape.",
        "x = np.zeros((6, 30), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(1, 6, 30)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n",
        "x = np.zeros((1, 6, 30), 'float32')  # one sequence of 6 steps of 30 features\n"
        "model = keras.Sequential([keras.Input(shape=(6, 30)), keras.layers.LSTM(8), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
    ),
    BrokenSetup(
        "Per-step outputs against one label per sequence",
        "An LSTM that returns every step, a Dense head, and one class label per sequence: Keras refuses it with a sparse loss "
        "and, with mse, even trains on it by broadcasting.",
        "x = np.zeros((32, 5, 2), 'float32')\n"
        "y = np.zeros((32,), 'int32')\n"
        "model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(8, return_sequences=True), keras.layers.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
        "model.fit(x, y, epochs=1, verbose=0)\n",
        "x = np.zeros((32, 5, 2), 'float32')\n"
        "y = np.zeros((32,), 'int32')\n"
        "model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(8), keras.layers.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
        "model.fit(x, y, epochs=1, verbose=0)\n",
        (32, 5, 2),
        (32,),
    ),
    BrokenSetup(
        "Images with the channels first",
        "Grey images stored as (1, 31, 31), channels first, and a convolution that reads channels last.",
        "model = keras.Sequential([keras.Input(shape=(1, 31, 31)), keras.layers.Conv2D(16, 7), keras.layers.Flatten(), keras.layers.Dense(1)])\n",
        "x = np.zeros((8, 1, 31, 31), 'float32')\n"
        "x = np.transpose(x, (0, 2, 3, 1))  # (8, 31, 31, 1): channels last, as Keras reads them\n"
        "model = keras.Sequential([keras.Input(shape=(31, 31, 1)), keras.layers.Conv2D(16, 7), keras.layers.Flatten(), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
    ),
    BrokenSetup(
        "Token ids beyond the Embedding",
        "Word ids up to 120 fed to an Embedding built for a vocabulary of 100.",
        "x = np.full((8, 10), 120)\n"
        "model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Embedding(100, 4), keras.layers.LSTM(3), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
        "x = np.full((8, 10), 120)\n"
        "model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Embedding(int(x.max()) + 1, 4), keras.layers.LSTM(3), keras.layers.Dense(1)])\n"
        "model.predict(x, verbose=0)\n",
    ),
    BrokenSetup(
        "The re-run trap",
        "A model first run on (32, 10), which Keras reads as (32, 10, 1), then on the explicit (32, 10, 1).",
        "model = keras.Sequential([keras.Input(shape=(10, 1)), keras.layers.LSTM(4), keras.layers.Dense(1)])\n"
        "model.predict(np.zeros((32, 10), 'float32'), verbose=0)\n"
        "model.predict(np.zeros((32, 10, 1), 'float32'), verbose=0)\n",
        "model = keras.Sequential([keras.Input(shape=(10, 1)), keras.layers.LSTM(4), keras.layers.Dense(1)])\n"
        "model.predict(np.zeros((32, 10), 'float32'), verbose=0)\n"
        "model.make_predict_function(force=True)  # forget the earlier run's shape\n"
        "model.predict(np.zeros((32, 10, 1), 'float32'), verbose=0)\n",
    ),
    BrokenSetup(
        "TimeseriesGenerator",
        "Windowing a series the way Keras 2 tutorials do.",
        "from keras.preprocessing.sequence import TimeseriesGenerator\n",
        "series = np.arange(100, dtype='float32').reshape(-1, 1)\n"
        "dataset = keras.utils.timeseries_dataset_from_array(series[:-5], series[5:], sequence_length=5, batch_size=32)\n"
        "x, y = next(iter(dataset))  # x: (32, 5, 1), y: (32, 1)\n",
    ),
)


def reproduce(setup: BrokenSetup):
    """Run a gallery set-up for real; return ``(model or None, exception or None)``."""
    import numpy as np

    namespace = {"np": np, "keras": _keras()}
    try:
        exec(setup.code, namespace)  # noqa: S102 - the gallery's own code, never user input
    except Exception as exc:  # noqa: BLE001 - the error is the point
        return namespace.get("model"), exc
    return namespace.get("model"), None
