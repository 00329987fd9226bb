"""Jobs high_water and barrier_effectiveness on the store: hand-built series, the real
CPSM files, bad inputs, idempotence."""

from __future__ import annotations

import pandas as pd
import psycopg
import pytest

from geoprocessing.errors import InvalidInput
from geoprocessing.jobs.runner import history, run_job

from .conftest import import_cpsm, indicator_values, load_levels
from .test_barrier import LAGOON, SEA
from .test_tides import ANCHORS, piecewise

HW = ("HIGH_WATER_EVENTS_110", "HIGH_WATER_EVENTS_140", "HIGH_WATER_ANNUAL_MAX")
BARRIER = ("BARRIER_PROTECTED_EVENTS", "BARRIER_MEAN_REDUCTION")


@pytest.fixture
def gauges(settings, conn):
    """PSAL in metres (the hand-built high tides), DSL in cm (the barrier test's sea side)."""
    load_levels(conn, "PSAL", piecewise(ANCHORS) / 100, "m", illustrative=True)
    load_levels(conn, "DSL", piecewise(SEA), "cm")
    return settings


def test_high_water_values_match_the_hand_count(gauges):
    result = run_job(gauges, "high_water", quiet=True)
    got = {(code, station, period): value for code, _, station, _, period, value, _ in indicator_values(gauges, *HW)}
    assert got[("HIGH_WATER_EVENTS_110", "PSAL", "2023")] == 3
    assert got[("HIGH_WATER_EVENTS_140", "PSAL", "2023")] == 2
    assert got[("HIGH_WATER_ANNUAL_MAX", "PSAL", "2023")] == 150
    assert got[("HIGH_WATER_EVENTS_110", "DSL", "2022")] == 3  # 150, 120, 130 (112 falls in 2023)
    assert got[("HIGH_WATER_EVENTS_110", "DSL", "2023")] == 1
    assert {q for *_, q in indicator_values(gauges, *HW)} == {"provisional"}  # days, not years
    events = result.summary["stations"]["PSAL"]["events"]
    assert [(e["time"], e["peak_cm"]) for e in events] == [
        ("2023-11-03T06:00:00+01:00", 125.0), ("2023-11-03T18:20:00+01:00", 150.0),
        ("2023-11-04T19:25:00+01:00", 140.0)]
    [run] = history(gauges, "high_water")
    assert run["inputs"] == 2
    with psycopg.connect(gauges.database_url) as c:
        flags = c.execute("SELECT DISTINCT illustrative FROM laguna.indicator_values").fetchall()
    assert flags == [(True,)]  # PSAL is an illustrative station


def test_high_water_twice_gives_the_same_values(gauges):
    run_job(gauges, "high_water", quiet=True)
    first = indicator_values(gauges, *HW)
    run_job(gauges, "high_water", quiet=True)
    assert indicator_values(gauges, *HW) == first and len(first) == 9


def test_one_station_or_one_year_replaces_only_those(gauges):
    run_job(gauges, "high_water", quiet=True)
    before = indicator_values(gauges, *HW)
    run_job(gauges, "high_water", quiet=True, params={"stations": ["PSAL"]})
    run_job(gauges, "high_water", quiet=True, period="2023")
    assert indicator_values(gauges, *HW) == before


def test_bad_inputs_stop_and_leave_values(gauges, conn):
    run_job(gauges, "high_water", quiet=True)
    before = indicator_values(gauges, *HW)
    with pytest.raises(InvalidInput, match="Station BUR has no 'water_level' series"):
        run_job(gauges, "high_water", quiet=True, params={"stations": ["PSAL", "BUR"]})
    with pytest.raises(InvalidInput, match="has water levels in 2019"):
        run_job(gauges, "high_water", quiet=True, period="2019")
    with pytest.raises(InvalidInput, match="min_separation_hours must be positive"):
        run_job(gauges, "high_water", quiet=True, params={"min_separation_hours": 0})
    conn.execute("DELETE FROM laguna.observations WHERE series_id IN (SELECT s.id FROM laguna.station_series s "
                 "JOIN laguna.stations st ON st.id = s.station_id WHERE st.code = 'DSL')")
    with pytest.raises(InvalidInput, match="The 'water_level' series of station DSL is empty"):
        run_job(gauges, "high_water", quiet=True)
    assert indicator_values(gauges, *HW) == before


def test_no_tide_gauge_at_all(settings):
    with pytest.raises(InvalidInput, match="No tide gauge has a water_level series"):
        run_job(settings, "high_water", quiet=True)


def test_barrier_values_match_the_hand_count(settings, conn):
    levels = piecewise(LAGOON)
    load_levels(conn, "PSAL", levels.drop(levels["2022-12-02 05:00":"2022-12-02 14:00"].index), "cm")
    load_levels(conn, "DSL", piecewise(SEA) / 100, "m")
    result = run_job(settings, "barrier_effectiveness", quiet=True)
    got = {(code, station, period): value for code, _, station, _, period, value, _ in
           indicator_values(settings, *BARRIER)}
    assert got == {("BARRIER_PROTECTED_EVENTS", "PSAL", "2022"): 1, ("BARRIER_MEAN_REDUCTION", "PSAL", "2022"): 25,
                   ("BARRIER_PROTECTED_EVENTS", "PSAL", "2023"): 1, ("BARRIER_MEAN_REDUCTION", "PSAL", "2023"): 32}
    assert [e["protected"] for e in result.summary["events"]] == [True, False, None, True]
    run_job(settings, "barrier_effectiveness", quiet=True)
    assert {(c, s, p): v for c, _, s, _, p, v, _ in indicator_values(settings, *BARRIER)} == got
    with pytest.raises(InvalidInput, match="is on the lagoon side .* swap them"):
        run_job(settings, "barrier_effectiveness", quiet=True, params={"sea": "PSAL", "lagoon": "DSL"})
    with pytest.raises(InvalidInput, match="must differ"):
        run_job(settings, "barrier_effectiveness", quiet=True, params={"lagoon": "DSL"})
    with pytest.raises(InvalidInput, match="Station BUR has no 'water_level' series"):
        run_job(settings, "barrier_effectiveness", quiet=True, params={"lagoon": "BUR"})
    assert {(c, s, p): v for c, _, s, _, p, v, _ in indicator_values(settings, *BARRIER)} == got


