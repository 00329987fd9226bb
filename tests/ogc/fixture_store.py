"""A small store with known contents for the OGC API tests (made here, not the sample data).

Geometries are drawn in lon/lat around Venice and stored in the storage CRS (7792), as the
importer would. The Python lists below are the known answers the tests compare with.
"""

from __future__ import annotations

import hashlib
import random

import psycopg
import shapely
from psycopg.types.json import Jsonb
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, box

SRID = 7792
TO_STORE = Transformer.from_crs(4326, SRID, always_xy=True)
EVIL = "<script>alert('x')</script> & Cà d'Oro"

# (code, lon/lat box, status, valid_from, valid_to, version, population)
BASINS = [
    ("LIDO", (12.30, 45.40, 12.45, 45.50), "approved", "2010-01-01", None, 2, None),
    ("LIDO", (12.30, 45.40, 12.40, 45.48), "superseded", "1990-01-01", "2009-12-31", 1, None),
    ("MALAMOCCO", (12.20, 45.30, 12.35, 45.40), "approved", "2010-01-01", None, 1, None),
    ("CHIOGGIA", (12.15, 45.15, 12.30, 45.30), "approved", "2010-01-01", None, 1, None),
]
SESTIERI = [
    ("CANNAREGIO", (12.32, 45.44, 12.34, 45.45), "approved", None, None, 1, 16000),
    ("CASTELLO", (12.345, 45.43, 12.36, 45.44), "approved", None, None, 1, 13000),
    ("DORSODURO", (12.31, 45.425, 12.33, 45.432), "approved", None, None, 1, 7000),
]
PROPERTY = [("WHS394", (12.10, 45.10, 12.60, 45.60), "approved", "1987-12-11", None, 1, None)]

HERITAGE_V1 = 1200
HERITAGE_V2 = 2345  # current version of heritage_assets: more than two pages of 1000
CITIES = [("Suzhou", 120.58, 31.30), ("Kyoto", 135.77, 35.01), ("Saint Petersburg", 30.31, 59.94),
          ("Reykjavik", -21.94, 64.15)]


def to_store(geom):
    return shapely.transform(geom, lambda c: _xy(TO_STORE.transform(c[:, 0], c[:, 1])))


def _xy(pair):
    import numpy as np

    return np.column_stack(pair)


def heritage_points(version: int) -> list[tuple[str, str, str, int, str, Point]]:
    """Points on a grid over the historic city; same seed, same answer."""
    rng = random.Random(394 + version)
    n = HERITAGE_V1 if version == 1 else HERITAGE_V2
    cats = ("church", "palace", "fort", "museum", "bridge", "other")
    out = []
    for i in range(n):
        lon = 12.30 + rng.random() * 0.08
        lat = 45.42 + rng.random() * 0.03
        name = EVIL if i == 7 else f"Bene {i} · asset {i}"
        out.append((f"A{i:05d}", name, cats[i % len(cats)], 12 + i % 9,
                    f"20{10 + i % 15}-0{1 + i % 9}-15", Point(lon, lat)))
    return out


def _zone(conn, kind, row, extra_name=None):
    code, (x1, y1, x2, y2), status, vf, vt, version, population = row
    geom = to_store(MultiPolygon([box(x1, y1, x2, y2)]))
    attrs = Jsonb({"population": population} if population else {})
    name = extra_name or code.title()
    conn.execute(
        "INSERT INTO laguna.zones (site_id, kind, code, name_it, name_en, status, valid_from, "
        "valid_to, version, illustrative, attributes, geom) VALUES ((SELECT id FROM laguna.sites), "
        "%s, %s, %s, %s, %s, %s, %s, %s, true, %s, ST_GeomFromWKB(%s, %s))",
        (kind, code, name, name + " (en)", status, vf, vt, version, attrs, shapely.to_wkb(geom), SRID))


