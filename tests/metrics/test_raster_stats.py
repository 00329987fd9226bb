"""Continuous statistics against exactextract (its coverage fractions) with numpy's weighted
quantiles, rasterstats and hand computation; mean depth change against PostGIS areas."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from exactextract import exact_extract
from rasterstats import zonal_stats

from geoprocessing.jobs.runner import run_job

from .conftest import ZONES, dem, ndvi, postgis_areas, region, values
from .test_land_cover import zones_frame

QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}


@pytest.mark.parametrize(("layer", "indicator", "day"), [("dem", "ELEVATION_STATS", "2012-06-01"),
                                                          ("ndvi", "NDVI_STATS", "2024-06-01")])
def test_statistics_agree_with_exactextract_and_weighted_quantiles(site, small_tasks, layer, indicator, day):
    result = run_job(site.settings, "raster_statistics", quiet=True)
    assert result.summary["dem_dates"] == ["2012-06-01", "2024-06-01"]
    got = values(site.settings, indicator, day[:4])
    zones = zones_frame(site.settings)
    with rasterio.open(site.var / f"rasters/{layer}/{day}.tif") as ds:
        ee = exact_extract(ds, zones, ["count", "mean", "min", "max", "values", "coverage"],
                           include_cols=["code"], output="pandas")
    for row in ee.itertuples():
        assert got[(row.code, day[:4], "count")] == pytest.approx(row.count, rel=1e-9)
        # exactextract keeps coverage fractions in single precision: means agree to ~1e-8.
        assert got[(row.code, day[:4], "mean")] == pytest.approx(row.mean, rel=1e-7, abs=1e-7)
        assert got[(row.code, day[:4], "min")] == pytest.approx(row.min, rel=1e-7)
        assert got[(row.code, day[:4], "max")] == pytest.approx(row.max, rel=1e-7)
        v, w = np.asarray(row.values, dtype=float), np.asarray(row.coverage, dtype=float)
        for name, q in QUANTILES.items():
            want = np.quantile(v[w > 0], q, method="inverted_cdf", weights=w[w > 0])
            assert got[(row.code, day[:4], name)] == pytest.approx(want, rel=1e-7), (row.code, name)


def test_an_aligned_zone_matches_rasterstats_and_numpy(site):
    run_job(site.settings, "raster_statistics", quiet=True, period="2024")
    got = values(site.settings, "NDVI_STATS", "2024")
    block = ndvi()[10:30, 5:25]              # B1: cols 5-24, rows 10-29, whole cells
    cells = block[block != -9999].astype(float)
    from shapely import from_wkt

    [rs] = zonal_stats([from_wkt(ZONES["B1"][3])], str(site.var / "rasters/ndvi/2024-06-01.tif"),
                       stats=["count", "mean", "min", "max"])
    assert got[("B1", "2024", "count")] == rs["count"] == len(cells)
    assert got[("B1", "2024", "mean")] == pytest.approx(cells.mean(), rel=1e-12)
    assert got[("B1", "2024", "mean")] == pytest.approx(rs["mean"], abs=1e-7)  # float32 sums
    assert got[("B1", "2024", "min")] == pytest.approx(rs["min"]) and rs["min"] == pytest.approx(cells.min())
    assert got[("B1", "2024", "max")] == pytest.approx(cells.max())
    for name, q in QUANTILES.items():
        assert got[("B1", "2024", name)] == pytest.approx(np.quantile(cells, q, method="inverted_cdf"))


def test_mean_depth_change_per_basin(site, small_tasks):
    result = run_job(site.settings, "raster_statistics", quiet=True)
    assert result.summary["depth_change_pairs"] == {"2024": "2012-06-01 -> 2024-06-01"}
    got = values(site.settings, "MEAN_DEPTH_CHANGE")
    valid = (dem(2012) != -9999) & (dem(2024) != -9999)
    eroded = valid & (np.arange(50)[:, None] < 25)
    ha = postgis_areas(site.settings, {"valid": region(valid), "eroded": region(eroded)})
    basins = [code for code, (kind, *_) in ZONES.items() if kind == "basin"]
    assert sorted(z for z, _, _ in got) == sorted(basins)  # basins only
    for code in basins:
        want = 10.0 * ha[(code, "eroded")] / ha[(code, "valid")]      # cm, positive = deeper
        assert got[(code, "2024", "")] == pytest.approx(want, rel=1e-6)
    assert got[("B1", "2024", "")] == pytest.approx(7.5, rel=1e-6)      # hand: 15 of 20 rows


def test_a_period_without_ndvi_computes_the_dem_only(site):
    result = run_job(site.settings, "raster_statistics", quiet=True, period="2012")
    assert result.summary["ndvi_dates"] == [] and result.summary["dem_dates"] == ["2012-06-01"]
    assert values(site.settings, "NDVI_STATS") == {}
    assert values(site.settings, "ELEVATION_STATS", "2012")
