"""Fixtures of the importer tests: small data files built in tmp_path, ad-hoc layer files,
and a fingerprint of the whole store to prove that a refused import changed nothing."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import geopandas as gpd
import psycopg
import pyogrio
import pytest
import shapely

from geoprocessing.config import PROJECT_ROOT

# A few zones near the historic city, in the storage CRS (EPSG:7792), with accented names.
CENTRE = (291_000.0, 5_034_000.0)
NAMES = [("CANNAREGIO", "Cannaregio", "Cannaregio"), ("CA_DORO", "Cà d'Oro", "Ca' d'Oro"),
         ("SANT_ERASMO", "Sant'Erasmo", "Sant'Erasmo"), ("SAN_NICOLO", "San Nicolò", "San Nicolò")]
# The real reference files live in ../shared/data beside the checkout (one level further up
# for the team's worktrees, /work/wt/<name>); a fresh clone elsewhere has neither.
SHARED_DATA = next((p for p in (PROJECT_ROOT.parent / "shared" / "data",
                                PROJECT_ROOT.parent.parent / "shared" / "data") if p.is_dir()),
                   PROJECT_ROOT.parent / "shared" / "data")


def squares(n: int = 4, size: float = 400.0, dx: float = 0.0) -> list[shapely.Polygon]:
    x0, y0 = CENTRE
    return [shapely.box(x0 + i * 600 + dx, y0, x0 + i * 600 + size + dx, y0 + size) for i in range(n)]


def zone_frame(n: int = 4, dx: float = 0.0, population=None) -> gpd.GeoDataFrame:
    rows = [NAMES[i % len(NAMES)] for i in range(n)]
    data = {"code": [r[0] if i < len(NAMES) else f"{r[0]}{i}" for i, r in enumerate(rows)],
            "name_it": [r[1] for r in rows], "name_en": [r[2] for r in rows],
            "population": population if population is not None else [1000 * (i + 1) for i in range(n)]}
    return gpd.GeoDataFrame(data, geometry=squares(n, dx=dx), crs="EPSG:7792")


def write(frame: gpd.GeoDataFrame, path: Path, **kwargs) -> Path:
    """Write a frame with the GDAL driver its suffix implies (shapefiles: a folder)."""
    driver = {".geojson": "GeoJSON", ".gpkg": "GPKG", ".fgb": "FlatGeobuf", ".kml": "KML",
              ".shp": "ESRI Shapefile"}[path.suffix]
    if driver in ("GeoJSON", "KML"):
        frame = frame.to_crs(4326)
    pyogrio.write_dataframe(frame, path, driver=driver, **kwargs)
    return path


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def layer_file(tmp_path):
    """Write an ad-hoc layer file: layer_file("name", extra TOML) -> its path."""

    def make(name: str, body: str = "", geometry: str = "MultiPolygon", attributes: str | None = None) -> Path:
        attrs = attributes if attributes is not None else """
            [[attributes]]
            name = "code"
            type = "text"

            [[attributes]]
            name = "name_it"
            type = "text"

            [[attributes]]
            name = "name_en"
            type = "text"

            [[attributes]]
            name = "population"
            type = "integer"
            min = 0
        """
        text = textwrap.dedent(f"""
            name = "{name}"
            kind = "vector"
            geometry_type = "{geometry}"
            title = {{ it = "Prova {name}", en = "Test {name}" }}
            licence = "CC BY 4.0 - test data"
            illustrative = true
        """) + textwrap.dedent(body) + "\n" + textwrap.dedent(attrs)
        folder = tmp_path / "layerfiles"
        folder.mkdir(exist_ok=True)
        path = folder / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return make


def fingerprint(url: str, var_dir: Path | None = None) -> dict:
    """Row counts and checksums of every catalogue, zone, audit and layer table (+ raster files)."""
    with psycopg.connect(url) as conn:
        tables = ["laguna.layers", "laguna.layer_versions", "laguna.raster_assets", "laguna.zones",
                  "audit.log"]
        tables += [f'layers."{t}"' for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'layers' ORDER BY 1")]
        out = {}
        for table in tables:
            out[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "
                f"FROM {table} x").fetchone()
    if var_dir is not None:
        out["files"] = sorted(str(p.relative_to(var_dir)) for p in var_dir.rglob("*") if p.is_file())
    return out


@pytest.fixture
def store_print(settings):
    """fingerprint() of the test's store and var/."""
    return lambda: fingerprint(settings.database_url, settings.var_dir)


@pytest.fixture
def db(settings):
    """A psycopg connection to the test's store (autocommit, for reading results)."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        yield conn
