"""Land-cover composition and change against independent computations: PostGIS areas of
the class regions, exactextract called directly, rasterstats, pyproj.Geod."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import psycopg
import pytest
import rasterio
import shapely
from exactextract import exact_extract
from pyproj import Geod, Transformer
from rasterstats import zonal_stats

from geoprocessing.jobs.runner import run_job

from .conftest import SRID, ZONES, land_cover, postgis_area_ha, postgis_areas, region, values

YEARS = (2012, 2018, 2024)


def zones_frame(settings) -> gpd.GeoDataFrame:
    with psycopg.connect(settings.database_url) as conn:
        return gpd.read_postgis("SELECT code, geom FROM laguna.zones ORDER BY code", conn,
                                geom_col="geom", crs=f"EPSG:{SRID}")


def test_class_areas_equal_postgis_areas_of_the_class_regions(site, small_tasks):
    result = run_job(site.settings, "land_cover_composition", quiet=True)
    assert result.summary["dates"] == ["2012-06-01", "2018-06-01", "2024-06-01"]
    area = values(site.settings, "LAND_COVER_AREA")
    share = values(site.settings, "LAND_COVER_SHARE")
    for year in YEARS:
        lc = land_cover(year)
        ha = postgis_areas(site.settings, {c: region(lc == c) for c in range(1, 7)})
        for code in ZONES:
            expected = {c: ha[(code, c)] for c in range(1, 7)}
            for c, want in expected.items():
                assert area[(code, str(year), str(c))] == pytest.approx(want, abs=1e-7), (code, year, c)
            total = sum(expected.values())
            for c in range(1, 10):
                want = 100 * expected.get(c, 0.0) / total
                assert share[(code, str(year), str(c))] == pytest.approx(want, abs=1e-6)
    # Zones entirely covered by data: the class areas add up to the zone's area.
    for code in ("B1", "B2", "I1"):
        total = sum(v for (z, p, _), v in area.items() if z == code and p == "2012")
        assert total == pytest.approx(postgis_area_ha(site.settings, code), rel=1e-9)


def test_class_areas_agree_with_exactextract_called_directly(site):
    run_job(site.settings, "land_cover_composition", quiet=True, period="2024")
    area = values(site.settings, "LAND_COVER_AREA", "2024")
    zones = zones_frame(site.settings)
    path = site.var / "rasters/land_cover/2024-06-01.tif"
    with rasterio.open(path) as ds:
        ee = exact_extract(ds, zones, ["unique", "frac", "count"], include_cols=["code"], output="pandas")
    compared = 0
    for row in ee.itertuples():
        for c, f in zip(row.unique, row.frac, strict=True):
            ref = f * row.count * 100 / 1e4  # cells of 100 m2, in ha
            assert area[(row.code, "2024", str(int(c)))] == pytest.approx(ref, rel=1e-4)  # 0.01 %
            compared += 1
    assert compared >= 6 * 2


def test_an_aligned_zone_counts_whole_cells_like_rasterstats(site):
    run_job(site.settings, "land_cover_composition", quiet=True, period="2012")
    area = values(site.settings, "LAND_COVER_AREA", "2012")
    b1 = shapely.from_wkt(ZONES["B1"][3])
    [counts] = zonal_stats([b1], str(site.var / "rasters/land_cover/2012-06-01.tif"), categorical=True)
    assert counts == {1: 100, 2: 200, 3: 100}  # hand count: cols 5-9, 10-19, 20-24 x 20 rows
    for c, n in counts.items():
        assert area[("B1", "2012", str(c))] == pytest.approx(n * 100 / 1e4, abs=1e-9)


def test_zone_areas_match_pyproj_geod_within_the_map_scale(site):
    """Planar areas in EPSG:7792 differ from geodesic ones by the UTM scale (< 0.1 % here)."""
    run_job(site.settings, "land_cover_composition", quiet=True, period="2012")
    area = values(site.settings, "LAND_COVER_AREA", "2012")
    to_ll = Transformer.from_crs(f"EPSG:{SRID}", "EPSG:4326", always_xy=True)
    geod = Geod(ellps="GRS80")
    for code in ("B1", "B2", "I1"):
        planar_geom = shapely.orient_polygons(shapely.from_wkt(ZONES[code][3]).segmentize(1))
        geom = shapely.transform(planar_geom, lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))
        geodesic = abs(geod.geometry_area_perimeter(geom)[0]) / 1e4
        planar = sum(v for (z, _, _), v in area.items() if z == code)
        assert planar == pytest.approx(geodesic, rel=1e-3)


def test_change_matrix_net_change_and_land_take(site, small_tasks):
    result = run_job(site.settings, "land_cover_change", quiet=True)
    assert result.summary["pairs"] == {"2018": "2012-06-01 -> 2018-06-01",
                                       "2024": "2012-06-01 -> 2024-06-01"}
    change = values(site.settings, "LAND_COVER_CHANGE")
    take = values(site.settings, "LAND_TAKE")
    before = land_cover(2012)
    for year in (2018, 2024):
        after = land_cover(year)
        regions = {(f, t): region((before == f) & (after == t)) for f in range(1, 7) for t in range(1, 7)}
        regions |= {("gain", f): region((after == f) & (before > 0)) for f in range(1, 7)}
        regions |= {("loss", f): region((before == f) & (after > 0)) for f in range(1, 7)}
        regions["take"] = region((after == 4) & (before != 4) & (before > 0))
        ha = postgis_areas(site.settings, regions)
        for code in ZONES:
            for f in range(1, 7):
                for t in range(1, 7):
                    got = change.get((code, str(year), f"{f}>{t}"), 0.0)
                    assert got == pytest.approx(ha[(code, (f, t))], abs=1e-7), (code, year, f, t)
                net = ha[(code, ("gain", f))] - ha[(code, ("loss", f))]
                assert change[(code, str(year), f"net:{f}")] == pytest.approx(net, abs=1e-7)
            assert take[(code, str(year), "")] == pytest.approx(ha[(code, "take")], abs=1e-7)
    # The buffer zone (proposed) crosses the new artificial surface of 2024? Hand check on B1:
    # 2024's cols 20-24 rows 10-19 of B1 turned 3 -> 4: 50 cells = 0.5 ha.
    assert take[("B1", "2024", "")] == pytest.approx(0.5, abs=1e-9)


def test_a_second_run_replaces_the_values(site):
    first = run_job(site.settings, "land_cover_composition", quiet=True)
    before = values(site.settings, "LAND_COVER_AREA")
    second = run_job(site.settings, "land_cover_composition", quiet=True)
    assert second.rows_written == first.rows_written
    assert values(site.settings, "LAND_COVER_AREA") == before
    with psycopg.connect(site.settings.database_url) as conn:
        runs = conn.execute("SELECT DISTINCT job_run_id FROM laguna.indicator_values").fetchall()
    assert runs == [(second.run_id,)]


def test_different_grids_are_read_onto_the_first(site):
    """A later raster on a shifted grid is warped (nearest) onto the baseline's grid."""
    from datetime import date

    from .conftest import add_raster

    shifted = np.full((50, 60), 4, dtype=np.uint8)
    with psycopg.connect(site.settings.database_url, autocommit=True) as conn:
        add_raster(site, conn, "land_cover", date(2030, 6, 1), shifted, 0, x0=300_000.0 + 100.0)
    run_job(site.settings, "land_cover_change", quiet=True, period="2030")
    change = values(site.settings, "LAND_COVER_CHANGE", "2030")
    # B1 (cols 5-24) lies on the shifted raster only from col 10: cols 5-9 have no data.
    assert ("B1", "2030", "1>4") not in change
    assert change[("B1", "2030", "2>4")] == pytest.approx(2.0, abs=1e-9)
