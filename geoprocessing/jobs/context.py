"""The context a job computes in: its inputs (recorded as it reads them) and its outputs.

Reading through the context is what makes a value traceable: every layer version,
raster asset and series a job touches becomes a ``laguna.job_run_inputs`` row of its run,
and values computed from illustrative inputs are flagged illustrative.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from ..config import Settings
from ..errors import InvalidInput, NotFound
from .base import Job

_NOTHING = object()


@dataclass
class Value:
    indicator: str
    period: str
    value: float
    zone_id: int | None = None
    station_id: int | None = None
    category: str = ""
    quality: str = "valid"


@dataclass
class JobContext:
    settings: Settings
    job: Job
    run_id: int
    params: dict[str, Any]
    conn: psycopg.Connection
    quiet: bool = False
    client: Any = None  # a dask.distributed Client, or None for in-process
    values: list[Value] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    illustrative: bool = False
    # Set by a job whose run covers only some categories or stations of its indicators
    # (e.g. one parameter choice): the runner then replaces only the values of these.
    replace_categories: list[str] | None = None
    replace_stations: list[int] | None = None
    # What compute hands to the job's own ``write`` hook (jobs that write their own table).
    output: Any = None

    # -- outputs ------------------------------------------------------------------------
    def emit(self, indicator: str, value: float, period: str, *, zone_id: int | None = None,
             station_id: int | None = None, category: str = "", quality: str = "valid") -> None:
        if indicator not in self.job.indicators:
            raise ValueError(f"job {self.job.name} does not declare indicator {indicator}")
        self.values.append(Value(indicator, period, float(value), zone_id, station_id,
                                 str(category), quality))

    def record_input(self, *, layer_version_id: int | None = None, raster_asset_id: int | None = None,
                     series_id: int | None = None, description: str | None = None,
                     checksum: str | None = None, illustrative: bool = False) -> None:
        entry = {"layer_version_id": layer_version_id, "raster_asset_id": raster_asset_id,
                 "series_id": series_id, "description": description, "checksum": checksum}
        if entry not in self.inputs:
            self.inputs.append(entry)
        self.illustrative = self.illustrative or illustrative

    # -- execution helpers ----------------------------------------------------------------
    def progress(self, iterable: Iterable | None = None, *, total: int | None = None,
                 desc: str | None = None):
        """A progress bar on the terminal (silent with --quiet or when not on a terminal)."""
        from tqdm import tqdm

        return tqdm(iterable, total=total, desc=desc or self.job.name, file=sys.stderr,
                    disable=self.quiet or not sys.stderr.isatty(), leave=False)

    def map(self, fn: Callable, items: list, *, desc: str | None = None,
            shared: Any = _NOTHING) -> list:
        """Apply ``fn`` to each item, in-process or on the Dask cluster; results in order.

        With ``shared``, calls ``fn(item, shared)``: on Dask the shared object (e.g. the
        zones' geometry) is sent to every worker once instead of with every task.
        """
        if self.client is None:
            bar = self.progress(items, total=len(items), desc=desc)
            if shared is _NOTHING:
                return [fn(item) for item in bar]
            return [fn(item, shared) for item in bar]
        if shared is _NOTHING:
            futures = self.client.map(fn, items, pure=False)
        else:
            # In a list: a dict would be scattered key by key under its own keys.
            [handle] = self.client.scatter([shared], broadcast=True, hash=False)
            futures = self.client.map(fn, items, shared=handle, pure=False)
        from distributed import as_completed

        # the client is not the default one (set_as_default=False): hand its loop over
        for _ in self.progress(as_completed(futures, loop=self.client.loop), total=len(futures), desc=desc):
            pass
        return self.client.gather(futures)

    # -- reading inputs ---------------------------------------------------------------------
    def zone_kinds(self) -> tuple[str, ...]:
        """The zone kinds to compute for: --zones if given, else the job's declared kinds."""
        return tuple(self.params.get("zones") or self.job.inputs.zone_kinds)

    def zones(self, kinds: Iterable[str] | None = None):
        """Current zones (not superseded) of the given kinds as a GeoDataFrame."""
        import geopandas as gpd

        kinds = list(kinds or self.zone_kinds())
        rows = self.conn.execute(
            "SELECT z.id, z.kind, z.code, z.name_it, z.name_en, z.status, z.attributes, "
            "       z.illustrative, z.layer_version_id, ST_AsBinary(z.geom) AS geom "
            "FROM laguna.zones z WHERE z.status <> 'superseded' AND z.kind = ANY(%s) "
            "ORDER BY z.kind, z.code, z.status", (kinds,)).fetchall()
        if not rows:
            raise InvalidInput(f"There are no zones of kind {', '.join(kinds)} to compute "
                               f"{self.job.name} for: import them first (laguna layers import ... --as-zones).")
        frame = gpd.GeoDataFrame(
            [dict(zip(("id", "kind", "code", "name_it", "name_en", "status", "attributes",
                       "illustrative", "layer_version_id"), r[:9], strict=True)) for r in rows],
            geometry=gpd.GeoSeries.from_wkb([bytes(r[9]) for r in rows]),
            crs=self.settings.storage_crs)
        for version_id in sorted({int(v) for v in frame["layer_version_id"].dropna()}):
            self._record_layer_version(version_id)
        if not frame["layer_version_id"].notna().all():
            self.record_input(description=f"zones of kind {', '.join(kinds)} entered directly",
                              illustrative=bool(frame["illustrative"].any()))
        self.illustrative = self.illustrative or bool(frame["illustrative"].any())
        return frame

    def _record_layer_version(self, version_id: int) -> None:
        row = self.conn.execute(
            "SELECT source_checksum, illustrative FROM laguna.layer_versions WHERE id = %s",
            (version_id,)).fetchone()
        self.record_input(layer_version_id=version_id, checksum=row[0], illustrative=row[1])

    def raster_assets(self, layer: str) -> list[dict[str, Any]]:
        """The current asset of each date of a raster layer, oldest first (recorded as inputs)."""
        with self.conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                "SELECT DISTINCT ON (a.acquired) a.*, v.illustrative, l.legend, l.bands "
                "FROM laguna.raster_assets a JOIN laguna.layers l ON l.id = a.layer_id "
                "JOIN laguna.layer_versions v ON v.id = a.layer_version_id "
                "WHERE l.name = %s ORDER BY a.acquired, v.version DESC", (layer,)).fetchall()
        if not rows:
            raise InvalidInput(f"The raster layer '{layer}' has no imported rasters; "
                               f"import one first (laguna layers import FILE.tif --layer {layer}).")
        for row in rows:
            self.record_input(raster_asset_id=row["id"], checksum=row["checksum"],
                              illustrative=row["illustrative"])
        return rows

    def raster_path(self, asset: dict[str, Any]) -> Path:
        path = self.settings.var_dir / asset["path"]
        if not path.exists():
            raise NotFound(f"The raster file {path} of asset {asset['id']} is missing from var/.")
        return path

    def series(self, station: str, parameter: str = "water_level"):
        """A station series as a pandas Series (UTC index) and its unit; recorded as input."""
        import pandas as pd

        # illustrative when the observations came from illustrative imports (the importer
        # never mixes the two in a series); the station's own flag only without imports
        row = self.conn.execute(
            "SELECT s.id, s.unit, coalesce((SELECT bool_or(i.illustrative) FROM laguna.observation_imports i "
            "       WHERE i.series_id = s.id), st.illustrative) FROM laguna.station_series s "
            "JOIN laguna.stations st ON st.id = s.station_id "
            "WHERE st.code = %s AND s.parameter = %s", (station, parameter)).fetchone()
        if row is None:
            raise InvalidInput(f"Station {station} has no '{parameter}' series: import one first "
                               f"(laguna observations import FILE --station {station}).")
        series_id, unit, illustrative = row
        data = self.conn.execute(
            "SELECT observed_at, value FROM laguna.observations WHERE series_id = %s "
            "ORDER BY observed_at", (series_id,)).fetchall()
        if not data:
            raise InvalidInput(f"The '{parameter}' series of station {station} is empty.")
        stamp = self.conn.execute(
            "SELECT string_agg(source_checksum, ',' ORDER BY id) FROM laguna.observation_imports "
            "WHERE series_id = %s", (series_id,)).fetchone()[0]
        self.record_input(series_id=series_id, checksum=stamp, illustrative=illustrative)
        index = pd.DatetimeIndex([d[0] for d in data]).tz_convert("UTC")
        return pd.Series([d[1] for d in data], index=index, name=f"{station}:{parameter}"), unit

    def layer(self, name: str, columns: Iterable[str] = ()):
        """The current version of a vector layer as a GeoDataFrame (recorded as input)."""
        import geopandas as gpd
        from psycopg import sql

        row = self.conn.execute(
            "SELECT l.table_name, v.illustrative, v.id, v.version, v.source_checksum "
            "FROM laguna.layers l JOIN laguna.layer_versions v ON v.layer_id = l.id "
            "WHERE l.name = %s AND l.kind = 'vector' ORDER BY v.version DESC LIMIT 1",
            (name,)).fetchone()
        if row is None:
            raise InvalidInput(f"The layer '{name}' has not been imported; import it first "
                               f"(laguna layers import FILE --layer {name}).")
        table, illustrative, version_id, version, checksum = row
        self.record_input(layer_version_id=version_id, checksum=checksum, illustrative=illustrative)
        cols = [sql.Identifier(c) for c in ("fid", *columns)]
        query = sql.SQL("SELECT {cols}, ST_AsBinary(geom) FROM {table} WHERE layer_version = %s "
                        "ORDER BY fid").format(cols=sql.SQL(", ").join(cols),
                                               table=sql.Identifier("layers", table))
        data = self.conn.execute(query, (version,)).fetchall()
        names = ["fid", *columns]
        return gpd.GeoDataFrame([dict(zip(names, r[:-1], strict=True)) for r in data],
                                columns=names,
                                geometry=gpd.GeoSeries.from_wkb([bytes(r[-1]) for r in data]),
                                crs=self.settings.storage_crs)
