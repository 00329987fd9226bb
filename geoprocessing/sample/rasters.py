"""Land cover, DEM/bathymetry and NDVI over the lagoon's bounding box, window by window.

Every pixel is a function of its centre's coordinates only: the land-cover classes come
from burning the landscape's polygons (GDAL's pixel-centre rule), the DEM and NDVI from
those classes plus coordinate-addressed noise (:mod:`.noise`) and distances to channel
centre lines. So a window computed alone equals the same window of the whole raster,
whatever the tiling, and memory is bounded by the window: at 1 m the land cover is about
2e9 pixels per date and is written 4096 x 4096 pixels at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import rasterio
import shapely
from rasterio.enums import MergeAlg
from rasterio.features import rasterize
from rasterio.transform import from_origin
from rasterio.windows import Window
from rasterio.windows import bounds as window_bounds
from rasterio.windows import transform as window_transform
from scipy.special import ndtr
from shapely.geometry import box

from . import noise
from .geography import EXTENT
from .landscape import (
    AGRICULTURE,
    ARTIFICIAL,
    BEACH,
    FISH_FARM,
    LAGOON_WATER,
    SALT_MARSH,
    SEA,
    TIDAL_FLAT,
    WOODLAND,
)
from .model import Model
from .shapes import utm

NODATA_FLOAT = -9999.0
# Ground pieces for the DEM (which surface a land pixel belongs to).
MAINLAND, BARRIER, LAGOON, SEA_GROUND, CITY = 1, 2, 3, 4, 5
NOISE_SD = 0.14  # spread of noise.fractal around 0.5, measured over the extent


@dataclass(frozen=True)
class Grid:
    """The pixel grid of one resolution over the extent (origin at its top-left corner)."""

    resolution: float

    @property
    def width(self) -> int:
        return int(round((EXTENT.bounds[2] - EXTENT.bounds[0]) / self.resolution))

    @property
    def height(self) -> int:
        return int(round((EXTENT.bounds[3] - EXTENT.bounds[1]) / self.resolution))

    @cached_property
    def transform(self):
        return from_origin(EXTENT.bounds[0], EXTENT.bounds[3], self.resolution, self.resolution)

    def centres(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """Pixel-centre coordinates from global indices: identical whatever the window."""
        cols = np.arange(window.col_off, window.col_off + window.width, dtype=np.float64)
        rows = np.arange(window.row_off, window.row_off + window.height, dtype=np.float64)
        x0, y0 = EXTENT.bounds[0], EXTENT.bounds[3]
        return x0 + (cols + 0.5) * self.resolution, y0 - (rows + 0.5) * self.resolution

    def windows(self, size: int):
        for row in range(0, self.height, size):
            for col in range(0, self.width, size):
                yield Window(col, row, min(size, self.width - col), min(size, self.height - row))


def _burn(layers: list[tuple[int, shapely.STRtree, np.ndarray]], grid: Grid, window: Window,
          fill: int) -> np.ndarray:
    """Burn (value, geometries) layers in order, later ones over earlier ones."""
    left, bottom, right, top = window_bounds(window, grid.transform)
    pad = grid.resolution
    clip = (left - pad, bottom - pad, right + pad, top + pad)
    area = box(*clip)
    shapes = []
    for value, tree, geoms in layers:
        for i in tree.query(area):
            g = geoms[i]
            if shapely.contains(area, g):
                shapes.append((g, value))
            else:
                clipped = shapely.clip_by_rect(g, *clip)
                if not clipped.is_empty:
                    shapes.append((clipped, value))
    out_shape = (int(window.height), int(window.width))
    if not shapes:
        return np.full(out_shape, fill, dtype=np.uint8)
    return rasterize(shapes, out_shape=out_shape, transform=window_transform(window, grid.transform),
                     fill=fill, dtype="uint8", merge_alg=MergeAlg.replace, all_touched=False)


def land_cover(model: Model, year: int, grid: Grid, window: Window) -> np.ndarray:
    """Land-cover classes (uint8, 1-9) of a window for a survey year."""
    return _burn(model.land_cover_layers(year), grid, window, fill=AGRICULTURE)


def ground(model: Model, grid: Grid, window: Window) -> np.ndarray:
    """Which large piece each pixel lies on (mainland, barrier, lagoon, sea, historic city)."""
    return _burn(model.ground_layers(), grid, window, fill=MAINLAND)


def _segment_distance(xs: np.ndarray, ys: np.ndarray, a, b) -> np.ndarray:
    """Distance from every grid point (xs x ys) to the segment a-b."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = dx * dx + dy * dy or 1e-9
    px = xs[None, :] - ax
    py = ys[:, None] - ay
    t = np.clip((px * dx + py * dy) / length2, 0.0, 1.0)
    return np.hypot(px - t * dx, py - t * dy)


