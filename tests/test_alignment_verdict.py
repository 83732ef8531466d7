"""Are multiples of 32 faster (lesson 06)? Each outcome of the bands gets its own true sentence,
each tested on made-up rounds."""

import pytest

from course.experiments.unit_timing import TimingBand, alignment_verdict

pytestmark = pytest.mark.pure


def band(**rounds):
    return TimingBand(
        {int(units[1:]): seconds for units, seconds in rounds.items()}, features=8, timesteps=20, batch_size=64
    )


def test_faster_than_every_neighbour():
    text = alignment_verdict(band(u120=[0.020, 0.021], u128=[0.010, 0.012], u136=[0.019, 0.025]))
    assert text == (
        "128 units was faster than every neighbour in every round: its slowest round (12.00 ms) "
        "beat their fastest (19.00 ms)."
    )


def test_slower_than_every_neighbour():
    text = alignment_verdict(band(u120=[0.010, 0.011], u128=[0.020, 0.030], u136=[0.009, 0.012]))
    assert text == (
        "128 units was slower than every neighbour in every round: its fastest round (20.00 ms) "
        "lost to their slowest (12.00 ms)."
    )


def test_overlapping_every_neighbour_is_within_the_noise():
    text = alignment_verdict(band(u120=[0.010, 0.020], u128=[0.011, 0.015], u136=[0.014, 0.030]))
    assert text == (
        "128 units (11.00 ms to 15.00 ms) overlaps the band of all 2 of its neighbours: "
        "the differences are within the noise, so no size is faster here."
    )


def test_faster_than_three_of_four_neighbours_is_not_called_a_tie():
    rounds = band(
        u120=[0.020, 0.022], u124=[0.021, 0.023], u128=[0.010, 0.012], u132=[0.011, 0.030], u136=[0.019, 0.025]
    )
    text = alignment_verdict(rounds)
    assert text == (
        "128 units (10.00 ms to 12.00 ms) beat 3 of its 4 neighbours in every round (120, 124, 136) and "
        "overlapped the band of 1 (132): faster than some sizes near it beyond the noise, but not than all of them."
    )
    assert "no size is faster" not in text


def test_slower_than_some_neighbours_and_faster_than_none():
    text = alignment_verdict(band(u120=[0.005, 0.006], u128=[0.010, 0.012], u136=[0.009, 0.020]))
    assert text == (
        "128 units (10.00 ms to 12.00 ms) lost to 1 of them in every round (120) and overlapped the band of 1 (136): "
        "slower than some sizes near it beyond the noise, and faster than none."
    )


def test_faster_than_some_and_slower_than_others():
    text = alignment_verdict(band(u120=[0.005, 0.006], u128=[0.010, 0.012], u132=[0.011, 0.013], u136=[0.020, 0.030]))
    assert text == (
        "128 units (10.00 ms to 12.00 ms) beat 1 of its 3 neighbours in every round (136), lost to 1 of them in "
        "every round (120) and overlapped the band of 1 (132): faster than some sizes near it and slower than "
        "others, so being a round number did not make it fast."
    )


def test_a_band_without_the_candidate_or_neighbours_is_refused():
    with pytest.raises(ValueError, match="at least one other size"):
        alignment_verdict(band(u128=[0.01]))
    with pytest.raises(ValueError):
        alignment_verdict(band(u120=[0.01], u136=[0.02]))
