"""Pressure density: geodesic areas against a closed form, counts and weights by hand."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point, Polygon

from geoprocessing.metrics import density

STORAGE = "EPSG:7792"
GRS80_A, GRS80_F = 6378137.0, 1 / 298.257222101


def quadrangle_km2(lon1, lat1, lon2, lat2) -> float:
    """Area between two meridians and two parallels on the GRS80 ellipsoid (closed form)."""
    e = math.sqrt(GRS80_F * (2 - GRS80_F))

    def q(lat):
        s = math.sin(math.radians(lat))
        return s / (1 - e * e * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return math.radians(lon2 - lon1) * GRS80_A ** 2 * (1 - e * e) / 2 * (q(lat2) - q(lat1)) / 1e6


def dense_box(lon1, lat1, lon2, lat2, n=2000) -> Polygon:
    """A lon/lat box whose edges follow the parallels (many vertices), as a polygon."""
    lons, lats = np.linspace(lon1, lon2, n), np.linspace(lat1, lat2, n)
    ring = ([(x, lat1) for x in lons] + [(lon2, y) for y in lats[1:]]
            + [(x, lat2) for x in lons[::-1][1:]] + [(lon1, y) for y in lats[::-1][1:]])
    return Polygon(ring)


def test_geodesic_area_matches_the_closed_form():
    box = (12.30, 45.42, 12.36, 45.45)  # about the historic city
    zones = gpd.GeoSeries([dense_box(*box)], crs="EPSG:4326").to_crs(STORAGE)
    assert density.geodesic_area_km2(zones)[0] == pytest.approx(quadrangle_km2(*box), rel=1e-6)
    # and the planar area in UTM 33N is larger by the projection's scale error
    assert zones.area.iloc[0] / 1e6 / quadrangle_km2(*box) == pytest.approx(1.0003, abs=1e-4)


def zones_and_points():
    geod = Geod(ellps="GRS80")
    square = gpd.GeoSeries([dense_box(12.30, 45.42, 12.33, 45.44, 50)], crs="EPSG:4326").to_crs(STORAGE)[0]
    # an irregular neighbour sharing the square's eastern edge
    lonlat = [(12.33, 45.42), (12.37, 45.415), (12.36, 45.45), (12.33, 45.44)]
    irregular = gpd.GeoSeries([Polygon(lonlat)], crs="EPSG:4326").to_crs(STORAGE)[0]
    zones = gpd.GeoDataFrame({"id": [1, 2, 3], "attributes": [{"population": 1000}, {"population": "n/a"}, {}]},
                             geometry=[square, irregular, square.buffer(-200)], crs=STORAGE)
    pts = [(12.31, 45.43, 10), (12.32, 45.425, 5), (12.35, 45.43, 7), (12.36, 45.44, None), (12.50, 45.50, 99)]
    points = gpd.GeoDataFrame({"beds": [b for *_, b in pts]},
                              geometry=[Point(x, y) for x, y, _ in pts], crs="EPSG:4326")
    return zones, points, geod, lonlat


def test_density_per_km2_and_per_resident_by_hand():
    zones, points, geod, lonlat = zones_and_points()
    table = density.point_density(zones, points, "beds").set_index("zone_id")
    assert table["points"].tolist() == [2, 2, 2]  # the far point counts nowhere
    assert table["total"].tolist() == [15.0, 7.0, 15.0]  # a point without beds counts 0
    lons, lats = zip(*lonlat, strict=True)
    irregular_km2 = abs(geod.polygon_area_perimeter(lons, lats)[0]) / 1e6
    # the irregular zone's straight edges in UTM are not geodesics: agree within 1e-5
    assert table.loc[2, "area_km2"] == pytest.approx(irregular_km2, rel=1e-5)
    assert table.loc[1, "per_km2"] == pytest.approx(15 / table.loc[1, "area_km2"])
    assert table.loc[1, "per_resident"] == pytest.approx(15 / 1000)
    assert math.isnan(table.loc[2, "per_resident"]) and math.isnan(table.loc[3, "per_resident"])


def test_count_without_weight():
    zones, points, *_ = zones_and_points()
    table = density.point_density(zones, points, None).set_index("zone_id")
    assert table["total"].tolist() == [2.0, 2.0, 2.0]


def test_population_attribute():
    from pandas import Series

    got = density.population(Series([{"population": 12}, {"population": "7"}, {"population": 0}, None, {}]))
    assert got.tolist()[:2] == [12.0, 7.0] and got.iloc[2:].isna().all()
