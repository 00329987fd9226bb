"""Downloads: the streaming of an export, and the files the web app serves (GeoPackage,
CSV, COG) compared with the store."""

from __future__ import annotations

import csv
import hashlib
import io
import os

import pytest

from geoprocessing.errors import NotFound
from webapp.ogc.downloads import stream

from . import fixture_store as fx


def test_stream_sends_every_byte_written():
    payload = os.urandom(3 * 1024 * 1024 + 17)

    def write(fh):
        for i in range(0, len(payload), 100_000):
            fh.write(payload[i:i + 100_000])

    response = stream(write, "x.bin", "application/octet-stream")
    assert b"".join(response.response) == payload
    assert response.headers["Content-Disposition"] == 'attachment; filename="x.bin"'


def test_an_export_failing_before_its_first_byte_is_an_ordinary_error():
    def write(fh):
        raise NotFound("There is no layer 'nowhere'.")

    with pytest.raises(NotFound, match="nowhere"):
        stream(write, "x.gpkg", "application/geopackage+sqlite3")


def test_an_export_failing_midway_cuts_the_download_short():
    def write(fh):
        fh.write(b"partial")
        raise RuntimeError("disk full")

    response = stream(write, "x.csv", "text/csv")
    assert b"".join(response.response) == b"partial"


def test_downloads_page_lists_layers_rasters_and_indicators(client):
    doc = client.get("/ogc/downloads").get_json()
    assert [layer["name"] for layer in doc["layers"]] == ["heritage_assets", "salt_marshes", "twin_cities"]
    assert doc["rasters"][0]["dates"] == list(fx.LAND_COVER_DATES)
    codes = {i["code"] for i in doc["indicators"]}
    assert {"LAND_COVER_SHARE", "LAND_COVER_CHANGE", "TOURIST_ARRIVALS"} <= codes
    html = client.get("/ogc/downloads?f=html").get_data(as_text=True)
    assert "/ogc/downloads/snapshot.gpkg" in html and "<script" not in html


@pytest.fixture
def export():
    return pytest.importorskip(
        "geoprocessing.export",
        reason="geoprocessing/export.py (the import helper's exporters) is not on this branch yet")


def test_layer_download_is_its_current_version(export, live_server, tmp_path):
    import pyogrio
    import requests

    response = requests.get(f"{live_server}/downloads/layers/heritage_assets.gpkg", timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/geopackage+sqlite3")
    path = tmp_path / "layer.gpkg"
    path.write_bytes(response.content)
    frame = pyogrio.read_dataframe(path, layer="heritage_assets")
    assert len(frame) == fx.HERITAGE_V2
    assert sorted(frame["asset_id"]) == sorted(p[0] for p in fx.heritage_points(2))


def test_snapshot_holds_zones_layers_projects_and_values(export, live_server, store, tmp_path):
    import pyogrio
    import requests

    response = requests.get(f"{live_server}/downloads/snapshot.gpkg", timeout=120)
    assert response.status_code == 200
    path = tmp_path / "snapshot.gpkg"
    path.write_bytes(response.content)
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"heritage_assets", "salt_marshes", "twin_cities"} <= layers
    values = store.execute("SELECT count(*) FROM laguna.indicator_values").fetchone()[0]
    counts = {name: pyogrio.read_info(path, layer=name)["features"] for name in layers}
    assert values in counts.values()
    live_zones = store.execute("SELECT count(*) FROM laguna.zones WHERE status <> 'superseded'").fetchone()[0]
    assert live_zones in counts.values()


def test_indicator_series_as_csv(export, live_server, store):
    import requests

    response = requests.get(f"{live_server}/downloads/indicators.csv?indicator=HIGH_WATER_EVENTS_110",
                            timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows) == 10
    assert sorted(float(r["value"]) for r in rows) == [float(y - 2005) for y in range(2015, 2025)]
    everything = requests.get(f"{live_server}/downloads/indicators.csv", timeout=60).content.decode()
    expected = store.execute("SELECT count(*) FROM laguna.indicator_values").fetchone()[0]
    assert len(list(csv.DictReader(io.StringIO(everything)))) == expected


def test_raster_download_is_the_stored_cog(export, live_server, store):
    import requests

    for when in fx.LAND_COVER_DATES:
        response = requests.get(f"{live_server}/downloads/rasters/land_cover.tif?date={when}", timeout=60)
        assert response.status_code == 200
        checksum = store.execute("SELECT checksum FROM laguna.raster_assets WHERE acquired = %s",
                                 (when,)).fetchone()[0]
        assert hashlib.sha256(response.content).hexdigest() == checksum


@pytest.mark.parametrize("path, status", [
    ("/downloads/layers/nowhere.gpkg", 404),
    ("/downloads/rasters/land_cover.tif?date=2012-13-45", 400),
    ("/downloads/rasters/land_cover.tif?date=1999-06-01", 404),
    ("/downloads/indicators.csv?indicator=NO_SUCH_THING", 404),
    ("/downloads/snapshot.gpkg?format=zip", 400),
])
def test_bad_downloads_get_the_ogc_exception(export, live_server, path, status):
    import requests

    response = requests.get(live_server + path, timeout=60)
    assert response.status_code == status
    assert set(response.json()) == {"code", "description"}
