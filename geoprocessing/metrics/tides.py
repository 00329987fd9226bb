"""High water at a tide gauge: high-tide peaks, events at or above a level, annual maxima.

The event rule (an event is a high tide, not a sample): a high tide is a peak of the
level found by ``scipy.signal.find_peaks`` on the series laid on its own regular step,
keeping peaks at least ``MIN_SEPARATION`` (8 h) apart. Venice's tide is semi-diurnal:
distinct high tides come about 12 h 25 min apart (two on most days), while the wiggles of
a 5-minute record around one high tide (seiches, wind, the gauge's 1 cm steps) are closer
than 8 h and collapse into the highest of them. A flat top of equal samples is one peak,
timed at its middle. A high tide is an event at +110 cm when its peak is at or above
110 cm, however many samples are above. Gaps up to ``MAX_GAP`` (1 h) are bridged by linear
interpolation; a peak at the edge of a longer gap is kept (the highest level seen: a lower
bound) and flagged ``at_gap``. A peak needs a sample on each side, so a high tide cut by
the start or end of the record is not counted.

Levels are in cm above the Punta della Salute datum (ZMPS); years are calendar years in
the site's time zone (Europe/Rome).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.signal import find_peaks

from ..errors import InvalidInput

THRESHOLDS_CM = (110, 140)
MIN_SEPARATION = pd.Timedelta(hours=8)
MAX_GAP = pd.Timedelta(hours=1)
TIMEZONE = "Europe/Rome"

_TO_CM = {"m": 100.0, "cm": 1.0, "mm": 0.1}


def to_cm(levels: pd.Series, unit: str) -> pd.Series:
    """Levels in cm, from a series in m, cm or mm (rounded to 1e-6 cm: 1.4 m is 140 cm)."""
    factor = _TO_CM.get(unit)
    if factor is None:
        raise InvalidInput(f"The series {levels.name} is in '{unit}': water levels must be in m, cm or mm.")
    return (levels.astype(float) * factor).round(6).rename(levels.name)


def regular_step(levels: pd.Series) -> pd.Timedelta:
    """The series' sampling step: its most common interval."""
    steps = levels.index.to_series().diff().dropna()
    steps = steps[steps > pd.Timedelta(0)]
    if steps.empty:
        raise InvalidInput(f"The series {levels.name} has fewer than two distinct times.")
    return steps.mode().iloc[0]


def tide_peaks(levels_cm: pd.Series, *, min_separation: pd.Timedelta = MIN_SEPARATION,
               max_gap: pd.Timedelta = MAX_GAP) -> pd.DataFrame:
    """Every high tide of a level series: ``time``, ``peak_cm``, ``at_gap``, oldest first."""
    empty = pd.DataFrame({"time": pd.DatetimeIndex([], tz="UTC"), "peak_cm": [], "at_gap": []})
    levels = levels_cm.dropna().sort_index()
    if len(levels) < 3:
        return empty
    step = regular_step(levels)
    # One value per step (the highest, should samples fall off the grid), empty steps NaN.
    grid = levels.resample(step, origin=levels.index[0]).max()
    filled = _bridge_short_gaps(grid, max(0, int(max_gap / step)))
    values = filled.to_numpy(dtype=float, na_value=np.nan, copy=True)
    values[np.isnan(values)] = -np.inf  # a long gap is a trough: the peaks around it stay apart
    index, _ = find_peaks(values, distance=max(1, int(min_separation / step)))
    if index.size == 0:
        return empty
    at_gap = np.isneginf(values[index - 1]) | np.isneginf(values[index + 1])
    return pd.DataFrame({"time": filled.index[index], "peak_cm": values[index], "at_gap": at_gap})


def _bridge_short_gaps(grid: pd.Series, longest: int) -> pd.Series:
    """Interpolate runs of at most ``longest`` missing steps; leave longer gaps missing whole."""
    missing = grid.isna()
    run_length = missing.groupby((~missing).cumsum()).transform("sum")
    bridged = grid.interpolate(method="time", limit_area="inside")
    return bridged.where(~missing | (run_length <= longest))


def events(peaks: pd.DataFrame, threshold_cm: float) -> pd.DataFrame:
    """The high tides whose peak is at or above the threshold."""
    return peaks[peaks["peak_cm"] >= threshold_cm].reset_index(drop=True)


def local_years(times: pd.DatetimeIndex | pd.Series, tz: str = TIMEZONE) -> np.ndarray:
    """The calendar year of each time in the site's time zone."""
    index = pd.DatetimeIndex(times)
    return np.asarray(index.tz_convert(tz).year, dtype=int)


def coverage(levels: pd.Series, tz: str = TIMEZONE) -> pd.Series:
    """Share of each calendar year the series covers (samples x step / length of the year)."""
    levels = levels.dropna()
    step = regular_step(levels)
    years = local_years(levels.index, tz)
    counts = pd.Series(1, index=years).groupby(level=0).sum()
    lengths = [pd.Timestamp(year + 1, 1, 1, tz=tz) - pd.Timestamp(year, 1, 1, tz=tz) for year in counts.index]
    return (counts * step / pd.Series(lengths, index=counts.index)).clip(upper=1.0).rename("coverage")


def annual_high_water(levels_cm: pd.Series, peaks: pd.DataFrame,
                      thresholds: Iterable[float] = THRESHOLDS_CM, tz: str = TIMEZONE) -> pd.DataFrame:
    """Per calendar year: events at each threshold (``events_110``...), maximum and when, coverage."""
    levels = levels_cm.dropna()
    years = local_years(levels.index, tz)
    by_year = levels.groupby(years)
    out = pd.DataFrame({"max_cm": by_year.max(), "max_at": by_year.idxmax()})
    out["coverage"] = coverage(levels, tz)
    peak_years = local_years(peaks["time"], tz) if len(peaks) else np.array([], dtype=int)
    for threshold in thresholds:
        above = peak_years[peaks["peak_cm"].to_numpy() >= threshold] if len(peaks) else peak_years
        counts = pd.Series(1, index=above).groupby(level=0).sum() if len(above) else pd.Series(dtype=int)
        out[f"events_{threshold:g}"] = counts.reindex(out.index, fill_value=0).astype(int)
    out.index.name = "year"
    return out.reset_index()
