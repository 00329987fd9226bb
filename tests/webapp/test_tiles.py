"""Raster and vector tiles, checked against rasterio and pyproj reading the same data."""

from __future__ import annotations

import io

import mapbox_vector_tile
import morecantile
import numpy as np
import psycopg
import pytest
import rasterio
from PIL import Image
from pyproj import Transformer

from geoprocessing.config import load_settings

from .conftest import BIG_POINTS, LC_COLOURS, RASTER_ORIGIN, RASTER_PIXEL, SRID, build

TMS = morecantile.tms.get("WebMercatorQuad")
TO_WGS84 = Transformer.from_crs(SRID, 4326, always_xy=True)
TO_MERCATOR = Transformer.from_crs(SRID, 3857, always_xy=True)


def pixel_centre(row: int, col: int) -> tuple[float, float]:
    return RASTER_ORIGIN[0] + (col + 0.5) * RASTER_PIXEL, RASTER_ORIGIN[1] - (row + 0.5) * RASTER_PIXEL


def tile_and_pixel(x: float, y: float, z: int):
    """The XYZ tile holding a storage-CRS point, and the point's pixel in that tile."""
    lon, lat = TO_WGS84.transform(x, y)
    t = TMS.tile(lon, lat, z)
    b = TMS.xy_bounds(t)
    mx, my = TO_MERCATOR.transform(x, y)
    px = int((mx - b.left) / (b.right - b.left) * 256)
    py = int((b.top - my) / (b.top - b.bottom) * 256)
    return t, (px, py)


def rgba(client, url: str) -> np.ndarray:
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "image/png", r.text
    return np.asarray(Image.open(io.BytesIO(r.data)).convert("RGBA"))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def sample(store_settings, date: str, x: float, y: float) -> int:
    with rasterio.open(store_settings.var_dir / f"rasters/land_cover/{date}.tif") as src:
        return int(next(src.sample([(x, y)]))[0])


@pytest.mark.parametrize("date, row, col", [("2012-06-01", 10, 15), ("2024-06-01", 10, 15),
                                            ("2024-06-01", 50, 35), ("2024-06-01", 60, 72)])
def test_land_cover_tile_has_the_class_colour_of_the_pixel(client, store_settings, date, row, col):
    x, y = pixel_centre(row, col)
    value = sample(store_settings, date, x, y)  # rasterio reads the class there
    t, (px, py) = tile_and_pixel(x, y, 12)
    img = rgba(client, f"/tiles/raster/land_cover/{date}/{t.z}/{t.x}/{t.y}.png")
    assert tuple(img[py, px][:3]) == hex_rgb(LC_COLOURS[value])
    assert img[py, px][3] == 255
    # nearest resampling: only legend colours (or transparency) in the tile, no blends
    opaque = img[img[:, :, 3] > 0][:, :3]
    allowed = {hex_rgb(c) for c in LC_COLOURS.values()}
    assert {tuple(p) for p in np.unique(opaque, axis=0)} <= allowed


def test_nodata_and_outside_are_transparent(client):
    x, y = pixel_centre(97, 20)  # the nodata strip at the bottom
    t, (px, py) = tile_and_pixel(x, y, 12)
    img = rgba(client, f"/tiles/raster/land_cover/latest/{t.z}/{t.x}/{t.y}.png")
    assert img[py, px][3] == 0
    far = rgba(client, "/tiles/raster/land_cover/latest/12/0/0.png")
    assert far.shape == (256, 256, 4) and far[:, :, 3].max() == 0


def test_change_tile_shows_only_changed_pixels_in_the_new_class_colour(client):
    t, (px, py) = tile_and_pixel(*pixel_centre(10, 15), 12)  # salt marsh became lagoon water
    img = rgba(client, f"/tiles/change/land_cover/2012-06-01/2024-06-01/{t.z}/{t.x}/{t.y}.png")
    assert img[py, px][3] == 255 and tuple(img[py, px][:3]) == hex_rgb(LC_COLOURS[1])
    t2, (qx, qy) = tile_and_pixel(*pixel_centre(50, 15), 12)  # unchanged
    same = rgba(client, f"/tiles/change/land_cover/2012-06-01/2024-06-01/{t2.z}/{t2.x}/{t2.y}.png")
    assert same[qy, qx][3] == 0


def test_dem_tile_is_a_colour_ramp(client):
    t, _ = tile_and_pixel(*pixel_centre(50, 40), 10)
    img = rgba(client, f"/tiles/raster/dem/2024-06-01/{t.z}/{t.x}/{t.y}.png")
    opaque = img[img[:, :, 3] == 255]
    assert len(opaque) > 1000 and len(np.unique(opaque[:, :3], axis=0)) > 20


