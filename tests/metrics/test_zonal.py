"""The zonal engine alone against exactextract called directly, on awkward geometry:
overlapping and nested zones, holes, multipolygons, zones past the raster's edge or off it,
zones sharing edges, edges on cell lines and through cell centres, several fill groups,
many windows and sub-strips."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from exactextract import exact_extract
from rasterio.transform import from_origin

from geoprocessing.metrics import zonal

X0, Y0, CELL, W, H = 1000.0, 5000.0, 10.0, 97, 83
TRANSFORM = from_origin(X0, Y0, CELL, CELL)


def random_zones(seed: int) -> list:
    rng = np.random.default_rng(seed)
    zones = []
    for i in range(25):
        cx, cy = X0 + rng.uniform(-100, W * CELL + 100), Y0 - rng.uniform(-100, H * CELL + 100)
        n = int(rng.integers(4, 40))
        angle = np.sort(rng.uniform(0, 2 * np.pi, n))
        r = rng.uniform(15, 400, n)
        geom = shapely.make_valid(shapely.Polygon(np.c_[cx + r * np.cos(angle), cy + r * np.sin(angle)]))
        if i % 4 == 0:
            geom = geom.difference(shapely.Point(cx, cy).buffer(25))
        parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]
        if parts:
            zones.append(shapely.MultiPolygon(parts))
    return zones


SPECIAL = [
    shapely.box(X0, Y0 - H * CELL, X0 + W * CELL, Y0),                          # the whole raster
    shapely.box(X0 + 100, Y0 - 300, X0 + 300, Y0 - 100),                       # on cell lines
    shapely.box(X0 + 300, Y0 - 300, X0 + 500, Y0 - 100),                       # shares an edge
    shapely.box(X0 + 105, Y0 - 295, X0 + 205, Y0 - 195),                       # through cell centres
    shapely.Polygon([(X0 + 5, Y0 - 5), (X0 + 405, Y0 - 5), (X0 + 205, Y0 - 405)]),  # vertices at centres
    shapely.box(X0 - 200, Y0 - 200, X0 + 33.3, Y0 + 77.7),                     # past the corner
    shapely.box(X0 + 2000, Y0 + 2000, X0 + 2100, Y0 + 2100),                   # off the raster
    shapely.MultiPolygon([shapely.box(X0 + 600, Y0 - 700, X0 + 650.5, Y0 - 650.5),
                          shapely.box(X0 + 700.2, Y0 - 800.7, X0 + 731.4, Y0 - 760.1)]),
    shapely.box(X0 + 1.0, Y0 - 1.0, X0 + 9.0, Y0 - 9.0),                       # inside one cell
]


def exactextract_cells(path, geoms) -> np.ndarray:
    frame = gpd.GeoDataFrame({"i": range(len(geoms))}, geometry=list(geoms), crs="EPSG:7792")
    out = np.zeros((len(geoms), 256))
    with rasterio.open(path) as ds:
        result = exact_extract(ds, frame, ["unique", "frac", "count"], output="pandas")
    for i, row in result.iterrows():
        if row["unique"] is not None and len(row["unique"]):
            out[i, np.asarray(row["unique"]).astype(int)] = np.asarray(row["frac"]) * row["count"]
    return out


@pytest.fixture
def raster(tmp_path):
    rng = np.random.default_rng(7)
    cls = rng.integers(1, 9, size=(H, W)).astype(np.uint8)
    cls[rng.random((H, W)) < 0.03] = 0
    path = tmp_path / "classes.tif"
    with rasterio.open(path, "w", driver="GTiff", width=W, height=H, count=1, dtype="uint8",
                       crs="EPSG:7792", transform=TRANSFORM, nodata=0, tiled=True,
                       blockxsize=16, blockysize=16) as ds:
        ds.write(cls, 1)
    return path, cls


@pytest.mark.parametrize(("seed", "task_cells", "sub_cells", "max_codes"),
                         [(1, 1 << 24, 1 << 22, 1 << 22), (2, 16 * W, 3 * W, 1 << 22),
                          (3, 5 * W, 2 * W, 8)])
def test_class_cells_equal_exactextract(raster, monkeypatch, seed, task_cells, sub_cells, max_codes):
    path, cls = raster
    monkeypatch.setattr(zonal, "TASK_CELLS", task_cells)
    monkeypatch.setattr(zonal, "SUB_CELLS", sub_cells)
    monkeypatch.setattr(zonal, "MAX_CODES", max_codes)
    geoms = [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g
             for g in SPECIAL + random_zones(seed)]
    grid = zonal.Grid(TRANSFORM, W, H, None, 16)
    if max_codes == 8:
        assert len(zonal.prepare(geoms, grid).groups) > 1   # the multi-group path is taken
    got = zonal.zone_class_cells(geoms, grid, lambda r0, r1, c0, c1: cls[r0:r1, c0:c1], 256)
    want = exactextract_cells(path, geoms)
    got[:, 0] = 0  # nodata: the caller drops it
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert got[SPECIAL.index(SPECIAL[6])].sum() == 0            # off the raster: nothing
    # Whole cells: the zone on cell lines counts exactly the cells of its block.
    block = cls[10:30, 10:30]
    assert np.array_equal(got[1, 1:9], np.bincount(block[block > 0], minlength=9)[1:9])


def test_layers_keep_overlapping_zones_apart():
    outer = shapely.box(0, 0, 100, 100)
    inner = shapely.box(10, 10, 50, 50)
    touching = shapely.box(50, 10, 90, 50)
    sliver = shapely.box(49.999, 60, 60, 70)
    groups, zone_group, code = zonal._layers(np.array([outer, inner, touching, sliver], dtype=object))
    g = groups[0]
    layer_of = dict(zip(g.zones.tolist(), zip(g.stride.tolist(), g.base.tolist(), strict=True), strict=True))
    assert layer_of[1] == layer_of[2]          # inner and touching share a layer (edges only)
    assert layer_of[0] != layer_of[1]          # outer overlaps both
    assert np.unique(code).size == 4           # every zone has its own code


def test_value_statistics_equal_exactextract_and_numpy(tmp_path, monkeypatch):
    monkeypatch.setattr(zonal, "TASK_CELLS", 9 * W)
    monkeypatch.setattr(zonal, "SUB_CELLS", 4 * W)
    rng = np.random.default_rng(3)
    v = rng.normal(size=(H, W)).astype(np.float32)
    v[:10] = np.round(v[:10])                                   # ties
    v[rng.random((H, W)) < 0.05] = -9999
    path = tmp_path / "values.tif"
    with rasterio.open(path, "w", driver="GTiff", width=W, height=H, count=1, dtype="float32",
                       crs="EPSG:7792", transform=TRANSFORM, nodata=-9999) as ds:
        ds.write(v, 1)
    geoms = SPECIAL + random_zones(5)
    qs = (0.0, 0.1, 0.5, 0.9, 1.0)
    got = zonal.zone_value_stats(geoms, zonal.Grid(TRANSFORM, W, H, None, 16),
                                 lambda r0, r1, c0, c1: (v[r0:r1, c0:c1], v[r0:r1, c0:c1] != -9999), qs)
    frame = gpd.GeoDataFrame({"i": range(len(geoms))}, geometry=geoms, crs="EPSG:7792")
    with rasterio.open(path) as ds:
        ee = exact_extract(ds, frame, ["count", "mean", "min", "max", "values", "coverage"], output="pandas")
    for i, row in ee.iterrows():
        assert got["count"][i] == pytest.approx(row["count"], rel=1e-6, abs=1e-9)
        if not row["count"] > 0:
            assert np.isnan(got["mean"][i]) and np.isnan(got[0.5][i])
            continue
        assert got["mean"][i] == pytest.approx(row["mean"], rel=1e-6, abs=1e-7)
        assert got["min"][i] == row["min"] and got["max"][i] == row["max"]
        values, weights = np.asarray(row["values"], float), np.asarray(row["coverage"], float)
        for q in qs:
            want = np.quantile(values[weights > 0], q, method="inverted_cdf", weights=weights[weights > 0])
            assert got[q][i] == pytest.approx(want), (i, q)


def test_float64_values_keep_their_precision():
    v = (1 + np.arange(W * H, dtype=np.float64).reshape(H, W) * 1e-12)
    geoms = [SPECIAL[1]]
    got = zonal.zone_value_stats(geoms, zonal.Grid(TRANSFORM, W, H, None, 16),
                                 lambda r0, r1, c0, c1: (v[r0:r1, c0:c1], np.ones((r1 - r0, c1 - c0), bool)),
                                 (0.5,))
    block = v[10:30, 10:30].ravel()
    assert got[0.5][0] == np.quantile(block, 0.5, method="inverted_cdf")
    assert got["min"][0] == block.min() and got["max"][0] == block.max()


@pytest.mark.parametrize("sub_rows", [1, 3, 7, 83])
def test_cells_an_outline_only_touches_are_not_in_the_zone(monkeypatch, sub_rows):
    """Edges on cell lines leave the neighbours out (no stray min or max from rounding),
    with other zones summed alongside (the site of conftest.py: L's sides are cell lines)."""
    from . import conftest as fx

    ZONES = fx.ZONES
    monkeypatch.setattr(zonal, "SUB_CELLS", sub_rows * fx.W)
    v = np.broadcast_to(np.arange(fx.W, dtype=np.float32), (fx.H, fx.W)).copy()
    geoms = [shapely.from_wkt(z[3]) for z in ZONES.values()]
    grid = zonal.Grid(from_origin(fx.X0, fx.Y0, fx.CELL, fx.CELL), fx.W, fx.H, None, 128)
    got = zonal.zone_value_stats(geoms, grid, lambda r0, r1, c0, c1: (v[r0:r1, c0:c1], v[r0:r1, c0:c1] >= 0))
    lagoon = list(ZONES).index("L")                 # x 300030..300480: columns 3..47
    assert got["min"][lagoon] == 3 and got["max"][lagoon] == 47
    assert got["count"][lagoon] == pytest.approx(45 * 34)
    b1 = list(ZONES).index("B1")                    # columns 5..24
    assert (got["min"][b1], got["max"][b1]) == (5, 24)
