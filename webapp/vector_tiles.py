"""Vector tiles (Mapbox Vector Tiles) of catalogue layers, from PostGIS ST_AsMVT.

Layers above a few thousand features are drawn from tiles instead of GeoJSON. A tile at
high zoom carries the features themselves; below the layer's *detail zoom* (the first zoom
at which no tile holds more than :data:`MAX_TILE_FEATURES`), it carries the density grid
that ``laguna tiles prepare`` stored in ``laguna.tile_overviews`` (cells of 4 x 4 screen
pixels counting features), so that no tile needs to read the whole layer.
"""

from __future__ import annotations

import threading
import time

import psycopg
from psycopg import sql

from geoprocessing.errors import InvalidInput

from .queries import catalogue, scalar

ORIGIN = 20037508.342789244  # half the side of the Web Mercator square, metres
CELLS = 64                   # overview cells per tile side: 4 px each at 256 px
EXTENT = 4096                # MVT coordinate extent of a tile
BUFFER = 64                  # MVT buffer (tile units) so that edges join
MAX_TILE_FEATURES = 5_000    # more in one tile: draw the density grid instead
GEOJSON_MAX_FEATURES = 5_000  # layers larger than this are served as tiles in the viewer


def check_tile(z: int, x: int, y: int) -> None:
    if not 0 <= z <= 22:
        raise InvalidInput(f"Tile zoom must be between 0 and 22; got {z}.")
    if not (0 <= x < 2 ** z and 0 <= y < 2 ** z):
        raise InvalidInput(f"Tile {z}/{x}/{y} does not exist: x and y must be below {2 ** z} at zoom {z}.")


def detail_zoom(conn: psycopg.Connection, layer: dict) -> int:
    """The first zoom drawn from features; 0 when the layer has no overview."""
    top = scalar(conn, "SELECT max(z) FROM laguna.tile_overviews WHERE layer_id = %s "
                       "AND layer_version = %s", (layer["id"], layer["version"]))
    return 0 if top is None else top + 1


def popup_columns(conn: psycopg.Connection, layer: dict) -> list[str]:
    """Attributes carried in tiles: the layer's popup fields that exist in its table."""
    names = {n for n, _ in catalogue.table_columns(conn, layer["table_name"])}
    return [f for f in (layer.get("popup_fields") or []) if f in names][:8]


# What a tile needs to know of its layer, kept a few seconds: a map asks for dozens of
# tiles at once, and the catalogue changes only on import.
_META_SECONDS = 10.0
_meta: dict[tuple, tuple[float, dict]] = {}
_meta_lock = threading.Lock()


def layer_meta(conn: psycopg.Connection, name: str) -> dict:
    """The layer's catalogue row with its tile columns and detail zoom (cached briefly)."""
    now = time.monotonic()
    key = (conn.info.host, conn.info.port, conn.info.dbname, name)
    with _meta_lock:
        hit = _meta.get(key)
    if hit and now - hit[0] < _META_SECONDS:
        return hit[1]
    layer = dict(catalogue.vector_layer(conn, name))
    layer["tile_columns"] = popup_columns(conn, layer)
    layer["detail_zoom"] = detail_zoom(conn, layer)
    with _meta_lock:
        _meta[key] = (now, layer)
    return layer


def tile(conn: psycopg.Connection, layer: dict, z: int, x: int, y: int, storage_srid: int) -> bytes:
    """The MVT bytes of one tile of a vector layer's current version (``layer`` from
    :func:`layer_meta`)."""
    check_tile(z, x, y)
    if z < layer["detail_zoom"]:
        return overview_tile(conn, layer, z, x, y)
    return feature_tile(conn, layer, z, x, y, storage_srid)


def feature_tile(conn: psycopg.Connection, layer: dict, z: int, x: int, y: int,
                 storage_srid: int) -> bytes:
    srid = 4326 if layer["wide_extent"] else storage_srid
    attrs = layer["tile_columns"]
    query = sql.SQL("""
        SELECT ST_AsMVT(q, 'features', {extent}, 'geom', 'fid') FROM (
            SELECT t.fid, {attrs}
                   ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                                {extent}, {buffer}, true) AS geom
              FROM {table} t
             WHERE t.layer_version = %(v)s
               AND t.geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                                          margin => {margin}), {srid})) q""").format(
        extent=sql.Literal(EXTENT), buffer=sql.Literal(BUFFER),
        margin=sql.Literal(BUFFER / EXTENT), srid=sql.Literal(srid),
        table=sql.Identifier("layers", layer["table_name"]),
        attrs=sql.SQL("").join(sql.SQL("t.{}, ").format(sql.Identifier(a)) for a in attrs))
    return bytes(scalar(conn, query, {"z": z, "x": x, "y": y, "v": layer["version"]}) or b"")


