"""``laguna sample``: the illustrative Venice data set."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..config import get_settings

RESOLUTION = click.option("--resolution", type=float, default=10.0, show_default=True,
                          help="Pixel size in metres of the land-cover rasters (DEM and NDVI stay "
                               "at 10 m when finer).")


@click.group("sample")
def sample() -> None:
    """The illustrative sample data set for Venice and its Lagoon."""


@sample.command("load")
@RESOLUTION
def sample_load(resolution: float) -> None:
    """Write the sample files under var/sample/RESOLUTION/ and load them through the importers."""
    from .load import load

    start = time.perf_counter()
    load(get_settings(), resolution, echo=click.echo)
    click.echo(f"done in {time.perf_counter() - start:.1f} s")


@sample.command("write")
@RESOLUTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write to (default var/sample/RESOLUTION/).")
def sample_write(resolution: float, out: Path | None) -> None:
    """Only write the sample files (GeoPackage, GeoTIFF, CSV), without loading them."""
    from .load import folder, write

    write(out or folder(get_settings(), resolution), resolution, echo=click.echo)
