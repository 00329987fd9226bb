"""The layer catalogue as the viewer reads it: layers, their current version, raster assets."""

from __future__ import annotations

import datetime as dt

import psycopg
from psycopg import sql

from geoprocessing.errors import InvalidInput, NotFound

from ..params import Page
from . import geojson, one, rows, scalar

# Columns of the catalogue that pages and the API show; the rest stays in the store.
LAYER_COLUMNS = sql.SQL("""
    l.id, l.name, l.kind, l.title_it, l.title_en, l.description_it, l.description_en,
    l.geometry_type, l.table_name, l.zone_kind, l.attributes, l.style, l.popup_fields,
    l.legend, l.bands, l.licence, l.attribution, l.illustrative, l.wide_extent,
    v.version, v.feature_count, v.imported_at,
    (SELECT coalesce(array_agg(DISTINCT a.acquired ORDER BY a.acquired), '{}')
       FROM laguna.raster_assets a WHERE a.layer_id = l.id) AS dates
""")
CURRENT_VERSION = sql.SQL("""
    LEFT JOIN LATERAL (SELECT lv.version, lv.feature_count, lv.imported_at
                         FROM laguna.layer_versions lv WHERE lv.layer_id = l.id
                        ORDER BY lv.version DESC LIMIT 1) v ON true
""")
# Parameters of a layer's feature request that are not attribute filters.
RESERVED = {"bbox", "limit", "offset", "zoom", "lang", "point"}


def layers(conn: psycopg.Connection, kind: str | None = None) -> list[dict]:
    query = sql.SQL("SELECT {cols} FROM laguna.layers l {cv} "
                    "WHERE %(kind)s::text IS NULL OR l.kind = %(kind)s ORDER BY l.name LIMIT 1000").format(
        cols=LAYER_COLUMNS, cv=CURRENT_VERSION)
    return rows(conn, query, {"kind": kind})


def layer(conn: psycopg.Connection, name: str) -> dict:
    query = sql.SQL("SELECT {cols} FROM laguna.layers l {cv} WHERE l.name = %(name)s").format(
        cols=LAYER_COLUMNS, cv=CURRENT_VERSION)
    return one(conn, query, {"name": name}, missing=f"There is no layer named '{name}'.")


def vector_layer(conn: psycopg.Connection, name: str) -> dict:
    found = layer(conn, name)
    if found["kind"] != "vector" or not found["table_name"]:
        raise NotFound(f"Layer '{name}' is a raster: it has no features (ask for its tiles).")
    if found["version"] is None:
        raise NotFound(f"Layer '{name}' has not been imported yet.")
    return found


def table_columns(conn: psycopg.Connection, table_name: str) -> list[tuple[str, str]]:
    """Attribute columns (name, type) of a per-layer table, without fid/layer_version/geom.

    Read from pg_catalog: information_schema.columns costs tens of milliseconds a call.
    """
    found = conn.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass(format('%%I.%%I', 'layers', %s::text)) "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", (table_name,)).fetchall()
    return [(n, t) for n, t in found if n not in ("fid", "layer_version", "geom")]


def features(conn: psycopg.Connection, lay: dict, args, page: Page, *, bbox=None,
             zoom: int | None = None, point: bool = False, storage_srid: int) -> geojson.Collection:
    """A page of a vector layer's current features; other ``args`` filter attributes by equality."""
    columns = table_columns(conn, lay["table_name"])
    names = {n for n, _ in columns}
    filters, params = [], {"version": lay["version"]}
    for i, key in enumerate(args):
        if key in RESERVED:
            continue
        if key not in names:
            raise InvalidInput(f"Layer '{lay['name']}' has no attribute '{key[:40]}' to filter on; "
                               f"it has: {', '.join(sorted(names)) or 'none'}.")
        filters.append(sql.SQL("t.{}::text = {}").format(sql.Identifier(key),
                                                          sql.Placeholder(f"a{i}")))
        params[f"a{i}"] = args.get(key)
    srid = 4326 if lay["wide_extent"] else storage_srid
    in_box, box_params = geojson.bbox_filter(sql.SQL("t.geom"), bbox, srid)
    params.update(box_params)
    inner = sql.SQL("SELECT t.fid, {attrs}{comma} {geom} AS geom FROM {table} t "
                    "WHERE t.layer_version = %(version)s AND {box} {filters} ORDER BY t.fid").format(
        attrs=sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(n)) for n, _ in columns),
        comma=sql.SQL(",") if columns else sql.SQL(""),
        geom=geojson.web_geometry(sql.SQL("t.geom"), zoom, point=point, degrees=srid == 4326),
        table=sql.Identifier("layers", lay["table_name"]), box=in_box,
        filters=sql.SQL("").join(sql.SQL(" AND ") + f for f in filters))
    return geojson.collection(conn, inner, params, page,
                              {"layer": lay["name"], "layerVersion": lay["version"]})


def raster_asset(conn: psycopg.Connection, name: str, acquired: dt.date | None) -> dict:
    """The current asset of a raster layer for a date (the latest date when None)."""
    found = one(conn, """
        SELECT a.id, a.path, a.acquired, a.dtype, a.nodata, a.band_count, a.checksum,
               l.name, l.legend, l.bands, l.illustrative
          FROM laguna.raster_assets a
          JOIN laguna.layers l ON l.id = a.layer_id
          JOIN laguna.layer_versions lv ON lv.id = a.layer_version_id
         WHERE l.name = %(name)s AND l.kind = 'raster'
           AND (%(acquired)s::date IS NULL OR a.acquired = %(acquired)s)
         ORDER BY a.acquired DESC, lv.version DESC LIMIT 1""",
                {"name": name, "acquired": acquired})
    if found is None:
        when = f" for {acquired.isoformat()}" if acquired else ""
        raise NotFound(f"Raster layer '{name}' has no image{when}.")
    return found


def zone_kinds(conn: psycopg.Connection) -> list[dict]:
    """Zone kinds that have current zones, in their display order, with counts."""
    return rows(conn, """
        SELECT k.code, k.name_it, k.name_en, count(z.id) AS zones, bool_or(z.illustrative) AS illustrative
          FROM laguna.zone_kinds k JOIN laguna.zones z ON z.kind = k.code AND z.status <> 'superseded'
         GROUP BY k.code ORDER BY min(k.sort_order) LIMIT 100""")


def storage_srid(conn: psycopg.Connection) -> int:
    return scalar(conn, "SELECT storage_srid FROM laguna.store_info")


def funding_sources(conn: psycopg.Connection) -> list[dict]:
    return rows(conn, "SELECT code, name_it, name_en FROM laguna.funding_sources ORDER BY code LIMIT 1000")
