"""The instructor notes agree with the lessons: the committed pages are what ``render`` gives now,
every quiz and exercise of a notebook has a note and no note names one the notebook lacks, every
learner question named is one the course answers, the minutes are the lessons' own, and the moves
to project name controls the widgets have."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest

from course.lessons import LESSONS, course_minutes, instructor, lesson_minutes
from course.lessons.timing import LessonTime

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "instructor"
TIME = re.compile(
    r"^\*\*Time:\*\* about (\d+) minutes on the core path, (\d+) of them exercises and quizzes; "
    r"(?:the optional extensions add about (\d+)|there are no optional extensions)\.$",
    re.M,
)


def cells(lesson):
    return instructor.notebook_cells(lesson)


# The committed pages


@pytest.fixture(scope="module")
def pages_now():
    return instructor.pages()


@pytest.mark.parametrize("name", ["README.md", *[f"{lesson.code}.md" for lesson in LESSONS]])
def test_the_committed_page_is_what_render_gives_now(name, pages_now):
    committed = FOLDER / name
    assert committed.is_file(), f"instructor/{name} is missing: python -m course.lessons.instructor --write instructor"
    assert committed.read_text(encoding="utf-8") == pages_now[name], (
        f"instructor/{name} is out of date with the lessons: python -m course.lessons.instructor --write instructor"
    )


def test_the_folder_holds_only_the_pages(pages_now):
    assert sorted(path.name for path in FOLDER.iterdir()) == sorted(pages_now)


def test_the_notes_and_the_lessons_agree():
    assert instructor.problems() == []


# Quizzes and exercises, both ways


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.code)
def test_every_quiz_of_the_notebook_has_a_note_and_no_note_is_stale(lesson):
    asked = list(instructor.quizzes_in(cells(lesson)))
    noted = [note.name for note in instructor.NOTES[lesson.number].quizzes]
    assert sorted(asked) == sorted(noted)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.code)
def test_every_exercise_of_the_notebook_has_a_note_and_no_note_is_stale(lesson):
    checked = list(instructor.exercises_in(cells(lesson)))
    noted = [note.name for note in instructor.NOTES[lesson.number].exercises]
    assert sorted(checked) == sorted(noted)


def test_the_quizzes_and_exercises_named_exist_in_the_lessons_modules():
    for lesson in LESSONS:
        notes = instructor.NOTES[lesson.number]
        for package, names in (
            ("quizzes", [note.name for note in notes.quizzes]),
            ("exercises", [note.name for note in notes.exercises]),
        ):
            source = (ROOT / "course" / "lessons" / package / f"lesson_{lesson.code}.py").read_text(encoding="utf-8")
            defined = {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
            assert set(names) <= defined, (lesson.code, package, set(names) - defined)


# Learner questions


def test_the_question_ids_are_the_courses_numbering():
    expected = [f"Q{i}" for i in range(1, 21)] + [f"M{i}" for i in range(1, 10)]
    assert list(instructor.QUESTIONS) == expected


def test_the_lesson_map_uses_exactly_these_ids():
    assert {i for lesson in LESSONS for i in lesson.questions} == set(instructor.QUESTIONS)


def test_every_id_a_quiz_note_names_is_a_learner_question():
    for notes in instructor.NOTES.values():
        for quiz in notes.quizzes:
            assert quiz.targets, quiz.name
            assert set(quiz.targets) <= set(instructor.QUESTIONS), (quiz.name, quiz.targets)


def test_every_lesson_has_notes_with_a_purpose_and_moves():
    assert sorted(instructor.NOTES) == [lesson.number for lesson in LESSONS]
    for notes in instructor.NOTES.values():
        assert notes.purpose.strip() and notes.moves


# Minutes


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.code)
def test_the_minutes_on_each_page_are_the_lessons_own(lesson):
    found = TIME.findall(instructor.render(lesson))
    assert len(found) == 1
    core, exercises, extension = found[0]
    time = lesson_minutes(lesson)
    assert (int(core), int(exercises), int(extension or 0)) == (time.core, time.exercises, time.extension)


def test_the_index_gives_every_lesson_and_the_whole_course():
    index = instructor.render_index()
    total = course_minutes()
    assert instructor.minutes_sentence(total) in index
    for lesson in LESSONS:
        time = lesson_minutes(lesson)
        assert f"| {lesson.code} | {lesson.title} | ~{time.core} min | ~{time.exercises} min |" in index
        assert f"[{lesson.code}.md]({lesson.code}.md)" in index


@pytest.mark.parametrize(
    "time, expected",
    [
        (
            LessonTime(45, 20, 15),
            "about 45 minutes on the core path, 20 of them exercises and quizzes; the optional extensions add about 15",
        ),
        (
            LessonTime(30, 10, 0),
            "about 30 minutes on the core path, 10 of them exercises and quizzes; there are no optional extensions",
        ),
    ],
)
def test_the_minutes_sentence_with_and_without_extensions(time, expected):
    assert instructor.minutes_sentence(time) == expected


# Widgets and moves


def widget_members() -> dict[str, set[str]]:
    """``{widget class: its traits and methods}``, read from the widgets' source."""
    found = {}
    for path in (ROOT / "widgets").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                names = set()
                for item in node.body:
                    if isinstance(item, ast.Assign):
                        names |= {target.id for target in item.targets if isinstance(target, ast.Name)}
                    elif isinstance(item, ast.FunctionDef):
                        names.add(item.name)
                found[node.name] = names
    return found


