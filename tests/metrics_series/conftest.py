"""Fixtures for the series, density, plan and evaluation jobs: small loaders that put
hand-built (or real) inputs into a test store, the way the importers will.

The real tide files live in ``../shared/data/cpsm-tides/`` next to the checkout (one or
two levels up for a worktree); tests that need them skip, saying so, when they are absent.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from pyproj import Transformer

from geoprocessing.config import PROJECT_ROOT

SRID = 7792
TO_STORAGE = Transformer.from_crs("EPSG:4326", f"EPSG:{SRID}", always_xy=True)

# Station positions from ../shared/data/README.md (WGS84 lon, lat).
STATIONS = {"PSAL": ("Punta della Salute", "lagoon", 12.3363, 45.4309),
            "DSL": ("Diga Sud Lido", "sea", 12.4360, 45.4177),
            "BUR": ("Burano", "lagoon", 12.4167, 45.4853)}
CPSM_FILES = {"PSAL": "Stazione_PuntaSalute_CanalGrande.csv", "DSL": "Stazione_DigaSudLido.csv",
              "BUR": "Stazione_Burano.csv"}
# The City of Venice tide centre (CPSM) publishes in solar time all year (UTC+1, no DST:
# the files have no repeated or missing hour at the end of October or in March).
CPSM_TIMEZONE = "Etc/GMT-1"


def shared_data() -> Path | None:
    """The nearest ``shared/data`` folder above the checkout, or None."""
    for parent in PROJECT_ROOT.parents:
        candidate = parent / "shared" / "data"
        if (candidate / "cpsm-tides").is_dir():
            return candidate
    return None


@pytest.fixture
def cpsm_tides() -> Path:
    found = shared_data()
    if found is None:
        pytest.skip("../shared/data/cpsm-tides is absent (a fresh clone has no ../shared): "
                    "the tests on the real tide files need it")
    return found / "cpsm-tides"


@pytest.fixture
def conn(settings):
    with psycopg.connect(settings.database_url, autocommit=True) as connection:
        yield connection


def add_station(conn, code: str, *, illustrative: bool = False) -> int:
    name, side, lon, lat = STATIONS[code]
    x, y = TO_STORAGE.transform(lon, lat)
    return conn.execute(
        "INSERT INTO laguna.stations (code, name_it, name_en, kind, side, illustrative, geom) "
        "VALUES (%s, %s, %s, 'tide_gauge', %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), %s)) "
        "ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id",
        (code, name, name, side, illustrative, x, y, SRID)).fetchone()[0]


def load_levels(conn, code: str, levels: pd.Series, unit: str, *, source: str = "hand-built",
                illustrative: bool = False) -> int:
    """Store a UTC-indexed level series as station ``code``'s water_level; returns the series id."""
    station_id = add_station(conn, code, illustrative=illustrative)
    series_id = conn.execute(
        "INSERT INTO laguna.station_series (station_id, parameter, unit, datum) VALUES (%s, 'water_level', %s, 'ZMPS') "
        "ON CONFLICT (station_id, parameter) DO UPDATE SET unit = EXCLUDED.unit RETURNING id",
        (station_id, unit)).fetchone()[0]
    levels = levels.dropna()
    checksum = hashlib.sha256(levels.to_csv().encode()).hexdigest()
    import_id = conn.execute(
        "INSERT INTO laguna.observation_imports (series_id, source_name, source_checksum, timezone, rows_read, "
        "rows_inserted, illustrative) VALUES (%s, %s, %s, 'UTC', %s, %s, %s) RETURNING id",
        (series_id, source, checksum, len(levels), len(levels), illustrative)).fetchone()[0]
    with conn.cursor().copy("COPY laguna.observations (series_id, observed_at, value, import_id) FROM STDIN") as copy:
        for when, value in levels.items():
            copy.write_row((series_id, when.to_pydatetime(), float(value), import_id))
    return series_id


def read_cpsm(path: Path) -> pd.Series:
    """The water level column (m above ZMPS) of a CPSM file, UTC-indexed, blanks dropped
    (read with pandas, independently of the importer)."""
    frame = pd.read_csv(path, sep=";")
    times = pd.to_datetime(frame.iloc[:, 0]).dt.tz_localize(CPSM_TIMEZONE).dt.tz_convert("UTC")
    return pd.Series(frame.iloc[:, 1].to_numpy(dtype=float), index=pd.DatetimeIndex(times)).dropna()


