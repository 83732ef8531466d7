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


def _cell(kind, text, *tags):
    return {"cell_type": kind, "source": text, "metadata": {"tags": list(tags)} if tags else {}}


def test_minutes_follow_the_words_code_cells_exercises_quizzes_and_widgets(tmp_path):
    from course.lessons import Lesson, lesson_minutes

    notebook = tmp_path / "notebooks" / "x.ipynb"
    notebook.parent.mkdir()
    prose = " ".join(["word"] * 1800)  # ten minutes at 180 words a minute
    cells = [_cell("markdown", "# Lesson 99: x\n\n**Time:** about 1 minutes, 9 of them exercises.\n\n" + prose)]
    cells += [_cell("code", "1")] * 12  # 6 minutes
    cells += [_cell("code", "explorer = UnitsExplorer(units=3)\nexplorer")]  # 0.5 + 3
    cells += [_cell("code", "quiz = Quiz.from_spec(quizzes.x())")]  # 0.5 + 2
    cells += [_cell("code", "exercise.check_it(answer)")]  # 0.5 + 8
    cells += [_cell("markdown", " ".join(["word"] * 900), "extension")]  # 5, optional
    cells += [_cell("code", "lab = TrainingLab()", "extension")]  # 0.5 + 3, optional
    notebook.write_text(json.dumps({"cells": cells}))
    lesson = Lesson(0, "x", "notebooks/x.ipynb", (), "none", True)
    time = lesson_minutes(lesson, root=tmp_path)
    # core: 10 + 6 + 3.5 + 2.5 + 8.5 = 30.5 -> 35 (the time line's own words are not counted);
    # exercises: 2 + 8 = 10; extension: 5 + 3.5 = 8.5 -> 10
    assert (time.core, time.exercises, time.extension, time.total) == (35, 10, 10, 45)
    assert lesson_minutes(lesson, root=tmp_path / "elsewhere") is None


def test_the_time_line_reads_the_estimate_and_writing_it_twice_changes_nothing(tmp_path):
    from course.lessons import timing

    assert timing.time_line(timing.LessonTime(40, 15, 0)) == (
        "**Time:** about 40 minutes, 15 of them exercises and quizzes."
    )
    assert timing.time_line(timing.LessonTime(40, 15, 20)).endswith("; the optional extensions add about 20 more.")
    path = tmp_path / "x.ipynb"
    cells = [_cell("markdown", "[Open in Colab](x)\n\n# Lesson 01: x\n\nIntro."), _cell("code", "1")]
    path.write_text(json.dumps({"cells": cells}))
    assert timing.apply([path]) == [str(path)]
    first = "".join(json.loads(path.read_text())["cells"][0]["source"])
    assert (
        first
        == "[Open in Colab](x)\n\n# Lesson 01: x\n\n**Time:** about 5 minutes, 0 of them exercises and quizzes.\n\nIntro."
    )
    assert timing.apply([path]) == []


@pytest.mark.parametrize("lesson", ready_lessons(), ids=lambda lesson: lesson.code)
def test_each_lesson_states_its_own_computed_time(lesson):
    """The header line is the estimate computed from the notebook as committed: a lesson that
    grows an exercise or moves a section to an extension must say so (``python -m
    course.lessons.timing --apply notebooks/*.ipynb``)."""
    from course.lessons import lesson_minutes, timing

    first = source(load(lesson)["cells"][0])
    assert timing.time_line(lesson_minutes(lesson)) in first
    assert 10 <= lesson_minutes(lesson).core <= 75, "a lesson's core is more than one sitting"
