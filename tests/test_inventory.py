"""Pure tier: the concept inventory's questions, its grading, its map to the learner questions, and
the small file that keeps a learner's answers from before the course to after it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from course.lessons import LESSONS, inventory
from course.lessons.inventory import QUESTIONS

pytestmark = pytest.mark.pure

LEARNER_QUESTIONS = {f"Q{n}" for n in range(1, 21)} | {f"M{n}" for n in range(1, 10)}
RIGHT = {q.key: q.answer for q in QUESTIONS}


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home" / "inventory.json"
    monkeypatch.setenv(inventory.STORE_ENV, str(path))
    return path


def test_ten_questions_each_with_one_right_choice_among_distinct_ones():
    assert len(QUESTIONS) == 10
    assert len({q.key for q in QUESTIONS}) == 10
    for question in QUESTIONS:
        assert len(question.choices) >= 3, question.key
        assert len(set(question.choices)) == len(question.choices), question.key
        assert 0 <= question.answer < len(question.choices)
        assert question.text.strip() and question.explanation.strip()


def test_every_question_maps_to_the_course_map_and_together_they_cover_ten_or_more():
    for question in QUESTIONS:
        assert question.maps_to, f"{question.key} probes nothing on the map"
        assert set(question.maps_to) <= LEARNER_QUESTIONS, question.maps_to
        assert inventory.lessons_for(question), f"{question.key}: no lesson answers it"
    assert len(inventory.coverage()) >= 10
    answered_somewhere = {code for lesson in LESSONS for code in lesson.questions}
    assert inventory.coverage() <= answered_somewhere, "every code probed is answered by a lesson"


def test_grading_counts_right_answers_only():
    assert inventory.grade(RIGHT).score == 10
    assert inventory.grade({}).score == 0 and len(inventory.grade({}).unanswered) == 10
    wrong_first = {**RIGHT, "I1": (QUESTIONS[0].answer + 1) % len(QUESTIONS[0].choices)}
    result = inventory.grade(wrong_first)
    assert result.score == 9 and result.right["I1"] is False and result.right["I2"] is True
    assert result.summary() == "9 of 10 right"


def test_grading_ignores_what_is_not_an_answer():
    noisy = {"I1": QUESTIONS[0].answer, "I2": 99, "I3": "0", "I4": True, "I5": None, "nope": 0}
    result = inventory.grade(noisy)
    assert result.answers == {"I1": QUESTIONS[0].answer}
    assert result.score == 1
    assert "9 left unanswered" in result.summary()


def test_compare_pairs_before_and_after_per_question():
    before = inventory.grade({"I1": QUESTIONS[0].answer})
    after = inventory.grade(RIGHT)
    rows = inventory.compare(before, after)
    assert [row.key for row in rows] == [q.key for q in QUESTIONS]
    assert rows[0].before is True and rows[1].before is False and all(row.after for row in rows)
    assert all(row.before is None for row in inventory.compare(None, after))


def test_store_path_follows_the_environment_variable(store, monkeypatch):
    assert inventory.store_path() == store
    monkeypatch.delenv(inventory.STORE_ENV)
    assert inventory.store_path() == Path.home() / ".keras-shapes-course" / "inventory.json"


def test_store_round_trip_keeps_each_stage(store):
    assert inventory.load().stages == {} and inventory.load().problem == ""  # no file yet: nothing, quietly
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert inventory.save("before", {"I1": 0, "I2": 3}, when=moment) == ""
    assert inventory.save("after", RIGHT) == ""
    saved = inventory.load()
    assert saved.problem == ""
    assert saved.stages["before"]["answers"] == {"I1": 0, "I2": 3}
    assert saved.when("before") == "2026-01-02T03:04:05+00:00"
    assert saved.grade("after").score == 10
    assert saved.grade("before").score == (QUESTIONS[0].answer == 0) + (QUESTIONS[1].answer == 3)
    inventory.save("before", RIGHT)  # a second "before" replaces the first and keeps "after"
    again = inventory.load()
    assert again.grade("before").score == 10 and again.grade("after").score == 10
    assert not list(store.parent.glob(".inventory-*")), "no temporary file left behind"


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2, 3]", b'{"before": "yes"}', b"\xff\xfe\x00garbage", b""],
    ids=["broken", "a list", "wrong form", "not text", "empty"],
)
def test_a_damaged_store_is_read_as_empty_and_said_kindly_then_replaced(store, content):
    store.parent.mkdir(parents=True)
    store.write_bytes(content)
    saved = inventory.load()
    assert saved.stages == {}
    assert "could not be read" in saved.problem and "Traceback" not in saved.problem
    assert inventory.save("before", RIGHT) == ""
    assert inventory.load().grade("before").score == 10 and inventory.load().problem == ""


def test_a_store_that_cannot_be_written_says_so_and_does_not_raise(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(inventory.STORE_ENV, str(blocker / "inventory.json"))  # its folder is a file
    problem = inventory.save("after", RIGHT)
    assert problem.startswith("Your answers could not be saved") and "score still stands" in problem


def test_an_unknown_stage_is_refused_with_the_two_stages_named(store):
    with pytest.raises(ValueError, match="'before'.*'after'"):
        inventory.save("during", RIGHT)


def test_the_saved_file_is_plain_json_a_person_can_read(store):
    inventory.save("before", {"I3": 0})
    raw = json.loads(store.read_text(encoding="utf-8"))
    assert raw["version"] == 1 and raw["before"]["answers"] == {"I3": 0}
