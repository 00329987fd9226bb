"""Indicator evaluation: a traffic light, a trend and the change since the baseline for
every series (indicator x zone or station x category).

Trend: the Theil-Sen slope per year (``scipy.stats.theilslopes``, time = the start of each
value's period in decimal years) with a Mann-Kendall test (``scipy.stats.kendalltau`` of
value on time, exact for small series). It needs ``MIN_TREND_VALUES`` (3) values; it is
*improving* or *worsening* (by the indicator's direction) when the test's p-value is below
``ALPHA`` (0.05), else *stable* (no significant trend).

Traffic light of the last value, against the indicator's references (baseline, target,
warning and alert thresholds, all on the indicator's scale; "worse" follows its direction;
the references apply to every series of the indicator), first rule that holds:

- unknown: the series has no value, or the indicator has no baseline, target or threshold;
- red: at or beyond the alert threshold; or worse than the baseline with a significant
  worsening trend;
- amber: at or beyond the warning threshold; or worse than the baseline; or short of the
  target's trajectory (the straight line from baseline to target, read at the last
  value's period and held at the target after the target period; without a baseline,
  short of the target once the target period has begun);
- green: none of these (on track).
"""

from __future__ import annotations

import math
import warnings
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

MIN_TREND_VALUES = 3
ALPHA = 0.05
SERIES_KEY = ["indicator", "zone_id", "station_id", "category"]
COLUMNS = [*SERIES_KEY, "status", "reason", "n_values", "last_period", "last_value", "baseline_value",
           "target_value", "change_since_baseline", "trend_slope_per_year", "trend_p_value", "trend"]


def decimal_year(day: date | pd.Timestamp) -> float:
    """A date as a decimal year (2024-07-02 is about 2024.5)."""
    day = pd.Timestamp(day)
    start = pd.Timestamp(day.year, 1, 1)
    return day.year + (day - start) / (pd.Timestamp(day.year + 1, 1, 1) - start)


def trend(times: np.ndarray, values: np.ndarray, higher_is_better: bool, *,
          min_values: int = MIN_TREND_VALUES, alpha: float = ALPHA) -> tuple[float | None, float | None, str]:
    """(Theil-Sen slope per year, Mann-Kendall p-value, improving/stable/worsening/unknown)."""
    if len(values) < min_values or len(np.unique(times)) < 2:
        return None, None, "unknown"
    slope = float(stats.theilslopes(values, times).slope)
    with warnings.catch_warnings():  # a constant series has no defined tau: no trend
        warnings.simplefilter("ignore")
        p_value = float(stats.kendalltau(times, values).pvalue)
    if math.isnan(p_value):
        return slope, None, "stable"
    if p_value >= alpha or slope == 0:
        return slope, p_value, "stable"
    return slope, p_value, "improving" if (slope > 0) == higher_is_better else "worsening"


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def traffic_light(last: float, last_time: float, trend_label: str, ref: dict) -> tuple[str, str]:
    """(status, reason) of the last value against the references (the module's rule).

    ``ref``: direction, baseline_value, baseline_time, target_value, target_time,
    warning_threshold, alert_threshold (times in decimal years; absent values None/NaN).
    """
    higher = ref["direction"] == "higher_is_better"

    def worse(a: float, b: float) -> bool:
        return a < b if higher else a > b

    def beyond(a: float, threshold: float) -> bool:
        return a <= threshold if higher else a >= threshold

    baseline, target = ref.get("baseline_value"), ref.get("target_value")
    warning, alert = ref.get("warning_threshold"), ref.get("alert_threshold")
    if not any(_present(v) for v in (baseline, target, warning, alert)):
        return "unknown", "the indicator has no baseline, target or thresholds"
    if _present(alert) and beyond(last, alert):
        return "red", f"at or beyond the alert threshold ({alert:g})"
    below_baseline = _present(baseline) and worse(last, baseline)
    if below_baseline and trend_label == "worsening":
        return "red", f"worse than the baseline ({baseline:g}) and worsening significantly"
    if _present(warning) and beyond(last, warning):
        return "amber", f"at or beyond the warning threshold ({warning:g})"
    if below_baseline:
        return "amber", f"worse than the baseline ({baseline:g})"
    if _present(target):
        expected = _on_path(last_time, ref)
        if expected is not None and worse(last, expected):
            return "amber", f"short of the path to the target (expected {expected:.4g})"
    return "green", "on track"


def _on_path(at: float, ref: dict) -> float | None:
    """The target trajectory's value at time ``at`` (None when there is nothing to expect yet)."""
    target, target_time = ref["target_value"], ref.get("target_time")
    baseline, baseline_time = ref.get("baseline_value"), ref.get("baseline_time")
    if not _present(target_time):
        return target
    if not _present(baseline) or not _present(baseline_time) or target_time <= baseline_time:
        return target if at >= target_time else None
    share = min(max((at - baseline_time) / (target_time - baseline_time), 0.0), 1.0)
    return baseline + share * (target - baseline)


def evaluate(values: pd.DataFrame, indicators: pd.DataFrame, *,
             min_trend_values: int = MIN_TREND_VALUES, alpha: float = ALPHA) -> pd.DataFrame:
    """One evaluation row per series of ``values``.

    ``values``: indicator, zone_id, station_id, category, period, period_start, value (and
    optionally illustrative: a series is illustrative when any of its values is).
    ``indicators``: code, direction, baseline_value, baseline_start, target_value,
    target_start, warning_threshold, alert_threshold (starts are dates of the periods).
    """
    refs = indicators.set_index("code")
    rows = []
    keyed = values.assign(zone_id=values["zone_id"].astype("Int64"), station_id=values["station_id"].astype("Int64"))
    for key, series in keyed.groupby(SERIES_KEY, dropna=False, sort=True):
        indicator = refs.loc[key[0]]
        ref = {"direction": indicator["direction"],
               **{k: _clean(indicator.get(k)) for k in ("baseline_value", "target_value",
                                                        "warning_threshold", "alert_threshold")},
               "baseline_time": _time(indicator.get("baseline_start")),
               "target_time": _time(indicator.get("target_start"))}
        series = series.sort_values("period_start")
        times = np.array([decimal_year(d) for d in series["period_start"]])
        vals = series["value"].to_numpy(dtype=float)
        slope, p_value, label = trend(times, vals, ref["direction"] == "higher_is_better",
                                      min_values=min_trend_values, alpha=alpha)
        status, reason = traffic_light(vals[-1], times[-1], label, ref)
        baseline = ref["baseline_value"]
        rows.append({**dict(zip(SERIES_KEY, key, strict=True)),
                     "illustrative": bool(series["illustrative"].any()) if "illustrative" in series else False,
                     "status": status, "reason": reason,
                     "n_values": len(vals), "last_period": series["period"].iloc[-1],
                     "last_value": float(vals[-1]), "baseline_value": baseline,
                     "target_value": ref["target_value"],
                     "change_since_baseline": None if baseline is None else float(vals[-1]) - baseline,
                     "trend_slope_per_year": slope, "trend_p_value": p_value, "trend": label})
    out = pd.DataFrame(rows, columns=[*COLUMNS, "illustrative"])
    return out.astype({"zone_id": "Int64", "station_id": "Int64"})


def _clean(value) -> float | None:
    return float(value) if _present(value) and not pd.isna(value) else None


def _time(day) -> float | None:
    return None if day is None or pd.isna(day) else decimal_year(day)
