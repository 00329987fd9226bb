"""The feature collections the store publishes, read from the store at request time.

- ``zones-<kind>``: the zones of one kind (``laguna.zones``), with their extra attributes;
- ``plan-projects``: the Management Plan's projects;
- ``monitoring-stations``: the tide gauges and water-quality stations;
- ``indicator-values``: indicator values, each carrying its zone's (or station's) geometry;
- ``<layer name>``: every vector layer of the catalogue (``layers.<table>``).

Our own ids have a hyphen, which layer names cannot have, so the two never clash.
A collection is a description (SQL source, properties, geometry, time), built with
:mod:`psycopg.sql` from identifiers the store holds; user values never enter it.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from ..errors import NotFound

# Property types, as JSON Schema names them (queryables); "date" and "datetime" are
# strings with a format.
STRING, INTEGER, NUMBER, BOOLEAN, DATE, DATETIME = (
    "string", "integer", "number", "boolean", "date", "datetime")

_PG_TYPES = {
    "smallint": INTEGER, "integer": INTEGER, "bigint": INTEGER,
    "real": NUMBER, "double precision": NUMBER, "numeric": NUMBER,
    "text": STRING, "character varying": STRING, "character": STRING,
    "boolean": BOOLEAN, "date": DATE,
    "timestamp with time zone": DATETIME, "timestamp without time zone": DATETIME,
}


@dataclass(frozen=True)
class Prop:
    """One feature property: its name, SQL expression and type (None: shown, not queryable)."""

    name: str
    expr: sql.Composable
    type: str | None
    title: str | None = None


@dataclass(frozen=True)
class Collection:
    id: str
    title_it: str
    title_en: str
    description_it: str
    description_en: str
    source: sql.Composable          # FROM ... (alias t)
    id_expr: sql.Composable
    geom_expr: sql.Composable
    geom_srid: int
    geometry_type: str
    props: tuple[Prop, ...]
    # timestamptz expressions: start (inclusive) and end (exclusive), NULL for open;
    # time_join is added to the source only when a request filters by time
    time_join: sql.Composable | None = None
    time_start: sql.Composable | None = None
    time_end: sql.Composable | None = None
    where: sql.Composable | None = None  # always applied (e.g. the zone kind)
    # what is shown when no datetime is asked for (e.g. current zones, the layer's last version)
    current: sql.Composable | None = None
    illustrative: bool = False
    layer_id: int | None = None
    table_name: str | None = None

    @property
    def title(self) -> str:
        return f"{self.title_it} / {self.title_en}"

    @property
    def description(self) -> str:
        return f"{self.description_it} / {self.description_en}"

    def source_for(self, timed: bool) -> sql.Composable:
        if timed and self.time_join is not None:
            return sql.SQL("{} {}").format(self.source, self.time_join)
        return self.source

    @property
    def queryables(self) -> dict[str, Prop]:
        return {p.name: p for p in self.props if p.type is not None}


def _col(name: str, type_: str | None, alias: str = "t", as_: str | None = None) -> Prop:
    return Prop(as_ or name, sql.Identifier(alias, name), type_)


def _expr(name: str, text: str, type_: str | None) -> Prop:
    return Prop(name, sql.SQL(text), type_)


# -- zones ------------------------------------------------------------------------------
ZONE_PROPS = (
    _col("code", STRING), _col("name_it", STRING), _col("name_en", STRING),
    _col("status", STRING), _col("legal_reference", STRING), _col("valid_from", DATE),
    _col("valid_to", DATE), _col("version", INTEGER), _col("source", STRING),
    _col("licence", STRING), _col("illustrative", BOOLEAN), _col("area_ha", NUMBER),
)


def _zone_attribute_props(conn: psycopg.Connection, kind: str) -> list[Prop]:
    """The extra attributes of a kind's zones (e.g. population), typed from their values."""
    rows = conn.execute(
        "SELECT key, array_agg(DISTINCT jsonb_typeof(value)), "
        "       bool_and(jsonb_typeof(value) <> 'number' OR (value::text::numeric %% 1) = 0) "
        "FROM laguna.zones, jsonb_each(attributes) WHERE kind = %s "
        "GROUP BY key ORDER BY key", (kind,)).fetchall()
    taken = {p.name for p in ZONE_PROPS} | {"id", "kind", "geometry"}
    props = []
    for key, types, integral in rows:
        if key in taken:
            continue
        types = set(types) - {"null"}
        key_lit = sql.Literal(key)
        if types == {"number"}:
            cast = sql.SQL("bigint" if integral else "double precision")
            expr = sql.SQL("(CASE WHEN jsonb_typeof(t.attributes -> {k}) = 'number' "
                           "THEN (t.attributes ->> {k})::numeric::{c} END)").format(k=key_lit, c=cast)
            props.append(Prop(key, expr, INTEGER if integral else NUMBER))
        elif types == {"boolean"}:
            expr = sql.SQL("(CASE WHEN jsonb_typeof(t.attributes -> {k}) = 'boolean' "
                           "THEN (t.attributes ->> {k})::boolean END)").format(k=key_lit)
            props.append(Prop(key, expr, BOOLEAN))
        elif types == {"string"}:
            props.append(Prop(key, sql.SQL("(t.attributes ->> {k})").format(k=key_lit), STRING))
        else:  # mixed or nested values: shown as JSON text, not queryable
            props.append(Prop(key, sql.SQL("(t.attributes -> {k})").format(k=key_lit), None))
    return props


