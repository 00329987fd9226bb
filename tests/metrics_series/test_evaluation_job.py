"""Job indicator_evaluation on the store: traffic lights and trends of entered and computed
series, its own table written in the run's transaction, the framework hooks it uses."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest
from click.testing import CliRunner

from geoprocessing import jobs
from geoprocessing.errors import InvalidInput
from geoprocessing.jobs.runner import history, run_job
from webapp.cli import cli

from .conftest import add_zone, indicator_values, load_levels, lonlat_polygon
from .test_tides import ANCHORS, piecewise

TODAY = datetime.now(ZoneInfo("Europe/Rome")).date()


def enter(conn, code: str, period: str, value: float, *, zone_id=None, category="") -> None:
    conn.execute("INSERT INTO laguna.indicator_values (indicator_id, zone_id, category, period, value, entered_by, "
                 "entered_at, source) SELECT id, %s, %s, %s, %s, 'maria', now(), 'test' FROM laguna.indicators "
                 "WHERE code = %s", (zone_id, category, period, value, code))


@pytest.fixture
def monitored(settings, conn):
    """Residents falling by exactly 500 a year from 2015 (baseline 2015, target 2030);
    tourist arrivals without references; a zone series; a computed high-water series."""
    conn.execute("UPDATE laguna.indicators SET baseline_value = 55000, baseline_period = '2015', target_value = 60000, "
                 "target_period = '2030', warning_threshold = 52000, alert_threshold = 48000 "
                 "WHERE code = 'RESIDENTS_HISTORIC_CITY'")
    for year in range(2015, 2025):
        enter(conn, "RESIDENTS_HISTORIC_CITY", str(year), 55000 - 500 * (year - 2015))
        enter(conn, "TOURIST_ARRIVALS", str(year), 5e6 + (year % 3) * 1e5)
    zone = add_zone(conn, "sestiere", "CASTELLO", lonlat_polygon([(12.34, 45.43), (12.36, 45.43), (12.36, 45.44)]))
    for year in (2022, 2023, 2024):
        enter(conn, "ACCOMMODATION_DENSITY", str(year), 900 - 10 * (year - 2022), zone_id=zone)
    load_levels(conn, "PSAL", piecewise(ANCHORS), "cm", illustrative=True)
    run_job(settings, "high_water", quiet=True)
    return settings


def evaluations(settings) -> dict:
    with psycopg.connect(settings.database_url) as c, c.cursor(row_factory=psycopg.rows.dict_row) as cur:
        rows = cur.execute(
            "SELECT i.code, z.code AS zone, s.code AS station, e.* FROM laguna.indicator_evaluations e "
            "JOIN laguna.indicators i ON i.id = e.indicator_id LEFT JOIN laguna.zones z ON z.id = e.zone_id "
            "LEFT JOIN laguna.stations s ON s.id = e.station_id ORDER BY e.evaluated_on, i.code").fetchall()
    return {(r["evaluated_on"], r["code"], r["zone"] or r["station"]): r for r in rows}


def test_every_series_is_evaluated(monitored):
    values_before = indicator_values(monitored, "RESIDENTS_HISTORIC_CITY", "HIGH_WATER_EVENTS_110")
    result = run_job(monitored, "indicator_evaluation", quiet=True)
    got = evaluations(monitored)
    assert result.rows_written == len(got) == 6  # residents, arrivals, density, 3 high-water series
    residents = got[(TODAY, "RESIDENTS_HISTORIC_CITY", None)]
    # 50,500 in 2024: worse than the 55,000 baseline and falling significantly
    assert (residents["status"], residents["trend"], residents["last_period"], residents["last_value"]) == (
        "red", "worsening", "2024", 50500.0)
    assert residents["reason"] == "worse than the baseline (55000) and worsening significantly"
    assert residents["trend_slope_per_year"] == pytest.approx(-500)
    assert residents["trend_p_value"] == pytest.approx(2 / math.factorial(10))
    assert residents["change_since_baseline"] == -4500 and residents["n_values"] == 10
    arrivals = got[(TODAY, "TOURIST_ARRIVALS", None)]
    assert (arrivals["status"], arrivals["baseline_value"]) == ("unknown", None)
    density = got[(TODAY, "ACCOMMODATION_DENSITY", "CASTELLO")]
    assert density["trend"] == "stable" and density["trend_p_value"] == pytest.approx(1 / 3)  # n = 3, exact
    high_water = got[(TODAY, "HIGH_WATER_EVENTS_110", "PSAL")]
    assert (high_water["n_values"], high_water["trend"], high_water["illustrative"]) == (1, "unknown", True)
    assert residents["illustrative"] is False
    assert indicator_values(monitored, "RESIDENTS_HISTORIC_CITY", "HIGH_WATER_EVENTS_110") == values_before
    [run] = history(monitored, "indicator_evaluation")
    assert run["inputs"] == 1 and run["rows_written"] == 6
    assert result.summary["status"] == {"red": 1, "unknown": 5}


def test_the_references_in_the_store_decide(monitored, conn):
    conn.execute("UPDATE laguna.indicators SET alert_threshold = 51000 WHERE code = 'RESIDENTS_HISTORIC_CITY'")
    run_job(monitored, "indicator_evaluation", quiet=True)
    residents = evaluations(monitored)[(TODAY, "RESIDENTS_HISTORIC_CITY", None)]
    assert (residents["status"], residents["reason"]) == ("red", "at or beyond the alert threshold (51000)")
    conn.execute("UPDATE laguna.indicators SET baseline_value = NULL, baseline_period = NULL, target_value = NULL, "
                 "target_period = NULL, alert_threshold = NULL WHERE code = 'RESIDENTS_HISTORIC_CITY'")
    run_job(monitored, "indicator_evaluation", quiet=True)
    residents = evaluations(monitored)[(TODAY, "RESIDENTS_HISTORIC_CITY", None)]
    assert (residents["status"], residents["reason"]) == ("amber", "at or beyond the warning threshold (52000)")
    assert residents["change_since_baseline"] is None


def test_same_day_replaces_other_dates_stay(monitored):
    run_job(monitored, "indicator_evaluation", quiet=True)
    first = {k: {c: v for c, v in r.items() if c not in ("id", "job_run_id")} for k, r in evaluations(monitored).items()}
    run_job(monitored, "indicator_evaluation", quiet=True)
    again = {k: {c: v for c, v in r.items() if c not in ("id", "job_run_id")} for k, r in evaluations(monitored).items()}
    assert again == first
    run_job(monitored, "indicator_evaluation", quiet=True, period="2020")
    got = evaluations(monitored)
    past = got[(date(2020, 12, 31), "RESIDENTS_HISTORIC_CITY", None)]
    assert (past["last_period"], past["n_values"], past["last_value"]) == ("2020", 6, 52500.0)
    assert len([k for k in got if k[0] == TODAY]) == 6


def test_zone_kinds_only(monitored):
    run_job(monitored, "indicator_evaluation", quiet=True)
    run_job(monitored, "indicator_evaluation", quiet=True, zone_kinds=("sestiere",))
    assert len(evaluations(monitored)) == 6
    with pytest.raises(InvalidInput, match="no indicator values for zones of kind island"):
        run_job(monitored, "indicator_evaluation", quiet=True, zone_kinds=("island",))


def test_no_values_stops_and_leaves_evaluations(settings, conn):
    with pytest.raises(InvalidInput, match="There are no indicator values up to"):
        run_job(settings, "indicator_evaluation", quiet=True)
    assert evaluations(settings) == {}


def test_runs_after_every_other_job():
    names = [j.name for j in jobs.ordered()]
    assert names[-1] == "indicator_evaluation" and len(names) > 1
    assert {"high_water", "barrier_effectiveness", "pressure_density", "plan_implementation"} <= set(names)


def failing_write(conn, ctx) -> int:
    conn.execute("DELETE FROM laguna.indicator_evaluations")
    raise InvalidInput("The toy write was told to fail after deleting.")


TOY = jobs.register(jobs.Job(name="toy_failing_write", title_it="Prova", title_en="Toy", indicators=(),
                             compute=lambda ctx: None, writes_values=False, write=failing_write))


def test_a_failing_write_hook_rolls_back_with_the_run(monitored):
    run_job(monitored, "indicator_evaluation", quiet=True)
    before = evaluations(monitored)
    with pytest.raises(InvalidInput, match="told to fail"):
        run_job(monitored, "toy_failing_write", quiet=True)
    assert evaluations(monitored).keys() == before.keys()
    assert history(monitored, "toy_failing_write")[0]["status"] == "failed"


def test_cli_param_and_json_summary(monitored, env_store):
    result = CliRunner().invoke(cli, ["jobs", "run", "high_water", "--param", 'stations=["PSAL"]',
                                      "--param", "min_separation_hours=6", "--json"])
    assert result.exit_code == 0, result.output
    [run] = json.loads(result.output)["runs"]
    assert [e["peak_cm"] for e in run["summary"]["stations"]["PSAL"]["events"]] == [125.0, 150.0, 140.0]
    assert "6 h apart" in run["summary"]["rule"]
    bad = CliRunner().invoke(cli, ["jobs", "run", "high_water", "--param", "stations"])
    assert bad.exit_code == 65 and bad.stderr == "laguna: --param takes KEY=VALUE, not 'stations'.\n"
