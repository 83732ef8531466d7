"""Shared test set-up: TensorFlow is silenced before anything imports it, and imported at most
once per test process (by the first test that needs it); the browser tiers share one fixture
for Chromium."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def keras():
    from course._keras import keras as _keras

    return _keras()


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for a browser-tier module: ``COURSE_SKIP_BROWSER=1`` skips, a missing
    Chromium fails (never a silent skip)."""
    from browser_support import ChromiumUnavailable, browser_opted_out, chromium

    if browser_opted_out():
        pytest.skip("COURSE_SKIP_BROWSER=1")
    try:
        with chromium() as chromium_browser:
            yield chromium_browser
    except ChromiumUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
