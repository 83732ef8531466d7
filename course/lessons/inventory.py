"""The concept inventory: ten multiple-choice questions a learner answers before lesson 00 and
again after lesson 09, so that both of you can see what the course changed.

Each question names the learner questions (Q) and wrong claims (M) of the course's map that it
probes, and the lessons that answer them. Where the right answer is a number or a shape, the
tests compute it with tf.keras, so the key cannot drift from what Keras does.

A learner's answers are kept in a small JSON file in their home folder
(``~/.keras-shapes-course/inventory.json``; the environment variable named by ``STORE_ENV`` points
elsewhere), so the "after" page of lesson 09 can show the "before" answers of lesson 00 even in
another kernel. A missing, unreadable or damaged file is never an error: the page says so and
carries on. Nothing here imports TensorFlow or ipywidgets.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "Question",
    "QUESTIONS",
    "STAGES",
    "STORE_ENV",
    "Grade",
    "grade",
    "coverage",
    "lessons_for",
    "store_path",
    "Saved",
    "load",
    "save",
    "Row",
    "compare",
]

STAGES = ("before", "after")

#: The environment variable that moves the answers file (tests point it at a temporary folder).
STORE_ENV = "KERAS_SHAPES_COURSE_INVENTORY"


@dataclass(frozen=True)
class Question:
    """One multiple-choice question: ``choices[answer]`` is right; ``maps_to`` names the learner
    questions and wrong claims it probes; ``value`` is the number or shape the right choice states,
    where it states one (the tests recompute it with tf.keras)."""

    key: str
    text: str
    choices: tuple[str, ...]
    answer: int
    maps_to: tuple[str, ...]
    explanation: str
    value: object = None

    def __post_init__(self):
        if not 0 <= self.answer < len(self.choices):
            raise ValueError(f"{self.key}: answer {self.answer} is not one of its {len(self.choices)} choices.")


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="I1",
        text=(
            "A table has 3 feature columns and you build keras.Sequential([keras.Input(shape=(3,)), "
            "keras.layers.Dense(units), ...]). What does the table decide?"
        ),
        choices=(
            "Only the input: 3 values per row, holding no weights. The Dense layer's units are yours to choose.",
            "Both: the input takes 3 values and the first Dense layer must have 3 units.",
            "Only the first Dense layer, which must have 3 units; the input adapts to anything.",
            "Neither: any input shape works with any table.",
        ),
        answer=0,
        maps_to=("Q1", "M1"),
        explanation=(
            "The input's size is one row of your data and it has no weights; the first Dense layer's units "
            "are free, and its kernel is (features, units)."
        ),
    ),
    Question(
        key="I2",
        text=(
            "You train on 50 rows of 3 features with model.fit(X, y, batch_size=5). What does model.input_shape print?"
        ),
        choices=("(None, 3)", "(5, 3)", "(None, 5)", "(50, 3)"),
        answer=0,
        maps_to=("Q2", "Q13"),
        explanation=(
            "The batch size is an argument of fit: it says how many rows go through together and never enters "
            "the model's input, whose first axis, None, stands for any number of rows."
        ),
        value=(None, 3),
    ),
    Question(
        key="I3",
        text="An older tutorial starts its model with keras.layers.Dense(32, input_shape=(16,)). What does Keras 3 make of it?",
        choices=(
            "One Dense layer with 16 × 32 + 32 = 544 parameters, behind an input of 16 values with none; Keras warns "
            "that keras.Input(shape=(16,)) is the way to write it.",
            "Two layers with weights: an input layer of 16 neurons and a Dense layer of 32, 560 parameters in all.",
            "One Dense layer with 16 × 32 = 512 parameters: biases are not parameters.",
            "Nothing: Keras 3 stops with an error about input_shape=.",
        ),
        answer=0,
        maps_to=("Q5", "M8"),
        explanation=(
            "input_shape= states the input's shape; the only layer with weights is Dense(32). Keras 3 still "
            "builds it, with a warning; today you write keras.Input(shape=(16,)) first."
        ),
        value=544,
    ),
    Question(
        key="I4",
        text=(
            "50 rows, batch size 5, no shuffling. How many iterations make one epoch, and which rows "
            "(counting from 1) does the last iteration read?"
        ),
        choices=(
            "10 iterations; the last reads rows 46 to 50.",
            "10 iterations; the last reads rows 45 to 50.",
            "5 iterations; the last reads rows 41 to 50.",
            "50 iterations; the last reads row 50 alone.",
        ),
        answer=0,
        maps_to=("Q4", "Q10", "M7"),
        explanation=(
            "50 / 5 = 10 batches of five rows: rows 1-5, 6-10, ..., and the tenth holds rows 46-50 "
            "(rows 45-50 would be six)."
        ),
        value=(10, (46, 50)),
    ),
    Question(
        key="I5",
        text=(
            "1,000 rows, one epoch. How many times are the weights updated with batch size 1 (stochastic), "
            "100 (mini-batch) and 1,000 (full batch)?"
        ),
        choices=(
            "1,000, 10 and 1 times.",
            "Once each: the weights are updated at the end of every epoch.",
            "1,000 times each: every row updates the weights.",
            "1, 10 and 1,000 times.",
        ),
        answer=0,
        maps_to=("Q12", "Q10", "Q11"),
        explanation=(
            "Every batch ends in one update: the loss is averaged over the batch's rows, then the weights move "
            "once. Smaller batches mean more, noisier updates per epoch."
        ),
        value=(1000, 10, 1),
    ),
    Question(
        key="I6",
        text=(
            "A stateful LSTM reads 3 features per step, and you have 96 sequences to train on. "
            "Which batch sizes can it use?"
        ),
        choices=(
            "Any batch size that divides 96, such as 32 or 12: the number of features plays no part.",
            "Only multiples of 3, the number of features, such as 3, 6 or 9.",
            "Exactly 3, one row per feature.",
            "Any batch size at all: a stateful layer quietly drops the sequences left over.",
        ),
        answer=0,
        maps_to=("Q7", "M2", "Q9"),
        explanation=(
            "A stateful layer keeps one state per row of the batch, so every batch must be full: the batch size "
            "must divide the number of sequences. The features only set the last axis."
        ),
        value=32,
    ),
    Question(
        key="I7",
        text="An LSTM reads a series with 1 feature per step. How many units may it have?",
        choices=(
            "Any number, 100 included: the units are the size of its hidden state, not a count of inputs.",
            "Exactly 1, one unit per feature.",
            "At most 1: more units than features cannot learn anything new.",
            "Only a multiple of 32, or Keras refuses the layer.",
        ),
        answer=0,
        maps_to=("Q14", "M3", "Q17"),
        explanation=(
            "Each step's single value is read by every unit through its own weights; the hidden state it "
            "updates has as many numbers as there are units."
        ),
        value=100,
    ),
    Question(
        key="I8",
        text=(
            "keras.layers.LSTM(4) reads 3 features per step and is trained with batch_size=32. "
            "How many parameters does the LSTM layer have?"
        ),
        choices=(
            "128: four sets of weights (three gates and the candidate), each 4 × (3 + 4 + 1).",
            "4,096: 128 for each of the 32 sequences in a batch.",
            "32: 4 × (3 + 4 + 1).",
            "16: 3 × 4 + 4, as for a Dense layer.",
        ),
        answer=0,
        maps_to=("Q8", "Q14"),
        explanation=(
            "Each of the four sets reads the 3 features and the 4 numbers of the hidden state, plus a bias, for "
            "each of the 4 units. The batch size appears nowhere: LSTM(32) and batch_size=32 are unrelated."
        ),
        value=128,
    ),
    Question(
        key="I9",
        text=(
            "You have 53,394 rows of 3 readings taken one after another, and want an LSTM to read each row as "
            "3 timesteps of 1 value. Which array shape do you give it?"
        ),
        choices=("(53394, 3, 1)", "(53394, 1, 3)", "(3, 53394, 1)", "(1, 53394, 3)"),
        answer=0,
        maps_to=("Q18", "Q19", "Q20"),
        explanation=(
            "(samples, timesteps, features): np.expand_dims(table, -1) adds the feature axis. (53394, 1, 3) "
            "would be one timestep of 3 features, with nothing for the LSTM to remember."
        ),
        value=(53394, 3, 1),
    ),
    Question(
        key="I10",
        text=(
            "keras.utils.timeseries_dataset_from_array cuts the series 1, 2, ..., 10 into windows of 2 steps, "
            "each with the step right after it as its target, in batches of 8. What comes out?"
        ),
        choices=(
            "8 windows in 1 batch, from [1, 2] → 3 to [8, 9] → 10.",
            "5 windows in 1 batch: [1, 2], [3, 4], ..., [9, 10].",
            "10 windows in 2 batches of 8 and 2.",
            "9 windows in 2 batches of 8 and 1.",
        ),
        answer=0,
        maps_to=("Q15", "M8"),
        explanation=(
            "A window can start at steps 1 to 8; from step 9 its target would be step 11. This function replaces "
            "Keras 2's TimeseriesGenerator."
        ),
        value=(8, 1),
    ),
)


def coverage() -> set[str]:
    """Every learner question and wrong claim the inventory probes."""
    return {code for question in QUESTIONS for code in question.maps_to}


def lessons_for(question: Question) -> tuple[str, ...]:
    """The lessons (as their two-digit codes) that answer what ``question`` probes, from the map."""
    from course.lessons import LESSONS

    return tuple(lesson.code for lesson in LESSONS if set(lesson.questions) & set(question.maps_to))


def _by_key() -> dict[str, Question]:
    return {question.key: question for question in QUESTIONS}


def _clean(answers) -> dict[str, int]:
    """``answers`` (question key -> choice index; ``None`` or anything else counts as unanswered)
    reduced to valid choices of known questions."""
    known = _by_key()
    kept = {}
    for key, choice in dict(answers or {}).items():
        question = known.get(key)
        if question is None or isinstance(choice, bool) or not isinstance(choice, int):
            continue
        if 0 <= choice < len(question.choices):
            kept[key] = choice
    return kept


@dataclass(frozen=True)
class Grade:
    """One sitting, graded: the valid ``answers`` (key -> choice index) and which were right."""

    answers: dict
    right: dict  # key -> bool, for every question (unanswered counts as not right)

    @property
    def score(self) -> int:
        return sum(self.right.values())

    @property
    def total(self) -> int:
        return len(self.right)

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(key for key in self.right if key not in self.answers)

    def summary(self) -> str:
        text = f"{self.score} of {self.total} right"
        missing = len(self.unanswered)
        if missing:
            text += f" ({missing} left unanswered, counted as not yet right)"
        return text


def grade(answers: Mapping) -> Grade:
    """Grade ``answers``, a mapping from question key (``"I1"`` ...) to the chosen choice's index."""
    kept = _clean(answers)
    return Grade(kept, {q.key: kept.get(q.key) == q.answer for q in QUESTIONS})


