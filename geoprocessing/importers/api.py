"""``import_path``: the one entry point for importing a file into a layer.

Used by ``laguna layers import``, by ``laguna sample load`` and by the web app. One
transaction per import: the catalogue row, the features (or the raster asset), the
version record and the zones commit together or not at all. A source identical to the
layer's current one (same SHA-256, same options, same layer file) changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from .. import catalogue
from ..config import Settings
from ..errors import Conflict, InvalidInput
from ..store.connect import connect
from . import sources, vector, zones
from .report import ImportReport, summarise


def parse_date(value: str | date | datetime | None) -> date | None:
    """A date given as YYYY-MM-DD text (or already a date); InvalidInput otherwise."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date: write it as YYYY-MM-DD.") from None


def _options(layer: catalogue.LayerDef, **given) -> dict:
    definition = json.dumps(layer.model_dump(mode="json"), sort_keys=True)
    return {**{k: v for k, v in given.items() if v is not None},
            "layer_file_sha256": hashlib.sha256(definition.encode()).hexdigest()}


def _lock(conn: psycopg.Connection, name: str) -> None:
    got = conn.execute("SELECT pg_try_advisory_xact_lock(hashtext('laguna.import'), hashtext(%s))",
                       (name,)).fetchone()[0]
    if not got:
        raise Conflict(f"Another import into layer {name} is running: try again when it has finished.")


def _same_as_current(conn: psycopg.Connection, layer_id: int, checksum: str, options: dict,
                     acquired: date | None, kind: str) -> int | None:
    """The version that already holds this very source, if it is still the current one."""
    if kind == "raster":
        row = conn.execute(
            "SELECT v.version, v.source_checksum, v.report -> 'options' FROM laguna.raster_assets a "
            "JOIN laguna.layer_versions v ON v.id = a.layer_version_id "
            "WHERE a.layer_id = %s AND a.acquired = %s ORDER BY v.version DESC LIMIT 1",
            (layer_id, acquired)).fetchone() if acquired else None
    else:
        row = conn.execute(
            "SELECT version, source_checksum, report -> 'options' FROM laguna.layer_versions "
            "WHERE layer_id = %s ORDER BY version DESC LIMIT 1", (layer_id,)).fetchone()
    if row and row[1] == checksum and (row[2] or {}) == options:
        return row[0]
    return None


def _record_version(conn: psycopg.Connection, layer: catalogue.LayerDef, layer_id: int, version: int,
                    source: sources.Source, source_crs: str, count: int, repaired: int, report: dict,
                    bounds, srid: int | None) -> int:
    extent = None if bounds is None or srid is None else [float(b) for b in bounds]
    return conn.execute(
        "INSERT INTO laguna.layer_versions (layer_id, version, source_name, source_format, "
        "source_checksum, source_crs, feature_count, repaired_count, report, extent, imported_by, "
        "licence, attribution, illustrative) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, "
        "  CASE WHEN %s::float8[] IS NULL THEN NULL ELSE ST_MakeEnvelope((%s::float8[])[1], "
        "  (%s::float8[])[2], (%s::float8[])[3], (%s::float8[])[4], %s) END, "
        "  coalesce(nullif(current_setting('laguna.user', true), ''), session_user), %s, %s, %s) "
        "RETURNING id",
        (layer_id, version, Path(source.label).name, source.format, source.checksum, source_crs,
         count, repaired, Jsonb(report), extent, extent, extent, extent, extent, srid,
         layer.licence, layer.attribution, layer.illustrative)).fetchone()[0]


def _label_layer(conn: psycopg.Connection, layer_id: int) -> None:
    """The layer's label is derived from its current data: the latest version of a vector
    layer; for a raster, illustrative while any date's current asset is (importing a real
    2024 land cover does not make the sample's 2012 and 2018 ones real)."""
    conn.execute(
        "UPDATE laguna.layers SET illustrative = (SELECT bool_or(illustrative) FROM ("
        "  SELECT DISTINCT ON (a.acquired) v.illustrative FROM laguna.layer_versions v "
        "  LEFT JOIN laguna.raster_assets a ON a.layer_version_id = v.id WHERE v.layer_id = %s "
        "  ORDER BY a.acquired, v.version DESC) current) WHERE id = %s", (layer_id, layer_id))