def _layer(conn, name, title, gtype, srid, columns: str, versions: list[tuple[str, list[tuple]]],
           wide=False) -> None:
    # the catalogue row as the importer writes it (attributes and the layer file's definition)
    attributes = [{"name": c.strip().split()[0], "type": c.strip().split()[1],
                   "title": {"it": c.strip().split()[0] + " (it)", "en": c.strip().split()[0]}}
                  for c in columns.split(",")]
    definition = {"name": name, "kind": "vector", "title": {"it": title + " (it)", "en": title},
                  "geometry_type": gtype, "attributes": attributes, "licence": "CC-BY-4.0",
                  "illustrative": True, "wide_extent": wide}
    conn.execute(
        "INSERT INTO laguna.layers (name, kind, title_it, title_en, geometry_type, table_name, "
        "licence, illustrative, wide_extent, attributes, definition) VALUES (%s, 'vector', %s, %s, "
        "%s, %s, 'CC-BY-4.0', true, %s, %s, %s)",
        (name, title + " (it)", title, gtype, name, wide, Jsonb(attributes), Jsonb(definition)))
    conn.execute(f"CREATE TABLE layers.{name} (fid bigserial PRIMARY KEY, layer_version integer "
                 f"NOT NULL, {columns}, geom geometry({gtype}, {srid}))")
    conn.execute(f"CREATE INDEX ON layers.{name} USING gist (geom)")
    cols = [c.strip().split()[0] for c in columns.split(",")]
    for version, (imported_at, rows) in enumerate(versions, start=1):
        conn.execute(
            "INSERT INTO laguna.layer_versions (layer_id, version, source_name, source_format, "
            "source_checksum, feature_count, imported_at) VALUES ((SELECT id FROM laguna.layers "
            "WHERE name = %s), %s, %s, 'GPKG', %s, %s, %s)",
            (name, version, f"{name}_v{version}.gpkg",
             hashlib.sha256(f"{name}{version}".encode()).hexdigest(), len(rows), imported_at))
        marks = ", ".join(["%s"] * len(cols))
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO layers.{name} (layer_version, {', '.join(cols)}, geom) "
                f"VALUES ({version}, {marks}, ST_GeomFromWKB(%s, {srid}))",
                [(*r[:-1], shapely.to_wkb(r[-1])) for r in rows])


def populate(conn: psycopg.Connection) -> None:
    """Fill a migrated, empty store with the known contents above (one transaction)."""
    with conn.transaction():
        for row in BASINS:
            _zone(conn, "basin", row)
        for i, row in enumerate(SESTIERI):
            _zone(conn, "sestiere", row, EVIL if i == 0 else None)
        for row in PROPERTY:
            _zone(conn, "property", row)
        for code, lon, lat, kind in (("PSAL", 12.3363, 45.4306, "tide_gauge"),
                                     ("DSL", 12.4236, 45.4186, "tide_gauge")):
            conn.execute(
                "INSERT INTO laguna.stations (code, name_it, name_en, kind, side, illustrative, geom) "
                "VALUES (%s, %s, %s, %s, 'lagoon', true, ST_GeomFromWKB(%s, %s))",
                (code, code, code, kind, shapely.to_wkb(to_store(Point(lon, lat))), SRID))
        plan = conn.execute(
            "INSERT INTO laguna.management_plans (site_id, code, title_it, title_en, period_start, "
            "period_end, status, illustrative) VALUES ((SELECT id FROM laguna.sites), 'PG-2024-2030', "
            "'Piano', 'Plan', 2024, 2030, 'in_force', true) RETURNING id").fetchone()[0]
        ch = conn.execute("INSERT INTO laguna.challenges (plan_id, code, title_it, title_en) "
                          "VALUES (%s, 'S1', 'Sfida 1', 'Challenge 1') RETURNING id", (plan,)).fetchone()[0]
        ap = conn.execute("INSERT INTO laguna.action_plans (challenge_id, code, title_it, title_en) "
                          "VALUES (%s, '1', 'Piano 1', 'Action plan 1') RETURNING id", (ch,)).fetchone()[0]
        conn.execute(
            "INSERT INTO laguna.projects (action_plan_id, code, title_it, title_en, status, start_date, "
            "end_date, budget_eur, illustrative, geom) VALUES "
            "(%s, '1.1', 'Barene', 'Salt marshes', 'ongoing', '2024-03-01', '2026-12-31', 150000.50, true, "
            " ST_GeomFromWKB(%s, %s)), "
            "(%s, '1.2', %s, 'Visitors', 'planned', '2025-01-01', NULL, 20000, true, NULL)",
            (ap, shapely.to_wkb(to_store(box(12.25, 45.35, 12.30, 45.40))), SRID, ap, EVIL))
        run = conn.execute("INSERT INTO laguna.job_runs (job_name, status, code_version, finished_at) "
                           "VALUES ('land_cover_composition', 'succeeded', 'test', clock_timestamp()) "
                           "RETURNING id").fetchone()[0]
        # land-cover share of salt marshes per current basin and year (zone values)
        for code in ("LIDO", "MALAMOCCO", "CHIOGGIA"):
            for year, share in (("2012", 10.0), ("2018", 9.0), ("2024", 8.5)):
                conn.execute(
                    "INSERT INTO laguna.indicator_values (indicator_id, zone_id, category, period, "
                    "value, illustrative, job_run_id) VALUES ((SELECT id FROM laguna.indicators WHERE "
                    "code = 'LAND_COVER_SHARE'), (SELECT id FROM laguna.zones WHERE kind = 'basin' AND "
                    "code = %s AND status = 'approved'), '2', %s, %s, true, %s)",
                    (code, year, share + len(code) / 10, run))
        for year in range(2015, 2025):  # station values
            conn.execute(
                "INSERT INTO laguna.indicator_values (indicator_id, station_id, period, value, "
                "illustrative, entered_by, entered_at, source) VALUES ((SELECT id FROM "
                "laguna.indicators WHERE code = 'HIGH_WATER_EVENTS_110'), (SELECT id FROM "
                "laguna.stations WHERE code = 'PSAL'), %s, %s, true, 'test', now(), 'fixture')",
                (str(year), year - 2005))
        for year in range(2019, 2024):  # site values: no geometry
            conn.execute(
                "INSERT INTO laguna.indicator_values (indicator_id, period, value, illustrative, "
                "entered_by, entered_at, source) VALUES ((SELECT id FROM laguna.indicators WHERE "
                "code = 'TOURIST_ARRIVALS'), %s, %s, true, 'test', now(), 'fixture')",
                (str(year), 1000.0 * year))
        conn.execute("UPDATE laguna.indicators SET target_value = 9.5, target_period = '2030' "
                     "WHERE code = 'LAND_COVER_SHARE'")
        _layer(conn, "heritage_assets", "Heritage assets", "Point", SRID,
               "asset_id text, name text, category text, century integer, surveyed date",
               [("2020-01-01T00:00:00Z", [(*r[:-2], r[-2], to_store(r[-1])) for r in heritage_points(1)]),
                ("2024-01-01T00:00:00Z", [(*r[:-2], r[-2], to_store(r[-1])) for r in heritage_points(2)])])
        _layer(conn, "salt_marshes", "Salt marshes", "MultiPolygon", SRID, "survey_year integer",
               [("2024-02-01T00:00:00Z",
                 [(2012 + 12 * (i % 2), to_store(MultiPolygon([box(12.20 + i * 0.01, 45.30,
                                                                    12.205 + i * 0.01, 45.305)])))
                  for i in range(20)])])
        _layer(conn, "twin_cities", "Twin cities", "Point", 4326, "city text",
               [("2024-02-01T00:00:00Z", [(n, Point(lon, lat)) for n, lon, lat in CITIES])], wide=True)
        conn.execute("ANALYZE")