def import_cpsm(conn, folder: Path, code: str) -> pd.Series:
    """Import a real CPSM file with ``laguna observations import`` (as a user would) into
    station ``code``; returns the same levels read independently with pandas."""
    from click.testing import CliRunner

    from webapp.cli import cli

    add_station(conn, code)
    path = folder / CPSM_FILES[code]
    result = CliRunner().invoke(cli, ["observations", "import", str(path), "--station", code, "--unit", "m",
                                      "--datum", "ZMPS", "--tz", CPSM_TIMEZONE])
    assert result.exit_code == 0, result.output
    return read_cpsm(path)


def lonlat_polygon(points: list[tuple[float, float]]) -> str:
    """A WKT polygon in the storage CRS from lon/lat vertices."""
    ring = [TO_STORAGE.transform(x, y) for x, y in [*points, points[0]]]
    return "POLYGON((" + ", ".join(f"{x:.3f} {y:.3f}" for x, y in ring) + "))"


def add_zone(conn, kind: str, code: str, wkt: str, *, population: int | None = None,
             illustrative: bool = False) -> int:
    attributes = {} if population is None else {"population": population}
    return conn.execute(
        "INSERT INTO laguna.zones (site_id, kind, code, name_it, name_en, status, illustrative, attributes, geom) "
        "VALUES ((SELECT id FROM laguna.sites), %s, %s, %s, %s, 'approved', %s, %s, "
        "ST_Multi(ST_GeomFromText(%s, %s))) RETURNING id",
        (kind, code, code.title(), code.title(), illustrative, json.dumps(attributes), wkt, SRID)).fetchone()[0]


def add_point_layer(conn, name: str, points: list[tuple[float, float, dict]], columns: dict[str, str], *,
                    version: int = 1, illustrative: bool = False) -> int:
    """A vector layer as the importer makes it: catalogue row, version row, typed table."""
    from psycopg import sql

    layer_id = conn.execute(
        "INSERT INTO laguna.layers (name, kind, title_it, title_en, geometry_type, table_name, licence, illustrative) "
        "VALUES (%s, 'vector', %s, %s, 'Point', %s, 'CC-BY-4.0', %s) ON CONFLICT (name) DO UPDATE "
        "SET name = EXCLUDED.name RETURNING id", (name, name, name, name, illustrative)).fetchone()[0]
    payload = json.dumps(points, sort_keys=True).encode()
    version_id = conn.execute(
        "INSERT INTO laguna.layer_versions (layer_id, version, source_name, source_format, source_checksum, "
        "feature_count) VALUES (%s, %s, %s, 'GeoJSON', %s, %s) RETURNING id",
        (layer_id, version, f"{name}.geojson", hashlib.sha256(payload).hexdigest(), len(points))).fetchone()[0]
    table = sql.Identifier("layers", name)
    typed = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in columns.items())
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (fid bigserial PRIMARY KEY, layer_version integer NOT NULL, "
                         "{}, geom geometry(Point, 7792))").format(table, typed))
    names = list(columns)
    insert = sql.SQL("INSERT INTO {} (layer_version, {}, geom) VALUES (%s, {}, ST_SetSRID(ST_MakePoint(%s, %s), 7792))").format(
        table, sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(sql.Placeholder() * len(names)))
    for lon, lat, attrs in points:
        x, y = TO_STORAGE.transform(lon, lat)
        conn.execute(insert, (version, *(attrs.get(c) for c in names), x, y))
    return version_id


def indicator_values(settings, *codes: str) -> list[tuple]:
    """(indicator, zone code, station code, category, period, value, quality) of the given codes, sorted."""
    with psycopg.connect(settings.database_url) as c:
        return c.execute(
            "SELECT i.code, z.code, s.code, v.category, v.period, v.value, v.quality FROM laguna.indicator_values v "
            "JOIN laguna.indicators i ON i.id = v.indicator_id LEFT JOIN laguna.zones z ON z.id = v.zone_id "
            "LEFT JOIN laguna.stations s ON s.id = v.station_id WHERE i.code = ANY(%s) "
            "ORDER BY 1, 2, 3, 4, 5", (list(codes),)).fetchall()
