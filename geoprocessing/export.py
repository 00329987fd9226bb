"""Clean files out: GeoPackage (layers, zones, projects, indicator values, QGIS styles),
GeoJSON in EPSG:4326, CSV of indicator series, and raster assets as COG.

Every function takes an output path or a binary file object (the web app streams
downloads through the same functions) and keeps memory bounded: rows come from
server-side cursors in batches and go out as they arrive. ``timeout_ms`` bounds each
query when a request is waiting.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import psycopg
import pyarrow as pa
from psycopg import sql

from . import catalogue, qgis_style
from .config import Settings
from .errors import InvalidInput, NotFound
from .store.connect import connect

BATCH = 10_000
Output = str | Path | BinaryIO
ARROW = {"text": pa.string(), "integer": pa.int32(), "bigint": pa.int64(), "real": pa.float64(),
         "boolean": pa.bool_(), "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC")}
GPKG_OPTIONS = {"VERSION": "1.3"}  # readable by older GDAL/QGIS without warnings


@contextmanager
def _store(settings: Settings, timeout_ms: int | None) -> Iterator[psycopg.Connection]:
    with connect(settings) as conn, conn.transaction():
        conn.execute("SET TRANSACTION READ ONLY")
        if timeout_ms:
            conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(int(timeout_ms))))
        yield conn


def _rows(conn: psycopg.Connection, query: sql.Composable, params=None) -> Iterator[list[tuple]]:
    """Batches of rows from a server-side cursor (bounded memory whatever the table size)."""
    with conn.cursor(name="laguna_export") as cur:
        cur.itersize = BATCH
        cur.execute(query, params)
        while rows := cur.fetchmany(BATCH):
            yield rows


@contextmanager
def _binary(out: Output, mode: str = "wb") -> Iterator[BinaryIO]:
    if isinstance(out, str | Path):
        with open(out, mode) as fh:
            yield fh
    else:
        yield out


# -- what a table holds ------------------------------------------------------------------
class _Table:
    """A query and the Arrow schema of its rows (geometry last, as WKB, when spatial)."""

    def __init__(self, name: str, query: sql.Composable, params, fields: list[tuple[str, pa.DataType]],
                 geometry_type: str | None, srid: int | None, description: str, qml: str | None,
                 metadata: dict | None = None):
        self.name, self.query, self.params, self.fields = name, query, params, fields
        self.geometry_type, self.srid, self.description, self.qml = geometry_type, srid, description, qml
        self.metadata = metadata or {}

    @property
    def schema(self) -> pa.Schema:
        extra = [("geom", pa.binary())] if self.geometry_type else []
        return pa.schema(self.fields + extra)

    def batches(self, conn: psycopg.Connection) -> Iterator[pa.RecordBatch]:
        schema = self.schema
        for rows in _rows(conn, self.query, self.params):
            columns = list(zip(*rows, strict=True))
            yield pa.record_batch([pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
                                  schema=schema)


def _current(conn: psycopg.Connection, layer: catalogue.LayerDef) -> int:
    version = catalogue.current_version(conn, layer.name)
    if version is None:
        raise NotFound(f"Layer {layer.name} has no data yet: import a file into it first.")
    return version


def _layer_table(conn: psycopg.Connection, layer: catalogue.LayerDef, srid: int) -> _Table:
    version = _current(conn, layer)
    cols = sql.SQL(", ").join([sql.Identifier(a.name) for a in layer.attributes]
                              + [sql.SQL("ST_AsBinary(geom)")])
    query = sql.SQL("SELECT {} FROM {} WHERE layer_version = %s ORDER BY fid").format(
        cols, catalogue.layer_table(layer.name))
    return _Table(layer.name, query, (version,), [(a.name, ARROW[a.type]) for a in layer.attributes],
                  layer.column_type(), layer.srid_override or srid,
                  f"{layer.title.it} / {layer.title.en}. {layer.licence}"
                  + (" (illustrative)" if layer.illustrative else ""),
                  qgis_style.vector_qml(layer),
                  {"laguna:layer": layer.name, "laguna:version": str(version),
                   "licence": layer.licence, "attribution": layer.attribution or ""})


ZONE_FIELDS = [("kind", pa.string()), ("code", pa.string()), ("name_it", pa.string()),
               ("name_en", pa.string()), ("status", pa.string()), ("legal_reference", pa.string()),
               ("valid_from", pa.date32()), ("valid_to", pa.date32()), ("version", pa.int32()),
               ("area_ha", pa.float64()), ("illustrative", pa.bool_()), ("licence", pa.string()),
               ("source", pa.string()), ("attributes", pa.string())]


def _zones_query(kind: str | None, all_versions: bool, geom: sql.Composable) -> tuple[sql.Composed, list]:
    where, params = [sql.SQL("true")], []
    if not all_versions:
        where.append(sql.SQL("status <> 'superseded'"))
    if kind:
        where.append(sql.SQL("kind = %s"))
        params.append(kind)
    names = sql.SQL(", ").join(sql.Identifier(n) for n, _ in ZONE_FIELDS[:-1])
    return (sql.SQL("SELECT {}, attributes::text, {} FROM laguna.zones WHERE {} "
                    "ORDER BY kind, code, version").format(names, geom, sql.SQL(" AND ").join(where)),
            params)


ZONE_STYLE = catalogue.LayerDef(
    name="zones", kind="vector", geometry_type="MultiPolygon", licence="-",
    title=catalogue.Bilingual(it="Zone", en="Zones"),
    style=catalogue.Style(fill="#ffffbf", fill_opacity=0.15, stroke="#d7191c", stroke_width=1.5))


PROJECT_FIELDS = [("plan", pa.string()), ("challenge", pa.string()), ("action_plan", pa.string()),
                  ("code", pa.string()), ("title_it", pa.string()), ("title_en", pa.string()),
                  ("status", pa.string()), ("start_date", pa.date32()), ("end_date", pa.date32()),
                  ("lead_body", pa.string()), ("budget_eur", pa.float64()),
                  ("committed_eur", pa.float64()), ("spent_eur", pa.float64()),
                  ("illustrative", pa.bool_())]
PROJECTS_QUERY = sql.SQL(
    "SELECT mp.code, c.code, ap.code, p.code, p.title_it, p.title_en, p.status, p.start_date, "
    "p.end_date, b.name_it, p.budget_eur::float8, p.committed_eur::float8, p.spent_eur::float8, "
    "p.illustrative, ST_AsBinary(p.geom) FROM laguna.projects p "
    "JOIN laguna.action_plans ap ON ap.id = p.action_plan_id "
    "JOIN laguna.challenges c ON c.id = ap.challenge_id "
    "JOIN laguna.management_plans mp ON mp.id = c.plan_id "
    "LEFT JOIN laguna.bodies b ON b.id = p.lead_body_id ORDER BY mp.code, c.code, ap.code, p.code")

VALUE_FIELDS = [("indicator", pa.string()), ("name_it", pa.string()), ("name_en", pa.string()),
                ("unit", pa.string()), ("indicator_kind", pa.string()), ("zone_kind", pa.string()),
                ("zone_code", pa.string()), ("station", pa.string()), ("category", pa.string()),
                ("period", pa.string()), ("period_start", pa.date32()), ("period_end", pa.date32()),
                ("value", pa.float64()), ("quality", pa.string()), ("illustrative", pa.bool_()),
                ("job_run_id", pa.int64()), ("entered_by", pa.string()),
                ("entered_at", pa.timestamp("us", tz="UTC")), ("source", pa.string())]


def _values_query(codes: list[str] | None) -> tuple[sql.Composed, list]:
    where = sql.SQL("WHERE i.code = ANY(%s)") if codes else sql.SQL("")
    return (sql.SQL(
        "SELECT i.code, i.name_it, i.name_en, i.unit, i.kind, z.kind, z.code, s.code, v.category, "
        "v.period, v.period_start, v.period_end, v.value, v.quality, v.illustrative, v.job_run_id, "
        "v.entered_by, v.entered_at, v.source FROM laguna.indicator_values v "
        "JOIN laguna.indicators i ON i.id = v.indicator_id "
        "LEFT JOIN laguna.zones z ON z.id = v.zone_id "
        "LEFT JOIN laguna.stations s ON s.id = v.station_id {} "
        "ORDER BY i.code, z.kind NULLS FIRST, z.code NULLS FIRST, s.code NULLS FIRST, v.category, "
        "v.period_start").format(where), [codes] if codes else [])


# -- GeoPackage ---------------------------------------------------------------------------
def _write_table(conn: psycopg.Connection, table: _Table, path: Path) -> int:
    import pyogrio

    count = 0

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal count
        for batch in table.batches(conn):
            count += batch.num_rows
            yield batch

    reader = pa.RecordBatchReader.from_batches(table.schema, counted())
    spatial = table.geometry_type is not None
    pyogrio.write_arrow(
        reader, str(path), layer=table.name, driver="GPKG",
        geometry_name="geom" if spatial else None,
        geometry_type=(table.geometry_type if table.geometry_type != "Geometry" else "Unknown")
        if spatial else None,
        crs=f"EPSG:{table.srid}" if spatial else None, append=path.exists(),
        dataset_options=None if path.exists() else GPKG_OPTIONS,
        layer_options={"IDENTIFIER": table.name, "DESCRIPTION": table.description},
        layer_metadata=table.metadata or None)
    return count


def _write_styles(tables: list[_Table], path: Path) -> None:
    import pyogrio

    styled = [t for t in tables if t.qml]
    if not styled:
        return
    now = datetime.now().astimezone()
    styles = pa.table({
        "f_table_catalog": [""] * len(styled), "f_table_schema": [""] * len(styled),
        "f_table_name": [t.name for t in styled], "f_geometry_column": ["geom"] * len(styled),
        "styleName": [t.name for t in styled], "styleQML": [t.qml for t in styled],
        "styleSLD": [""] * len(styled), "useAsDefault": [True] * len(styled),
        "description": [f"laguna style for {t.name}" for t in styled],
        "owner": ["laguna"] * len(styled), "ui": [None] * len(styled),
        "update_time": pa.array([now] * len(styled), pa.timestamp("ms", tz="UTC"))},
        schema=pa.schema([("f_table_catalog", pa.string()), ("f_table_schema", pa.string()),
                          ("f_table_name", pa.string()), ("f_geometry_column", pa.string()),
                          ("styleName", pa.string()), ("styleQML", pa.string()),
                          ("styleSLD", pa.string()), ("useAsDefault", pa.bool_()),
                          ("description", pa.string()), ("owner", pa.string()),
                          ("ui", pa.string()), ("update_time", pa.timestamp("ms", tz="UTC"))]))
    pyogrio.write_arrow(styles, str(path), layer="layer_styles", driver="GPKG", append=True)


def export_gpkg(settings: Settings, out: Output, *, layers: list[str] | None = None,
                zones: bool = True, projects: bool = True, indicators: bool = True,
                timeout_ms: int | None = None) -> dict[str, int]:
    """Write a GeoPackage; returns rows per table. ``layers=None`` means every vector layer
    with data; zones are the current ones; styles go in ``layer_styles``."""
    counts: dict[str, int] = {}
    with _store(settings, timeout_ms) as conn:
        if layers is None:
            names = [r[0] for r in conn.execute(
                "SELECT l.name FROM laguna.layers l WHERE l.kind = 'vector' AND EXISTS "
                "(SELECT 1 FROM laguna.layer_versions v WHERE v.layer_id = l.id) ORDER BY l.name")]
        else:
            names = layers
        tables = []
        for name in names:
            layer = _registered(conn, name)
            if layer.kind != "vector":
                raise InvalidInput(f"Layer {name} is a raster: export it with 'laguna export cog'.")
            tables.append(_layer_table(conn, layer, settings.storage_srid))
        if zones:
            query, params = _zones_query(None, False, sql.SQL("ST_AsBinary(geom)"))
            tables.append(_Table("zones", query, params, ZONE_FIELDS, "MultiPolygon",
                                 settings.storage_srid, "Zone correnti / Current zones",
                                 qgis_style.vector_qml(ZONE_STYLE)))
        if projects:
            tables.append(_Table("projects", PROJECTS_QUERY, None, PROJECT_FIELDS, "Geometry",
                                 settings.storage_srid, "Progetti del Piano di Gestione / "
                                 "Management Plan projects", None))
        if indicators:
            query, params = _values_query(None)
            tables.append(_Table("indicator_values", query, params, VALUE_FIELDS, None, None,
                                 "Valori degli indicatori / Indicator values", None))
        if not tables:
            raise InvalidInput("Nothing to export: no layer has data and every table was left out.")
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "export.gpkg"
            for table in tables:
                counts[table.name] = _write_table(conn, table, path)
            _write_styles(tables, path)
            with path.open("rb") as src, _binary(out) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    return counts


def _registered(conn: psycopg.Connection, name: str) -> catalogue.LayerDef:
    """A layer's definition as the store holds it, with its current version's licence."""
    row = conn.execute("SELECT definition, licence, attribution, illustrative FROM laguna.layers "
                       "WHERE name = %s", (name,)).fetchone()
    if row is None:
        catalogue.resolve(name)  # NotFound naming the known layers when there is no file
        raise NotFound(f"Layer {name} has no data yet: import a file into it first.")
    # licence and labelling are those of the current version's import, not the file's defaults
    return catalogue.LayerDef(**row[0] | dict(zip(catalogue.PROVENANCE, row[1:], strict=True)))


# -- GeoJSON ------------------------------------------------------------------------------
def export_geojson(settings: Settings, out: Output, *, layer: str | None = None,
                   zones: str | None = None, limit: int | None = None,
                   timeout_ms: int | None = None) -> int:
    """A layer's current features, or the current zones (``zones='all'`` or a kind), as a
    GeoJSON FeatureCollection in EPSG:4326; returns the number of features."""
    if (layer is None) == (zones is None):
        raise InvalidInput("Export either a layer or zones, not both or neither.")
    with _store(settings, timeout_ms) as conn:
        if layer:
            definition = _registered(conn, layer)
            if definition.kind != "vector":
                raise InvalidInput(f"Layer {layer} is a raster: export it with 'laguna export cog'.")
            version = _current(conn, definition)
            cols = sql.SQL(", ").join(sql.Identifier(a.name) for a in definition.attributes)
            inner = sql.SQL("SELECT {}{}ST_Transform(geom, 4326) AS geom FROM {} "
                            "WHERE layer_version = %s ORDER BY fid").format(
                cols, sql.SQL(", ") if definition.attributes else sql.SQL(""),
                catalogue.layer_table(layer))
            params: list = [version]
            meta = {"layer": layer, "version": version, "licence": definition.licence,
                    "attribution": definition.attribution, "illustrative": definition.illustrative}
            name = layer
        else:
            kind = None if zones == "all" else zones
            inner, params = _zones_query(kind, False, sql.SQL("ST_Transform(geom, 4326) AS geom"))
            inner = sql.SQL("SELECT {} FROM ({}) z").format(
                sql.SQL("kind, code, name_it, name_en, status, legal_reference, valid_from, valid_to, "
                        "version, area_ha, illustrative, licence, source, attributes::jsonb AS attributes, geom"),
                inner)
            meta = {"zones": zones}
            name = f"zones_{zones}"
        if limit is not None:
            inner = sql.SQL("{} LIMIT {}").format(inner, sql.Literal(int(limit)))
        query = sql.SQL("SELECT ST_AsGeoJSON(t.*, 'geom', 7) FROM ({}) t").format(inner)
        import orjson

        count = 0
        with _binary(out) as fh:
            fh.write(b'{"type":"FeatureCollection","name":' + orjson.dumps(name)
                     + b',"laguna":' + orjson.dumps(meta) + b',"features":[\n')
            for rows in _rows(conn, query, params):
                chunk = ",\n".join(r[0] for r in rows).encode()
                fh.write((b",\n" if count else b"") + chunk)
                count += len(rows)
            fh.write(b"\n]}\n")
    return count


# -- CSV of indicator series ----------------------------------------------------------------
def export_indicator_csv(settings: Settings, out: Output, *, indicators: list[str] | None = None,
                         timeout_ms: int | None = None) -> int:
    """Indicator values (one row per value, with provenance) as UTF-8 CSV; returns rows."""
    with _store(settings, timeout_ms) as conn:
        if indicators:
            known = {r[0] for r in conn.execute("SELECT code FROM laguna.indicators WHERE code = ANY(%s)",
                                                (indicators,))}
            missing = [c for c in indicators if c not in known]
            if missing:
                raise NotFound(f"There is no indicator {missing[0]!r}.")
        query, params = _values_query(indicators)
        count = 0
        with _binary(out) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
            writer = csv.writer(text)
            writer.writerow([n for n, _ in VALUE_FIELDS])
            for rows in _rows(conn, query, params):
                writer.writerows([_csv_value(v) for v in row] for row in rows)
                count += len(rows)
            text.flush()
            text.detach()
    return count


def _csv_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else value


# -- COG ----------------------------------------------------------------------------------
def export_cog(settings: Settings, out: Output, layer: str, *, acquired: date | str | None = None,
               timeout_ms: int | None = None) -> dict:
    """Copy the current COG of a raster layer for a date (the latest when None); when ``out``
    is a path, a QGIS style ``<out>.qml`` is written beside it. Returns the asset's row."""
    when = date.fromisoformat(acquired) if isinstance(acquired, str) else acquired
    with _store(settings, timeout_ms) as conn:
        definition = _registered(conn, layer)
        if definition.kind != "raster":
            raise InvalidInput(f"Layer {layer} is a vector layer: export it with 'laguna export gpkg' or geojson.")
        asset = catalogue.current_raster_asset(conn, layer, when)
    if asset is None:
        raise NotFound(f"Layer {layer} has no raster" + (f" for {when.isoformat()}." if when else " yet."))
    source = settings.var_dir / asset["path"]
    if not source.exists():
        raise NotFound(f"The COG {source} recorded for layer {layer} is missing from var/.")
    with source.open("rb") as src, _binary(out) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    if isinstance(out, str | Path):
        Path(out).with_suffix(".qml").write_text(qgis_style.raster_qml(definition), encoding="utf-8")
    return asset
