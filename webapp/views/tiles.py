"""XYZ tiles: vector tiles of catalogue layers, PNG tiles of the store's rasters."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from geoprocessing.errors import InvalidInput

from .. import db, params, raster_tiles, vector_tiles
from ..queries import catalogue

bp = Blueprint("tiles", __name__, url_prefix="/tiles")
MVT = "application/vnd.mapbox-vector-tile"


def settings():
    return current_app.config["LAGUNA"]


def _date(text: str):
    return None if text == "latest" else params.date(text, "date")


@bp.get("/vector/<name>/<int:z>/<int:x>/<int:y>.mvt")
def vector(name: str, z: int, x: int, y: int):
    vector_tiles.check_tile(z, x, y)
    with db.read() as conn:
        layer = vector_tiles.layer_meta(conn, name)
        data = vector_tiles.tile(conn, layer, z, x, y, settings().storage_srid)
    return Response(data, mimetype=MVT, headers={"Cache-Control": "public, max-age=300"})


@bp.get("/raster/<name>/<date>/<int:z>/<int:x>/<int:y>.png")
def raster(name: str, date: str, z: int, x: int, y: int):
    vector_tiles.check_tile(z, x, y)
    with db.read() as conn:
        asset = catalogue.raster_asset(conn, name, _date(date))
    path = raster_tiles.asset_path(settings().var_dir, asset["path"])
    png = raster_tiles.tile(path, asset["checksum"], raster_tiles.look_of(asset), z, x, y)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "public, max-age=3600"})


@bp.get("/change/<name>/<date_from>/<date_to>/<int:z>/<int:x>/<int:y>.png")
def change(name: str, date_from: str, date_to: str, z: int, x: int, y: int):
    vector_tiles.check_tile(z, x, y)
    with db.read() as conn:
        a = catalogue.raster_asset(conn, name, _date(date_from))
        b = catalogue.raster_asset(conn, name, _date(date_to))
    look = raster_tiles.look_of(a)
    if not look.classified:
        raise InvalidInput(f"Raster layer '{name}' has no classes: change tiles need a class legend.")
    var = settings().var_dir
    png = raster_tiles.change_tile(raster_tiles.asset_path(var, a["path"]), a["checksum"],
                                   raster_tiles.asset_path(var, b["path"]), b["checksum"],
                                   look, z, x, y)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "public, max-age=3600"})
