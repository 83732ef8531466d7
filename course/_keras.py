"""The one place the course imports Keras, lazily, with TensorFlow's start-up chatter silenced."""

from __future__ import annotations

import os

from course._memory import freeze_imports

_QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def keras():
    """Return the ``keras`` module (tf.keras, Keras 3), importing TensorFlow on first use."""
    for name, value in _QUIET.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras as _keras

    freeze_imports("keras")  # TensorFlow's objects live as long as the kernel: out of the collector's way
    return _keras


RELEASE_EVERY = 32
_builds = 0


def model_built() -> None:
    """Count a model build and release TensorFlow's cached kernels every ``RELEASE_EVERY`` builds.

    Clearing after every build would keep memory flattest but makes the next build re-create
    its kernels (about 10 ms more per build); every 32 builds keeps both flat.
    """
    global _builds
    _builds += 1
    if _builds % RELEASE_EVERY == 0:
        release_cached_kernels()


def release_cached_kernels() -> None:
    """Drop the kernels TensorFlow caches for every new variable shape.

    Eager TensorFlow keeps one compiled kernel per distinct variable shape it has created, for
    the life of the process: a widget that rebuilds models of ever new sizes grows by about
    55 kB per shape (over 100 MB in 2,000 rebuilds). Clearing that cache keeps the kernel flat
    and costs well under a millisecond. Built models are unaffected.
    """
    try:
        from tensorflow.python.eager import context
    except ImportError:  # another backend: nothing cached here
        return
    context.context().clear_kernel_cache()
