"""Barrier effectiveness on hand-built sea and lagoon series with known peaks."""

from __future__ import annotations

import pandas as pd
import pytest

from geoprocessing.metrics import barrier

from .test_tides import piecewise

# Sea side: four high tides at or above +110 and one below. Lagoon side: the barriers
# were raised for the first (lagoon 95, 55 cm lower), open for the second (lagoon 5 cm
# higher, as the lagoon amplifies the tide), the gauge was down for the third, and the
# fourth falls in the next year.
SEA = [("2022-12-01 00:00", 20), ("2022-12-01 09:00", 150), ("2022-12-01 15:00", 30),
       ("2022-12-01 21:25", 120), ("2022-12-02 03:30", 0), ("2022-12-02 09:50", 130),
       ("2022-12-02 16:00", 10), ("2022-12-02 22:15", 100), ("2022-12-03 04:00", 0),
       ("2022-12-31 12:00", 0), ("2022-12-31 23:30", 112), ("2023-01-01 06:00", 10)]
LAGOON = [("2022-12-01 00:00", 25), ("2022-12-01 09:50", 95), ("2022-12-01 15:00", 35),
          ("2022-12-01 22:15", 125), ("2022-12-02 03:30", 5),
          ("2022-12-02 15:00", 10), ("2022-12-02 23:05", 104), ("2022-12-03 04:00", 5),
          ("2022-12-31 12:00", 0), ("2023-01-01 00:20", 80), ("2023-01-01 06:00", 10)]


def lagoon_series() -> pd.Series:
    levels = piecewise(LAGOON)
    return levels.drop(levels["2022-12-02 05:00":"2022-12-02 14:00"].index)  # the gauge was down


def test_each_sea_event_against_the_lagoon_peak():
    table = barrier.barrier_events(piecewise(SEA), lagoon_series())
    got = [(t.strftime("%m-%d %H:%M"), s, None if pd.isna(lag) else lag, p if not pd.isna(p) else None)
           for t, s, lag, p in table[["sea_time", "sea_peak_cm", "lagoon_peak_cm", "protected"]].itertuples(index=False)]
    assert got == [("12-01 09:00", 150.0, 95.0, True), ("12-01 21:25", 120.0, 125.0, False),
                   ("12-02 09:50", 130.0, None, None), ("12-31 23:30", 112.0, 80.0, True)]
    assert table["reduction_cm"].tolist()[:2] == [55.0, -5.0]
    assert list(table["year"]) == [2022, 2022, 2022, 2023]  # 00:30 on 1 January in Venice
    assert table["lagoon_time"].iloc[0] == pd.Timestamp("2022-12-01 09:50", tz="UTC")


def test_per_year_protected_events_and_mean_reduction():
    sea, lagoon = piecewise(SEA), lagoon_series()
    annual = barrier.barrier_annual(barrier.barrier_events(sea, lagoon), barrier.common_years(sea, lagoon))
    rows = annual.set_index("year")[["sea_events", "compared", "protected_events", "mean_reduction_cm"]]
    assert rows.loc[2022].tolist() == [3, 2, 1, pytest.approx((55 - 5) / 2)]
    assert rows.loc[2023].tolist() == [1, 1, 1, 32.0]


def test_years_without_events_count_zero():
    quiet = piecewise([("2021-03-01 00:00", 20), ("2021-03-01 06:00", 90), ("2021-03-01 12:00", 10)])
    annual = barrier.barrier_annual(barrier.barrier_events(quiet, quiet), barrier.common_years(quiet, quiet))
    assert annual[["year", "sea_events", "protected_events"]].values.tolist() == [[2021, 0, 0]]
    assert annual["mean_reduction_cm"].isna().all()


def test_a_wider_window_finds_a_later_lagoon_peak():
    sea = piecewise([("2022-12-01 00:00", 20), ("2022-12-01 09:00", 150), ("2022-12-01 15:00", 30)])
    lagoon = piecewise([("2022-12-01 00:00", 20), ("2022-12-01 13:00", 115), ("2022-12-01 18:00", 30)])
    narrow = barrier.barrier_events(sea, lagoon)
    wide = barrier.barrier_events(sea, lagoon, window=pd.Timedelta(hours=4))
    assert narrow["lagoon_peak_cm"].iloc[0] < 110 <= wide["lagoon_peak_cm"].iloc[0] == 115
