"""How long a lesson takes, read from the notebook itself: the prose at a careful reading pace, each
code cell run and read, each exercise written and checked, each quiz answered and each widget
explored; the core path and the optional extensions (cells tagged ``extension``) counted apart.

Each lesson's first cell states the result ("About 45 minutes, 20 of them exercises; ..."), and the
README's lesson map shows it; ``python -m course.lessons.timing --apply notebooks/*.ipynb`` writes
the line into the lessons and ``tests/test_lessons.py`` fails until it has."""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LessonTime", "notebook_time", "time_line", "apply"]

READING_WORDS_PER_MINUTE = 180  # careful reading of technical prose
MINUTES_PER_CODE_CELL = 0.5  # run it and read what it prints
MINUTES_PER_EXERCISE = 8  # write the code, run the check, read its feedback, perhaps the solution
MINUTES_PER_QUIZ = 2  # think, answer, read the hint, answer again
MINUTES_PER_WIDGET = 3  # move each slider and watch the model and the figures change
MINUTES_PER_INVENTORY = 8  # ten questions, then the grade
EXTENSION_TAG = "extension"

EXERCISE = re.compile(r"^\s*exercise\.check_\w+\(", re.M)
QUIZ = re.compile(r"\bQuiz\.from_spec\(")
WIDGET = re.compile(r"\b[A-Z]\w*(?:Explorer|Lab|Doctor|Gallery|Menu)\(")
INVENTORY = re.compile(r"\bConceptInventory\(")
TIME_LINE = re.compile(r"^\*\*Time:\*\*.*$", re.M)


@dataclass(frozen=True)
class LessonTime:
    """Minutes, rounded up to 5: ``core`` (the whole core path, exercises included), ``exercises``
    (of the core: exercises, quizzes and the concept inventory) and ``extension`` (the optional
    extensions, 0 where there are none)."""

    core: int
    exercises: int
    extension: int

    @property
    def total(self) -> int:
        return self.core + self.extension


def _round_up(minutes: float) -> int:
    return 5 * math.ceil(minutes / 5) if minutes > 0 else 0


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _cell_minutes(cell) -> tuple[float, float]:
    """(all minutes, of which exercise minutes) for one cell."""
    text = _source(cell)
    if cell["cell_type"] == "markdown":
        text = TIME_LINE.sub("", text)  # the estimate does not count itself
        return len(re.findall(r"\w+", text)) / READING_WORDS_PER_MINUTE, 0.0
    if cell["cell_type"] != "code":
        return 0.0, 0.0
    practice = (
        len(EXERCISE.findall(text)) * MINUTES_PER_EXERCISE
        + len(QUIZ.findall(text)) * MINUTES_PER_QUIZ
        + len(INVENTORY.findall(text)) * MINUTES_PER_INVENTORY
    )
    return MINUTES_PER_CODE_CELL + len(WIDGET.findall(text)) * MINUTES_PER_WIDGET + practice, practice


def notebook_time(cells) -> LessonTime:
    """The time of a notebook's cells (its JSON ``cells`` list)."""
    core = exercises = extension = 0.0
    for cell in cells:
        minutes, practice = _cell_minutes(cell)
        if EXTENSION_TAG in cell.get("metadata", {}).get("tags", []):
            extension += minutes
        else:
            core += minutes
            exercises += practice
    return LessonTime(core=_round_up(core), exercises=_round_up(exercises), extension=_round_up(extension))


def time_line(time: LessonTime) -> str:
    """The sentence a lesson's first cell shows."""
    line = f"**Time:** about {time.core} minutes, {time.exercises} of them exercises and quizzes"
    if time.extension:
        return line + f"; the optional extensions add about {time.extension} more."
    return line + "."


def _with_time_line(cells) -> bool:
    """Write the time line into the first cell, under its title; True if anything changed."""
    first = cells[0]
    text = _source(first)
    line = time_line(notebook_time(cells))
    if TIME_LINE.search(text):
        new = TIME_LINE.sub(line, text, count=1)
    else:
        title = re.search(r"^# .*$", text, re.M)
        if not title:
            raise ValueError("the lesson's first cell has no '# ' title to put the time under")
        new = text[: title.end()] + "\n\n" + line + text[title.end() :]
    if new == text:
        return False
    first["source"] = new.splitlines(True)
    return True


def apply(paths) -> list[str]:
    """Write each notebook's time line (again); returns the paths changed."""
    changed = []
    for path in map(Path, paths):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if _with_time_line(notebook["cells"]):
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            changed.append(str(path))
    return changed


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    args = sys.argv[1:]
    if not args or args[0] != "--apply":
        sys.exit("usage: python -m course.lessons.timing --apply notebooks/*.ipynb")
    for name in apply(args[1:]):
        print("wrote the time line of", name)