def _zones(conn: psycopg.Connection, srid: int, kind: str, name_it: str, name_en: str) -> Collection:
    return Collection(
        id=f"zones-{kind}", title_it=f"Zone: {name_it}", title_en=f"Zones: {name_en}",
        description_it=f"Zone di tipo «{name_it}» con stato, riferimento normativo e validità; "
                       "senza datetime solo quelle in vigore o proposte.",
        description_en=f"Zones of kind '{name_en}' with status, legal reference and validity; "
                       "without datetime only the live (approved or proposed) ones.",
        source=sql.SQL("laguna.zones t"), id_expr=sql.SQL("t.id"), geom_expr=sql.SQL("t.geom"),
        geom_srid=srid, geometry_type="MultiPolygon",
        props=(*ZONE_PROPS, *_zone_attribute_props(conn, kind)),
        time_start=sql.SQL("t.valid_from::timestamptz"),
        time_end=sql.SQL("(t.valid_to + 1)::timestamptz"),
        current=sql.SQL("t.status <> 'superseded'"),
        where=sql.SQL("t.kind = {}").format(sql.Literal(kind)),
        illustrative=_any_illustrative(conn, "zones", kind),
    )


def _any_illustrative(conn: psycopg.Connection, table: str, kind: str | None = None) -> bool:
    query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE illustrative {})").format(
        sql.Identifier("laguna", table),
        sql.SQL("AND kind = {}").format(sql.Literal(kind)) if kind else sql.SQL(""))
    return bool(conn.execute(query).fetchone()[0])


# -- projects, stations, indicator values -----------------------------------------------
def _projects(conn: psycopg.Connection, srid: int) -> Collection:
    return Collection(
        id="plan-projects", title_it="Progetti del Piano di Gestione",
        title_en="Management Plan projects",
        description_it="I progetti dei piani d'azione, con stato, date, capofila e bilancio.",
        description_en="The action plans' projects, with status, dates, lead body and budget.",
        source=sql.SQL(
            "laguna.projects t JOIN laguna.action_plans ap ON ap.id = t.action_plan_id "
            "JOIN laguna.challenges ch ON ch.id = ap.challenge_id "
            "JOIN laguna.management_plans mp ON mp.id = ch.plan_id "
            "LEFT JOIN laguna.bodies lb ON lb.id = t.lead_body_id"),
        id_expr=sql.SQL("t.id"), geom_expr=sql.SQL("t.geom"), geom_srid=srid,
        geometry_type="Geometry",
        props=(_col("code", STRING, "mp", "plan"), _col("code", STRING, "ch", "challenge"),
               _col("code", STRING, "ap", "action_plan"), _col("code", STRING),
               _col("title_it", STRING), _col("title_en", STRING), _col("status", STRING),
               _col("start_date", DATE), _col("end_date", DATE),
               _col("code", STRING, "lb", "lead_body"), _col("budget_eur", NUMBER),
               _col("committed_eur", NUMBER), _col("spent_eur", NUMBER),
               _col("illustrative", BOOLEAN)),
        time_start=sql.SQL("t.start_date::timestamptz"),
        time_end=sql.SQL("(t.end_date + 1)::timestamptz"),
        illustrative=_any_illustrative(conn, "projects"),
    )


