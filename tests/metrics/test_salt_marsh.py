"""Salt-marsh extent and change per basin, from the survey polygons and from the land-cover
rasters, against PostGIS and pyproj.Geod."""

from __future__ import annotations

import numpy as np
import psycopg
import pytest
import shapely
from pyproj import Geod, Transformer

from geoprocessing.jobs.runner import run_job

from .conftest import SRID, land_cover, postgis_areas, region, values


def marsh_in_basins(settings, year: int) -> dict[str, shapely.Geometry]:
    with psycopg.connect(settings.database_url) as conn:
        rows = conn.execute(
            "SELECT z.code, ST_AsText(ST_Intersection(z.geom, m.geom)), ST_Area(ST_Intersection(z.geom, m.geom)) "
            "FROM laguna.zones z, layers.salt_marshes m WHERE z.kind = 'basin' AND m.survey_year = %s",
            (year,)).fetchall()
    return {code: (shapely.from_wkt(wkt), area / 1e4) for code, wkt, area in rows}


def test_vector_and_raster_extent_and_change(site, small_tasks):
    result = run_job(site.settings, "salt_marsh", quiet=True)
    area = values(site.settings, "SALT_MARSH_AREA")
    change = values(site.settings, "SALT_MARSH_NET_CHANGE")
    assert {z for z, _, _ in area} == {"B1", "B2"}          # basins only
    for year in (2012, 2024):
        postgis = marsh_in_basins(site.settings, year)
        raster = postgis_areas(site.settings, {"m": region(land_cover(year) == 2)})
        for code, (_, ha) in postgis.items():
            assert area[(code, str(year), "vector")] == pytest.approx(ha, abs=1e-9)
            assert area[(code, str(year), "raster")] == pytest.approx(raster[(code, "m")], abs=1e-7)
    # 2018's raster has the 2012 marshes; the vector survey has no 2018.
    assert ("B1", "2018", "vector") not in area
    assert change[("B1", "2018", "raster")] == pytest.approx(0, abs=1e-9)
    # Hand: B1 (rows 10-29) lost cols 10-14 of rows 20-29: 50 cells = 0.5 ha, by both paths.
    for source in ("vector", "raster"):
        assert change[("B1", "2024", source)] == pytest.approx(-0.5, abs=1e-9)
    assert result.summary["net_change_since"] == {"vector": "2012", "raster": "2012"}
    for year in ("2012", "2024"):
        for code, diff in result.summary["agreement"][year].items():
            assert diff is None or abs(diff) < 0.01, (year, code)


def test_vector_areas_match_pyproj_geod_within_the_map_scale(site):
    run_job(site.settings, "salt_marsh", quiet=True, period="2012")
    area = values(site.settings, "SALT_MARSH_AREA", "2012")
    to_ll = Transformer.from_crs(f"EPSG:{SRID}", "EPSG:4326", always_xy=True)
    geod = Geod(ellps="GRS80")
    for code, (geom, _) in marsh_in_basins(site.settings, 2012).items():
        if geom.is_empty:
            continue
        ll = shapely.transform(shapely.orient_polygons(geom.segmentize(1)),
                               lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))
        geodesic = abs(geod.geometry_area_perimeter(ll)[0]) / 1e4
        assert area[(code, "2012", "vector")] == pytest.approx(geodesic, rel=1e-3)
