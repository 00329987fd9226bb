"""Indicator evaluation: trends on series with known slopes, the traffic-light rule case by case."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geoprocessing.metrics import evaluation as ev

YEARS = np.arange(2015, 2025, dtype=float)


def test_theil_sen_slope_ignores_an_outlier_and_kendall_p_is_exact():
    values = 3.0 * (YEARS - 2015) + 5
    values[4] = 80  # one wild value
    slope, p, label = ev.trend(YEARS, values, higher_is_better=False)
    assert slope == 3.0  # 36 of the 45 pairwise slopes are exactly 3
    assert label == "worsening" and p < 0.01
    clean = 3.0 * (YEARS - 2015) + 5
    slope, p, label = ev.trend(YEARS, clean, higher_is_better=True)
    # a perfectly monotone series of 10: two-sided exact p = 2 / 10!
    assert p == pytest.approx(2 / math.factorial(10)) and label == "improving"


def test_monthly_series_slope_is_per_year():
    starts = pd.date_range("2022-01-01", periods=24, freq="MS")
    times = np.array([ev.decimal_year(d) for d in starts])
    values = 0.5 * np.arange(24)  # half a unit a month
    slope, _, label = ev.trend(times, values, higher_is_better=True)
    assert slope == pytest.approx(6.0, rel=0.02) and label == "improving"


def test_no_significant_trend_is_stable_and_few_values_unknown():
    zigzag = np.array([5, 7, 4, 6, 5, 7, 4, 6, 5, 6], dtype=float)
    slope, p, label = ev.trend(YEARS, zigzag, higher_is_better=True)
    assert label == "stable" and p > 0.05
    assert ev.trend(YEARS, np.full(10, 3.0), True)[::2] == (0.0, "stable")
    assert ev.trend(YEARS[:2], np.array([1.0, 2.0]), True) == (None, None, "unknown")


def ref(**kw):
    base = {"direction": "lower_is_better", "baseline_value": None, "baseline_time": None,
            "target_value": None, "target_time": None, "warning_threshold": None, "alert_threshold": None}
    return {**base, **kw}


@pytest.mark.parametrize(("last", "expected"), [(12, "red"), (10, "red"), (7, "amber"), (5, "amber"), (3, "green")])
def test_thresholds_lower_is_better(last, expected):
    assert ev.traffic_light(last, 2024.0, "stable", ref(warning_threshold=5, alert_threshold=10))[0] == expected


@pytest.mark.parametrize(("last", "expected"), [(40, "red"), (60, "amber"), (80, "green")])
def test_thresholds_higher_is_better(last, expected):
    r = ref(direction="higher_is_better", warning_threshold=70, alert_threshold=50)
    assert ev.traffic_light(last, 2024.0, "stable", r)[0] == expected


def test_away_from_the_baseline():
    r = ref(direction="higher_is_better", baseline_value=100, baseline_time=2015.0)
    assert ev.traffic_light(95, 2024.0, "worsening", r) == (
        "red", "worse than the baseline (100) and worsening significantly")
    assert ev.traffic_light(95, 2024.0, "stable", r)[0] == "amber"
    assert ev.traffic_light(101, 2024.0, "worsening", r)[0] == "green"


def test_target_trajectory():
    r = ref(direction="higher_is_better", baseline_value=100, baseline_time=2020.0,
            target_value=120, target_time=2030.0)
    assert ev.traffic_light(108, 2025.0, "stable", r) == ("amber", "short of the path to the target (expected 110)")
    assert ev.traffic_light(112, 2025.0, "stable", r)[0] == "green"
    assert ev.traffic_light(118, 2032.0, "stable", r)[0] == "amber"  # held at the target afterwards
    no_baseline = ref(direction="higher_is_better", target_value=120, target_time=2030.0)
    assert ev.traffic_light(50, 2025.0, "stable", no_baseline)[0] == "green"  # nothing to expect yet
    assert ev.traffic_light(110, 2031.0, "stable", no_baseline)[0] == "amber"


def test_without_references_unknown():
    assert ev.traffic_light(5, 2024.0, "worsening", ref())[0] == "unknown"


def test_evaluate_every_series():
    rows = []
    for year in range(2015, 2025):
        rows.append(("HW", None, 7, "", str(year), date(year, 1, 1), 2.0 + (year - 2015)))  # rising events
        rows.append(("LC", 3, None, "1", str(year), date(year, 1, 1), 50.0))
    rows.append(("LC", 3, None, "2", "2024", date(2024, 1, 1), 9.0))
    values = pd.DataFrame(rows, columns=["indicator", "zone_id", "station_id", "category", "period",
                                         "period_start", "value"])
    indicators = pd.DataFrame([
        {"code": "HW", "direction": "lower_is_better", "baseline_value": 4.0, "baseline_start": date(2015, 1, 1),
         "target_value": 2.0, "target_start": date(2030, 1, 1), "warning_threshold": 8.0, "alert_threshold": 15.0},
        {"code": "LC", "direction": "higher_is_better", "baseline_value": None, "baseline_start": None,
         "target_value": None, "target_start": None, "warning_threshold": None, "alert_threshold": None}])
    out = ev.evaluate(values, indicators).set_index(["indicator", "category"])
    hw = out.loc[("HW", "")]
    assert (hw["status"], hw["trend"], hw["n_values"], hw["last_period"], hw["last_value"]) == (
        "red", "worsening", 10, "2024", 11.0)
    assert hw["change_since_baseline"] == 7.0 and hw["trend_slope_per_year"] == pytest.approx(1.0)
    assert pd.isna(hw["zone_id"]) and hw["station_id"] == 7
    lc1, lc2 = out.loc[("LC", "1")], out.loc[("LC", "2")]
    assert (lc1["status"], lc1["trend"], lc1["trend_slope_per_year"]) == ("unknown", "stable", 0.0)
    assert (lc2["n_values"], lc2["trend"]) == (1, "unknown") and pd.isna(lc2["change_since_baseline"])
