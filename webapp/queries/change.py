"""Change between two dates: salt-marsh polygons lost and gained, land-cover transitions."""

from __future__ import annotations

import psycopg
from psycopg import sql

from . import rows

SALT_MARSHES, YEAR = "salt_marshes", "survey_year"
TRANSITIONS = "LAND_COVER_CHANGE"


def survey_years(conn: psycopg.Connection, version: int) -> list[int]:
    query = sql.SQL("SELECT DISTINCT {y} FROM {t} WHERE layer_version = %s AND {y} IS NOT NULL "
                    "ORDER BY 1").format(y=sql.Identifier(YEAR),
                                         t=sql.Identifier("layers", SALT_MARSHES))
    return [r[0] for r in conn.execute(query, (version,)).fetchall()]


def salt_marsh_change(conn: psycopg.Connection, version: int, year_from: int, year_to: int) -> str:
    """GeoJSON of the marsh lost (there in ``year_from``, gone in ``year_to``), gained and kept."""
    query = sql.SQL("""
        WITH a AS (SELECT coalesce(ST_Union(geom), 'POLYGON EMPTY'::geometry) AS g FROM {t}
                    WHERE layer_version = %(v)s AND {y} = %(from)s),
             b AS (SELECT coalesce(ST_Union(geom), 'POLYGON EMPTY'::geometry) AS g FROM {t}
                    WHERE layer_version = %(v)s AND {y} = %(to)s),
             parts AS (
                SELECT 'lost' AS change, ST_Difference(a.g, b.g) AS g FROM a, b
                UNION ALL SELECT 'gained', ST_Difference(b.g, a.g) FROM a, b
                UNION ALL SELECT 'kept', ST_Intersection(a.g, b.g) FROM a, b)
        SELECT ST_AsGeoJSON(f.*, 'geom', 6) FROM (
            SELECT change, round((ST_Area(g) / 10000)::numeric, 2) AS ha,
                   ST_Transform(ST_Simplify(g, 2), 4326) AS geom
              FROM parts WHERE NOT ST_IsEmpty(g)) f""").format(
        t=sql.Identifier("layers", SALT_MARSHES), y=sql.Identifier(YEAR))
    found = conn.execute(query, {"v": version, "from": year_from, "to": year_to}).fetchall()
    return '{"type":"FeatureCollection","features":[' + ",".join(r[0] for r in found) + "]}"


def transitions(conn: psycopg.Connection, kind: str | None, limit: int = 200) -> list[dict]:
    """The latest land-cover transitions ('from>to', ha) per zone, largest first, with the run."""
    return rows(conn, """
        WITH latest AS (
            SELECT DISTINCT ON (v.zone_id, v.category) v.zone_id, v.category, v.period, v.value,
                   v.job_run_id, v.illustrative
              FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id
             WHERE i.code = %(code)s AND v.zone_id IS NOT NULL AND v.category LIKE '%%>%%'
             ORDER BY v.zone_id, v.category, v.period_start DESC)
        SELECT z.id AS zone_id, z.kind, z.code, z.name_it, z.name_en, l.category,
               split_part(l.category, '>', 1) AS class_from, split_part(l.category, '>', 2) AS class_to,
               l.period, l.value, l.job_run_id, l.illustrative
          FROM latest l JOIN laguna.zones z ON z.id = l.zone_id
         WHERE split_part(l.category, '>', 1) <> split_part(l.category, '>', 2)
           AND (%(kind)s::text IS NULL OR z.kind = %(kind)s) AND l.value > 0
         ORDER BY l.value DESC, z.code, l.category LIMIT %(limit)s""",
                {"code": TRANSITIONS, "kind": kind, "limit": limit})
