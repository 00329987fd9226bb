"""Reading features of a collection: one bounded, parameterised query per page.

Pages are ordered by the feature id, so ``offset`` paging is stable. One row more than
asked is read to know whether there is a next page without counting. ``numberMatched``
is given only when it is cheap: when the planner expects at most :data:`EXACT_COUNT_LIMIT`
matches, a count that stops at that cap (``SELECT count(*) FROM (... LIMIT cap + 1)``);
otherwise it is left out, so no request ever counts a large table in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import orjson
import psycopg
import shapely
from psycopg import sql

from ..errors import InvalidInput, NotFound, StoreUnavailable
from . import cql
from . import crs as crs_mod
from .collections import BOOLEAN, DATE, DATETIME, INTEGER, NUMBER, Collection
from .params import ItemsRequest

EXACT_COUNT_LIMIT = 10_000


@dataclass
class Page:
    features: list[dict]
    number_matched: int | None
    has_next: bool
    crs: crs_mod.Crs


def _output_geometry(coll: Collection, out: crs_mod.Crs) -> sql.Composable:
    geom = coll.geom_expr
    if out.srid != coll.geom_srid:
        geom = sql.SQL("ST_Transform({}, {})").format(geom, sql.Literal(out.srid))
    if out.northing_first:
        geom = sql.SQL("ST_FlipCoordinates({})").format(geom)
    return sql.SQL("ST_AsGeoJSON({}, {})").format(geom, sql.Literal(out.decimals))


def _select(coll: Collection, out: crs_mod.Crs) -> sql.Composable:
    columns = [coll.id_expr, _output_geometry(coll, out)]
    columns += [sql.SQL("{} AS {}").format(p.expr, sql.Identifier(p.name)) for p in coll.props]
    return sql.SQL(", ").join(columns)


def _equals(coll: Collection, name: str, raw: str, params: cql.Params) -> sql.Composable:
    """``?name=value``: equality on a queryable, the text converted to the property's type."""
    prop = coll.queryables[name]
    value: object = raw
    try:
        if prop.type == INTEGER:
            value = int(raw)
            if not -(2**63) <= value < 2**63:
                raise ValueError
        elif prop.type == NUMBER:
            value = Decimal(raw)
            if not value.is_finite():
                raise ValueError
        elif prop.type == BOOLEAN:
            value = {"true": True, "false": False}[raw.lower()]
        elif prop.type == DATE:
            value = date.fromisoformat(raw)
        elif prop.type == DATETIME:
            value = datetime.fromisoformat(raw)
    except (ValueError, KeyError, ArithmeticError):
        raise InvalidInput(f"{name} must be a {prop.type}, not {raw!r}.") from None
    cast = {INTEGER: "bigint", NUMBER: "numeric", BOOLEAN: "boolean", DATE: "date",
            DATETIME: "timestamptz"}.get(prop.type, "text")
    return sql.SQL("{} = {}").format(prop.expr, params.add(value, cast))


def where(coll: Collection, req: ItemsRequest, params: cql.Params) -> sql.Composable:
    """The WHERE condition of an items request (always at least TRUE)."""
    parts: list[sql.Composable] = []
    if coll.where is not None:
        parts.append(coll.where)
    if req.interval is None:
        if coll.current is not None:
            parts.append(coll.current)
    elif coll.time_start is not None:
        start, end = req.interval
        if start is not None:
            parts.append(sql.SQL("({end} IS NULL OR {end} > {s})").format(
                end=coll.time_end, s=params.add(start, "timestamptz")))
        if end is not None:
            parts.append(sql.SQL("({start} IS NULL OR {start} <= {e})").format(
                start=coll.time_start, e=params.add(end, "timestamptz")))
    if req.bbox is not None:
        bbox_crs = crs_mod.parse(req.bbox_crs, coll.geom_srid, parameter="bbox-crs")
        poly = crs_mod.bbox_polygon(req.bbox, bbox_crs, coll.geom_srid)
        parts.append(sql.SQL("ST_Intersects({}, ST_GeomFromWKB({}, {}))").format(
            coll.geom_expr, params.add(shapely.to_wkb(poly)), sql.Literal(coll.geom_srid)))
    elif req.bbox_crs is not None:
        crs_mod.parse(req.bbox_crs, coll.geom_srid, parameter="bbox-crs")
    for name, raw in req.equals.items():
        parts.append(_equals(coll, name, raw, params))
    if req.filter is not None:
        filter_crs = crs_mod.parse(req.filter_crs, coll.geom_srid, parameter="filter-crs")
        parts.append(cql.to_sql(req.filter, req.filter_lang, coll, params, filter_crs))
    elif req.filter_crs is not None:
        crs_mod.parse(req.filter_crs, coll.geom_srid, parameter="filter-crs")
    return sql.SQL(" AND ").join(parts) if parts else sql.SQL("TRUE")


