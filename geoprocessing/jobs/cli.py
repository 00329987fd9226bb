"""``laguna jobs``: list, run and look back at metric jobs."""

from __future__ import annotations

import json
import sys

import click

from ..config import get_settings


@click.group()
def jobs() -> None:
    """Metric jobs: state-of-conservation numbers with provenance."""


@jobs.command("list")
def list_jobs() -> None:
    """List the jobs, what they read and the indicators they write."""
    from . import ordered

    for job in ordered():
        reads = ", ".join([*job.inputs.layers, *job.inputs.rasters, *job.inputs.series,
                           *(f"zones:{k}" for k in job.inputs.zone_kinds), *job.inputs.tables])
        click.echo(f"{job.name:28} {job.title_it} / {job.title_en}")
        click.echo(f"{'':28} reads: {reads or '-'}; writes: {', '.join(job.indicators) or '-'}")


@jobs.command("run")
@click.argument("names", nargs=-1)
@click.option("--all", "run_all_jobs", is_flag=True, help="Run every job, in dependency order.")
@click.option("--period", metavar="YYYY", help="Compute only this period (where the job has periods).")
@click.option("--zones", "zone_kinds", metavar="KIND", multiple=True,
              help="Compute only for zones of this kind (repeatable).")
@click.option("--scheduler", metavar="ADDRESS", help="Run on this Dask scheduler (or LAGUNA_DASK_SCHEDULER).")
@click.option("--param", "param_items", metavar="KEY=VALUE", multiple=True,
              help="Set a job parameter (repeatable; VALUE is read as JSON when it parses, else as text).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
def run(names, run_all_jobs, period, zone_kinds, scheduler, param_items, quiet, as_json) -> None:
    """Run the named jobs (or --all); exit non-zero if any failed."""
    from ..errors import InvalidInput
    from .runner import run_all

    if bool(names) == run_all_jobs:
        raise InvalidInput("Name the jobs to run, or give --all (not both).")
    if period and not (len(period) == 4 and period.isdigit()):
        raise InvalidInput(f"--period must be a year such as 2024, not '{period}'.")
    results = run_all(get_settings(), list(names) or None, period=period, zone_kinds=tuple(zone_kinds),
                      quiet=quiet or as_json, scheduler=scheduler, params=_params(param_items))
    if as_json:
        click.echo(json.dumps({"runs": [r.__dict__ for r in results]}, default=str, indent=2))
    else:
        for r in results:
            if r.status == "succeeded":
                click.echo(f"{r.job}: run {r.run_id} wrote {r.rows_written} values in {r.seconds:.1f} s")
            else:
                click.echo(f"{r.job}: failed (run {r.run_id}): {r.error}", err=True)
    failed = [r for r in results if r.status != "succeeded"]
    if failed:
        sys.exit(65 if len(results) == 1 else 1)


def _params(items: tuple[str, ...]) -> dict:
    from ..errors import InvalidInput

    params = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"--param takes KEY=VALUE, not '{item}'.")
        try:
            params[key.strip()] = json.loads(text)
        except ValueError:
            params[key.strip()] = text
    return params


@jobs.command("history")
@click.argument("name", required=False)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def history_cmd(name, limit) -> None:
    """Show the latest runs (of one job, or all)."""
    from .runner import history

    rows = history(get_settings(), name, limit)
    if not rows:
        click.echo("no runs yet")
    else:
        click.echo(f"{'run':>6} {'job':26} {'status':9} {'started':16} {'took':>8} {'written':>14} "
                   f"{'inputs':>10}  code version")
    for r in rows:
        took = f"{(r['finished_at'] - r['started_at']).total_seconds():.1f} s" if r["finished_at"] else "-"
        line = (f"{r['id']:>6} {r['job_name']:26} {r['status']:9} {r['started_at']:%Y-%m-%d %H:%M} "
                f"{took:>8} {r['rows_written']:>7} values {r['inputs']:>3} inputs  {r['code_version']}")
        click.echo(line + (f"\n{'':7}{r['error_message']}" if r["error_message"] else ""))
