"""The store's rasters as XYZ PNG tiles (rio-tiler): the viewer's offline basemap and
overlays, and the per-pixel change between two dates of a class raster.

Class rasters (land cover) are read with nearest-neighbour resampling, so that no tile
invents a class by averaging codes, and coloured by their legend; continuous rasters (DEM,
NDVI) are stretched between their declared band min/max (else the 2nd and 98th percentiles
of an overview) through a named colour map.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from rasterio.errors import RasterioIOError
from rio_tiler.colormap import cmap as colormaps
from rio_tiler.errors import TileOutsideBounds
from rio_tiler.io import Reader
from rio_tiler.utils import render

from geoprocessing.errors import NotFound

TILE = 256
NEAREST = {"resampling_method": "nearest", "reproject_method": "nearest"}
# Colour maps of continuous rasters by layer name; others get viridis.
RAMPS = {"dem": "terrain", "ndvi": "rdylgn"}


@dataclass(frozen=True)
class Look:
    """How a raster is drawn: a class colour table, or a stretch through a colour map."""

    classes: tuple[tuple[int, tuple[int, int, int, int]], ...] = ()
    ramp: str = "viridis"
    low: float | None = None
    high: float | None = None

    @property
    def classified(self) -> bool:
        return bool(self.classes)


def hex_rgba(colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), alpha


def look_of(asset: dict) -> Look:
    """The drawing of an asset from its catalogue entry (legend, bands)."""
    legend = asset.get("legend") or []
    classes = tuple((int(e["value"]), hex_rgba(e["colour"])) for e in legend
                    if isinstance(e, dict) and e.get("colour") and _is_int(e.get("value")))
    if classes:
        return Look(classes=classes)
    band = (asset.get("bands") or [{}])[0] or {}
    return Look(ramp=RAMPS.get(asset.get("name"), "viridis"), low=band.get("min"),
                high=band.get("max"))


def _is_int(value) -> bool:
    try:
        return float(value) == int(float(value))
    except (TypeError, ValueError):
        return False


@lru_cache(maxsize=1)
def empty_tile() -> bytes:
    """A fully transparent tile, for places the raster does not cover."""
    return render(np.zeros((1, TILE, TILE), dtype="uint8"),
                  mask=np.zeros((TILE, TILE), dtype="uint8"), img_format="PNG")


@lru_cache(maxsize=64)
def stretch(path: str, checksum: str, low: float | None, high: float | None) -> tuple[float, float]:
    """The value range to stretch over (declared, else 2nd-98th percentile of an overview)."""
    if low is not None and high is not None and high > low:
        return float(low), float(high)
    with Reader(path) as src:
        img = src.preview(max_size=512, indexes=1)
    values = img.array.compressed() if np.ma.isMaskedArray(img.array) else img.array.ravel()
    if values.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(values, [2, 98])
    return float(lo), float(hi if hi > lo else lo + 1)


@lru_cache(maxsize=1024)
def tile(path: str, checksum: str, look: Look, z: int, x: int, y: int) -> bytes:
    """One PNG tile of an asset (cached by file checksum, so a new import shows at once)."""
    try:
        with Reader(path) as src:
            if look.classified:
                img = src.tile(x, y, z, tilesize=TILE, indexes=1, **NEAREST)
            else:
                img = src.tile(x, y, z, tilesize=TILE, indexes=1)
    except TileOutsideBounds:
        return empty_tile()
    except RasterioIOError:
        raise NotFound(f"The image file {Path(path).name} is missing or unreadable: "
                       "import the raster again.") from None
    if look.classified:
        return img.render(img_format="PNG", colormap=dict(look.classes))
    low, high = stretch(path, checksum, look.low, look.high)
    img.rescale(in_range=((low, high),))
    return img.render(img_format="PNG", colormap=colormaps.get(look.ramp))


@lru_cache(maxsize=512)
def change_tile(path_from: str, sum_from: str, path_to: str, sum_to: str, look: Look,
                z: int, x: int, y: int) -> bytes:
    """Pixels whose class differs between two dates, in the colour of their new class."""
    try:
        with Reader(path_from) as a_src, Reader(path_to) as b_src:
            a = a_src.tile(x, y, z, tilesize=TILE, indexes=1, **NEAREST)
            b = b_src.tile(x, y, z, tilesize=TILE, indexes=1, **NEAREST)
    except TileOutsideBounds:
        return empty_tile()
    except RasterioIOError:
        raise NotFound("An image file of the change is missing or unreadable: "
                       "import the raster again.") from None
    a_val, b_val = a.array[0].filled(0), b.array[0].filled(0)
    valid = ~np.ma.getmaskarray(a.array[0]) & ~np.ma.getmaskarray(b.array[0])
    changed = valid & (a_val != b_val)
    rgb = np.zeros((3, TILE, TILE), dtype="uint8")
    for value, (r, g, bl, _) in look.classes:
        hit = changed & (b_val == value)
        rgb[0][hit], rgb[1][hit], rgb[2][hit] = r, g, bl
    return render(rgb, mask=np.where(changed, 255, 0).astype("uint8"), img_format="PNG")


def legend_ramp(look: Look, path: str, checksum: str, stops: int = 6) -> dict:
    """A continuous legend: colours at evenly spaced values of the stretch."""
    low, high = stretch(path, checksum, look.low, look.high)
    table = colormaps.get(look.ramp)
    colours = []
    for i in range(stops):
        r, g, b, _ = table[round(i * 255 / (stops - 1))]
        colours.append(f"#{r:02x}{g:02x}{b:02x}")
    return {"low": low, "high": high, "colours": colours}


def asset_path(var_dir: Path, relative: str) -> str:
    """The absolute path of an asset (paths in the store are relative to var/)."""
    path = Path(relative)
    return str(path if path.is_absolute() else var_dir / path)
