"""Indicators, their values with provenance, their evaluations (traffic lights)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from geoprocessing.jobs.runner import RUN_INPUTS_SQL

from ..params import Page
from . import geojson, one, rows
from .plan import PROJECT_CODE

# The latest evaluation of each (indicator, place, category).
# A value shows the light of the latest evaluation that judged that very value (its period
# was the series' last): an older value of the series shows none, not today's light.
LATEST_EVALUATION = sql.SQL("""
    LEFT JOIN LATERAL (SELECT e.status, e.trend, e.evaluated_on, e.job_run_id AS evaluation_run_id
                         FROM laguna.indicator_evaluations e
                        WHERE e.indicator_id = v.indicator_id AND e.category = v.category
                          AND e.zone_id IS NOT DISTINCT FROM v.zone_id
                          AND e.station_id IS NOT DISTINCT FROM v.station_id
                          AND e.last_period = v.period
                        ORDER BY e.evaluated_on DESC LIMIT 1) e ON true""")


def indicators(conn: psycopg.Connection) -> list[dict]:
    """Every indicator with its value count and the traffic lights of its latest evaluation."""
    return rows(conn, """
        WITH latest AS (
            SELECT DISTINCT ON (indicator_id, zone_id, station_id, category)
                   indicator_id, zone_id, station_id, category, status
              FROM laguna.indicator_evaluations
             ORDER BY indicator_id, zone_id, station_id, category, evaluated_on DESC),
        lights AS (
            SELECT indicator_id,
                   count(*) FILTER (WHERE status = 'green') AS green,
                   count(*) FILTER (WHERE status = 'amber') AS amber,
                   count(*) FILTER (WHERE status = 'red') AS red,
                   count(*) FILTER (WHERE status = 'unknown') AS unknown,
                   max(status) FILTER (WHERE zone_id IS NULL AND station_id IS NULL
                                       AND category = '') AS site_status
              FROM latest GROUP BY indicator_id)
        SELECT i.id, i.code, i.name_it, i.name_en, i.kind, i.unit, i.direction, i.frequency,
               i.spatial_unit, i.zone_kind, i.method, i.job_name, i.illustrative,
               i.baseline_value, i.baseline_period, i.target_value, i.target_period,
               c.code AS challenge,
               (SELECT count(*) FROM laguna.indicator_values v WHERE v.indicator_id = i.id) AS n_values,
               (SELECT count(*) FROM laguna.indicator_values v WHERE v.indicator_id = i.id
                   AND (v.zone_id IS NOT NULL OR v.station_id IS NOT NULL)) AS n_place_values,
               coalesce(l.green, 0) AS green, coalesce(l.amber, 0) AS amber,
               coalesce(l.red, 0) AS red, coalesce(l.unknown, 0) AS unknown, l.site_status
          FROM laguna.indicators i
          LEFT JOIN laguna.challenges c ON c.id = i.challenge_id
          LEFT JOIN lights l ON l.indicator_id = i.id
         ORDER BY i.kind, i.code LIMIT 1000""")


def indicator(conn: psycopg.Connection, code: str) -> dict:
    found = one(conn, """
        SELECT i.*, c.code AS challenge, c.title_it AS challenge_it, c.title_en AS challenge_en,
               k.name_it AS zone_kind_it, k.name_en AS zone_kind_en
          FROM laguna.indicators i
          LEFT JOIN laguna.challenges c ON c.id = i.challenge_id
          LEFT JOIN laguna.zone_kinds k ON k.code = i.zone_kind
         WHERE i.code = %s""", (code,), missing=f"There is no indicator with code '{code}'.")
    found["factors"] = rows(conn, """
        SELECT f.code, f.name_it, f.name_en FROM laguna.indicator_factors x
          JOIN laguna.unesco_factors f ON f.code = x.factor_code
         WHERE x.indicator_id = %s ORDER BY f.code LIMIT 100""", (found["id"],))
    found["projects"] = rows(conn, sql.SQL("""
        SELECT p.id, p.code, {code} AS full_code, p.title_it, p.title_en, p.status
          FROM laguna.project_indicators x
          JOIN laguna.projects p ON p.id = x.project_id
          JOIN laguna.action_plans ap ON ap.id = p.action_plan_id
          JOIN laguna.challenges c ON c.id = ap.challenge_id WHERE x.indicator_id = %s
         ORDER BY c.code, ap.code::int, p.code LIMIT 100""").format(code=PROJECT_CODE), (found["id"],))
    return found


def categories(conn: psycopg.Connection, indicator_id: int) -> list[str]:
    """The breakdown categories of an indicator's values ('' for none), most used first."""
    return [r["category"] for r in rows(conn, """
        SELECT category, count(*) AS n FROM laguna.indicator_values WHERE indicator_id = %s
         GROUP BY category ORDER BY (category = '') DESC, count(*) DESC, category LIMIT 500""",
                                         (indicator_id,))]


