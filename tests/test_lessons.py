"""The lesson map, the notebooks on disk and the README agree, and the notebooks are clean."""

import json
import pathlib
import re

import pytest

from course.lessons import LESSONS, lesson_table_markdown, ready_lessons

pytestmark = pytest.mark.pure

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_lessons_are_numbered_zero_to_nine_in_order():
    assert [lesson.number for lesson in LESSONS] == list(range(10))


def test_notebooks_on_disk_are_exactly_the_ready_lessons():
    on_disk = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert on_disk == sorted(lesson.notebook for lesson in ready_lessons())


def test_readme_lesson_list_is_the_registry():
    block = re.search(r"<!-- lessons:start -->\n(.*?)\n<!-- lessons:end -->", README, re.S)
    assert block, "README.md lost its lesson list markers"
    assert block.group(1) == lesson_table_markdown()


def test_readme_shows_the_two_commands_and_the_binder_badge():
    assert "make lab" in README and "make test" in README
    assert "mybinder.org/v2/gh/" in README and "urlpath=lab/tree/notebooks/00_start_here.ipynb" in README


def load(lesson):
    return json.loads((ROOT / lesson.notebook).read_text())


def source(cell):
    return "".join(cell["source"])


def checked(cell):
    """nbval compares this cell's output: a cell tag, so the learner's page shows no test machinery."""
    return "nbval-check-output" in cell["metadata"].get("tags", [])


@pytest.mark.parametrize("lesson", ready_lessons(), ids=lambda lesson: lesson.code)
def test_no_test_machinery_on_the_learners_page(lesson):
    for cell in load(lesson)["cells"]:
        text = source(cell)
        assert "NBVAL" not in text, f"{lesson.notebook}: an nbval comment where a cell tag belongs"
        assert not re.search(r"\b(nbval|pytest)\b", text, re.I), f"{lesson.notebook} names the test tool: {text[:120]}"


@pytest.mark.parametrize("lesson", ready_lessons(), ids=lambda lesson: lesson.code)
def test_notebook_opens_on_the_course_kernel_without_asking(lesson):
    kernelspec = load(lesson)["metadata"].get("kernelspec", {})
    assert kernelspec.get("name") == "python3"


@pytest.mark.parametrize("lesson", ready_lessons(), ids=lambda lesson: lesson.code)
def test_notebook_is_committed_clean(lesson):
    for cell in load(lesson)["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = json.dumps(cell.get("outputs", []))
        assert "Traceback" not in text and '"output_type": "error"' not in text
        if not checked(cell):
            assert cell.get("outputs") == [], f"{lesson.notebook}: outputs left in a cell nbval does not check"
    # Saved widget state carries every figure's data (and, without the course's server, plotly's
    # whole bundle): megabytes a learner downloads with the lesson and nothing they need.
    notebook = load(lesson)
    assert "widgets" not in notebook["metadata"], f"{lesson.notebook}: saved with its widget state"
    size = (ROOT / lesson.notebook).stat().st_size
    assert size < 250_000, f"{lesson.notebook}: {size:,} bytes committed"


@pytest.mark.parametrize("lesson", ready_lessons(), ids=lambda lesson: lesson.code)
def test_notebook_has_the_lesson_parts(lesson):
    cells = load(lesson)["cells"]
    markdown = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown").lower()
    # The set-up cell (course.colab) is the one place that installs, and only on Colab or Kaggle.
    code = "\n".join(
        source(c) for c in cells if c["cell_type"] == "code" and "course-setup" not in c["metadata"].get("tags", [])
    )
    assert "goal" in markdown, "learning goals at the top"
    assert "Quiz" in code, "a self-check graded against the live model"
    assert "<details>" in markdown, "an exercise with a worked solution to reveal"
    assert "recap" in markdown
    assert any(checked(c) for c in cells), "numbers nbval compares"
    assert "pip install" not in code
    following = [other for other in LESSONS if other.number == lesson.number + 1]
    if following:
        assert pathlib.Path(following[0].notebook).name in markdown or following[0].title.lower() in markdown


REMOTE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?https?://|<img\s[^>]*src=[\"']https?://", re.I)


@pytest.mark.parametrize("lesson", ready_lessons(), ids=[lesson.code for lesson in ready_lessons()])
def test_no_lesson_fetches_an_image_from_the_internet(lesson):
    """Offline (or behind a hub that reaches nothing) a lesson must look the same: its images
    come from the repository, never from a remote address."""
    cells = json.loads((ROOT / lesson.notebook).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        assert not REMOTE_IMAGE.search(source), f"{lesson.notebook} shows a remote image: {source[:200]}"


def test_minutes_follow_the_words_and_code_cells(tmp_path):
    from course.lessons import Lesson, lesson_minutes

    cell = lambda kind, text: {"cell_type": kind, "source": text, "metadata": {}}  # noqa: E731
    notebook = tmp_path / "notebooks" / "x.ipynb"
    notebook.parent.mkdir()
    prose = " ".join(["word"] * 1800)  # ten minutes at 180 words a minute
    notebook.write_text(json.dumps({"cells": [cell("markdown", prose)] + [cell("code", "1")] * 12}))
    lesson = Lesson(0, "x", "notebooks/x.ipynb", (), "none", True)
    assert lesson_minutes(lesson, root=tmp_path) == 20  # 10 + 12 * 0.5 = 16, rounded up to 5
    assert lesson_minutes(lesson, root=tmp_path / "elsewhere") is None
    assert all(5 <= lesson_minutes(lesson) <= 45 for lesson in ready_lessons()), "a lesson is more than one sitting"
