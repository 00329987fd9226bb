"""Salt-marsh (barene) extent and net change per basin, measured two independent ways:

* ``vector``: the surveyed marsh polygons of each survey year (layer ``salt_marshes``,
  attribute ``survey_year``), dissolved and intersected with each basin (planar area in
  the storage CRS);
* ``raster``: the salt-marsh class of each land-cover raster (coverage-weighted, exact
  at basin edges).

Net change is against each source's first year. The run's summary gives, for the years
both sources have, the relative difference raster vs vector per basin (``agreement``).
"""

from __future__ import annotations

import numpy as np
import shapely

from ..errors import InvalidInput
from ..jobs import Inputs, Job, register
from ..jobs.context import JobContext
from . import zonal
from .common import Zoned, check_classes, label, mapper, year
from .rasters import Band, Classes


def _vector(ctx: JobContext, basins) -> dict[str, np.ndarray]:
    marshes = ctx.layer("salt_marshes", ["survey_year"])
    if marshes.empty:
        raise InvalidInput("The layer 'salt_marshes' has no features.")
    areas = {}
    geoms = np.asarray(basins.geometry.values, dtype=object)
    for survey in sorted(marshes["survey_year"].dropna().unique()):
        union = shapely.union_all(marshes.geometry.values[marshes["survey_year"] == survey])
        areas[str(int(survey))] = shapely.area(shapely.intersection(geoms, union)) / 1e4
    return areas


def _raster(ctx: JobContext, basins, marsh_class: int) -> dict[str, np.ndarray]:
    areas = {}
    for asset in ctx.raster_assets("land_cover"):
        check_classes(asset, "land_cover")
        path = ctx.raster_path(asset)
        zoned = Zoned(ctx, basins, path, label(asset, "land_cover"))
        cells = zonal.zone_class_cells(zoned.geoms, zoned.grid, Classes(Band(str(path))), 256,
                                       mapper=mapper(ctx, f"salt marsh {year(asset)}"))
        areas[year(asset)] = cells[:, marsh_class] * zoned.cell_ha
    return areas


def compute(ctx: JobContext) -> None:
    basins = ctx.zones()
    sources = {"vector": _vector(ctx, basins),
               "raster": _raster(ctx, basins, int(ctx.params["salt_marsh_class"]))}
    period = ctx.params.get("period")
    if period and not any(period in areas for areas in sources.values()):
        raise InvalidInput(f"Neither the salt-marsh survey nor the land-cover rasters have {period}.")
    for source, areas in sources.items():
        years = sorted(areas)
        first = years[0]
        for y in years:
            if period and y != period:
                continue
            for i, zone in enumerate(basins.itertuples()):
                ctx.emit("SALT_MARSH_AREA", areas[y][i], y, zone_id=zone.id, category=source)
                if y != first:
                    ctx.emit("SALT_MARSH_NET_CHANGE", areas[y][i] - areas[first][i], y,
                             zone_id=zone.id, category=source)
        ctx.summary.setdefault("net_change_since", {})[source] = first
    agreement = {}
    for y in sorted(set(sources["vector"]) & set(sources["raster"])):
        v, r = sources["vector"][y], sources["raster"][y]
        agreement[y] = {zone.code: (round(float((r[i] - v[i]) / v[i]), 5) if v[i] > 0 else None)
                        for i, zone in enumerate(basins.itertuples())}
    ctx.summary["agreement"] = agreement
    ctx.summary["zones"] = len(basins)


register(Job(
    name="salt_marsh",
    title_it="Estensione e variazione delle barene per bacino (da vettore e da raster)",
    title_en="Salt-marsh extent and change by basin (from vector and raster)",
    indicators=("SALT_MARSH_AREA", "SALT_MARSH_NET_CHANGE"),
    compute=compute,
    inputs=Inputs(layers=("salt_marshes",), rasters=("land_cover",), zone_kinds=("basin",)),
    parameters={"salt_marsh_class": 2},
))
