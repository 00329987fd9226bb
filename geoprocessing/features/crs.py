"""Coordinate reference systems of the OGC API (Features Part 2, CRS by reference).

A CRS is named by its URI. Output coordinates follow the CRS's own axis order, as the
standard asks: EPSG:4326 and the N-E variants EPSG:6707/6708 are northing (latitude)
first; OGC CRS84 is longitude first. pyproj's EPSG database says which is which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from ..errors import InvalidInput

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_PREFIX = "http://www.opengis.net/def/crs/EPSG/0/"

# WGS 84, Web Mercator, RDN2008 / UTM 32N and 33N (E-N and N-E), Gauss-Boaga west and
# east, WGS 84 / UTM 32N and 33N: what Italian data and web clients use around Venice.
OFFERED_EPSG = (4326, 3857, 7791, 7792, 6707, 6708, 3003, 3004, 32632, 32633)


@dataclass(frozen=True)
class Crs:
    """One CRS the API offers: its URI, PostGIS SRID and axis order."""

    uri: str
    srid: int
    northing_first: bool
    geographic: bool

    @property
    def decimals(self) -> int:
        """Digits kept in GeoJSON: about 1 mm in degrees or in metres."""
        return 8 if self.geographic else 3


def uri_for(srid: int) -> str:
    return EPSG_PREFIX + str(srid)


@lru_cache(maxsize=64)
def _crs(uri: str) -> Crs:
    if uri == CRS84:
        return Crs(CRS84, 4326, northing_first=False, geographic=True)
    code = uri.removeprefix(EPSG_PREFIX)
    crs = CRS.from_epsg(int(code))
    return Crs(uri, int(code), northing_first=crs.axis_info[0].direction in ("north", "south"),
               geographic=crs.is_geographic)


def offered(storage_srid: int) -> tuple[str, ...]:
    """The CRS URIs of a collection stored in ``storage_srid``: CRS84 first (the default)."""
    codes = OFFERED_EPSG if storage_srid in OFFERED_EPSG else (*OFFERED_EPSG, storage_srid)
    return (CRS84, *(uri_for(c) for c in codes))


def parse(uri: str | None, storage_srid: int, *, parameter: str) -> Crs:
    """The CRS named by ``uri`` (CRS84 when absent); InvalidInput when it is not offered."""
    if uri is None or uri == "":
        return _crs(CRS84)
    uri = uri.strip()
    if uri.startswith("[") and uri.endswith("]"):  # safe CURIE form, e.g. [EPSG:4326]
        uri = uri[1:-1]
        if uri.upper().startswith("EPSG:"):
            uri = EPSG_PREFIX + uri[5:]
        elif uri.upper() == "OGC:CRS84":
            uri = CRS84
    if uri not in offered(storage_srid):
        raise InvalidInput(f"The {parameter} parameter names {uri!r}, which is not one of the "
                           f"CRSs this collection offers (see its 'crs' list).")
    try:
        return _crs(uri)
    except (CRSError, ValueError):
        raise InvalidInput(f"The {parameter} parameter names an unknown CRS {uri!r}.") from None


def xy(crs: Crs, a: float, b: float) -> tuple[float, float]:
    """A coordinate pair given in the CRS's axis order, as (x=east, y=north)."""
    return (b, a) if crs.northing_first else (a, b)


@lru_cache(maxsize=64)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def bbox_polygon(bbox: tuple[float, float, float, float], crs: Crs, srid: int):
    """A bbox given in ``crs`` (its axis order) as a shapely polygon in ``srid``.

    The edges are densified before the transformation, so that a box of constant
    longitudes and latitudes stays that box in a projected CRS (to the millimetre).
    """
    from shapely.geometry import box

    x1, y1 = xy(crs, bbox[0], bbox[1])
    x2, y2 = xy(crs, bbox[2], bbox[3])
    if x1 > x2 or y1 > y2:
        raise InvalidInput("The bbox's lower corner must come before its upper corner "
                           "(a bbox crossing the antimeridian is not supported).")
    if crs.geographic and not (-180 <= x1 and x2 <= 180 and -90 <= y1 and y2 <= 90):
        raise InvalidInput("The bbox lies outside longitude -180..180 and latitude -90..90.")
    poly = box(x1, y1, x2, y2)
    if crs.srid == srid:
        return poly
    import shapely

    side = max(x2 - x1, y2 - y1) / 32 or 1.0
    try:
        dense = shapely.segmentize(poly, side)
    except shapely.errors.GEOSException:
        raise InvalidInput(f"The bbox is too large to be transformed from {crs.uri}.") from None
    return _to_srid(dense, crs, srid, "bbox")


def transform_geojson(geometry: dict, crs: Crs, srid: int):
    """A GeoJSON-like geometry in ``crs`` (its axis order) as a shapely geometry in ``srid``."""
    import shapely
    from shapely.geometry import shape

    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise InvalidInput(f"The filter's geometry is not valid: {exc}.") from None
    if crs.northing_first:
        geom = shapely.transform(geom, lambda c: c[:, ::-1])
    if geom.is_empty:
        raise InvalidInput("The filter's geometry is empty.")
    return _to_srid(geom, crs, srid, "filter's geometry") if crs.srid != srid else geom


def _to_srid(geom, crs: Crs, srid: int, what: str):
    import shapely

    t = _transformer(crs.srid, srid)
    try:
        out = shapely.transform(geom, lambda c: _stack(t.transform(c[:, 0], c[:, 1])))
    except ProjError:
        out = None
    if out is None or out.is_empty or not all(math.isfinite(v) for v in out.bounds):
        raise InvalidInput(f"The {what} cannot be transformed from {crs.uri} to EPSG:{srid}.")
    return out


def _stack(xy_pair):
    import numpy as np

    return np.column_stack(xy_pair)
