"""Weekly atmospheric CO2 at Mauna Loa, Hawaii, March 1958 to December 2001: 2,284 readings in
parts per million, public domain (Keeling and Whorf, Scripps Institution of Oceanography, via the
U.S. Department of Energy's Carbon Dioxide Information Analysis Center). A real series with a
trend and a yearly cycle of about 52 weeks: long enough to window, to hold out its last years as the
future, and to need more memory than one short chunk holds."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["CO2Series", "load", "SOURCE", "LICENCE", "WEEKS_PER_YEAR"]

PATH = Path(__file__).with_name("mauna_loa_co2.csv")
SOURCE = (
    "Keeling, C.D. and T.P. Whorf (2004): atmospheric CO2 at Mauna Loa Observatory, weekly averages of "
    "continuous measurements, Carbon Dioxide Information Analysis Center, Oak Ridge National Laboratory, "
    "U.S. Department of Energy (the copy distributed with statsmodels)"
)
LICENCE = "public domain"
WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class CO2Series:
    dates: np.ndarray  # datetime64[D], one per week, in order
    co2: np.ndarray  # float32 parts per million, empty weeks filled
    filled: np.ndarray  # bool: True where the week had no reading and was interpolated

    def __len__(self) -> int:
        return len(self.co2)

    @property
    def years(self) -> np.ndarray:
        """Each reading's date as a decimal year (1958.24 ...), for plotting."""
        days = (self.dates - np.datetime64("1970-01-01", "D")).astype("float64")
        return (1970 + days / 365.2425).astype("float32")


@lru_cache(maxsize=1)
def _read() -> tuple[np.ndarray, np.ndarray]:
    with PATH.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    dates = np.array([f"{r['date'][:4]}-{r['date'][4:6]}-{r['date'][6:]}" for r in rows], dtype="datetime64[D]")
    values = np.array([float(r["co2"]) if r["co2"].strip() else np.nan for r in rows], dtype="float64")
    return dates, values


def load() -> CO2Series:
    """The whole series, with its 59 empty weeks filled by straight-line interpolation between the
    readings either side (``filled`` marks them)."""
    dates, values = _read()
    missing = np.isnan(values)
    index = np.arange(len(values))
    co2 = values.copy()
    co2[missing] = np.interp(index[missing], index[~missing], values[~missing])
    return CO2Series(dates=dates.copy(), co2=co2.astype("float32"), filled=missing.copy())