def _bump(xs, ys, lon: float, lat: float, radius: float) -> np.ndarray:
    cx, cy = utm(lon, lat)
    return np.exp(-(((xs[None, :] - cx) ** 2 + (ys[:, None] - cy) ** 2) / radius ** 2))


def _carve_channels(z: np.ndarray, wet: np.ndarray, xs, ys, channels, bed: float = -0.8) -> None:
    """Deepen water pixels near channel centre lines (a parabolic cross-section)."""
    res = abs(xs[1] - xs[0]) if len(xs) > 1 else 1.0
    for ch in channels:
        half = ch.width / 2
        coords = np.asarray(ch.line.coords)
        for a, b in zip(coords[:-1], coords[1:], strict=True):
            x0, x1 = min(a[0], b[0]) - half, max(a[0], b[0]) + half
            y0, y1 = min(a[1], b[1]) - half, max(a[1], b[1]) + half
            c0, c1 = np.searchsorted(xs, x0 - res), np.searchsorted(xs, x1 + res)
            r0 = np.searchsorted(-ys, -(y1 + res))
            r1 = np.searchsorted(-ys, -(y0 - res))
            if c1 <= c0 or r1 <= r0:
                continue
            d = _segment_distance(xs[c0:c1], ys[r0:r1], a, b)
            depth = np.where(d < half, bed - ch.depth * (1 - (d / half) ** 2), np.inf)
            sub = z[r0:r1, c0:c1]
            sub_wet = wet[r0:r1, c0:c1]
            np.copyto(sub, np.minimum(sub, depth), where=sub_wet)


def _coast_distance(xs, ys, coast, spacing: float = 200.0) -> np.ndarray:
    """Distance to the coast, exact on a global 200 m lattice and interpolated between
    (smooth enough for a sea bed, and still a function of the coordinates only)."""
    ix0, ix1 = int(np.floor(xs.min() / spacing)), int(np.floor(xs.max() / spacing)) + 1
    iy0, iy1 = int(np.floor(ys.min() / spacing)), int(np.floor(ys.max() / spacing)) + 1
    node_x = np.arange(ix0, ix1 + 1) * spacing
    node_y = np.arange(iy0, iy1 + 1) * spacing
    coords = np.asarray(coast.coords)
    nodes = np.full((len(node_y), len(node_x)), np.inf)
    for a, b in zip(coords[:-1], coords[1:], strict=True):
        np.minimum(nodes, _segment_distance(node_x, node_y, a, b), out=nodes)
    fx = (xs - node_x[0]) / spacing
    fy = (ys - node_y[0]) / spacing
    cx = np.minimum(np.floor(fx).astype(int), len(node_x) - 2)
    cy = np.minimum(np.floor(fy).astype(int), len(node_y) - 2)
    wx, wy = fx - cx, fy - cy
    along_x = nodes[:, cx] * (1 - wx) + nodes[:, cx + 1] * wx
    return along_x[cy, :] * (1 - wy)[:, None] + along_x[cy + 1, :] * wy[:, None]


# The historic city's ground: quantiles of its elevation (m above ZMPS), chosen so that
# about 2 % floods at +80 cm, 14 % at +110, 58 % at +140 and all of it at +187.
CITY_QUANTILES = ([0.0, 0.02, 0.14, 0.58, 0.95, 1.0], [0.70, 0.80, 1.10, 1.40, 1.62, 1.70])


