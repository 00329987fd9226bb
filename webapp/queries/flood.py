"""Flood exposure at a tide level, as the flood_exposure job left it.

The job writes, per zone and tide level (category '80', '110', '140', '187', in cm above
the Punta della Salute datum), FLOOD_LAND_SHARE (% of the zone's land below the level) and
FLOOD_ASSETS_EXPOSED (heritage assets below it), and lists the exposed assets in its run's
``summary``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import psycopg
from psycopg import sql

from . import geojson, one, rows

LEVELS = ("80", "110", "140", "187")
SHARE, ASSETS = "FLOOD_LAND_SHARE", "FLOOD_ASSETS_EXPOSED"
ASSET_LAYER = "heritage_assets"


def zone_kinds(conn: psycopg.Connection) -> list[dict]:
    return rows(conn, """
        SELECT z.kind, count(DISTINCT z.id) AS n FROM laguna.indicator_values v
          JOIN laguna.indicators i ON i.id = v.indicator_id AND i.code = %s
          JOIN laguna.zones z ON z.id = v.zone_id GROUP BY z.kind ORDER BY count(DISTINCT z.id) DESC LIMIT 100""",
                (SHARE,))


def zones(conn: psycopg.Connection, level: str, kind: str, zoom: int | None = None) -> dict:
    """Zones of ``kind`` with their latest share of land and count of assets below ``level``."""
    query = sql.SQL("""
        WITH share AS (
            SELECT DISTINCT ON (v.zone_id) v.zone_id, v.period, v.value, v.job_run_id, v.illustrative
              FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id
             WHERE i.code = %(share)s AND v.category = %(level)s AND v.zone_id IS NOT NULL
             ORDER BY v.zone_id, v.period_start DESC),
        assets AS (
            SELECT DISTINCT ON (v.zone_id) v.zone_id, v.period, v.value
              FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id
             WHERE i.code = %(assets)s AND v.category = %(level)s AND v.zone_id IS NOT NULL
             ORDER BY v.zone_id, v.period_start DESC)
        SELECT ST_AsGeoJSON(f.*, 'geom', 6) AS feature, f.job_run_id, f.illustrative FROM (
            SELECT z.id, z.kind, z.code, z.name_it, z.name_en, share.period,
                   round(share.value::numeric, 2) AS share, assets.value AS assets,
                   share.job_run_id, share.illustrative, {geom} AS geom
              FROM share JOIN laguna.zones z ON z.id = share.zone_id AND z.kind = %(kind)s
              LEFT JOIN assets ON assets.zone_id = share.zone_id AND assets.period = share.period
             ORDER BY z.code LIMIT 5000) f""").format(
        geom=geojson.web_geometry(sql.SQL("z.geom"), zoom))
    found = conn.execute(query, {"share": SHARE, "assets": ASSETS, "level": level,
                                 "kind": kind}).fetchall()
    runs = sorted({r[1] for r in found if r[1] is not None})
    return {"geojson": '{"type":"FeatureCollection","features":['
                       + ",".join(r[0] for r in found) + "]}",
            "count": len(found), "runs": runs, "illustrative": any(r[2] for r in found)}


def latest_run(conn: psycopg.Connection, run_ids: Iterable[int]) -> dict | None:
    ids = list(run_ids)
    if not ids:
        return None
    return one(conn, "SELECT id, job_name, finished_at, parameters, summary FROM laguna.job_runs "
                     "WHERE id = ANY(%s) ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT 1",
               (ids,))


def dem_dates(conn: psycopg.Connection, run: dict, periods: Iterable[str]) -> list[dt.date]:
    """The dates of the elevation models (DEM) the run computed the values of ``periods``
    from (a value's period is its DEM's year): the run's summary says so (``dates``:
    period -> {"dem": date}); else its recorded raster inputs of the ``dem`` layer."""
    periods = sorted(set(periods))
    dates = (run.get("summary") or {}).get("dates") if isinstance(run.get("summary"), dict) else None
    found = set()
    if isinstance(dates, dict):
        for p in periods:
            entry = dates.get(p)
            if isinstance(entry, dict) and entry.get("dem"):
                try:
                    found.add(dt.date.fromisoformat(str(entry["dem"])[:10]))
                except ValueError:
                    pass
    if found:
        return sorted(found)
    inputs = [r["acquired"] for r in rows(conn, """
        SELECT ra.acquired FROM laguna.job_run_inputs ri
          JOIN laguna.raster_assets ra ON ra.id = ri.raster_asset_id
          JOIN laguna.layers l ON l.id = ra.layer_id AND l.name = 'dem'
         WHERE ri.job_run_id = %s ORDER BY ra.acquired LIMIT 100""", (run["id"],))]
    matching = [d for d in inputs if str(d.year) in {p[:4] for p in periods}]
    return matching or inputs


def exposed_ids(summary: dict, level: str) -> set[str] | None:
    """Identifiers (asset_id or fid, as text) of the assets a run lists as exposed at
    ``level``; None when the summary holds no list. Accepts a mapping level -> list, or a
    list of assets each naming its level(s) or the lowest level that reaches it."""
    if not isinstance(summary, dict):
        return None
    listing = summary.get("exposed_assets")
    if listing is None and isinstance(summary.get("levels"), dict):
        entry = summary["levels"].get(level) or summary["levels"].get(int(level))
        listing = {level: entry.get("assets", [])} if isinstance(entry, dict) else None
    if isinstance(listing, dict):
        found = listing.get(level, listing.get(int(level)))
        return None if found is None else {_ident(a) for a in found} - {None}
    if isinstance(listing, list):
        out = set()
        for a in listing:
            if not isinstance(a, dict):
                continue
            levels = a.get("levels")
            lowest = a.get("min_level", a.get("level"))
            hit = (str(int(level)) in {str(x) for x in levels} if isinstance(levels, list)
                   else lowest is not None and float(lowest) <= float(level))
            if hit:
                out.add(_ident(a))
        return out - {None}
    return None


def _ident(asset) -> str | None:
    if isinstance(asset, dict):
        for key in ("asset_id", "fid", "id"):
            if asset.get(key) is not None:
                return str(asset[key])
        return None
    return None if asset is None else str(asset)


def assets(conn: psycopg.Connection, ids: set[str] | None, table: str, version: int) -> str:
    """The heritage assets as GeoJSON points, each flagged ``exposed``."""
    query = sql.SQL("""
        SELECT ST_AsGeoJSON(f.*, 'geom', 6) FROM (
            SELECT t.fid, t.asset_id, t.name, t.category,
                   (t.asset_id::text = ANY(%(ids)s) OR t.fid::text = ANY(%(ids)s)) AS exposed,
                   ST_Transform(t.geom, 4326) AS geom
              FROM {table} t WHERE t.layer_version = %(version)s
             ORDER BY t.fid LIMIT 20000) f""").format(table=sql.Identifier("layers", table))
    found = conn.execute(query, {"ids": sorted(ids or ()), "version": version}).fetchall()
    return '{"type":"FeatureCollection","features":[' + ",".join(r[0] for r in found) + "]}"
