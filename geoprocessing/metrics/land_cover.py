"""Land-cover composition per zone and date, and land-cover change between dates.

Areas are coverage-weighted (exact fractions of the cells at zone edges, see
:mod:`.zonal`), planar in the raster's projected CRS, in hectares; shares are of the
zone's area with land-cover data (nodata excluded).
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInput
from ..jobs import Inputs, Job, register
from ..jobs.context import JobContext
from . import zonal
from .common import (
    ZONE_KINDS,
    Zoned,
    assets_for_period,
    check_classes,
    label,
    legend_classes,
    mapper,
    year,
)
from .rasters import Band, Classes, Transitions


def composition(ctx: JobContext) -> None:
    assets = assets_for_period(ctx, "land_cover")
    zones = ctx.zones()
    ctx.summary["dates"] = []
    outside: set[str] = set()
    for asset in assets:
        check_classes(asset, "land_cover")
        path = ctx.raster_path(asset)
        zoned = Zoned(ctx, zones, path, label(asset, "land_cover"))
        cells = zonal.zone_class_cells(zoned.geoms, zoned.grid, Classes(Band(str(path))), 256,
                                       mapper=mapper(ctx, f"land cover {year(asset)}"))
        area = cells * zoned.cell_ha
        classes = sorted(set(legend_classes(asset)) | set(np.flatnonzero(area[:, 1:].sum(0)) + 1))
        for zone, row in zip(zones.itertuples(), area, strict=True):
            total = row[1:].sum()
            if total <= 0:
                outside.add(zone.code)
                continue
            for c in classes:
                ctx.emit("LAND_COVER_AREA", row[c], year(asset), zone_id=zone.id, category=str(c))
                ctx.emit("LAND_COVER_SHARE", 100 * row[c] / total, year(asset), zone_id=zone.id,
                         category=str(c))
        ctx.summary["dates"].append(f"{asset['acquired']:%Y-%m-%d}")
        ctx.summary["resolution_m"] = zoned.grid.transform.a
    ctx.summary["zones"] = len(zones)
    if outside:
        ctx.summary["zones_without_data"] = sorted(outside)


def change(ctx: JobContext) -> None:
    assets = ctx.raster_assets("land_cover")
    if len(assets) < 2:
        raise InvalidInput("Land-cover change needs rasters of two dates; the layer 'land_cover' "
                           f"has {len(assets)}.")
    base_year = ctx.params.get("baseline")
    base = next((a for a in assets if year(a) == str(base_year)), None) if base_year else assets[0]
    if base is None:
        raise InvalidInput(f"The layer 'land_cover' has no raster for the baseline {base_year}.")
    later = [a for a in assets if a["acquired"] > base["acquired"]]
    period = ctx.params.get("period")
    if period:
        later = [a for a in later if year(a) == period]
        if not later:
            raise InvalidInput(f"The layer 'land_cover' has no raster for {period} after the "
                               f"baseline {year(base)}.")
    for asset in (base, *later):
        check_classes(asset, "land_cover")
    zones = ctx.zones()
    artificial = int(ctx.params["artificial_class"])
    before_path = ctx.raster_path(base)
    zoned = Zoned(ctx, zones, before_path, label(base, "land_cover"))
    ctx.summary["pairs"] = {}
    for asset in later:
        after = Band(str(ctx.raster_path(asset)), zoned.grid)
        reader = Transitions(Band(str(before_path)), after)
        try:
            cells = zonal.zone_class_cells(zoned.geoms, zoned.grid, reader, 256,
                                           mapper=mapper(ctx, f"change {year(base)}-{year(asset)}"))
        except ValueError as exc:
            raise InvalidInput(f"The land-cover rasters of {year(base)} and {year(asset)} cannot "
                               f"be compared: {exc}.") from None
        area = cells * zoned.cell_ha
        seen = area.sum(axis=0).reshape(16, 16)
        present = set(np.flatnonzero(seen[1:, 1:].sum(axis=1) + seen[1:, 1:].sum(axis=0)) + 1)
        classes = sorted(c for c in set(legend_classes(asset)) | set(legend_classes(base)) | present
                         if c < 16)
        period_of = year(asset)
        for zone, row in zip(zones.itertuples(), area, strict=True):
            matrix = row.reshape(16, 16)
            if matrix[1:, 1:].sum() <= 0:
                continue
            for f, t in zip(*np.nonzero(matrix), strict=True):
                if f and t:
                    ctx.emit("LAND_COVER_CHANGE", matrix[f, t], period_of, zone_id=zone.id,
                             category=f"{f}>{t}")
            for c in classes:
                ctx.emit("LAND_COVER_CHANGE", matrix[1:, c].sum() - matrix[c, 1:].sum(), period_of,
                         zone_id=zone.id, category=f"net:{c}")
            gained = matrix[1:, artificial].sum() - matrix[artificial, artificial]
            ctx.emit("LAND_TAKE", gained, period_of, zone_id=zone.id)
        ctx.summary["pairs"][period_of] = f"{base['acquired']:%Y-%m-%d} -> {asset['acquired']:%Y-%m-%d}"
    ctx.summary["zones"] = len(zones)


register(Job(
    name="land_cover_composition",
    title_it="Composizione della copertura del suolo per zona",
    title_en="Land-cover composition by zone",
    indicators=("LAND_COVER_AREA", "LAND_COVER_SHARE"),
    compute=composition,
    inputs=Inputs(rasters=("land_cover",), zone_kinds=ZONE_KINDS),
))

register(Job(
    name="land_cover_change",
    title_it="Cambiamenti di copertura del suolo e consumo di suolo",
    title_en="Land-cover change and land take",
    indicators=("LAND_COVER_CHANGE", "LAND_TAKE"),
    compute=change,
    inputs=Inputs(rasters=("land_cover",), zone_kinds=ZONE_KINDS),
    parameters={"artificial_class": 4},
))