def place_kinds(conn: psycopg.Connection, indicator_id: int, category: str) -> list[dict]:
    """Where the values lie: zone kinds, 'station', 'site'; ``n`` counts the places (the
    zones, the stations, 1 for the site), not their values."""
    return rows(conn, """
        SELECT coalesce(z.kind, CASE WHEN v.station_id IS NOT NULL THEN 'station' ELSE 'site' END) AS kind,
               count(DISTINCT coalesce('z' || v.zone_id, 's' || v.station_id, 'site')) AS n
          FROM laguna.indicator_values v LEFT JOIN laguna.zones z ON z.id = v.zone_id
         WHERE v.indicator_id = %s AND v.category = %s
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 100""", (indicator_id, category))


@dataclass(frozen=True)
class ValueFilter:
    indicator_id: int | None = None
    zone_id: int | None = None
    station_id: int | None = None
    category: str | None = None
    period: str | None = None
    zone_kind: str | None = None
    job_run_id: int | None = None

    def params(self) -> dict:
        return {f"v_{k}": v for k, v in self.__dict__.items()}


VALUE_WHERE = sql.SQL("""
       (%(v_indicator_id)s::int IS NULL OR v.indicator_id = %(v_indicator_id)s)
   AND (%(v_zone_id)s::int IS NULL OR v.zone_id = %(v_zone_id)s)
   AND (%(v_station_id)s::int IS NULL OR v.station_id = %(v_station_id)s)
   AND (%(v_category)s::text IS NULL OR v.category = %(v_category)s)
   AND (%(v_period)s::text IS NULL OR v.period = %(v_period)s)
   AND (%(v_zone_kind)s::text IS NULL OR z.kind = %(v_zone_kind)s)
   AND (%(v_job_run_id)s::bigint IS NULL OR v.job_run_id = %(v_job_run_id)s)""")
VALUE_COLUMNS = sql.SQL("""
       v.id, i.code AS indicator, i.unit, v.zone_id, z.kind AS zone_kind, z.code AS zone_code,
       z.name_it AS zone_name_it, z.name_en AS zone_name_en, v.station_id,
       s.code AS station_code, s.name_it AS station_name_it, s.name_en AS station_name_en,
       v.category, v.period, v.period_start, v.period_end, v.value, v.quality, v.illustrative,
       v.job_run_id, r.job_name, r.finished_at AS run_finished_at, v.entered_by, v.entered_at,
       v.source, e.status, e.trend""")
VALUE_FROM = sql.SQL("""
  FROM laguna.indicator_values v
  JOIN laguna.indicators i ON i.id = v.indicator_id
  LEFT JOIN laguna.zones z ON z.id = v.zone_id
  LEFT JOIN laguna.stations s ON s.id = v.station_id
  LEFT JOIN laguna.job_runs r ON r.id = v.job_run_id""") + LATEST_EVALUATION


def values(conn: psycopg.Connection, flt: ValueFilter, page: Page) -> tuple[list[dict], bool]:
    """A page of values with their provenance, newest period first; and whether more follow."""
    query = sql.SQL("SELECT {cols} {frm} WHERE {where} ORDER BY v.period_start DESC, "
                    "z.kind, z.code, s.code, v.category, v.id LIMIT %(limit)s OFFSET %(offset)s").format(
        cols=VALUE_COLUMNS, frm=VALUE_FROM, where=VALUE_WHERE)
    found = rows(conn, query, {**flt.params(), "limit": page.limit + 1, "offset": page.offset})
    return found[:page.limit], len(found) > page.limit


def values_geojson(conn: psycopg.Connection, flt: ValueFilter, page: Page, *,
                   zoom: int | None = None, bbox=None, srid: int) -> geojson.Collection:
    """Values as GeoJSON features carrying their zone's (or station's) geometry."""
    place = sql.SQL("coalesce(z.geom, s.geom)")
    in_box, params = geojson.bbox_filter(place, bbox, srid)
    inner = sql.SQL("SELECT {cols}, {geom} AS geom {frm} WHERE {where} AND {box} "
                    "ORDER BY v.period_start DESC, z.kind, z.code, s.code, v.category, v.id").format(
        cols=VALUE_COLUMNS, geom=geojson.web_geometry(place, zoom), frm=VALUE_FROM,
        where=VALUE_WHERE, box=in_box)
    return geojson.collection(conn, inner, {**params, **flt.params()}, page)


def run_inputs(conn: psycopg.Connection, run_ids: list[int]) -> dict[int, list[dict]]:
    """The inputs of each job run, described for people (layer version, raster, series)."""
    if not run_ids:
        return {}
    found = rows(conn, RUN_INPUTS_SQL + " LIMIT 5000", (list(run_ids),))
    out: dict[int, list[dict]] = {}
    for r in found:
        out.setdefault(r["job_run_id"], []).append(r)
    return out


