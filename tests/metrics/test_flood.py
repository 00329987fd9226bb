"""Flood exposure: land below each tide level against PostGIS areas of the hand-computed
regions; heritage assets exposed against the DEM formula and PostGIS point-in-zone."""

from __future__ import annotations

import numpy as np
import psycopg
import pytest

from geoprocessing.jobs.runner import run_job

from .conftest import ASSETS, ZONES, dem, ground, land_cover, postgis_areas, region, values

LEVELS = (80, 110, 140, 187)


@pytest.mark.parametrize("year", [2012, 2024])
def test_share_of_land_below_each_level(site, small_tasks, year):
    run_job(site.settings, "flood_exposure", quiet=True, period=str(year))
    got = values(site.settings, "FLOOD_LAND_SHARE", str(year))
    z = dem(year)
    land = np.isin(land_cover(year), (4, 5, 6, 7)) & (z != -9999)
    regions = {"land": region(land)} | {cm: region(land & (z < cm / 100)) for cm in LEVELS}
    ha = postgis_areas(site.settings, regions)
    for code in ZONES:
        if ha[(code, "land")] <= 0:
            assert (code, str(year), "80") not in got
            continue
        for cm in LEVELS:
            want = 100 * ha[(code, cm)] / ha[(code, "land")]
            assert got[(code, str(year), str(cm))] == pytest.approx(want, abs=1e-6), (code, cm)


def test_heritage_assets_exposed_count_and_list(site):
    result = run_job(site.settings, "flood_exposure", quiet=True, period="2024")
    got = values(site.settings, "FLOOD_ASSETS_EXPOSED", "2024")
    with psycopg.connect(site.settings.database_url) as conn:
        inside = conn.execute(
            "SELECT z.code, a.asset_id FROM laguna.zones z JOIN layers.heritage_assets a "
            "ON ST_Intersects(z.geom, a.geom)").fetchall()
    ground_of = {a[0]: ground(a[3], a[4], 2024) for a in ASSETS}
    for code in ZONES:
        mine = [a for z, a in inside if z == code]
        for cm in LEVELS:
            want = sum(1 for a in mine if ground_of[a] < cm / 100)
            assert got[(code, "2024", str(cm))] == want, (code, cm)
    listed = result.summary["exposed_assets"]
    assert result.summary["exposed_assets_period"] == "2024"
    in_a_zone = {a for _, a in inside}
    for cm in LEVELS:
        want = {a for a, g in ground_of.items() if g < cm / 100 and a in in_a_zone}
        assert {e["asset_id"] for e in listed[str(cm)]} == want
    # H1 (col 10, row 5): ground -0.575 m in 2024, below every level; its smallest zone.
    [h1] = [e for e in listed["80"] if e["asset_id"] == "H1"]
    assert h1["ground_cm"] == pytest.approx(-57.5) and h1["name"] == "Chiesa di prova"
    zones_h1 = sorted(z for z, a in inside if a == "H1")
    assert h1["zones"] == zones_h1
    with psycopg.connect(site.settings.database_url) as conn:
        smallest = conn.execute(
            "SELECT z.code FROM laguna.zones z JOIN layers.heritage_assets a ON ST_Intersects(z.geom, a.geom) "
            "WHERE a.asset_id = 'H1' ORDER BY ST_Area(z.geom) LIMIT 1").fetchone()[0]
    assert h1["zone"] == smallest
    # H6 sits on the DEM's no-data rows: never counted as exposed.
    assert result.summary["assets_without_ground"] == 1


def test_levels_are_the_tide_levels_of_the_issue(site):
    result = run_job(site.settings, "flood_exposure", quiet=True, period="2012")
    assert result.summary["levels_cm"] == list(LEVELS)
    cats = {c for _, _, c in values(site.settings, "FLOOD_LAND_SHARE")}
    assert cats == {str(cm) for cm in LEVELS}


def test_ground_just_below_a_level_is_below_it(tmp_path):
    """float32 rounds 1.4 down: a DEM cell holding float32(1.4) is below +140 cm."""
    import rasterio
    from rasterio.transform import from_origin

    from geoprocessing.metrics.rasters import Band, FloodClasses

    f = np.float32(1.4)
    z = np.array([[np.nextafter(f, np.float32(0)), f, np.nextafter(f, np.float32(9)), 0.8, 0.5, -9999]],
                 dtype=np.float32)
    lc = np.array([[4, 4, 4, 4, 1, 4]], dtype=np.uint8)
    for name, data, nodata in (("z.tif", z, -9999), ("lc.tif", lc, 0)):
        with rasterio.open(tmp_path / name, "w", driver="GTiff", width=6, height=1, count=1,
                           dtype=data.dtype.name, crs="EPSG:7792", transform=from_origin(0, 10, 10, 10),
                           nodata=nodata) as ds:
            ds.write(data, 1)
    classes = FloodClasses(Band(str(tmp_path / "z.tif")), Band(str(tmp_path / "lc.tif")),
                           tuple(cm / 100 for cm in LEVELS), (4, 5, 6, 7))(0, 1, 0, 6)
    # class k: below level k (1-based) and not below level k - 1; 0: not land or no ground.
    expected = [3 if float(v) < 1.4 else 4 for v in z[0, :3]] + [2, 0, 0]
    assert classes.tolist() == [expected]
    assert expected[:3] == [3, 3, 4]
