"""Widgets tier: the ConceptInventory driven headless: answer, grade, save, and the after-view with
and without a before sitting."""

from __future__ import annotations

import ipywidgets as W
import pytest

from course.lessons import inventory
from course.lessons.inventory import QUESTIONS
from widgets import ConceptInventory

pytestmark = pytest.mark.widgets

RIGHT = {q.key: q.answer for q in QUESTIONS}


def wrong(question) -> int:
    return (question.answer + 1) % len(question.choices)


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "inventory.json"
    monkeypatch.setenv(inventory.STORE_ENV, str(path))
    return path


def answer(widget: ConceptInventory, picks: dict) -> None:
    for key, choice in picks.items():
        widget.choices[key].value = choice  # what clicking a radio button does


def test_ten_keyboard_usable_questions_each_with_a_description(store):
    widget = ConceptInventory(stage="before")
    assert list(widget.choices) == [q.key for q in QUESTIONS]
    for number, (question, radio) in enumerate(zip(QUESTIONS, widget.choices.values()), start=1):
        assert isinstance(radio, W.RadioButtons) and radio.value is None, "nothing picked for the learner"
        assert radio.description == f"Answer {number}"
        assert list(radio.options) == [(text, i) for i, text in enumerate(question.choices)]
    assert isinstance(widget.grade_button, W.Button) and widget.grade_button.description == "Grade"
    assert widget.score is None and not widget.graded
    assert 'ConceptInventory(stage="before")' in widget.code()


def test_before_grades_saves_and_shows_the_score_without_revealing_answers(store):
    widget = ConceptInventory(stage="before")
    picks = {**RIGHT, "I1": wrong(QUESTIONS[0]), "I2": wrong(QUESTIONS[1])}
    del picks["I10"]
    answer(widget, picks)
    widget.grade_button.click()
    assert widget.graded and widget.score == 7
    assert "7 of 10 right (1 left unanswered" in widget.feedback.value
    assert "1: ✗ not yet" in widget.feedback.value and "3: ✓ right" in widget.feedback.value
    assert QUESTIONS[0].explanation not in widget.feedback.value + widget.table.value, "no answers given away"
    saved = inventory.load()
    assert saved.grade("before").score == 7 and "after" not in saved.stages


def test_after_shows_before_and_after_side_by_side(store):
    before = {**RIGHT, "I1": wrong(QUESTIONS[0]), "I8": wrong(QUESTIONS[7]), "I9": wrong(QUESTIONS[8])}
    inventory.save("before", before)
    widget = ConceptInventory(stage="after")
    assert "answers from the start of the course" in widget.note.value
    answer(widget, {**RIGHT, "I9": wrong(QUESTIONS[8])})
    result = widget.grade()
    assert result.score == 9 and widget.score == 9
    assert "Before the course: 7 of 10. Today: 9 of 10 right (+2)." in widget.feedback.value
    rows = {row.key: row for row in widget.comparison}
    assert (rows["I1"].before, rows["I1"].after) == (False, True)
    assert (rows["I9"].before, rows["I9"].after) == (False, False)
    assert (rows["I2"].before, rows["I2"].after) == (True, True)
    table = widget.table.value
    assert "<b>7 of 10</b>" in table and "<b>9 of 10</b>" in table
    assert table.count("<tr>") == 1 + 10 + 1, "a header, ten questions, the totals"
    assert "06" in table, "each question names the lessons that answer it"
    assert inventory.load().grade("before").score == 7, "the after sitting keeps the before one"
    assert inventory.load().grade("after").score == 9


def test_after_without_a_before_says_so_kindly(store):
    widget = ConceptInventory(stage="after")
    assert "nothing to compare with" in widget.note.value
    answer(widget, RIGHT)
    widget.grade()
    assert "There is no earlier score saved to compare with" in widget.feedback.value
    assert all(row.before is None for row in widget.comparison)
    assert "—" in widget.table.value and "Traceback" not in widget.table.value


def test_a_damaged_store_is_said_and_replaced(store):
    store.write_text("{ half a file", encoding="utf-8")
    widget = ConceptInventory(stage="after")
    assert "damaged" in widget.note.value and "afresh" in widget.note.value
    answer(widget, RIGHT)
    widget.grade()
    assert inventory.load().problem == "" and inventory.load().grade("after").score == 10


def test_a_store_that_cannot_be_written_still_shows_the_score(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(inventory.STORE_ENV, str(blocker / "inventory.json"))
    widget = ConceptInventory(stage="before")
    answer(widget, RIGHT)
    widget.grade()
    assert widget.score == 10 and "could not be saved" in widget.feedback.value


def test_grading_again_replaces_the_before_and_the_page_says_it_will(store):
    first = ConceptInventory(stage="before")
    first.grade()  # nothing picked: zero, and saved
    second = ConceptInventory(stage="before")
    assert "0 of 10 right" in second.note.value and "replaces" in second.note.value
    answer(second, RIGHT)
    second.grade()
    assert second.note.value == "" and inventory.load().grade("before").score == 10


def test_an_unknown_stage_is_refused_in_words():
    with pytest.raises(ValueError, match="'before'.*'after'"):
        ConceptInventory(stage="middle")
