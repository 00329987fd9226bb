"""Serving benchmark of the map viewer: the JSON/GeoJSON API and the tiles under load.

    .venv/bin/python bench/serve.py [--features 1000000] [--duration 10] [--connections 1,16]

Uses the configured store (load the sample data first: `laguna sample load`). Generates,
once, a polygon layer of ``--features`` features with SQL (``layers.bench_polygons``,
registered in the catalogue as illustrative and removed at the end unless ``--keep``),
prepares its tile overviews, starts
``laguna serve`` on a free port, drives each endpoint with wrk (Debian's; a Python client
when wrk is missing) at each connection count for ``--duration`` seconds, and prints
``name: value`` lines:

- requests/s, p50/p95/p99 (ms) and errors per endpoint and connection count;
- ``ratio_vs_bare_sql`` of our single-connection p50 to the bare PostGIS query for the same
  data, timed in the same run: ``json_agg(ST_AsGeoJSON(...))`` of the same 1,000 features,
  and bare ``ST_AsMVT`` of the same tiles (at and above the layer's detail zoom, where
  both read the features; below it the bare query reads the raw layer);
- the slowest tile at every zoom 0-16 (one request each, the densest tile: the layer's
  centre) against the 300 ms target;
- the home page's payload (every byte the browser fetches from the app, in headless
  Chromium) against the 2 MB target.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import morecantile
import psycopg
from pyproj import Transformer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geoprocessing.config import get_settings  # noqa: E402
from geoprocessing.store.connect import connect, database_url  # noqa: E402
from webapp import vector_tiles  # noqa: E402

LAYER = "bench_polygons"
TMS = morecantile.tms.get("WebMercatorQuad")
# The lagoon's bounding box in EPSG:7792 (about 41 x 48 km).
X0, Y0, WIDTH, HEIGHT = 270000.0, 5010000.0, 41000.0, 48000.0
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def out(name: str, value) -> None:
    print(f"{name}: {value}", flush=True)


def ensure_layer(conn: psycopg.Connection, n: int, srid: int) -> None:
    """``layers.bench_polygons``: n octagons on a grid over the lagoon's box, version 1."""
    have = conn.execute("SELECT lv.feature_count FROM laguna.layers l JOIN laguna.layer_versions lv "
                        "ON lv.layer_id = l.id WHERE l.name = %s", (LAYER,)).fetchone()
    if have and have[0] == n:
        return
    started = time.monotonic()
    side = int(n ** 0.5) or 1
    dx, dy = WIDTH / side, HEIGHT / (n / side)
    with conn.transaction():
        conn.execute("DELETE FROM laguna.layers WHERE name = %s", (LAYER,))
        conn.execute(f"DROP TABLE IF EXISTS layers.{LAYER}")
        conn.execute(f"CREATE TABLE layers.{LAYER} (fid bigserial PRIMARY KEY, layer_version integer "
                     f"NOT NULL, label text, kind integer, geom geometry(MultiPolygon, {srid}))")
        conn.execute(f"""
            INSERT INTO layers.{LAYER} (layer_version, label, kind, geom)
            SELECT 1, 'bench ' || i, i %% 7, ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(
                       %(x0)s + (i %% %(side)s) * %(dx)s + %(dx)s / 2,
                       %(y0)s + (i / %(side)s) * %(dy)s + %(dy)s / 2), {srid}), %(r)s, 2))
              FROM generate_series(0, %(n)s - 1) i""",
                     {"x0": X0, "y0": Y0, "side": side, "dx": dx, "dy": dy, "n": n,
                      "r": min(dx, dy) * 0.35})
        conn.execute(f"CREATE INDEX ON layers.{LAYER} USING gist (geom)")
        lid = conn.execute(
            "INSERT INTO laguna.layers (name, kind, title_it, title_en, geometry_type, table_name, "
            "popup_fields, attributes, licence, illustrative) VALUES (%s, 'vector', %s, %s, "
            "'MultiPolygon', %s, '{label}', %s, 'CC0-1.0', true) RETURNING id",
            (LAYER, "Poligoni di prova", "Benchmark polygons", LAYER,
             json.dumps([{"name": "label", "type": "text"}, {"name": "kind", "type": "integer"}]))).fetchone()[0]
        conn.execute("INSERT INTO laguna.layer_versions (layer_id, version, source_name, source_format, "
                     "source_checksum, feature_count) VALUES (%s, 1, 'generate_series', 'SQL', %s, %s)",
                     (lid, "0" * 64, n))
    conn.execute(f"ANALYZE layers.{LAYER}")
    conn.commit()
    out("layer_generated_s", round(time.monotonic() - started, 1))


