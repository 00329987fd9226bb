"""The job runner: provenance, idempotence, atomicity, interrupted runs, one run at a time."""

from __future__ import annotations

import psycopg
import pytest

from geoprocessing import indicators, jobs
from geoprocessing.errors import Conflict, InvalidInput
from geoprocessing.jobs.runner import history, run_all, run_job

SQUARE = ("ST_Multi(ST_GeomFromText('POLYGON((300000 5030000, 300000 5031000, 301000 5031000, "
          "301000 5030000, 300000 5030000))', 7792))")


def zone_area(ctx):
    """A toy metric: the area of each custom zone, in ha (LAND_TAKE is just a carrier)."""
    for zone in ctx.zones().itertuples():
        ctx.emit("LAND_TAKE", zone.geometry.area / 1e4, ctx.params.get("period", "2024"), zone_id=zone.id)
    ctx.summary["zones"] = len(ctx.values)
    if ctx.params.get("explode"):
        raise InvalidInput("The toy job was told to fail after computing.")


TOY = jobs.register(jobs.Job(name="toy_area", title_it="Area di prova", title_en="Test area",
                             indicators=("LAND_TAKE",), compute=zone_area,
                             inputs=jobs.Inputs(zone_kinds=("custom",))))


@pytest.fixture
def zoned(settings):
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO laguna.zones (site_id, kind, code, name_it, name_en, status, "
                     "illustrative, geom) VALUES ((SELECT id FROM laguna.sites), 'custom', 'Q', 'Q', 'Q', "
                     f"'approved', true, {SQUARE})")
    return settings


def values(settings):
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute(
            "SELECT v.value, v.period, v.job_run_id, v.illustrative, ST_Area(z.geom) / 1e4 "
            "FROM laguna.indicator_values v JOIN laguna.zones z ON z.id = v.zone_id").fetchall()


def test_run_records_provenance_and_values(zoned):
    result = run_job(zoned, "toy_area", quiet=True)
    assert result.status == "succeeded" and result.rows_written == 1
    [(value, period, run_id, illustrative, postgis_ha)] = values(zoned)
    assert value == pytest.approx(postgis_ha) and period == "2024"
    assert run_id == result.run_id and illustrative is True
    [run] = history(zoned, "toy_area")
    assert run["status"] == "succeeded" and run["inputs"] == 1 and run["code_version"]
    with psycopg.connect(zoned.database_url) as conn:
        summary = conn.execute("SELECT summary FROM laguna.job_runs WHERE id = %s", (run_id,)).fetchone()[0]
    assert summary == {"zones": 1}


def test_second_run_replaces_without_duplicates(zoned):
    first = run_job(zoned, "toy_area", quiet=True)
    second = run_job(zoned, "toy_area", quiet=True)
    rows = values(zoned)
    assert len(rows) == 1 and rows[0][2] == second.run_id != first.run_id
    assert [r["status"] for r in history(zoned, "toy_area")] == ["succeeded", "succeeded"]


def test_a_run_for_another_period_keeps_the_earlier_ones(zoned):
    """A snapshot job run in a later year adds to the series; it replaces only its own periods."""
    first = run_job(zoned, "toy_area", quiet=True, params={"period": "2025"})
    second = run_job(zoned, "toy_area", quiet=True, params={"period": "2026"})
    again = run_job(zoned, "toy_area", quiet=True, params={"period": "2026"})
    assert sorted((r[1], r[2]) for r in values(zoned)) == [("2025", first.run_id), ("2026", again.run_id)]
    assert second.run_id != again.run_id


def test_run_all_records_an_unexpected_error_and_goes_on(zoned):
    def broken(ctx):
        raise ZeroDivisionError("division by zero")

    jobs.register(jobs.Job(name="toy_broken", title_it="Rotto", title_en="Broken",
                           indicators=("LAND_TAKE",), compute=broken))
    try:
        results = run_all(zoned, ["toy_broken", "toy_area"], quiet=True)
    finally:  # other tests run every registered job
        jobs._REGISTRY.pop("toy_broken")
    assert {(r.job, r.status) for r in results} == {("toy_broken", "failed"), ("toy_area", "succeeded")}
    assert "ZeroDivisionError" in next(r.error for r in results if r.job == "toy_broken")


def test_failure_keeps_previous_values_and_records_the_error(zoned):
    first = run_job(zoned, "toy_area", quiet=True)
    with pytest.raises(InvalidInput, match="told to fail"):
        run_job(zoned, "toy_area", quiet=True, params={"explode": True, "period": "2030"})
    rows = values(zoned)
    assert [(r[1], r[2]) for r in rows] == [("2024", first.run_id)]
    last = history(zoned, "toy_area")[0]
    assert last["status"] == "failed" and "told to fail" in last["error_message"]


def test_bad_input_stops_with_one_sentence(settings):
    with pytest.raises(InvalidInput, match="There are no zones of kind custom"):
        run_job(settings, "toy_area", quiet=True)
    assert values(settings) == []


def test_interrupted_run_is_marked_failed_by_the_next(zoned):
    with psycopg.connect(zoned.database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO laguna.job_runs (job_name, status, code_version) VALUES ('toy_area', 'running', 'x')")
    run_job(zoned, "toy_area", quiet=True)
    statuses = [(r["status"], r["error_message"]) for r in history(zoned, "toy_area")]
    assert statuses[1] == ("failed", "interrupted: the process running it stopped")


def test_one_run_of_a_job_at_a_time(zoned):
    with psycopg.connect(zoned.database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtext('laguna.job:toy_area'))")
        with pytest.raises(Conflict, match="already running"):
            run_job(zoned, "toy_area", quiet=True)


def test_run_all_continues_after_a_failure(settings):
    results = run_all(settings, ["toy_area"], quiet=True)
    assert [(r.job, r.status) for r in results] == [("toy_area", "failed")]
    assert "no zones" in results[0].error


def test_every_registered_job_writes_catalogued_indicators():
    codes = {e["code"] for e in indicators.catalogue()}
    for job in jobs.all_jobs():
        assert set(job.indicators) <= codes, job.name
