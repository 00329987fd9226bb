"""Job runs: what a metric job did, from what, and what it wrote."""

from __future__ import annotations

import psycopg

from . import one, rows
from .indicators import run_inputs


def runs(conn: psycopg.Connection, job_name: str | None = None, limit: int = 200) -> list[dict]:
    return rows(conn, """
        SELECT r.id, r.job_name, r.status, r.started_at, r.finished_at, r.started_by,
               r.rows_written, r.code_version, r.error_message
          FROM laguna.job_runs r
         WHERE %(job)s::text IS NULL OR r.job_name = %(job)s
         ORDER BY r.started_at DESC, r.id DESC LIMIT %(limit)s""", {"job": job_name, "limit": limit})


def run(conn: psycopg.Connection, run_id: int, max_values: int = 200) -> dict:
    found = one(conn, """
        SELECT r.*, extract(epoch FROM r.finished_at - r.started_at) AS seconds
          FROM laguna.job_runs r WHERE r.id = %s""", (run_id,),
                missing=f"There is no job run with id {run_id}.")
    found["inputs"] = run_inputs(conn, [run_id]).get(run_id, [])
    found["outputs"] = rows(conn, """
        SELECT i.code, i.name_it, i.name_en, i.unit, count(*) AS n,
               min(v.period) AS first_period, max(v.period) AS last_period,
               count(DISTINCT v.category) AS categories
          FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id
         WHERE v.job_run_id = %s GROUP BY i.code, i.name_it, i.name_en, i.unit
         ORDER BY i.code LIMIT 500""", (run_id,))
    found["value_rows"] = rows(conn, """
        SELECT v.id, i.code AS indicator, i.unit, v.category, v.period, v.value, v.quality,
               z.id AS zone_id, z.code AS zone_code, z.name_it AS zone_name_it,
               z.name_en AS zone_name_en, s.code AS station_code
          FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id
          LEFT JOIN laguna.zones z ON z.id = v.zone_id
          LEFT JOIN laguna.stations s ON s.id = v.station_id
         WHERE v.job_run_id = %s ORDER BY i.code, z.code, s.code, v.category, v.period
         LIMIT %s""", (run_id, max_values))
    found["evaluations"] = one(conn, """
        SELECT count(*) AS n, count(*) FILTER (WHERE status = 'green') AS green,
               count(*) FILTER (WHERE status = 'amber') AS amber,
               count(*) FILTER (WHERE status = 'red') AS red
          FROM laguna.indicator_evaluations WHERE job_run_id = %s""", (run_id,))
    return found