def centre_tiles(srid: int, zooms) -> list[morecantile.Tile]:
    lon, lat = Transformer.from_crs(srid, 4326, always_xy=True).transform(X0 + WIDTH / 2, Y0 + HEIGHT / 2)
    return [TMS.tile(lon, lat, z) for z in zooms]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    laguna = str(Path(sys.executable).with_name("laguna"))
    proc = subprocess.Popen([laguna, "serve", "--port", str(port), "--threads", "8"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("laguna serve did not start")


def run_wrk(base: str, paths: list[str], connections: int, duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
        script = f.name
    try:
        threads = min(connections, 2)
        done = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
                               "--timeout", "10s", "-s", script, base], capture_output=True, text=True,
                              check=True)
    finally:
        os.unlink(script)
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    stats["rps"] = stats["requests"] / stats["seconds"]
    return stats


def run_python(base: str, paths: list[str], connections: int, duration: int) -> dict:
    """A plain threaded HTTP client, for machines without wrk."""
    from concurrent.futures import ThreadPoolExecutor

    stop = time.monotonic() + duration
    lat, errors = [], [0]

    def worker(k):
        i = k
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(base + paths[i % len(paths)], timeout=10) as r:
                    r.read()
            except OSError:
                errors[0] += 1
            lat.append((time.perf_counter() - t0) * 1000)
            i += 1

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(worker, range(connections)))
    q = statistics.quantiles(lat, n=100)
    return {"requests": len(lat), "rps": len(lat) / (time.monotonic() - started), "p50": q[49],
            "p95": q[94], "p99": q[98], "errors": errors[0]}


def bare_connection(settings) -> psycopg.Connection:
    """The peer's connection: no auto-prepare, no JIT, like the app's."""
    conn = psycopg.connect(database_url(settings), prepare_threshold=None, autocommit=True)
    conn.execute("SET jit = off")
    return conn


def timed(conn: psycopg.Connection, query: str, params=None, repeat: int = 15) -> float:
    """Median milliseconds of a query (result fetched), after one warm-up."""
    conn.execute(query, params).fetchall()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        conn.execute(query, params).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


BARE_MVT = f"""SELECT ST_AsMVT(q, 'features', 4096, 'geom') FROM (
    SELECT t.fid, t.label, ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s)) AS geom
      FROM layers.{LAYER} t
     WHERE t.geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), %(srid)s)) q"""


