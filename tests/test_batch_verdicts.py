"""Lessons 02 and 03's sentences on made-up numbers: every outcome of the batch-size comparisons
gets its own true sentence, and every wrong count of iterations its own true hint."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from course import shapes
from course.experiments import batch_race
from course.lessons.quizzes.lesson_02 import counting_mistakes

pytestmark = pytest.mark.pure


def equal(batch_size, val_losses, curves=(), updates=60):
    """A made-up equal-updates result: ``val_losses`` one per seed, ``curves`` per update."""
    return batch_race.EqualUpdates(
        batch_size, updates, updates * batch_size, tuple(0.5 for _ in val_losses), tuple(val_losses), tuple(curves)
    )


# The race: epochs and seconds only, read at the end of each epoch


def curve(batch_size, val_loss, updates, seconds):
    return SimpleNamespace(batch_size=batch_size, val_loss=val_loss, updates=updates, seconds=seconds)


def test_the_race_counts_epochs_and_seconds_and_names_no_update_winner():
    curves = [
        curve(8, [0.5, 0.4, 0.35], [64, 128, 192], [1.0, 2.0, 3.0]),
        curve(512, [0.7, 0.5, 0.45], [1, 2, 3], [0.2, 0.4, 0.6]),
    ]
    result = batch_race.race(curves)
    assert result.finish == 0.45
    laps = {lap.batch_size: lap for lap in result.laps}
    assert (laps[8].epochs, laps[8].updates, laps[8].seconds) == (2, 128, 2.0)
    assert (laps[512].epochs, laps[512].updates) == (3, 3)
    assert result.winners == {"epochs": 8, "seconds": 512}, "updates read at epoch ends are not a fair count"
    assert result.distinct_winners == 2
    with pytest.raises(ValueError, match="No finished runs"):
        batch_race.race([curve(8, [], [], [])])


# Updates to the line, counted after every update


def test_updates_to_a_line_are_the_first_update_at_or_below_it_per_seed():
    run = equal(8, (0.3, 0.3), curves=((0.9, 0.6, 0.5, 0.3), (0.9, 0.8, 0.7, 0.69)), updates=4)
    assert run.updates_to(0.6) == (2, None)
    assert run.updates_to(0.9) == (1, 1)
    assert run.seeds == 2 and run.band == (0.3, 0.3)


def line_runs(counts_by_batch, updates=60, line=0.5):
    """Runs whose validation loss first reaches ``line`` after the given update (None: never)."""

    def one(count):
        return tuple(line + 0.1 if count is None or k < count else line - 0.01 for k in range(1, updates + 1))

    return [
        equal(b, tuple(0.4 for _ in counts), curves=tuple(one(c) for c in counts), updates=updates)
        for b, counts in counts_by_batch.items()
    ]


@pytest.mark.parametrize(
    "counts, winner, where",
    [
        ({8: (10, 11, 12), 64: (15, 16, 17), 512: (20, 21, 20)}, 8, "the smallest"),
        ({8: (25, 30, 28), 64: (15, 16, 17), 512: (20, 21, 20)}, 64, "neither the smallest nor the largest"),
        ({8: (25, 30, 28), 64: (22, 23, 24), 512: (20, 21, 20)}, 512, "the largest"),
    ],
)
def test_the_fewest_updates_are_named_only_when_they_are_fewest_in_every_seed(counts, winner, where):
    text = batch_race.updates_to_line_statement(line_runs(counts), 0.5)
    assert f"Batch {winner}, {where}, needed the fewest updates" in text
    assert "batch 8: " in text and "overlap" not in text and "one seed" not in text


def test_overlapping_counts_name_no_winner():
    text = batch_race.updates_to_line_statement(line_runs({8: (16, 20, 18), 64: (17, 22, 19), 512: (20, 21, 17)}), 0.5)
    assert "no batch size clearly needed the fewest" in text
    assert "batch 8: 16-20" in text and "fewest updates, fewer" not in text


def test_runs_that_miss_the_line_are_said_so_and_none_reaching_it_says_train_longer():
    text = batch_race.updates_to_line_statement(line_runs({8: (10, 12), 512: (None, 50)}), 0.5)
    assert "Batch 8, the smallest, needed the fewest updates" in text
    assert "batch 512: 50 (not reached in 1 seed)" in text
    assert "Batch 512 did not reach it within 60 updates in every seed." in text
    none = batch_race.updates_to_line_statement(line_runs({8: (None,), 512: (None,)}), 0.5)
    assert "No batch size reached it in every seed within 60 updates" in none and "needed the fewest" not in none


def test_one_seed_is_named_as_one_seed():
    text = batch_race.updates_to_line_statement(line_runs({8: (10,), 512: (20,)}), 0.5)
    assert "needed the fewest updates" in text and "That is one seed" in text
    with pytest.raises(ValueError):
        batch_race.updates_to_line_statement(line_runs({8: (10,)}), 0.5)


# Losses at equal updates: one reading per outcome


def test_all_within_the_noise_credits_no_batch_size():
    text = batch_race.equal_updates_statement(
        [equal(8, (0.56, 0.57, 0.55)), equal(64, (0.55, 0.56, 0.54)), equal(512, (0.55, 0.56, 0.54))]
    )
    assert "All of them are within the noise" in text and "bought nothing measurable" in text
    assert "paid off" not in text and "ended lowest" not in text
    assert "64× the rows" in text and "over 3 seeds" in text


def test_the_largest_batch_lowest_credits_its_cleaner_gradients():
    text = batch_race.equal_updates_statement(
        [equal(8, (0.70, 0.71)), equal(64, (0.60, 0.61)), equal(512, (0.50, 0.51))]
    )
    assert "the cleaner gradients of the largest batch paid off: batch 512 ended lowest" in text
    assert "beyond the noise of batches 8 and 64" in text and "within the noise of it" not in text


def test_the_smallest_batch_lowest_says_the_cleaner_gradients_did_not_pay_off():
    text = batch_race.equal_updates_statement(
        [equal(8, (0.50, 0.51)), equal(64, (0.60, 0.61)), equal(512, (0.70, 0.71))]
    )
    assert "did not pay off here: the smallest batch, 8, ended lowest" in text
    assert "cleaner gradients of the largest batch paid off" not in text


def test_a_middle_batch_lowest_is_named_and_a_level_one_is_said_to_be_level():
    text = batch_race.equal_updates_statement(
        [equal(8, (0.70, 0.71)), equal(64, (0.50, 0.52)), equal(512, (0.52, 0.53))]
    )
    assert "A middle size ended lowest: batch 64, beyond the noise of batch 8" in text
    assert "Batch 512 ended within the noise of it." in text
    assert "paid off" not in text


def test_one_seed_measures_no_noise_and_reads_nothing_into_the_difference():
    text = batch_race.equal_updates_statement([equal(8, (0.70,)), equal(512, (0.50,))])
    assert "With one seed there is no noise" in text
    assert "paid off" not in text and "ended lowest" not in text
    with pytest.raises(ValueError):
        batch_race.equal_updates_statement([equal(8, (0.5,))])


# Lesson 02's hints for counting the iterations of an epoch


@pytest.mark.parametrize(
    "rows, batch_size, epochs",
    [(50, 7, 1), (50, 7, 2), (50, 8, 2), (50, 5, 1), (10, 3, 4), (5, 8, 1), (1000, 32, 3), (50, 1, 2), (512, 22, 20)],
)
def test_every_hint_is_for_a_wrong_count_and_names_the_numbers(rows, batch_size, epochs):
    truth = shapes.iterations_per_epoch(rows, batch_size)
    hints = counting_mistakes(rows, batch_size, epochs)
    assert hints and truth not in hints
    for guess, hint in hints.items():
        assert str(rows) in hint or str(batch_size) in hint, hint


def test_fifty_rows_in_batches_of_seven_gets_a_hint_for_each_slip():
    hints = counting_mistakes(50, 7)
    assert shapes.iterations_per_epoch(50, 7) == 8 and 8 not in hints
    # 7 is both the batch size and 50 / 7 rounded down: the hint names both slips, each true
    assert hints[7].startswith("7 can come from two slips.")
    assert "7 is the batch size" in hints[7]
    assert "50 ÷ 7 rounded down is 7: 7 full batches cover 49 rows, and the 1 row left over" in hints[7]
    # 7.14: divided but did not round up
    assert hints[7.14] == hints[50 / 7] == hints[7.1]
    assert "50 ÷ 7 ≈ 7.14" in hints[7.14] and "Round up: the last batch holds the 1 row left over." in hints[7.14]
    assert "one iteration per row" in hints[50]
    assert "multiplies where it should divide" in hints[350]


def test_each_slip_gets_its_own_hint_where_the_numbers_differ():
    hints = counting_mistakes(50, 8, epochs=2)  # 7 iterations, a last batch of 2
    assert "50 ÷ 8 rounded down is 6: 6 full batches cover 48 rows, and the 2 rows left over" in hints[6]
    assert hints[8].startswith("8 is the batch size") and "two slips" not in hints[8]
    assert "50 ÷ 8 = 6.25" in hints[6.25]
    assert "14 counts all 2 epochs of 50 rows in batches of 8" in hints[14]


def test_a_table_smaller_than_one_batch_and_batches_that_divide_exactly():
    small = counting_mistakes(5, 8)  # one short batch of 5
    assert "no row is left out" in small[0] and "5 ÷ 8 = 0.625" in small[0.625]
    exact = counting_mistakes(50, 5)  # 10 iterations, nothing left over
    assert not any(isinstance(guess, float) for guess in exact), "no rounding to hint at when 5 divides 50"
    assert "5 is the batch size" in exact[5] and set(exact) == {5, 50, 250}


def test_hints_speak_of_updates_where_the_lesson_does():
    hints = counting_mistakes(512, 30, step="update")
    assert "its own update" in hints[17] and "iteration" not in " ".join(hints.values())
    with pytest.raises(ValueError):
        counting_mistakes(0, 5)
