"""Instructor notes, one page per lesson: what the lesson is for, the misconception each quiz
targets, what each exercise practises and the wrong answer its check catches most, which widget to
project and which moves to make in front of a class, the optional extensions to skip when short of
time, and what the timing cells' verdicts depend on.

The notes are hand-written data (``NOTES``); everything else on a page is read when it is rendered:
the minutes from ``course.lessons.lesson_minutes``, the quizzes, exercises and extension sections
from the notebook itself, and the measured ranges of the timing cells from
``benchmarks/timing_ranges.json`` where that file exists. ``python -m course.lessons.instructor
--write instructor`` writes the pages; ``tests/test_instructor.py`` fails until the committed pages
are what ``render`` gives, so a lesson that moves a quiz or an extension asks for its notes to be
written again.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from course.lessons import LESSONS, REPO_ROOT, Lesson, course_minutes, lesson_minutes
from course.lessons.timing import EXTENSION_TAG, LessonTime

__all__ = [
    "QUESTIONS",
    "QuizNote",
    "ExerciseNote",
    "Move",
    "TimingNote",
    "LessonNotes",
    "NOTES",
    "TIMING_RANGES_FILE",
    "notebook_cells",
    "quizzes_in",
    "exercises_in",
    "extensions_in",
    "headings_in",
    "timing_calls_in",
    "minutes_sentence",
    "problems",
    "render",
    "render_index",
    "write",
]

#: The learner questions (Q) and the wrong claims set right (M) the course answers, by their numbers
#: in the course's list of learner questions, each in a few words of its own.
QUESTIONS: dict[str, str] = {
    "Q1": "must the input layer have one neuron per input column?",
    "Q2": "does the batch size change the input layer?",
    "Q3": "how do 5 rows make one update, and how is that different from the 5th row alone?",
    "Q4": "what are an iteration and an epoch, and which rows go in each iteration?",
    "Q5": "is Dense(32, input_shape=(16,)) one layer or two?",
    "Q6": "does the number of features limit the batch size?",
    "Q7": "must a stateful batch size be a multiple of the features?",
    "Q8": "is LSTM(32) related to batch_size=32?",
    "Q9": "what is a stateful model's full batch shape, and what does sample i of batch k continue?",
    "Q10": "how many batches make an epoch?",
    "Q11": "why batch at all, why are larger batches faster per epoch, and what limits them?",
    "Q12": "when do stochastic, mini-batch and full-batch gradient descent update the weights?",
    "Q13": "where is the batch size set in Keras?",
    "Q14": "why would an LSTM have 100 units for 1 feature; should units equal features?",
    "Q15": "how does a window generator cut a series, and what replaces TimeseriesGenerator?",
    "Q16": "are multiples of 32 faster; is deeper better than wider?",
    "Q17": "how to choose the number of units?",
    "Q18": "(N, 3, 1) or (N, 1, 3): what does the LSTM see; does one neuron take one column?",
    "Q19": "what are the three axes, and why are the samples not in the input's shape?",
    "Q20": "how to turn 2-D data into 3-D, and when to window instead of reshape?",
    "M1": "'the input must match the features' against 'the neurons are totally free'",
    "M2": "'the batch size must be a multiple of the features'",
    "M3": "'units should equal, or not exceed, the features'",
    "M4": "'relu keeps activations between 0 and 1'",
    "M5": "'many hidden units cause vanishing gradients'",
    "M6": "'multiples of 32 are faster'",
    "M7": "'the 10th iteration passes rows 45-50'",
    "M8": "the Keras 2 spellings: batch_input_shape=, input_shape=, TimeseriesGenerator, model.reset_states()",
    "M9": "'larger batches always make an epoch faster'",
}

TIMING_RANGES_FILE = "benchmarks/timing_ranges.json"

QUIZ_CALL = re.compile(r"\bQuiz\.from_spec\(\s*quizzes\.(\w+)\(")
EXERCISE_CALL = re.compile(r"\bexercise\.(check_\w+)\(")
EXTENSION_HEADING = re.compile(r"^## Extension \(optional\):\s*(.+?)\s*$", re.M)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.M)
#: The course's calls that time something on the learner's machine: a lesson that makes one has notes
#: on its timing cells.
TIMING_CALL = re.compile(
    r"\b(time_training_steps|time_units|step_seconds|batch_race\.race|speed_verdict|steady_steps|time_steps)\("
)
INVENTORY_CALL = re.compile(r"\bConceptInventory\(")


@dataclass(frozen=True)
class QuizNote:
    """A quiz (``quizzes.<name>`` in the notebook): the questions or claims it maps to, the
    misconception it targets, and what a wrong answer usually reveals."""

    name: str
    targets: tuple[str, ...]
    misconception: str
    wrong_answer: str


@dataclass(frozen=True)
class ExerciseNote:
    """An exercise (``exercise.<name>`` in the notebook): what it practises, and the wrong answer
    its check catches most often."""

    name: str
    practises: str
    caught: str


@dataclass(frozen=True)
class Move:
    """One move to make on a projected widget: the ``control`` (a trait or a button's method of
    ``widget``), what to do, and what the class should notice."""

    widget: str
    control: str
    do: str
    notice: str


@dataclass(frozen=True)
class TimingNote:
    """A timing cell, named by the heading of its section, and what its verdict depends on."""

    heading: str
    depends_on: str


@dataclass(frozen=True)
class LessonNotes:
    number: int
    purpose: str
    quizzes: tuple[QuizNote, ...] = ()
    exercises: tuple[ExerciseNote, ...] = ()
    moves: tuple[Move, ...] = ()
    timing: tuple[TimingNote, ...] = ()


NOTES: dict[int, LessonNotes] = {
    note.number: note
    for note in (
        LessonNotes(
            0,
            "Shows how the course works before any theory: every widget rebuilds a real Keras model at each move, "
            "every self-check is graded against that live model, and the map says where each learner question is "
            "answered. Its one fact is the first of the course: the input has one value per feature and no weights, "
            "and the hidden layer's units are free.",
            quizzes=(
                QuizNote(
                    "one_more_feature",
                    ("M1", "Q1"),
                    "that a feature is an input neuron with a weight or a bias of its own, rather than a value that "
                    "every hidden unit reads with a weight each.",
                    "one more than the units means the learner gave the new feature a bias; 1 means one weight per "
                    "feature (a feature wired to a single unit); twice the units means they expected the output "
                    "layer to grow too.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_my_model",
                    "writing a first Keras 3 model from the explorer's exported code: keras.Input(shape=(2,)), one "
                    "Dense(5) and one Dense(1).",
                    "a model that starts with a Dense(2) standing in for the input: the check counts one Dense layer "
                    "too many and says that the input is not a Dense layer. A list of layers without keras.Input is "
                    "told that the model does not know its input yet.",
                ),
            ),
            moves=(
                Move(
                    "ShapeExplorer",
                    "features",
                    "Drag features up by one step, units unchanged.",
                    "the input column gains one circle and the total grows by exactly the number of units: the "
                    "quiz's answer, seen before it is asked.",
                ),
                Move(
                    "ShapeExplorer",
                    "units",
                    "Drag units below the number of features, then far above it.",
                    "Keras builds both; nothing ties the units to the features.",
                ),
            ),
        ),
        LessonNotes(
            1,
            "Separates the input (a shape that the data decides, with no weights) from the first hidden layer (units "
            "chosen freely), counts a Dense layer's parameters, shows that the batch size touches no weight, and "
            "reads Keras 2's input_shape= and input_dim= as the keras.Input of Keras 3.",
            quizzes=(
                QuizNote(
                    "parameters",
                    ("M1", "Q1", "Q2"),
                    "that the input layer holds weights, that the output layer is not a layer with weights, or that "
                    "the batch size enters the count.",
                    "the total without the biases or without the output layer is the usual slip; the first hidden "
                    "layer alone means the learner stopped at the layer the lesson drew first; the total times the "
                    "batch size means they still think each row in a batch has its own weights (Q2); the one-layer "
                    "count with several hidden layers means they think every hidden layer reads the features.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_seed_network",
                    "writing the 8 -> 12 -> 8 -> 1 network of a learner's question the Keras 3 way, with "
                    "keras.Input(shape=(8,)) in place of input_dim=8.",
                    "the Keras 2 spelling the lesson has just shown, Dense(12, input_dim=8) with no keras.Input: the "
                    "sizes pass, and the check says that Keras 3 warns about it and that the input belongs on "
                    "keras.Input. A Dense(8) added as an 'input layer' is caught as one Dense layer too many.",
                ),
            ),
            moves=(
                Move(
                    "ShapeExplorer",
                    "batch_size",
                    "Drag the batch size from 5 to its maximum.",
                    "only the first number of every shape in the table changes; the parameter count does not move.",
                ),
                Move(
                    "ShapeExplorer",
                    "n_layers",
                    "Add a second hidden layer.",
                    "its kernel is units × units, not features × units: later layers read the layer before them.",
                ),
                Move(
                    "ShapeExplorer",
                    "features",
                    "Drag features from 3 to 16 with the units fixed.",
                    "the first kernel gains rows and nothing else changes shape: the data sets the input, you set "
                    "the units.",
                ),
            ),
        ),
        LessonNotes(
            2,
            "Defines batch, iteration and epoch by counting the batches a real fit runs; settles which rows the "
            "tenth iteration of 50 rows in batches of 5 takes; shows that a batch is computed at once and that its "
            "gradient is the mean of its rows'; and says where batch_size goes in Keras.",
            quizzes=(
                QuizNote(
                    "iterations",
                    ("Q4", "Q10"),
                    "that the rows left over after the whole batches are dropped, or that an iteration is a row.",
                    "rows divided by the batch size, rounded down, means the learner drops the short last batch; the "
                    "number of rows means one iteration per row; the batch size itself means they confuse the size of "
                    "a batch with the number of batches; a multiple of the epochs means they counted every epoch.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_tenth_batch",
                    "turning 'rows 46-50, counted from 1' into Python's slice X[45:50], and so the counting behind "
                    "the claim about rows 45-50.",
                    "the slice that starts one row early, X[44:49]: the check says that Python counts from 0. The "
                    "claim itself, X[44:50], is caught as six rows in a batch of five.",
                ),
            ),
            moves=(
                Move(
                    "BatchExplorer",
                    "batch_size",
                    "Go from batches of 5 to batches of 7 on 50 rows.",
                    "the last batch is shorter and is still drawn as an iteration of its own: rows ÷ batch size, "
                    "rounded up.",
                ),
                Move(
                    "BatchExplorer",
                    "shuffle",
                    "Tick shuffle with two epochs.",
                    "each epoch deals the rows into batches in a new order, and every row is still used once per "
                    "epoch.",
                ),
                Move(
                    "BatchExplorer",
                    "train",
                    "Press Train after each change.",
                    "the batches Keras ran per epoch, counted by a callback, agree with the drawing.",
                ),
            ),
        ),
        LessonNotes(
            3,
            "Compares stochastic, mini-batch and full-batch gradient descent on one small problem: when each "
            "updates, why 'fastest' depends on whether epochs, updates or seconds are counted, where the gain from "
            "a larger batch stops on this machine, what memory grows with the batch, and what can and cannot be "
            "said about generalisation.",
            quizzes=(
                QuizNote(
                    "most_updates",
                    ("Q12",),
                    "that a larger batch, which computes more rows per step, also moves the weights more often.",
                    "choosing the full batch means the learner counts rows computed, not updates; a middle batch "
                    "means they know the rule but not which way it goes.",
                ),
                QuizNote(
                    "updates_per_epoch",
                    ("Q12", "Q4"),
                    "that the updates of one epoch can be read off without the rounding up of lesson 02.",
                    "rounding down drops the short last batch again; the answer times the epochs counts the whole "
                    "run; the number of rows is stochastic gradient descent; the batch size confuses rows per batch "
                    "with batches.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_batch_for_updates",
                    "working backwards from a number of updates per epoch to a batch size (512 rows, 8 updates).",
                    "the number of updates given as the batch size (8); the check trains an epoch, reports the 64 "
                    "updates Keras made and asks for a larger batch.",
                ),
            ),
            moves=(
                Move(
                    "TrainingLab",
                    "compare",
                    "Press Compare batch sizes and switch between the three panels: epochs, weight updates, seconds.",
                    "the order of the runs changes with the axis: small batches lead per epoch, while the weight-"
                    "updates panel reads each run at its epoch ends, so a large batch looks ahead there by "
                    "construction (the lesson's per-update count shows them level); seconds depend on the machine.",
                ),
                Move(
                    "TrainingLab",
                    "scale_lr",
                    "Tick 'scale it with the batch size', then Compare again.",
                    "the full batch catches up per epoch: it was slow partly because its steps were small.",
                ),
                Move(
                    "TrainingLab",
                    "throughput",
                    "Press Measure throughput.",
                    "rows per second rise steeply at small batches, then flatten: larger batches stop paying once "
                    "the hardware is busy (M9).",
                ),
            ),
            timing=(
                TimingNote(
                    "One race, three ways to time it",
                    "the seconds column and its 'fewest seconds' line come from the lab's runs on the learner's "
                    "machine: the number of cores, other work on it and how long Keras takes to trace each fresh "
                    "model. The epochs column does not depend on the machine.",
                ),
                TimingNote(
                    "Why batch at all, and where the speed-up stops",
                    "rows per second are the median of interleaved rounds after one untimed step per batch size; "
                    "where the rate flattens, and whether the largest batches slow down, depend on the cores, the "
                    "threads numpy and TensorFlow may use and the size of the processor's caches. A shared machine "
                    "(Binder, a busy hub) widens the bands.",
                ),
            ),
        ),
        LessonNotes(
            4,
            "Introduces (samples, timesteps, features): one step of a recurrent cell with its shapes, why the "
            "samples are not in keras.Input(shape=...), what (N, 3, 1) and (N, 1, 3) each ask the LSTM to do, and "
            "how to add the missing axis with a reshape or np.expand_dims, or with windows when the rows follow each "
            "other in time; it ends with what Keras 3 does without a word when an axis is missing.",
            quizzes=(
                QuizNote(
                    "steps",
                    ("Q19", "Q18"),
                    "that the cell runs once per feature, per unit or per sample, rather than once per timestep.",
                    "the number of features means the learner thinks each column is read in a step of its own (one "
                    "neuron per column, Q18); the samples, or samples times timesteps, mean they think the samples "
                    "are read one after another.",
                ),
                QuizNote(
                    "layer_parameters",
                    ("Q19",),
                    "that the timesteps (or the samples) multiply the weights.",
                    "the count times the timesteps means weights per step; a Dense layer's count means the recurrent "
                    "kernel was forgotten; one block of an LSTM or GRU means the gates are not yet known.",
                ),
                QuizNote(
                    "layout",
                    ("Q18",),
                    "that a unit belongs to a column, or that (N, 1, 3) is read as three steps.",
                    "'3 steps' swaps the two layouts; '3 units, one per column' is the one-neuron-one-column idea of "
                    "Q18 itself; '4 steps, one per unit' takes the units for time.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_one_timestep",
                    "adding the timestep axis in the right place: a (6, 3) table as (6, 1, 3), one step of 3 features "
                    "per row.",
                    "X.reshape(6, 3, 1) or np.expand_dims(X, axis=-1), which make each column a timestep: the check "
                    "names that layout and asks for the new axis in the middle, axis=1.",
                ),
            ),
            moves=(
                Move(
                    "SequenceExplorer",
                    "n_samples",
                    "Drag the samples from 8 to 64.",
                    "only the first axis of the data and of the output changes; the parameters stay: that is why the "
                    "samples are not in keras.Input(shape=...).",
                ),
                Move(
                    "SequenceExplorer",
                    "timesteps",
                    "Drag the timesteps from 3 to 12.",
                    "the cell runs more times, and the parameter count does not move: the same weights serve every "
                    "step.",
                ),
                Move(
                    "SequenceExplorer",
                    "features",
                    "Raise the features with the units fixed.",
                    "only the input kernel grows; the recurrent kernel belongs to the units.",
                ),
            ),
        ),
        LessonNotes(
            5,
            "Turns one series into many samples by sliding windows with targets, works out how a window generator "
            "of length 2 and batch size 8 cuts 1..10, replaces TimeseriesGenerator by "
            "keras.utils.timeseries_dataset_from_array, and judges a small forecast on the future against the "
            "last-value forecast.",
            quizzes=(
                QuizNote(
                    "window_count",
                    ("Q15", "Q20"),
                    "that a series is cut into windows like a reshape, or that the target needs no room after the "
                    "window.",
                    "the count with the horizon left out means the target was put inside the window; the length "
                    "divided by the window means non-overlapping pieces (the reshape idea of Q20); an off-by-one "
                    "means the first window was not counted.",
                ),
                QuizNote(
                    "batch_count",
                    ("Q15",),
                    "that batches are cut from the series' steps, or that a short last batch is dropped.",
                    "rounding down drops Keras's short last batch; the number of windows confuses windows with "
                    "batches; the steps divided by the batch size batches the series instead of its windows.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_windows",
                    "writing the Keras 3 replacement for TimeseriesGenerator: the inputs and the targets of "
                    "timeseries_dataset_from_array lined up by hand (M8).",
                    "the whole series as the inputs, which gives one window too many: the check says where Keras "
                    "stops and why the inputs are series[:-1] and the targets series[3:]. Targets that are the last "
                    "step of their own window are caught too.",
                ),
            ),
            moves=(
                Move(
                    "WindowExplorer",
                    "window",
                    "On 1..10, drag the window from 2 to 3.",
                    "each window grows by one step and there is one window fewer.",
                ),
                Move(
                    "WindowExplorer",
                    "horizon",
                    "Drag the horizon from 1 to 3, then to 0.",
                    "the target moves further ahead and windows are lost at the end; at 0 the explorer explains why "
                    "the setting makes no sense.",
                ),
                Move(
                    "WindowExplorer",
                    "batch_size",
                    "Drag the batch size from 8 to 3.",
                    "the last batch is short, and Keras keeps it: press Compare with Keras to see the same batches.",
                ),
            ),
        ),
        LessonNotes(
            6,
            "Shows that units are the size of the hidden state, counts an LSTM's four gate blocks, keeps units, "
            "features and batch size apart, sets right the claims about ReLU and vanishing gradients, and treats the "
            "number of units as a question for validation; deeper against wider and multiples of 32 are measured, "
            "not asserted.",
            quizzes=(
                QuizNote(
                    "first_layer_params",
                    ("Q14",),
                    "that an LSTM's units are like a Dense layer's, with no recurrent weights and a single block.",
                    "one gate's count means the four blocks are not yet known; a count without units × units means "
                    "the recurrent kernel was forgotten; the whole model's count means the Dense head was included; "
                    "a multiple of the timesteps means weights per step.",
                ),
                QuizNote(
                    "units_that_run",
                    ("M3", "Q14", "M6"),
                    "that the units must equal, or not exceed, the features, or must be a multiple of 32.",
                    "'exactly 3' and 'at most 3' are the claim M3; 'only multiples of 32' is M6 taken as a rule of "
                    "Keras.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_deeper_stack",
                    "stacking recurrent layers: which layers return sequences, so each one reads the whole sequence "
                    "of the layer below (Q16).",
                    "return_sequences=True on all three LSTMs, the last included: the check prints the list it found "
                    "and says only the first two hand on a sequence. Leaving it off the first two fails in Keras "
                    "itself while the model is built, before the check runs.",
                ),
            ),
            moves=(
                Move(
                    "UnitsExplorer",
                    "units",
                    "With 1 feature, drag the units from 16 to 100.",
                    "the state is 100 numbers at every step, and the recurrent block of the count grows with the "
                    "square of the units (Q14).",
                ),
                Move(
                    "UnitsExplorer",
                    "features",
                    "Raise the features with the units fixed.",
                    "only the input weights grow: nothing makes the units follow the features (M3).",
                ),
                Move(
                    "UnitsExplorer",
                    "n_layers",
                    "Stack 2, then 3 layers.",
                    "the layers above the first read units values at every step, whatever the features.",
                ),
            ),
            timing=(
                TimingNote(
                    "Extension (optional): race them",
                    "the speed verdict compares steady-state epochs (the first, when Keras traces, is not timed; "
                    "the two models take turns in every round), and calls one faster only where its slowest round "
                    "beats the other's fastest, so the cores, the threads TensorFlow may use and other work on the "
                    "machine decide it. The quality verdict depends on the epochs and the two seeds run, against "
                    "the noise floor.",
                ),
                TimingNote(
                    "Extension (optional): are multiples of 32 faster?",
                    "the verdict reads the bands of interleaved rounds for 120 to 136 units; whether 128 stands out "
                    "depends on how noisy the machine is (a shared one widens every band) and on the hardware: a CPU "
                    "shows little, a GPU can show alignment effects.",
                ),
            ),
        ),
        LessonNotes(
            7,
            "Explains stateful LSTMs: one carried state per row of the batch, hence the fixed batch size; the "
            "Keras 3 recipe against the Keras 2 spellings found online; the streams layout in which sample i of "
            "batch k continues sample i of batch k-1; the divisibility trap; and that the batch size has nothing to "
            "do with the features.",
            quizzes=(
                QuizNote(
                    "batch_count",
                    ("Q9",),
                    "that a stateful layout cuts the series into consecutive chunks and batches them in order, or "
                    "keeps a partial batch.",
                    "the number of chunks means one chunk per batch; the length of a stream means the division by "
                    "the timesteps was forgotten; rounding up means the learner expects the leftover steps to make "
                    "a batch.",
                ),
                QuizNote(
                    "dropped_steps",
                    ("Q9",),
                    "that only whole chunks, or only equal streams, are needed, rather than whole batches.",
                    "what is left after whole chunks, or after equal streams, means the learner checked one of the "
                    "two conditions; a stateful layout needs whole batches of batch_size × timesteps steps.",
                ),
                QuizNote(
                    "batch_and_features",
                    ("M2", "Q7", "Q8"),
                    "that the old documentation example (batch 32, 16 features) ties the batch size to the "
                    "features, or to the units.",
                    "'Yes: a multiple of 16' is M2 itself; 'only when the units equal the batch size' is Q8's "
                    "LSTM(32) against batch_size=32.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_seed_stack",
                    "writing the documentation's stateful stack the Keras 3 way: keras.Input(batch_shape=(32, 8, 16)), "
                    "three LSTM(32, stateful=True) and a Dense(10) (Q9, M8).",
                    "a model whose batch size is left open, keras.Input(shape=(8, 16)) with plain LSTMs: the check "
                    "asks for the batch size to be fixed. An LSTM without stateful=True is caught too. Keras itself "
                    "refuses batch_input_shape= and a stateful layer on an open batch, in the learner's own cell "
                    "before the check runs, as the lesson showed.",
                ),
            ),
            moves=(
                Move(
                    "StatefulExplorer",
                    "shuffle",
                    "With 120 steps, batch size 3 and timesteps 5, tick shuffle.",
                    "the rows of one batch no longer continue the same rows of the batch before: fit's default "
                    "shuffle breaks what a stateful model relies on.",
                ),
                Move(
                    "StatefulExplorer",
                    "batch_size",
                    "Drag the batch size up one step at a time.",
                    "the streams get shorter and the steps dropped at the end change: a stateful model takes whole "
                    "batches only, and the features play no part.",
                ),
                Move(
                    "StatefulExplorer",
                    "units",
                    "Drag the units.",
                    "the layout does not move at all: the units are the width of each carried state, not the batch "
                    "(Q8).",
                ),
            ),
        ),
        LessonNotes(
            8,
            "Teaches learners to read and fix shape errors in their own models: how Keras 3 reads a data shape "
            "(including the axis it adds without a word), the ShapeDoctor's verdicts and verified fixes, reshape "
            "against transpose, the targets against the output, and the gallery of classic Keras errors.",
            quizzes=(
                QuizNote(
                    "silent_axis",
                    ("Q20", "Q19"),
                    "that Keras 3 always rejects data with one axis too few.",
                    "choosing the ndim error means the learner expects the old behaviour (it does come when the "
                    "model itself is built on 2-D input); '1 step of 10 values' means they think the axis is added "
                    "in the middle.",
                ),
                QuizNote(
                    "reshape_or_transpose",
                    ("Q20", "Q18"),
                    "that a reshape to the right shape puts the values in the right place.",
                    "choosing the reshape, or 'either', means the learner checks shapes only; Keras cannot notice "
                    "either, since the shape is all it checks.",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_step_order",
                    "putting readings stored sensor by sensor into the order an LSTM reads, step by step: "
                    "np.transpose(readings, (0, 2, 1)).",
                    "readings.reshape(64, 20, 3): the check says the shape is right and the values are not, since a "
                    "reshape keeps the stored order.",
                ),
            ),
            moves=(
                Move(
                    "ShapeDoctor",
                    "data_shape",
                    "Type (32, 10, 1), then (32, 10), then (32, 1, 10).",
                    "accepted; accepted with the axis added silently, and a warning; rejected with a transpose as "
                    "the fix.",
                ),
                Move(
                    "ShapeDoctor",
                    "stateful",
                    "Tick stateful with batch size 4 and type (10, 10, 1).",
                    "no reshape can help: 10 samples never make whole batches of 4, and the doctor says what to "
                    "change instead.",
                ),
                Move(
                    "ErrorGallery",
                    "case",
                    "Pick the cases one by one.",
                    "Keras's own message on the left, the doctor's explanation and the Keras 3 way on the right.",
                ),
            ),
        ),
        LessonNotes(
            9,
            "Wraps the course up: the cheat sheet checked against tf.keras, every widget once more, each widget's "
            "code taken away and run, the doctor used on a model of one's own, and the Keras 2 to Keras 3 table run "
            "for real on the installed Keras.",
            quizzes=(
                QuizNote(
                    "lstm_params",
                    ("Q14", "Q19"),
                    "that an LSTM's count is a Dense layer's, or has no recurrent weights, or depends on the "
                    "timesteps.",
                    "one gate block means the four gates are not yet known; the count without units × units, or "
                    "without the biases, is a partial formula; a Dense layer's count means the recurrent state was "
                    "forgotten.",
                ),
                QuizNote(
                    "batch_shape_spelling",
                    ("M8", "Q9", "Q19"),
                    "that Keras 2's batch_input_shape= still works, or that shape= takes the batch.",
                    "batch_input_shape= on the layer is the Keras 2 habit (M8); keras.Input(shape=(4, 10, 1)) means "
                    "the learner forgot that shape= describes one sample (Q19).",
                ),
            ),
            exercises=(
                ExerciseNote(
                    "check_translation",
                    "translating a Keras 2 model with input_shape= into Keras 3: keras.Input(shape=(24, 4)) in "
                    "front, the LSTM still returning sequences for the GRU after it.",
                    "input_shape=(24, 4) kept on the LSTM, the very Keras 2 habit of the exercise: the check says "
                    "that Keras 3 warns about it and asks for keras.Input(shape=(24, 4)) in front instead. An input "
                    "with the two axes swapped, keras.Input(shape=(4, 24)), is caught too.",
                ),
                ExerciseNote(
                    "check_co2_model",
                    "cutting the bundled Mauna Loa CO2 series into 52-week windows with next week as the target, "
                    "batching them, and starting a Keras 3 model with the keras.Input the windows need.",
                    "windows without their feature axis, (N, 52) where the LSTM needs (N, 52, 1); then a model "
                    "whose keras.Input does not match the windows, and return_sequences left on the last recurrent "
                    "layer, each named by the check with the shape it expected.",
                ),
            ),
            moves=(
                Move(
                    "StatefulExplorer",
                    "batch_size",
                    "In the stateful explorer (110 steps, chunks of 5), drag the batch size from 4 to 2.",
                    "the steps dropped at the end go: two streams of whole chunks now fill whole batches, a summary "
                    "of lesson 07 in one move.",
                ),
                Move(
                    "ShapeDoctor",
                    "data_shape",
                    "In the doctor, replace (64, 1, 10) by (64, 10, 1).",
                    "the verdict turns from a transpose to accepted.",
                ),
                Move(
                    "WindowExplorer",
                    "stride",
                    "In the window explorer, drag the stride from 2 to 1.",
                    "about twice the windows, overlapping more, from the same series.",
                ),
            ),
        ),
    )
}


# Reading a notebook


def notebook_cells(lesson: Lesson, root: Path = REPO_ROOT) -> list[dict]:
    """The lesson's notebook cells (its JSON ``cells`` list)."""
    path = Path(root) / lesson.notebook
    if not path.is_file():
        raise FileNotFoundError(f"Lesson {lesson.code}'s notebook {lesson.notebook} is not here: the notes need it.")
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _is_extension(cell) -> bool:
    return EXTENSION_TAG in cell.get("metadata", {}).get("tags", [])


