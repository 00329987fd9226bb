"""The installed ``laguna`` command: the core CLI plus the web server."""

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

    app = create_app(get_settings())
    click.echo(f"laguna map viewer on http://{host}:{port}/ (Ctrl-C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="laguna")


def main() -> None:
    cli(prog_name="laguna")
