"""Indicator series as the report reads them: the last value by the end of a period, the
evaluation that speaks for it, and the *headline* series that stand for an indicator in
tables (an indicator has one series per place and breakdown category).

A series is keyed by (indicator, zone, station, category); here zone and station are
integers with 0 for "none" (the whole site), so that keys sort and compare simply.

Headline rule, for each indicator:
1. the category: the one named in :data:`HEADLINE_CATEGORY` when it has values, else the
   empty category, else the first in order;
2. the place: with a partner, the partner's municipality zone when it has a value; else
   the whole site; else the zones of the first zone kind with values in the order of
   ``laguna.zone_kinds`` (property, buffer, lagoon, basin, ...; at most
   :data:`MAX_HEADLINE` of them, largest first); else the stations (by code, at most
   :data:`MAX_HEADLINE`).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

KEY = ["indicator", "zone", "station", "category"]
MAX_HEADLINE = 5

# The breakdown that best sums up an indicator with categories.
HEADLINE_CATEGORY = {
    "LAND_COVER_AREA": "2",          # salt marshes
    "LAND_COVER_SHARE": "2",
    "LAND_COVER_CHANGE": "net:2",    # net change of salt marshes
    "ELEVATION_STATS": "mean",
    "NDVI_STATS": "mean",
    "SALT_MARSH_AREA": "vector",
    "SALT_MARSH_NET_CHANGE": "vector",
    "FLOOD_LAND_SHARE": "110",       # the level at which the city's lowest parts flood
    "FLOOD_ASSETS_EXPOSED": "110",
    "PLAN_PROJECTS": "completed",
    "PLAN_BUDGET": "allocated",
    "PLAN_FUNDING": "law77",
}

# Zone kinds a map by zone draws, first group with values wins (an indicator with a
# declared zone kind uses that kind). Small places suit flooding and visitor pressure.
MAP_GROUPS_DEFAULT = (("basin",), ("municipality",), ("sestiere", "island"), ("municipalita",))
MAP_GROUPS = {
    "FLOOD_LAND_SHARE": (("sestiere", "island"),),
    "FLOOD_ASSETS_EXPOSED": (("sestiere", "island"),),
    "ACCOMMODATION_DENSITY": (("sestiere", "island"),),
    "ACCOMMODATION_PER_RESIDENT": (("sestiere", "island"),),
}


def keyed(values: pd.DataFrame) -> pd.DataFrame:
    """Values (or evaluations) with integer ``zone``/``station`` columns (0 = none)."""
    out = values.copy()
    out["zone"] = out["zone_id"].fillna(0).astype(int)
    out["station"] = out["station_id"].fillna(0).astype(int)
    return out


def last_values(values: pd.DataFrame, end: date) -> pd.DataFrame:
    """One row per series: its last value whose period starts by ``end``, with ``n`` values."""
    v = values[values["period_start"] <= end]
    if v.empty:
        return v.assign(n=pd.Series(dtype=int))
    v = v.sort_values([*KEY, "period_start", "period_end", "id"])
    counts = v.groupby(KEY, sort=False).size().rename("n")
    last = v.groupby(KEY, sort=False).tail(1).set_index(KEY)
    return last.join(counts).reset_index()


def with_evaluations(last: pd.DataFrame, evaluations: pd.DataFrame) -> pd.DataFrame:
    """Attach each series' evaluation, kept only when it judged the same last value
    (same period and value); a stale one is dropped and the series shows no status."""
    cols = ["status", "trend", "trend_slope_per_year", "trend_p_value", "change_since_baseline",
            "evaluated_on", "eval_run", "eval_value", "eval_period", "eval_baseline", "eval_target"]
    if evaluations.empty or last.empty:
        return last.assign(**{c: None for c in cols})
    e = evaluations.rename(columns={"job_run_id": "eval_run", "last_value": "eval_value",
                                    "last_period": "eval_period", "baseline_value": "eval_baseline",
                                    "target_value": "eval_target"})
    e = e[[*KEY, *cols]]
    out = last.merge(e, on=KEY, how="left")
    close = np.array([ev is not None and not _nan(ev)
                      and math.isclose(float(ev), float(v), rel_tol=1e-9, abs_tol=1e-12)
                      for ev, v in zip(out["eval_value"], out["value"], strict=True)], dtype=bool)
    same = (out["eval_period"] == out["period"]).to_numpy() & close
    for c in cols:
        out[c] = out[c].where(same, None)
    return out


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def headline_category(code: str, categories: list[str]) -> str:
    preferred = HEADLINE_CATEGORY.get(code)
    if preferred in categories:
        return preferred
    if "" in categories:
        return ""
    return sorted(categories)[0]


def headline(code: str, series: pd.DataFrame, zones: pd.DataFrame, partner_zone: int | None = None) -> pd.DataFrame:
    """The headline rows of one indicator among its series (rows of :func:`last_values`)."""
    mine = series[series["indicator"] == code]
    if mine.empty:
        return mine
    cat = headline_category(code, list(mine["category"].unique()))
    mine = mine[mine["category"] == cat]
    if partner_zone and (mine["zone"] == partner_zone).any():
        return mine[mine["zone"] == partner_zone]
    site = mine[(mine["zone"] == 0) & (mine["station"] == 0)]
    if not site.empty:
        return site
    in_zones = mine[mine["zone"] > 0].merge(
        zones[["id", "kind", "sort_order", "area_ha"]].rename(columns={"id": "zone"}), on="zone")
    if not in_zones.empty:
        first = in_zones["sort_order"].min()
        pick = in_zones[in_zones["sort_order"] == first].sort_values(["area_ha", "zone"], ascending=[False, True])
        return pick.head(MAX_HEADLINE).drop(columns=["kind", "sort_order", "area_ha"])
    return mine[mine["station"] > 0].sort_values("station").head(MAX_HEADLINE)


def map_kinds(code: str, declared_kind: str | None, series: pd.DataFrame, zones: pd.DataFrame,
              category: str) -> tuple[str, ...]:
    """Zone kinds to draw an indicator's map by zone with (empty when it has no zone values)."""
    mine = series[(series["indicator"] == code) & (series["category"] == category) & (series["zone"] > 0)]
    kinds = set(zones.loc[zones["id"].isin(mine["zone"]), "kind"])
    groups = ((declared_kind,),) if declared_kind else MAP_GROUPS.get(code, MAP_GROUPS_DEFAULT)
    for group in groups:
        present = tuple(k for k in group if k in kinds)
        if present:
            return present
    return ()


def judgement(previous: float | None, current: float | None, direction: str) -> str:
    """better / worse / same / new, by the indicator's direction."""
    if current is None or _nan(current):
        return "same"
    if previous is None or _nan(previous):
        return "new"
    if math.isclose(previous, current, rel_tol=1e-9, abs_tol=1e-9):
        return "same"
    up = current > previous
    return "better" if up == (direction == "higher_is_better") else "worse"