def _calls(cells, pattern) -> dict[str, bool]:
    """``{name: in an extension}`` for each call of ``pattern`` in the code cells, in order."""
    found: dict[str, bool] = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            for name in pattern.findall(_source(cell)):
                found.setdefault(name, _is_extension(cell))
    return found


def quizzes_in(cells) -> dict[str, bool]:
    """The quizzes the notebook asks (``Quiz.from_spec(quizzes.<name>(...))``), in order, each with
    whether it sits in an optional extension."""
    return _calls(cells, QUIZ_CALL)


def exercises_in(cells) -> dict[str, bool]:
    """The exercises the notebook checks (``exercise.check_<name>(...)``), in order, each with
    whether it sits in an optional extension."""
    return _calls(cells, EXERCISE_CALL)


def extensions_in(cells) -> list[str]:
    """The titles of the notebook's optional extension sections, in order."""
    return [
        match
        for cell in cells
        if cell["cell_type"] == "markdown" and _is_extension(cell)
        for match in EXTENSION_HEADING.findall(_source(cell))
    ]


def headings_in(cells) -> list[str]:
    """Every Markdown heading of the notebook, without its #s."""
    return [match for cell in cells if cell["cell_type"] == "markdown" for match in HEADING.findall(_source(cell))]


def timing_calls_in(cells) -> list[str]:
    """The course's timing calls the notebook's code makes."""
    return list(_calls(cells, TIMING_CALL))


