"""Small geometry helpers for drawing illustrative shapes in EPSG:7792 (metres)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from . import noise

CRS = "EPSG:7792"
_TO_UTM = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
_TO_LL = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def utm(lon: float, lat: float) -> tuple[float, float]:
    """A WGS84 longitude/latitude in EPSG:7792 metres."""
    x, y = _TO_UTM.transform(lon, lat)
    return float(x), float(y)


def utm_all(coords: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    return [utm(lon, lat) for lon, lat in coords]


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = _TO_LL.transform(x, y)
    return float(lon), float(lat)


def polygon_ll(coords: Sequence[tuple[float, float]]) -> Polygon:
    return shapely.make_valid(Polygon(utm_all(coords))).buffer(0)


def line_ll(coords: Sequence[tuple[float, float]]) -> LineString:
    return LineString(utm_all(coords))


def largest(geom: BaseGeometry) -> Polygon:
    """The largest polygon of a geometry (empty polygon when there is none)."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and not g.is_empty]
    if not parts:
        return Polygon()
    return max(parts, key=lambda g: g.area)


def polygons(geom: BaseGeometry, min_area: float = 0.0) -> list[Polygon]:
    """The polygon parts of any geometry, dropping slivers under ``min_area``."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom] if geom.area > min_area else []
    out: list[Polygon] = []
    for g in getattr(geom, "geoms", []):
        out.extend(polygons(g, min_area))
    return out


def multi(geom: BaseGeometry, min_area: float = 1.0) -> MultiPolygon:
    """A valid MultiPolygon of the polygon parts of ``geom`` (grid-snapped to 1 cm)."""
    geom = shapely.set_precision(shapely.make_valid(geom), 0.01)
    return MultiPolygon(polygons(geom, min_area))


def blob(x: float, y: float, radius: float, seed: int, *, aspect: float = 1.0,
         angle: float = 0.0, roughness: float = 0.35, vertices: int = 48) -> Polygon:
    """An irregular closed shape around (x, y): a wobbly ellipse, the same for the same seed."""
    t = np.linspace(0.0, 2 * math.pi, vertices, endpoint=False)
    # noise sampled on a circle is periodic in the angle: the outline closes smoothly
    wobble = noise.points(np.cos(t) * 2.2 + 50, np.sin(t) * 2.2 + 50, 1.0, seed) - 0.5
    r = radius * (1.0 + 2 * roughness * wobble)
    px = r * np.cos(t) * aspect
    py = r * np.sin(t) / aspect
    ca, sa = math.cos(angle), math.sin(angle)
    xs = x + px * ca - py * sa
    ys = y + px * sa + py * ca
    return shapely.make_valid(Polygon(np.column_stack([xs, ys]))).buffer(0)


def wobble(poly: Polygon, amplitude: float, wavelength: float, seed: int) -> Polygon:
    """Roughen an outline: push each vertex along its normal by smooth noise."""
    ring = np.asarray(shapely.segmentize(poly.exterior, wavelength / 6).coords)[:-1]
    prev_pts = np.roll(ring, 1, axis=0)
    next_pts = np.roll(ring, -1, axis=0)
    tangent = next_pts - prev_pts
    normal = np.column_stack([tangent[:, 1], -tangent[:, 0]])
    normal /= np.maximum(np.hypot(normal[:, 0], normal[:, 1]), 1e-9)[:, None]
    n = noise.points(ring[:, 0], ring[:, 1], wavelength, seed) - 0.5
    moved = ring + normal * (2 * amplitude * n)[:, None]
    return largest(shapely.make_valid(Polygon(moved)).buffer(0))


def strip(line: LineString, width_at: Callable[[float], float], side: int = -1,
          step: float = 100.0) -> Polygon:
    """The band between a line and its offset by a width varying along it (``side`` -1: right)."""
    pts = np.asarray(shapely.segmentize(line, step).coords)
    d = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    tangent = np.gradient(pts, axis=0)
    tangent /= np.maximum(np.hypot(tangent[:, 0], tangent[:, 1]), 1e-9)[:, None]
    left = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    widths = np.array([width_at(s) for s in d])
    inner = pts + side * left * widths[:, None]
    return largest(shapely.make_valid(Polygon(np.vstack([pts, inner[::-1]]))).buffer(0))


def random_points_in(geom: BaseGeometry, n: int, rng: np.random.Generator,
                     min_spacing: float = 0.0) -> list[tuple[float, float]]:
    """``n`` points drawn uniformly inside ``geom`` (rejection sampling, seeded); a point closer
    than ``min_spacing`` to one of the last 50 kept is dropped (cheap, good enough to avoid piles)."""
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    out: list[tuple[float, float]] = []
    tries = 0
    while len(out) < n and tries < 200:
        tries += 1
        xs = rng.uniform(minx, maxx, n * 4)
        ys = rng.uniform(miny, maxy, n * 4)
        inside = shapely.contains_xy(geom, xs, ys)
        for x, y in zip(xs[inside], ys[inside], strict=True):
            if min_spacing and any((x - a) ** 2 + (y - b) ** 2 < min_spacing ** 2 for a, b in out[-50:]):
                continue
            out.append((float(x), float(y)))
            if len(out) == n:
                break
    return out
