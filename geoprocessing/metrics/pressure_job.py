"""Job ``pressure_density``: points of a layer (default: accommodation, weighted by beds)
per km² and per resident in each zone (rules in :mod:`.density`).

The default layer and weight write the values with category ``''``; another choice
(``--param layer=... --param weight=...``, weight ``null`` to count points) writes them
with category ``LAYER:WEIGHT`` (``LAYER:count``), and a run replaces only its own category.
"""

from __future__ import annotations

import math

import pandas as pd

from .. import jobs
from ..errors import InvalidInput
from ..jobs.context import JobContext
from . import density

DEFAULT_LAYER, DEFAULT_WEIGHT = "accommodation", "beds"


def _attributes(ctx: JobContext, layer: str) -> list[str] | None:
    row = ctx.conn.execute("SELECT table_name FROM laguna.layers WHERE name = %s AND kind = 'vector'",
                           (layer,)).fetchone()
    if row is None:
        return None
    return [r[0] for r in ctx.conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'layers' "
        "AND table_name = %s AND column_name NOT IN ('fid', 'layer_version', 'geom') ORDER BY ordinal_position",
        (row[0],)).fetchall()]


def _period(ctx: JobContext, layer: str) -> str:
    """--period, else the year the layer's data refer to (the import's --date), else the year
    its current version was imported."""
    if ctx.params.get("period"):
        return ctx.params["period"]
    return str(ctx.conn.execute(
        "SELECT extract(year FROM coalesce((v.report -> 'options' ->> 'acquired')::date, "
        "       (v.imported_at AT TIME ZONE 'Europe/Rome')::date))::int FROM laguna.layer_versions v "
        "JOIN laguna.layers l ON l.id = v.layer_id WHERE l.name = %s ORDER BY v.version DESC LIMIT 1",
        (layer,)).fetchone()[0])


def _check_points(points, layer: str, weight: str | None) -> None:
    if points.empty:
        raise InvalidInput(f"The layer '{layer}' has no features in its current version.")
    not_points = points[~points.geometry.geom_type.isin(["Point", "MultiPoint"])]
    if len(not_points):
        raise InvalidInput(f"The layer '{layer}' is not a point layer (feature {not_points['fid'].iloc[0]} "
                           f"is a {not_points.geometry.geom_type.iloc[0]}).")
    if weight:
        numbers = pd.to_numeric(points[weight], errors="coerce")
        bad = points[(numbers.isna() & points[weight].notna()) | (numbers < 0)]
        if len(bad):
            raise InvalidInput(f"Feature {bad['fid'].iloc[0]} of layer '{layer}' has {weight} = "
                               f"{bad[weight].iloc[0]!r}, not a number of zero or more.")


def compute_pressure_density(ctx: JobContext) -> None:
    layer = ctx.params.get("layer") or DEFAULT_LAYER
    weight = ctx.params.get("weight") or None
    attributes = _attributes(ctx, layer)
    if attributes is not None and weight and weight not in attributes:
        raise InvalidInput(f"The layer '{layer}' has no attribute '{weight}' "
                           f"(it has {', '.join(attributes) or 'none'}).")
    points = ctx.layer(layer, [weight] if weight else [])
    _check_points(points, layer, weight)
    zones = ctx.zones()
    table = density.point_density(zones, points, weight)
    table = table.join(zones[["kind", "code"]].reset_index(drop=True))
    category = "" if (layer, weight) == (DEFAULT_LAYER, DEFAULT_WEIGHT) else f"{layer}:{weight or 'count'}"
    period = _period(ctx, layer)
    for row in table.itertuples():
        ctx.emit("ACCOMMODATION_DENSITY", row.per_km2, period, zone_id=int(row.zone_id), category=category)
        if not math.isnan(row.per_resident):
            ctx.emit("ACCOMMODATION_PER_RESIDENT", row.per_resident, period, zone_id=int(row.zone_id),
                     category=category)
    ctx.replace_categories = [category]
    ctx.summary.update(
        layer=layer, weight=weight or "count", category=category, period=period, points=int(len(points)),
        zones=[{"kind": r.kind, "code": r.code, "points": int(r.points), "total": float(r.total),
                "area_km2": round(float(r.area_km2), 6),
                "population": None if math.isnan(r.population) else int(r.population),
                "per_km2": round(float(r.per_km2), 4),
                "per_resident": None if math.isnan(r.per_resident) else round(float(r.per_resident), 6)}
               for r in table.itertuples()])


PRESSURE_DENSITY = jobs.register(jobs.Job(
    name="pressure_density",
    title_it="Densità di pressione (posti letto turistici)", title_en="Pressure density (tourist beds)",
    indicators=("ACCOMMODATION_DENSITY", "ACCOMMODATION_PER_RESIDENT"),
    compute=compute_pressure_density,
    inputs=jobs.Inputs(layers=(DEFAULT_LAYER,),
                       zone_kinds=("sestiere", "island", "municipality", "property", "buffer")),
    parameters={"layer": DEFAULT_LAYER, "weight": DEFAULT_WEIGHT},
))
