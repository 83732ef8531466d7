"""The real series ships with the course and reads the same on every machine: no download."""

import csv

import numpy as np
import pytest

from course.datasets import mauna_loa

pytestmark = pytest.mark.pure


def test_the_series_is_every_week_from_1958_to_2001():
    series = mauna_loa.load()
    assert len(series) == 2284
    assert str(series.dates[0]) == "1958-03-29" and str(series.dates[-1]) == "2001-12-29"
    assert set(np.diff(series.dates).astype(int)) == {7}, "one reading a week, none skipped"
    assert series.co2.dtype == np.float32 and not np.isnan(series.co2).any()


def test_only_the_empty_weeks_are_filled_and_they_lie_between_their_neighbours():
    with mauna_loa.PATH.open(newline="") as handle:
        raw = [row["co2"] for row in csv.DictReader(handle)]
    series = mauna_loa.load()
    empty = np.array([not value.strip() for value in raw])
    assert empty.sum() == 59 and (series.filled == empty).all()
    kept = ~empty
    assert np.allclose(series.co2[kept], np.array([float(v) for v, e in zip(raw, empty) if not e]), atol=1e-4)
    for i in np.flatnonzero(empty):
        before = series.co2[:i][kept[:i]][-1]
        after = series.co2[i + 1 :][kept[i + 1 :]][0]
        assert min(before, after) - 1e-4 <= series.co2[i] <= max(before, after) + 1e-4


def test_the_series_has_a_trend_and_a_yearly_cycle():
    co2 = mauna_loa.load().co2
    assert co2[-52:].mean() - co2[:52].mean() > 50, "about 317 ppm in 1958, about 370 in 2001"
    detrended = co2[52:] - co2[:-52]  # a year's change: positive, small against the cycle's swing
    assert (detrended > 0).mean() > 0.9
    assert np.ptp(co2[1000:1052]) > 4, "the yearly cycle swings several ppm"


def test_load_hands_out_a_fresh_copy_each_time():
    first = mauna_loa.load()
    first.co2[:] = 0
    assert mauna_loa.load().co2[0] > 300


def test_source_and_licence_are_stated_next_to_the_file():
    readme = (mauna_loa.PATH.parent / "README.md").read_text()
    assert mauna_loa.LICENCE == "public domain" and "public domain" in readme
    assert "Keeling" in mauna_loa.SOURCE and "Keeling" in readme