def _execute(conn: psycopg.Connection, query: sql.Composable, params) -> list[tuple]:
    """Run a read query; the store's refusals of a user's filter become InvalidInput."""
    try:
        return conn.execute(query, params, prepare=False).fetchall()
    except psycopg.errors.QueryCanceled:
        raise StoreUnavailable("The query took longer than the request time limit: narrow it "
                               "with bbox, datetime, filter or a smaller limit.") from None
    except (psycopg.errors.DataError, psycopg.errors.UndefinedFunction) as exc:
        raise InvalidInput(f"The request cannot be applied to this collection: "
                           f"{_first_line(exc)}.") from None
    except psycopg.errors.InternalError_ as exc:
        if "transform" in str(exc).lower():  # PROJ refused a coordinate
            raise InvalidInput("The geometries cannot be transformed to the requested CRS.") from None
        raise


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or ["error"])[0].rstrip(".")


def _feature(coll: Collection, row: tuple) -> dict:
    fid, geojson, *values = row
    props = {p.name: _json_value(v) for p, v in zip(coll.props, values, strict=True)}
    return {"type": "Feature", "id": fid,
            "geometry": orjson.Fragment(geojson) if geojson is not None else None,
            "properties": props}


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def items(conn: psycopg.Connection, coll: Collection, req: ItemsRequest) -> Page:
    """One page of features, in the requested CRS."""
    out = crs_mod.parse(req.crs, coll.geom_srid, parameter="crs")
    params = cql.Params()
    condition = where(coll, req, params)
    # The page's ids first, then their columns: PostgreSQL would otherwise transform and
    # encode the geometry of every row that OFFSET skips. "= ANY(ARRAY(...))" makes the
    # planner fetch those ids by index (an IN would become a hash join over the whole table).
    query = sql.SQL("SELECT {cols} FROM {src} WHERE {id} = ANY(ARRAY(SELECT {id} FROM {timed_src} "
                    "WHERE {cond} ORDER BY {id} LIMIT {lim} OFFSET {off})) ORDER BY {id}").format(
        cols=_select(coll, out), src=coll.source, timed_src=coll.source_for(req.interval is not None),
        cond=condition, id=coll.id_expr, lim=params.add(req.limit + 1), off=params.add(req.offset))
    rows = _execute(conn, query, params.values)
    has_next = len(rows) > req.limit
    features = [_feature(coll, r) for r in rows[: req.limit]]
    matched = None
    if not has_next:
        matched = req.offset + len(features) if features or req.offset == 0 else None
    if matched is None:
        matched = _capped_count(conn, coll, req, condition, params)
    return Page(features, matched, has_next, out)


def _capped_count(conn: psycopg.Connection, coll: Collection, req: ItemsRequest,
                  condition: sql.Composable, params: cql.Params) -> int | None:
    """The number of matches when it is cheap to know, else None.

    The planner's estimate comes first (an EXPLAIN, about a millisecond): above the cap the
    count is not attempted. Below it, a count that stops at cap + 1 rows gives the answer.
    """
    source = coll.source_for(req.interval is not None)
    plan = _execute(conn, sql.SQL("EXPLAIN (FORMAT JSON) SELECT 1 FROM {src} WHERE {cond}").format(
        src=source, cond=condition), params.values)[0][0]
    if plan[0]["Plan"]["Plan Rows"] > EXACT_COUNT_LIMIT:
        return None
    query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {src} WHERE {cond} LIMIT {cap}) s").format(
        src=source, cond=condition, cap=sql.Literal(EXACT_COUNT_LIMIT + 1))
    n = _execute(conn, query, params.values)[0][0]
    return n if n <= EXACT_COUNT_LIMIT else None


def item(conn: psycopg.Connection, coll: Collection, feature_id: str,
         crs: str | None) -> tuple[dict, crs_mod.Crs]:
    """One feature by id (any version or status); NotFound when there is none."""
    out = crs_mod.parse(crs, coll.geom_srid, parameter="crs")
    try:
        fid = int(feature_id)
    except ValueError:
        fid = None
    if fid is None or not -(2**63) <= fid < 2**63:
        raise NotFound(f"There is no feature {feature_id!r} in {coll.id}.")
    params = cql.Params()
    cond = [sql.SQL("{} = {}").format(coll.id_expr, params.add(fid, "bigint"))]
    if coll.where is not None:
        cond.append(coll.where)
    query = sql.SQL("SELECT {cols} FROM {src} WHERE {cond}").format(
        cols=_select(coll, out), src=coll.source, cond=sql.SQL(" AND ").join(cond))
    rows = _execute(conn, query, params.values)
    if not rows:
        raise NotFound(f"There is no feature {feature_id!r} in {coll.id}.")
    return _feature(coll, rows[0]), out


