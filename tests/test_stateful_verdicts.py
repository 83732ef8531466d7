"""Lesson 07's hints and verdicts on made-up inputs, one test per case: the stream-length and
dropped-steps hints of the layout quizzes, the seed comparison (stateful against stateless), the
state checks of fit/evaluate/predict, the comparison with a naive forecast, the FAQ's sentences, and
the fading-total task's arithmetic. No TensorFlow."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from course import data
from course.experiments import state_calls, state_memory, stateful, stateful_co2
from course.lessons.quizzes import lesson_07

pytestmark = pytest.mark.pure


def layout_counts(n, b, t):
    n_batches = n // (b * t)
    return n_batches, n_batches * t, n - n_batches * b * t


# -- the layout quizzes' hints --------------------------------------------------------------------


def test_the_stream_hint_for_100_steps_in_8_streams_of_chunks_of_5_is_true():
    """The issue's case: 100 // 8 = 12 is not the length of a stream; each stream keeps 10 steps."""
    hints = lesson_07.batch_count_hints(100, 8, 5)
    n_batches, stream, _ = layout_counts(100, 8, 5)
    assert (n_batches, stream) == (2, 10) == (data.stateful_layout(100, 8, 5).shape[0], 10)
    assert "the length of each stream" not in hints[12]
    assert "100 // 8 = 12" in hints[12] and "it holds 10 steps" in hints[12]


def test_the_stream_hint_calls_it_the_stream_length_only_when_it_is():
    hints = lesson_07.batch_count_hints(20, 2, 5)  # streams of 10 steps = 20 // 2
    assert hints[10].startswith("That is the length of each stream: 20 // 2 = 10 steps")
    assert data.stateful_layout(20, 2, 5).shape[1:] == (2, 5) and layout_counts(20, 2, 5)[1] == 10


