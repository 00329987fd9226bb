"""Reading vector features in bounded batches: GDAL formats through ``pyogrio.open_arrow``,
CSV through pyarrow's streaming CSV reader (any separator, lon/lat or WKT columns).

Both yield ``(start, attributes, wkb)``: the 0-based index of the batch's first feature
in the file, an Arrow record batch of the source fields, and an Arrow binary array of WKB
(null for a missing geometry).
"""

from __future__ import annotations

import csv
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from ..errors import InvalidInput
from .sources import Source, guess_encoding

# GDAL's remarks about a file arrive as Python warnings; the importer reports what matters
# itself, in sentences, and the CLI must not print library noise.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"pyogrio(\..*)?$")

GDAL_ERRORS = (DataSourceError, DataLayerError, RuntimeError,
               OSError, ValueError)
LON_NAMES = ("lon", "lng", "long", "longitude", "longitudine")
LAT_NAMES = ("lat", "latitude", "latitudine")
X_NAMES = ("x", "easting", "est", "east", "coord_x", "x_coord")
Y_NAMES = ("y", "northing", "nord", "north", "coord_y", "y_coord")
WKT_NAMES = ("wkt", "geom", "geometry", "the_geom", "geometria", "wkt_geom")


@dataclass
class VectorInput:
    """An opened vector source: its fields, its CRS (None when it has none) and its batches."""

    source: Source
    layer_name: str | None
    fields: list[str]
    crs: str | None
    crs_note: str | None
    batches: callable  # (batch_size) -> context manager yielding (start, attrs, wkb) batches


