"""The installed ``laguna`` command: the core CLI plus the web server and its tiles.

These commands live here, not in :mod:`geoprocessing.cli`, because ``geoprocessing`` never
imports the web app.
"""

from __future__ import annotations

import click

from geoprocessing.cli import cli
from geoprocessing.config import get_settings


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, threads: int) -> None:
    """Run the map viewer on a production WSGI server (waitress)."""
    from waitress import serve as waitress_serve

    from . import create_app

    app = create_app(get_settings(), {"LAGUNA_POOL_SIZE": threads})
    click.echo(f"laguna map viewer on http://{host}:{port}/ (Ctrl-C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="laguna")


@cli.group()
def tiles() -> None:
    """Vector tiles of large layers for the map viewer."""


@tiles.command("prepare")
@click.argument("layers", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every vector layer with features.")
@click.option("--force", is_flag=True, help="Recompute even when the current version has one.")
def tiles_prepare(layers: tuple[str, ...], every: bool, force: bool) -> None:
    """Compute the density overview of large layers (run after importing them).

    Below a layer's detail zoom, its tiles show a grid counting its features instead of
    every feature; layers small enough need none.
    """
    from geoprocessing.errors import InvalidInput
    from geoprocessing.store.connect import connect

    from . import vector_tiles
    from .queries import catalogue

    settings = get_settings()
    with connect(settings) as conn:
        names = list(layers)
        if every:
            names = [r["name"] for r in catalogue.layers(conn, "vector") if r["version"]]
        if not names:
            raise InvalidInput("Name the layers to prepare, or give --all.")
        for name in names:
            done = vector_tiles.prepare(conn, name, force=force)
            if not done["done"]:
                click.echo(f"{name}: version {done['version']} already prepared "
                           f"(detail from zoom {done['detail_zoom']}); --force recomputes")
            elif done["detail_zoom"] == 0:
                click.echo(f"{name}: {done['features']} feature{'' if done['features'] == 1 else 's'}, every tile holds them whole: "
                           "no overview needed")
            else:
                click.echo(f"{name}: {done['features']} feature{'' if done['features'] == 1 else 's'}, density grid below zoom "
                           f"{done['detail_zoom']} ({done['cells']} cells, {done['seconds']} s)")


def main() -> None:
    cli(prog_name="laguna")
