"""OGC API items requests against the bare PostGIS query that serves the same features.

Builds a scratch database in the embedded cluster with one polygon layer of ``--rows``
features (EPSG:7792, current version only), then times, median of ``--repeat`` runs:

- ``api_page_ms``: ``GET /ogc/collections/bench_polygons/items?limit=1000`` (CRS84 GeoJSON)
  through the Flask app (request parsing, catalogue look-up, SQL, JSON);
- ``bare_page_ms``: the peer: one SQL statement building the same 1,000 features as
  GeoJSON in PostGIS (``json_agg(ST_AsGeoJSON(ST_Transform(...)))``) on an open connection;
- the same with a bbox, a CQL2 filter, a deep offset, and the first page's count.

Run: ``.venv/bin/python bench/ogcapi.py --rows 100000`` (needs ``laguna db start``).
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import numpy as np
import psycopg

from geoprocessing.config import load_settings
from geoprocessing.store import connect as store
from geoprocessing.store.migrate import migrate


def build(url: str, rows: int) -> None:
    settings = load_settings(database_url=url)
    with psycopg.connect(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        conn.commit()
        migrate(conn, settings.sql_dir, settings.storage_srid)
        conn.execute("INSERT INTO laguna.layers (name, kind, title_it, title_en, geometry_type, "
                     "table_name, licence) VALUES ('bench_polygons', 'vector', 'Poligoni', "
                     "'Polygons', 'Polygon', 'bench_polygons', 'CC0')")
        conn.execute("INSERT INTO laguna.layer_versions (layer_id, version, source_name, "
                     "source_format, source_checksum) SELECT id, 1, 'bench', 'none', repeat('0', 64) "
                     "FROM laguna.layers")
        conn.execute("CREATE TABLE layers.bench_polygons (fid bigserial PRIMARY KEY, layer_version "
                     "integer NOT NULL, name text, height integer, geom geometry(Polygon, 7792))")
        rng = np.random.default_rng(394)
        x = 280_000 + rng.random(rows) * 40_000
        y = 5_010_000 + rng.random(rows) * 40_000
        with conn.cursor().copy("COPY layers.bench_polygons (layer_version, name, height, geom) "
                                "FROM STDIN") as copy:
            for i in range(rows):
                wkt = (f"SRID=7792;POLYGON(({x[i]} {y[i]},{x[i] + 40} {y[i]},{x[i] + 40} {y[i] + 30},"
                       f"{x[i]} {y[i] + 30},{x[i]} {y[i]}))")
                copy.write_row((1, f"Poligono {i} · à", int(i % 100), wkt))
        conn.execute("CREATE INDEX ON layers.bench_polygons USING gist (geom)")
        conn.commit()
        conn.execute("ANALYZE layers.bench_polygons")
        conn.commit()


def median_ms(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


BARE = ("SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg("
        "json_build_object('type', 'Feature', 'id', fid, 'geometry', "
        "ST_AsGeoJSON(ST_Transform(geom, 4326), 8)::json, 'properties', json_build_object("
        "'layer_version', layer_version, 'name', name, 'height', height))), '[]'))::text "
        "FROM (SELECT * FROM layers.bench_polygons WHERE layer_version = 1 {where} "
        "ORDER BY fid LIMIT 1000 OFFSET {offset}) t")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="features in the layer (scale)")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    admin = store.cluster(load_settings(database_url=None)).url("postgres")
    name = f"laguna_bench_ogc_{uuid.uuid4().hex[:8]}"
    url = admin.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        build(url, args.rows)
        from webapp import create_app

        client = create_app(load_settings(database_url=url), {"TESTING": True}).test_client()
        base = "/ogc/collections/bench_polygons/items?limit=1000"
        bbox = "&bbox=12.30,45.30,12.40,45.40"
        cases = {
            "page": ("", "", 0),
            "bbox": (bbox, "AND ST_Intersects(geom, ST_Transform(ST_MakeEnvelope(12.30, 45.30, "
                     "12.40, 45.40, 4326), 7792))", 0),
            "cql2": ("&filter=height%20%3C%2010", "AND height < 10", 0),
            "deep_offset": (f"&offset={args.rows // 2}", "", args.rows // 2),
        }
        print(f"rows: {args.rows}")
        with psycopg.connect(url) as bare:
            for case, (query_string, where, offset) in cases.items():
                def api(qs=query_string):
                    response = client.get(base + qs)
                    assert response.status_code == 200, response.data[:300]

                sql = BARE.format(where=where, offset=offset)

                def peer(q=sql):
                    bare.execute(q, prepare=False).fetchone()

                api_ms, bare_ms = median_ms(api, args.repeat), median_ms(peer, args.repeat)
                print(f"api_{case}_ms: {api_ms:.1f}")
                print(f"bare_{case}_ms: {bare_ms:.1f}")
                print(f"ratio_{case}_vs_bare_postgis: {api_ms / bare_ms:.2f}")
            first = client.get(base).get_json()
            print(f"number_matched_given: {'numberMatched' in first}")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
