"""Exports: a GeoPackage readable by GDAL (Debian's ogrinfo, another GDAL than ours) with
QGIS styles; GeoJSON in EPSG:4326; CSV of indicator series; file objects as outputs."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET

import pyogrio
import pytest
import shapely

from geoprocessing import export
from geoprocessing.errors import InvalidInput, NotFound
from geoprocessing.importers import import_path

from .conftest import write, zone_frame


@pytest.fixture
def filled(settings, db, tmp_path):
    """Islands (with zones), heritage assets, a project and a few indicator values."""
    import_path(settings, write(zone_frame(), tmp_path / "isole.gpkg"), "islands", as_zones="island",
                licence="CC BY 4.0 test", illustrative=True)
    assets = zone_frame(3)[["geometry"]].copy()
    assets.geometry = assets.geometry.centroid
    assets["asset_id"], assets["name"] = ["c1", "p1", "f1"], ["San Zaccaria", "Cà d'Oro", "Forte Sant'Andrea"]
    assets["category"], assets["century"] = ["church", "palace", "fort"], [15, 15, 16]
    import_path(settings, write(assets, tmp_path / "beni.gpkg"), "heritage_assets")
    db.execute("""
        WITH p AS (INSERT INTO laguna.management_plans (site_id, code, title_it, title_en, period_start,
                     period_end, status, illustrative)
                   VALUES (1, 'PG-2024-2030', 'Piano di Gestione', 'Management Plan', 2024, 2030, 'in_force', true)
                   RETURNING id),
             c AS (INSERT INTO laguna.challenges (plan_id, code, title_it, title_en)
                   SELECT id, 'S1', 'Sfida 1', 'Challenge 1' FROM p RETURNING id),
             a AS (INSERT INTO laguna.action_plans (challenge_id, code, title_it, title_en)
                   SELECT id, '2', 'Piano 2', 'Plan 2' FROM c RETURNING id)
        INSERT INTO laguna.projects (action_plan_id, code, title_it, title_en, status, budget_eur,
                                     illustrative, geom)
        SELECT id, '2.2', 'Restauro delle barene', 'Salt-marsh restoration', 'ongoing', 125000.50, true,
               ST_GeomFromText('POINT(291200 5034200)', 7792) FROM a
    """)
    indicator = db.execute("SELECT id FROM laguna.indicators ORDER BY code LIMIT 1").fetchone()[0]
    zone = db.execute("SELECT id FROM laguna.zones WHERE code = 'CA_DORO'").fetchone()[0]
    for period, value in (("2022", 10.5), ("2023", 11.25), ("2024", 12.0)):
        db.execute("INSERT INTO laguna.indicator_values (indicator_id, zone_id, period, value, entered_by, "
                   "entered_at, source, illustrative) VALUES (%s, %s, %s, %s, 'maria', now(), 'test', true)",
                   (indicator, zone, period, value))
    return db.execute("SELECT code FROM laguna.indicators WHERE id = %s", (indicator,)).fetchone()[0]


def test_geopackage_holds_every_table_with_styles(settings, db, filled, tmp_path):
    out = tmp_path / "laguna.gpkg"
    counts = export.export_gpkg(settings, out)
    assert counts == {"heritage_assets": 3, "islands": 4, "zones": 4, "projects": 1, "indicator_values": 3}
    layers = dict(pyogrio.list_layers(out))
    assert layers["islands"] == "MultiPolygon" and layers["heritage_assets"] == "Point"
    assert layers["zones"] == "MultiPolygon" and layers["indicator_values"] is None
    islands = pyogrio.read_dataframe(out, layer="islands")
    assert list(islands.name_it) == ["Cannaregio", "Cà d'Oro", "Sant'Erasmo", "San Nicolò"]
    assert islands.crs.to_epsg() == 7792
    stored = db.execute("SELECT sum(ST_Area(geom)) FROM layers.islands").fetchone()[0]
    assert islands.area.sum() == pytest.approx(stored)
    project = pyogrio.read_dataframe(out, layer="projects")
    assert project.iloc[0]["code"] == "2.2" and project.iloc[0]["budget_eur"] == 125000.5
    values = pyogrio.read_dataframe(out, layer="indicator_values", read_geometry=False)
    assert list(values.value) == [10.5, 11.25, 12.0] and set(values.zone_code) == {"CA_DORO"}
    with sqlite3.connect(out) as conn:
        styles = dict(conn.execute("SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault"))
    assert set(styles) == {"islands", "heritage_assets", "zones"}
    qml = ET.fromstring(styles["heritage_assets"].split("\n", 1)[1])
    renderer = qml.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "category"
    labels = [c.get("label") for c in renderer.iter("category")]
    assert labels[:3] == ["Chiesa / Church", "Palazzo / Palace", "Forte / Fort"]
    fill = ET.fromstring(styles["islands"].split("\n", 1)[1]).find(".//layer[@class='SimpleFill']")
    assert fill is not None


def test_debian_gdal_reads_the_geopackage(settings, filled, tmp_path):
    ogrinfo = shutil.which("ogrinfo")
    if not ogrinfo:
        print("SKIP: Debian's ogrinfo (gdal-bin) is not installed")
        pytest.skip("ogrinfo (gdal-bin) is not installed")
    out = tmp_path / "laguna.gpkg"
    export.export_gpkg(settings, out)
    done = subprocess.run([ogrinfo, "-ro", "-al", "-so", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr  # GeoPackage 1.3: no "partially supported" remark
    blocks = {b.split("\n", 1)[0]: b for b in done.stdout.split("Layer name: ")[1:]}
    for name, count in (("islands", 4), ("zones", 4), ("heritage_assets", 3), ("indicator_values", 3),
                        ("projects", 1)):
        assert f"Feature Count: {count}\n" in blocks[name], name
    assert "EPSG\",7792" in blocks["islands"] and "Multi Polygon" in blocks["islands"]


def test_geojson_is_wgs84_and_matches_postgis(settings, db, filled, tmp_path):
    out = tmp_path / "isole.geojson"
    assert export.export_geojson(settings, out, layer="islands") == 4
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["laguna"]["illustrative"] is True and doc["laguna"]["version"] == 1
    assert doc["laguna"]["licence"] == "CC BY 4.0 test"  # the import's, not the layer file's
    first = doc["features"][0]
    assert first["properties"] == {"code": "CANNAREGIO", "name_it": "Cannaregio", "name_en": "Cannaregio",
                                   "population": 1000}
    ours = shapely.geometry.shape(first["geometry"])
    theirs = shapely.from_wkb(db.execute(
        "SELECT ST_AsBinary(ST_Transform(geom, 4326)) FROM layers.islands WHERE code = 'CANNAREGIO'").fetchone()[0])
    assert shapely.hausdorff_distance(ours, theirs) < 1e-7
    assert 12 < ours.centroid.x < 13 and 45 < ours.centroid.y < 46  # lon, lat order
    zones = io.BytesIO()
    assert export.export_geojson(settings, zones, zones="island") == 4
    props = json.loads(zones.getvalue())["features"][1]["properties"]
    assert props["code"] == "CA_DORO" and props["attributes"] == {"population": 2000}
    assert props["status"] == "approved" and props["area_ha"] == pytest.approx(16.0)


def test_csv_of_indicator_series(settings, filled, tmp_path):
    buffer = io.BytesIO()
    assert export.export_indicator_csv(settings, buffer, indicators=[filled]) == 3
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"))))
    assert [(r["period"], float(r["value"])) for r in rows] == [("2022", 10.5), ("2023", 11.25), ("2024", 12.0)]
    assert rows[0]["indicator"] == filled and rows[0]["zone_code"] == "CA_DORO"
    assert rows[0]["period_start"] == "2022-01-01" and rows[0]["entered_by"] == "maria"
    with pytest.raises(NotFound, match="no indicator 'NOPE'"):
        export.export_indicator_csv(settings, io.BytesIO(), indicators=["NOPE"])


def test_export_errors(settings, filled, tmp_path):
    with pytest.raises(NotFound, match="Layer sestieri has no data yet"):
        export.export_gpkg(settings, tmp_path / "x.gpkg", layers=["sestieri"])
    with pytest.raises(InvalidInput, match="either a layer or zones"):
        export.export_geojson(settings, tmp_path / "x.geojson")
    with pytest.raises(NotFound, match="Layer land_cover has no data yet"):
        export.export_cog(settings, tmp_path / "x.tif", "land_cover")
    assert not (tmp_path / "x.gpkg").exists()


def test_gpkg_to_a_file_object(settings, filled):
    buffer = io.BytesIO()
    counts = export.export_gpkg(settings, buffer, layers=["islands"], zones=False, projects=False,
                                indicators=False)
    assert counts == {"islands": 4} and buffer.getvalue().startswith(b"SQLite format 3")
