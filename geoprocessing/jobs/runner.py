"""Run a job: record the run, compute, replace the job's previous values atomically.

Sequence: take the job's advisory lock (one run of a job at a time), mark runs left
'running' by a killed process as failed, insert the run row (committed at once, so a
failure is recorded too), compute, then in ONE transaction write the inputs, replace the
values the job made before (within the run's scope) and mark the run succeeded. A job that
fails or is killed midway leaves the previous values intact.
"""

from __future__ import annotations

import functools
import json
import socket
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg

from .. import __version__
from ..config import PROJECT_ROOT, Settings
from ..errors import Conflict, LagunaError
from ..store.connect import connect
from . import get, ordered
from .context import JobContext


@dataclass
class RunResult:
    job: str
    run_id: int
    status: str
    rows_written: int = 0
    seconds: float = 0.0
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """laguna's version plus the git commit of the checkout (and -dirty when changed)."""
    try:
        commit = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short=12", "HEAD"],
                                capture_output=True, text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+{commit}" + ("-dirty" if dirty else "")


def _client(scheduler: str | None):
    if not scheduler:
        return None
    from distributed import Client

    try:
        return Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        from ..errors import StoreUnavailable

        raise StoreUnavailable(f"No Dask scheduler answers at {scheduler} ({exc}).") from None


def run_job(settings: Settings, name: str, *, period: str | None = None,
            zone_kinds: tuple[str, ...] = (), quiet: bool = False,
            scheduler: str | None = None, params: dict[str, Any] | None = None) -> RunResult:
    """Run one job and return what happened; raises LagunaError after recording a failure."""
    job = get(name)
    parameters = {**job.parameters, **(params or {})}
    if period:
        parameters["period"] = period
    if zone_kinds:
        parameters["zones"] = list(zone_kinds)
    started = time.monotonic()
    with connect(settings, autocommit=True) as conn:
        lock = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"laguna.job:{name}",)).fetchone()[0]
        if not lock:
            raise Conflict(f"The job {name} is already running; wait for it to finish.")
        try:
            conn.execute("UPDATE laguna.job_runs SET status = 'failed', finished_at = clock_timestamp(), "
                         "error_message = 'interrupted: the process running it stopped' "
                         "WHERE job_name = %s AND status = 'running'", (name,))
            run_id = conn.execute(
                "INSERT INTO laguna.job_runs (job_name, status, parameters, code_version, host) "
                "VALUES (%s, 'running', %s, %s, %s) RETURNING id",
                (name, json.dumps(parameters), code_version(), socket.gethostname())).fetchone()[0]
            client = _client(scheduler or settings.dask_scheduler)
            ctx = JobContext(settings=settings, job=job, run_id=run_id, params=parameters, conn=conn,
                             quiet=quiet, client=client)
            try:
                job.compute(ctx)
                rows = _commit(conn, ctx)
            except LagunaError as exc:
                _fail(conn, run_id, exc.message)
                raise
            except Exception as exc:
                _fail(conn, run_id, f"{type(exc).__name__}: {exc}")
                raise
            finally:
                if client is not None:
                    client.close()
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"laguna.job:{name}",))
    return RunResult(name, run_id, "succeeded", rows, time.monotonic() - started, summary=ctx.summary)


def _fail(conn: psycopg.Connection, run_id: int, message: str) -> None:
    conn.execute("UPDATE laguna.job_runs SET status = 'failed', finished_at = clock_timestamp(), "
                 "error_message = %s WHERE id = %s", (message[:2000], run_id))


def _commit(conn: psycopg.Connection, ctx: JobContext) -> int:
    """Write inputs and values and close the run, all in one transaction."""
    params = ctx.params
    with conn.transaction():
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO laguna.job_run_inputs (job_run_id, layer_version_id, raster_asset_id, "
                "series_id, description, checksum) VALUES (%s, %s, %s, %s, %s, %s)",
                [(ctx.run_id, i["layer_version_id"], i["raster_asset_id"], i["series_id"],
                  i["description"], i["checksum"]) for i in ctx.inputs])
        written = 0
        if ctx.job.writes_values:
            # Replace what earlier runs of this job wrote for the (indicator, period) pairs this
            # run writes, within its scope; other periods stay: a snapshot job (plan status this
            # year, pressure at this import) builds a series run after run.
            pairs = sorted({(v.indicator, v.period) for v in ctx.values})
            conn.execute(
                "DELETE FROM laguna.indicator_values v USING laguna.indicators i, "
                "     unnest(%(codes)s::text[], %(periods)s::text[]) AS p(code, period) "
                "WHERE i.id = v.indicator_id AND i.code = p.code AND v.period = p.period "
                "AND v.job_run_id IN (SELECT id FROM laguna.job_runs WHERE job_name = %(job)s) "
                "AND (%(kinds)s::text[] IS NULL OR v.zone_id IN "
                "     (SELECT id FROM laguna.zones WHERE kind = ANY(%(kinds)s))) "
                "AND (%(categories)s::text[] IS NULL OR v.category = ANY(%(categories)s)) "
                "AND (%(stations)s::int[] IS NULL OR v.station_id = ANY(%(stations)s))",
                {"codes": [c for c, _ in pairs], "periods": [p for _, p in pairs], "job": ctx.job.name,
                 "kinds": params.get("zones"),
                 "categories": ctx.replace_categories, "stations": ctx.replace_stations})
            written = _insert_values(conn, ctx)
        if ctx.job.write is not None:
            written += ctx.job.write(conn, ctx)
        conn.execute("UPDATE laguna.job_runs SET status = 'succeeded', finished_at = clock_timestamp(), "
                     "rows_written = %s, summary = %s WHERE id = %s",
                     (written, json.dumps(ctx.summary, default=str), ctx.run_id))
    return written