def test_every_move_names_a_control_its_widget_has():
    members = widget_members()
    for notes in instructor.NOTES.values():
        for move in notes.moves:
            assert move.widget in members, move
            assert move.control in members[move.widget], move


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.code)
def test_every_widget_moved_is_one_the_lesson_shows(lesson):
    code = "\n".join("".join(cell["source"]) for cell in cells(lesson) if cell["cell_type"] == "code")
    for move in instructor.NOTES[lesson.number].moves:
        assert re.search(rf"\b{move.widget}\b", code), (lesson.code, move.widget)


# Reading a notebook, on made-up cells


def markdown(text, *tags):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": text}


def code(text, *tags):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": text}


MADE_UP = [
    markdown("# Lesson 42\n\n## Core"),
    code("quiz = Quiz.from_spec(quizzes.first(explorer))\nexercise.check_one(answer)"),
    markdown("## Extension (optional): Timing on your machine\n\nIt adds a race.", "extension"),
    code("band = unit_timing.time_units()\nQuiz.from_spec(quizzes.second())", "extension"),
    markdown("## Extension (optional): More\n\nIt adds more.", "extension"),
    markdown("## Recap"),
]


def test_the_readers_find_quizzes_exercises_extensions_and_timing_calls():
    assert instructor.quizzes_in(MADE_UP) == {"first": False, "second": True}
    assert instructor.exercises_in(MADE_UP) == {"check_one": False}
    assert instructor.extensions_in(MADE_UP) == ["Timing on your machine", "More"]
    assert instructor.timing_calls_in(MADE_UP) == ["time_units"]
    assert "Recap" in instructor.headings_in(MADE_UP)


def test_an_extension_heading_without_the_tag_is_not_an_extension():
    assert instructor.extensions_in([markdown("## Extension (optional): Untagged")]) == []


# The checks fail where they should, on a copy of the lessons


@pytest.fixture
def copy_root(tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("images"))
    return tmp_path


def edit_notebook(root, lesson, change):
    path = root / lesson.notebook
    notebook = json.loads(path.read_text(encoding="utf-8"))
    change(notebook["cells"])
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_a_new_quiz_or_exercise_without_a_note_is_reported(copy_root):
    lesson = LESSONS[2]
    edit_notebook(
        copy_root,
        lesson,
        lambda cells: cells.append(code("Quiz.from_spec(quizzes.brand_new(explorer))\nexercise.check_brand_new(x)")),
    )
    found = instructor.problems(copy_root)
    assert f"lesson {lesson.code}: the quiz brand_new has no note" in found
    assert f"lesson {lesson.code}: the exercise check_brand_new has no note" in found


