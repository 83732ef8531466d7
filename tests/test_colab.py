"""Every lesson opens on Colab and Kaggle: its link, and a set-up cell that installs the course
there (and only there) without touching what those runtimes have already imported.

The lessons get both from ``python -m course.colab --apply notebooks/*.ipynb``; the tests here
check the lessons as committed, and the apply step itself on synthetic notebooks.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from course import colab
from course.lessons import LESSONS

pytestmark = pytest.mark.pure

REPO_ROOT = Path(__file__).resolve().parents[1]
#: What Colab and Kaggle have imported before the first cell runs: the set-up cell must not ask
#: pip for any of them (pip would upgrade it and the runtime would need a restart).
PREINSTALLED = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "ipywidgets")


def notebook(lesson) -> dict:
    return json.loads((REPO_ROOT / lesson.notebook).read_text(encoding="utf-8"))


def text(cell: dict) -> str:
    return "".join(cell["source"])


def code_cells(nb: dict) -> list[dict]:
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


# --------------------------------------------------------------------------------------------
# the lessons as committed (run `python -m course.colab --apply notebooks/*.ipynb` to fix)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.code)
def test_every_lesson_opens_with_its_colab_link(lesson):
    first_markdown = next(cell for cell in notebook(lesson)["cells"] if cell["cell_type"] == "markdown")
    assert text(first_markdown).split("\n")[0] == colab.colab_link(lesson.notebook), (
        f"{lesson.notebook} lacks its Colab link: run python -m course.colab --apply {lesson.notebook}"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.code)
def test_every_lessons_first_code_cell_is_the_setup_cell(lesson):
    first = code_cells(notebook(lesson))[0]
    assert text(first) == colab.setup_cell_source(), (
        f"{lesson.notebook} does not start with the set-up cell: run python -m course.colab --apply {lesson.notebook}"
    )
    assert colab.SETUP_TAG in first["metadata"].get("tags", [])


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.code)
def test_no_lesson_quiets_tensorflow_itself(lesson):
    """The quieting lives in one place, ``course.environment.prepare``, which the set-up cell calls."""
    for cell in code_cells(notebook(lesson)):
        assert "TF_CPP_MIN_LOG_LEVEL" not in text(cell) and "TF_ENABLE_ONEDNN_OPTS" not in text(cell)


def test_the_lessons_need_no_apply():
    files = [REPO_ROOT / lesson.notebook for lesson in LESSONS]
    pending = [str(file.relative_to(REPO_ROOT)) for file in files if colab.apply_file(file, write=False)]
    assert not pending, f"run: python -m course.colab --apply {' '.join(pending)}"


# --------------------------------------------------------------------------------------------
# the links


def test_links_open_the_repository_named_in_pyproject():
    homepage = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Homepage"]
    assert homepage.rstrip("/") == f"https://github.com/{colab.REPOSITORY}"
    url = colab.colab_url("notebooks/05_windowing.ipynb")
    assert url == (
        f"https://colab.research.google.com/github/{colab.REPOSITORY}/blob/{colab.BRANCH}/notebooks/05_windowing.ipynb"
    )
    assert "![" not in colab.colab_link("notebooks/05_windowing.ipynb"), "a text link: no remote badge image"


# --------------------------------------------------------------------------------------------
# the set-up cell, run as IPython runs it


class FakeShell:
    """Records the line magics a cell asks for instead of running pip."""

    def __init__(self):
        self.magics: list[tuple[str, str]] = []

    def run_line_magic(self, name, line, *args, **kwargs):
        self.magics.append((name, line))


def run_setup_cell(monkeypatch, *, colab_runtime=False, kaggle=False, problem=None) -> FakeShell:
    """Run the set-up cell's code, as IPython turns it into Python, with pip recorded, not run."""
    python = TransformerManager().transform_cell(colab.setup_cell_source())
    shell = FakeShell()
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if kaggle:
        monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    if colab_runtime:
        monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    import course.environment

    monkeypatch.setattr(course.environment, "problem", lambda python_only=False: problem)
    exec(compile(python, "<set-up cell>", "exec"), {"get_ipython": lambda: shell})
    return shell