def _has_inventory(cells) -> bool:
    return any(cell["cell_type"] == "code" and INVENTORY_CALL.search(_source(cell)) for cell in cells)


# Checking the notes against the lessons


def problems(root: Path = REPO_ROOT) -> list[str]:
    """Every way the notes and the lessons disagree, as sentences; empty when they agree."""
    found = []
    for lesson in LESSONS:
        notes = NOTES.get(lesson.number)
        if notes is None:
            found.append(f"lesson {lesson.code} has no notes")
            continue
        cells = notebook_cells(lesson, root)
        for kind, asked, noted in (
            ("quiz", quizzes_in(cells), [note.name for note in notes.quizzes]),
            ("exercise", exercises_in(cells), [note.name for note in notes.exercises]),
        ):
            found += [f"lesson {lesson.code}: the {kind} {name} has no note" for name in asked if name not in noted]
            found += [
                f"lesson {lesson.code}: the note on the {kind} {name} names no {kind} of the notebook"
                for name in noted
                if name not in asked
            ]
        for quiz in notes.quizzes:
            found += [
                f"lesson {lesson.code}: the note on {quiz.name} names {i}, no learner question"
                for i in quiz.targets
                if i not in QUESTIONS
            ]
            if not quiz.targets:
                found.append(f"lesson {lesson.code}: the note on {quiz.name} maps to no learner question")
        headings = headings_in(cells)
        found += [
            f"lesson {lesson.code}: the timing note names the heading '{note.heading}', which the notebook lacks"
            for note in notes.timing
            if note.heading not in headings
        ]
        if timing_calls_in(cells) and not notes.timing:
            found.append(
                f"lesson {lesson.code} times something ({', '.join(timing_calls_in(cells))}) and has no timing notes"
            )
        if not notes.moves:
            found.append(f"lesson {lesson.code}: no moves to make on the projected widget")
    return found


