"""Shared test set-up: TensorFlow is silenced before anything imports it, and imported at most
once per test process (by the first test that needs it); the browser tiers share one fixture
for Chromium; and every test belongs to exactly one tier.

The tiers are pytest markers (``pyproject.toml`` describes them), one per test module
(``pytestmark``); a lesson's cells are the notebooks tier. ``make test-pure``, ``make test-fast``
and ``make test`` select by them, so a test without a tier, or with two, stops the collection."""

import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

#: Under pytest-xdist each worker (and each lesson kernel it starts, which inherits its environment)
#: gets one core's worth of threads: two workers each sizing TensorFlow's and the BLAS pools to both
#: cores left four or more busy threads fighting over two cores.
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
        os.environ.setdefault(_name, "1")
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "2")

import pytest  # noqa: E402

#: Each test's tier, from what it needs: nothing beyond numpy, plotly and Jupyter (pure);
#: TensorFlow (keras); ipywidgets too (widgets); a kernel running a lesson (notebooks); Chromium
#: (browser); the package index or repo2docker (platforms); the compatibility environments (compat).
TIERS = ("pure", "keras", "widgets", "notebooks", "browser", "platforms", "compat")

#: A test module's tier, as its ``pytestmark`` line names it (alone or first in a list).
TIER_LINE = re.compile(r"^pytestmark = \[?\s*pytest\.mark\.(\w+)", re.M)


def pytest_ignore_collect(collection_path, config):
    """With ``-m``, a test module whose tier the expression leaves out is not even imported: so the
    pure tier collects where TensorFlow and ipywidgets are not installed, and in a second."""
    expression = config.option.markexpr
    if not expression or not (collection_path.name.startswith("test_") and collection_path.suffix == ".py"):
        return None
    found = TIER_LINE.search(collection_path.read_text(encoding="utf-8"))
    if found is None or found[1] not in TIERS:
        return None  # collected, and refused below if it has no tier
    from _pytest.mark.expression import Expression

    return None if Expression.compile(expression).evaluate(lambda name, **_: name == found[1]) else True


def pytest_collection_modifyitems(config, items):
    """Mark a lesson's cells as the notebooks tier, then refuse a test with no tier or more than one."""
    wrong = []
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)
        tiers = sorted({mark.name for mark in item.iter_markers() if mark.name in TIERS})
        if len(tiers) != 1:
            wrong.append(f"{item.nodeid}: {', '.join(tiers) or 'no tier'}")
    if wrong:
        raise pytest.UsageError(
            "every test belongs to exactly one tier (pytestmark = pytest.mark.<tier>, one of "
            + ", ".join(TIERS)
            + "):\n"
            + "\n".join(wrong[:20])
        )


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