def _stations(conn: psycopg.Connection, srid: int) -> Collection:
    return Collection(
        id="monitoring-stations", title_it="Stazioni di monitoraggio",
        title_en="Monitoring stations",
        description_it="Mareografi e stazioni di qualità dell'acqua.",
        description_en="Tide gauges and water-quality stations.",
        source=sql.SQL("laguna.stations t"), id_expr=sql.SQL("t.id"),
        geom_expr=sql.SQL("t.geom"), geom_srid=srid, geometry_type="Point",
        props=(_col("code", STRING), _col("name_it", STRING), _col("name_en", STRING),
               _col("kind", STRING), _col("side", STRING), _col("active", BOOLEAN),
               _col("illustrative", BOOLEAN)),
        illustrative=_any_illustrative(conn, "stations"),
    )


def _indicator_values(conn: psycopg.Connection, srid: int) -> Collection:
    return Collection(
        id="indicator-values", title_it="Valori degli indicatori",
        title_en="Indicator values",
        description_it="Un valore per indicatore, luogo, categoria e periodo, con la geometria "
                       "della sua zona o stazione (nessuna per i valori dell'intero sito).",
        description_en="One value per indicator, place, category and period, with the geometry "
                       "of its zone or station (none for values of the whole site).",
        source=sql.SQL(
            "laguna.indicator_values t JOIN laguna.indicators i ON i.id = t.indicator_id "
            "LEFT JOIN laguna.zones z ON z.id = t.zone_id "
            "LEFT JOIN laguna.stations s ON s.id = t.station_id"),
        id_expr=sql.SQL("t.id"), geom_expr=sql.SQL("coalesce(z.geom, s.geom)"), geom_srid=srid,
        geometry_type="Geometry",
        props=(_col("code", STRING, "i", "indicator"), _col("name_it", STRING, "i", "indicator_name_it"),
               _col("name_en", STRING, "i", "indicator_name_en"), _col("unit", STRING, "i"),
               _col("kind", STRING, "z", "zone_kind"), _col("code", STRING, "z", "zone_code"),
               _col("name_it", STRING, "z", "zone_name_it"), _col("name_en", STRING, "z", "zone_name_en"),
               _col("code", STRING, "s", "station"), _col("category", STRING),
               _col("period", STRING), _col("period_start", DATE), _col("period_end", DATE),
               _col("value", NUMBER), _col("quality", STRING),
               _col("baseline_value", NUMBER, "i"), _col("target_value", NUMBER, "i"),
               _col("target_period", STRING, "i"), _col("illustrative", BOOLEAN),
               _col("job_run_id", INTEGER), _col("source", STRING), _col("entered_by", STRING)),
        time_start=sql.SQL("t.period_start::timestamptz"),
        time_end=sql.SQL("(t.period_end + 1)::timestamptz"),
        illustrative=_any_illustrative(conn, "indicator_values"),
    )


