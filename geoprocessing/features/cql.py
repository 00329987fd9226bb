"""CQL2 filters (text or JSON) to parameterised SQL, through pygeofilter's parser and AST.

pygeofilter parses; :class:`_ToSql` (a pygeofilter ``Evaluator``) turns the tree into a
:mod:`psycopg.sql` expression whose every value is a named placeholder and whose every
column comes from the collection's own properties. Types are checked first, so a
comparison of a number with a text is a plain 400, not a database error.

Supported: AND/OR/NOT, = <> < <= > >=, BETWEEN, LIKE (and CASEI), IN, IS NULL,
arithmetic + - * /, property-property comparisons, the spatial predicates S_INTERSECTS,
S_DISJOINT, S_CONTAINS, S_WITHIN, S_TOUCHES, S_CROSSES, S_OVERLAPS, S_EQUALS and BBOX,
with geometry literals in ``filter-crs`` (default CRS84).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import shapely
from psycopg import sql
from pygeofilter import ast, values
from pygeofilter.backends.evaluator import Evaluator, handle

from ..errors import InvalidInput
from . import crs as crs_mod
from .collections import BOOLEAN, DATE, DATETIME, INTEGER, NUMBER, STRING, Collection

GEOMETRY = "geometry"
GEOMETRY_NAMES = ("geometry", "geom")
_GROUPS = {INTEGER: "number", NUMBER: "number", DATE: "time", DATETIME: "time",
           STRING: "text", BOOLEAN: "boolean", GEOMETRY: "geometry"}
_CASTS = {INTEGER: "bigint", NUMBER: "numeric", STRING: "text", BOOLEAN: "boolean",
          DATE: "date", DATETIME: "timestamptz"}
_SPATIAL = {
    ast.SpatialComparisonOp.INTERSECTS: "ST_Intersects", ast.SpatialComparisonOp.DISJOINT: "ST_Disjoint",
    ast.SpatialComparisonOp.CONTAINS: "ST_Contains", ast.SpatialComparisonOp.WITHIN: "ST_Within",
    ast.SpatialComparisonOp.TOUCHES: "ST_Touches", ast.SpatialComparisonOp.CROSSES: "ST_Crosses",
    ast.SpatialComparisonOp.OVERLAPS: "ST_Overlaps", ast.SpatialComparisonOp.EQUALS: "ST_Equals",
}


class Params:
    """The values of one query, each behind its own named placeholder."""

    def __init__(self):
        self.values: dict[str, Any] = {}
        self._names = (f"p{i}" for i in itertools.count())

    def add(self, value: Any, cast: str | None = None) -> sql.Composable:
        name = next(self._names)
        self.values[name] = value
        placeholder = sql.Placeholder(name)
        return sql.SQL("{}::{}").format(placeholder, sql.SQL(cast)) if cast else placeholder


@dataclass(frozen=True)
class Typed:
    sql: sql.Composable
    type: str | None
    literal: Any = None  # the Python value, when the node is a literal
    is_literal: bool = False


def parse(text: str, lang: str):
    """The pygeofilter AST of a CQL2 text or JSON filter; InvalidInput when malformed."""
    try:
        if lang == "cql2-json":
            from pygeofilter.parsers.cql2_json import parse as parse_json

            return parse_json(json.loads(text))
        from pygeofilter.parsers.cql2_text import parse as parse_text

        return parse_text(text)
    except Exception as exc:  # noqa: BLE001 - lark and pygeofilter raise many undocumented kinds
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"The filter is not valid {lang}: {first[:200]}") from None


def to_sql(text: str, lang: str, coll: Collection, params: Params,
           filter_crs: crs_mod.Crs) -> sql.Composable:
    """The SQL condition of a CQL2 filter on ``coll``."""
    tree = parse(text, lang)
    try:
        result = _ToSql(coll, params, filter_crs).evaluate(tree)
    except RecursionError:
        raise InvalidInput("The filter is nested too deeply.") from None
    if result.type != BOOLEAN:
        raise InvalidInput("The filter must be a condition (true or false), not a value.")
    return result.sql


def _group(t: str | None) -> str | None:
    return _GROUPS.get(t) if t else None


class _ToSql(Evaluator):
    def __init__(self, coll: Collection, params: Params, filter_crs: crs_mod.Crs):
        self.coll = coll
        self.params = params
        self.filter_crs = filter_crs

    # -- helpers ------------------------------------------------------------------------
    def _coerce(self, value: Typed, target: str | None) -> Typed:
        """A text literal compared with a date property becomes a date (and so on)."""
        if not value.is_literal or target is None or _group(value.type) == _group(target):
            return value
        if value.type == STRING and _group(target) == "time":
            try:
                parsed: Any = (date.fromisoformat(value.literal) if target == DATE
                               else datetime.fromisoformat(value.literal))
            except ValueError:
                raise InvalidInput(f"{value.literal!r} is not a valid {target}.") from None
            return self._literal(parsed)
        return value

    def _comparable(self, lhs: Typed, rhs: Typed, what: str) -> tuple[Typed, Typed]:
        lhs, rhs = self._coerce(lhs, rhs.type), self._coerce(rhs, lhs.type)
        if GEOMETRY in (lhs.type, rhs.type):
            raise InvalidInput(f"{what} does not apply to geometries: use a spatial function.")
        if None in (lhs.type, rhs.type):
            raise InvalidInput(f"{what} cannot use a property that is not queryable.")
        if _group(lhs.type) != _group(rhs.type):
            raise InvalidInput(f"{what} compares a {lhs.type} with a {rhs.type}.")
        return lhs, rhs

    def _literal(self, value: Any) -> Typed:
        if isinstance(value, bool):
            return Typed(self.params.add(value, "boolean"), BOOLEAN, value, True)
        if isinstance(value, int):
            kind = INTEGER if -(2**63) <= value < 2**63 else NUMBER
            return Typed(self.params.add(value, _CASTS[kind]), kind, value, True)
        if isinstance(value, float):
            return Typed(self.params.add(value, "double precision"), NUMBER, value, True)
        if isinstance(value, str):
            return Typed(self.params.add(value, "text"), STRING, value, True)
        if isinstance(value, datetime):
            return Typed(self.params.add(value, "timestamptz"), DATETIME, value, True)
        if isinstance(value, date):
            return Typed(self.params.add(value, "date"), DATE, value, True)
        raise InvalidInput(f"The filter uses a value of a kind not supported here: {value!r}.")

    def _geometry(self, geojson: dict) -> Typed:
        geom = crs_mod.transform_geojson(geojson, self.filter_crs, self.coll.geom_srid)
        geom = shapely.make_valid(geom)  # an invalid literal would make GEOS raise
        wkb = self.params.add(shapely.to_wkb(geom))
        return Typed(sql.SQL("ST_GeomFromWKB({}, {})").format(wkb, sql.Literal(self.coll.geom_srid)),
                     GEOMETRY)

    # -- logic --------------------------------------------------------------------------
    @handle(ast.Not)
    def not_(self, node, sub: Typed) -> Typed:
        self._boolean(sub)
        return Typed(sql.SQL("(NOT {})").format(sub.sql), BOOLEAN)

    @handle(ast.And, ast.Or)
    def combination(self, node, lhs: Typed, rhs: Typed) -> Typed:
        self._boolean(lhs)
        self._boolean(rhs)
        op = sql.SQL(" AND " if isinstance(node, ast.And) else " OR ")
        return Typed(sql.SQL("({})").format(op.join([lhs.sql, rhs.sql])), BOOLEAN)

    def _boolean(self, sub: Typed) -> None:
        if sub.type != BOOLEAN:
            raise InvalidInput("AND, OR and NOT need conditions on both sides.")

    @handle(ast.Include)
    def include(self, node) -> Typed:
        return Typed(sql.SQL("FALSE" if node.not_ else "TRUE"), BOOLEAN)

    # -- comparisons --------------------------------------------------------------------
    @handle(ast.Comparison, subclasses=True)
    def comparison(self, node, lhs: Typed, rhs: Typed) -> Typed:
        lhs, rhs = self._comparable(lhs, rhs, f"The comparison {node.op.value}")
        if lhs.type == BOOLEAN and node.op not in (ast.ComparisonOp.EQ, ast.ComparisonOp.NE):
            raise InvalidInput("Booleans can only be compared with = or <>.")
        return Typed(sql.SQL("({} {} {})").format(lhs.sql, sql.SQL(node.op.value), rhs.sql), BOOLEAN)

    @handle(ast.Between)
    def between(self, node, lhs: Typed, low: Typed, high: Typed) -> Typed:
        lhs, low = self._comparable(lhs, low, "BETWEEN")
        lhs, high = self._comparable(lhs, high, "BETWEEN")
        return Typed(sql.SQL("({} {}BETWEEN {} AND {})").format(
            lhs.sql, sql.SQL("NOT " if node.not_ else ""), low.sql, high.sql), BOOLEAN)

    @handle(ast.Like)
    def like(self, node, lhs: Typed) -> Typed:
        if lhs.type != STRING or not isinstance(node.pattern, str):
            raise InvalidInput("LIKE needs a text property and a text pattern.")
        # CQL2 patterns are SQL's: % any run, _ one character, backslash escapes.
        return Typed(sql.SQL("({} {}{} {} ESCAPE '\\')").format(
            lhs.sql, sql.SQL("NOT " if node.not_ else ""),
            sql.SQL("ILIKE" if node.nocase else "LIKE"), self.params.add(node.pattern, "text")),
            BOOLEAN)

    @handle(ast.In)
    def in_(self, node, lhs: Typed, *options: Typed) -> Typed:
        checked = [self._comparable(lhs, o, "IN")[1] for o in options]
        return Typed(sql.SQL("({} {}IN ({}))").format(
            lhs.sql, sql.SQL("NOT " if node.not_ else ""), sql.SQL(", ").join(o.sql for o in checked)),
            BOOLEAN)

    @handle(ast.IsNull)
    def is_null(self, node, lhs: Typed) -> Typed:
        return Typed(sql.SQL("({} IS {}NULL)").format(lhs.sql, sql.SQL("NOT " if node.not_ else "")),
                     BOOLEAN)

    # -- spatial ------------------------------------------------------------------------
    @handle(ast.SpatialComparisonPredicate, subclasses=True)
    def spatial(self, node, lhs: Typed, rhs: Typed) -> Typed:
        if lhs.type != GEOMETRY or rhs.type != GEOMETRY:
            raise InvalidInput(f"{node.op.value} needs two geometries.")
        return Typed(sql.SQL("{}({}, {})").format(sql.SQL(_SPATIAL[node.op]), lhs.sql, rhs.sql),
                     BOOLEAN)

    @handle(ast.BBox)
    def bbox(self, node, lhs: Typed) -> Typed:
        if lhs.type != GEOMETRY:
            raise InvalidInput("BBOX needs the geometry property.")
        env = values.Envelope(node.minx, node.maxx, node.miny, node.maxy)
        rhs = self._geometry(env.geometry)
        return Typed(sql.SQL("ST_Intersects({}, {})").format(lhs.sql, rhs.sql), BOOLEAN)

    @handle(values.Geometry, values.Envelope)
    def geometry_literal(self, node) -> Typed:
        return self._geometry(node.geometry)

    # -- expressions --------------------------------------------------------------------
    @handle(ast.Attribute)
    def attribute(self, node) -> Typed:
        if node.name in GEOMETRY_NAMES:
            return Typed(self.coll.geom_expr, GEOMETRY)
        prop = next((p for p in self.coll.props if p.name == node.name), None)
        if prop is None:
            raise InvalidInput(f"The filter names {node.name!r}, which is not a property of "
                               f"{self.coll.id} (see its queryables).")
        return Typed(prop.expr, prop.type)

    @handle(ast.Arithmetic, subclasses=True)
    def arithmetic(self, node, lhs: Typed, rhs: Typed) -> Typed:
        if _group(lhs.type) != "number" or _group(rhs.type) != "number":
            raise InvalidInput(f"The operator {node.op.value} needs numbers on both sides.")
        return Typed(sql.SQL("({}::numeric {} {}::numeric)").format(
            lhs.sql, sql.SQL(node.op.value), rhs.sql), NUMBER)

    @handle(ast.Function)
    def function(self, node, *args: Typed) -> Typed:
        name = node.name.lower()
        if name == "lower" and len(args) == 1 and args[0].type == STRING:  # CASEI(...)
            return Typed(sql.SQL("lower({})").format(args[0].sql), STRING, None, False)
        if name == "bbox" and len(args) == 4 and all(_group(a.type) == "number" and a.is_literal
                                                     for a in args):
            x1, y1, x2, y2 = (float(a.literal) for a in args)
            return self._geometry(values.Envelope(x1, x2, y1, y2).geometry)
        raise InvalidInput(f"The filter function {node.name!r} is not supported here.")

    @handle(*values.LITERALS)
    def literal(self, node) -> Typed:
        return self._literal(node)

    def adopt(self, node, *sub_args):
        kind = type(node).__name__
        raise InvalidInput(f"The filter uses {kind}, which is not supported here.")