def overview_tile(conn: psycopg.Connection, layer: dict, z: int, x: int, y: int) -> bytes:
    cell = 2 * ORIGIN / 2 ** z / CELLS
    query = sql.SQL("""
        SELECT ST_AsMVT(q, 'density', {extent}, 'geom') FROM (
            SELECT o.n, ST_AsMVTGeom(ST_MakeEnvelope(
                       -{o} + o.cx * %(cell)s, {o} - (o.cy + 1) * %(cell)s,
                       -{o} + (o.cx + 1) * %(cell)s, {o} - o.cy * %(cell)s, 3857),
                       ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {extent}, 0, false) AS geom
              FROM laguna.tile_overviews o
             WHERE o.layer_id = %(layer)s AND o.layer_version = %(v)s AND o.z = %(z)s
               AND o.cx BETWEEN %(x0)s AND %(x1)s AND o.cy BETWEEN %(y0)s AND %(y1)s) q""").format(
        extent=sql.Literal(EXTENT), o=sql.Literal(ORIGIN))
    return bytes(scalar(conn, query, {
        "z": z, "x": x, "y": y, "cell": cell, "layer": layer["id"], "v": layer["version"],
        "x0": x * CELLS, "x1": x * CELLS + CELLS - 1, "y0": y * CELLS,
        "y1": y * CELLS + CELLS - 1}) or b"")


def prepare(conn: psycopg.Connection, name: str, *, max_tile_features: int = MAX_TILE_FEATURES,
            force: bool = False) -> dict:
    """Compute (in one transaction) the density overview of a layer's current version.

    Layers small enough for every tile to hold them whole get none (detail zoom 0).
    Returns what was done: layer, version, features, detail_zoom, cells, seconds.
    """
    started = time.monotonic()
    with _meta_lock:
        _meta.clear()
    with conn.transaction():
        layer = catalogue.vector_layer(conn, name)
        lid, version = layer["id"], layer["version"]
        if not force and detail_zoom(conn, layer) > 0:
            return {"layer": name, "version": version, "features": layer["feature_count"],
                    "detail_zoom": detail_zoom(conn, layer), "cells": None, "seconds": 0.0,
                    "done": False}
        conn.execute("DELETE FROM laguna.tile_overviews WHERE layer_id = %s", (lid,))
        table = sql.Identifier("layers", layer["table_name"])
        # One point per feature, in Web Mercator metres from the top-left corner.
        conn.execute(sql.SQL("""
            CREATE TEMP TABLE _tile_points ON COMMIT DROP AS
            SELECT {o} + ST_X(p) AS px, {o} - ST_Y(p) AS py FROM (
                SELECT ST_Transform(ST_Centroid(geom), 3857) AS p FROM {t}
                 WHERE layer_version = %s AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)) s""").format(
            o=sql.Literal(ORIGIN), t=table), (version,))
        count = scalar(conn, "SELECT count(*) FROM _tile_points")
        dz = _detail_zoom(conn, max_tile_features)
        cells = 0
        if dz > 0:
            # The finest overview zoom from the points, each coarser one from the finer.
            finest = dz - 1
            conn.execute("""
                INSERT INTO laguna.tile_overviews (layer_id, layer_version, z, cx, cy, n)
                SELECT %(lid)s, %(v)s, %(z)s, floor(px / %(cell)s)::int, floor(py / %(cell)s)::int,
                       count(*) FROM _tile_points GROUP BY 4, 5""",
                         {"lid": lid, "v": version, "z": finest, "cell": 2 * ORIGIN / 2 ** finest / CELLS})
            for z in range(finest - 1, -1, -1):
                conn.execute("""
                    INSERT INTO laguna.tile_overviews (layer_id, layer_version, z, cx, cy, n)
                    SELECT layer_id, layer_version, %(z)s, cx / 2, cy / 2, sum(n)
                      FROM laguna.tile_overviews
                     WHERE layer_id = %(lid)s AND layer_version = %(v)s AND z = %(z)s + 1
                     GROUP BY layer_id, layer_version, cx / 2, cy / 2""",
                             {"lid": lid, "v": version, "z": z})
            cells = scalar(conn, "SELECT count(*) FROM laguna.tile_overviews WHERE layer_id = %s",
                           (lid,))
        conn.execute("DROP TABLE _tile_points")
    return {"layer": name, "version": version, "features": count, "detail_zoom": dz,
            "cells": cells, "seconds": round(time.monotonic() - started, 2), "done": True}


def _detail_zoom(conn: psycopg.Connection, max_tile_features: int) -> int:
    """The first zoom whose densest tile holds at most ``max_tile_features`` points."""
    for z in range(0, 23):
        size = 2 * ORIGIN / 2 ** z
        densest = scalar(conn, "SELECT max(n) FROM (SELECT count(*) AS n FROM _tile_points "
                               "GROUP BY floor(px / %(s)s), floor(py / %(s)s)) t", {"s": size})
        if densest is None or densest <= max_tile_features:
            return z
    return 22
