"""Real clients against the API served by waitress on 127.0.0.1: GDAL's OAPIF driver
(ogrinfo, ogr2ogr), OWSLib, an OpenAPI 3.0 validator and schemathesis.

The counts they see are compared with plain SQL counts of the fixture store.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
import requests

pytestmark = pytest.mark.slow

GDAL = shutil.which("ogr2ogr") and shutil.which("ogrinfo")
needs_gdal = pytest.mark.skipif(not GDAL, reason="GDAL's command-line tools (Debian gdal-bin) "
                                                 "are not installed: run 'make setup'.")


def store_counts(store) -> dict[str, int]:
    """What each collection should hold, counted straight from the tables."""
    counts = {f"zones-{kind}": n for kind, n in store.execute(
        "SELECT kind, count(*) FROM laguna.zones WHERE status <> 'superseded' GROUP BY kind")}
    counts["plan-projects"] = store.execute("SELECT count(*) FROM laguna.projects").fetchone()[0]
    counts["monitoring-stations"] = store.execute("SELECT count(*) FROM laguna.stations").fetchone()[0]
    counts["indicator-values"] = store.execute(
        "SELECT count(*) FROM laguna.indicator_values").fetchone()[0]
    for name, table in store.execute(
            "SELECT name, table_name FROM laguna.layers WHERE kind = 'vector'").fetchall():
        counts[name] = store.execute(
            f"SELECT count(*) FROM layers.{table} WHERE layer_version = (SELECT max(version) "
            f"FROM laguna.layer_versions v JOIN laguna.layers l ON l.id = v.layer_id "
            f"WHERE l.name = %s)", (name,)).fetchone()[0]
    return counts


def gdal(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "60", "CPL_DEBUG": "OFF"}
    result = subprocess.run(list(args), capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@needs_gdal
def test_ogrinfo_lists_every_collection(live_server, store):
    listing = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{live_server}").stdout
    names = {line.split(":", 1)[1].split("(")[0].strip()
             for line in listing.splitlines() if ":" in line and line.split(":")[0].strip().isdigit()}
    assert names == set(store_counts(store))


@needs_gdal
def test_ogr2ogr_downloads_every_feature(live_server, store, tmp_path):
    out = tmp_path / "download.gpkg"
    gdal("ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{live_server}", "-oo", "PAGE_SIZE=1000")
    expected = store_counts(store)
    got = {name: pyogrio.read_info(out, layer=name)["features"]
           for name, _ in pyogrio.list_layers(out)}
    assert got == expected
    # the features are the same, not just as many
    ids = pyogrio.read_dataframe(out, layer="heritage_assets", read_geometry=False)["asset_id"]
    assert ids.is_unique and len(ids) == expected["heritage_assets"]


@needs_gdal
def test_ogr2ogr_with_a_spatial_filter_and_another_crs(live_server, tmp_path):
    from shapely.geometry import box

    from . import fixture_store as fx

    out = tmp_path / "part.gpkg"
    gdal("ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{live_server}", "heritage_assets",
         "-oo", "PAGE_SIZE=1000", "-spat", "12.32", "45.43", "12.35", "45.44", "-t_srs", "EPSG:3004")
    expected = sum(1 for p in fx.heritage_points(2) if box(12.32, 45.43, 12.35, 45.44).contains(p[-1]))
    info = pyogrio.read_info(out, layer="heritage_assets")
    assert info["features"] == expected and "3004" in info["crs"]


def test_owslib_reads_the_same_collections(live_server, store):
    from owslib.ogcapi.features import Features

    api = Features(live_server, timeout=60)
    assert api.conformance()["conformsTo"]
    counts = store_counts(store)
    ids = {c["id"] for c in api.collections()["collections"]}
    assert ids == set(counts)
    for cid in sorted(ids):
        page = api.collection_items(cid, limit=5000)
        assert page["numberMatched"] == counts[cid] == len(page["features"]), cid
    queryables = api.collection_queryables("heritage_assets")
    assert queryables["properties"]["century"]["type"] == "integer"


def test_openapi_document_is_valid_and_self_contained(live_server):
    from openapi_spec_validator import validate

    doc = requests.get(f"{live_server}/api?f=json", timeout=30).json()
    validate(doc)
    text = str(doc)
    refs = [part.split("'")[0] for part in text.split("'$ref': '")[1:]]
    assert refs and all(ref.startswith("#/") for ref in refs)


def test_schemathesis_finds_no_server_error(live_server, tmp_path):
    exe = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [str(exe), "run", f"{live_server}/api?f=json", "--checks", "not_a_server_error",
         "--max-examples", "8", "--phases", "examples,coverage,fuzzing", "--seed", "394",
         "--workers", "1", "--request-timeout", "60", "--no-shrink",
         "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"})
    assert result.returncode == 0, result.stdout[-6000:]
    generated, passed = re.search(r"(\d+) generated, (\d+) passed", result.stdout).groups()
    assert int(generated) > 1000 and passed == generated
    assert "404 Not Found" not in result.stdout  # every single-feature path was reached too


@needs_gdal
def test_ogrinfo_attribute_filter_uses_the_queryables(live_server):
    from . import fixture_store as fx

    result = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{live_server}", "heritage_assets", "-oo",
                  "PAGE_SIZE=1000", "-where", "category = 'church' AND century >= 15",
                  "--debug", "on")
    expected = sum(1 for p in fx.heritage_points(2) if p[2] == "church" and p[3] >= 15)
    assert f"Feature Count: {expected}" in result.stdout
    # GDAL found the property parameter in the OpenAPI document and sent it to the server
    assert "category=church" in result.stderr
