"""Deeper against wider (lesson 06): the interleaved rounds that time the steps, and the sentences
that read step times and validation losses, one test per case on made-up numbers."""

import numpy as np
import pytest

from course.experiments import capacity
from course.experiments.unit_timing import interleaved_rounds

pytestmark = pytest.mark.pure

DEEP, WIDE = "3 × LSTM(128)", "1 × LSTM(512)"


def test_rounds_visit_every_task_in_a_new_order_and_drop_the_warm_up():
    visits = []

    def task(name, seconds):
        def run():
            visits.append(name)
            return seconds[len([v for v in visits if v == name]) - 1]

        return run

    tasks = {
        "a": task("a", [[9.0, 9.0], [0.1, 0.3, 0.2], [0.4, 0.4], [0.5]]),
        "b": task("b", [[8.0], [1.0], [2.0, 4.0], [3.0]]),
        "c": task("c", [[7.0], [0.0], [0.0], [0.0]]),
    }
    found = interleaved_rounds(tasks, rounds=3, rng=np.random.default_rng(0), warmup_rounds=1)
    assert found == {"a": [0.2, 0.4, 0.5], "b": [1.0, 3.0, 3.0], "c": [0.0, 0.0, 0.0]}  # medians; round 1 dropped
    rounds = [visits[i : i + 3] for i in range(0, 12, 3)]
    assert all(sorted(r) == ["a", "b", "c"] for r in rounds)  # every task once a round
    assert len({tuple(r) for r in rounds}) > 1  # not always in the same order
    with pytest.raises(ValueError):
        interleaved_rounds(tasks, rounds=0, rng=np.random.default_rng(0))


def test_speed_the_deeper_model_is_faster_when_its_slowest_round_beats_the_wider_ones_fastest():
    text = capacity.speed_verdict({DEEP: [0.034, 0.035, 0.037], WIDE: [0.060, 0.062, 0.066]})
    assert text.startswith(
        f"{DEEP} trained faster in every round: 35 ms a step against 62 ms (medians), 1.8× the speed"
    )
    assert "its slowest round (37 ms) beat 1 × LSTM(512)'s fastest (60 ms)" in text


def test_speed_the_wider_model_is_faster_when_its_rounds_are_all_quicker():
    text = capacity.speed_verdict({DEEP: [0.080, 0.090], WIDE: [0.040, 0.050]})
    assert text.startswith(f"{WIDE} trained faster in every round")
    assert "45 ms a step against 85 ms (medians), 1.9× the speed" in text


def test_speed_they_tie_when_the_rounds_overlap():
    text = capacity.speed_verdict({DEEP: [0.030, 0.050], WIDE: [0.045, 0.060]})
    assert text == (
        f"The step times overlap ({DEEP} 30 ms to 50 ms, {WIDE} 45 ms to 60 ms a step): "
        "neither trained faster beyond the spread of the rounds; they tie."
    )


def test_quality_the_issues_figures_tie_against_the_noise_floor():
    """0.030 against 0.028 with a floor of 0.025: the gap is beyond the seeds' spread but 8% of the floor."""
    text = capacity.quality_verdict({DEEP: [0.0299, 0.0301], WIDE: [0.0279, 0.0281]}, floor=0.025, epochs=20)
    assert text.startswith(f"After 20 epochs, mean validation loss over 2 seed(s): {DEEP} 0.0300, {WIDE} 0.0280;")
    assert (
        "The gap (0.0020) is larger than the spread between seeds (0.0002) but only 8% of the noise floor: a tie in practice."
        in text
    )
    assert text.endswith("The lower one is 1.1× the floor.")


def test_quality_they_tie_when_the_gap_is_within_the_seeds_spread():
    text = capacity.quality_verdict({DEEP: [0.036, 0.056], WIDE: [0.037, 0.032]}, floor=0.025)
    assert "The gap (0.0115) is within the spread between seeds (0.0200): they tie." in text
    assert "ended better" not in text


def test_quality_one_is_better_when_the_gap_beats_the_spread_and_a_tenth_of_the_floor():
    text = capacity.quality_verdict({DEEP: [0.040, 0.041], WIDE: [0.030, 0.031]}, floor=0.025)
    assert (
        f"{WIDE} ended better: the gap (0.0100) is larger than the spread between seeds (0.0010) and 40% of the noise floor."
        in text
    )
    flipped = capacity.quality_verdict({DEEP: [0.030, 0.031], WIDE: [0.040, 0.041]}, floor=0.025)
    assert f"{DEEP} ended better" in flipped


def test_quality_says_to_train_longer_while_both_are_far_above_the_floor():
    text = capacity.quality_verdict({DEEP: [0.20, 0.21], WIDE: [0.10, 0.11]}, floor=0.025, epochs=2)
    assert f"{WIDE} ended better" in text
    assert text.endswith("Both are still more than twice the floor (4.2×): train longer before choosing.")


def test_the_verdicts_refuse_what_they_cannot_read():
    with pytest.raises(ValueError, match="exactly two"):
        capacity.speed_verdict({DEEP: [0.1]})
    with pytest.raises(ValueError, match="exactly two"):
        capacity.quality_verdict({DEEP: [0.1], WIDE: [0.1], "third": [0.1]}, floor=0.02)
    with pytest.raises(ValueError, match="noise floor"):
        capacity.quality_verdict({DEEP: [0.1], WIDE: [0.2]}, floor=0.0)