def _insert_values(conn: psycopg.Connection, ctx: JobContext) -> int:
    conn.execute("CREATE TEMP TABLE job_values (indicator text, zone_id int, station_id int, "
                 "category text, period text, value float8, quality text) ON COMMIT DROP")
    with conn.cursor().copy("COPY job_values FROM STDIN") as copy:
        for v in ctx.values:
            copy.write_row((v.indicator, v.zone_id, v.station_id, v.category, v.period, v.value, v.quality))
    return conn.execute(
        "INSERT INTO laguna.indicator_values (indicator_id, zone_id, station_id, category, period, "
        "value, quality, illustrative, job_run_id) "
        "SELECT i.id, j.zone_id, j.station_id, j.category, j.period, j.value, j.quality, %s, %s "
        "FROM job_values j JOIN laguna.indicators i ON i.code = j.indicator "
        "ON CONFLICT (indicator_id, zone_id, station_id, category, period) DO UPDATE SET "
        "value = EXCLUDED.value, quality = EXCLUDED.quality, illustrative = EXCLUDED.illustrative, "
        "job_run_id = EXCLUDED.job_run_id, entered_by = NULL, entered_at = NULL, source = NULL",
        (ctx.illustrative, ctx.run_id)).rowcount


def run_all(settings: Settings, names: list[str] | None = None, **kwargs) -> list[RunResult]:
    """Run several jobs in dependency order; a failing job does not stop the others."""
    jobs = ordered([get(n) for n in names] if names else None)
    results = []
    for job in jobs:
        try:
            results.append(run_job(settings, job.name, **kwargs))
        except LagunaError as exc:
            results.append(RunResult(job.name, _last_run_id(settings, job.name), "failed", error=exc.message))
        except Exception as exc:  # noqa: BLE001 -- a bug or library error in one job: record it, run the rest
            results.append(RunResult(job.name, _last_run_id(settings, job.name), "failed",
                                     error=f"{type(exc).__name__}: {exc}"))
    return results


def _last_run_id(settings: Settings, name: str) -> int:
    with connect(settings) as conn:
        row = conn.execute("SELECT max(id) FROM laguna.job_runs WHERE job_name = %s", (name,)).fetchone()
    return row[0] or 0


# The inputs of job runs (``= ANY(%s)`` of run ids), described for people: layer version,
# raster date, station series. The viewer's pages and the report show the same provenance.
RUN_INPUTS_SQL = """
    SELECT i.job_run_id, i.layer_version_id, i.raster_asset_id, i.series_id, i.description, i.checksum,
           l.name AS layer, v.version AS layer_version, v.source_name, v.source_checksum,
           rl.name AS raster_layer, ra.acquired AS raster_date, ra.checksum AS raster_checksum,
           st.code AS station, s.parameter
      FROM laguna.job_run_inputs i
      LEFT JOIN laguna.layer_versions v ON v.id = i.layer_version_id
      LEFT JOIN laguna.layers l ON l.id = v.layer_id
      LEFT JOIN laguna.raster_assets ra ON ra.id = i.raster_asset_id
      LEFT JOIN laguna.layers rl ON rl.id = ra.layer_id
      LEFT JOIN laguna.station_series s ON s.id = i.series_id
      LEFT JOIN laguna.stations st ON st.id = s.station_id
     WHERE i.job_run_id = ANY(%s) ORDER BY i.job_run_id, i.id"""


def history(settings: Settings, name: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first, with their inputs count."""
    from psycopg.rows import dict_row

    with connect(settings) as conn, conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT r.id, r.job_name, r.status, r.started_at, r.finished_at, r.rows_written, "
            "       r.code_version, r.error_message, r.parameters, "
            "       (SELECT count(*) FROM laguna.job_run_inputs i WHERE i.job_run_id = r.id) AS inputs "
            "FROM laguna.job_runs r WHERE %(name)s::text IS NULL OR r.job_name = %(name)s "
            "ORDER BY r.id DESC LIMIT %(limit)s", {"name": name, "limit": limit}).fetchall()
