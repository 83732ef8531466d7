"""An unsupported Python or a missing TensorFlow is one sentence that says what to install, in
``make lab`` and in every lesson's set-up cell, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import environment

pytestmark = pytest.mark.keras

REPO_ROOT = Path(__file__).resolve().parents[1]


def pythons(*versions: str) -> list[str]:
    """Interpreters of these versions found on this machine (pyenv's, or on PATH)."""
    found = []
    for version in versions:
        for candidate in (
            shutil.which(f"python{version}"),
            *sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python")),
        ):
            if candidate and subprocess.run([str(candidate), "-c", ""], capture_output=True).returncode == 0:
                found.append(str(candidate))
                break
    return found


@pytest.mark.parametrize("version", [(3, 8), (3, 10), (3, 14), (4, 0)])
def test_unsupported_pythons_get_one_sentence(version):
    message = environment.python_problem(version + (0, "final", 0))
    assert message and "\n" not in message
    assert f"Python {version[0]}.{version[1]}" in message and "install Python 3.11" in message


@pytest.mark.parametrize("version", environment.SUPPORTED_PYTHONS)
def test_supported_pythons_pass(version):
    assert environment.python_problem(version + (0, "final", 0)) is None


def test_this_python_and_tensorflow_pass():
    assert environment.problem() is None


def test_a_missing_tensorflow_says_what_to_install():
    message = environment.tensorflow_problem(find_spec=lambda name: None)
    assert message and "\n" not in message
    assert 'pip install "tensorflow>=2.16.1"' in message and "tensorflow-cpu" in message


def test_a_keras_2_tensorflow_says_what_to_install():
    message = environment.tensorflow_problem(find_spec=lambda name: object(), version=lambda: (2, 15))
    assert message and "2.15" in message and "2.16.1" in message


def test_the_tensorflow_check_does_not_import_tensorflow():
    code = "import sys; from course import environment; environment.problem(); print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_prepare_shows_nothing_where_all_is_well(capsys):
    assert environment.prepare() is None
    assert capsys.readouterr().out == ""


def test_quieting_keeps_what_the_user_set():
    env = {"TF_CPP_MIN_LOG_LEVEL": "0"}
    environment.quiet_tensorflow(env)
    assert env == {"TF_CPP_MIN_LOG_LEVEL": "0", "TF_ENABLE_ONEDNN_OPTS": "0"}


def bare_python() -> str | None:
    """A Python 3.11 without TensorFlow: the interpreter this virtual environment was made from."""
    base = Path(sys.base_prefix) / "bin" / "python3"
    if not base.exists():
        return None
    has_tf = subprocess.run(
        [str(base), "-c", "import importlib.util as u; print(u.find_spec('tensorflow') is not None)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return str(base) if has_tf == "False" else None


def test_without_tensorflow_the_module_prints_one_line_and_fails():
    python = bare_python()
    if python is None:
        pytest.skip("no Python without TensorFlow on this machine")
    result = subprocess.run(
        [python, "-m", "course.environment"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().count("\n") == 0 and "TensorFlow is not installed" in result.stderr


@pytest.mark.parametrize("python", pythons("3.10", "3.8", "3.6") or ["none"])
def test_make_lab_on_an_old_python_says_so_in_one_line(python):
    if python == "none":
        pytest.skip("no Python older than 3.11 on this machine")
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make")
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    # check-python runs before the virtual environment is made, so nothing is installed here.
    result = subprocess.run(
        [make, "-s", "check-python", f"PYTHON={python}"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("make")]
    assert len(lines) == 1 and "the course needs Python 3.11, 3.12 or 3.13" in lines[0], result.stderr


def test_make_lab_checks_the_python_before_building_and_tensorflow_before_starting():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    venv = makefile.split("\n$(PY):", 1)[1].split("\n\n", 1)[0]
    assert venv.index("@$(CHECK_PYTHON)") < venv.index("-m venv")
    assert "CHECK_PYTHON = $(PYTHON) -m course.environment --python-only" in makefile
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert lab.index("-m course.environment") < lab.index("jupyter lab")


KAGGLE = {"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}


def test_on_kaggle_a_late_anywidget_is_one_line_with_what_to_do():
    """Installed by the set-up cell, after Jupyter started: its front-end is not there."""
    message = environment.figures_problem(KAGGLE, installed_at=lambda: 200.0, started_at=lambda: 100.0)
    assert message.count("\n") == 0 and "Kaggle" in message and "anywidget" in message
    assert environment.binder_url() in message and "mybinder.org" in message


@pytest.mark.parametrize(
    "environ, installed, started",
    [
        (KAGGLE, 50.0, 100.0),  # in Kaggle's image from the start
        (KAGGLE, None, 100.0),  # not installed at all: the set-up cell's own error says so
        ({}, 200.0, 100.0),  # not Kaggle: Colab loads anywidget's front-end from the kernel
    ],
)
def test_figures_problem_is_silent_where_figures_draw(environ, installed, started):
    assert environment.figures_problem(environ, installed_at=lambda: installed, started_at=lambda: started) is None


def test_the_install_and_kernel_times_are_read():
    """In this session anywidget was installed before this test's process started."""
    installed, started = environment._installed_at(), environment._kernel_started_at()
    assert installed is not None and started is not None and installed < started
    assert environment.figures_problem({**os.environ, **KAGGLE}) is None
