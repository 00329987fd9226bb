"""Audit triggers: who, when, old and new row, on every editable table."""

from __future__ import annotations

# Tables deliberately not audited row by row, and why.
NOT_AUDITED = {
    "store_info": "written once by the first migration",
    "roles": "vocabulary seeded by migrations",
    "zone_kinds": "vocabulary seeded by migrations",
    "unesco_factors": "UNESCO's list, seeded by migrations",
    "layer_versions": "itself the record of each import",
    "raster_assets": "recorded with their import (layer_versions)",
    "observation_imports": "itself the record of each import",
    "observations": "raw series; provenance is their import",
    "job_runs": "itself the provenance record of computed values",
    "job_run_inputs": "part of the job run record",
    "indicator_evaluations": "computed by a job run, which they reference",
    "report_job_runs": "part of the report snapshot",
    "tile_overviews": "derived from a layer version by 'laguna tiles prepare'",
}


def test_every_editable_table_has_the_audit_trigger(store_conn):
    tables = {r[0] for r in store_conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'laguna'")}
    audited = {r[0] for r in store_conn.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'laguna' AND t.tgname LIKE 'audit%'")}
    assert tables - audited == set(NOT_AUDITED)
    assert audited <= tables


def test_insert_update_delete_are_logged_with_who_and_rows(store_conn):
    store_conn.execute("SELECT set_config('laguna.user', 'maria@ufficio-unesco', true)")
    store_conn.execute("INSERT INTO laguna.bodies (code, name_it, name_en, kind) "
                       "VALUES ('comune-chioggia', 'Comune di Chioggia', 'Municipality of Chioggia', 'municipality')")
    store_conn.execute("UPDATE laguna.bodies SET website = 'https://www.chioggia.org' WHERE code = 'comune-chioggia'")
    store_conn.execute("UPDATE laguna.bodies SET website = website WHERE code = 'comune-chioggia'")  # no change
    store_conn.execute("DELETE FROM laguna.bodies WHERE code = 'comune-chioggia'")
    rows = store_conn.execute(
        "SELECT operation, changed_by, old_row->>'website', new_row->>'website', changed_at IS NOT NULL "
        "FROM audit.log WHERE table_name = 'laguna.bodies' AND "
        "coalesce(new_row, old_row)->>'code' = 'comune-chioggia' ORDER BY id").fetchall()
    assert rows == [
        ("INSERT", "maria@ufficio-unesco", None, None, True),
        ("UPDATE", "maria@ufficio-unesco", None, "https://www.chioggia.org", True),
        ("DELETE", "maria@ufficio-unesco", "https://www.chioggia.org", None, True),
    ]


def test_without_a_named_user_the_database_user_is_recorded(store_conn):
    store_conn.execute("INSERT INTO laguna.funding_sources (code, name_it, name_en, kind) "
                       "VALUES ('fesr', 'FESR', 'ERDF', 'eu')")
    who = store_conn.execute("SELECT changed_by FROM audit.log WHERE new_row->>'code' = 'fesr'").fetchone()
    assert who == (store_conn.execute("SELECT session_user").fetchone()[0],)


def test_computed_values_are_not_audited_but_entered_ones_are(store_conn):
    store_conn.execute("INSERT INTO laguna.job_runs (id, job_name, status, code_version, started_at, finished_at) "
                       "VALUES (990001, 'j', 'succeeded', 'v', now(), now())")
    ind = store_conn.execute("SELECT id FROM laguna.indicators WHERE code = 'LAND_TAKE'").fetchone()[0]
    store_conn.execute("INSERT INTO laguna.indicator_values (indicator_id, period, value, job_run_id) "
                       "VALUES (%s, '2024', 1, 990001)", (ind,))
    store_conn.execute("INSERT INTO laguna.indicator_values (indicator_id, period, value, entered_by, "
                       "entered_at) VALUES (%s, '2023', 2, 'ana', now())", (ind,))
    logged = store_conn.execute("SELECT new_row->>'period' FROM audit.log "
                                "WHERE table_name = 'laguna.indicator_values'").fetchall()
    assert logged == [("2023",)]
