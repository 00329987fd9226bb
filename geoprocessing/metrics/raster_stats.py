"""Continuous raster statistics per zone (elevation/bathymetry, NDVI) and the mean depth
change of each basin between DEM dates.

Statistics are coverage-weighted like exactextract's: ``count`` is the sum of the
coverage fractions of valid cells, ``mean`` the weighted mean, ``min``/``max`` over cells
with any coverage, ``p10``/``p50``/``p90`` the weighted quantiles (the smallest value whose
cumulative weight reaches the fraction; numpy's ``inverted_cdf`` with weights).
"""

from __future__ import annotations

from ..errors import InvalidInput
from ..jobs import Inputs, Job, register
from ..jobs.context import JobContext
from . import zonal
from .common import ZONE_KINDS, Zoned, assets_for_period, label, mapper, year
from .rasters import Band, Difference, Values

QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}


def _stats(ctx: JobContext, zones, layer: str, assets, indicator: str) -> list[str]:
    dates = []
    for asset in assets:
        path = ctx.raster_path(asset)
        zoned = Zoned(ctx, zones, path, label(asset, layer))
        stats = zonal.zone_value_stats(zoned.geoms, zoned.grid, Values(Band(str(path))),
                                       tuple(QUANTILES.values()),
                                       mapper=mapper(ctx, f"{layer} {year(asset)}"))
        for i, zone in enumerate(zones.itertuples()):
            if not stats["count"][i] > 0:
                continue
            for name in ("mean", "min", "max"):
                ctx.emit(indicator, stats[name][i], year(asset), zone_id=zone.id, category=name)
            for name, q in QUANTILES.items():
                ctx.emit(indicator, stats[q][i], year(asset), zone_id=zone.id, category=name)
            ctx.emit(indicator, stats["count"][i], year(asset), zone_id=zone.id, category="count")
        dates.append(f"{asset['acquired']:%Y-%m-%d}")
    return dates


def _depth_change(ctx: JobContext, zones) -> dict[str, str]:
    """Mean of (earlier - later elevation) over each basin, in cm: positive = deepened."""
    basins = zones[zones["kind"] == "basin"]
    dems = ctx.raster_assets("dem")
    if basins.empty or len(dems) < 2:
        return {}
    base = dems[0]
    period = ctx.params.get("period")
    pairs = {}
    base_path = ctx.raster_path(base)
    zoned = Zoned(ctx, basins, base_path, label(base, "dem"))
    for asset in dems[1:]:
        if period and year(asset) != period:
            continue
        reader = Difference(Band(str(base_path)), Band(str(ctx.raster_path(asset)), zoned.grid))
        stats = zonal.zone_value_stats(zoned.geoms, zoned.grid, reader,
                                       mapper=mapper(ctx, f"depth change {year(asset)}"))
        for i, zone in enumerate(basins.itertuples()):
            if stats["count"][i] > 0:
                ctx.emit("MEAN_DEPTH_CHANGE", 100 * stats["mean"][i], year(asset), zone_id=zone.id)
        pairs[year(asset)] = f"{base['acquired']:%Y-%m-%d} -> {asset['acquired']:%Y-%m-%d}"
    return pairs


def compute(ctx: JobContext) -> None:
    dem = assets_for_period(ctx, "dem", required=False)
    ndvi = assets_for_period(ctx, "ndvi", required=False)
    if not dem and not ndvi:
        raise InvalidInput(f"The layers 'dem' and 'ndvi' have no raster for {ctx.params['period']}.")
    zones = ctx.zones()
    ctx.summary["dem_dates"] = _stats(ctx, zones, "dem", dem, "ELEVATION_STATS")
    ctx.summary["ndvi_dates"] = _stats(ctx, zones, "ndvi", ndvi, "NDVI_STATS")
    ctx.summary["depth_change_pairs"] = _depth_change(ctx, zones)
    ctx.summary["zones"] = len(zones)


register(Job(
    name="raster_statistics",
    title_it="Statistiche dei raster continui per zona (quote, NDVI, variazione di profondità)",
    title_en="Continuous raster statistics by zone (elevation, NDVI, depth change)",
    indicators=("ELEVATION_STATS", "NDVI_STATS", "MEAN_DEPTH_CHANGE"),
    compute=compute,
    inputs=Inputs(rasters=("dem", "ndvi"), zone_kinds=ZONE_KINDS),
))
