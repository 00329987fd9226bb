"""The site at a glance: stations, search by name, and whether sample data is shown."""

from __future__ import annotations

import psycopg
from psycopg import sql

from ..params import Page
from . import geojson, one, rows
from .plan import PROJECT_CODE
from .zones import like_escape


def site(conn: psycopg.Connection) -> dict | None:
    return one(conn, "SELECT id, whc_id, name_it, name_en, inscribed_year, criteria, area_ha "
                     "FROM laguna.sites ORDER BY id LIMIT 1")


def stations_geojson(conn: psycopg.Connection, page: Page, *, kind: str | None = None,
                     bbox=None, srid: int) -> geojson.Collection:
    in_box, params = geojson.bbox_filter(sql.SQL("s.geom"), bbox, srid)
    params["kind"] = kind
    inner = sql.SQL("""
        SELECT s.id, s.code, s.name_it, s.name_en, s.kind, s.side, s.active, s.illustrative,
               (SELECT coalesce(json_agg(json_build_object('parameter', ss.parameter, 'unit', ss.unit,
                                                           'datum', ss.datum) ORDER BY ss.parameter), '[]')
                  FROM laguna.station_series ss WHERE ss.station_id = s.id) AS series,
               ST_Transform(s.geom, 4326) AS geom
          FROM laguna.stations s
         WHERE (%(kind)s::text IS NULL OR s.kind = %(kind)s) AND {box}
         ORDER BY s.code""").format(box=in_box)
    return geojson.collection(conn, inner, params, page)


def search(conn: psycopg.Connection, text: str, limit: int = 12) -> list[dict]:
    """Zones (islands, sestieri, basins, ...) and projects whose name or code contains ``text``;
    names that start with it first. Each with its box in EPSG:4326 to zoom to."""
    pattern = "%" + like_escape(text) + "%"
    prefix = like_escape(text) + "%"
    return rows(conn, sql.SQL("""
        WITH hits AS (
            (SELECT 'zone' AS type, z.id, z.kind, z.code, z.name_it, z.name_en,
                    z.name_it ILIKE %(prefix)s OR z.name_en ILIKE %(prefix)s AS starts,
                    Box2D(ST_Transform(ST_Envelope(z.geom), 4326)) AS box
               FROM laguna.zones z
              WHERE z.status <> 'superseded'
                AND (z.name_it ILIKE %(p)s OR z.name_en ILIKE %(p)s OR z.code ILIKE %(p)s)
              ORDER BY 7 DESC, length(z.name_it), z.id LIMIT %(limit)s)
            UNION ALL
            (SELECT 'project', p.id, 'project', {code}, p.title_it, p.title_en,
                    p.title_it ILIKE %(prefix)s OR p.title_en ILIKE %(prefix)s,
                    Box2D(ST_Transform(ST_Envelope(p.geom), 4326))
               FROM laguna.projects p JOIN laguna.action_plans ap ON ap.id = p.action_plan_id
               JOIN laguna.challenges c ON c.id = ap.challenge_id
              WHERE p.title_it ILIKE %(p)s OR p.title_en ILIKE %(p)s OR p.code = %(text)s
                 OR {code} = %(text)s
              ORDER BY 7 DESC, length(p.title_it), p.id LIMIT %(limit)s))
        SELECT type, id, kind, code, name_it, name_en,
               ST_XMin(box) AS w, ST_YMin(box) AS s, ST_XMax(box) AS e, ST_YMax(box) AS n
          FROM hits ORDER BY starts DESC, length(name_it), type DESC, id LIMIT %(limit)s""")
                .format(code=PROJECT_CODE), {"p": pattern, "prefix": prefix, "text": text, "limit": limit})


def illustrative(conn: psycopg.Connection) -> bool:
    """Whether any of the site's current zones, layers, stations or projects is sample data
    (zones the official boundaries superseded no longer count)."""
    return bool(one(conn, """
        SELECT EXISTS (SELECT 1 FROM laguna.zones WHERE illustrative AND status <> 'superseded')
            OR EXISTS (SELECT 1 FROM laguna.layers WHERE illustrative)
            OR EXISTS (SELECT 1 FROM laguna.stations WHERE illustrative)
            OR EXISTS (SELECT 1 FROM laguna.projects WHERE illustrative) AS any""")["any"])
