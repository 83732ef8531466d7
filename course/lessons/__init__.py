"""The lessons' content: the ordered map of the course (here: the README, lesson 00 and the tests
all read it from ``course.lessons``), the cheat sheet (``cheatsheet``), the self-checks
(``quizzes``) and the code-writing exercises (``exercises``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from course.lessons.timing import LessonTime, notebook_time

__all__ = ["Lesson", "LESSONS", "ready_lessons", "lesson_minutes", "lesson_table_markdown", "course_minutes"]

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Lesson:
    number: int
    title: str
    notebook: str  # path from the repository root
    questions: tuple[str, ...]  # learner questions (Q) and claims set right (M)
    widget: str
    ready: bool

    @property
    def code(self) -> str:
        return f"{self.number:02d}"


LESSONS: tuple[Lesson, ...] = (
    Lesson(0, "Start here: how the course works", "notebooks/00_start_here.ipynb", (), "ShapeExplorer", True),
    Lesson(
        1,
        "Features and the input layer",
        "notebooks/01_features_and_the_input_layer.ipynb",
        ("Q1", "Q2", "Q5", "M1", "M8"),
        "ShapeExplorer",
        True,
    ),
    Lesson(
        2,
        "Batches, iterations and epochs",
        "notebooks/02_batches_iterations_epochs.ipynb",
        ("Q2", "Q3", "Q4", "Q10", "Q13", "M7"),
        "BatchExplorer",
        True,
    ),
    Lesson(
        3,
        "Batch size trade-offs",
        "notebooks/03_batch_size_tradeoffs.ipynb",
        ("Q6", "Q11", "Q12", "M9"),
        "TrainingLab",
        True,
    ),
    Lesson(
        4,
        "Sequences: samples, timesteps, features",
        "notebooks/04_sequences.ipynb",
        ("Q18", "Q19", "Q20"),
        "SequenceExplorer",
        True,
    ),
    Lesson(5, "Windowing a series", "notebooks/05_windowing.ipynb", ("Q15", "Q20", "M8"), "WindowExplorer", True),
    Lesson(
        6,
        "LSTM units",
        "notebooks/06_lstm_units.ipynb",
        ("Q8", "Q14", "Q16", "Q17", "M3", "M4", "M5", "M6"),
        "UnitsExplorer",
        True,
    ),
    Lesson(
        7,
        "Stateful LSTMs",
        "notebooks/07_stateful_lstms.ipynb",
        ("Q7", "Q8", "Q9", "M2", "M8"),
        "StatefulExplorer",
        True,
    ),
    Lesson(8, "The shape doctor", "notebooks/08_shape_doctor.ipynb", (), "ShapeDoctor, ErrorGallery", True),
    Lesson(9, "Wrap-up and cheat sheet", "notebooks/09_wrap_up.ipynb", (), "all of them", True),
)


def ready_lessons() -> list[Lesson]:
    """The lessons written so far, in order."""
    return [lesson for lesson in LESSONS if lesson.ready]


def lesson_minutes(lesson: Lesson, root: Path = REPO_ROOT) -> LessonTime | None:
    """About how long the lesson takes (``timing.LessonTime``: its core path, the exercises and
    quizzes in it, and its optional extensions), read from the notebook. None where the notebook is
    not there (an installed package without the lessons)."""
    path = Path(root) / lesson.notebook
    if not path.is_file():
        return None
    return notebook_time(json.loads(path.read_text(encoding="utf-8"))["cells"])


def lesson_table_markdown(link_prefix: str = "") -> str:
    """The lesson list as a Markdown table; the README holds exactly this table."""
    from course.colab import colab_url

    lines = ["| # | lesson | minutes | answers | widget | open in |", "| --- | --- | --- | --- | --- | --- |"]
    for lesson in LESSONS:
        title = f"[{lesson.title}]({link_prefix}{lesson.notebook})" if lesson.ready else f"{lesson.title} (coming)"
        answers = ", ".join(lesson.questions) or "all"
        colab = f"[Colab]({colab_url(lesson.notebook)})" if lesson.ready else ""
        time = lesson_minutes(lesson) if lesson.ready else None
        minutes = "" if time is None else f"~{time.core}" + (f" (+{time.extension})" if time.extension else "")
        lines.append(f"| {lesson.code} | {title} | {minutes} | {answers} | {lesson.widget} | {colab} |")
    whole = course_minutes()
    hours = f"about {whole.core / 60:.1f} hours, {whole.total / 60:.1f} with the extensions"
    lines.append(f"| | **The whole course** | ~{whole.core} (+{whole.extension}) | {hours} | | |")
    return "\n".join(lines)


def course_minutes(root: Path = REPO_ROOT) -> LessonTime:
    """The whole course: every ready lesson's core path, exercises and extensions added up."""
    times = [t for t in (lesson_minutes(lesson, root) for lesson in ready_lessons()) if t is not None]
    return LessonTime(
        core=sum(t.core for t in times),
        exercises=sum(t.exercises for t in times),
        extension=sum(t.extension for t in times),
    )
