"""ConceptInventory: ten questions before the course and again after it, graded by the course,
with the before and after results side by side."""

from __future__ import annotations

import html

import ipywidgets as W
import traitlets

from course.lessons import inventory
from widgets._base import show_message
from widgets._lifecycle import register

__all__ = ["ConceptInventory"]

#: Long choices wrap inside the page instead of running off its edge.
_STYLE = "<style>.course-inventory .widget-radio-box label {white-space: normal; height: auto;}</style>"

_INTRO = {
    "before": (
        "<b>Before you start: ten questions.</b> Pick the answer you believe, or the one you would guess; "
        "nobody sees it but you. Press <b>Grade</b> for your score. Your answers are kept on this computer, "
        "and at the end of lesson 09 you meet the same questions again and see what changed."
    ),
    "after": (
        "<b>Ten questions, again.</b> These are the questions you met at the start of lesson 00. Answer them "
        "now and press <b>Grade</b>: you see each answer explained, and your scores before and after side by side."
    ),
}


def _mark(right: bool | None) -> str:
    if right is None:
        return "—"
    return "✓ right" if right else "✗ not yet"


class ConceptInventory(W.VBox):
    """The course's concept inventory as a form: ten ``RadioButtons`` (one per question, usable
    with the keyboard), a **Grade** button, the score, and for ``stage="after"`` the saved
    "before" answers compared with today's, per question and in total.

    Driving it from Python does what the mouse does: set ``.choices["I1"].value`` to a choice's
    index, then call :meth:`grade`. ``path`` overrides where the answers are kept (by default
    ``course.lessons.inventory.store_path()``).
    """

    stage = traitlets.Unicode("before", help="'before' (start of lesson 00) or 'after' (lesson 09)")
    score = traitlets.Int(None, allow_none=True, help="right answers at the last grading, None before grading")
    graded = traitlets.Bool(False, help="whether the learner has graded this sitting")

    def __init__(self, stage: str = "before", path=None, **kwargs):
        if stage not in inventory.STAGES:
            raise ValueError(
                f"stage must be 'before' (at the start of lesson 00) or 'after' (in lesson 09), got {stage!r}."
            )
        super().__init__(**kwargs)
        register(self)
        self.stage = stage
        self.path = path
        self.result: inventory.Grade | None = None
        self.comparison: list[inventory.Row] = []
        self.saved = inventory.load(self.path)
        self.intro = W.HTML(_STYLE + _INTRO[stage])
        self.note = W.HTML()
        self.choices: dict[str, W.RadioButtons] = {}
        rows = []
        for number, question in enumerate(inventory.QUESTIONS, start=1):
            prompt = W.HTML(f"<b>{number}.</b> {html.escape(question.text)}")
            choice = W.RadioButtons(
                options=[(text, index) for index, text in enumerate(question.choices)],
                value=None,
                description=f"Answer {number}",
                style={"description_width": "initial"},
                layout=W.Layout(width="auto"),
            )
            self.choices[question.key] = choice
            rows.append(W.VBox([prompt, choice], layout=W.Layout(margin="0 0 8px 0")))
        self.grade_button = W.Button(description="Grade", icon="check", button_style="primary")
        self.grade_button.on_click(lambda _button: self.grade())
        self.feedback = W.HTML()
        self.table = W.HTML()
        self.children = [self.intro, self.note, *rows, self.grade_button, self.feedback, self.table]
        self.add_class("course-inventory")
        self.layout.border = "1px solid #9ecae1"
        self.layout.padding = "6px"
        self._show_note()

    def code(self) -> str:
        """The code that shows this inventory in any notebook."""
        return f'from widgets import ConceptInventory\n\nConceptInventory(stage="{self.stage}")\n'

    def answers(self) -> dict:
        """The choices picked so far: question key -> choice index (unanswered ones left out)."""
        return {key: choice.value for key, choice in self.choices.items() if choice.value is not None}

    def _before(self) -> inventory.Grade | None:
        return self.saved.grade("before")

    def _show_note(self) -> None:
        """What the store says before grading: a damaged file, or the earlier sitting."""
        parts = []
        if self.saved.problem:
            parts.append(f"{self.saved.problem} Grading saves your answers afresh.")
        before = self._before()
        if self.stage == "before" and before is not None:
            parts.append(
                f"You answered these before ({self.saved.when('before')[:10]}): {before.summary()}. "
                "Grading again replaces those answers."
            )
        if self.stage == "after":
            if before is None:
                parts.append(
                    "No answers from the start of the course are saved here, so there is nothing to compare with "
                    "(the inventory at the top of lesson 00 saves them). Your score today still counts."
                )
            else:
                parts.append(f"Your answers from the start of the course ({self.saved.when('before')[:10]}) are saved.")
        self.note.value = "".join(f"<p>{html.escape(part)}</p>" for part in parts)

    def grade(self) -> inventory.Grade:
        """Grade the picked answers, save them as this stage, and show the result."""
        result = inventory.grade(self.answers())
        problem = inventory.save(self.stage, result.answers, self.path)
        self.saved = inventory.load(self.path) if not problem else self.saved
        self.result = result
        self.score = result.score
        self.graded = True
        self.note.value = ""  # what it said about the earlier sitting is now out of date
        if self.stage == "before":
            self._show_before(result, problem)
        else:
            self._show_after(result, problem)
        return result

    def _show_before(self, result: inventory.Grade, problem: str) -> None:
        marks = ", ".join(f"{n}: {_mark(result.right[q.key])}" for n, q in enumerate(inventory.QUESTIONS, start=1))
        text = (
            f"You scored {result.summary()}. Per question: {marks}. The lessons answer every one; you meet the "
            "same questions again in lesson 09, where each answer is explained."
        )
        show_message(self.feedback, text + (f" {problem}" if problem else ""), "problem" if problem else "info")
        self.table.value = ""

    def _show_after(self, result: inventory.Grade, problem: str) -> None:
        before = self._before()
        self.comparison = inventory.compare(before, result)
        if before is None:
            text = f"Today you scored {result.summary()}. There is no earlier score saved to compare with."
        else:
            change = result.score - before.score
            moved = f"{change:+d}" if change else "no change"
            text = f"Before the course: {before.score} of {before.total}. Today: {result.summary()} ({moved})."
        show_message(self.feedback, text + (f" {problem}" if problem else ""), "problem" if problem else "ok")
        self.table.value = self._table_html(before)

    def _table_html(self, before: inventory.Grade | None) -> str:
        header = (
            "<tr><th>#</th><th>question</th><th>before</th><th>today</th><th>the right answer, and why</th>"
            "<th>lessons</th></tr>"
        )
        rows = [header]
        for number, (question, row) in enumerate(zip(inventory.QUESTIONS, self.comparison), start=1):
            why = f"{question.choices[question.answer]} {question.explanation}"
            rows.append(
                f"<tr><td>{number}</td><td>{html.escape(question.text)}</td><td>{_mark(row.before)}</td>"
                f"<td>{_mark(row.after)}</td><td>{html.escape(why)}</td>"
                f"<td>{', '.join(inventory.lessons_for(question))}</td></tr>"
            )
        total_before = "—" if before is None else f"{before.score} of {before.total}"
        rows.append(
            f"<tr><td></td><td><b>total</b></td><td><b>{total_before}</b></td>"
            f"<td><b>{self.result.score} of {self.result.total}</b></td><td></td><td></td></tr>"
        )
        return (
            '<table style="border-collapse:collapse" border="1" cellpadding="4">'
            "<caption>Your answers before the course and today, per question</caption>" + "".join(rows) + "</table>"
        )
