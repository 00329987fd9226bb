"""A raster import: a GeoTIFF checked against its layer file, converted to a Cloud-Optimized
GeoTIFF with rio-cogeo under ``var/rasters/<layer>/`` and registered in
``laguna.raster_assets`` (date, bands, footprint).

Checks: a CRS (or ``--crs``), the footprint near the site, band count and data type as
declared, nodata as declared, and, reading the pixels in strips of bounded size, class
values against the legend (classified layers) or values within the declared range. The
raster keeps its own CRS and grid (no resampling on import); ``crs_epsg`` records it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from warnings import catch_warnings, filterwarnings

import numpy as np
import psycopg
import rasterio
import shapely
from pyproj import CRS, Transformer
from rasterio.errors import RasterioError
from rasterio.windows import Window

from ..catalogue import LayerDef
from ..errors import InvalidInput
from . import extent
from .sources import Source

# rasterio's remarks (e.g. NotGeoreferencedWarning) are handled as sentences here.
warnings.filterwarnings("ignore", module=r"rasterio(\..*)?$")

STRIP_BYTES = 64 << 20  # pixels read at a time when checking values


@dataclass
class RasterResult:
    acquired: date
    tmp_path: Path
    final_path: Path
    relative_path: str
    source_crs: str
    crs_epsg: int
    footprint_wkb: bytes
    bounds: tuple[float, float, float, float]
    stats: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def acquisition_date(given: date | None, tags: dict, label: str) -> date:
    """--date, else the TIFF's DATETIME tag, else a YYYY-MM-DD in the file name."""
    if given:
        return given
    stamp = tags.get("TIFFTAG_DATETIME", "")
    match = re.match(r"^(\d{4}):(\d{2}):(\d{2})", stamp)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            pass
    match = re.search(r"(\d{4}-\d{2}-\d{2})", Path(label).name)
    if match:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            pass
    raise InvalidInput(f"{label} does not say when it was acquired: give --date YYYY-MM-DD.")