@pytest.mark.parametrize("url, status, code", [
    ("/tiles/raster/land_cover/latest/30/0/0.png", 400, "invalid_input"),
    ("/tiles/raster/land_cover/latest/2/4/0.png", 400, "invalid_input"),
    ("/tiles/raster/land_cover/2019-01-01/12/0/0.png", 404, "not_found"),
    ("/tiles/raster/land_cover/yesterday/12/0/0.png", 400, "invalid_input"),
    ("/tiles/raster/nope/latest/12/0/0.png", 404, "not_found"),
    ("/tiles/change/dem/2024-06-01/2024-06-01/12/0/0.png", 400, "invalid_input"),
    ("/tiles/vector/nope/12/0/0.mvt", 404, "not_found"),
    ("/tiles/vector/land_cover/12/0/0.mvt", 404, "not_found"),
    ("/tiles/vector/big_points/12/-1/0.mvt", 404, "not_found"),
])
def test_tile_errors_have_the_json_shape(client, url, status, code):
    r = client.get(url)
    assert r.status_code == status
    assert r.get_json()["error"]["code"] == code


def points_in_tile(t, buffer: float = 0.0) -> int:
    """Big points (generated on a 50 m grid) inside tile ``t`` (plus a buffer), by pyproj."""
    i = np.arange(BIG_POINTS)
    xs, ys = 285000 + (i % 100) * 50.0, 5025000 + (i // 100) * 50.0
    mx, my = TO_MERCATOR.transform(xs, ys)
    b = TMS.xy_bounds(t)
    pad = (b.right - b.left) * buffer
    inside = (mx >= b.left - pad) & (mx <= b.right + pad) & (my >= b.bottom - pad) & (my <= b.top + pad)
    return int(inside.sum())


def test_vector_tile_carries_the_features_of_the_tile(client):
    t, _ = tile_and_pixel(287000, 5026000, 15)
    r = client.get(f"/tiles/vector/big_points/{t.z}/{t.x}/{t.y}.mvt")
    assert r.status_code == 200 and r.mimetype == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(r.data)
    features = decoded["features"]["features"]
    # every point of the tile, plus some of the 64-unit buffer (one unit of slack for
    # points that the quantisation to 4096 units moves onto the buffer's edge)
    inside, with_buffer = points_in_tile(t), points_in_tile(t, 65 / 4096)
    assert inside > 0 and inside <= len(features) <= with_buffer
    assert all(f["properties"]["label"].startswith("p") for f in features)


@pytest.fixture
def own_store(fresh_db, tmp_path):
    """A database of the test's own with the same content (prepare writes to it)."""
    settings = load_settings(database_url=fresh_db, home=tmp_path, basemap_url="")
    with psycopg.connect(fresh_db) as conn:
        build(conn, settings.var_dir)
        conn.commit()
    return settings


def test_prepare_builds_density_overviews_that_count_every_feature(own_store):
    from webapp import create_app, db, vector_tiles

    with psycopg.connect(own_store.database_url) as conn:
        done = vector_tiles.prepare(conn, "big_points", max_tile_features=500)
        again = vector_tiles.prepare(conn, "big_points", max_tile_features=500)
    assert done["done"] and done["features"] == BIG_POINTS
    assert not again["done"]  # the current version is prepared already
    dz = done["detail_zoom"]
    assert dz >= 10
    app = create_app(own_store)
    try:
        client = app.test_client()
        low = TMS.tile(*TO_WGS84.transform(287500, 5026500), 8)  # one tile holds them all
        assert points_in_tile(low) == BIG_POINTS
        cells = mapbox_vector_tile.decode(client.get(f"/tiles/vector/big_points/8/{low.x}/{low.y}.mvt").data)
        assert set(cells) == {"density"}
        assert sum(f["properties"]["n"] for f in cells["density"]["features"]) == BIG_POINTS
        t, _ = tile_and_pixel(287000, 5026000, dz)
        detail = mapbox_vector_tile.decode(client.get(f"/tiles/vector/big_points/{dz}/{t.x}/{t.y}.mvt").data)
        assert set(detail) == {"features"}
        assert len(detail["features"]["features"]) <= 500 + points_in_tile(t, 64 / 4096)
    finally:
        db.close(app)


def test_prepare_says_small_layers_need_nothing(own_store):
    from webapp import vector_tiles

    with psycopg.connect(own_store.database_url) as conn:
        done = vector_tiles.prepare(conn, "heritage_assets")
        assert done["detail_zoom"] == 0
        assert conn.execute("SELECT count(*) FROM laguna.tile_overviews").fetchone()[0] == 0


def test_tiles_prepare_command(own_store, monkeypatch):
    from click.testing import CliRunner

    from geoprocessing.config import get_settings
    from webapp.cli import cli

    monkeypatch.setenv("LAGUNA_DATABASE_URL", own_store.database_url)
    monkeypatch.setenv("LAGUNA_HOME", str(own_store.home))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["tiles", "prepare", "--all"])
        assert result.exit_code == 0, result.output
        assert "heritage_assets: 3 features" in result.output
        assert "big_points: 6000 features" in result.output
        missing = CliRunner().invoke(cli, ["tiles", "prepare", "nope"])
        assert missing.exit_code == 66 and "nope" in missing.output
    finally:
        get_settings.cache_clear()
