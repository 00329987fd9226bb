"""``laguna export ...``: GeoPackage, GeoJSON, CSV and COG files, as thin commands."""

from __future__ import annotations

import click

from .config import get_settings


def _out(value: str) -> str:
    """The output file's folder must exist (one sentence, not a Python error, when not)."""
    from pathlib import Path

    from .errors import NotFound

    folder = Path(value).expanduser().resolve().parent
    if not folder.is_dir():
        raise NotFound(f"The folder {folder} for {Path(value).name} does not exist: create it first.")
    return value


def _names(values: tuple[str, ...]) -> list[str] | None:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return names or None


@click.group("export")
def export() -> None:
    """Export layers, zones, projects and indicators to files for GIS and spreadsheets."""


@export.command("gpkg")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--layers", "layers", multiple=True, help="Layers to include (comma-separated; default: all with data).")
@click.option("--no-zones", is_flag=True, help="Leave out the current zones.")
@click.option("--no-projects", is_flag=True, help="Leave out the Management Plan projects.")
@click.option("--no-indicators", is_flag=True, help="Leave out the indicator values.")
def export_gpkg(out: str, layers: tuple[str, ...], no_zones: bool, no_projects: bool,
                no_indicators: bool) -> None:
    """Write a GeoPackage (with QGIS styles) of layers, zones, projects and indicator values."""
    from . import export as ex

    counts = ex.export_gpkg(get_settings(), _out(out), layers=_names(layers), zones=not no_zones,
                            projects=not no_projects, indicators=not no_indicators)
    click.echo(f"wrote {out}: " + ", ".join(f"{name} {n}" for name, n in counts.items()))


@export.command("geojson")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--layer", help="Layer whose current features to export.")
@click.option("--zones", metavar="KIND|all", help="Export the current zones of a kind (or all).")
def export_geojson(out: str, layer: str | None, zones: str | None) -> None:
    """Write a layer's current features, or the current zones, as GeoJSON (EPSG:4326)."""
    from . import export as ex

    count = ex.export_geojson(get_settings(), _out(out), layer=layer, zones=zones)
    click.echo(f"wrote {out}: {count} features")


@export.command("csv")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--indicator", "indicators", multiple=True, help="Indicator codes (default: all).")
def export_csv(out: str, indicators: tuple[str, ...]) -> None:
    """Write indicator series (values with period, place and provenance) as CSV."""
    from . import export as ex

    count = ex.export_indicator_csv(get_settings(), _out(out), indicators=_names(indicators))
    click.echo(f"wrote {out}: {count} values")


@export.command("cog")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--layer", required=True, help="Raster layer.")
@click.option("--date", "acquired", metavar="YYYY-MM-DD", help="Acquisition date (default: the latest).")
def export_cog(out: str, layer: str, acquired: str | None) -> None:
    """Write a raster layer's current asset as a Cloud-Optimized GeoTIFF (+ QGIS style .qml)."""
    from . import export as ex
    from .importers.api import parse_date

    asset = ex.export_cog(get_settings(), _out(out), layer, acquired=parse_date(acquired))
    click.echo(f"wrote {out}: {layer} of {asset['acquired']} ({asset['width']}x{asset['height']} {asset['dtype']})")
