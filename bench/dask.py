"""Scale-out benchmark: the land_cover_composition job in-process vs on a Dask LocalCluster
of two worker processes (one thread each), on the finest land-cover raster available
(the sample data at that resolution, else the synthetic raster of bench/synthetic.py).
Prints ``name: value`` lines: both times (the faster of two runs each), the speed-up,
and whether the values are identical. The speed-up needs two idle cores: the load average
is printed with it.

    .venv/bin/python bench/dask.py --resolution 1
"""

from __future__ import annotations

import argparse
import os
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
    print(f"source: {spec['source']}")
    print(f"resolution_m: {args.resolution:g}")
    print(f"load_average_1min: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    def best_of_two(**kwargs) -> float:
        """Two runs, the faster one: the first also pays for imports and warm caches."""
        times = []
        for _ in range(2):
            started = time.perf_counter()
            run_job(settings, "land_cover_composition", period=spec["period"], quiet=True, **kwargs)
            times.append(time.perf_counter() - started)
        return min(times)

    local_seconds = best_of_two()
    local = stored(spec["url"], spec["period"])
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None) as cluster:
        dask_seconds = best_of_two(scheduler=cluster.scheduler_address)
    remote = stored(spec["url"], spec["period"])
    print(f"in_process_seconds: {local_seconds:.2f}")
    print(f"dask_{args.workers}_workers_seconds: {dask_seconds:.2f}")
    print(f"speedup: {local_seconds / dask_seconds:.2f}")
    print(f"identical_values: {'yes' if remote == local and local else 'no'}")

if __name__ == "__main__":
    main()
