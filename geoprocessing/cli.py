"""The ``laguna`` command line: thin commands over the package's functions.

Errors: a :class:`~geoprocessing.errors.LagunaError` prints its one sentence and exits
with its code; anything else prints one line too. ``laguna --debug ...`` shows tracebacks.
The web command (``serve``) is added by :mod:`webapp.cli`, the installed entry point.
"""

from __future__ import annotations

import sys
import traceback

import click

from .config import get_settings
from .errors import LagunaError, exit_code


class LagunaGroup(click.Group):
    """A click group that turns every error into one sentence and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except LagunaError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.echo(f"laguna: {exc.message}", err=True)
            ctx.exit(exit_code(exc))
        except KeyboardInterrupt:
            click.echo("laguna: interrupted.", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the one place that catches everything
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            else:
                click.echo(f"laguna: unexpected error ({type(exc).__name__}: {exc}); "
                           "run again with 'laguna --debug' to see where.", err=True)
            ctx.exit(1)


@click.group(cls=LagunaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.version_option(package_name="laguna", prog_name="laguna")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """laguna: conservation monitoring for Venice and its Lagoon (UNESCO WHC 394)."""
    ctx.ensure_object(dict)["debug"] = debug


# -- laguna db -------------------------------------------------------------------------
@cli.group()
def db() -> None:
    """Manage the store (embedded PostgreSQL + PostGIS, or LAGUNA_DATABASE_URL)."""


@db.command("start")
def db_start() -> None:
    """Start the store, creating the embedded cluster on first use."""
    from .store import admin

    done = admin.start(get_settings())
    for line in done or ["the store is already running"]:
        click.echo(line)


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded store."""
    from .store import admin

    click.echo(admin.stop(get_settings()))


@db.command("status")
def db_status() -> None:
    """Say whether the store is up; exit 1 when it is down."""
    from .store import admin

    st = admin.status(get_settings())
    click.echo(st.detail)
    sys.exit(0 if st.running else 1)


@db.command("url")
def db_url() -> None:
    """Print the connection URL (for psql, QGIS and notebooks)."""
    from .store.connect import database_url

    click.echo(database_url(get_settings()))


@db.command("migrate")
def db_migrate() -> None:
    """Apply the pending SQL migrations of sql/ in order."""
    from .store import admin

    done = admin.migrate(get_settings())
    click.echo("applied " + ", ".join(done) if done else "the store is up to date")


@db.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_reset(yes: bool) -> None:
    """Delete all data of the store and recreate an empty schema."""
    from .store import admin
    from .store.connect import database_url, describe

    s = get_settings()
    if not yes:
        click.confirm(f"Delete every table and file of the store at {describe(database_url(s))}?",
                      abort=True)
    done = admin.reset(s)
    click.echo(f"the store was emptied and migrated ({len(done)} migrations)")


# -- laguna doctor -----------------------------------------------------------------------
@cli.command()
def doctor() -> None:
    """Check the installation and the store; exit 0 only when all is well."""
    from . import doctor as doc

    checks = doc.run(get_settings())
    width = max(len(c.name) for c in checks)
    for c in checks:
        mark = "ok " if c.ok else ("!! " if c.required else "-- ")
        click.echo(f"{mark} {c.name.ljust(width)}  {c.detail}")
    well = doc.all_well(checks)
    click.echo("all is well" if well else "some required checks failed (marked !!)")
    sys.exit(0 if well else 1)


# -- command groups of the other modules ------------------------------------------------
def _register() -> None:
    from .export_cli import export
    from .jobs.cli import jobs
    from .layers_cli import layers
    from .loaders.cli import indicators, observations, plan, register
    from .report.cli import report
    from .sample.cli import sample

    for group in (layers, export, register, plan, indicators, observations, sample, jobs, report):
        cli.add_command(group)


_register()
