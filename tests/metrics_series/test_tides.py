"""High-water events: the rule (one event per high tide) on hand-built series with known peaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoprocessing.errors import InvalidInput
from geoprocessing.metrics import tides


def piecewise(anchors: list[tuple[str, float]], step: str = "5min") -> pd.Series:
    """A level series through (UTC time, cm) anchors, linear in between, sampled every step."""
    times = pd.DatetimeIndex([pd.Timestamp(t, tz="UTC") for t, _ in anchors])
    grid = pd.date_range(times[0], times[-1], freq=step)
    values = np.interp(grid.asi8, times.asi8, [v for _, v in anchors])
    return pd.Series(np.round(values, 6), index=grid, name="TEST:water_level")


# Four high tides over two days, hand-counted: 125 (a long stretch above 110 and a wiggle of
# 121 an hour later), 150 on the same day, 108 (below), and a flat top of 140 from 18:10 to
# 18:40 (seven equal samples, timed at 18:25).
ANCHORS = [
    ("2023-11-03 00:00", 20), ("2023-11-03 05:00", 125), ("2023-11-03 06:00", 118),
    ("2023-11-03 06:30", 121), ("2023-11-03 11:00", 10), ("2023-11-03 17:20", 150),
    ("2023-11-03 23:30", 30), ("2023-11-04 05:45", 108), ("2023-11-04 12:00", 0),
    ("2023-11-04 18:10", 140), ("2023-11-04 18:40", 140), ("2023-11-05 00:30", 20),
]


def test_one_event_per_high_tide_not_per_sample():
    levels = piecewise(ANCHORS)
    peaks = tides.tide_peaks(levels)
    assert [(t.strftime("%d %H:%M"), p) for t, p in zip(peaks["time"], peaks["peak_cm"], strict=True)] == [
        ("03 05:00", 125.0), ("03 17:20", 150.0), ("04 05:45", 108.0), ("04 18:25", 140.0)]
    assert not peaks["at_gap"].any()
    # Counting samples would say something else entirely: 32 + 46 + 39 samples at or above 110.
    assert int((levels >= 110).sum()) == 117
    assert len(tides.events(peaks, 110)) == 3
    assert list(tides.events(peaks, 140)["peak_cm"]) == [150.0, 140.0]


def test_two_high_tides_in_one_day_both_count():
    peaks = tides.tide_peaks(piecewise(ANCHORS))
    day = peaks[peaks["time"].dt.strftime("%Y-%m-%d") == "2023-11-03"]
    assert len(tides.events(day, 110)) == 2


def test_annual_summary():
    levels = piecewise(ANCHORS)
    annual = tides.annual_high_water(levels, tides.tide_peaks(levels))
    [row] = annual.to_dict("records")
    assert (row["year"], row["events_110"], row["events_140"], row["max_cm"]) == (2023, 3, 2, 150.0)
    assert row["max_at"] == pd.Timestamp("2023-11-03 17:20", tz="UTC")
    # 2 days and 30 minutes of 5-minute samples, one more for the last: of 365 days.
    assert row["coverage"] == pytest.approx((len(levels) * 300) / (365 * 86400))


def test_levels_in_metres_reach_the_thresholds_exactly():
    raw = pd.Series([0.29, 1.13, 1.4], name="x")
    assert (raw * 100).tolist() != [29, 113, 140]  # binary floating point: why to_cm rounds
    assert tides.to_cm(raw, "m").tolist() == [29, 113, 140]
    metres = piecewise(ANCHORS) / 100
    peaks = tides.tide_peaks(tides.to_cm(metres, "m"))
    assert len(tides.events(peaks, 140)) == 2
    with pytest.raises(InvalidInput, match="must be in m, cm or mm"):
        tides.to_cm(metres, "ft")


def test_hourly_semidiurnal_series_has_one_peak_per_crest():
    # A 12.42 h cosine with a slow 15-day modulation, hourly (like the sample data), with
    # 1 cm noise: every crest inside the record is found once and only once.
    rng = np.random.default_rng(7)
    times = pd.date_range("2020-01-01", "2020-03-01", freq="1h", tz="UTC")
    hours = (times - times[0]) / pd.Timedelta(hours=1)
    amplitude = 50 + 30 * np.cos(2 * np.pi * hours / (14.77 * 24))
    levels = pd.Series(30 + amplitude * np.cos(2 * np.pi * (hours - 3) / 12.42)
                       + rng.uniform(-1, 1, len(times)), index=times)
    crests = [3 + 12.42 * k for k in range(200) if 1 < 3 + 12.42 * k < hours[-1] - 1]
    peaks = tides.tide_peaks(levels)
    assert len(peaks) == len(crests)
    found = (peaks["time"] - times[0]) / pd.Timedelta(hours=1)
    assert np.abs(found.to_numpy() - np.array(crests)).max() <= 1.5


def test_gaps_short_bridged_long_flagged():
    levels = piecewise(ANCHORS)
    short = levels.drop(levels["2023-11-03 04:45":"2023-11-03 05:10"].index)  # 30 min around the 125 peak
    peaks = tides.tide_peaks(short)
    assert len(peaks) == 4 and not peaks["at_gap"].any()
    # The top is bridged by a straight line from 04:40 (118) to 05:15 (123.25): one peak, lower.
    assert peaks["peak_cm"].iloc[0] == pytest.approx(123.25)
    long = levels.drop(levels["2023-11-03 16:00":"2023-11-03 19:00"].index)  # the 150 peak is lost
    peaks = tides.tide_peaks(long)
    flagged = peaks[peaks["at_gap"]]
    assert len(flagged) == 1 and flagged["peak_cm"].iloc[0] < 150
    assert len(peaks) == 4  # still one high tide there, not two on each side of the gap


def test_years_follow_the_site_time_zone():
    levels = piecewise([("2023-12-31 18:00", 20), ("2023-12-31 23:30", 130), ("2024-01-01 06:00", 10)])
    annual = tides.annual_high_water(levels, tides.tide_peaks(levels))
    assert annual.set_index("year")["events_110"].to_dict() == {2023: 0, 2024: 1}  # 00:30 in Venice


def test_too_short_series_has_no_peaks():
    levels = piecewise([("2023-01-01 00:00", 120), ("2023-01-01 00:05", 130)])
    assert tides.tide_peaks(levels).empty
