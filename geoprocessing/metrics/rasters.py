"""Reading rasters window by window for the zonal engine.

Readers are small picklable recipes (a Dask worker rebuilds them): given a window of the
job's grid they open the COG(s), read just that window, and return class values or
``(values, valid)``. A raster on another grid than the job's is read through a
``WarpedVRT`` onto it (nearest neighbour). GDAL's block cache is kept small: reading is
by whole block rows, so a cache only costs memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window

from .zonal import Grid, scratch

GDAL_CACHE_MB = 64


def grid_of(path) -> Grid:
    with rasterio.open(path) as ds:
        return Grid.of(ds)


@dataclass(frozen=True)
class Band:
    """Band 1 of a raster file, read on ``grid`` (its own grid when None)."""

    path: str
    grid: Grid | None = None

    def raw(self, r0: int, r1: int, c0: int, c1: int) -> tuple[np.ndarray, float | None]:
        """The window's values and the nodata value."""
        window = Window(c0, r0, c1 - c0, r1 - r0)
        with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB), rasterio.open(self.path) as ds:
            # Into a buffer of this thread, reused by its next task (valid until then).
            out = scratch(f"read:{self.path}", (r1 - r0, c1 - c0), ds.dtypes[0])
            if self.grid is None or Grid.of(ds).same_as(self.grid):
                return ds.read(1, window=window, out=out), ds.nodata
            g = self.grid
            with WarpedVRT(ds, crs=g.crs, transform=g.transform, width=g.width, height=g.height,
                           resampling=Resampling.nearest) as vrt:
                return vrt.read(1, window=window, out=out), vrt.nodata

    def read(self, r0: int, r1: int, c0: int, c1: int) -> tuple[np.ndarray, np.ndarray]:
        """The window's values and validity (not nodata, not NaN)."""
        data, nodata = self.raw(r0, r1, c0, c1)
        valid = np.ones(data.shape, dtype=bool) if nodata is None else data != nodata
        if data.dtype.kind == "f":
            valid &= ~np.isnan(data)
        return data, valid


@dataclass(frozen=True)
class Classes:
    """Class values of a categorical (uint8) raster; nodata becomes class 0 (so a class 0
    that is not nodata counts as no data too)."""

    band: Band

    def __call__(self, r0, r1, c0, c1) -> np.ndarray:
        data, nodata = self.band.raw(r0, r1, c0, c1)
        if data.dtype != np.uint8:
            raise ValueError(f"a class raster must be uint8, not {data.dtype}")
        if nodata is None or nodata == 0:     # the usual case: nothing to copy
            return data
        return np.where(data == nodata, 0, data).astype(np.uint8)


@dataclass(frozen=True)
class Transitions:
    """From -> to pairs of two class rasters as ``from * 16 + to`` (0 where either is nodata)."""

    before: Band
    after: Band

    def __call__(self, r0, r1, c0, c1) -> np.ndarray:
        a, va = self.before.read(r0, r1, c0, c1)
        b, vb = self.after.read(r0, r1, c0, c1)
        ok = va & vb & (a > 0) & (b > 0)
        if (a[ok] > 15).any() or (b[ok] > 15).any():
            raise ValueError("class codes above 15 cannot be paired")
        return np.where(ok, a.astype(np.uint8) * 16 + b.astype(np.uint8), 0).astype(np.uint8)


@dataclass(frozen=True)
class Values:
    """Values of a continuous raster, in float64 only when stored so."""

    band: Band

    def __call__(self, r0, r1, c0, c1):
        return self.band.read(r0, r1, c0, c1)


@dataclass(frozen=True)
class Difference:
    """``before - after`` (float64), valid where both are."""

    before: Band
    after: Band

    def __call__(self, r0, r1, c0, c1):
        a, va = self.before.read(r0, r1, c0, c1)
        b, vb = self.after.read(r0, r1, c0, c1)
        return a.astype(np.float64) - b.astype(np.float64), va & vb


@dataclass(frozen=True)
class FloodClasses:
    """Land cells by the lowest tide level above their ground.

    Class 0: not land (per the land-cover raster) or no elevation; class k (1..n): the
    ground is below level k but not below level k - 1 (levels ascending, in metres);
    class n + 1: at or above every level.
    """

    dem: Band
    land_cover: Band
    levels: tuple[float, ...]
    land_classes: tuple[int, ...]

    def __call__(self, r0, r1, c0, c1) -> np.ndarray:
        z, vz = self.dem.read(r0, r1, c0, c1)
        lc, vl = self.land_cover.read(r0, r1, c0, c1)
        land = vz & vl & np.isin(lc, self.land_classes)
        # Class 1 + the number of levels at or below the ground, counted in uint8, comparing
        # in the DEM's own type (no float64 copy of the window).
        out = land.astype(np.uint8)
        at_or_above = np.empty(z.shape, dtype=bool)
        for level in self.levels:
            np.greater_equal(z, _threshold(level, z.dtype), out=at_or_above)
            at_or_above &= land
            out += at_or_above
        return out


def _threshold(level: float, dtype) -> float | np.floating:
    """``z >= level`` computed in ``dtype`` gives the float64 answer: for float32 the
    smallest float32 not below the level (float32 rounds some levels down, e.g. 1.4)."""
    if np.dtype(dtype) != np.float32:
        return level
    t = np.float32(level)
    return np.nextafter(t, np.float32(np.inf)) if float(t) < level else t
