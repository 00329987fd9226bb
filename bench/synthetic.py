"""A synthetic lagoon-sized data set for the zonal benchmarks (used when the sample data
at the wanted resolution is not loaded): an 8-class land-cover raster over the lagoon's
bounding box (41 x 48 km, EPSG:7792) and 150 zones like TOOLCHAIN.md's peers table (one
~165,800 ha property, 3 basins, 24 islands, 122 small zones), all illustrative.

The raster is written strip by strip (memory stays small at 1 m, 2e9 cells) as a tiled,
DEFLATE-compressed GeoTIFF with 512 x 512 blocks, the layout of a COG's full resolution.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

EXTENT = (273_000.0, 5_003_000.0, 314_000.0, 5_051_000.0)
CRS = "EPSG:7792"


def _blob(rng, cx, cy, radius, vertices, roughness=0.25):
    angle = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    r = radius * (1 + roughness * np.convolve(rng.normal(size=vertices + 8), np.ones(9) / 3, "valid"))
    poly = shapely.Polygon(np.c_[cx + r * np.cos(angle), cy + r * np.sin(angle)])
    return shapely.make_valid(poly)


def _largest(geom):
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if parts else None


def zones(seed: int = 394):
    """150 zones: code, kind and MultiPolygon geometry (a list of dicts)."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = EXTENT
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    out = []
    prop = _blob(rng, cx, cy, 23_500, 2400, 0.08).intersection(shapely.box(*EXTENT))
    out.append({"kind": "property", "code": "PROP", "geom": _largest(prop)})
    lagoon = _blob(rng, cx - 1500, cy, 15_000, 1500, 0.12)
    cuts = [y0, cy - 6000, cy + 5000, y1]
    for k, name in enumerate(("CHIOGGIA", "MALAMOCCO", "LIDO")):
        band = shapely.Polygon([(x0, cuts[k]), (x1, cuts[k] + 900 * (k - 1)),
                                (x1, cuts[k + 1] + 900 * k), (x0, cuts[k + 1])])
        out.append({"kind": "basin", "code": name, "geom": _largest(lagoon.intersection(band))})
    for i in range(24):
        px, py = rng.uniform(cx - 11_000, cx + 9000), rng.uniform(cy - 13_000, cy + 13_000)
        geom = _blob(rng, px, py, rng.uniform(250, 1400), int(rng.integers(60, 300)))
        out.append({"kind": "island", "code": f"I{i:02d}", "geom": _largest(geom)})
    for i in range(122):
        px, py = rng.uniform(x0 + 1000, x1 - 1000), rng.uniform(y0 + 1000, y1 - 1000)
        geom = _blob(rng, px, py, rng.uniform(60, 500), int(rng.integers(5, 21)), 0.3)
        out.append({"kind": "custom", "code": f"Z{i:03d}", "geom": _largest(geom)})
    return out


def _classes(rows: np.ndarray, cols: np.ndarray, res: float, seed: int) -> np.ndarray:
    """Patchy classes 1..8: a 40 m lattice of random classes, its cells jittered by a finer
    noise so that patch edges are not straight (a pure function of coordinates)."""
    x = EXTENT[0] + (cols + 0.5) * res
    y = EXTENT[3] - (rows + 0.5) * res
    jx = (np.sin(y / 37.0) * 9.0)[:, None]
    jy = (np.cos(x / 29.0) * 9.0)[None, :]
    ix = np.floor((x[None, :] + jx - EXTENT[0]) / 40.0).astype(np.int64)
    iy = np.floor((EXTENT[3] - y[:, None] + jy) / 40.0).astype(np.int64)
    with np.errstate(over="ignore"):
        h = (ix * 0x9E3779B1 + iy * 0x85EBCA77 + seed) & 0xFFFFFFFF
        h = (h ^ (h >> 15)) * 0x2C1B3C6D & 0xFFFFFFFF
        h ^= h >> 12
    return (1 + h % 8).astype(np.uint8)


def land_cover(path: Path, resolution: float, seed: int = 7) -> Path:
    """Write the land-cover raster at ``resolution`` metres (skipped when it exists)."""
    import rasterio
    from rasterio.transform import from_origin

    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    width = int(round((EXTENT[2] - EXTENT[0]) / resolution))
    height = int(round((EXTENT[3] - EXTENT[1]) / resolution))
    profile = dict(driver="GTiff", width=width, height=height, count=1, dtype="uint8", crs=CRS,
                   transform=from_origin(EXTENT[0], EXTENT[3], resolution, resolution), nodata=0,
                   tiled=True, blockxsize=512, blockysize=512, compress="deflate", BIGTIFF="YES")
    tmp = path.with_suffix(".part.tif")
    cols = np.arange(width)
    with rasterio.Env(GDAL_CACHEMAX=256), rasterio.open(tmp, "w", **profile) as dst:
        for r0 in range(0, height, 512):
            rows = np.arange(r0, min(r0 + 512, height))
            dst.write(_classes(rows, cols, resolution, seed), 1,
                      window=rasterio.windows.Window(0, r0, width, len(rows)))
    tmp.rename(path)
    return path
