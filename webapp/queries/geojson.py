"""GeoJSON straight from PostGIS, and the SQL pieces every spatial query shares.

PostGIS writes each feature (``ST_AsGeoJSON(record)``); Python only joins the strings and
adds the paging members, so a response costs about what the bare
``json_agg(ST_AsGeoJSON(...))`` query costs (see bench/serve.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import orjson
import psycopg
from psycopg import sql

from ..params import Page

# Ground size of a screen pixel at zoom 0 near Venice (45.4 N), in metres.
PIXEL_M_Z0 = 156543.03392 * math.cos(math.radians(45.4))
DIGITS = 6  # decimal places of degrees: about 0.1 m


def tolerance(zoom: int | None) -> float:
    """Simplification tolerance (metres) for a zoom: half a screen pixel; 0 for no zoom."""
    if zoom is None or zoom >= 18:
        return 0.0
    return PIXEL_M_Z0 / 2 ** zoom / 2


def web_geometry(column: sql.Composable, zoom: int | None, *, point: bool = False,
                 degrees: bool = False) -> sql.Composable:
    """``column`` simplified for ``zoom`` and reprojected to EPSG:4326.

    ``degrees``: the column is in EPSG:4326 (wide-extent layers), not in metres.
    """
    geom = column
    if point:
        geom = sql.SQL("ST_PointOnSurface({})").format(geom)
    elif tol := tolerance(zoom):
        tol = tol / 111_320 if degrees else tol
        geom = sql.SQL("ST_Simplify({}, {}, true)").format(geom, sql.Literal(tol))
    return sql.SQL("ST_Transform({}, 4326)").format(geom)


def bbox_filter(column: sql.Composable, bbox: tuple[float, float, float, float] | None,
                srid: int) -> tuple[sql.Composable, dict]:
    """A WHERE fragment keeping rows whose geometry meets the EPSG:4326 box."""
    if bbox is None:
        return sql.SQL("true"), {}
    # Segmentize so that the box's edges stay straight lines after reprojection.
    frag = sql.SQL("{col} && ST_Transform(ST_Segmentize(ST_MakeEnvelope("
                   "%(bbox_w)s, %(bbox_s)s, %(bbox_e)s, %(bbox_n)s, 4326), 0.01), {srid})").format(
        col=column, srid=sql.Literal(srid))
    w, s, e, n = bbox
    return frag, {"bbox_w": w, "bbox_s": s, "bbox_e": e, "bbox_n": n}


@dataclass
class Collection:
    """A page of GeoJSON features, already serialised by PostGIS."""

    features: list[str]
    has_more: bool
    page: Page
    extra: dict

    def text(self, links: list[dict] | None = None) -> str:
        head = {"type": "FeatureCollection", "numberReturned": len(self.features)}
        head.update(self.extra)
        if links:
            head["links"] = links
        opening = orjson.dumps(head).decode()[:-1]
        return f'{opening},"features":[{",".join(self.features)}]}}'


def collection(conn: psycopg.Connection, inner: sql.Composable, params: dict, page: Page,
               extra: dict | None = None) -> Collection:
    """Run ``inner`` (rows with a ``geom`` column in EPSG:4326 and properties) one page at a time.

    ``inner`` must be ordered; one row more than the page is read to know whether a next
    page exists, never a COUNT of the whole result.
    """
    query = sql.SQL("SELECT ST_AsGeoJSON(f.*, 'geom', {d}) FROM ({inner} LIMIT %(_limit)s "
                    "OFFSET %(_offset)s) AS f").format(d=sql.Literal(DIGITS), inner=inner)
    rows = conn.execute(query, {**params, "_limit": page.limit + 1,
                                "_offset": page.offset}).fetchall()
    texts = [r[0] for r in rows]
    return Collection(texts[:page.limit], len(texts) > page.limit, page, extra or {})
