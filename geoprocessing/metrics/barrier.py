"""Barrier effectiveness (MOSE): how much lower the lagoon stays than the sea at high water.

For each high tide at a sea-side gauge (Diga Sud Lido) whose peak is at or above the
threshold (+110 cm; high tides found by the rule of :mod:`.tides`), the simultaneous
lagoon-side peak is the highest level of the lagoon gauge (Punta della Salute) within
``WINDOW`` (3 h) either side of the sea peak: the tide reaches Punta della Salute about
50 minutes after the Lido inlet, and the next high tide is some 12 h away. The reduction
is sea peak minus lagoon peak (cm); the event is *protected* when the lagoon stayed below
the threshold. With the barriers open the lagoon peak is close to the sea's (the
reduction is a few cm, even negative); with the barriers raised it is tens of cm.
An event with no lagoon sample in its window is listed but neither counted nor averaged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .tides import MAX_GAP, MIN_SEPARATION, TIMEZONE, coverage, events, local_years, tide_peaks

THRESHOLD_CM = 110
WINDOW = pd.Timedelta(hours=3)

COLUMNS = ("sea_time", "sea_peak_cm", "lagoon_time", "lagoon_peak_cm", "reduction_cm", "protected", "year")


def barrier_events(sea_cm: pd.Series, lagoon_cm: pd.Series, *, threshold_cm: float = THRESHOLD_CM,
                   window: pd.Timedelta = WINDOW, min_separation: pd.Timedelta = MIN_SEPARATION,
                   max_gap: pd.Timedelta = MAX_GAP, tz: str = TIMEZONE) -> pd.DataFrame:
    """One row per sea-side high tide at or above the threshold (see the module's rule)."""
    sea_events = events(tide_peaks(sea_cm, min_separation=min_separation, max_gap=max_gap), threshold_cm)
    lagoon = lagoon_cm.dropna().sort_index()
    rows = []
    for time, peak in zip(sea_events["time"], sea_events["peak_cm"], strict=True):
        inside = lagoon[time - window:time + window]
        if inside.empty:
            rows.append((time, peak, pd.NaT, np.nan, np.nan, pd.NA))
            continue
        lagoon_peak = float(inside.max())
        rows.append((time, peak, inside.idxmax(), lagoon_peak, peak - lagoon_peak, lagoon_peak < threshold_cm))
    out = pd.DataFrame(rows, columns=COLUMNS[:-1])
    out["sea_time"] = pd.to_datetime(out["sea_time"], utc=True)
    out["lagoon_time"] = pd.to_datetime(out["lagoon_time"], utc=True)
    out["protected"] = out["protected"].astype("boolean")
    out["year"] = local_years(out["sea_time"], tz) if len(out) else np.array([], dtype=int)
    return out


def common_years(sea_cm: pd.Series, lagoon_cm: pd.Series, tz: str = TIMEZONE) -> pd.Series:
    """The years both gauges recorded, with the share of the year both cover (the lesser)."""
    both = coverage(sea_cm, tz).to_frame("sea").join(coverage(lagoon_cm, tz).to_frame("lagoon"), how="inner")
    return both.min(axis=1).rename("coverage")


def barrier_annual(table: pd.DataFrame, years: pd.Series) -> pd.DataFrame:
    """Per year both gauges recorded: sea events, events compared, protected, mean reduction."""
    compared = table[table["protected"].notna()]
    grouped = compared.groupby("year")
    out = pd.DataFrame(index=pd.Index(years.index, name="year"))
    out["coverage"] = years
    out["sea_events"] = table.groupby("year").size().reindex(out.index, fill_value=0).astype(int)
    out["compared"] = grouped.size().reindex(out.index, fill_value=0).astype(int)
    out["protected_events"] = grouped["protected"].sum().reindex(out.index, fill_value=0).astype(int)
    out["mean_reduction_cm"] = grouped["reduction_cm"].mean().reindex(out.index)
    return out.reset_index()
