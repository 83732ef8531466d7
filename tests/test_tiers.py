"""The pure tier is what it says: it runs green in an environment without TensorFlow and without
ipywidgets, built here from the pins (numpy, plotly, Jupyter and the test tools alone), so a
contributor's loop on the shape maths, the data, the lesson map and the Colab links needs neither.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")

sys.path.insert(0, str(REPO_ROOT / "binder"))
try:
    from freeze_requirements import closure, recorded_cutoff
finally:
    sys.path.remove(str(REPO_ROOT / "binder"))

pytestmark = [
    pytest.mark.platforms,
    pytest.mark.skipif(not UV.exists(), reason="uv is a test tool: make test-env installs it"),
]

#: What the pure tier may need: the tested versions of these and of everything they depend on.
PURE_ROOTS = ("numpy", "plotly", "jupyterlab", "notebook", "pytest", "hypothesis")


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A virtual environment with the tested versions of PURE_ROOTS' closure and nothing else."""
    folder = tmp_path_factory.mktemp("pure-tier")
    wanted = folder / "requirements.txt"
    wanted.write_text("".join(line + "\n" for line in closure(PURE_ROOTS).values()), encoding="utf-8")
    venv = folder / "venv"
    subprocess.run([str(UV), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = [str(UV), "pip", "install", "--quiet", "--no-config", "--python", str(python)]
    result = subprocess.run(
        [*install, "--exclude-newer", recorded_cutoff(), "-r", str(wanted)], capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return python


def test_the_bare_environment_has_neither_tensorflow_nor_ipywidgets(bare_python):
    code = "import importlib.util as u; print([m for m in ('tensorflow', 'keras', 'ipywidgets') if u.find_spec(m)])"
    result = subprocess.run([str(bare_python), "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_the_pure_tier_runs_green_without_tensorflow_or_ipywidgets(bare_python):
    result = subprocess.run(
        [str(bare_python), "-m", "pytest", "tests", "-m", "pure", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT), "HOME": str(bare_python.parents[2])},
        timeout=600,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed[1]) >= 150, summary
    assert not re.search(r"\d+ (failed|errors?|skipped)", summary), summary