def store_path() -> Path:
    """Where the answers are kept: ``$KERAS_SHAPES_COURSE_INVENTORY`` if set, else a file in the
    user's home folder."""
    override = os.environ.get(STORE_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path.home() / ".keras-shapes-course" / "inventory.json"


@dataclass(frozen=True)
class Saved:
    """What the answers file holds: per stage, the answers and when they were graded; ``problem``
    says, in a sentence for the learner, why a file could not be read (empty when all is well)."""

    stages: dict = field(default_factory=dict)  # stage -> {"answers": {...}, "when": "ISO date"}
    problem: str = ""

    def grade(self, stage: str) -> Grade | None:
        entry = self.stages.get(stage)
        return None if entry is None else grade(entry["answers"])

    def when(self, stage: str) -> str:
        return self.stages.get(stage, {}).get("when", "")


def _check_stage(stage: str) -> str:
    if stage not in STAGES:
        raise ValueError(
            f"stage must be 'before' (at the start of lesson 00) or 'after' (in lesson 09), got {stage!r}."
        )
    return stage


def load(path: Path | str | None = None) -> Saved:
    """The saved answers; a missing file gives none, and an unreadable or damaged one gives none
    with a ``problem`` saying so (never an exception)."""
    path = Path(path) if path is not None else store_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Saved()
    except (OSError, UnicodeDecodeError) as exc:
        return Saved(problem=f"Your earlier answers in {path} could not be read ({type(exc).__name__}).")
    try:
        raw = json.loads(text)
    except ValueError:
        return Saved(problem=f"Your earlier answers in {path} were damaged and could not be read.")
    if not isinstance(raw, dict):
        return Saved(problem=f"Your earlier answers in {path} were not in the expected form and could not be read.")
    stages, damaged = {}, False
    for stage in STAGES:
        if stage not in raw:
            continue
        entry = raw[stage]
        if isinstance(entry, dict) and isinstance(entry.get("answers"), dict):
            stages[stage] = {"answers": _clean(entry["answers"]), "when": str(entry.get("when", ""))}
        else:
            damaged = True
    if damaged:
        return Saved(stages, f"Part of your earlier answers in {path} was damaged and could not be read.")
    return Saved(stages)


def save(stage: str, answers: Mapping, path: Path | str | None = None, when: datetime | None = None) -> str:
    """Keep ``answers`` as the ``stage`` sitting (replacing an earlier one of the same stage, keeping
    the other stage). Returns "" when saved, else a sentence saying why it could not be."""
    _check_stage(stage)
    path = Path(path) if path is not None else store_path()
    saved = load(path)
    stages = dict(saved.stages)
    moment = (when or datetime.now(UTC)).isoformat(timespec="seconds")
    stages[stage] = {"answers": _clean(answers), "when": moment}
    written = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".inventory-", suffix=".json", delete=False
        ) as handle:
            written = handle.name
            json.dump({"version": 1, **stages}, handle, indent=1)
        os.replace(written, path)  # all at once: a reader never sees half a file
    except OSError as exc:
        if written is not None:
            Path(written).unlink(missing_ok=True)
        return (
            f"Your answers could not be saved to {path} ({exc.strerror or type(exc).__name__}); "
            "your score still stands, but the other page will not find it."
        )
    return ""


@dataclass(frozen=True)
class Row:
    """One question's before-and-after: ``before`` is None where there was no before sitting."""

    key: str
    before: bool | None
    after: bool


def compare(before: Grade | None, after: Grade) -> list[Row]:
    """Each question's result before and after, in order."""
    return [Row(q.key, None if before is None else before.right[q.key], after.right[q.key]) for q in QUESTIONS]
