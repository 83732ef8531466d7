"""The pure tier really is pure: importing the course never imports TensorFlow (nor ipywidgets: the
pure tier runs where neither is installed; importing ``widgets`` is checked in the widget tier)."""

import pkgutil
import subprocess
import sys

import pytest

import course

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    "modules",
    [
        "course",
        "course.shapes",
        "course.data",
        "course.lessons",
        "course.models",
        "course.figures",
        "course.training",
        "course.recurrent",
        "course.diagnose",
        "course.lessons.cheatsheet",
        "course.experiments",
    ],
)
def test_import_does_not_load_tensorflow(modules):
    code = (
        f"import {modules}, sys; "
        "loaded = sorted(m for m in ('tensorflow', 'keras') if m in sys.modules); "
        "print(','.join(loaded))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"importing {modules} loaded {result.stdout.strip()}"


def test_no_module_of_the_course_loads_tensorflow_or_ipywidgets():
    """Every module under course/, found by walking the package (so a new one is covered the day it
    is added): TensorFlow loads only inside the functions that need Keras, and ipywidgets never."""
    names = [module.name for module in pkgutil.walk_packages(course.__path__, "course.")]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({name!r})\n" for name in names)
    code += "print(','.join(sorted(m for m in ('tensorflow', 'keras', 'ipywidgets') if m in sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-1500:]
    assert len(names) > 30 and result.stdout.strip() == "", f"importing the course loaded {result.stdout.strip()}"
