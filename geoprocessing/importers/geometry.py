"""Geometry checks and repairs for one batch, vectorised with shapely 2.

In order: decode the WKB; empty/NULL geometries (refused or skipped, as the layer file
says); coordinates that are not numbers; Z and M values (kept, dropped or refused; M is
always dropped); reprojection; the extent check; repair of invalid geometries
(``make_valid``, counted); the declared geometry type (single parts promoted to multi,
one-part multis demoted to single). Geometries that did not change keep their original
WKB bytes, so a clean file in the storage CRS is never re-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import shapely
from shapely import GeometryType as T

from ..catalogue import LayerDef
from ..errors import InvalidInput
from . import extent

SINGLE = {"MultiPolygon": T.POLYGON, "MultiLineString": T.LINESTRING, "MultiPoint": T.POINT}
MULTI = {"Polygon": T.MULTIPOLYGON, "LineString": T.MULTILINESTRING, "Point": T.MULTIPOINT}
TYPE_ID = {"Point": T.POINT, "LineString": T.LINESTRING, "Polygon": T.POLYGON,
           "MultiPoint": T.MULTIPOINT, "MultiLineString": T.MULTILINESTRING,
           "MultiPolygon": T.MULTIPOLYGON}
MAKE_MULTI = {T.MULTIPOLYGON: shapely.multipolygons, T.MULTILINESTRING: shapely.multilinestrings,
              T.MULTIPOINT: shapely.multipoints}
TYPE_NAME = {int(t): n for n, t in TYPE_ID.items()} | {int(T.GEOMETRYCOLLECTION): "GeometryCollection",
                                                       int(T.LINEARRING): "LinearRing"}


@dataclass
class CleanBatch:
    wkb: pa.Array  # WKB of the kept features, in file order
    keep: np.ndarray  # bool over the batch: False for skipped (empty) features
    repaired: int
    skipped: int
    bounds: np.ndarray | None  # xmin, ymin, xmax, ymax of the kept features


def wkb_dimensions(wkb: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(has Z, has M) of every WKB value, read from its header without decoding it.

    ISO WKB adds 1000 (Z), 2000 (M) or 3000 (ZM) to the type; EWKB sets the 0x80000000 (Z)
    and 0x40000000 (M) flags. NULL or too-short values give False.
    """
    n = len(wkb)
    if n == 0:
        return np.zeros(0, bool), np.zeros(0, bool)
    wide = pa.types.is_large_binary(wkb.type)
    offsets = np.frombuffer(wkb.buffers()[1], dtype=np.int64 if wide else np.int32,
                            count=n + 1, offset=wkb.offset * (8 if wide else 4))
    data = wkb.buffers()[2]
    body = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    ok = np.diff(offsets) >= 5
    first = offsets[:-1][ok]
    head = body[first[:, None] + np.arange(5)].astype(np.uint32)
    little = head[:, 0] == 1
    code = np.where(little, head[:, 1] | head[:, 2] << 8 | head[:, 3] << 16 | head[:, 4] << 24,
                    head[:, 4] | head[:, 3] << 8 | head[:, 2] << 16 | head[:, 1] << 24)
    iso = (code & 0x0FFFFFFF) // 1000
    z, m = np.zeros(n, bool), np.zeros(n, bool)
    z[ok] = ((code & 0x80000000) != 0) | (iso == 1) | (iso == 3)
    m[ok] = ((code & 0x40000000) != 0) | (iso == 2) | (iso == 3)
    return z, m


def _refuse(label: str, position: int, problem: str) -> InvalidInput:
    return InvalidInput(f"{label}: feature {position + 1:,} {problem}.")


def _dimension(label: str, positions: np.ndarray, g: np.ndarray, changed: np.ndarray,
               policy: str, hz: np.ndarray, hm: np.ndarray) -> None:
    if policy == "refuse" and hz.any():
        raise _refuse(label, positions[np.flatnonzero(hz)[0]],
                      'has Z values (heights) and the layer refuses them (z = "refuse")')
    if policy == "drop":
        fix = hz | hm
        if fix.any():
            g[fix] = shapely.force_2d(g[fix])
    else:  # keep: every geometry gets Z (0 where missing); M goes
        zm = hz & hm
        if zm.any():
            g[zm] = shapely.from_wkb(shapely.to_wkb(g[zm], output_dimension=3))
        flat = ~hz
        if flat.any():
            g[flat] = shapely.force_3d(shapely.force_2d(g[flat]), 0.0)
        fix = zm | flat
    changed |= fix


