"""The query functions behind the pages, called directly (no HTTP)."""

from __future__ import annotations

import psycopg
import pytest
from shapely.geometry import box, shape

from webapp.params import Page
from webapp.queries import change, flood, indicators, site, zones
from webapp.queries.geojson import tolerance

from .conftest import XSS


@pytest.fixture
def conn(webapp_store):
    settings, _ = webapp_store
    with psycopg.connect(settings.database_url) as c:
        yield c
        c.rollback()


@pytest.mark.parametrize("summary, level, expected", [
    ({"exposed_assets": {"110": ["HA1"], "140": ["HA1", "HA2"]}}, "140", {"HA1", "HA2"}),
    ({"exposed_assets": {"110": [{"asset_id": "HA1", "name": "x"}]}}, "110", {"HA1"}),
    ({"exposed_assets": [{"asset_id": "HA1", "min_level": 110}, {"fid": 7, "min_level": 187}]},
     "140", {"HA1"}),
    ({"exposed_assets": [{"asset_id": "HA1", "levels": [140, 187]}]}, "110", set()),
    ({"levels": {"80": {"assets": ["HA9"]}}}, "80", {"HA9"}),
    ({"exposed_assets": {"110": []}}, "140", None),
    ({}, "110", None),
])
def test_exposed_assets_are_read_from_the_run_summary(summary, level, expected):
    assert flood.exposed_ids(summary, level) == expected


def test_period_order():
    periods = ["2020", "2019-Q4", "2019-11", "2019-11-05", "2019"]
    assert sorted(periods, key=indicators.period_key) == ["2019", "2019-Q4", "2019-11", "2019-11-05", "2020"]


def test_simplification_tolerance_halves_with_each_zoom():
    assert tolerance(None) == 0 and tolerance(18) == 0
    assert tolerance(10) == pytest.approx(2 * tolerance(11))
    assert 20 < tolerance(11) < 30  # half of a ~38 m pixel near Venice


def test_salt_marsh_change_areas_match_shapely(conn, ids):
    import json

    fc = json.loads(change.salt_marsh_change(conn, 1, 2012, 2024))
    got = {f["properties"]["change"]: f["properties"]["ha"] for f in fc["features"]}
    a = box(284000, 5024000, 285000, 5025000).union(box(286000, 5024000, 286500, 5024500))
    b = box(284000, 5024000, 284600, 5024600)
    assert got == {"lost": round(a.difference(b).area / 1e4, 2), "kept": round(a.intersection(b).area / 1e4, 2)}
    assert change.survey_years(conn, 1) == [2012, 2024]


def test_choropleth_carries_every_period(conn, ids):
    ind = ids["indicator_ids"]["SALT_MARSH_AREA"]
    data = indicators.choropleth(conn, ind, "", "basin")
    assert data.periods == ["2012", "2018", "2024"]
    assert data.breaks[0] == 70 and data.breaks[-1] == 118
    import json

    props = {f["properties"]["code"]: f["properties"] for f in json.loads(data.geojson)["features"]}
    assert props["LIDO"]["values"] == {"2012": 100, "2018": 110, "2024": 118}
    assert props["LIDO"]["status"] == "green" and props["MALAMOCCO"]["status"] == "red"


def test_zone_projects_by_link_and_by_place(conn, ids):
    found = {p["id"]: p["linked"] for p in zones.zone_projects(conn, ids["burano"])}
    assert found == {ids["project_burano"]: True}
    lagoon = {p["id"]: p["linked"] for p in zones.zone_projects(conn, ids["lagoon"])}
    assert lagoon == {ids["project_burano"]: False, ids["project_xss"]: False}  # by place
    assert zones.zone_projects(conn, ids["cannaregio"]) == []


def test_search_escapes_like_wildcards(conn):
    assert site.search(conn, "_") == []
    assert [(r["type"], r["name_it"]) for r in site.search(conn, "onerror")] == [
        ("zone", XSS), ("project", XSS)]


def test_geojson_geometry_is_the_stored_one_reprojected(conn, ids):
    import json

    from pyproj import Transformer
    from shapely.ops import transform

    page = zones.zones_geojson(conn, Page(10, 0), code="BURANO", srid=7792)
    geom = shape(json.loads(page.features[0])["geometry"])
    back = transform(Transformer.from_crs(4326, 7792, always_xy=True).transform, geom)
    # 6 decimals of a degree are about 0.1 m: the square comes back within that
    assert back.symmetric_difference(box(292000, 5036000, 293000, 5037000)).area < 1e-3 * 1e6
