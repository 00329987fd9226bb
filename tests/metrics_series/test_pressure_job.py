"""Job pressure_density on the store, against PostGIS (geodesic ST_Area, ST_Covers)."""

from __future__ import annotations

import psycopg
import pytest

from geoprocessing.errors import InvalidInput
from geoprocessing.jobs.runner import run_job

from .conftest import add_point_layer, add_zone, indicator_values, lonlat_polygon

CODES = ("ACCOMMODATION_DENSITY", "ACCOMMODATION_PER_RESIDENT")
BEDS = [(12.3300, 45.4380, {"kind": "hotel", "beds": 120}), (12.3320, 45.4390, {"kind": "apartment", "beds": 4}),
        (12.3450, 45.4350, {"kind": "guesthouse", "beds": 12}), (12.3480, 45.4370, {"kind": "hostel", "beds": None}),
        (12.3600, 45.4100, {"kind": "hotel", "beds": 300}), (12.3350, 45.4400, {"kind": "hotel", "beds": 50})]


@pytest.fixture
def city(settings, conn):
    """Two sestieri with residents (one irregular, sharing an edge with the other), an island
    without a population, the accommodation layer (one point far from every zone, one
    without beds) and a layer of heritage assets."""
    add_zone(conn, "sestiere", "CANNAREGIO", lonlat_polygon([(12.32, 45.435), (12.34, 45.435),
                                                             (12.34, 45.445), (12.32, 45.445)]), population=15000)
    add_zone(conn, "sestiere", "CASTELLO", lonlat_polygon([(12.34, 45.43), (12.36, 45.428), (12.355, 45.442),
                                                           (12.34, 45.445)]), population=12000)
    add_zone(conn, "island", "LIDO", lonlat_polygon([(12.35, 45.40), (12.37, 45.40), (12.37, 45.42),
                                                     (12.35, 45.42)]))
    add_point_layer(conn, "accommodation", BEDS, {"kind": "text", "beds": "integer"}, illustrative=True)
    add_point_layer(conn, "heritage_assets", [(12.3310, 45.4385, {"category": "church"})],
                    {"category": "text"})
    return settings


def postgis_expected(settings) -> dict[tuple[str, str], float]:
    with psycopg.connect(settings.database_url) as c:
        rows = c.execute(
            "SELECT z.code, ST_Area(ST_Transform(z.geom, 4326)::geography) / 1e6 AS km2, "
            "       (SELECT coalesce(sum(a.beds), 0) FROM layers.accommodation a WHERE ST_Covers(z.geom, a.geom)), "
            "       (z.attributes->>'population')::float8 FROM laguna.zones z").fetchall()
    out = {}
    for code, km2, beds, population in rows:
        out[("ACCOMMODATION_DENSITY", code)] = beds / km2
        if population:
            out[("ACCOMMODATION_PER_RESIDENT", code)] = beds / population
    return out


def test_density_agrees_with_postgis(city):
    result = run_job(city, "pressure_density", quiet=True)
    got = {(code, zone): value for code, zone, _, category, _, value, _ in indicator_values(city, *CODES)}
    expected = postgis_expected(city)
    assert got.keys() == expected.keys()  # no per-resident value for the island without residents
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-6), key
    assert {category for *_, category, _, _, _ in indicator_values(city, *CODES)} == {""}
    by_zone = {z["code"]: z for z in result.summary["zones"]}
    assert by_zone["CANNAREGIO"]["total"] == 120 + 4 + 50 and by_zone["CASTELLO"]["total"] == 12
    assert by_zone["LIDO"]["population"] is None


def test_twice_same_values_and_another_layer_keeps_its_own_category(city):
    run_job(city, "pressure_density", quiet=True)
    first = indicator_values(city, *CODES)
    run_job(city, "pressure_density", quiet=True)
    assert indicator_values(city, *CODES) == first
    run_job(city, "pressure_density", quiet=True, params={"layer": "heritage_assets", "weight": None})
    rows = indicator_values(city, *CODES)
    assert [r for r in rows if r[3] == ""] == first
    churches = {(r[0], r[1]): r[5] for r in rows if r[3] == "heritage_assets:count"}
    assert churches[("ACCOMMODATION_PER_RESIDENT", "CANNAREGIO")] == pytest.approx(1 / 15000)


def test_bad_inputs_stop_and_leave_values(city, conn):
    run_job(city, "pressure_density", quiet=True)
    before = indicator_values(city, *CODES)
    with pytest.raises(InvalidInput, match="The layer 'visitors' has not been imported"):
        run_job(city, "pressure_density", quiet=True, params={"layer": "visitors"})
    with pytest.raises(InvalidInput, match="The layer 'accommodation' has no attribute 'rooms'"):
        run_job(city, "pressure_density", quiet=True, params={"weight": "rooms"})
    with pytest.raises(InvalidInput, match="Feature 1 of layer 'accommodation' has kind = 'hotel'"):
        run_job(city, "pressure_density", quiet=True, params={"weight": "kind"})
    with pytest.raises(InvalidInput, match="There are no zones of kind custom"):
        run_job(city, "pressure_density", quiet=True, zone_kinds=("custom",))
    assert indicator_values(city, *CODES) == before


def test_period_is_the_layer_import_year_unless_given(city):
    run_job(city, "pressure_density", quiet=True)
    with psycopg.connect(city.database_url) as c:
        year = c.execute("SELECT extract(year FROM imported_at AT TIME ZONE 'Europe/Rome')::int::text "
                         "FROM laguna.layer_versions LIMIT 1").fetchone()[0]
    assert {r[4] for r in indicator_values(city, *CODES)} == {year}
    run_job(city, "pressure_density", quiet=True, period="2019")
    assert {r[4] for r in indicator_values(city, *CODES)} == {year, "2019"}