def _repair(label: str, positions: np.ndarray, g: np.ndarray, changed: np.ndarray,
            layer: LayerDef) -> int:
    invalid = ~shapely.is_valid(g)
    if not invalid.any():
        return 0
    polygonal = layer.geometry_type in ("Polygon", "MultiPolygon")
    fixed = shapely.make_valid(g[invalid], method="structure" if polygonal else "linework",
                               keep_collapsed=False)
    gone = shapely.is_empty(fixed)
    if gone.any():
        raise _refuse(label, positions[np.flatnonzero(invalid)[np.flatnonzero(gone)[0]]],
                      "has an invalid geometry that collapses to nothing when repaired "
                      "(e.g. a polygon with no area)")
    g[invalid] = fixed
    changed |= invalid
    return int(invalid.sum())


def _conform(label: str, positions: np.ndarray, g: np.ndarray, changed: np.ndarray,
             declared: str) -> None:
    if declared == "Geometry":
        return
    tid = shapely.get_type_id(g)
    target = TYPE_ID[declared]
    if declared in SINGLE:  # multi layer: promote single parts, unpack collections from repairs
        single = tid == SINGLE[declared]
        if single.any():
            g[single] = MAKE_MULTI[target](g[single], indices=np.arange(int(single.sum())))
            changed |= single
        for i in np.flatnonzero(tid == T.GEOMETRYCOLLECTION):
            parts = [p for p in shapely.get_parts(g[i]) if shapely.get_type_id(p) == SINGLE[declared]]
            if parts:
                g[i] = MAKE_MULTI[target](parts)
                changed[i] = True
    else:  # single layer: a multi of one part is that part
        multi = (tid == MULTI[declared]) & (shapely.get_num_geometries(g) == 1)
        if multi.any():
            g[multi] = shapely.get_geometry(g[multi], 0)
            changed |= multi
    wrong = shapely.get_type_id(g) != target
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        kind = TYPE_NAME.get(int(shapely.get_type_id(g[i])), "geometry of another kind")
        parts = shapely.get_num_geometries(g[i])
        extra = f" of {parts} parts" if declared in MULTI and parts > 1 else ""
        raise _refuse(label, positions[i], f"is a {kind}{extra}, but the layer holds {declared}")


def clean(label: str, start: int, wkb: pa.Array, layer: LayerDef,
          reproj: extent.Reprojection) -> CleanBatch:
    """Check, repair and reproject one batch; raises InvalidInput naming the first bad feature."""
    with np.errstate(invalid="ignore"):  # NaN coordinates are reported below, in a sentence
        return _clean(label, start, wkb, layer, reproj)


def _clean(label: str, start: int, wkb_array: pa.Array, layer: LayerDef,
           reproj: extent.Reprojection) -> CleanBatch:
    wkb = wkb_array.to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    undecodable = shapely.is_missing(geoms) & np.not_equal(wkb, None)
    if undecodable.any():
        raise _refuse(label, start + int(np.flatnonzero(undecodable)[0]),
                      "has a geometry laguna cannot decode (a curved or corrupt geometry)")
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    skipped = int(missing.sum())
    if skipped and layer.empty_geometries == "refuse":
        raise _refuse(label, start + int(np.flatnonzero(missing)[0]),
                      "has an empty or missing geometry and the layer refuses them "
                      '(empty_geometries = "report" would skip them)')
    keep = ~missing
    positions = start + np.flatnonzero(keep)
    g = geoms[keep]
    if g.size == 0:
        return CleanBatch(pa.array([], pa.binary()), keep, 0, skipped, None)
    coords, owner = shapely.get_coordinates(g, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        raise _refuse(label, positions[owner[np.flatnonzero(bad)[0]]],
                      "has a coordinate that is not a number (NaN or infinite)")
    del coords, owner
    changed = np.zeros(g.size, bool)
    hz, hm = wkb_dimensions(wkb_array)
    _dimension(label, positions, g, changed, layer.z, hz[keep], hm[keep])
    original = g
    if reproj.transformer is not None:
        g = reproj.apply(g, include_z=layer.z == "keep")
        changed[:] = True
    bounds = shapely.bounds(g)
    extent.check(label, positions, original, bounds, reproj, layer.wide_extent)
    repaired = _repair(label, positions, g, changed, layer)
    _conform(label, positions, g, changed, layer.geometry_type)
    if changed.any():
        out = wkb[keep]
        out[changed] = shapely.to_wkb(g[changed], output_dimension=3 if layer.z == "keep" else 2)
        out = pa.array(out, pa.large_binary())
    else:  # the source's own bytes, without a round trip through Python objects
        out = wkb_array if keep.all() else wkb_array.filter(pa.array(keep))
    box = np.array([bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()])
    return CleanBatch(out, keep, repaired, skipped, box)
