"""Zonal statistics benchmark: the land_cover_composition job for all zones against its peers
on the same raster and zones, each in its own process (wall time and peak RSS of the
whole process), one run:

* ``exactextract``: ``exact_extract(rasterio.open(tif), zones, ["count", "unique", "frac"])``,
  the exact peer (coverage fractions at zone edges);
* ``rasterstats``: ``zonal_stats(zones, tif, categorical=True)``, what a user writes by hand
  (centre-of-cell rule);
* ``single_pass``: the floor, one read of every pixel: the zones rasterized strip by strip
  into one zone-id array (centre rule; where zones overlap the last one wins, so it does
  less than the job) and ``np.bincount(zone * 256 + class)``.

Data: the sample data of the store when it has a land-cover raster at the resolution
(``laguna sample load --resolution N``), else a synthetic lagoon-sized raster and 150 zones
(bench/synthetic.py) in a database of its own. Prints ``name: value`` lines.

    .venv/bin/python bench/zonal.py --resolution 10      # also 2 and 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# bench/ goes to the end of the path: bench/dask.py must not shadow the dask package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]

METHODS = ("job", "exactextract", "rasterstats", "single_pass")


# -- data ----------------------------------------------------------------------------------

def sample_data(resolution: float):
    """(home, raster path, date, zones) of the store's land-cover raster at this
    resolution (the latest date) and its current zones, or None."""
    import psycopg
    import shapely

    from geoprocessing.config import get_settings
    from geoprocessing.errors import LagunaError
    from geoprocessing.store.connect import database_url

    settings = get_settings()
    try:
        with psycopg.connect(database_url(settings), connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT a.path, a.acquired FROM laguna.raster_assets a JOIN laguna.layers l "
                "ON l.id = a.layer_id WHERE l.name = 'land_cover' AND abs(a.resolution - %s) < 1e-6 "
                "ORDER BY a.acquired DESC LIMIT 1", (resolution,)).fetchone()
            zones = conn.execute(
                "SELECT kind, code, status, ST_AsBinary(geom) FROM laguna.zones "
                "WHERE status <> 'superseded' ORDER BY kind, code, status").fetchall()
    except (psycopg.Error, LagunaError):
        return None
    if not row or not zones:
        return None
    return (database_url(settings), settings.home, settings.var_dir / row[0], f"{row[1]:%Y-%m-%d}",
            [{"kind": k, "code": c, "status": s, "geom": shapely.from_wkb(bytes(g))} for k, c, s, g in zones])


def prepare(resolution: float, source: str):
    """The bench store (zones and the one raster), and the zones in a GeoPackage for the peers."""
    import geopandas as gpd
    import psycopg
    from benchstore import bench_store

    from geoprocessing.config import get_settings, load_settings
    from geoprocessing.store import admin
    from geoprocessing.store.connect import database_url

    found = sample_data(resolution) if source in ("auto", "sample") else None
    if source == "sample" and not found:
        sys.exit(f"The store has no land-cover raster at {resolution:g} m: run "
                 f"`laguna sample load --resolution {resolution:g}` first.")
    # From here on the bench store's settings are explicit: the environment would win.
    for name in [k for k in os.environ if k.startswith("LAGUNA_")]:
        del os.environ[name]
    get_settings.cache_clear()
    if found:
        server, home, raster, acquired, zones = found
        label = "sample"
    else:
        import synthetic

        home, acquired, label = ROOT, "2024-06-01", "synthetic"
        raster = synthetic.land_cover(ROOT / "var" / "bench" / f"lc_{resolution:g}m.tif", resolution)
        zones = synthetic.zones()
        embedded = load_settings(database_url=None, home=ROOT)
        admin.start(embedded)
        server = database_url(embedded)
    settings = bench_store(server, Path(home), Path(raster), zones, acquired)

    url = database_url(settings)
    with psycopg.connect(url) as conn:
        frame = gpd.read_postgis(
            "SELECT id AS zone_id, code, ST_Area(geom) / 1e4 AS ha, geom FROM laguna.zones "
            "ORDER BY kind, code, status", conn, geom_col="geom", crs=settings.storage_crs)
    gpkg = ROOT / "var" / "bench" / f"zones_{label}.gpkg"
    gpkg.parent.mkdir(parents=True, exist_ok=True)
    frame.to_file(gpkg, driver="GPKG")
    return {"url": url, "home": str(settings.home), "raster": str(raster), "period": acquired[:4],
            "zones": str(gpkg), "source": label}


# -- the methods, each run in a child process ------------------------------------------------

def run_job(spec, out):
    from geoprocessing.config import load_settings
    from geoprocessing.jobs.runner import run_job as run

    settings = load_settings(database_url=spec["url"], home=spec["home"])
    run(settings, "land_cover_composition", period=spec["period"], quiet=True)
    import psycopg

    with psycopg.connect(spec["url"]) as conn:
        rows = conn.execute(
            "SELECT v.zone_id, v.category, v.value FROM laguna.indicator_values v JOIN laguna.indicators i "
            "ON i.id = v.indicator_id WHERE i.code = 'LAND_COVER_AREA' AND v.period = %s",
            (spec["period"],)).fetchall()
    json.dump([[z, int(c), v] for z, c, v in rows], open(out, "w"))


def run_exactextract(spec, out):
    import geopandas as gpd
    import rasterio
    from exactextract import exact_extract

    zones = gpd.read_file(spec["zones"])
    with rasterio.open(spec["raster"]) as ds:
        cell_ha = abs(ds.transform.a * ds.transform.e) / 1e4
        result = exact_extract(ds, zones, ["count", "unique", "frac"], include_cols=["zone_id"], output="pandas")
    rows = [[int(r.zone_id), int(c), float(f) * r.count * cell_ha]
            for r in result.itertuples() for c, f in zip(r.unique, r.frac, strict=True)]
    json.dump(rows, open(out, "w"))


def run_rasterstats(spec, out):
    import geopandas as gpd
    import rasterio
    from rasterstats import zonal_stats

    zones = gpd.read_file(spec["zones"])
    with rasterio.open(spec["raster"]) as ds:
        cell_ha = abs(ds.transform.a * ds.transform.e) / 1e4
    stats = zonal_stats(list(zones.geometry), spec["raster"], categorical=True)
    rows = [[int(i), int(c), n * cell_ha] for i, s in zip(zones["zone_id"], stats, strict=True)
            for c, n in s.items()]
    json.dump(rows, open(out, "w"))


def run_single_pass(spec, out):
    import geopandas as gpd
    import rasterio
    from rasterio.features import rasterize
    from rasterio.windows import Window

    zones = gpd.read_file(spec["zones"])
    shapes = list(zip(zones.geometry, range(1, len(zones) + 1), strict=True))
    counts = np.zeros((len(zones) + 1) * 256, dtype=np.int64)
    with rasterio.Env(GDAL_CACHEMAX=64), rasterio.open(spec["raster"]) as ds:
        rows = max(1, (1 << 22) // ds.width)
        for r0 in range(0, ds.height, rows):
            window = Window(0, r0, ds.width, min(rows, ds.height - r0))
            cls = ds.read(1, window=window)
            ids = rasterize(shapes, out_shape=cls.shape, transform=ds.window_transform(window),
                            fill=0, dtype="uint16")
            counts += np.bincount((ids.astype(np.int64) << 8 | cls).ravel(), minlength=counts.size)
        cell_ha = abs(ds.transform.a * ds.transform.e) / 1e4
    per = counts.reshape(-1, 256)[1:]           # row z: zone z + 1 (0 = no zone)
    ids = zones["zone_id"].to_numpy()
    json.dump([[int(ids[z]), int(c), float(per[z, c] * cell_ha)] for z, c in zip(*np.nonzero(per), strict=True)],
              open(out, "w"))


def child(method: str, spec_path: str, out: str) -> None:
    spec = json.load(open(spec_path))
    {"job": run_job, "exactextract": run_exactextract, "rasterstats": run_rasterstats,
     "single_pass": run_single_pass}[method](spec, out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_rss_mb": round(peak)}))


# -- the parent: run each method, compare ----------------------------------------------------

def areas(path) -> dict[tuple[int, int], float]:
    return {(z, c): v for z, c, v in json.load(open(path)) if c != 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolution", type=float, default=10.0, help="metres: 10, 2 or 1")
    parser.add_argument("--source", choices=("auto", "sample", "synthetic"), default="auto")
    parser.add_argument("--skip", action="append", default=[], choices=METHODS,
                        help="leave a method out (rasterstats needs about 24 GB at 1 m)")
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "SPEC", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    skip = set(args.skip)
    if args.resolution < 2 and "rasterstats" not in skip:
        skip.add("rasterstats")
        print("rasterstats: skipped at 1 m (its memory grows with the zones' pixels: about four "
              "times its 2 m peak, 15-24 GB)")
    spec = prepare(args.resolution, args.source)
    tmp = Path(tempfile.mkdtemp(prefix="laguna-bench-"))
    (tmp / "spec.json").write_text(json.dumps(spec))
    print(f"source: {spec['source']}")
    print(f"load_average_1min: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"resolution_m: {args.resolution:g}")
    import rasterio

    with rasterio.open(spec["raster"]) as ds:
        print(f"pixels: {ds.width * ds.height:.3g}")
    import geopandas as gpd

    zones = gpd.read_file(spec["zones"])
    print(f"zones: {len(zones)}")
    seconds, outputs = {}, {}
    for method in METHODS:
        if method in skip:
            continue
        out = tmp / f"{method}.json"
        started = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--child", method, str(tmp / "spec.json"), str(out)],
                              capture_output=True, text=True, env=os.environ | {"PYTHONWARNINGS": "ignore"})
        seconds[method] = time.perf_counter() - started
        if done.returncode != 0:
            print(f"{method}: failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_rss_mb"]
        outputs[method] = out
        print(f"{method}_seconds: {seconds[method]:.2f}")
        print(f"{method}_peak_rss_mb: {peak}")
    if "job" in outputs:
        for peer in ("exactextract", "rasterstats", "single_pass"):
            if peer in outputs:
                print(f"ratio_vs_{peer}: {seconds['job'] / seconds[peer]:.2f}")
    if "job" in outputs and "exactextract" in outputs:
        ee = areas(outputs["exactextract"])
        ha = dict(zip(zones["zone_id"].astype(int), zones["ha"], strict=True))
        big = {z for z, a in ha.items() if a > 1}
        for method in ("job", "rasterstats", "single_pass"):
            if method not in outputs:
                continue
            got = areas(outputs[method])
            keys = [k for k in set(ee) | set(got) if k[0] in big]
            # Relative to exactextract's class area, and to the zone's area.
            rel = max((abs(got.get(k, 0.0) - ee[k]) / ee[k] for k in keys if ee.get(k, 0) > 0), default=0.0)
            of_zone = max((abs(got.get(k, 0.0) - ee.get(k, 0.0)) / ha[k[0]] for k in keys), default=0.0)
            name = "" if method == "job" else f"{method}_"
            print(f"{name}max_rel_class_area_diff_vs_exactextract: {rel:.2e}")
            print(f"{name}max_class_area_diff_pct_of_zone_vs_exactextract: {100 * of_zone:.2e}")

if __name__ == "__main__":
    main()