def test_the_setup_cell_installs_nothing_outside_colab_and_kaggle(monkeypatch, capsys):
    shell = run_setup_cell(monkeypatch)
    assert shell.magics == []
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("where", ["colab", "kaggle"])
def test_the_setup_cell_installs_the_course_from_the_repository_on_colab_and_kaggle(monkeypatch, where):
    shell = run_setup_cell(monkeypatch, colab_runtime=where == "colab", kaggle=where == "kaggle")
    assert len(shell.magics) == 1
    name, line = shell.magics[0]
    assert name == "pip"
    assert line.split()[:2] == ["install", "-q"]
    assert f'"keras-shapes-course @ git+https://github.com/{colab.REPOSITORY}"' in line
    # No extra, no upgrade flag, nothing preinstalled named: pip keeps what satisfies the ranges.
    assert "[" not in line and "-U" not in line.split() and "--upgrade" not in line
    assert not any(package in line.replace("keras-shapes-course", "") for package in PREINSTALLED)


def test_the_setup_cell_quiets_tensorflow(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    run_setup_cell(monkeypatch)
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2" and os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"


def test_the_setup_cell_prints_what_to_install_when_the_course_cannot_run(monkeypatch, capsys):
    run_setup_cell(monkeypatch, problem="TensorFlow is not installed in this Python: install it")
    assert capsys.readouterr().out == "TensorFlow is not installed in this Python: install it\n"


# --------------------------------------------------------------------------------------------
# the apply step


def lesson_like(first_code: str) -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# Lesson 42: Shapes\n", "\n", "Hello."]},
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "b",
                "metadata": {},
                "outputs": [],
                "source": colab._lines(first_code),
            },
            {"cell_type": "markdown", "id": "c", "metadata": {}, "source": ["## More"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


OLD_FIRST_CELL = (
    "import os\n"
    'os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")\n'
    'os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")\n'
    "\n"
    "import numpy as np\n"
    "\n"
    "from course import shapes"
)


def test_apply_adds_the_link_and_the_setup_cell_and_drops_the_old_quieting():
    result = colab.apply(lesson_like(OLD_FIRST_CELL), "notebooks/42_shapes.ipynb")
    cells = result["cells"]
    assert [cell["cell_type"] for cell in cells] == ["markdown", "code", "code", "markdown"]
    assert text(cells[0]) == colab.colab_link("notebooks/42_shapes.ipynb") + "\n\n# Lesson 42: Shapes\n\nHello."
    assert text(cells[1]) == colab.setup_cell_source()
    assert text(cells[2]) == "import numpy as np\n\nfrom course import shapes"


def test_apply_keeps_import_os_where_the_cell_still_uses_it():
    first = OLD_FIRST_CELL + "\nprint(os.getcwd())"
    result = colab.apply(lesson_like(first), "notebooks/42_shapes.ipynb")
    assert text(result["cells"][2]).startswith("import os\n\nimport numpy as np")


def test_apply_twice_changes_nothing(tmp_path):
    once = colab.apply(lesson_like(OLD_FIRST_CELL), "notebooks/42_shapes.ipynb")
    assert colab.apply(once, "notebooks/42_shapes.ipynb") == once
    file = tmp_path / "42_shapes.ipynb"
    file.write_text(json.dumps(lesson_like(OLD_FIRST_CELL), indent=1) + "\n", encoding="utf-8")
    assert colab.apply_file(file) is True
    written = file.read_text(encoding="utf-8")
    assert colab.apply_file(file) is False
    assert file.read_text(encoding="utf-8") == written
    assert colab.main(["--check", str(file)]) == 0


def test_apply_replaces_an_outdated_setup_cell_and_link():
    once = colab.apply(lesson_like(OLD_FIRST_CELL), "notebooks/42_shapes.ipynb")
    once["cells"][1]["source"] = ["print('an older set-up cell')"]
    once["cells"][0]["source"][0] = (
        "[Open in Colab](https://colab.research.google.com/github/someone/else/blob/x/y.ipynb)\n"
    )
    again = colab.apply(once, "notebooks/42_shapes.ipynb")
    assert again == colab.apply(lesson_like(OLD_FIRST_CELL), "notebooks/42_shapes.ipynb")


def test_check_fails_on_a_lesson_without_them(tmp_path):
    file = tmp_path / "42_shapes.ipynb"
    file.write_text(json.dumps(lesson_like(OLD_FIRST_CELL), indent=1) + "\n", encoding="utf-8")
    before = file.read_text(encoding="utf-8")
    assert colab.main(["--check", str(file)]) == 1
    assert file.read_text(encoding="utf-8") == before, "--check writes nothing"