# Rendering


def minutes_sentence(time: LessonTime) -> str:
    """'about N minutes on the core path, M of them exercises and quizzes; ...', from a ``LessonTime``."""
    line = f"about {time.core} minutes on the core path, {time.exercises} of them exercises and quizzes"
    if time.extension:
        return line + f"; the optional extensions add about {time.extension}"
    return line + "; there are no optional extensions"


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min"


def _ids(ids) -> str:
    return "; ".join(f"{i} ({QUESTIONS[i]})" for i in ids)


def _load_ranges(root: Path) -> dict | None:
    path = Path(root) / TIMING_RANGES_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _timing_section(lesson: Lesson, notes: LessonNotes, ranges: dict | None) -> list[str]:
    if not notes.timing:
        return []
    lines = [
        "## Timing cells",
        "",
        "These cells time something on the machine they run on, so their numbers, and sometimes their verdicts, "
        "differ between a laptop, Binder and a hub. Each verdict sentence follows the measurement, whatever it is.",
        "",
    ]
    measured = (ranges or {}).get(lesson.code, {})
    for note in notes.timing:
        lines.append(f"- **{note.heading}**: {note.depends_on}")
        where = measured.get(note.heading)
        if where:
            lines += [f"  - on {place}: {text}" for place, text in where.items()]
        elif ranges is None:
            lines.append(
                f"  - The ranges this cell gives have not been measured on this copy ({TIMING_RANGES_FILE} is absent)."
            )
        else:
            lines.append(f"  - {TIMING_RANGES_FILE} holds no measured range for this cell yet.")
    return [*lines, ""]


