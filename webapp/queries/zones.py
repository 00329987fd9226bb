"""Zones: the site's boundaries (property, buffer, lagoon, basins, islands, ...)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from ..params import Page
from . import geojson, one, rows
from .plan import PROJECT_CODE

STATUSES = ("current", "proposed", "approved", "superseded", "all")
# Ground size of the detail maps' simplification (zoom 15: about 1.6 m).
DETAIL_ZOOM = 15


def zones_geojson(conn: psycopg.Connection, page: Page, *, kind: str | None = None,
                  status: str = "current", code: str | None = None, q: str | None = None,
                  bbox=None, zoom: int | None = None, srid: int) -> geojson.Collection:
    in_box, params = geojson.bbox_filter(sql.SQL("z.geom"), bbox, srid)
    params.update(kind=kind, status=status, code=code,
                  q=None if q is None else "%" + like_escape(q) + "%")
    inner = sql.SQL("""
        SELECT z.id, z.kind, z.code, z.name_it, z.name_en, z.status, z.legal_reference,
               z.valid_from, z.valid_to, z.version, round(z.area_ha::numeric, 2) AS area_ha,
               z.illustrative, z.attributes, {geom} AS geom
          FROM laguna.zones z
         WHERE (%(kind)s::text IS NULL OR z.kind = %(kind)s)
           AND (%(code)s::text IS NULL OR z.code = %(code)s)
           AND (%(q)s::text IS NULL OR z.name_it ILIKE %(q)s OR z.name_en ILIKE %(q)s OR z.code ILIKE %(q)s)
           AND CASE %(status)s WHEN 'all' THEN true
                               WHEN 'current' THEN z.status <> 'superseded'
                               ELSE z.status = %(status)s END
           AND {box}
         ORDER BY z.kind, z.code, z.id""").format(
        geom=geojson.web_geometry(sql.SQL("z.geom"), zoom), box=in_box)
    return geojson.collection(conn, inner, params, page)


def like_escape(text: str) -> str:
    """``text`` matched literally by LIKE/ILIKE (its % and _ are not wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def zone(conn: psycopg.Connection, zone_id: int) -> dict:
    tol = geojson.tolerance(DETAIL_ZOOM)
    return one(conn, """
        SELECT z.id, z.kind, k.name_it AS kind_it, k.name_en AS kind_en, z.code, z.name_it,
               z.name_en, z.status, z.legal_reference, z.valid_from, z.valid_to, z.version,
               z.supersedes_id, z.source, z.licence, z.illustrative, z.attributes, z.area_ha,
               ST_AsGeoJSON(ST_Transform(ST_Simplify(z.geom, %(tol)s, true), 4326), 6) AS geojson,
               (SELECT lv.version || ' (' || l.name || ')' FROM laguna.layer_versions lv
                  JOIN laguna.layers l ON l.id = lv.layer_id WHERE lv.id = z.layer_version_id) AS layer_version,
               (SELECT json_agg(json_build_object('id', o.id, 'version', o.version, 'status', o.status,
                                                  'valid_from', o.valid_from, 'valid_to', o.valid_to)
                                ORDER BY o.version)
                  FROM laguna.zones o WHERE o.kind = z.kind AND o.code = z.code AND o.id <> z.id) AS other_versions
          FROM laguna.zones z JOIN laguna.zone_kinds k ON k.code = z.kind
         WHERE z.id = %(id)s""", {"id": zone_id, "tol": tol},
               missing=f"There is no zone with id {zone_id}.")


def zone_values(conn: psycopg.Connection, zone_id: int, limit: int = 300) -> list[dict]:
    """The latest value of each indicator and category in a zone, with its traffic light."""
    return rows(conn, """
        SELECT DISTINCT ON (i.code, v.category)
               i.code, i.name_it, i.name_en, i.unit, i.kind, v.category, v.period, v.value,
               v.illustrative, v.job_run_id, v.quality, e.status, e.trend
          FROM laguna.indicator_values v
          JOIN laguna.indicators i ON i.id = v.indicator_id
          LEFT JOIN LATERAL (SELECT e.status, e.trend FROM laguna.indicator_evaluations e
                              WHERE e.indicator_id = v.indicator_id AND e.zone_id = v.zone_id
                                AND e.category = v.category AND e.last_period = v.period
                              ORDER BY e.evaluated_on DESC LIMIT 1) e ON true
         WHERE v.zone_id = %(id)s
         ORDER BY i.code, v.category, v.period_start DESC, v.period_end DESC
         LIMIT %(limit)s""", {"id": zone_id, "limit": limit})


def zone_projects(conn: psycopg.Connection, zone_id: int, limit: int = 200) -> list[dict]:
    """Projects linked to the zone, or whose location lies in it."""
    return rows(conn, sql.SQL("""
        SELECT p.id, p.code, {code} AS full_code, p.title_it, p.title_en, p.status,
               p.budget_eur, p.illustrative, c.code AS challenge, ap.code AS action_plan,
               EXISTS (SELECT 1 FROM laguna.project_zones pz
                        WHERE pz.project_id = p.id AND pz.zone_id = %(id)s) AS linked
          FROM laguna.projects p
          JOIN laguna.action_plans ap ON ap.id = p.action_plan_id
          JOIN laguna.challenges c ON c.id = ap.challenge_id
         WHERE EXISTS (SELECT 1 FROM laguna.project_zones pz
                        WHERE pz.project_id = p.id AND pz.zone_id = %(id)s)
            OR (p.geom IS NOT NULL AND ST_Intersects(p.geom, (SELECT geom FROM laguna.zones
                                                              WHERE id = %(id)s)))
         ORDER BY c.code, ap.code::int, p.code
         LIMIT %(limit)s""").format(code=PROJECT_CODE), {"id": zone_id, "limit": limit})


def zones_list(conn: psycopg.Connection, kind: str | None = None, limit: int = 1000) -> list[dict]:
    return rows(conn, """
        SELECT z.id, z.kind, k.name_it AS kind_it, k.name_en AS kind_en, z.code, z.name_it,
               z.name_en, z.status, z.area_ha, z.illustrative
          FROM laguna.zones z JOIN laguna.zone_kinds k ON k.code = z.kind
         WHERE z.status <> 'superseded' AND (%(kind)s::text IS NULL OR z.kind = %(kind)s)
         ORDER BY k.sort_order, z.name_it LIMIT %(limit)s""", {"kind": kind, "limit": limit})