def first_line(exc: BaseException) -> str:
    """The gist of a library's error: its first line, up to GDAL's advice after ';'."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line.split(".;")[0].split("; ")[0].rstrip(".")


def _unreadable(source: Source, exc: BaseException) -> InvalidInput:
    return InvalidInput(f"{source.label} could not be read as {source.format}: {first_line(exc)}.")


def _stream(source: Source, reader, errors: tuple, split) -> Iterator[tuple]:
    """(start, attributes, wkb) per batch; a reading error is one sentence saying where."""
    start = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except errors as exc:
            raise InvalidInput(f"{source.label}: reading failed after feature {start:,}: "
                               f"{first_line(exc)}.") from None
        attributes, wkb = split(batch, start)
        yield start, attributes, wkb
        start += batch.num_rows


def open_vector(source: Source, *, source_layer: str | None, layer_name: str) -> VectorInput:
    return _csv_input(source) if source.format == "CSV" else _gdal_input(source, source_layer, layer_name)


# -- GDAL formats --------------------------------------------------------------------------
def _choose_layer(source: Source, wanted: str | None, layer_name: str) -> str:
    try:
        listed = pyogrio.list_layers(source.gdal_path)
    except GDAL_ERRORS as exc:
        raise _unreadable(source, exc) from None
    names = [str(n) for n, _ in listed]
    spatial = [str(n) for n, g in listed if g is not None]
    if wanted:
        if wanted not in names:
            raise InvalidInput(f"{source.label} has no layer {wanted!r} (it has: {', '.join(names) or 'none'}).")
        return wanted
    for pool in (spatial, names):
        if len(pool) == 1:
            return pool[0]
        if layer_name in pool:
            return layer_name
    if not names:
        raise InvalidInput(f"{source.label} holds no layer.")
    raise InvalidInput(f"{source.label} holds several layers ({', '.join(spatial or names)}): "
                       "choose one with --source-layer.")


def _gdal_input(source: Source, wanted: str | None, layer_name: str) -> VectorInput:
    chosen = _choose_layer(source, wanted, layer_name)
    try:
        info = pyogrio.read_info(source.gdal_path, layer=chosen, encoding=source.encoding)
    except GDAL_ERRORS as exc:
        raise _unreadable(source, exc) from None
    if info["geometry_type"] is None:
        raise InvalidInput(f"{source.label}: layer {chosen!r} has no geometry column.")

    @contextmanager
    def batches(batch_size: int) -> Iterator[Iterator]:
        try:
            ctx = pyogrio.open_arrow(source.gdal_path, layer=chosen, encoding=source.encoding,
                                     batch_size=batch_size, use_pyarrow=True)
            meta, reader = ctx.__enter__()
        except GDAL_ERRORS as exc:
            raise _unreadable(source, exc) from None
        try:
            geom_name = meta["geometry_name"] or "wkb_geometry"

            def split(batch: pa.RecordBatch, start: int):
                idx = batch.schema.get_field_index(geom_name)
                return batch.remove_column(idx), batch.column(idx)

            yield _stream(source, reader, (*GDAL_ERRORS, pa.ArrowException), split)
        finally:
            ctx.__exit__(None, None, None)

    return VectorInput(source, chosen, [str(f) for f in info["fields"]], info["crs"], None, batches)


# -- CSV -----------------------------------------------------------------------------------
def _open_bytes(source: Source):
    if source.zip_path:
        return zipfile.ZipFile(source.zip_path).open(source.zip_member)
    return open(source.gdal_path, "rb")  # noqa: SIM115 - closed by the caller


def _find(names: list[str], wanted: tuple[str, ...]) -> str | None:
    lower = {n.strip().lower(): n for n in names}
    return next((lower[w] for w in wanted if w in lower), None)


def _csv_input(source: Source) -> VectorInput:
    with _open_bytes(source) as fh:
        sample = fh.read(64 << 10)
    if sample.startswith(b"\xef\xbb\xbf"):
        sample = sample[3:]
        source.encoding = source.encoding or "UTF-8"
    if not source.encoding:
        source.encoding = guess_encoding(sample) or "UTF-8"
        if source.encoding != "UTF-8":
            source.warnings.append(f"{source.label} is not UTF-8: read as {source.encoding} "
                                   "(give --encoding if names look wrong)")
    text = sample.decode(source.encoding, errors="replace")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InvalidInput(f"{source.label}: the first line should name the columns, but it is empty.")
    complete = "\n".join(lines[:-1] if len(sample) == 64 << 10 and len(lines) > 1 else lines)
    try:
        sep = csv.Sniffer().sniff(complete, delimiters=",;\t|").delimiter
    except csv.Error:
        sep = max(",;\t|", key=lines[0].count)
    header = next(csv.reader([lines[0]], delimiter=sep))
    names = [h.strip() for h in header]
    if len(set(names)) != len(names) or any(not n for n in names):
        raise InvalidInput(f"{source.label}: the header line has empty or repeated column names.")
    lon, lat = _find(names, LON_NAMES), _find(names, LAT_NAMES)
    x, y = _find(names, X_NAMES), _find(names, Y_NAMES)
    wkt = _find(names, WKT_NAMES)
    if lon and lat:
        geo, crs, note = (lon, lat), "EPSG:4326", f"columns {lon}/{lat} read as WGS84 longitude/latitude"
    elif x and y:
        geo, crs, note = (x, y), None, None
    elif wkt:
        geo, crs, note = (wkt,), None, None
    else:
        raise InvalidInput(f"{source.label}: no geometry columns found: name them lon and lat, "
                           f"x and y, or wkt (the columns are: {', '.join(names)}).")
    fields = [n for n in names if n not in geo]

    @contextmanager
    def batches(batch_size: int) -> Iterator[Iterator]:
        from pyarrow import csv as pacsv

        fh = _open_bytes(source)
        try:
            try:
                reader = pacsv.open_csv(
                    fh, read_options=pacsv.ReadOptions(encoding=source.encoding, block_size=4 << 20,
                                                       column_names=names, skip_rows=1),
                    parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
                    convert_options=pacsv.ConvertOptions(
                        column_types={n: pa.string() for n in names}, strings_can_be_null=True))
            except (pa.ArrowException, UnicodeDecodeError) as exc:
                raise InvalidInput(f"{source.label} could not be read as CSV: {first_line(exc)}.") from None

            def split(batch: pa.RecordBatch, start: int):
                return batch.select(fields), _csv_geometry(source, batch, geo, sep, start)

            yield _stream(source, reader, (pa.ArrowException, UnicodeDecodeError), split)
        finally:
            fh.close()

    return VectorInput(source, PurePosixPath(source.label).stem, fields, crs, note, batches)


def _coordinate(source: Source, column: pa.Array, name: str, sep: str, start: int) -> np.ndarray:
    text = pc.utf8_trim_whitespace(column)
    if sep != ",":
        text = pc.replace_substring(text, ",", ".")  # Italian decimal comma
    try:
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        for i, value in enumerate(text.to_pylist()):
            try:
                float(value) if value is not None else None
            except ValueError:
                raise InvalidInput(f"{source.label}: feature {start + i + 1:,}: field '{name}' "
                                   f"is {value!r}, not a number.") from None
        raise


def _csv_geometry(source: Source, batch: pa.RecordBatch, geo: tuple[str, ...], sep: str,
                  start: int) -> pa.Array:
    if len(geo) == 2:
        x = _coordinate(source, batch.column(geo[0]), geo[0], sep, start)
        y = _coordinate(source, batch.column(geo[1]), geo[1], sep, start)
        missing = np.isnan(x) & np.isnan(y)
        points = shapely.points(np.where(missing, 0, x), np.where(missing, 0, y))
        points[missing] = None
        return pa.array(shapely.to_wkb(points), pa.binary())
    text = batch.column(geo[0]).to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkt(text, on_invalid="ignore")
    bad = np.flatnonzero(shapely.is_missing(geoms) & np.array([t is not None for t in text], bool))
    if bad.size:
        i = int(bad[0])
        shown = str(text[i])[:60]
        raise InvalidInput(f"{source.label}: feature {start + i + 1:,}: field '{geo[0]}' is not "
                           f"valid WKT ({shown!r}).")
    return pa.array(shapely.to_wkb(geoms), pa.binary())