def _note(notes: dict, lesson: Lesson, kind: str, name: str):
    if name not in notes:
        raise ValueError(
            f"Lesson {lesson.code}'s {kind} {name} has no note yet: write one in course/lessons/instructor.py's NOTES."
        )
    return notes[name]


def render(lesson: Lesson, timing_ranges: dict | None = None, root: Path = REPO_ROOT) -> str:
    """One lesson's instructor page, as Markdown. ``timing_ranges`` maps a lesson's code ('03') to
    ``{heading of a timing cell: {where: range}}``; by default it is read from
    ``benchmarks/timing_ranges.json`` where that file exists."""
    notes = NOTES[lesson.number]
    cells = notebook_cells(lesson, root)
    time = lesson_minutes(lesson, root)
    ranges = timing_ranges if timing_ranges is not None else _load_ranges(root)
    lines = [
        f"# Lesson {lesson.code}: {lesson.title} (instructor notes)",
        "",
        f"Notebook: [{lesson.notebook}](../{lesson.notebook}).",
        "",
        f"**Time:** {minutes_sentence(time)}.",
        "",
        "**Answers:** " + (_ids(lesson.questions) + "." if lesson.questions else "the course as a whole."),
        "",
        "## What the lesson is for",
        "",
        notes.purpose,
        "",
    ]
    if _has_inventory(cells):
        lines += [
            "## Concept inventory",
            "",
            "This lesson gives the course's concept inventory. Let the learners answer alone and before any "
            "discussion: the comparison of before and after is only worth something if the answers are their own.",
            "",
        ]
    lines += ["## Quizzes: the misconception each one targets", ""]
    asked = quizzes_in(cells)
    by_name = {note.name: note for note in notes.quizzes}
    for name, optional in asked.items():
        note = _note(by_name, lesson, "quiz", name)
        lines += [
            f"### `quizzes.{name}`" + (" (in an optional extension)" if optional else ""),
            "",
            f"- Maps to: {_ids(note.targets)}.",
            f"- Targets the idea {note.misconception}",
            f"- A wrong answer usually reveals: {note.wrong_answer}",
            "",
        ]
    if not asked:
        lines += ["This lesson asks no quiz.", ""]
    lines += ["## Exercises", ""]
    checked = exercises_in(cells)
    by_name = {note.name: note for note in notes.exercises}
    for name, optional in checked.items():
        note = _note(by_name, lesson, "exercise", name)
        lines += [
            f"### `exercise.{name}`" + (" (in an optional extension)" if optional else ""),
            "",
            f"- Practises {note.practises}",
            f"- The wrong answer its check catches most often: {note.caught}",
            "",
        ]
    if not checked:
        lines += ["This lesson has no checked exercise.", ""]
    lines += [
        "## What to project",
        "",
        f"The lesson's widget: **{lesson.widget}**. In front of the class:",
        "",
    ]
    lines += [
        f"{i}. `{move.widget}.{move.control}`: {move.do} What to notice: {move.notice}"
        for i, move in enumerate(notes.moves, start=1)
    ]
    lines += ["", "## Optional extensions", ""]
    titles = extensions_in(cells)
    if titles:
        lines += ["Skip these when short of time; the core path does not need them:", ""]
        lines += [f"- {title}" for title in titles]
    else:
        lines.append("None: every cell of this lesson is on the core path.")
    lines.append("")
    lines += _timing_section(lesson, notes, ranges)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_index(root: Path = REPO_ROOT) -> str:
    """The README of the instructor notes: the lessons with their minutes, and the whole course's."""
    total = course_minutes(root)
    lines = [
        "# Instructor notes",
        "",
        "One page per lesson: what the lesson is for, the misconception each quiz targets, what each exercise "
        "practises and the wrong answer its check catches most often, which widget to project and which moves to "
        "make in front of a class, the optional extensions to skip when short of time, and what the timing cells' "
        "verdicts depend on.",
        "",
        "The minutes are estimated from each notebook: its prose at a careful reading pace, each code cell run and "
        "read, each exercise, quiz and widget given its own time. The codes Q1-Q20 and M1-M9 are the learner "
        "questions and the wrong claims the course answers; lesson 00's map lists them per lesson.",
        "",
        "| # | lesson | core path | of it, exercises and quizzes | optional extensions | notes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for lesson in LESSONS:
        time = lesson_minutes(lesson, root)
        extension = f"~{time.extension} min" if time.extension else "none"
        lines.append(
            f"| {lesson.code} | {lesson.title} | ~{time.core} min | ~{time.exercises} min | {extension} | "
            f"[{lesson.code}.md]({lesson.code}.md) |"
        )
    lines += [
        "",
        f"**The whole course:** {minutes_sentence(total)} ({_hours(total.core)} on the core path, "
        f"{_hours(total.total)} with every extension).",
        "",
        "These pages are written from the lessons by `python -m course.lessons.instructor --write instructor`; "
        "edit the notes in `course/lessons/instructor.py`, not here. The measured ranges of the timing cells come "
        f"from `{TIMING_RANGES_FILE}` where it exists.",
    ]
    return "\n".join(lines) + "\n"


def pages(root: Path = REPO_ROOT, timing_ranges: dict | None = None) -> dict[str, str]:
    """``{file name: Markdown}`` for the README and every lesson's page."""
    found = {"README.md": render_index(root)}
    for lesson in LESSONS:
        found[f"{lesson.code}.md"] = render(lesson, timing_ranges, root)
    return found


def write(folder, timing_ranges: dict | None = None, root: Path = REPO_ROOT) -> list[Path]:
    """Write the README and one page per lesson into ``folder``; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages(root, timing_ranges).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


__all__ += ["pages"]


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    args = sys.argv[1:]
    if len(args) != 2 or args[0] not in ("--write", "--check"):
        sys.exit("usage: python -m course.lessons.instructor --write instructor | --check instructor")
    disagreements = problems()
    if disagreements:
        sys.exit("the notes and the lessons disagree:\n- " + "\n- ".join(disagreements))
    if args[0] == "--write":
        for path in write(args[1]):
            print("wrote", path)
    else:
        stale = [
            name
            for name, text in pages().items()
            if not (Path(args[1]) / name).is_file() or (Path(args[1]) / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            sys.exit(
                "out of date: " + ", ".join(stale) + " (run python -m course.lessons.instructor --write instructor)"
            )
        print("the instructor notes are up to date")
