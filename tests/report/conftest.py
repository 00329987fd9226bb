"""A small store of known content for the report tests, in a database of their own.

Zones (property, proposed buffer, lagoon, three basins, two municipalities, islands and
sestieri), two bodies that are municipalities (with ISTAT codes) and two that are not, a
plan with three challenges and five projects (one titled with a script tag), grants of
Law 77/2006 lines a-d and of other sources, indicator values from job runs (salt marshes,
high water, flood exposure with its exposed-assets list, land-cover change) and entered by
hand (tourist arrivals, residents), their evaluations (one deliberately stale), threat
assessments at two dates, a World Heritage Committee decision with a pending request, a
salt-marsh layer at two survey years, heritage assets and two tiny land-cover COGs.
Coordinates are EPSG:7792 around Venice (x about 290,000, y about 5,030,000).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psycopg
import pytest
import rasterio
from psycopg.types.json import Jsonb
from rasterio.transform import from_origin

from tests.conftest import scratch_store

SRID = 7792
XSS = "<img src=x onerror=\"document.title='pwned'\">"
LEGEND = [{"value": v, "colour": c, "label": {"it": it, "en": en}} for v, c, it, en in (
    (1, "#3a7dc9", "acque lagunari", "lagoon water"), (2, "#9bb34f", "barene", "salt marshes"),
    (3, "#d8c79a", "velme e piane di marea", "tidal flats"), (4, "#d7301f", "superfici artificiali",
                                                               "artificial surfaces"),
    (5, "#f3e07a", "aree agricole", "agricultural land"), (6, "#2e7d32", "boschi e aree verdi",
                                                            "woodland and green areas"),
    (9, "#1b3f7a", "mare", "sea"))]
ORIGIN = (276000.0, 5046000.0)   # top-left corner of the rasters
PIXEL = 250.0
SHAPE = (120, 100)               # rows, columns: 30 km x 25 km


def box(x0: float, y0: float, w: float, h: float | None = None, multi: bool = True) -> str:
    h = w if h is None else h
    ring = f"{x0} {y0}, {x0 + w} {y0}, {x0 + w} {y0 + h}, {x0} {y0 + h}, {x0} {y0}"
    return f"MULTIPOLYGON((({ring})))" if multi else f"POLYGON(({ring}))"


def land_cover(later: bool) -> np.ndarray:
    """Sea on the east, lagoon water in the middle with salt-marsh and tidal-flat patches,
    land on the west; the later date loses part of the salt marshes to water and gains
    built-up land."""
    data = np.full(SHAPE, 1, dtype="uint8")
    data[:, 80:] = 9
    data[:, :20] = 5
    data[10:40, 30:50] = 2
    data[60:90, 40:60] = 3
    data[20:30, 5:15] = 4
    data[100:110, 25:45] = 2
    if later:
        data[10:25, 30:40] = 1
        data[30:40, 10:20] = 4
    data[-3:, :] = 0
    return data


def write_cog(path: Path, data: np.ndarray) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(path, "w", driver="COG", height=data.shape[0], width=data.shape[1], count=1,
                       dtype=str(data.dtype), crs=f"EPSG:{SRID}", nodata=0,
                       transform=from_origin(*ORIGIN, PIXEL, PIXEL)) as dst:
        dst.write(data, 1)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def insert(conn: psycopg.Connection, table: str, row: dict):
    cols = ", ".join(row)
    marks = ", ".join(f"ST_GeomFromText(%({k})s, {SRID})" if k in ("geom", "footprint") else f"%({k})s"
                      for k in row)
    return conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id", row).fetchone()[0]


def build(conn: psycopg.Connection, var: Path) -> dict:
    ids: dict = {}
    conn.execute("SELECT set_config('laguna.user', 'tests', false)")
    site = conn.execute("SELECT id FROM laguna.sites").fetchone()[0]
    for code, it, en, kind, istat in (
            ("comune-venezia", "Comune di Venezia", "Municipality of Venice", "municipality", "027042"),
            ("comune-chioggia", "Comune di Chioggia", "Municipality of Chioggia", "municipality", "027008"),
            ("provveditorato", "Provveditorato OO.PP.", "Public Works Authority", "state_agency", None),
            ("regione-veneto", "Regione del Veneto", "Veneto Region", "region", None)):
        ids[code] = insert(conn, "laguna.bodies", {"code": code, "name_it": it, "name_en": en, "kind": kind,
                                                   "istat_code": istat})

    def zone(kind, code, it, en, geom, status="approved", **extra):
        ids[f"{kind}:{code}"] = insert(conn, "laguna.zones", {
            "site_id": site, "kind": kind, "code": code, "name_it": it, "name_en": en, "status": status,
            "geom": geom, "illustrative": True, **extra})
        return ids[f"{kind}:{code}"]

    zone("property", "WHS394", "Venezia e la sua Laguna", "Venice and its Lagoon", box(279000, 5020000, 20000, 24000))
    zone("buffer", "WHS394-BZ", "Zona tampone", "Buffer zone", box(277000, 5018000, 24000, 28000), status="proposed")
    zone("lagoon", "LAGOON", "Laguna di Venezia", "Venice Lagoon", box(281000, 5021000, 15000, 22000))
    zone("basin", "LIDO", "Bacino di Lido", "Lido basin", box(281000, 5036000, 15000, 7000))
    zone("basin", "MALAMOCCO", "Bacino di Malamocco", "Malamocco basin", box(281000, 5028000, 15000, 8000))
    zone("basin", "CHIOGGIA", "Bacino di Chioggia", "Chioggia basin", box(281000, 5021000, 15000, 7000))
    zone("municipality", "027042", "Venezia", "Venice", box(279000, 5029000, 20000, 15000))
    zone("municipality", "027008", "Chioggia", "Chioggia", box(279000, 5020000, 20000, 9000))
    zone("island", "BURANO", "Burano", "Burano", box(291000, 5040000, 1000))
    zone("island", "MURANO", "Murano", "Murano", box(288000, 5037500, 1200))
    zone("island", "SOTTOMARINA", "Sottomarina", "Sottomarina", box(293000, 5022000, 1500, 2500))
    zone("sestiere", "CANNAREGIO", "Cannaregio", "Cannaregio", box(287000, 5035000, 1000, 800))
    zone("sestiere", "SAN_MARCO", "San Marco", "San Marco", box(288200, 5034200, 800, 700))

    def layer(name, kind, it, en, **extra):
        lid = insert(conn, "laguna.layers", {"name": name, "kind": kind, "title_it": it, "title_en": en,
                                             "licence": "CC BY 4.0 (test data)", "illustrative": True, **extra})
        vid = insert(conn, "laguna.layer_versions", {
            "layer_id": lid, "version": 1, "source_name": f"{name}.gpkg", "source_format": "GPKG",
            "source_checksum": hashlib.sha256(name.encode()).hexdigest()})
        return lid, vid

    _, ids["marsh_version"] = layer("salt_marshes", "vector", "Barene", "Salt marshes",
                                    geometry_type="MultiPolygon", table_name="salt_marshes")
    conn.execute(f"CREATE TABLE layers.salt_marshes (fid bigserial PRIMARY KEY, layer_version integer NOT NULL, "
                 f"survey_year integer, geom geometry(MultiPolygon, {SRID}))")
    for year, geom in ((2012, box(284000, 5036500, 3000, 2500)), (2012, box(285000, 5024000, 2000)),
                       (2024, box(284000, 5036500, 2000, 2500)), (2024, box(285500, 5024000, 2000))):
        conn.execute("INSERT INTO layers.salt_marshes (layer_version, survey_year, geom) "
                     "VALUES (1, %s, ST_GeomFromText(%s, %s))", (year, geom, SRID))

    _, ids["assets_version"] = layer("heritage_assets", "vector", "Beni culturali", "Heritage assets",
                                     geometry_type="Point", table_name="heritage_assets")
    conn.execute(f"CREATE TABLE layers.heritage_assets (fid bigserial PRIMARY KEY, layer_version integer "
                 f"NOT NULL, asset_id text, name text, category text, geom geometry(Point, {SRID}))")
    ids["assets"] = {}
    for asset_id, name, cat, x, y in (("HA1", "Basilica di San Marco", "church", 288600, 5034500),
                                      ("HA2", "Ca' d'Oro", "palace", 287500, 5035400),
                                      ("HA3", "San Martino", "church", 291500, 5040500),
                                      ("HA4", "Forte di Sottomarina", "fort", 293700, 5023000)):
        ids["assets"][asset_id] = conn.execute(
            "INSERT INTO layers.heritage_assets (layer_version, asset_id, name, category, geom) "
            "VALUES (1, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), %s)) RETURNING fid",
            (asset_id, name, cat, x, y, SRID)).fetchone()[0]

    lc_layer, lc_version = layer("land_cover", "raster", "Copertura del suolo", "Land cover", legend=Jsonb(LEGEND))
    footprint = box(ORIGIN[0], ORIGIN[1] - SHAPE[0] * PIXEL, SHAPE[1] * PIXEL, SHAPE[0] * PIXEL, multi=False)
    ids["rasters"] = {}
    for day, later in (("2012-06-01", False), ("2024-06-01", True)):
        rel = f"rasters/land_cover/{day}.tif"
        checksum = write_cog(var / rel, land_cover(later))
        ids["rasters"][day] = insert(conn, "laguna.raster_assets", {
            "layer_id": lc_layer, "layer_version_id": lc_version, "acquired": day, "path": rel,
            "checksum": checksum, "crs_epsg": SRID, "width": SHAPE[1], "height": SHAPE[0], "band_count": 1,
            "resolution": PIXEL, "dtype": "uint8", "nodata": 0, "footprint": footprint})

    ids["PSAL"] = insert(conn, "laguna.stations", {"code": "PSAL", "name_it": "Punta della Salute",
                                                   "name_en": "Punta della Salute", "kind": "tide_gauge",
                                                   "side": "lagoon", "illustrative": True,
                                                   "geom": "POINT(288700 5034000)"})
    ids["DSL"] = insert(conn, "laguna.stations", {"code": "DSL", "name_it": "Diga Sud Lido",
                                                  "name_en": "Lido south jetty", "kind": "tide_gauge",
                                                  "side": "sea", "illustrative": True,
                                                  "geom": "POINT(296500 5033000)"})
    series = insert(conn, "laguna.station_series", {"station_id": ids["PSAL"], "parameter": "water_level",
                                                    "unit": "cm", "datum": "ZMPS"})
    ids["obs_import"] = insert(conn, "laguna.observation_imports", {
        "series_id": series, "source_name": "psal.csv", "source_checksum": "c" * 64,
        "timezone": "Europe/Rome", "rows_read": 3, "rows_inserted": 3})
    start = datetime(2024, 12, 31, 20, tzinfo=UTC)
    for h in range(3):
        conn.execute("INSERT INTO laguna.observations (series_id, observed_at, value, import_id) "
                     "VALUES (%s, %s, %s, %s)", (series, start + timedelta(hours=h), 60 + h, ids["obs_import"]))

    # the plan
    plan = insert(conn, "laguna.management_plans", {
        "site_id": site, "code": "PG-2024-2030", "title_it": "Piano di gestione 2024-2030",
        "title_en": "Management Plan 2024-2030", "period_start": 2024, "period_end": 2030,
        "status": "in_force", "illustrative": True})
    ch = {}
    for code, it, en in (("S1", "Ambiente lagunare", "Lagoon environment"),
                         ("S2", "Acqua alta", "High water"), ("S3", "Turismo", "Tourism")):
        ch[code] = insert(conn, "laguna.challenges", {"plan_id": plan, "code": code, "title_it": it, "title_en": en,
                                                      "description_it": f"Descrizione {code}",
                                                      "description_en": f"Description {code}"})
    ap = {c: insert(conn, "laguna.action_plans", {"challenge_id": ch[c], "code": "1", "title_it": f"Azioni {c}",
                                                  "title_en": f"Actions {c}"}) for c in ch}

    def project(key, challenge, code, it, en, status, lead, budget, geom=None, partners=(), zones=(), factors=()):
        ids[key] = insert(conn, "laguna.projects", {
            "action_plan_id": ap[challenge], "code": code, "title_it": it, "title_en": en, "status": status,
            "lead_body_id": ids[lead], "budget_eur": budget, "spent_eur": budget / 4, "committed_eur": budget / 2,
            "illustrative": True, "start_date": "2024-01-01", **({"geom": geom} if geom else {})})
        for p in partners:
            conn.execute("INSERT INTO laguna.project_partners (project_id, body_id) VALUES (%s, %s)", (ids[key], ids[p]))
        for z in zones:
            conn.execute("INSERT INTO laguna.project_zones VALUES (%s, %s)", (ids[key], ids[z]))
        for f in factors:
            conn.execute("INSERT INTO laguna.project_factors VALUES (%s, %s)", (ids[key], f))

    project("p_marsh", "S1", "1.1", "Ricostruzione di barene", "Rebuilding salt marshes", "ongoing", "provveditorato",
            5_200_000, box(284000, 5030000, 1500, multi=False), partners=("comune-venezia",), factors=("11.5",))
    project("p_clams", "S1", "1.2", "Gestione delle vongole", "Managing clams", "planned", "comune-chioggia",
            180_000, zones=("basin:CHIOGGIA",), factors=("5.1",))
    project("p_quay", "S2", "1.1", "Rialzo delle rive", "Raising the waterfront", "ongoing", "comune-venezia",
            4_800_000, "MULTIPOINT((288500 5034300), (288900 5034100))", partners=("provveditorato",), factors=("10.2",))
    project("p_xss", "S3", "1.1", XSS, XSS, "completed", "comune-venezia", 150_000,
            "POINT(287300 5035300)", factors=("8.6",))
    project("p_cancel", "S3", "1.2", "Terminal crociere", "Cruise terminal", "cancelled", "provveditorato", 1_000_000)

    sources = {"law77": conn.execute("SELECT id FROM laguna.funding_sources WHERE code = 'law77'").fetchone()[0]}
    for code, it, en, kind in (("regione-veneto", "Regione del Veneto", "Veneto Region", "regional"),
                               ("eu-life", "Programma LIFE", "LIFE programme", "eu")):
        sources[code] = insert(conn, "laguna.funding_sources", {"code": code, "name_it": it, "name_en": en,
                                                                "kind": kind})
    ids["grants"] = []
    for source, project_key, year, line, status, requested, granted, spent in (
            ("law77", "p_marsh", 2023, "a", "closed", 100_000, 90_000, 90_000),
            ("law77", "p_xss", 2024, "d", "granted", 60_000, 50_000, 10_000),
            ("law77", "p_quay", 2024, "b", "requested", 70_000, None, None),
            ("law77", "p_clams", 2024, "c", "granted", 40_000, 35_000, None),
            ("regione-veneto", "p_clams", 2024, None, "granted", 80_000, 80_000, 20_000),
            ("eu-life", "p_marsh", 2022, None, "granted", 1_000_000, 900_000, 300_000),
            ("eu-life", "p_marsh", 2025, None, "granted", 500_000, 500_000, None)):
        ids["grants"].append(insert(conn, "laguna.grants", {
            "funding_source_id": sources[source], "project_id": ids[project_key], "year": year,
            "law77_line": line, "status": status, "requested_eur": requested, "granted_eur": granted,
            "spent_eur": spent, "illustrative": True}))

    # indicators: references (management decisions) and challenges
    for code, challenge, baseline, bp, target, tp, warning, alert in (
            ("SALT_MARSH_AREA", "S1", 1000.0, "2012", 1100.0, "2030", 800.0, 600.0),
            ("LAND_COVER_CHANGE", "S1", None, None, None, None, None, None),
            ("HIGH_WATER_EVENTS_110", "S2", 10.0, "2015", 5.0, "2030", 20.0, 40.0),
            ("FLOOD_LAND_SHARE", "S2", None, None, 5.0, "2030", None, None),
            ("FLOOD_ASSETS_EXPOSED", "S2", None, None, None, None, None, None),
            ("TOURIST_ARRIVALS", "S3", 4_300_000.0, "2012", 4_000_000.0, "2030", 5_000_000.0, 6_000_000.0)):
        conn.execute("UPDATE laguna.indicators SET challenge_id = %s, baseline_value = %s, baseline_period = %s, "
                     "target_value = %s, target_period = %s, warning_threshold = %s, alert_threshold = %s, "
                     "illustrative = true WHERE code = %s",
                     (ch[challenge], baseline, bp, target, tp, warning, alert, code))
    ind = dict(conn.execute("SELECT code, id FROM laguna.indicators").fetchall())
    ids["indicator"] = ind

    def run(job, summary=None):
        return insert(conn, "laguna.job_runs", {
            "job_name": job, "status": "succeeded", "code_version": "0.1.0+test",
            "started_at": "2025-01-10T09:00:00Z", "finished_at": "2025-01-10T09:01:00Z",
            "parameters": Jsonb({}), "summary": Jsonb(summary or {})})

    def value(code, period, v, run_id=None, zone=None, station=None, category="", **extra):
        return insert(conn, "laguna.indicator_values", {
            "indicator_id": ind[code], "period": period, "value": v, "zone_id": zone, "station_id": station,
            "category": category, "job_run_id": run_id, "illustrative": True, **extra})

    ids["marsh_run"] = run("salt_marsh")
    conn.execute("INSERT INTO laguna.job_run_inputs (job_run_id, layer_version_id, checksum) VALUES (%s, %s, %s)",
                 (ids["marsh_run"], ids["marsh_version"], "a" * 64))
    marsh = {"LIDO": (420.0, 400.0, 385.5), "MALAMOCCO": (300.0, 310.0, 322.25), "CHIOGGIA": (280.0, 260.0, 240.75)}
    for basin, series_ in marsh.items():
        for period, v in zip(("2012", "2018", "2024"), series_, strict=True):
            value("SALT_MARSH_AREA", period, v, ids["marsh_run"], zone=ids[f"basin:{basin}"], category="vector")
            value("SALT_MARSH_NET_CHANGE", period, v - series_[0], ids["marsh_run"], zone=ids[f"basin:{basin}"],
                  category="vector")

    ids["hw_run"] = run("high_water")
    conn.execute("INSERT INTO laguna.job_run_inputs (job_run_id, series_id, checksum) VALUES (%s, %s, %s)",
                 (ids["hw_run"], series, "c" * 64))
    ids["hw"] = {}
    for i, year in enumerate(range(2015, 2025)):
        ids["hw"][("PSAL", year)] = value("HIGH_WATER_EVENTS_110", str(year), 8 + i, ids["hw_run"], station=ids["PSAL"])
        value("HIGH_WATER_EVENTS_110", str(year), 12 + 2 * i, ids["hw_run"], station=ids["DSL"])

    exposed = {"80": [], "110": [
        {"fid": ids["assets"]["HA1"], "asset_id": "HA1", "name": "Basilica di San Marco", "category": "church",
         "zone": "SAN_MARCO", "zones": ["SAN_MARCO", "027042", "WHS394"], "ground_cm": 64.0}],
        "140": [
        {"fid": ids["assets"]["HA1"], "asset_id": "HA1", "name": "Basilica di San Marco", "category": "church",
         "zone": "SAN_MARCO", "zones": ["SAN_MARCO", "027042", "WHS394"], "ground_cm": 64.0},
        {"fid": ids["assets"]["HA4"], "asset_id": "HA4", "name": "Forte di Sottomarina", "category": "fort",
         "zone": "SOTTOMARINA", "zones": ["SOTTOMARINA", "027008", "WHS394"], "ground_cm": 121.0}]}
    ids["flood_run"] = run("flood_exposure", {"exposed_assets": exposed, "exposed_assets_period": "2024",
                                              "levels_cm": [80, 110, 140]})
    conn.execute("INSERT INTO laguna.job_run_inputs (job_run_id, layer_version_id, checksum) VALUES (%s, %s, %s)",
                 (ids["flood_run"], ids["assets_version"], "b" * 64))
    shares = {"property:WHS394": (0.5, 4.25, 20.0), "sestiere:SAN_MARCO": (5.0, 60.0, 95.0),
              "sestiere:CANNAREGIO": (1.0, 20.0, 70.0), "island:BURANO": (0.0, 12.5, 40.0),
              "island:MURANO": (0.0, 3.0, 25.0), "island:SOTTOMARINA": (0.0, 2.0, 30.0)}
    counts = {"property:WHS394": (0, 1, 2), "sestiere:SAN_MARCO": (0, 1, 1), "island:SOTTOMARINA": (0, 0, 1)}
    for z, levels in shares.items():
        for level, v in zip(("80", "110", "140"), levels, strict=True):
            value("FLOOD_LAND_SHARE", "2024", v, ids["flood_run"], zone=ids[z], category=level)
    for z, levels in counts.items():
        for level, v in zip(("80", "110", "140"), levels, strict=True):
            value("FLOOD_ASSETS_EXPOSED", "2024", v, ids["flood_run"], zone=ids[z], category=level)

    ids["lc_run"] = run("land_cover_change", {"pairs": {"2024": "2012-06-01 -> 2024-06-01"}})
    for r in ids["rasters"].values():
        conn.execute("INSERT INTO laguna.job_run_inputs (job_run_id, raster_asset_id, checksum) VALUES (%s, %s, %s)",
                     (ids["lc_run"], r, "d" * 64))
    for cat, v in (("2>1", 93.75), ("1>1", 5000.0), ("5>4", 62.5), ("3>3", 1200.0), ("net:2", -93.75)):
        value("LAND_COVER_CHANGE", "2024", v, ids["lc_run"], zone=ids["property:WHS394"], category=cat)

    entered = {"entered_by": "maria@ufficio-unesco", "entered_at": "2025-02-01T10:00:00Z"}
    ids["arrivals"] = {}
    for year, v in ((2020, 1_350_000), (2021, 2_550_000), (2022, 4_620_000), (2023, 5_310_000), (2024, 5_580_000)):
        ids["arrivals"][year] = value("TOURIST_ARRIVALS", str(year), v, source="Regione del Veneto (test)", **entered)
    for year, v in ((2022, 49_900), (2023, 49_300), (2024, 48_900)):
        value("RESIDENTS_HISTORIC_CITY", str(year), v, source="Anagrafe (test)", **entered)

    # evaluations on 2024-12-31: their last values match the store, except the stale one
    ids["eval_run"] = run("indicator_evaluation")

    def evaluation(code, status, trend, last_period, last_value, zone=None, station=None, category="",
                   baseline=None, target=None, slope=None, p=None):
        return insert(conn, "laguna.indicator_evaluations", {
            "indicator_id": ind[code], "zone_id": zone, "station_id": station, "category": category,
            "evaluated_on": "2024-12-31", "job_run_id": ids["eval_run"], "status": status, "n_values": 3,
            "last_period": last_period, "last_value": last_value, "baseline_value": baseline,
            "target_value": target, "trend": trend, "trend_slope_per_year": slope, "trend_p_value": p,
            "change_since_baseline": None if baseline is None else last_value - baseline})

    ids["eval_arrivals"] = evaluation("TOURIST_ARRIVALS", "amber", "worsening", "2024", 5_580_000.0,
                                      baseline=4_300_000.0, target=4_000_000.0, slope=1_000_000.0, p=0.02)
    evaluation("HIGH_WATER_EVENTS_110", "amber", "worsening", "2024", 17.0, station=ids["PSAL"],
               baseline=10.0, target=5.0, slope=1.0, p=0.001)
    evaluation("SALT_MARSH_AREA", "red", "worsening", "2024", 385.5, zone=ids["basin:LIDO"], category="vector",
               baseline=1000.0, target=1100.0, slope=-1.5, p=0.3)
    evaluation("SALT_MARSH_AREA", "green", "improving", "2024", 322.25, zone=ids["basin:MALAMOCCO"],
               category="vector", baseline=1000.0, target=1100.0, slope=1.5, p=0.04)
    # stale: judged a value the store no longer holds
    evaluation("SALT_MARSH_AREA", "green", "stable", "2024", 999.0, zone=ids["basin:CHIOGGIA"], category="vector")

    # threats, decisions, requests
    for factor, on, impact, trend in (("11.5", "2018-06-01", "minor", "static"),
                                      ("11.5", "2024-05-01", "significant", "increasing"),
                                      ("10.2", "2024-05-01", "significant", "static"),
                                      ("8.6", "2023-05-01", "significant", "increasing")):
        insert(conn, "laguna.threat_assessments", {
            "site_id": site, "factor_code": factor, "assessed_on": on, "impact": impact, "trend": trend,
            "cause_it": f"Causa {factor}", "cause_en": f"Cause {factor}", "spatial_extent": "extensive",
            "management_response": "medium", "origin": "both", "frequency": "ongoing", "illustrative": True})
    decision = insert(conn, "laguna.whc_decisions", {
        "site_id": site, "code": "44 COM 7B.62", "year": 2021, "title_it": "Venezia e la sua Laguna",
        "title_en": "Venice and its Lagoon"})
    for f in ("10.2", "2.3"):
        conn.execute("INSERT INTO laguna.decision_factors VALUES (%s, %s)", (decision, f))
    insert(conn, "laguna.whc_requests", {"decision_id": decision, "paragraph": "8",
                                         "request_en": "Submit a state of conservation report.",
                                         "request_it": "Presentare un rapporto sullo stato di conservazione.",
                                         "deadline": "2025-02-01", "response_status": "pending"})
    return ids


@pytest.fixture(scope="session")
def report_store(cluster_url, template_db, tmp_path_factory) -> Iterator[tuple]:
    """(settings, ids): the fixture store, shared by the report tests."""
    with scratch_store(cluster_url, template_db, tmp_path_factory.mktemp("report-home"), build) as filled:
        yield filled


@pytest.fixture(scope="session")
def built_it(report_store):
    """The Italian report of 2024 on the fixture store, built once."""
    from geoprocessing.report import build

    settings, _ids = report_store
    return build.build_report(settings, period="2024", lang="it")


@pytest.fixture
def own_store(settings) -> tuple:
    """(settings, ids): the fixture store in a database of the test's own, to change."""
    with psycopg.connect(settings.database_url) as conn:
        ids = build(conn, settings.var_dir)
        conn.commit()
    return settings, ids