def _check_values(src, layer: LayerDef, nodata: float | None, label: str) -> dict:
    """One pass over the pixels in strips: class counts, or min/max, refusing bad values."""
    rows = max(1, STRIP_BYTES // max(1, src.width * src.count * np.dtype(src.dtypes[0]).itemsize))
    classes = {int(e.value) for e in layer.legend} if layer.classified else set()
    counts: dict[int, int] = {}
    low, high, nan = np.inf, -np.inf, 0
    for top in range(0, src.height, rows):
        window = Window(0, top, src.width, min(rows, src.height - top))
        data = src.read(window=window)
        for b, band in enumerate(layer.bands):
            values = data[b]
            if np.issubdtype(values.dtype, np.floating):
                nans = np.isnan(values)
                if nodata is None or not np.isnan(nodata):
                    nan += int(nans.sum())
                values = values[~nans & (values != nodata)] if nodata is not None else values[~nans]
            elif nodata is not None:
                values = values[values != nodata]
            if values.size == 0:
                continue
            if layer.classified:
                if values.dtype in (np.uint8, np.uint16):  # a histogram: no sorting of pixels
                    hist = np.bincount(values.ravel(), minlength=256)
                    found = np.flatnonzero(hist)
                    found = (found, hist[found])
                else:
                    found = np.unique(values, return_counts=True)
                for v, c in zip(found[0].tolist(), found[1].tolist(), strict=True):
                    counts[int(v)] = counts.get(int(v), 0) + int(c)
            else:
                low, high = min(low, float(values.min())), max(high, float(values.max()))
                if band.min is not None and values.min() < band.min or band.max is not None and values.max() > band.max:
                    bad = values[(values < (band.min if band.min is not None else -np.inf))
                                 | (values > (band.max if band.max is not None else np.inf))]
                    raise InvalidInput(f"{label}: {bad.size:,} pixels of band {band.name} in rows "
                                       f"{top:,}-{top + window.height - 1:,} are outside "
                                       f"{band.min:g}..{band.max:g} (e.g. {bad.flat[0]:g}).")
    if nan:
        raise InvalidInput(f"{label}: {nan:,} pixels are NaN although the layer's nodata is "
                           f"{nodata:g}: set them to the nodata value.")
    if layer.classified:
        unknown = sorted(set(counts) - classes)
        if unknown:
            raise InvalidInput(f"{label}: pixel value {unknown[0]} ({counts[unknown[0]]:,} pixels) is "
                               f"not a class of layer {layer.name}'s legend "
                               f"(classes: {', '.join(map(str, sorted(classes)))}).")
        return {"class_pixels": {str(k): v for k, v in sorted(counts.items())}}
    return {"min": None if low == np.inf else low, "max": None if high == -np.inf else high}


def _srs_override(path: str, crs: CRS, workdir: Path) -> str:
    """A VRT of the file with another CRS (the pixels are not touched)."""
    vrt = workdir / "override.vrt"
    rasterio.shutil.copy(path, vrt, driver="VRT")
    text = vrt.read_text()
    text = re.sub(r"<SRS[^>]*>.*?</SRS>", "", text, flags=re.S)
    text = text.replace("<GeoTransform>", f"<SRS>{crs.to_wkt()}</SRS>\n  <GeoTransform>", 1)
    vrt.write_text(text)
    return str(vrt)


def _footprint(bounds, crs: CRS, srid: int) -> shapely.Geometry:
    box = shapely.segmentize(shapely.box(*bounds), max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 50)
    if CRS.from_epsg(srid).equals(crs, ignore_axis_order=True):
        return box
    tr = Transformer.from_crs(crs, srid, always_xy=True)
    return shapely.transform(box, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def convert(layer: LayerDef, source: Source, *, var_dir: Path, srid: int, crs: str | None,
            acquired: date | None, version: int) -> RasterResult:
    """Check the GeoTIFF and write its COG next to its final place (moved in on commit)."""
    from rio_cogeo.cogeo import cog_translate
    from rio_cogeo.profiles import cog_profiles

    label = source.label
    warnings: list[str] = []
    folder = var_dir / "rasters" / layer.name
    folder.mkdir(parents=True, exist_ok=True)
    with rasterio.Env(GDAL_CACHEMAX=128), tempfile.TemporaryDirectory(dir=folder) as work:
        try:
            src = rasterio.open(source.gdal_path)
        except RasterioError as exc:
            raise InvalidInput(f"{label} could not be read as GeoTIFF: {str(exc).splitlines()[0]}.") from None
        with src:
            when = acquisition_date(acquired, src.tags(), label)
            declared = src.crs.to_wkt() if src.crs else None
            reproj = extent.resolve(label, declared, crs, srid, warnings)
            epsg = reproj.source.to_epsg(min_confidence=70)
            if epsg is None:
                raise InvalidInput(f"{label}: its CRS ({reproj.source.name}) has no EPSG code: "
                                   "give it with --crs EPSG:NNNN.")
            want = [b.dtype for b in layer.bands]
            if src.count != len(layer.bands) or list(src.dtypes) != want:
                raise InvalidInput(f"{label} has {src.count} band(s) of {', '.join(sorted(set(src.dtypes)))}, "
                                   f"but layer {layer.name} declares {len(want)} of {', '.join(sorted(set(want)))}.")
            nodata = layer.bands[0].nodata
            if src.nodata is not None and nodata is not None and not (
                    src.nodata == nodata or (np.isnan(src.nodata) and np.isnan(nodata))):
                raise InvalidInput(f"{label} marks missing pixels with {src.nodata:g}, but layer "
                                   f"{layer.name} declares nodata {nodata:g}.")
            if src.nodata is None and nodata is None:
                warnings.append(f"{label} and its layer declare no nodata value")
            if src.width * src.height == 0:
                raise InvalidInput(f"{label} has no pixels.")
            footprint = _footprint(tuple(src.bounds), reproj.source, srid)
            lonlat = _footprint(tuple(src.bounds), reproj.source, 4326)
            corners = shapely.get_coordinates(lonlat)
            extent.check(label, np.zeros(1, np.int64), np.array([[src.bounds[0], src.bounds[1]]]),
                         np.array([[corners[:, 0].min(), corners[:, 1].min(),
                                    corners[:, 0].max(), corners[:, 1].max()]]),
                         extent.Reprojection(reproj.source, 4326, None), layer.wide_extent)
            try:
                stats = _check_values(src, layer, nodata if nodata is not None else src.nodata, label)
            except RasterioError as exc:
                raise InvalidInput(f"{label}: reading its pixels failed ({str(exc).splitlines()[0]}).") from None
            src_nodata = src.nodata
            path = _srs_override(source.gdal_path, reproj.source, Path(work)) if crs else source.gdal_path
        name = f"{layer.name}_{when.isoformat()}_v{version}.tif"
        final = folder / name
        tmp = folder / f".{name}.part"
        profile = dict(cog_profiles.get("deflate"))
        profile["predictor"] = 3 if want[0].startswith("float") else 2
        colormap = None
        if layer.classified and want[0] in ("uint8", "uint16") and len(want) == 1:
            colormap = {int(e.value): tuple(int(e.colour[i:i + 2], 16) for i in (1, 3, 5)) + (255,)
                        for e in layer.legend}
        try:
            # writing a colour map sets the band's interpretation to Palette, as intended
            with catch_warnings():
                filterwarnings("ignore", message="Dataset color interpretation was set")
                cog_translate(path, tmp, profile, nodata=nodata if src_nodata is None else None,
                              overview_resampling="nearest" if layer.classified else "average",
                              in_memory=False, quiet=True, colormap=colormap,
                              config={"GDAL_TIFF_INTERNAL_MASK": True, "GDAL_CACHEMAX": 128},
                              additional_cog_metadata={"LAGUNA_LAYER": layer.name,
                                                       "LAGUNA_ACQUIRED": when.isoformat(),
                                                       "LAGUNA_LICENCE": layer.licence})
        except RasterioError as exc:
            tmp.unlink(missing_ok=True)
            raise InvalidInput(f"{label}: conversion to a Cloud-Optimized GeoTIFF failed "
                               f"({str(exc).splitlines()[0]}).") from None
    return RasterResult(when, tmp, final, f"rasters/{layer.name}/{name}",
                        extent.crs_label(reproj.source), epsg, shapely.to_wkb(footprint),
                        tuple(shapely.bounds(footprint)), stats, warnings)


def register(conn: psycopg.Connection, result: RasterResult, layer_id: int, version_id: int,
             srid: int) -> None:
    """The asset row, describing the COG as written."""
    with rasterio.open(result.tmp_path) as cog:
        conn.execute(
            "INSERT INTO laguna.raster_assets (layer_id, layer_version_id, acquired, path, checksum, "
            "crs_epsg, width, height, band_count, resolution, dtype, nodata, footprint) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, ST_GeomFromWKB(%s, %s))",
            (layer_id, version_id, result.acquired, result.relative_path, _sha256(result.tmp_path),
             result.crs_epsg, cog.width, cog.height, cog.count, abs(cog.transform.a), cog.dtypes[0],
             cog.nodata, result.footprint_wkb, srid))


def place(result: RasterResult) -> None:
    os.replace(result.tmp_path, result.final_path)


def discard(result: RasterResult) -> None:
    """Remove the COG of an import that did not commit (its versioned name is its own)."""
    result.tmp_path.unlink(missing_ok=True)
    result.final_path.unlink(missing_ok=True)