def dem(model: Model, year: int, grid: Grid, window: Window) -> np.ndarray:
    """Elevation in metres above the Punta della Salute datum (ZMPS), float32."""
    lc = land_cover(model, year, grid, window)
    where = ground(model, grid, window)
    xs, ys = grid.centres(window)
    seed = model.seed
    broad = noise.fractal(xs, ys, 3_000.0, seed + 11)
    fine = noise.fractal(xs, ys, 250.0, seed + 12)
    u_fine = ndtr((fine - 0.5) / NOISE_SD).astype(np.float32)
    z = np.zeros(lc.shape, dtype=np.float32)

    land = np.isin(lc, (ARTIFICIAL, AGRICULTURE, WOODLAND))
    reclaimed = _bump(xs, ys, 12.13, 45.235, 9_000.0)
    mainland_z = 0.2 + 2.6 * broad + 0.4 * fine - 2.2 * reclaimed
    z = np.where(land & (where == MAINLAND), mainland_z, z)
    z = np.where(land & (where == BARRIER), 1.0 + 1.2 * fine, z)
    z = np.where(land & (where == LAGOON), 0.85 + 0.8 * u_fine, z)  # islands
    city = _city_ground(xs, ys, u_fine)
    z = np.where(land & (where == CITY), city, z)
    z = np.where(lc == BEACH, 0.4 + 2.8 * fine, z)
    z = np.where(lc == SALT_MARSH, 0.18 + 0.30 * u_fine, z)
    z = np.where(lc == TIDAL_FLAT, -0.50 + 0.40 * u_fine, z)
    z = np.where(lc == FISH_FARM, -0.35 - 0.8 * fine, z)
    z = np.where(lc == LAGOON_WATER, -0.55 - 1.5 * broad - 0.2 * fine, z)
    if (lc == SEA).any():
        d = _coast_distance(xs, ys, model.frame.coast)
        sea_z = -(1.0 + 19.0 * (1.0 - np.exp(-d / 6_000.0))) - 0.6 * fine
        z = np.where(lc == SEA, sea_z, z)
    if year >= 2024:
        # erosion of the central lagoon's bed, a little siltation in the north
        wet = np.isin(lc, (LAGOON_WATER, TIDAL_FLAT))
        change = (-0.28 * _bump(xs, ys, 12.255, 45.350, 7_500.0) * (0.6 + 0.8 * fine)
                  + 0.05 * _bump(xs, ys, 12.45, 45.53, 5_000.0))
        z = np.where(wet, z + change, z)
    wet = np.isin(lc, (LAGOON_WATER, SEA))
    _carve_channels(z, wet, xs, ys, model.channels_near(window_bounds(window, grid.transform)))
    return z.astype(np.float32)


def _city_ground(xs, ys, u: np.ndarray) -> np.ndarray:
    z = np.interp(u, *CITY_QUANTILES)
    return z - 0.12 * _bump(xs, ys, 12.3388, 45.4341, 180.0)  # Piazza San Marco sits low


def ndvi(model: Model, year: int, grid: Grid, window: Window) -> np.ndarray:
    """NDVI (-1..1, float32) from the land-cover classes and some texture."""
    lc = land_cover(model, year, grid, window)
    xs, ys = grid.centres(window)
    fine = noise.fractal(xs, ys, 120.0, model.seed + 21)
    # fields: one value per 200 x 150 m plot, a lattice lookup by coordinates
    fields = noise.lattice(np.floor(xs / 200.0)[None, :], np.floor(ys / 150.0)[:, None],
                           model.seed + 22)
    table = {
        LAGOON_WATER: (-0.06, 0.10), SALT_MARSH: (0.30, 0.35), TIDAL_FLAT: (0.00, 0.14),
        ARTIFICIAL: (0.05, 0.20), WOODLAND: (0.60, 0.25), BEACH: (0.02, 0.10),
        FISH_FARM: (-0.04, 0.10), SEA: (-0.09, 0.06),
    }
    out = np.full(lc.shape, NODATA_FLOAT, dtype=np.float32)
    for cls, (base, spread) in table.items():
        np.copyto(out, (base + spread * fine).astype(np.float32), where=lc == cls)
    np.copyto(out, (0.15 + 0.65 * fields * (0.8 + 0.4 * fine)).astype(np.float32),
              where=lc == AGRICULTURE)
    return np.clip(out, -1.0, 1.0, out=out, where=out != NODATA_FLOAT)


def write_tif(path: Path, grid: Grid, dtype: str, nodata: float | int,
              compute: Callable[[Window], np.ndarray], *, window: int, description: str,
              progress: Callable[[int, int], None] | None = None) -> Path:
    """Write a tiled, compressed GeoTIFF window by window (memory bounded by one window)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.tif")
    profile = {
        "driver": "GTiff", "width": grid.width, "height": grid.height, "count": 1, "dtype": dtype,
        "crs": "EPSG:7792", "transform": grid.transform, "nodata": nodata, "tiled": True,
        "blockxsize": 512, "blockysize": 512, "compress": "deflate",
        "predictor": 2 if dtype == "uint8" else 3, "bigtiff": "if_safer",
    }
    windows = list(grid.windows(window))
    with rasterio.Env(GDAL_CACHEMAX=256), rasterio.open(tmp, "w", **profile) as dst:
        dst.update_tags(ILLUSTRATIVE="yes", SOURCE="laguna sample data set (illustrative)")
        dst.set_band_description(1, description)
        for done, win in enumerate(windows, 1):
            dst.write(compute(win), 1, window=win)
            if progress:
                progress(done, len(windows))
    tmp.replace(path)
    return path
