"""A report is a snapshot: the same period on the same data gives the same numbers; other
data gives other numbers and another fingerprint; the latest period is the data's."""

from __future__ import annotations

import json

import psycopg

from geoprocessing.report.build import build_report
from geoprocessing.report.period import resolve


def figures(built) -> dict:
    return json.loads(built.files["figures"].read_text(encoding="utf-8"))


def inputs(built) -> dict:
    return json.loads(built.files["inputs"].read_text(encoding="utf-8"))


def test_rebuilding_gives_the_same_numbers_and_new_data_other_numbers(own_store):
    settings, ids = own_store
    first = build_report(settings, period="2024", lang="it", formats=("html",))
    again = build_report(settings, period="2024", lang="it", formats=("html",))
    assert again.reused and again.id == first.id and again.files["html"] == first.files["html"]
    second = build_report(settings, period="2024", lang="it", formats=("html",), force=True)
    assert not second.reused and second.id != first.id and second.folder != first.folder
    assert figures(first) == figures(second)
    assert inputs(first) == inputs(second)
    with psycopg.connect(settings.database_url) as conn:
        recorded = conn.execute("SELECT id, inputs->>'digest', inputs->>'figures_digest' FROM laguna.reports "
                                "ORDER BY id").fetchall()
        runs = conn.execute("SELECT report_id, array_agg(job_run_id ORDER BY job_run_id) FROM laguna.report_job_runs "
                            "GROUP BY report_id ORDER BY report_id").fetchall()
    assert [r[0] for r in recorded] == [first.id, second.id]
    assert recorded[0][1:] == recorded[1][1:] == (inputs(first)["digest"], inputs(first)["figures_digest"])
    assert runs[0][1] == runs[1][1]

    # a person corrects the 2024 tourist arrivals: the numbers and the fingerprint change
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("UPDATE laguna.indicator_values SET value = 5600000, entered_at = '2025-03-01T09:00:00Z' "
                     "WHERE id = %s", (ids["arrivals"][2024],))
        conn.commit()
    third = build_report(settings, period="2024", lang="it", formats=("html",))
    rows = {r["indicator"]: r for r in figures(third)["summary"]["rows"]}
    assert rows["TOURIST_ARRIVALS"]["value"] == 5_600_000
    # the evaluation judged 5,580,000: it no longer speaks for the value
    assert rows["TOURIST_ARRIVALS"]["status"] == "unknown"
    assert inputs(third)["digest"] != inputs(first)["digest"]
    assert inputs(third)["figures_digest"] != inputs(first)["figures_digest"]


def test_a_new_layer_version_changes_the_fingerprint(own_store):
    settings, ids = own_store
    before = build_report(settings, period="2024", lang="en", formats=("html",))
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("INSERT INTO laguna.layer_versions (layer_id, version, source_name, source_format, source_checksum) "
                     "SELECT layer_id, 2, 'salt_marshes_v2.gpkg', 'GPKG', repeat('e', 64) FROM laguna.layer_versions "
                     "WHERE id = %s", (ids["marsh_version"],))
        conn.execute("INSERT INTO layers.salt_marshes (layer_version, survey_year, geom) "
                     "SELECT 2, survey_year, geom FROM layers.salt_marshes WHERE layer_version = 1")
        conn.commit()
    after = build_report(settings, period="2024", lang="en", formats=("html",))
    versions = {(v["layer"], v["version"]) for v in inputs(after)["layer_versions"]}
    assert ("salt_marshes", 2) in versions and ("salt_marshes", 1) in versions  # map v2, run read v1
    assert inputs(after)["digest"] != inputs(before)["digest"]


def test_the_latest_period_is_the_latest_year_of_observed_data(own_store):
    """Values dated by a job's clock (the plan's status snapshot, 2026) do not move it."""
    settings, ids = own_store
    with psycopg.connect(settings.database_url) as conn:
        assert resolve(conn, "latest").code == "2024"
        assert resolve(conn, None).code == "2024"
        conn.execute("INSERT INTO laguna.indicator_values (indicator_id, period, value, category, job_run_id) "
                     "VALUES (%s, '2026', 3, 'completed', %s)", (ids["indicator"]["PLAN_PROJECTS"], ids["eval_run"]))
        assert resolve(conn, "latest").code == "2024"
        conn.execute("INSERT INTO laguna.indicator_values (indicator_id, period, value, entered_by, entered_at) "
                     "VALUES (%s, '2025', 5700000, 'maria', now())", (ids["indicator"]["TOURIST_ARRIVALS"],))
        assert resolve(conn, "latest").code == "2025"
        conn.rollback()


def test_an_earlier_period_reads_only_what_was_known_then(own_store):
    settings, _ids = own_store
    built = build_report(settings, period="2019", lang="en", formats=("html",))
    rows = {(r["indicator"], r["place"]): r for r in figures(built)["summary"]["rows"]}
    assert rows[("HIGH_WATER_EVENTS_110", "Punta della Salute")]["value"] == 8 + 4  # 2019 is the fifth year from 2015
    assert rows[("HIGH_WATER_EVENTS_110", "Punta della Salute")]["period"] == "2019"
    assert rows[("SALT_MARSH_AREA", "Lido basin")]["period"] == "2018"
    # the 2024 evaluations judged later values: none speaks for 2019
    assert {r["status"] for r in figures(built)["summary"]["rows"]} == {"unknown"}
    assert ("TOURIST_ARRIVALS", "Whole site") not in rows  # first entered for 2020
    comparison = {(r["indicator"], r["place"]): r for r in figures(built)["comparison"]["rows"]}
    psal = comparison[("HIGH_WATER_EVENTS_110", "Punta della Salute")]
    assert (psal["previous"], psal["current"], psal["difference"]) == (8 + 3, 8 + 4, 1)
    assert psal["judgement"] == "worse"  # more events: lower is better
