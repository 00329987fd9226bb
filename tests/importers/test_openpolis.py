"""The real ISTAT municipal boundaries (Openpolis, CC BY 4.0) from ../shared/data/openpolis:
imported areas match geodesic areas computed by pyproj.Geod on the source coordinates."""

from __future__ import annotations

import json

import pytest
import shapely
from pyproj import Geod

from geoprocessing.importers import import_path

from .conftest import SHARED_DATA

FOLDER = SHARED_DATA / "openpolis"
FILES = ["limits_P_27_municipalities.geojson", "limits_P_28_municipalities.geojson"]
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def openpolis():
    if not FOLDER.is_dir():
        reason = f"the real Openpolis files are not here ({FOLDER} is absent, e.g. in a fresh clone)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return FOLDER


def _geodesic_ha(path) -> dict[str, float]:
    """Area of every municipality from the file's own lon/lat coordinates, in hectares."""
    out = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        out[feature["properties"]["com_istat_code"]] = abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e4
    return out


@pytest.mark.parametrize("name", FILES)
def test_areas_match_geodesic_areas(openpolis, settings, db, name):
    path = openpolis / name
    expected = _geodesic_ha(path)
    report = import_path(settings, path, "municipalities", as_zones="municipality")
    assert report.feature_count == len(expected) and report.zones["new"] == len(expected)
    stored = dict(db.execute(
        "SELECT code, ST_Area(ST_Transform(geom, 4326)::geography) / 1e4 FROM layers.municipalities"))
    assert set(stored) == set(expected)
    worst = max(abs(stored[c] - a) / a for c, a in expected.items())
    assert worst < 0.001, f"worst relative area difference {worst:.5%}"
    if name.startswith("limits_P_27"):
        # the zones' planar area in the storage CRS (UTM 33N) too, within 0.1 % on this province
        zones = dict(db.execute("SELECT code, area_ha FROM laguna.zones WHERE kind = 'municipality'"))
        worst = max(abs(zones[c] - a) / a for c, a in expected.items())
        assert worst < 0.001, f"worst planar/geodesic difference {worst:.5%}"
        venezia = db.execute("SELECT name_it, name_en FROM laguna.zones WHERE code = '027042'").fetchone()
        assert venezia == ("Venezia", "Venezia") and 41_000 < zones["027042"] < 42_000


def test_both_provinces_in_sequence_make_versions(openpolis, settings, db):
    first = import_path(settings, openpolis / FILES[0], "municipalities", as_zones="municipality")
    second = import_path(settings, openpolis / FILES[1], "municipalities", as_zones="municipality")
    assert (first.version, second.version) == (1, 2)
    counts = dict(db.execute("SELECT layer_version, count(*) FROM layers.municipalities GROUP BY 1"))
    assert counts == {1: 44, 2: 102}
    # the Venice province's zones are superseded by a source that no longer has them
    assert db.execute("SELECT count(*) FROM laguna.zones WHERE status = 'superseded'").fetchone()[0] == 44
    assert second.zones["superseded_missing"] == 44