def series(conn: psycopg.Connection, indicator_id: int, category: str, place_kind: str | None,
           max_places: int = 8) -> list[dict]:
    """The values of the places with the longest series (for a chart), oldest first."""
    return rows(conn, """
        WITH v AS (
            SELECT v.*, coalesce(z.code, s.code, '') AS place_code,
                   coalesce(z.name_it, s.name_it) AS place_it, coalesce(z.name_en, s.name_en) AS place_en,
                   coalesce(z.kind, CASE WHEN v.station_id IS NOT NULL THEN 'station' ELSE 'site' END) AS place_kind
              FROM laguna.indicator_values v
              LEFT JOIN laguna.zones z ON z.id = v.zone_id
              LEFT JOIN laguna.stations s ON s.id = v.station_id
             WHERE v.indicator_id = %(id)s AND v.category = %(category)s),
        places AS (
            SELECT zone_id, station_id FROM v
             WHERE %(kind)s::text IS NULL OR place_kind = %(kind)s
             GROUP BY zone_id, station_id ORDER BY count(*) DESC, min(place_code) LIMIT %(n)s)
        SELECT v.zone_id, v.station_id, v.place_code, v.place_it, v.place_en, v.period,
               v.period_start, v.period_end, v.value
          FROM v JOIN places p ON p.zone_id IS NOT DISTINCT FROM v.zone_id
                              AND p.station_id IS NOT DISTINCT FROM v.station_id
         ORDER BY v.place_code, v.period_start""",
                {"id": indicator_id, "category": category, "kind": place_kind, "n": max_places})


@dataclass
class Choropleth:
    """Places of one kind with their values per period, for the indicator map."""

    geojson: str
    periods: list[str]
    breaks: list[float]
    illustrative: bool


def choropleth(conn: psycopg.Connection, indicator_id: int, category: str, place_kind: str,
               zoom: int | None = None, limit: int = 5000) -> Choropleth:
    """Every zone of ``place_kind`` (or every station) with values, each carrying
    ``values`` {period: value} and the latest traffic light; quintile breaks over all values."""
    is_station = place_kind == "station"
    place = sql.SQL("s") if is_station else sql.SQL("z")
    join = (sql.SQL("JOIN laguna.stations s ON s.id = vals.station_id") if is_station else
            sql.SQL("JOIN laguna.zones z ON z.id = vals.zone_id AND z.kind = %(kind)s"))
    key = sql.SQL("station_id") if is_station else sql.SQL("zone_id")
    query = sql.SQL("""
        WITH vals AS (
            SELECT v.{key}, jsonb_object_agg(v.period, v.value) AS values,
                   bool_or(v.illustrative) AS illustrative
              FROM laguna.indicator_values v
             WHERE v.indicator_id = %(id)s AND v.category = %(category)s AND v.{key} IS NOT NULL
             GROUP BY v.{key})
        SELECT ST_AsGeoJSON(f.*, 'geom', 6) FROM (
            SELECT {place}.id, {place}.code, {place}.name_it, {place}.name_en, vals.values,
                   vals.illustrative, e.status, e.trend, e.evaluated_on, {geom} AS geom
              FROM vals {join}
              LEFT JOIN LATERAL (SELECT e.status, e.trend, e.evaluated_on
                                   FROM laguna.indicator_evaluations e
                                  WHERE e.indicator_id = %(id)s AND e.category = %(category)s
                                    AND e.{key} = vals.{key}
                                  ORDER BY e.evaluated_on DESC LIMIT 1) e ON true
             ORDER BY {place}.code LIMIT %(limit)s) f""").format(
        key=key, place=place, join=join,
        geom=geojson.web_geometry(sql.SQL("{}.geom").format(place), zoom))
    params = {"id": indicator_id, "category": category, "kind": place_kind, "limit": limit}
    features = [r[0] for r in conn.execute(query, params).fetchall()]
    stats = one(conn, sql.SQL("""
        SELECT coalesce(array_agg(DISTINCT v.period ORDER BY v.period), '{{}}') AS periods,
               percentile_cont(ARRAY[0, 0.2, 0.4, 0.6, 0.8, 1]) WITHIN GROUP (ORDER BY v.value) AS breaks,
               coalesce(bool_or(v.illustrative), false) AS illustrative
          FROM laguna.indicator_values v {join_v}
         WHERE v.indicator_id = %(id)s AND v.category = %(category)s""").format(
        join_v=sql.SQL("JOIN laguna.stations s ON s.id = v.station_id") if is_station else
        sql.SQL("JOIN laguna.zones z ON z.id = v.zone_id AND z.kind = %(kind)s")), params)
    periods = sorted(stats["periods"], key=period_key)
    breaks = sorted(set(stats["breaks"] or []))
    return Choropleth('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}",
                      periods, breaks, stats["illustrative"])


def period_key(period: str) -> tuple:
    """Sort key of 'YYYY', 'YYYY-Qn', 'YYYY-MM', 'YYYY-MM-DD' periods by their start."""
    year, _, rest = period.partition("-")
    if rest.startswith("Q"):
        return int(year), (int(rest[1]) - 1) * 3 + 1, 1
    parts = [int(p) for p in rest.split("-") if p]
    return (int(year), *(parts + [1, 1])[:2])
