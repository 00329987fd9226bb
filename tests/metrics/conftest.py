"""A tiny hand-built site with known answers for the raster metric jobs.

Grid: 60 x 50 cells of 10 m, top-left corner (300000, 5030000), EPSG:7792.

* land_cover 2012: vertical stripes of 10 columns: class 1 + col // 10 (1..6); rows 46-49
  no data. 2018: rows 0-9 of class 3 (cols 20-29) became 4 (artificial). 2024: rows 0-19
  of cols 20-29 are 4, and cols 10-14 rows 20-45 lost their salt marsh (2 -> 1).
  Every class region is a union of rectangles (``RECT`` below), so an exact class area
  is ST_Area(zone ∩ rectangle): an independent computation in PostGIS.
* dem 2012: -0.975 + 0.05 * col metres (no value ties with the tide levels); rows 48-49
  no data. dem 2024: 10 cm lower in rows 0-24 (erosion).
* ndvi 2024: seeded random values in [-1, 1], 5 % no data.
* zones: an irregular property reaching past the raster, a proposed buffer overlapping
  it, an aligned basin, an offset basin, an island with a hole inside the first basin,
  a lagoon holding both basins.
* salt_marshes: the class-2 stripe (2012) and the stripe less the lost rectangle (2024).
* heritage_assets: points at cell centres of known elevation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import psycopg
import pytest
import rasterio
from rasterio.transform import from_origin

X0, Y0, CELL, W, H = 300_000.0, 5_030_000.0, 10.0, 60, 50
SRID = 7792


def rect(c0, r0, c1, r1) -> str:
    """WKT of the cells cols c0..c1-1, rows r0..r1-1."""
    x0, x1 = X0 + c0 * CELL, X0 + c1 * CELL
    y0, y1 = Y0 - r1 * CELL, Y0 - r0 * CELL
    return f"POLYGON(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


def land_cover(year: int) -> np.ndarray:
    cls = (1 + np.arange(W) // 10)[None, :].repeat(H, axis=0).astype(np.uint8)
    if year >= 2018:
        cls[0:10, 20:30] = 4
    if year >= 2024:
        cls[0:20, 20:30] = 4
        cls[20:46, 10:15] = 1
    cls[46:, :] = 0
    return cls


def dem(year: int) -> np.ndarray:
    z = (-0.975 + 0.05 * np.arange(W))[None, :].repeat(H, axis=0)
    if year >= 2024:
        z[0:25, :] -= 0.10
    z = z.astype(np.float32)
    z[48:, :] = -9999
    return z


def ndvi() -> np.ndarray:
    rng = np.random.default_rng(42)
    v = rng.uniform(-1, 1, size=(H, W)).astype(np.float32)
    v[rng.random((H, W)) < 0.05] = -9999
    return v


ZONES = {
    # kind, code, status, WKT
    "P": ("property", "P", "approved",
          "POLYGON((300020.3 5029985.7, 300580.1 5029970.2, 300590.4 5029520.9, "
          "300310 5029480, 300140.7 5029555.5, 300020.3 5029985.7))"),
    "BZ": ("buffer", "BZ", "proposed",
           "POLYGON((300400.5 5030030, 300650 5030030, 300650 5029450, 300400.5 5029450, "
           "300400.5 5030030), (300500 5029800, 300550 5029800, 300550 5029700, 300500 5029700, "
           "300500 5029800))"),
    "L": ("lagoon", "L", "approved",
          "POLYGON((300030 5029930, 300480 5029930, 300480 5029590, 300030 5029590, "
          "300030 5029930))"),
    "B1": ("basin", "B1", "approved", rect(5, 10, 25, 30)),
    "B2": ("basin", "B2", "approved",
           "POLYGON((300255.5 5029612.5, 300455.5 5029612.5, 300455.5 5029812.5, "
           "300255.5 5029812.5, 300255.5 5029612.5))"),
    "I1": ("island", "I1", "approved",
           "POLYGON((300150 5029880, 300171 5029831, 300230 5029800, 300171 5029769, "
           "300150 5029720, 300129 5029769, 300070 5029800, 300129 5029831, 300150 5029880), "
           "(300140 5029810, 300160 5029810, 300160 5029790, 300140 5029790, 300140 5029810))"),
}

# Heritage assets at cell centres: (asset_id, name, category, col, row).
ASSETS = [("H1", "Chiesa di prova", "church", 10, 5), ("H2", "Palazzo basso", "palace", 36, 20),
          ("H3", "Forte alto", "fort", 58, 30), ("H4", "Museo", "museum", 41, 40),
          ("H5", "Ponte", "bridge", 47, 12), ("H6", "Fuori", "other", 59, 49)]


def ground(col: int, row: int, year: int) -> float:
    """The DEM value under a cell, by the formula above (NaN on no data)."""
    if row >= 48:
        return float("nan")
    return -0.975 + 0.05 * col - (0.10 if year >= 2024 and row < 25 else 0.0)


def region(mask: np.ndarray) -> str:
    """WKT of the cells where ``mask`` holds (polygonized by GDAL: independent of the engine)."""
    import shapely
    from rasterio.features import shapes

    polys = [shapely.geometry.shape(g) for g, _ in
             shapes(mask.astype(np.uint8), mask=mask, transform=from_origin(X0, Y0, CELL, CELL))]
    return shapely.union_all(polys).wkt if polys else "POLYGON EMPTY"


@dataclass
class Site:
    settings: object
    var: Path
    zone_ids: dict[str, int] = field(default_factory=dict)
    layer_ids: dict[str, int] = field(default_factory=dict)


def _layer(conn, name, kind, *, geometry_type=None, legend=()) -> tuple[int, int]:
    layer_id = conn.execute(
        "INSERT INTO laguna.layers (name, kind, title_it, title_en, geometry_type, table_name, "
        "legend, licence, illustrative) VALUES (%s, %s, %s, %s, %s, %s, %s, 'CC BY 4.0', true) "
        "RETURNING id",
        (name, kind, f"{name} it", f"{name} en", geometry_type,
         name if kind == "vector" else None, json.dumps(list(legend)))).fetchone()[0]
    version_id = conn.execute(
        "INSERT INTO laguna.layer_versions (layer_id, version, source_name, source_format, "
        "source_checksum) VALUES (%s, 1, %s, 'test', %s) RETURNING id",
        (layer_id, name, hashlib.sha256(name.encode()).hexdigest())).fetchone()[0]
    return layer_id, version_id


def add_raster(site: Site, conn, layer: str, acquired: date, data: np.ndarray, nodata,
               *, x0: float = X0, legend=()) -> None:
    if layer not in site.layer_ids:
        site.layer_ids[layer] = _layer(conn, layer, "raster", legend=legend)
    layer_id, version_id = site.layer_ids[layer]
    rel = f"rasters/{layer}/{acquired:%Y-%m-%d}.tif"
    path = site.var / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(path, "w", driver="COG", width=W, height=H, count=1, dtype=data.dtype.name,
                       crs=f"EPSG:{SRID}", transform=from_origin(x0, Y0, CELL, CELL), nodata=nodata,
                       blocksize=128) as ds:
        ds.write(data, 1)
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    footprint = (f"POLYGON(({x0} {Y0 - H * CELL}, {x0 + W * CELL} {Y0 - H * CELL}, "
                 f"{x0 + W * CELL} {Y0}, {x0} {Y0}, {x0} {Y0 - H * CELL}))")
    conn.execute(
        "INSERT INTO laguna.raster_assets (layer_id, layer_version_id, acquired, path, checksum, "
        "crs_epsg, width, height, band_count, resolution, dtype, nodata, footprint) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s, %s, ST_GeomFromText(%s, %s))",
        (layer_id, version_id, acquired, rel, checksum, SRID, W, H, CELL, data.dtype.name, nodata,
         footprint, SRID))


LEGEND = [{"value": v, "colour": "#000000", "label": {"it": str(v), "en": str(v)}} for v in range(1, 10)]


def build(settings, *, rasters=("land_cover", "dem", "ndvi"), vectors=("heritage_assets", "salt_marshes"),
          zones=tuple(ZONES), x0: float = X0) -> Site:
    site = Site(settings, settings.var_dir)
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        for key in zones:
            kind, code, status, wkt = ZONES[key]
            site.zone_ids[key] = conn.execute(
                "INSERT INTO laguna.zones (site_id, kind, code, name_it, name_en, status, illustrative, "
                "geom) VALUES ((SELECT id FROM laguna.sites), %s, %s, %s, %s, %s, true, "
                "ST_Multi(ST_GeomFromText(%s, %s))) RETURNING id",
                (kind, code, code, code, status, wkt, SRID)).fetchone()[0]
        if "land_cover" in rasters:
            for y in (2012, 2018, 2024):
                add_raster(site, conn, "land_cover", date(y, 6, 1), land_cover(y), 0, x0=x0, legend=LEGEND)
        if "dem" in rasters:
            for y in (2012, 2024):
                add_raster(site, conn, "dem", date(y, 6, 1), dem(y), -9999, x0=x0)
        if "ndvi" in rasters:
            add_raster(site, conn, "ndvi", date(2024, 6, 1), ndvi(), -9999, x0=x0)
        if "heritage_assets" in vectors:
            _, version_id = _layer(conn, "heritage_assets", "vector", geometry_type="Point")
            conn.execute("CREATE TABLE layers.heritage_assets (fid bigserial PRIMARY KEY, layer_version "
                         "integer NOT NULL, asset_id text, name text, category text, century integer, "
                         f"geom geometry(Point, {SRID}))")
            for asset_id, name, category, col, row in ASSETS:
                conn.execute("INSERT INTO layers.heritage_assets (layer_version, asset_id, name, category, "
                             "century, geom) VALUES (1, %s, %s, %s, 16, ST_SetSRID(ST_MakePoint(%s, %s), %s))",
                             (asset_id, name, category, X0 + (col + 0.5) * CELL,
                              Y0 - (row + 0.5) * CELL, SRID))
        if "salt_marshes" in vectors:
            _layer(conn, "salt_marshes", "vector", geometry_type="MultiPolygon")
            conn.execute("CREATE TABLE layers.salt_marshes (fid bigserial PRIMARY KEY, layer_version "
                         f"integer NOT NULL, survey_year integer, geom geometry(MultiPolygon, {SRID}))")
            lost = rect(10, 20, 15, 46)
            for year, wkt in ((2012, rect(10, 0, 20, 46)),
                              (2024, f"ST_Difference(ST_GeomFromText('{rect(10, 0, 20, 46)}', {SRID}), "
                                     f"ST_GeomFromText('{lost}', {SRID}))")):
                geom = wkt if wkt.startswith("ST_") else f"ST_GeomFromText('{wkt}', {SRID})"
                conn.execute(f"INSERT INTO layers.salt_marshes (layer_version, survey_year, geom) "
                             f"VALUES (1, %s, ST_Multi({geom}))", (year,))
    return site


@pytest.fixture
def site(settings) -> Site:
    return build(settings)


def values(settings, indicator: str, period: str | None = None) -> dict[tuple[str, str, str], float]:
    """Stored values of an indicator: (zone code, period, category) -> value."""
    with psycopg.connect(settings.database_url) as conn:
        rows = conn.execute(
            "SELECT z.code, v.period, v.category, v.value FROM laguna.indicator_values v "
            "JOIN laguna.indicators i ON i.id = v.indicator_id JOIN laguna.zones z ON z.id = v.zone_id "
            "WHERE i.code = %s AND (%s::text IS NULL OR v.period = %s)",
            (indicator, period, period)).fetchall()
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def postgis_area_ha(settings, zone: str, wkt: str | None = None) -> float:
    """ST_Area of a zone, or of its intersection with a WKT polygon, in ha (independent check)."""
    with psycopg.connect(settings.database_url) as conn:
        if wkt is None:
            q = "SELECT ST_Area(geom) / 1e4 FROM laguna.zones WHERE code = %s"
            return conn.execute(q, (zone,)).fetchone()[0]
        return conn.execute(
            "SELECT ST_Area(ST_Intersection(geom, ST_GeomFromText(%s, %s))) / 1e4 "
            "FROM laguna.zones WHERE code = %s", (wkt, SRID, zone)).fetchone()[0]


def postgis_areas(settings, regions: dict) -> dict:
    """ST_Area of every zone's intersection with each region (key -> WKT), in ha, in one query."""
    keys = list(regions)
    with psycopg.connect(settings.database_url) as conn:
        rows = conn.execute(
            "SELECT z.code, r.k, ST_Area(ST_Intersection(z.geom, ST_GeomFromText(r.wkt, %s))) / 1e4 "
            "FROM laguna.zones z, unnest(%s::int[], %s::text[]) AS r(k, wkt)",
            (SRID, list(range(len(keys))), [regions[k] for k in keys])).fetchall()
    return {(code, keys[k]): ha for code, k, ha in rows}


@pytest.fixture
def small_tasks(monkeypatch):
    """Force many windows and sub-strips on the tiny rasters (the strip logic gets exercised)."""
    from geoprocessing.metrics import zonal

    monkeypatch.setattr(zonal, "TASK_CELLS", 16 * 60)
    monkeypatch.setattr(zonal, "SUB_CELLS", 5 * 60)
