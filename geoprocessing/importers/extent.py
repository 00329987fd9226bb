"""Coordinate reference systems: which CRS a source is in, reprojection to the storage CRS
with pyproj (always longitude/easting first), and the check that features land near the
site, with a sentence saying what was probably wrong when they do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from ..errors import InvalidInput

# A generous box around the lagoon (WGS84 lon/lat): the Veneto plain and coast, from Lake
# Garda to the Friuli border. Data for the site and its partners (the Padova and Treviso
# municipalities) fall inside; swapped axes or a wrong EPSG code land far away.
REGION = (10.0, 44.3, 14.0, 47.0)
REGION_TEXT = "the Venice lagoon region (longitude 10-14 E, latitude 44.3-47 N)"
# CRSs Italian data often arrive in: tried when coordinates land outside the region.
UNKNOWN = "check the file's coordinate reference system (or give the right one with --crs)"
LIKELY_CRS = (4326, 3003, 3004, 6707, 6708, 7791, 7792, 32632, 32633, 25832, 25833, 23032,
              23033, 3857, 3035)


@dataclass(frozen=True)
class Reprojection:
    """How a source's coordinates become stored coordinates."""

    source: CRS
    target_srid: int
    transformer: Transformer | None  # None when the source is already in the target CRS

    def apply(self, geoms: np.ndarray, include_z: bool) -> np.ndarray:
        if self.transformer is None or geoms.size == 0:
            return geoms
        tr = self.transformer

        def fn(coords: np.ndarray) -> np.ndarray:
            x, y = tr.transform(coords[:, 0], coords[:, 1])
            out = coords.copy()
            out[:, 0], out[:, 1] = x, y
            return out

        return shapely.transform(geoms, fn, include_z=include_z)


def crs_label(crs: CRS) -> str:
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else crs.name


def parse_crs(text: str) -> CRS:
    try:
        return CRS.from_user_input(text)
    except CRSError:
        raise InvalidInput(f"{text!r} is not a coordinate reference system laguna knows "
                           "(give it as EPSG:NNNN).") from None


def resolve(label: str, declared: str | None, given: str | None, target_srid: int,
            warnings: list[str]) -> Reprojection:
    """The source CRS (``--crs`` wins over the file's, with a warning when they differ)."""
    declared_crs = parse_crs(declared) if declared else None
    if given:
        crs = parse_crs(given)
        if declared_crs is not None and not declared_crs.equals(crs, ignore_axis_order=True):
            warnings.append(f"{label} declares {crs_label(declared_crs)}; read as "
                            f"{crs_label(crs)} as --crs asked")
    elif declared_crs is not None:
        crs = declared_crs
    else:
        raise InvalidInput(f"{label} does not say its coordinate reference system: give it with "
                           "--crs (e.g. --crs EPSG:4326 for longitude/latitude, EPSG:3003 for "
                           "Gauss-Boaga west).")
    return Reprojection(crs, target_srid, _transformer(crs.to_wkt(), target_srid))


@lru_cache(maxsize=32)
def _transformer(source_wkt: str, target_srid: int) -> Transformer | None:
    source = CRS.from_wkt(source_wkt)
    target = CRS.from_epsg(target_srid)
    if source.equals(target, ignore_axis_order=True):
        return None
    return Transformer.from_crs(source, target, always_xy=True)


@lru_cache(maxsize=8)
def allowed_box(srid: int, wide: bool) -> tuple[float, float, float, float]:
    """The box stored coordinates must fall in: the region in ``srid``, or the world."""
    if wide:
        return (-180.0, -90.0, 180.0, 90.0)
    tr = Transformer.from_crs(4326, srid, always_xy=True)
    return tr.transform_bounds(*REGION, densify_pts=50)


def _in_region(lon: float, lat: float) -> bool:
    return REGION[0] <= lon <= REGION[2] and REGION[1] <= lat <= REGION[3]


def _to_lonlat(crs: CRS, x: float, y: float) -> tuple[float, float]:
    try:
        lon, lat = Transformer.from_crs(crs, 4326, always_xy=True).transform(x, y)
    except Exception:  # noqa: BLE001 - any failure means "not there"
        return float("nan"), float("nan")
    return lon, lat


def diagnose(crs: CRS, x: float, y: float) -> str:
    """Why a point given in ``crs`` probably lands outside the region."""
    if crs.is_geographic:
        if _in_region(y, x):
            return ("latitude and longitude look swapped (the file has latitude where longitude "
                    "belongs): fix the file's axis order")
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            return (f"these are not degrees although {crs_label(crs)} is in degrees: the file's "
                    "CRS is probably wrong (give the right one with --crs)")
    elif abs(x) <= 180 and abs(y) <= 90 and _in_region(x, y):
        return ("the numbers look like longitude/latitude degrees, not metres: the file is "
                "probably in EPSG:4326 (give --crs EPSG:4326)")
    for epsg in LIKELY_CRS:
        candidate = CRS.from_epsg(epsg)
        if candidate.equals(crs, ignore_axis_order=True):
            continue
        lon, lat = _to_lonlat(candidate, x, y)
        if np.isfinite(lon) and _in_region(lon, lat):
            return (f"they would fall on the site in EPSG:{epsg} ({candidate.name}): the file's "
                    f"CRS is probably wrong (try --crs EPSG:{epsg})")
    return UNKNOWN


def check(label: str, positions: np.ndarray, first_xy: np.ndarray, bounds: np.ndarray,
          reproj: Reprojection, wide: bool) -> None:
    """Refuse the first feature whose stored bounds leave the allowed box, saying why.

    ``positions`` are the features' 0-based places in the file, ``first_xy`` their first
    vertex before reprojection (to say where they are in the source's terms).
    """
    xmin, ymin, xmax, ymax = allowed_box(reproj.target_srid, wide)
    outside = ~((bounds[:, 0] >= xmin) & (bounds[:, 1] >= ymin)
                & (bounds[:, 2] <= xmax) & (bounds[:, 3] <= ymax))
    if not outside.any():
        return
    i = int(np.flatnonzero(outside)[0])
    x, y = first_xy[i][:2]
    where = f"at ({x:.6g}, {y:.6g}) in {crs_label(reproj.source)}"
    if wide:
        raise InvalidInput(f"{label}: feature {positions[i] + 1:,} lies {where}, which is not on "
                           f"the Earth: {diagnose(reproj.source, x, y)}.")
    reason = diagnose(reproj.source, x, y)
    if reason == UNKNOWN:
        reason += "; a layer holding world-wide data must declare wide_extent = true"
    raise InvalidInput(f"{label}: feature {positions[i] + 1:,} lies {where}, far outside "
                       f"{REGION_TEXT}: {reason}.")
