"""Scale-out benchmark: the land_cover_composition job in-process vs on a Dask LocalCluster
of two worker processes (one thread each), on the finest land-cover raster available
(the sample data at that resolution, else the synthetic raster of bench/synthetic.py).
Prints ``name: value`` lines: both times, the speed-up, and whether the values are
identical.

    .venv/bin/python bench/dask.py --resolution 1
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is named dask.py: take its folder off the front of the path, or it would
# shadow the dask package; the other benchmark modules are found at the end.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT / "bench")]


def stored(url: str, period: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT v.zone_id, v.category, v.value FROM laguna.indicator_values v "
            "JOIN laguna.indicators i ON i.id = v.indicator_id "
            "WHERE i.code = 'LAND_COVER_AREA' AND v.period = %s", (period,)).fetchall()
    return {(z, c): v for z, c, v in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolution", type=float, default=1.0, help="metres: 1, 2 or 10")
    parser.add_argument("--source", choices=("auto", "sample", "synthetic"), default="auto")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import zonal as zonal_bench
    from distributed import LocalCluster

    from geoprocessing.config import load_settings
    from geoprocessing.jobs.runner import run_job

    spec = zonal_bench.prepare(args.resolution, args.source)
    settings = load_settings(database_url=spec["url"], home=spec["home"])
    with open(spec["raster"], "rb") as f:          # the file in the page cache for both runs
        while f.read(1 << 24):
            pass
    print(f"source: {spec['source']}")
    print(f"resolution_m: {args.resolution:g}")
    started = time.perf_counter()
    run_job(settings, "land_cover_composition", period=spec["period"], quiet=True)
    local_seconds = time.perf_counter() - started
    local = stored(spec["url"], spec["period"])
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None) as cluster:
        started = time.perf_counter()
        run_job(settings, "land_cover_composition", period=spec["period"], quiet=True,
                scheduler=cluster.scheduler_address)
        dask_seconds = time.perf_counter() - started
    remote = stored(spec["url"], spec["period"])
    print(f"in_process_seconds: {local_seconds:.2f}")
    print(f"dask_{args.workers}_workers_seconds: {dask_seconds:.2f}")
    print(f"speedup: {local_seconds / dask_seconds:.2f}")
    print(f"identical_values: {'yes' if remote == local and local else 'no'}")


if __name__ == "__main__":
    main()
