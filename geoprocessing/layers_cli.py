"""``laguna layers ...``: the layer catalogue and the importers, as thin commands."""

from __future__ import annotations

import click

from .config import get_settings


@click.group("layers")
def layers() -> None:
    """The layer catalogue (layers/*.toml) and imports into it."""


def _table(rows: list[dict], columns: list[str]) -> list[str]:
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in columns)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns) for r in rows]
    return [line.rstrip() for line in lines]


@layers.command("list")
def layers_list() -> None:
    """List layers: kind, features, CRS, version, last import, licence."""
    from . import catalogue
    from .store.connect import connect

    with connect(get_settings()) as conn:
        rows = catalogue.summaries(conn)
    if not rows:
        click.echo("no layers: add layer files to layers/ and import data with 'laguna layers import'")
        return
    for line in _table(rows, ["name", "kind", "features", "crs", "version", "last_import", "licence"]):
        click.echo(line)


@layers.command("show")
@click.argument("name")
def layers_show(name: str) -> None:
    """Show a layer's definition and import history."""
    from . import catalogue
    from .store.connect import connect

    with connect(get_settings()) as conn:
        info = catalogue.describe(conn, name)
    d = info["definition"]
    click.echo(f"{d['name']} ({d['kind']}{', ' + d['geometry_type'] if d.get('geometry_type') else ''})")
    click.echo(f"  title: {d['title']['it']} / {d['title']['en']}")
    if d.get("description"):
        click.echo(f"  description: {d['description']['it']} / {d['description']['en']}")
    click.echo(f"  licence: {d['licence']}" + ("  [illustrative]" if d.get("illustrative") else ""))
    if d.get("attribution"):
        click.echo(f"  attribution: {d['attribution']}")
    for a in d.get("attributes", []):
        flags = ", ".join(f for f in ("required" if a.get("required") else "",
                                      "id" if d.get("id") == a["name"] else "") if f)
        click.echo(f"  attribute {a['name']}: {a['type']}{' (' + flags + ')' if flags else ''}")
    for b in d.get("bands", []):
        click.echo(f"  band {b['name']}: {b['dtype']}, unit {b.get('unit') or '-'}, nodata {b.get('nodata')}")
    for e in d.get("legend", []):
        click.echo(f"  legend {e['value']}: {e['colour']} {e['label']['it']} / {e['label']['en']}")
    if d.get("zones"):
        click.echo(f"  feeds zones of kind: {d['zones'].get('kind') or '(given with --as-zones)'}")
    if not info["versions"]:
        click.echo("  never imported")
    for v in info["versions"]:
        click.echo(f"  version {v['version']}: {v['feature_count']} features from {v['source_name']} "
                   f"({v['source_format']}, {v['source_crs'] or '-'}), {v['imported_at']:%Y-%m-%d %H:%M} "
                   f"by {v['imported_by']}, sha256 {v['source_checksum'][:12]}, licence {v['licence']}"
                   + (" [illustrative]" if v["illustrative"] else ""))
    for a in info["assets"]:
        click.echo(f"  asset {a['acquired']} (version {a['version']}): {a['path']}, {a['width']}x{a['height']} "
                   f"{a['dtype']}, {a['resolution']:g} units/pixel, EPSG:{a['crs_epsg']}")


@layers.command("import")
@click.argument("path", type=click.Path(path_type=str))
@click.option("--layer", "layer", required=True, help="Layer name (layers/NAME.toml) or a layer file.")
@click.option("--crs", help="CRS of the data when the file has none (or a wrong one), e.g. EPSG:3003.")
@click.option("--encoding", help="Text encoding of a shapefile (wins over its .cpg, with a warning) or a CSV, e.g. cp1252.")
@click.option("--as-zones", "as_zones", metavar="KIND", help="Also make zones of this kind (versioned).")
@click.option("--partial", is_flag=True,
              help="With --as-zones: the file holds only some zones of the kind (e.g. one province's "
                   "municipalities); zones it does not mention stay current instead of being superseded.")
@click.option("--source-layer", help="Layer (or member) of a multi-layer file or zip to read.")
@click.option("--date", "acquired", metavar="YYYY-MM-DD",
              help="The date the data refer to: acquisition of a raster, validity start of zones, "
                   "survey date of points (the period of densities computed from them).")
@click.option("--licence", help="Licence of the data, e.g. 'CC BY 4.0' (default: the layer file's, "
              "else 'not declared').")
@click.option("--attribution", help="Who to credit for the data (shown with the layer and in exports).")
@click.option("--illustrative/--real", "illustrative", default=None,
              help="Label the data illustrative (not real) on every map, export and report; "
                   "default: real unless the layer file says otherwise.")
def layers_import(path: str, layer: str, crs: str | None, encoding: str | None,
                  as_zones: str | None, source_layer: str | None, acquired: str | None,
                  licence: str | None, attribution: str | None, illustrative: bool | None,
                  partial: bool) -> None:
    """Import a file (GeoJSON, GeoPackage, Shapefile, KML, FlatGeobuf, CSV, GeoTIFF) into a layer."""
    from .importers import import_path

    report = import_path(get_settings(), path, layer, crs=crs, encoding=encoding,
                         as_zones=as_zones, source_layer=source_layer, acquired=acquired,
                         licence=licence, attribution=attribution, illustrative=illustrative,
                         partial=partial)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.message)


@layers.command("sync")
def layers_sync() -> None:
    """Register every layer file in the catalogue (titles, styles, legends) without importing."""
    from . import catalogue
    from .store.connect import connect

    with connect(get_settings()) as conn:
        names = catalogue.sync(conn)
    click.echo(f"registered {len(names)} layers: {', '.join(names)}" if names else "no layer files")
