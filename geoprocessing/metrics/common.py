"""What the raster metric jobs share: choosing assets, zones on the raster's grid, checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InvalidInput
from ..jobs.context import JobContext
from . import zonal
from .rasters import grid_of

# The zone kinds the raster metrics compute for, unless --zones says otherwise.
ZONE_KINDS = ("property", "buffer", "lagoon", "basin", "municipality", "municipalita",
              "sestiere", "island", "custom")


def year(asset: dict[str, Any]) -> str:
    return f"{asset['acquired']:%Y}"


def label(asset: dict[str, Any], layer: str) -> str:
    return f"{layer} {asset['acquired']:%Y-%m-%d}"


def assets_for_period(ctx: JobContext, layer: str, required: bool = True) -> list[dict[str, Any]]:
    """The layer's current assets (oldest first), only those of --period when given."""
    assets = ctx.raster_assets(layer)
    period = ctx.params.get("period")
    if period:
        assets = [a for a in assets if year(a) == period]
        if not assets and required:
            raise InvalidInput(f"The raster layer '{layer}' has no raster for {period}.")
    return assets


def check_classes(asset: dict[str, Any], layer: str) -> None:
    """Class rasters are one uint8 band (the land-cover convention; 0 is no data)."""
    if asset["dtype"] != "uint8":
        raise InvalidInput(f"The raster {label(asset, layer)} ({asset['path']}) has data type "
                           f"{asset['dtype']}; a class raster must be uint8.")


def legend_classes(asset: dict[str, Any]) -> list[int]:
    """The class codes of a classified layer's legend (none when it has no legend: then
    the classes found in the data are reported)."""
    values = {int(e["value"]) for e in asset.get("legend") or [] if "value" in e}
    return sorted(v for v in values if 0 < v < 256)


class Zoned:
    """The job's zones as geometries in a raster's CRS, and the raster's grid."""

    def __init__(self, ctx: JobContext, zones, path, what: str):
        self.grid = grid_of(path)
        crs = self.grid.crs
        if crs is None or not crs.is_projected:
            raise InvalidInput(f"The raster {what} ({path.name}) is not in a projected CRS in "
                               "metres; import it in the storage CRS.")
        frame = zones if zones.crs == crs else zones.to_crs(crs)
        self.geoms = np.asarray(frame.geometry.values, dtype=object)
        if not zonal.overlaps(self.geoms, self.grid):
            kinds = ", ".join(ctx.zone_kinds())
            raise InvalidInput(f"The raster {what} ({path.name}) does not overlap any zone of "
                               f"kind {kinds}.")

    @property
    def cell_ha(self) -> float:
        return self.grid.cell_area / 1e4


def mapper(ctx: JobContext, desc: str):
    """The engine's mapper over the job context: in-process, or Dask with --scheduler."""
    return lambda fn, items, shared: ctx.map(fn, items, shared=shared, desc=desc)