@pytest.mark.parametrize("n, b, t", [(100, 8, 5), (20, 2, 5), (124, 5, 5), (100, 3, 7), (100, 5, 5), (1000, 7, 9)])
def test_every_stream_hint_states_what_is_true_of_its_number(n, b, t):
    hints = lesson_07.batch_count_hints(n, b, t)
    n_batches, stream, _ = layout_counts(n, b, t)
    for guess, hint in hints.items():
        if "the length of each stream" in hint:
            assert guess == stream
        if "steps per stream before trimming" in hint:
            assert guess == n // b != stream and f"it holds {stream} steps" in hint
        if "number of chunks" in hint:
            assert guess == n // t
        if "You rounded up" in hint:
            assert guess == -(-n // (b * t))


def test_two_mistakes_with_the_same_number_get_both_sentences():
    hints = lesson_07.batch_count_hints(100, 5, 5)  # 100 // 5 is both the chunk count and the stream length
    assert "number of chunks" in hints[20] and "Or: That is the length of each stream" in hints[20]
    dropped = lesson_07.dropped_step_hints(20, 2, 5)  # 20 % 5 == 20 % 2 == 0
    assert "after whole chunks" in dropped[0] and "Or: That is 20 % 2 = 0" in dropped[0]


@pytest.mark.parametrize("n, b, t", [(100, 8, 5), (124, 5, 5), (100, 3, 7)])
def test_the_dropped_hints_compute_their_own_numbers(n, b, t):
    hints = lesson_07.dropped_step_hints(n, b, t)
    assert f"{n} % {t} = {n % t}" in hints[n % t]
    assert f"{n} % {b} = {n % b}" in hints[n % b]


def test_the_quizzes_follow_the_settings_and_never_hint_at_the_truth():
    settings = SimpleNamespace(n_steps=100, batch_size=8, timesteps=5)
    batches = lesson_07.batch_count(settings)
    assert batches.answer() == 2 and batches.grade(2).correct
    assert "it holds 10 steps" in batches.grade(12).hint
    dropped = lesson_07.dropped_steps(settings)
    assert dropped.answer() == 20 == layout_counts(100, 8, 5)[2]
    settings.n_steps = 80  # 80 = 2 × 8 × 5: rounding up gives the truth, which is never a "mistake"
    assert batches.answer() == 2 and 2 not in batches.hints()


# -- stateful against stateless, over seeds -------------------------------------------------------


def test_seed_verdict_when_the_state_helps():
    found = state_memory.compare_seeds([0.10, 0.15, 0.12], [0.55, 0.56, 0.57])
    assert found.outcome == "stateful" and "carrying the state helped" in found.verdict()


def test_seed_verdict_when_the_state_hurts():
    found = state_memory.compare_seeds([0.60, 0.62, 0.61], [0.30, 0.31, 0.29])
    assert found.outcome == "stateless" and "did not help, it hurt" in found.verdict()


def test_seed_verdict_when_the_spread_swallows_the_difference():
    found = state_memory.compare_seeds([0.20, 0.40, 0.30], [0.25, 0.45, 0.35])
    assert found.outcome == "tie" and "cannot tell the two apart" in found.verdict()


def test_seed_verdict_with_one_seed_says_there_is_no_spread():
    found = state_memory.compare_seeds([0.1], [0.9])
    assert found.outcome == "too few seeds" and "one seed" in found.verdict()
    with pytest.raises(ValueError):
        state_memory.compare_seeds([], [0.5])


def test_seed_lines_show_mean_spread_and_every_seed():
    found = state_memory.compare_seeds([0.1, 0.3], [0.5, 0.5])
    assert found.line("stateful").startswith(
        "stateful LSTM   MSE 0.200 ± 0.141 (mean ± spread over 2 seeds: 0.100, 0.300)"
    )
    assert found.gap == pytest.approx(0.3) and found.uncertainty == pytest.approx(0.1)


# -- what the calls do to the state ---------------------------------------------------------------


@pytest.mark.parametrize(
    "measured, outcome, words",
    [(20, "carried", "the state carries on"), (5, "reset", "reset to zeros"), (12, "other", "neither")],
)
def test_state_check_sentence_follows_the_count(measured, outcome, words):
    check = state_calls.StateCheck("evaluate, at its first batch", measured, if_carried=20, if_reset=5)
    assert check.outcome == outcome and words in check.sentence() and f"read {measured} steps" in check.sentence()


def made_up_trace(outcomes: dict):
    counts = {"carried": (20, 20, 5), "reset": (5, 20, 5)}
    calls = (
        "fit, from one batch to the next",
        "validation_data, at its first batch",
        "fit, at the start of the next epoch",
        "evaluate, at its first batch",
        "evaluate, from one batch to the next",
        "predict, at its first batch",
        "predict, from one batch to the next",
    )
    checks = tuple(state_calls.StateCheck(call, *counts[outcomes.get(call, "carried")]) for call in calls)
    return state_calls.StateTrace(2, 5, 3, 2, [], [], [], checks)


def test_advice_when_nothing_is_reset():
    advice = state_calls.state_advice(made_up_trace({}))
    assert len(advice) == 4 and "fit does not reset between epochs" in advice[0]
    assert any("on_test_begin" in sentence for sentence in advice)


def test_advice_when_every_call_resets():
    resets = dict.fromkeys(
        (
            "validation_data, at its first batch",
            "fit, at the start of the next epoch",
            "evaluate, at its first batch",
            "predict, at its first batch",
        ),
        "reset",
    )
    assert state_calls.state_advice(made_up_trace(resets)) == [
        "Every call resets the state by itself here: nothing to reset by hand."
    ]


def test_advice_names_only_the_calls_that_carry():
    advice = state_calls.state_advice(made_up_trace({"fit, at the start of the next epoch": "reset"}))
    assert not any("between epochs" in sentence for sentence in advice) and len(advice) == 3
    with pytest.raises(KeyError):
        made_up_trace({}).check("no such call")


# -- against a naive forecast ----------------------------------------------------------------------


def test_baseline_sentence_per_case():
    rng = np.random.default_rng(0)
    base = rng.random(200) + 1.0
    assert "beats the last value forecast" in stateful_co2.baseline_sentence("model", base - 0.5, "last value", base)
    assert "does worse than" in stateful_co2.baseline_sentence("model", base + 0.5, "last value", base)
    noise = rng.normal(scale=0.5, size=200)
    assert "cannot be told apart" in stateful_co2.baseline_sentence(
        "model", base + noise - noise.mean(), "last value", base
    )
    assert "no uncertainty" in stateful_co2.baseline_sentence("model", [1.0], "last value", [2.0])


# -- the FAQ's sentences ---------------------------------------------------------------------------


def faq(n_train, n_val, train_batches, val_batches, failed_at=None, failed_in=None, error=None):
    return stateful.FAQRun(n_train, n_val, 32, train_batches, val_batches, failed_at, failed_in, error)


def test_faq_sentence_when_everything_divides():
    text = faq(320, 96, 10, 3).sentence()
    assert "Keras ran 10 training and 3 validation batches" in text and "320 = 10 × 32 and 96 = 3 × 32" in text
    assert faq(320, 96, 10, 3).stream(1) == list(range(1, 320, 32))


def test_faq_sentence_when_the_last_training_batch_is_short():
    text = faq(330, 0, 10, 0, 11, "training", ValueError("x")).sentence()
    assert "10 full training batches, then stopped at training batch 11, whose 10 rows met a state kept for 32" in text


def test_faq_sentence_when_keras_refuses_before_the_short_batch():
    text = faq(330, 0, 0, 0, 1, "training", ValueError("x")).sentence()
    assert "stopped at training batch 1 with ValueError, before the short batch 11 of 10 rows" in text
    assert "rows met" not in text


def test_faq_sentence_when_the_last_validation_batch_is_short():
    text = faq(320, 100, 10, 3, 4, "validation", ValueError("x")).sentence()
    assert (
        "all 10 training batches and 3 full validation batches" in text and "validation batch 4, whose 4 rows" in text
    )


def test_faq_sentence_when_it_fails_for_another_reason():
    text = faq(320, 96, 2, 0, 3, "training", RuntimeError("out of memory")).sentence()
    assert "RuntimeError: out of memory" in text and "rows met" not in text


# -- the fading total -------------------------------------------------------------------------------


def test_fading_total_by_hand():
    assert state_memory.fading_total([1.0, 0.0, 2.0], fade=0.5).tolist() == [1.0, 0.5, 2.25]
    assert state_memory.fading_total([[1.0, 1.0], [0.0, 4.0]], fade=0.5).tolist() == [[1.0, 1.5], [0.0, 4.0]]
    with pytest.raises(ValueError):
        state_memory.fading_total([1.0], fade=1.0)


def test_memory_task_streams_continue_row_by_row_and_start_from_zero():
    task = state_memory.memory_task(batch_size=4, timesteps=3, train_chunks=5, test_chunks=2, fade=0.5)
    assert task.X_train.shape == task.y_train.shape == (20, 3, 1) and task.X_test.shape == (8, 3, 1)
    streams_x = task.X_train[:, :, 0].reshape(5, 4, 3).transpose(1, 0, 2).reshape(4, -1)  # row i of every batch
    streams_y = task.y_train[:, :, 0].reshape(5, 4, 3).transpose(1, 0, 2).reshape(4, -1)
    assert np.allclose(streams_y, state_memory.fading_total(streams_x, 0.5), atol=1e-6)
    assert task.unseen_share == pytest.approx(0.5**6) and task.half_life == pytest.approx(1.0)


def test_best_stateless_errors_is_the_part_a_chunk_cannot_see():
    fade = 0.5
    x = np.array([[[1.0], [2.0]]])  # one chunk of 2 steps whose stream held 4 before it (settled total 4)
    y = np.array([[[fade * 4 + 1.0], [fade * (fade * 4 + 1.0) + 2.0]]])
    errors = state_memory.best_stateless_errors(x, y, fade)
    assert errors.tolist() == pytest.approx([(fade * 4) ** 2, (fade**2 * 4) ** 2])