def import_path(settings: Settings, path: str | Path, layer: str | Path | catalogue.LayerDef, *,
                crs: str | None = None, encoding: str | None = None, as_zones: str | None = None,
                source_layer: str | None = None, acquired: str | date | None = None,
                licence: str | None = None, attribution: str | None = None,
                illustrative: bool | None = None, partial: bool = False) -> ImportReport:
    """Import one file into a layer (by name, layer-file path or definition); see the module doc.

    ``licence``, ``attribution`` and ``illustrative`` declare what the imported data are
    (defaults: the layer file's); the version keeps them and maps, exports and reports
    show them. ``partial`` (with ``as_zones``): the file holds only some of the zones of
    its kind (say, one province's municipalities), so zones it does not mention stay current.

    Raises InvalidInput (one sentence naming file, feature, field and problem), NotFound,
    Conflict (another import of the layer is running) or StoreUnavailable.
    """
    layer_def = catalogue.resolve(layer)
    declared = {"licence": licence, "attribution": attribution, "illustrative": illustrative}
    if licence is not None and not licence.strip():
        raise InvalidInput("--licence is empty: name the licence of the data (e.g. 'CC BY 4.0').")
    layer_def = layer_def.model_copy(update={k: v for k, v in declared.items() if v is not None})
    when = parse_date(acquired)
    source = sources.open_source(path, encoding=encoding, source_layer=source_layer)
    if source.kind != layer_def.kind:
        raise InvalidInput(f"{source.label} is a {source.format} ({source.kind}) file, but layer "
                           f"{layer_def.name} is a {layer_def.kind} layer.")
    if partial and not as_zones:
        raise InvalidInput("--partial only applies to an import that makes zones (--as-zones KIND).")
    if as_zones:
        if layer_def.zones is None:
            raise InvalidInput(f"Layer {layer_def.name} cannot feed zones: its layer file has no "
                               "[zones] section mapping attributes to code and names.")
        if layer_def.zones.kind and layer_def.zones.kind != as_zones:
            raise InvalidInput(f"Layer {layer_def.name} feeds zones of kind {layer_def.zones.kind}, "
                               f"not {as_zones}.")
        if layer_def.wide_extent:
            raise InvalidInput(f"Layer {layer_def.name} is world-wide (wide_extent): zones must lie "
                               "on the site.")
    options = _options(layer_def, crs=crs, encoding=encoding, as_zones=as_zones, partial=partial or None,
                       source_layer=source_layer, acquired=when.isoformat() if when else None)
    report = ImportReport(layer=layer_def.name, unchanged=False, version=None,
                          source=Path(source.label).name, warnings=list(source.warnings))
    job = _Job(settings, layer_def, source, report, options, crs=crs, as_zones=as_zones,
               source_layer=source_layer, when=when)
    with connect(settings) as conn:
        try:
            with conn.transaction():
                _lock(conn, layer_def.name)
                if as_zones:
                    zones.check_kind(conn, as_zones)
                job.layer_id = catalogue.register(conn, layer_def, provenance=True)
                same = _same_as_current(conn, job.layer_id, source.checksum, options, when,
                                        layer_def.kind)
                if same is None:
                    report.version = (catalogue.current_version(conn, layer_def.name) or 0) + 1
                    same = job.vector(conn) if layer_def.kind == "vector" else job.raster(conn)
                if same is not None:
                    report.unchanged, report.version = True, same
                _label_layer(conn, job.layer_id)  # register() wrote this import's flag
        except BaseException:
            job.discard()
            raise
    report.message = summarise(report)
    return report


class _Job:
    """One import's state between the steps of :func:`import_path`."""

    def __init__(self, settings: Settings, layer: catalogue.LayerDef, source: sources.Source,
                 report: ImportReport, options: dict, *, crs, as_zones, source_layer, when):
        self.settings, self.layer, self.source, self.report = settings, layer, source, report
        self.options, self.crs, self.as_zones = options, crs, as_zones
        self.source_layer, self.when = source_layer, when
        self.layer_id: int | None = None
        self.asset = None  # a raster.RasterResult once its COG is written

    def vector(self, conn: psycopg.Connection) -> None:
        layer, report = self.layer, self.report
        srid = layer.srid_override or self.settings.storage_srid
        result = vector.load_vector(conn, layer, self.source, srid=srid, crs=self.crs,
                                    source_layer=self.source_layer, as_zones=bool(self.as_zones),
                                    version=report.version)
        report.feature_count, report.repaired = result.feature_count, result.repaired
        report.skipped = result.skipped
        report.warnings += result.warnings
        payload = report.as_json() | {"options": self.options, "source_layer": result.source_layer}
        wide = layer.wide_extent  # world-wide extents do not fit the storage CRS's column
        version_id = _record_version(conn, layer, self.layer_id, report.version, self.source,
                                     result.source_crs, result.feature_count, result.repaired,
                                     payload, None if wide else result.bounds, None if wide else srid)
        if self.as_zones:
            report.zones = zones.make(conn, layer, self.as_zones, self.layer_id, version_id,
                                      report.version, self.when or date.today(), report.source,
                                      partial=bool(self.options.get("partial")))
            conn.execute("UPDATE laguna.layer_versions SET report = report || %s WHERE id = %s",
                         (Jsonb({"zones": report.zones}), version_id))

    def raster(self, conn: psycopg.Connection) -> int | None:
        """Convert and register the raster; returns a version when it turns out identical."""
        from . import raster  # rasterio is loaded only for rasters

        report, storage = self.report, self.settings.storage_srid
        asset = self.asset = raster.convert(self.layer, self.source, var_dir=self.settings.var_dir,
                                            srid=storage, crs=self.crs, acquired=self.when,
                                            version=report.version)
        if self.when is None:  # the date came from the file: the no-op check can run now
            self.options["acquired"] = asset.acquired.isoformat()
            same = _same_as_current(conn, self.layer_id, self.source.checksum, self.options,
                                    asset.acquired, "raster")
            if same is not None:
                self.discard()
                return same
        report.asset, report.feature_count = asset.relative_path, 1
        report.warnings += asset.warnings
        payload = report.as_json() | {"options": self.options, "acquired": asset.acquired.isoformat(),
                                      "pixels": asset.stats}
        version_id = _record_version(conn, self.layer, self.layer_id, report.version, self.source,
                                     asset.source_crs, 1, 0, payload, asset.bounds, storage)
        raster.register(conn, asset, self.layer_id, version_id, storage)
        raster.place(asset)  # the last step before the commit; undone by discard()
        return None

    def discard(self) -> None:
        if self.asset is not None:
            from . import raster

            raster.discard(self.asset)
            self.asset = None