# -- per-layer tables -------------------------------------------------------------------
def _layer_columns(conn: psycopg.Connection, table: str) -> list[tuple[str, str, int | None, str | None]]:
    """(name, type, geometry SRID, geometry type) of a layer table's columns, in one query
    (the catalogue's own typmods: the geometry_columns view is much slower)."""
    return conn.execute(
        "SELECT a.attname, format_type(a.atttypid, NULL), "
        "CASE WHEN a.atttypid = 'geometry'::regtype THEN postgis_typmod_srid(a.atttypmod) END, "
        "CASE WHEN a.atttypid = 'geometry'::regtype THEN postgis_typmod_type(a.atttypmod) END "
        "FROM pg_attribute a WHERE a.attrelid = to_regclass('layers.' || quote_ident(%s)) "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", (table,)).fetchall()


def _layer(conn: psycopg.Connection, row: tuple) -> Collection | None:
    layer_id, name, title_it, title_en, desc_it, desc_en, table, illustrative, declared = row
    titles = {a.get("name"): a.get("title") or {} for a in declared if isinstance(a, dict)}
    columns = _layer_columns(conn, table)
    geo = {c[0]: c for c in columns}.get("geom")
    if geo is None or not {"fid", "layer_version"} <= {c[0] for c in columns}:
        return None  # declared but not imported yet
    srid, gtype = (geo[2] or 4326), (geo[3] or "Geometry")
    props = [Prop("layer_version", sql.Identifier("t", "layer_version"), INTEGER)]
    for col, pgtype, _srid, _gtype in columns:
        if col in ("fid", "layer_version", "geom"):
            continue
        title = titles.get(col, {})
        props.append(Prop(col, sql.Identifier("t", col), _PG_TYPES.get(pgtype),
                          f"{title['it']} / {title['en']}" if {"it", "en"} <= set(title) else None))
    versions = sql.SQL(
        "(SELECT version, imported_at AS valid_from, "
        "lead(imported_at) OVER (ORDER BY version) AS valid_to "
        "FROM laguna.layer_versions WHERE layer_id = {})").format(sql.Literal(layer_id))
    return Collection(
        id=name, title_it=title_it, title_en=title_en,
        description_it=desc_it or f"Strato «{title_it}»; senza datetime la versione corrente.",
        description_en=desc_en or f"Layer '{title_en}'; without datetime its current version.",
        source=sql.SQL("{} t").format(sql.Identifier("layers", table)),
        time_join=sql.SQL("JOIN {} v ON v.version = t.layer_version").format(versions),
        id_expr=sql.SQL("t.fid"), geom_expr=sql.SQL("t.geom"), geom_srid=srid,
        geometry_type=_geometry_type(gtype), props=tuple(props),
        time_start=sql.SQL("v.valid_from"), time_end=sql.SQL("v.valid_to"),
        current=sql.SQL("t.layer_version = (SELECT max(version) FROM laguna.layer_versions "
                        "WHERE layer_id = {})").format(sql.Literal(layer_id)),
        illustrative=illustrative, layer_id=layer_id, table_name=table,
    )


def _geometry_type(pg: str) -> str:
    known = {"POINT": "Point", "MULTIPOINT": "MultiPoint", "LINESTRING": "LineString",
             "MULTILINESTRING": "MultiLineString", "POLYGON": "Polygon",
             "MULTIPOLYGON": "MultiPolygon"}
    return known.get(pg.upper(), "Geometry")


_LAYER_ROWS = ("SELECT id, name, title_it, title_en, description_it, description_en, table_name, "
               "illustrative, attributes FROM laguna.layers WHERE kind = 'vector' AND table_name IS NOT NULL")


# -- the registry -----------------------------------------------------------------------
def _zone_kinds(conn: psycopg.Connection, kind: str | None = None) -> list[tuple]:
    return conn.execute(
        "SELECT k.code, k.name_it, k.name_en FROM laguna.zone_kinds k "
        "WHERE EXISTS (SELECT 1 FROM laguna.zones z WHERE z.kind = k.code) "
        "AND (%(kind)s::text IS NULL OR k.code = %(kind)s) ORDER BY k.sort_order",
        {"kind": kind}).fetchall()


def all_collections(conn: psycopg.Connection, srid: int) -> list[Collection]:
    """Every published collection, in a stable order: zones, plan, monitoring, layers."""
    out = [_zones(conn, srid, *k) for k in _zone_kinds(conn)]
    out += [_projects(conn, srid), _stations(conn, srid), _indicator_values(conn, srid)]
    for row in conn.execute(_LAYER_ROWS + " ORDER BY name").fetchall():
        layer = _layer(conn, row)
        if layer is not None:
            out.append(layer)
    return out


def get_collection(conn: psycopg.Connection, srid: int, collection_id: str) -> Collection:
    """One collection by id; NotFound when there is none."""
    found: Collection | None = None
    if collection_id.startswith("zones-"):
        kinds = _zone_kinds(conn, collection_id.removeprefix("zones-"))
        found = _zones(conn, srid, *kinds[0]) if kinds else None
    elif collection_id == "plan-projects":
        found = _projects(conn, srid)
    elif collection_id == "monitoring-stations":
        found = _stations(conn, srid)
    elif collection_id == "indicator-values":
        found = _indicator_values(conn, srid)
    else:
        row = conn.execute(_LAYER_ROWS + " AND name = %s", (collection_id,)).fetchone()
        found = _layer(conn, row) if row else None
    if found is None:
        raise NotFound(f"There is no collection {collection_id!r}: see /collections for the list.")
    return found
