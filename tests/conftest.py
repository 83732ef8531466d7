"""Shared test set-up: TensorFlow is silenced before anything imports it, and imported at most
once per test process (by the first test that needs it)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def keras():
    from course._keras import keras as _keras

    return _keras()
