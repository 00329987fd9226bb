"""CLI groups of the domain loaders: thin wrappers that print what the loader did."""

from __future__ import annotations

import click

from ..config import get_settings


@click.group("observations")
def observations() -> None:
    """Station time series: tide gauges, water quality."""


@observations.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--station", required=True, help="Station code, e.g. PSAL.")
@click.option("--parameter", default="water_level", show_default=True, help="What is measured.")
@click.option("--time-column", help="Column of the times (name or 1-based number); default: the first time-like one.")
@click.option("--value-column", help="Column of the values; default: the first that looks like the parameter.")
@click.option("--unit", help="Unit of the values (needed when the series is new), e.g. m or cm.")
@click.option("--datum", help="Vertical datum of levels, e.g. ZMPS (Punta della Salute).")
@click.option("--tz", default="Europe/Rome", show_default=True, help="Time zone of times without a UTC offset.")
@click.option("--illustrative", is_flag=True, help="Label the values illustrative (sample data).")
@click.option("--replace", is_flag=True,
              help="Where the store already has a value at a time of the file, take the file's "
                   "(a corrected file); default: keep the stored one and count the difference.")
def observations_import(path, station, parameter, time_column, value_column, unit, datum, tz,
                        illustrative, replace) -> None:
    """Import a CSV file of observations (any separator, Italian headers) into a station's series."""
    from .observations import import_observations

    report = import_observations(get_settings(), path, station, parameter=parameter,
                                 time_column=time_column, value_column=value_column, unit=unit,
                                 datum=datum, tz=tz, illustrative=illustrative,
                                 replace=replace)
    for line in report.lines():
        click.echo(line)


@click.group("plan")
def plan() -> None:
    """The site Management Plan: challenges, objectives, action plans, projects, funding."""


@plan.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
def plan_import(path) -> None:
    """Load a Management Plan GeoPackage (plan, challenges, ..., projects, grants, indicator targets)."""
    from .plan import import_plan

    for line in import_plan(get_settings(), path).lines():
        click.echo(line)


@click.group("indicators")
def indicators() -> None:
    """Indicator values that are entered or imported (computed ones come from jobs)."""


@indicators.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
def indicators_import(path) -> None:
    """Load indicator values from a CSV file (indicator, period, value, zone/station, quality, source)."""
    from .indicator_values import import_values

    for line in import_values(get_settings(), path).lines():
        click.echo(line)


@click.group("register")
def register() -> None:
    """Bodies, Steering Committee, World Heritage decisions, missions, threats, cooperation, stations."""


@register.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
def register_import(path) -> None:
    """Load a register GeoPackage (bodies, committee, decisions, requests, missions, threats, ...)."""
    from .register import import_register

    for line in import_register(get_settings(), path).lines():
        click.echo(line)