# -- land cover: two small class rasters and the change values a job would store -----------
LAND_COVER_DATES = ("2012-06-01", "2024-06-01")
LC_RES = 50.0


def land_cover_arrays():
    """Classes 1 water, 2 salt marsh, 4 artificial; marsh lost to water and land taken by 2024."""
    import numpy as np

    h, w = 260, 300
    rows, cols = np.mgrid[0:h, 0:w]
    before = np.ones((h, w), dtype="uint8")
    before[(rows // 20 + cols // 25) % 3 == 0] = 2
    before[cols > 250] = 4
    after = before.copy()
    after[(before == 2) & (rows % 40 < 12)] = 1       # salt marsh eroded to water
    after[(before == 1) & (cols > 220) & (cols <= 250)] = 4  # land take on the water's edge
    after[0:5, :] = 0                                   # nodata strip in the later image
    return before, after


def add_land_cover(conn: psycopg.Connection, var_dir) -> dict[str, dict[str, float]]:
    """Write the two COGs under var/rasters, record them, and store LAND_COVER_CHANGE values
    of the live basins for period 2024 computed with exactextract (coverage-weighted).
    Returns {basin code: {category: hectares}}."""
    import numpy as np
    import rasterio
    from exactextract import exact_extract
    from rasterio.io import MemoryFile
    from rasterio.transform import from_origin
    from shapely.geometry import box as sbox

    x0, y0 = TO_STORE.transform(12.28, 45.52)
    transform = from_origin(round(x0, -2), round(y0, -2), LC_RES, LC_RES)
    before, after = land_cover_arrays()
    profile = {"driver": "GTiff", "height": before.shape[0], "width": before.shape[1], "count": 1,
               "dtype": "uint8", "crs": f"EPSG:{SRID}", "transform": transform, "nodata": 0,
               "tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "deflate"}
    folder = var_dir / "rasters" / "land_cover"
    folder.mkdir(parents=True, exist_ok=True)
    with conn.transaction():
        legend = [{"value": v, "colour": c, "label": {"it": it, "en": en}} for v, c, it, en in (
            (1, "#3a7bd5", "acque lagunari", "lagoon water"), (2, "#7fb069", "barene", "salt marshes"),
            (4, "#c0392b", "superfici artificiali", "artificial surfaces"))]
        definition = {"name": "land_cover", "kind": "raster",
                      "title": {"it": "Copertura del suolo", "en": "Land cover"},
                      "bands": [{"name": "class", "title": {"it": "Classe", "en": "Class"},
                                 "dtype": "uint8", "nodata": 0}],
                      "classified": True, "legend": legend, "licence": "CC-BY-4.0",
                      "illustrative": True}
        layer_id = conn.execute(
            "INSERT INTO laguna.layers (name, kind, title_it, title_en, licence, illustrative, legend, "
            "bands, definition) VALUES ('land_cover', 'raster', 'Copertura del suolo', 'Land cover', "
            "'CC-BY-4.0', true, %s, %s, %s) RETURNING id",
            (Jsonb(legend), Jsonb(definition["bands"]), Jsonb(definition))).fetchone()[0]
        version_id = conn.execute(
            "INSERT INTO laguna.layer_versions (layer_id, version, source_name, source_format, "
            "source_checksum) VALUES (%s, 1, 'land_cover', 'GTiff', %s) RETURNING id",
            (layer_id, "0" * 64)).fetchone()[0]
        bounds = rasterio.transform.array_bounds(before.shape[0], before.shape[1], transform)
        footprint = sbox(bounds[0], bounds[1], bounds[2], bounds[3])
        for when, data in zip(LAND_COVER_DATES, (before, after), strict=True):
            path = folder / f"{when}.tif"
            with rasterio.open(path, "w", **profile) as dst:
                dst.write(data, 1)
            conn.execute(
                "INSERT INTO laguna.raster_assets (layer_id, layer_version_id, acquired, path, checksum, "
                "crs_epsg, width, height, band_count, resolution, dtype, nodata, footprint) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, 1, %s, 'uint8', 0, ST_GeomFromWKB(%s, %s))",
                (layer_id, version_id, when, f"rasters/land_cover/{when}.tif",
                 hashlib.sha256(path.read_bytes()).hexdigest(), SRID, data.shape[1], data.shape[0],
                 LC_RES, shapely.to_wkb(footprint), SRID))
        # transitions: before * 16 + after where both are data
        code = np.where((before > 0) & (after > 0), before.astype("int32") * 16 + after, 0)
        run = conn.execute("INSERT INTO laguna.job_runs (job_name, status, code_version, finished_at) "
                           "VALUES ('land_cover_change', 'succeeded', 'fixture', clock_timestamp()) "
                           "RETURNING id").fetchone()[0]
        stored: dict[str, dict[str, float]] = {}
        basins = conn.execute("SELECT id, code, ST_AsBinary(geom) FROM laguna.zones WHERE kind = 'basin' "
                              "AND status <> 'superseded' ORDER BY code").fetchall()
        with MemoryFile() as mem:
            with mem.open(**{**profile, "dtype": "int32", "nodata": 0}) as ds:
                ds.write(code.astype("int32"), 1)
            with mem.open() as ds:
                import geopandas as gpd

                zones = gpd.GeoDataFrame({"code": [b[1] for b in basins]},
                                         geometry=shapely.from_wkb([bytes(b[2]) for b in basins]),
                                         crs=f"EPSG:{SRID}")
                result = exact_extract(ds, zones, ["unique", "frac", "count"], include_cols=["code"],
                                       output="pandas")
        for (zone_id, zcode, _), row in zip(basins, result.itertuples(), strict=True):
            values = {}
            for value, frac in zip(row.unique, row.frac, strict=True):
                f, t = divmod(int(value), 16)
                values[f"{f}>{t}"] = float(frac * row.count * LC_RES * LC_RES / 10_000)
            stored[zcode] = values
            for category, hectares in values.items():
                conn.execute(
                    "INSERT INTO laguna.indicator_values (indicator_id, zone_id, category, period, value, "
                    "illustrative, job_run_id) VALUES ((SELECT id FROM laguna.indicators WHERE code = "
                    "'LAND_COVER_CHANGE'), %s, %s, '2024', %s, true, %s)",
                    (zone_id, category, hectares, run))
    return stored
