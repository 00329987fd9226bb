"""A small site of known content for the web app's tests, in a database of its own.

Zones, a catalogue with a point layer, a salt-marsh layer, two tiny land-cover COGs and a
DEM, stations, a plan with projects, indicator values from job runs (with evaluations) and
entered by hand, and one island, one heritage asset and one project named
``<img src=x onerror=alert(1)>`` to prove that every page escapes what it shows.
Coordinates are EPSG:7792 around Venice (x about 291,000, y about 5,034,000).
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg
import pytest
import rasterio
from psycopg.types.json import Jsonb
from rasterio.transform import from_origin

from tests.conftest import scratch_store

XSS = "<img src=x onerror=alert(1)>"
SRID = 7792
LC_COLOURS = {1: "#1f78b4", 2: "#b2df8a", 3: "#cab2d6", 4: "#e31a1c", 5: "#ffff99",
              6: "#33a02c", 7: "#fdbf6f", 8: "#a6cee3", 9: "#08306b"}
LC_LABELS = {1: ("acque lagunari", "lagoon water"), 2: ("barene", "salt marshes"),
             3: ("velme e piane di marea", "tidal flats"), 4: ("superfici artificiali", "artificial surfaces"),
             5: ("aree agricole", "agricultural land"), 6: ("boschi e aree verdi", "woodland and green areas"),
             7: ("spiagge e dune", "beaches and dunes"), 8: ("valli da pesca", "fish farms"),
             9: ("mare", "sea")}
RASTER_ORIGIN = (280000.0, 5045000.0)  # top-left corner
RASTER_PIXEL = 250.0
RASTER_SHAPE = (100, 80)  # rows, columns: 25 km x 20 km
BIG_POINTS = 6000


def square(x0: float, y0: float, size: float) -> str:
    return (f"MULTIPOLYGON((({x0} {y0}, {x0 + size} {y0}, {x0 + size} {y0 + size}, "
            f"{x0} {y0 + size}, {x0} {y0})))")


def land_cover(changed: bool) -> np.ndarray:
    """Classes in vertical stripes of 10 columns (1..8); the second date turns the salt
    marsh stripe (class 2, columns 10-19) of the top 20 rows into lagoon water (class 1)."""
    data = np.zeros(RASTER_SHAPE, dtype="uint8")
    for col in range(RASTER_SHAPE[1]):
        data[:, col] = col // 10 + 1
    data[-5:, :] = 0  # nodata strip at the bottom
    if changed:
        data[:20, 10:20] = 1
    return data


def write_raster(path: Path, data: np.ndarray, nodata) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {"driver": "COG", "height": data.shape[0], "width": data.shape[1], "count": 1,
               "dtype": str(data.dtype), "crs": f"EPSG:{SRID}", "nodata": nodata,
               "transform": from_origin(*RASTER_ORIGIN, RASTER_PIXEL, RASTER_PIXEL),
               "blocksize": 256}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def insert(conn: psycopg.Connection, table: str, row: dict, returning: str = "id"):
    cols = ", ".join(row)
    marks = ", ".join(f"ST_GeomFromText(%({k})s, {SRID})" if k in ("geom", "footprint")
                      else f"%({k})s" for k in row)
    found = conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING {returning}",
                         row).fetchone()
    return found[0]


def build(conn: psycopg.Connection, var: Path) -> dict:
    """Fill the store; returns the ids and facts the tests check against."""
    ids: dict = {}
    site = conn.execute("SELECT id FROM laguna.sites").fetchone()[0]
    conn.execute("SELECT set_config('laguna.user', 'tests', false)")
    venezia = insert(conn, "laguna.bodies", {"code": "comune-venezia", "name_it": "Comune di Venezia",
                                             "name_en": "City of Venice", "kind": "municipality"})
    provv = insert(conn, "laguna.bodies", {"code": "provveditorato", "name_it": "Provveditorato OO.PP.",
                                           "name_en": "Public Works Authority", "kind": "state_agency"})

    def zone(kind, code, name_it, name_en, geom, status="approved", **extra):
        return insert(conn, "laguna.zones", {"site_id": site, "kind": kind, "code": code,
                                             "name_it": name_it, "name_en": name_en,
                                             "status": status, "geom": geom, "illustrative": True,
                                             **extra})

    ids["property_old"] = zone("property", "WHS394", "Venezia e la sua Laguna (1987)",
                               "Venice and its Lagoon (1987)", square(281000, 5021000, 18000),
                               status="superseded", valid_from="1987-12-11", valid_to="2020-01-01",
                               version=1)
    ids["property"] = zone("property", "WHS394", "Venezia e la sua Laguna", "Venice and its Lagoon",
                           square(280000, 5020000, 20000), version=2)
    ids["buffer"] = zone("buffer", "WHS394-BZ", "Zona tampone proposta", "Proposed buffer zone",
                         square(278000, 5018000, 24000), status="proposed")
    ids["lagoon"] = zone("lagoon", "LAGOON", "Laguna di Venezia", "Venice Lagoon",
                         square(282000, 5022000, 16000))
    ids["lido"] = zone("basin", "LIDO", "Bacino di Lido", "Lido basin", square(290000, 5030000, 8000))
    ids["malamocco"] = zone("basin", "MALAMOCCO", "Bacino di Malamocco", "Malamocco basin",
                            square(282000, 5022000, 8000))
    ids["burano"] = zone("island", "BURANO", "Burano", "Burano", square(292000, 5036000, 1000),
                         attributes=Jsonb({"population": 2300}))
    ids["murano"] = zone("island", "MURANO", "Murano", "Murano", square(289000, 5034000, 1200),
                         attributes=Jsonb({"population": 4300}))
    ids["xss_island"] = zone("island", "XSS", XSS, XSS, square(294000, 5032000, 800))
    ids["cannaregio"] = zone("sestiere", "CANNAREGIO", "Cannaregio", "Cannaregio",
                             square(290500, 5033000, 900))

    def layer(name, kind, title_it, title_en, **extra):
        lid = insert(conn, "laguna.layers", {"name": name, "kind": kind, "title_it": title_it,
                                             "title_en": title_en, "licence": "CC-BY-4.0",
                                             "illustrative": True, **extra})
        vid = insert(conn, "laguna.layer_versions", {
            "layer_id": lid, "version": 1, "source_name": f"{name}.gpkg", "source_format": "GPKG",
            "source_checksum": hashlib.sha256(name.encode()).hexdigest()})
        return lid, vid

    # islands: a zone layer (the home map draws its zones with this style and title)
    ids["islands_layer"], _ = layer("islands", "vector", "Isole", "Islands", geometry_type="MultiPolygon",
                                    table_name="islands", zone_kind="island",
                                    style=Jsonb({"type": "single", "fill": "#fdbf6f", "stroke": "#ff7f00",
                                                 "stroke_width": 1.5, "fill_opacity": 0.4}))
    conn.execute(f"CREATE TABLE layers.islands (fid bigserial PRIMARY KEY, layer_version integer NOT NULL, "
                 f"code text, geom geometry(MultiPolygon, {SRID}))")

    # heritage assets: points with a categorized style
    attrs = [{"name": "asset_id", "type": "text", "title": {"it": "Codice", "en": "Code"}},
             {"name": "name", "type": "text", "title": {"it": "Nome", "en": "Name"}},
             {"name": "category", "type": "text", "title": {"it": "Categoria", "en": "Category"}},
             {"name": "century", "type": "integer", "title": {"it": "Secolo", "en": "Century"}}]
    style = {"type": "categorized", "field": "category", "stroke": "#333333", "stroke_width": 1,
             "fill_opacity": 0.9, "radius": 5, "fill": None,
             "classes": [{"value": "church", "colour": "#7b3294", "label": {"it": "chiesa", "en": "church"}},
                         {"value": "palace", "colour": "#c2a5cf", "label": {"it": "palazzo", "en": "palace"}},
                         {"value": "fort", "colour": "#008837", "label": {"it": "forte", "en": "fort"}}]}
    ids["assets_layer"], ids["assets_version"] = layer(
        "heritage_assets", "vector", "Beni culturali", "Heritage assets", geometry_type="Point",
        table_name="heritage_assets", attributes=Jsonb(attrs), style=Jsonb(style),
        popup_fields=["name", "category", "century"])
    conn.execute("UPDATE laguna.layer_versions SET feature_count = 3 WHERE id = %s",
                 (ids["assets_version"],))
    conn.execute(f"CREATE TABLE layers.heritage_assets (fid bigserial PRIMARY KEY, "
                 f"layer_version integer NOT NULL, asset_id text, name text, category text, "
                 f"century integer, geom geometry(Point, {SRID}))")
    for asset_id, name, cat, century, x, y in (
            ("HA1", "San Martino", "church", 16, 292500, 5036500),
            ("HA2", "Palazzo da Mula", "palace", 15, 289500, 5034500),
            ("HA3", XSS, "fort", 19, 294400, 5032400)):
        conn.execute("INSERT INTO layers.heritage_assets (layer_version, asset_id, name, category, "
                     "century, geom) VALUES (1, %s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), %s))",
                     (asset_id, name, cat, century, x, y, SRID))

    # salt marshes at two survey years: 2012 two squares, 2024 one of them shrunk
    ids["marsh_layer"], ids["marsh_version"] = layer(
        "salt_marshes", "vector", "Barene", "Salt marshes", geometry_type="MultiPolygon",
        table_name="salt_marshes", attributes=Jsonb([{"name": "survey_year", "type": "integer"}]),
        style=Jsonb({"type": "single", "fill": "#e3c16f", "stroke": "#b15928"}))
    conn.execute(f"CREATE TABLE layers.salt_marshes (fid bigserial PRIMARY KEY, layer_version integer "
                 f"NOT NULL, survey_year integer, geom geometry(MultiPolygon, {SRID}))")
    for year, geom in ((2012, square(284000, 5024000, 1000)), (2012, square(286000, 5024000, 500)),
                       (2024, square(284000, 5024000, 600))):
        conn.execute("INSERT INTO layers.salt_marshes (layer_version, survey_year, geom) "
                     "VALUES (1, %s, ST_GeomFromText(%s, %s))", (year, geom, SRID))
    conn.execute("UPDATE laguna.layer_versions SET feature_count = 3 WHERE id = %s",
                 (ids["marsh_version"],))

    # a large point layer, served as vector tiles
    ids["big_layer"], big_version = layer("big_points", "vector", "Punti fitti", "Dense points",
                                          geometry_type="Point", table_name="big_points",
                                          popup_fields=["label"],
                                          attributes=Jsonb([{"name": "label", "type": "text"}]))
    conn.execute("UPDATE laguna.layer_versions SET feature_count = %s WHERE id = %s",
                 (BIG_POINTS, big_version))
    conn.execute(f"CREATE TABLE layers.big_points (fid bigserial PRIMARY KEY, layer_version integer "
                 f"NOT NULL, label text, geom geometry(Point, {SRID}))")
    conn.execute(f"""INSERT INTO layers.big_points (layer_version, label, geom)
                     SELECT 1, 'p' || i, ST_SetSRID(ST_MakePoint(285000 + (i % 100) * 50,
                                                                  5025000 + (i / 100) * 50), {SRID})
                       FROM generate_series(0, {BIG_POINTS - 1}) i""")

    # rasters: land cover at two dates (classes), a DEM (continuous)
    legend = [{"value": v, "colour": c, "label": {"it": LC_LABELS[v][0], "en": LC_LABELS[v][1]}}
              for v, c in LC_COLOURS.items()]
    ids["lc_layer"], lc_version = layer("land_cover", "raster", "Copertura del suolo", "Land cover",
                                        legend=Jsonb(legend),
                                        bands=Jsonb([{"name": "class", "title": {"it": "classe", "en": "class"},
                                                      "dtype": "uint8", "nodata": 0}]))
    dem_layer, dem_version = layer("dem", "raster", "Modello del terreno", "Elevation model",
                                   bands=Jsonb([{"name": "elevation", "title": {"it": "quota", "en": "elevation"},
                                                 "unit": "m", "dtype": "float32", "nodata": -9999}]))
    footprint = (f"POLYGON(({RASTER_ORIGIN[0]} {RASTER_ORIGIN[1] - RASTER_SHAPE[0] * RASTER_PIXEL}, "
                 f"{RASTER_ORIGIN[0] + RASTER_SHAPE[1] * RASTER_PIXEL} {RASTER_ORIGIN[1] - RASTER_SHAPE[0] * RASTER_PIXEL}, "
                 f"{RASTER_ORIGIN[0] + RASTER_SHAPE[1] * RASTER_PIXEL} {RASTER_ORIGIN[1]}, "
                 f"{RASTER_ORIGIN[0]} {RASTER_ORIGIN[1]}, {RASTER_ORIGIN[0]} {RASTER_ORIGIN[1] - RASTER_SHAPE[0] * RASTER_PIXEL}))")
    ids["rasters"] = {}
    for name, lid, vid, date, data, nodata in (
            ("land_cover", ids["lc_layer"], lc_version, "2012-06-01", land_cover(False), 0),
            ("land_cover", ids["lc_layer"], lc_version, "2024-06-01", land_cover(True), 0),
            ("dem", dem_layer, dem_version, "2024-06-01",
             np.linspace(-3, 3, RASTER_SHAPE[0] * RASTER_SHAPE[1], dtype="float32").reshape(RASTER_SHAPE),
             -9999)):
        rel = f"rasters/{name}/{date}.tif"
        checksum = write_raster(var / rel, data, nodata)
        ids["rasters"][(name, date)] = insert(conn, "laguna.raster_assets", {
            "layer_id": lid, "layer_version_id": vid, "acquired": date, "path": rel,
            "checksum": checksum, "crs_epsg": SRID, "width": RASTER_SHAPE[1],
            "height": RASTER_SHAPE[0], "band_count": 1, "resolution": RASTER_PIXEL,
            "dtype": str(data.dtype), "nodata": nodata,
            "footprint": footprint})

    # stations
    ids["psal"] = insert(conn, "laguna.stations", {"code": "PSAL", "name_it": "Punta della Salute",
                                                   "name_en": "Punta della Salute", "kind": "tide_gauge",
                                                   "side": "lagoon", "illustrative": True,
                                                   "geom": "POINT(291000 5034000)"})
    ids["wq01"] = insert(conn, "laguna.stations", {"code": "WQ01", "name_it": "Stazione WQ01",
                                                   "name_en": "Station WQ01", "kind": "water_quality",
                                                   "illustrative": True, "geom": "POINT(288000 5030000)"})

    # the plan
    plan = insert(conn, "laguna.management_plans", {
        "site_id": site, "code": "PG-2024-2030", "title_it": "Piano di gestione 2024-2030",
        "title_en": "Management Plan 2024-2030", "period_start": 2024, "period_end": 2030,
        "status": "in_force", "illustrative": True})
    s1 = insert(conn, "laguna.challenges", {"plan_id": plan, "code": "S1", "title_it": "Acqua",
                                            "title_en": "Water"})
    s2 = insert(conn, "laguna.challenges", {"plan_id": plan, "code": "S2", "title_it": "Turismo",
                                            "title_en": "Tourism"})
    ap1 = insert(conn, "laguna.action_plans", {"challenge_id": s1, "code": "1", "title_it": "Barene",
                                               "title_en": "Salt marshes"})
    ap2 = insert(conn, "laguna.action_plans", {"challenge_id": s2, "code": "2", "title_it": "Flussi",
                                               "title_en": "Flows"})
    ids["project_burano"] = insert(conn, "laguna.projects", {
        "action_plan_id": ap1, "code": "1.1", "title_it": "Restauro delle barene di Burano",
        "title_en": "Burano salt-marsh restoration", "status": "ongoing", "lead_body_id": venezia,
        "budget_eur": 1250000, "committed_eur": 800000, "spent_eur": 300000, "illustrative": True,
        "geom": "POINT(292500 5036400)"})
    ids["project_nogeom"] = insert(conn, "laguna.projects", {
        "action_plan_id": ap1, "code": "1.2", "title_it": "Piano delle acque", "title_en": "Water plan",
        "status": "planned", "lead_body_id": provv, "illustrative": True})
    ids["project_xss"] = insert(conn, "laguna.projects", {
        "action_plan_id": ap2, "code": "2.1", "title_it": XSS, "title_en": XSS, "status": "completed",
        "lead_body_id": provv, "budget_eur": 50000, "illustrative": True,
        "geom": "POLYGON((290000 5033000, 290400 5033000, 290400 5033400, 290000 5033400, 290000 5033000))"})
    conn.execute("INSERT INTO laguna.project_zones VALUES (%s, %s)", (ids["project_burano"], ids["burano"]))
    conn.execute("INSERT INTO laguna.project_partners VALUES (%s, %s, 'partner')",
                 (ids["project_burano"], provv))
    law77 = conn.execute("SELECT id FROM laguna.funding_sources WHERE code = 'law77'").fetchone()[0]
    insert(conn, "laguna.grants", {"funding_source_id": law77, "project_id": ids["project_burano"],
                                   "year": 2024, "law77_line": "b", "status": "granted",
                                   "requested_eur": 500000, "granted_eur": 400000, "illustrative": True})
    insert(conn, "laguna.grants", {"funding_source_id": law77, "project_id": ids["project_burano"],
                                   "year": 2025, "law77_line": "b", "status": "closed",
                                   "requested_eur": 100000, "granted_eur": 90000, "spent_eur": 90000,
                                   "illustrative": True})

    # indicators: baselines and targets are management decisions, set here
    conn.execute("UPDATE laguna.indicators SET baseline_value = 100, baseline_period = '2012', "
                 "target_value = 120, target_period = '2030', illustrative = true "
                 "WHERE code = 'SALT_MARSH_AREA'")
    ind = dict(conn.execute("SELECT code, id FROM laguna.indicators").fetchall())

    def run(job, summary=None, parameters=None):
        return insert(conn, "laguna.job_runs", {
            "job_name": job, "status": "succeeded", "code_version": "test",
            "finished_at": "2025-01-01T10:00:00Z", "started_at": "2025-01-01T09:59:00Z",
            "parameters": Jsonb(parameters or {}), "summary": Jsonb(summary or {})})

    ids["marsh_run"] = run("salt_marsh", parameters={"zone_kind": "basin"})
    conn.execute("INSERT INTO laguna.job_run_inputs (job_run_id, layer_version_id, checksum) "
                 "VALUES (%s, %s, %s)", (ids["marsh_run"], ids["marsh_version"], "ab" * 32))
    ids["marsh_values"] = {}
    for zone_key, series in (("lido", {"2012": 100.0, "2018": 110.0, "2024": 118.0}),
                             ("malamocco", {"2012": 90.0, "2018": 80.0, "2024": 70.0})):
        for period, value in series.items():
            ids["marsh_values"][(zone_key, period)] = insert(conn, "laguna.indicator_values", {
                "indicator_id": ind["SALT_MARSH_AREA"], "zone_id": ids[zone_key], "period": period,
                "value": value, "illustrative": True, "job_run_id": ids["marsh_run"]})
    stats_run = run("raster_stats")
    for category, value in (("mean", 0.35), ("count", 12345.5)):  # elevation stats: m, and pixels
        insert(conn, "laguna.indicator_values", {
            "indicator_id": ind["ELEVATION_STATS"], "zone_id": ids["lido"], "period": "2024",
            "category": category, "value": value, "illustrative": True, "job_run_id": stats_run})
    eval_run = run("indicator_evaluation")
    for zone_key, status, trend in (("lido", "green", "improving"), ("malamocco", "red", "worsening")):
        insert(conn, "laguna.indicator_evaluations", {
            "indicator_id": ind["SALT_MARSH_AREA"], "zone_id": ids[zone_key], "evaluated_on": "2025-01-02",
            "job_run_id": eval_run, "status": status, "n_values": 3, "trend": trend, "last_period": "2024"})

    ids["flood_run"] = run("flood_exposure", summary={"exposed_assets": {
        "80": [], "110": ["HA1"], "140": ["HA1", "HA3"], "187": ["HA1", "HA2", "HA3"]}})
    conn.execute("INSERT INTO laguna.job_run_inputs (job_run_id, raster_asset_id) VALUES (%s, %s)",
                 (ids["flood_run"], ids["rasters"][("dem", "2024-06-01")]))
    for zone_key, shares in (("burano", {"80": 1.0, "110": 12.5, "140": 40.0, "187": 90.0}),
                             ("murano", {"80": 0.0, "110": 3.0, "140": 25.0, "187": 70.0}),
                             ("xss_island", {"80": 5.0, "110": 55.0, "140": 85.0, "187": 100.0})):
        for level, share in shares.items():
            insert(conn, "laguna.indicator_values", {
                "indicator_id": ind["FLOOD_LAND_SHARE"], "zone_id": ids[zone_key], "period": "2024",
                "category": level, "value": share, "illustrative": True, "job_run_id": ids["flood_run"]})
    for zone_key, counts in (("burano", {"110": 1, "140": 1}), ("xss_island", {"140": 1})):
        for level, n in counts.items():
            insert(conn, "laguna.indicator_values", {
                "indicator_id": ind["FLOOD_ASSETS_EXPOSED"], "zone_id": ids[zone_key], "period": "2024",
                "category": level, "value": n, "illustrative": True, "job_run_id": ids["flood_run"]})

    ids["change_run"] = run("land_cover_change", parameters={"from": "2012-06-01", "to": "2024-06-01"})
    conn.execute("INSERT INTO laguna.job_run_inputs (job_run_id, raster_asset_id) VALUES (%s, %s), (%s, %s)",
                 (ids["change_run"], ids["rasters"][("land_cover", "2012-06-01")],
                  ids["change_run"], ids["rasters"][("land_cover", "2024-06-01")]))
    for zone_key, cat, ha in (("lido", "2>1", 31.25), ("lido", "2>2", 100.0), ("malamocco", "3>4", 6.25)):
        insert(conn, "laguna.indicator_values", {
            "indicator_id": ind["LAND_COVER_CHANGE"], "zone_id": ids[zone_key], "period": "2024",
            "category": cat, "value": ha, "illustrative": True, "job_run_id": ids["change_run"]})

    ids["composition_run"] = run("land_cover_composition")
    for zone_key in ("lido", "malamocco"):  # shares by land-cover class code
        for period in ("2012", "2024"):
            for cls, share in (("1", 60.0), ("2", 30.0), ("4", 10.0)):
                insert(conn, "laguna.indicator_values", {
                    "indicator_id": ind["LAND_COVER_SHARE"], "zone_id": ids[zone_key], "period": period,
                    "category": cls, "value": share, "illustrative": True,
                    "job_run_id": ids["composition_run"]})

    ids["plan_run"] = run("plan_implementation")  # a site indicator with values by zone too
    for zone_key, share in ((None, 24.0), ("burano", 37.5)):
        insert(conn, "laguna.indicator_values", {
            "indicator_id": ind["PLAN_BUDGET_SPENT_SHARE"], "zone_id": ids[zone_key] if zone_key else None,
            "period": "2024", "value": share, "illustrative": True, "job_run_id": ids["plan_run"]})

    ids["hw_run"] = run("high_water")
    for year, n in ((2019, 12), (2020, 7), (2021, 9)):
        insert(conn, "laguna.indicator_values", {
            "indicator_id": ind["HIGH_WATER_EVENTS_110"], "station_id": ids["psal"], "period": str(year),
            "value": n, "illustrative": True, "job_run_id": ids["hw_run"]})
    insert(conn, "laguna.indicator_values", {
        "indicator_id": ind["TOURIST_ARRIVALS"], "period": "2023", "value": 5_000_000,
        "illustrative": True, "entered_by": "maria@ufficio-unesco", "entered_at": "2024-03-01T10:00:00Z",
        "source": "Comune di Venezia, annuario del turismo"})
    ids["indicator_ids"] = ind
    return ids


@pytest.fixture(scope="session")
def webapp_store(cluster_url, template_db, tmp_path_factory) -> Iterator[tuple]:
    """(settings, ids): a database filled by :func:`build`, shared by the web tests."""
    with scratch_store(cluster_url, template_db, tmp_path_factory.mktemp("webapp-home"), build,
                       basemap_url="") as filled:
        yield filled


@pytest.fixture(scope="session")
def app(webapp_store):
    from webapp import create_app, db

    settings, _ids = webapp_store
    application = create_app(settings, {"TESTING": True, "LAGUNA_POOL_SIZE": 4})
    yield application
    db.close(application)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ids(webapp_store) -> dict:
    return webapp_store[1]


@pytest.fixture
def store_settings(webapp_store):
    return webapp_store[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app on waitress on a free local port, in a thread (as ``laguna serve`` runs it)."""
    server, url = serve(app)
    yield url
    server.close()


def serve(app) -> tuple:
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture(scope="session")
def online_server(webapp_store) -> Iterator[str]:
    """The app with the default online basemap (which the browser tests cannot reach)."""
    from webapp import create_app, db

    settings, _ids = webapp_store
    online = settings.model_copy(update={"basemap_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"})
    application = create_app(online, {"TESTING": True, "LAGUNA_POOL_SIZE": 2})
    server, url = serve(application)
    yield url
    server.close()
    db.close(application)