# -- the real files ------------------------------------------------------------------------

def merged_runs(levels_cm: pd.Series, threshold: float, merge: pd.Timedelta) -> list[pd.Series]:
    """An independent event rule: runs of samples at or above the threshold, runs closer than
    ``merge`` joined (what a hand count on a plot would do)."""
    above = levels_cm[levels_cm >= threshold]
    if above.empty:
        return []
    breaks = above.index.to_series().diff() > merge
    return [run for _, run in above.groupby(breaks.cumsum())]


def test_real_punta_della_salute_and_diga_sud_lido(env_store, conn, cpsm_tides):
    settings = env_store
    psal, dsl = import_cpsm(conn, cpsm_tides, "PSAL") * 100, import_cpsm(conn, cpsm_tides, "DSL") * 100
    stored = dict(conn.execute("SELECT st.code, count(*) FROM laguna.observations o JOIN laguna.station_series s "
                               "ON s.id = o.series_id JOIN laguna.stations st ON st.id = s.station_id "
                               "GROUP BY 1").fetchall())
    assert stored == {"PSAL": len(psal), "DSL": len(dsl)}  # every non-empty row, in standard time
    result = run_job(settings, "high_water", quiet=True)
    got = {(c, s, p): v for c, _, s, _, p, v, _ in indicator_values(settings, *HW)}
    for code, levels in (("PSAL", psal), ("DSL", dsl)):
        years = levels.index.tz_convert("Europe/Rome").year
        for year in sorted(set(years)):
            part = levels[years == year]
            runs = merged_runs(part, 110, pd.Timedelta(hours=6))
            assert got[("HIGH_WATER_EVENTS_110", code, str(year))] == len(runs)
            assert got[("HIGH_WATER_EVENTS_140", code, str(year))] == sum(r.max() >= 140 for r in runs)
            assert got[("HIGH_WATER_ANNUAL_MAX", code, str(year))] == pytest.approx(part.max())
    # Noise makes the level cross +110 cm many more times than there were high tides.
    crossings = int(((dsl >= 110).astype(int).diff() == 1).sum())
    assert crossings > got[("HIGH_WATER_EVENTS_110", "DSL", "2022")] + got[("HIGH_WATER_EVENTS_110", "DSL", "2023")]
    print(f"\nhigh_water on the real files: {dict(sorted(got.items()))}; DSL up-crossings of +110: {crossings}")
    print("DSL events:", [(e["time"], e["peak_cm"]) for e in result.summary["stations"]["DSL"]["events"]])


def test_real_barrier_effectiveness_nov_dec_2022(env_store, conn, cpsm_tides):
    settings = env_store
    psal, dsl = import_cpsm(conn, cpsm_tides, "PSAL") * 100, import_cpsm(conn, cpsm_tides, "DSL") * 100
    result = run_job(settings, "barrier_effectiveness", quiet=True)
    got = {(c, p): v for c, _, _, _, p, v, _ in indicator_values(settings, *BARRIER)}
    # Independently: each merged run above +110 at sea, its highest sample, the lagoon's
    # highest level within 3 h of it.
    expected: dict[int, list[float]] = {}
    for run in merged_runs(dsl, 110, pd.Timedelta(hours=6)):
        when = run.idxmax()
        lagoon = psal[when - pd.Timedelta(hours=3):when + pd.Timedelta(hours=3)].max()
        expected.setdefault(when.tz_convert("Europe/Rome").year, []).append((run.max(), lagoon))
    for year, pairs in expected.items():
        assert got[("BARRIER_PROTECTED_EVENTS", str(year))] == sum(lag < 110 for _, lag in pairs)
        assert got[("BARRIER_MEAN_REDUCTION", str(year))] == pytest.approx(
            sum(sea - lag for sea, lag in pairs) / len(pairs))
    # The MOSE barriers were raised on those days: Punta della Salute stayed below +110 cm.
    assert got[("BARRIER_PROTECTED_EVENTS", "2022")] == len(expected[2022]) > 0
    print(f"\nbarrier on the real files: {dict(sorted(got.items()))}")
    print("events:", [(e["sea_time"], e["sea_peak_cm"], e["lagoon_peak_cm"], e["reduction_cm"])
                      for e in result.summary["events"]])


def test_same_values_on_a_dask_cluster(gauges):
    from distributed import LocalCluster

    run_job(gauges, "high_water", quiet=True)
    in_process = indicator_values(gauges, *HW)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True) as cluster:
        result = run_job(gauges, "high_water", quiet=True, scheduler=cluster.scheduler_address)
    assert indicator_values(gauges, *HW) == in_process
    assert result.summary["stations"]["PSAL"]["high_tides"] == 4
