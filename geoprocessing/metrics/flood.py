"""Flood exposure from the DEM at tide levels (+80, +110, +140, +187 cm above the Punta
della Salute datum, ZMPS, the datum of the DEM):

* ``FLOOD_LAND_SHARE``: the share of each zone's land (cells whose land-cover class is a
  land class: artificial, agricultural, green, beaches) whose ground is below the level,
  coverage-weighted; the land cover is the raster of the DEM's date or the nearest one;
* ``FLOOD_ASSETS_EXPOSED``: the heritage assets (layer ``heritage_assets``) of each zone
  whose ground (the DEM cell under the point) is below the level. The list of exposed
  assets per level goes in the run's summary (``exposed_assets``), for the map and the
  reports.
"""

from __future__ import annotations

import numpy as np
import rasterio
import shapely

from ..jobs import Inputs, Job, register
from ..jobs.context import JobContext
from . import zonal
from .common import ZONE_KINDS, Zoned, assets_for_period, label, mapper, year
from .rasters import Band, FloodClasses


def _nearest(assets, when):
    return min(assets, key=lambda a: (abs((a["acquired"] - when).days), a["acquired"]))


def _ground(path, points) -> np.ndarray:
    """DEM value (m) under each point (NaN off the raster or on nodata)."""
    out = np.full(len(points), np.nan)
    with rasterio.open(path) as ds:
        xy = shapely.get_coordinates(points)
        rows, cols = rasterio.transform.rowcol(ds.transform, xy[:, 0], xy[:, 1])
        rows, cols = np.asarray(rows), np.asarray(cols)
        on = (rows >= 0) & (rows < ds.height) & (cols >= 0) & (cols < ds.width)
        if on.any():
            r0, r1, c0, c1 = rows[on].min(), rows[on].max() + 1, cols[on].min(), cols[on].max() + 1
            if (r1 - r0) * (c1 - c0) <= 1 << 24:
                block = ds.read(1, window=rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0))
                values = block[rows[on] - r0, cols[on] - c0].astype(np.float64)
            else:
                values = np.array([v[0] for v in ds.sample(xy[on])], dtype=np.float64)
            if ds.nodata is not None:
                values[values == ds.nodata] = np.nan
            out[on] = values
    return out


def compute(ctx: JobContext) -> None:
    levels_cm = [int(v) for v in ctx.params["levels_cm"]]
    levels = tuple(v / 100 for v in levels_cm)
    land_classes = tuple(int(c) for c in ctx.params["land_classes"])
    dems = assets_for_period(ctx, "dem")
    land_covers = ctx.raster_assets("land_cover")
    assets = ctx.layer("heritage_assets", ["asset_id", "name", "category"])
    zones = ctx.zones()
    for dem in dems:
        dem_path = ctx.raster_path(dem)
        lc = _nearest(land_covers, dem["acquired"])
        zoned = Zoned(ctx, zones, dem_path, label(dem, "dem"))
        reader = FloodClasses(Band(str(dem_path)), Band(str(ctx.raster_path(lc)), zoned.grid),
                              levels, land_classes)
        cells = zonal.zone_class_cells(zoned.geoms, zoned.grid, reader, len(levels) + 2,
                                       mapper=mapper(ctx, f"flood {year(dem)}"))
        land = cells[:, 1:].sum(axis=1)
        below = np.cumsum(cells[:, 1:len(levels) + 1], axis=1)   # zones x levels
        for i, zone in enumerate(zones.itertuples()):
            if land[i] > 0:
                for k, cm in enumerate(levels_cm):
                    ctx.emit("FLOOD_LAND_SHARE", 100 * below[i, k] / land[i], year(dem),
                             zone_id=zone.id, category=str(cm))
        # Heritage assets: the ground under each point, and the zones each lies in.
        points = assets.to_crs(zoned.grid.crs).geometry.values
        ground = _ground(dem_path, points)
        pt, zi = shapely.STRtree(zoned.geoms).query(points, predicate="intersects")
        lists = {}
        for k, cm in enumerate(levels_cm):
            hit = ground < levels[k]
            counts = np.bincount(zi[hit[pt]], minlength=len(zones))
            for i, zone in enumerate(zones.itertuples()):
                ctx.emit("FLOOD_ASSETS_EXPOSED", counts[i], year(dem), zone_id=zone.id,
                         category=str(cm))
            lists[str(cm)] = _exposed_list(assets, zones, pt, zi, shapely.area(zoned.geoms),
                                           np.flatnonzero(hit), ground)
        # The list of the latest date computed goes to the summary (the map and reports).
        ctx.summary["exposed_assets"] = lists
        ctx.summary["exposed_assets_period"] = year(dem)
        ctx.summary.setdefault("dates", {})[year(dem)] = {
            "dem": f"{dem['acquired']:%Y-%m-%d}", "land_cover": f"{lc['acquired']:%Y-%m-%d}"}
        ctx.summary["zones_without_land"] = [z.code for z, n in zip(zones.itertuples(), land, strict=True)
                                             if n <= 0]
        ctx.summary["assets_without_ground"] = int(np.isnan(ground).sum())
    ctx.summary["levels_cm"] = levels_cm
    ctx.summary["zones"] = len(zones)


def _exposed_list(assets, zones, pt, zi, area, hits, ground) -> list[dict]:
    """Exposed assets with their zone (the smallest zone holding them) and all zone codes."""
    codes = zones["code"].to_numpy()
    out = []
    for a in hits:
        mine = zi[pt == a]
        if not len(mine):
            continue
        row = assets.iloc[a]
        out.append({"fid": int(row["fid"]), "asset_id": row["asset_id"], "name": row["name"],
                    "category": row["category"], "zone": str(codes[mine[np.argmin(area[mine])]]),
                    "zones": sorted({str(codes[m]) for m in mine}),
                    "ground_cm": round(float(ground[a]) * 100, 1)})
    return out


register(Job(
    name="flood_exposure",
    title_it="Esposizione all'acqua alta: terre emerse e beni culturali sotto i livelli di marea",
    title_en="Flood exposure: land and heritage assets below tide levels",
    indicators=("FLOOD_LAND_SHARE", "FLOOD_ASSETS_EXPOSED"),
    compute=compute,
    inputs=Inputs(layers=("heritage_assets",), rasters=("dem", "land_cover"), zone_kinds=ZONE_KINDS),
    parameters={"levels_cm": [80, 110, 140, 187], "land_classes": [4, 5, 6, 7]},
))
