"""The pure tier really is pure: importing the course never imports TensorFlow."""

import subprocess
import sys

import pytest


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
        "course.diagnose",
        "course.cheatsheet",
        "widgets",
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