def read_all(conn: psycopg.Connection, coll: Collection, req: ItemsRequest
             ) -> tuple[list[str], list[tuple], int]:
    """Every matching feature (no paging), for notebooks: column names, rows (id, geometry as
    WKB in x/y order, properties...) and the SRID (the storage CRS unless ``req.crs``)."""
    params = cql.Params()
    condition = where(coll, req, params)
    srid = coll.geom_srid if req.crs is None else crs_mod.parse(req.crs, coll.geom_srid,
                                                                 parameter="crs").srid
    geom = coll.geom_expr
    if srid != coll.geom_srid:
        geom = sql.SQL("ST_Transform({}, {})").format(geom, sql.Literal(srid))
    columns = [coll.id_expr, sql.SQL("ST_AsBinary({})").format(geom)]
    columns += [sql.SQL("{} AS {}").format(p.expr, sql.Identifier(p.name)) for p in coll.props]
    query = sql.SQL("SELECT {cols} FROM {src} WHERE {cond} ORDER BY {id}").format(
        cols=sql.SQL(", ").join(columns), src=coll.source_for(req.interval is not None),
        cond=condition, id=coll.id_expr)
    names = ["id", "geometry", *(p.name for p in coll.props)]
    return names, _execute(conn, query, params.values), srid


def first_id(conn: psycopg.Connection, coll: Collection) -> int | None:
    """The id of the collection's first feature (an example for the API's documentation)."""
    parts = [p for p in (coll.where, coll.current) if p is not None]
    cond = sql.SQL(" AND ").join(parts) if parts else sql.SQL("TRUE")
    query = sql.SQL("SELECT {id} FROM {src} WHERE {cond} ORDER BY {id} LIMIT 1").format(
        id=coll.id_expr, src=coll.source, cond=cond)
    rows = _execute(conn, query, {})
    return rows[0][0] if rows else None


def spatial_extent(conn: psycopg.Connection, coll: Collection) -> list[float] | None:
    """The collection's bbox in CRS84, or None when it has none.

    A layer's comes from its current version's recorded extent (or the planner's estimate),
    never from a scan of its table; the domain tables are small enough to aggregate.
    """
    box = None
    if coll.layer_id is not None:
        row = conn.execute(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT "
            "coalesce(ST_Transform((SELECT extent FROM laguna.layer_versions WHERE layer_id = %s "
            "AND extent IS NOT NULL ORDER BY version DESC LIMIT 1), 4326), "
            "ST_Transform(ST_SetSRID(ST_EstimatedExtent('layers', %s, 'geom')::geometry, %s), 4326)) b) e",
            (coll.layer_id, coll.table_name, coll.geom_srid)).fetchone()
        box = row if row and row[0] is not None else None
    if box is None:
        parts = [p for p in (coll.where, coll.current) if p is not None]
        cond = sql.SQL(" AND ").join(parts) if parts else sql.SQL("TRUE")
        query = sql.SQL("SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT "
                        "ST_Extent(ST_Transform({g}, 4326)) AS b FROM {src} WHERE {cond}) e").format(
            g=coll.geom_expr, src=coll.source, cond=cond)
        box = _execute(conn, query, {})[0]
    return [round(v, 6) for v in box] if box[0] is not None else None


def temporal_extent(conn: psycopg.Connection, coll: Collection) -> list[str | None] | None:
    """[first start, last end] of the collection's features, RFC 3339, None for open ends."""
    if coll.time_start is None:
        return None
    if coll.layer_id is not None:  # from the few version rows, not the layer's table
        row = conn.execute("SELECT min(imported_at) FROM laguna.layer_versions WHERE layer_id = %s",
                           (coll.layer_id,)).fetchone()
        return [_rfc3339(row[0]), None] if row[0] is not None else None
    cond = coll.where if coll.where is not None else sql.SQL("TRUE")
    query = sql.SQL("SELECT min({s}), CASE WHEN bool_or({e} IS NULL) THEN NULL ELSE max({e}) END "
                    "FROM {src} WHERE {cond}").format(
        s=coll.time_start, e=coll.time_end, src=coll.source, cond=cond)
    start, end = _execute(conn, query, {})[0]
    if start is None and end is None:
        return None
    return [_rfc3339(start), _rfc3339(end)]


def _rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def dumps(document) -> bytes:
    """JSON bytes of a response document (dates as RFC 3339, decimals as numbers)."""
    return orjson.dumps(document, default=_default)


def _default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