def test_a_quiz_taken_out_of_a_lesson_leaves_a_stale_note_reported(copy_root):
    lesson = LESSONS[1]
    name = instructor.NOTES[lesson.number].quizzes[0].name

    def drop(cells):
        for cell in cells:
            if cell["cell_type"] == "code" and f"quizzes.{name}(" in "".join(cell["source"]):
                cell["source"] = "pass\n"

    edit_notebook(copy_root, lesson, drop)
    assert f"lesson {lesson.code}: the note on the quiz {name} names no quiz of the notebook" in instructor.problems(
        copy_root
    )


def test_a_renamed_timing_heading_is_reported(copy_root):
    lesson = next(lesson for lesson in LESSONS if instructor.NOTES[lesson.number].timing)
    heading = instructor.NOTES[lesson.number].timing[0].heading

    def rename(cells):
        for cell in cells:
            if cell["cell_type"] == "markdown":
                cell["source"] = "".join(cell["source"]).replace(heading, "A new name")

    edit_notebook(copy_root, lesson, rename)
    assert any(f"'{heading}'" in problem for problem in instructor.problems(copy_root))


def test_a_lesson_that_starts_timing_without_notes_is_reported(copy_root):
    lesson = next(lesson for lesson in LESSONS if not instructor.NOTES[lesson.number].timing)
    edit_notebook(copy_root, lesson, lambda cells: cells.append(code("band = unit_timing.time_units()")))
    assert f"lesson {lesson.code} times something (time_units) and has no timing notes" in instructor.problems(
        copy_root
    )


# Timing ranges


def timed_lesson():
    return next(lesson for lesson in LESSONS if instructor.NOTES[lesson.number].timing)


def test_measured_ranges_are_shown_under_their_cell(copy_root):
    lesson = timed_lesson()
    heading = instructor.NOTES[lesson.number].timing[0].heading
    ranges = {lesson.code: {heading: {"a made-up laptop": "3 to 4 made-up units"}}}
    page = instructor.render(lesson, timing_ranges=ranges, root=copy_root)
    section = page.split(f"**{heading}**", 1)[1].split("\n- **", 1)[0]
    assert "on a made-up laptop: 3 to 4 made-up units" in section
    assert "has not been measured" not in section


def test_without_a_ranges_file_the_page_says_they_were_not_measured(copy_root):
    page = instructor.render(timed_lesson(), root=copy_root)
    assert "have not been measured on this copy" in page


def test_the_ranges_file_is_read_when_present(copy_root):
    lesson = timed_lesson()
    heading = instructor.NOTES[lesson.number].timing[0].heading
    (copy_root / "benchmarks").mkdir()
    (copy_root / instructor.TIMING_RANGES_FILE).write_text(
        json.dumps({lesson.code: {heading: {"a made-up hub": "from 1 to 2"}}}), encoding="utf-8"
    )
    page = instructor.render(lesson, root=copy_root)
    assert "on a made-up hub: from 1 to 2" in page
    assert "holds no measured range for this cell yet" in page or len(instructor.NOTES[lesson.number].timing) == 1


def test_lessons_without_timing_notes_have_no_timing_section():
    for lesson in LESSONS:
        if not instructor.NOTES[lesson.number].timing:
            assert "## Timing cells" not in instructor.render(lesson)


# Writing


def test_write_puts_every_page_in_the_folder(tmp_path):
    written = instructor.write(tmp_path / "notes")
    assert sorted(path.name for path in written) == sorted(instructor.pages())
    assert (tmp_path / "notes" / "README.md").read_text(encoding="utf-8") == instructor.render_index()


def test_rendering_a_quiz_without_a_note_says_what_to_write(copy_root):
    lesson = LESSONS[4]
    edit_notebook(copy_root, lesson, lambda cells: cells.append(code("Quiz.from_spec(quizzes.brand_new())")))
    with pytest.raises(ValueError, match="quiz brand_new has no note yet"):
        instructor.render(lesson, root=copy_root)