def http_ms(url: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = r.read()
    return (time.perf_counter() - t0) * 1000, len(body)


def home_payload(base: str) -> int | None:
    chromium = "/usr/bin/chromium"
    if not os.path.exists(chromium):
        out("home_payload", "skipped (no /usr/bin/chromium)")
        return None
    from playwright.sync_api import sync_playwright

    total = [0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"])
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        # the online basemap is not ours to count: refuse it, count what the app sends
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                      else route.abort())
        page = context.new_page()

        def count(response):
            try:
                total[0] += len(response.body())
            except Exception:  # noqa: BLE001 - aborted or redirected responses have no body
                pass

        page.on("response", count)
        page.goto(base + "/", wait_until="networkidle")
        page.wait_for_timeout(500)
        browser.close()
    return total[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--features", type=int, default=1_000_000, help="size of the generated layer")
    ap.add_argument("--duration", type=int, default=10, help="seconds per load run")
    ap.add_argument("--connections", default="1,16", help="concurrent connections, comma-separated")
    ap.add_argument("--keep", action="store_true",
                    help="keep the generated layer in the store for the next run (default: remove it)")
    args = ap.parse_args()
    settings = get_settings()
    srid = settings.storage_srid
    conns = [int(c) for c in args.connections.split(",")]

    with connect(settings) as conn:
        ensure_layer(conn, args.features, srid)
        prep = vector_tiles.prepare(conn, LAYER)
        if prep["done"]:
            out("tiles_prepare_s", prep["seconds"])
        detail = prep["detail_zoom"]
        out("layer_features", prep["features"])
        out("detail_zoom", detail)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        bare = bare_connection(settings)
        bare_geojson = timed(bare, f"""SELECT json_agg(ST_AsGeoJSON(t.*)::json) FROM (
            SELECT fid, label, kind, ST_Transform(geom, 4326) AS geom FROM layers.{LAYER}
             WHERE layer_version = 1 ORDER BY fid LIMIT 1000) t""")
        out("bare_sql_geojson_1000_p50_ms", round(bare_geojson, 1))

        tile_zooms = list(range(max(detail, 12), 17))
        detail_tiles = [t for z in tile_zooms for t in centre_tiles(srid, [z])]
        bare_tiles = [timed(bare, BARE_MVT, {"z": t.z, "x": t.x, "y": t.y, "srid": srid}, repeat=5)
                      for t in detail_tiles]
        out("bare_sql_mvt_p50_ms", round(statistics.median(bare_tiles), 1))
        bare.close()

        tile_paths = [f"/tiles/vector/{LAYER}/{t.z}/{t.x}/{t.y}.mvt" for t in detail_tiles]
        # The same tiles one at a time through the app: per-tile medians, summed, against
        # the bare queries' (a p50 over a mix of heavy and light tiles would compare
        # different tiles).
        ours_tiles = [statistics.median(http_ms(base + p)[0] for _ in range(5)) for p in tile_paths]
        for t, mine, theirs in zip(detail_tiles, ours_tiles, bare_tiles, strict=True):
            out(f"tile_z{t.z}_app_vs_bare_ms", f"{mine:.1f} / {theirs:.1f}")
        out("tiles_detail_ratio_vs_bare_sql", round(sum(ours_tiles) / sum(bare_tiles), 2))
        if detail > 0:
            # below the detail zoom the bare query reads the raw layer; we read the grid
            for t in centre_tiles(srid, [detail - 1, max(0, detail - 2)]):
                with bare_connection(settings) as raw_conn:
                    raw = timed(raw_conn, BARE_MVT, {"z": t.z, "x": t.x, "y": t.y, "srid": srid},
                                repeat=2)
                ours = statistics.median(http_ms(f"{base}/tiles/vector/{LAYER}/{t.z}/{t.x}/{t.y}.mvt")[0]
                                         for _ in range(3))
                out(f"tile_z{t.z}_overview_vs_bare_raw_ms", f"{ours:.1f} / {raw:.1f}")
        endpoints = {
            "geojson_1000": ([f"/api/layers/{LAYER}/features?limit=1000"], bare_geojson),
            "tiles_detail": (tile_paths, None),
            "tiles_overview": ([f"/tiles/vector/{LAYER}/{t.z}/{t.x}/{t.y}.mvt"
                                for t in centre_tiles(srid, range(0, detail))], None),
            "zones": (["/api/zones?limit=1000"], None),
            "indicators": (["/api/indicators"], None),
            "values": (["/api/values?limit=1000"], None),
            "raster_tile": ([f"/tiles/raster/land_cover/latest/{t.z}/{t.x}/{t.y}.png"
                             for t in centre_tiles(srid, range(10, 15))], None),
        }
        load = run_wrk if shutil.which("wrk") else run_python
        out("load_tool", "wrk" if load is run_wrk else "python threads")
        for name, (paths, peer) in endpoints.items():
            if not paths:
                continue
            for c in conns:
                s = load(base, paths, c, args.duration)
                prefix = f"{name}_c{c}"
                out(f"{prefix}_rps", round(s["rps"], 1))
                out(f"{prefix}_p50_ms", round(s["p50"], 1))
                out(f"{prefix}_p95_ms", round(s["p95"], 1))
                out(f"{prefix}_p99_ms", round(s["p99"], 1))
                out(f"{prefix}_errors", s["errors"])
                if peer and c == 1:
                    out(f"{name}_ratio_vs_bare_sql", round(s["p50"] / peer, 2))

        worst = worst_first = 0.0
        for t in centre_tiles(srid, range(0, 17)):
            url = f"{base}/tiles/vector/{LAYER}/{t.z}/{t.x}/{t.y}.mvt"
            runs = [http_ms(url) for _ in range(3)]
            ms = statistics.median(r[0] for r in runs)
            worst, worst_first = max(worst, ms), max(worst_first, runs[0][0])
            out(f"tile_z{t.z}_ms", round(ms, 1))
            out(f"tile_z{t.z}_first_ms", round(runs[0][0], 1))
            out(f"tile_z{t.z}_kb", round(runs[0][1] / 1024, 1))
        out("tile_max_ms", round(worst, 1))
        out("tile_max_first_ms", round(worst_first, 1))
        out("tile_max_target_300ms", "met" if worst <= 300 else "missed")

        payload = home_payload(base)
        if payload is not None:
            out("home_payload_kb", round(payload / 1024, 1))
            out("home_payload_target_2mb", "met" if payload <= 2 * 1024 * 1024 else "missed")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not args.keep:
            # the store is the user's: the generated layer must not show on their maps
            with connect(settings) as conn, conn.transaction():
                conn.execute("DELETE FROM laguna.layers WHERE name = %s", (LAYER,))
                conn.execute(f"DROP TABLE IF EXISTS layers.{LAYER}")
            out("cleanup", f"removed layers.{LAYER} (--keep keeps it for the next run)")


if __name__ == "__main__":
    main()
