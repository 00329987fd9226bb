"""Where the data come from: a path becomes a :class:`Source` (format, GDAL path, checksum).

Handles what must be settled before any feature is read: missing and zero-byte files,
shapefile folders and their sidecars, zip archives (members that would escape the folder
are refused; nothing is extracted: GDAL reads through ``/vsizip/``), the text encoding of
a shapefile's DBF (its ``.cpg``, else ``--encoding``, else a guess that is reported), and
the SHA-256 that makes re-importing an identical source a no-op.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import InvalidInput, NotFound

VECTOR_FORMATS = {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".json": "GeoJSON",
                  ".shp": "Shapefile", ".kml": "KML", ".kmz": "KML", ".fgb": "FlatGeobuf",
                  ".csv": "CSV", ".tsv": "CSV", ".txt": "CSV"}
RASTER_FORMATS = {".tif": "GeoTIFF", ".tiff": "GeoTIFF"}
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
MAX_ZIP_RATIO = 200  # a member expanding more than this (and past 100 MB) is a zip bomb
DBF_SAMPLE = 4 << 20  # bytes of DBF records looked at to guess an undeclared encoding


@dataclass
class Source:
    """One input dataset, resolved and fingerprinted."""

    label: str  # the name the user gave, for messages
    format: str  # GeoPackage, GeoJSON, Shapefile, KML, FlatGeobuf, CSV, GeoTIFF
    gdal_path: str  # what GDAL (or the CSV reader) opens
    checksum: str  # SHA-256 of the bytes of every file that makes the dataset
    encoding: str | None = None  # text encoding to ask the reader for (None: the reader's own)
    warnings: list[str] = field(default_factory=list)
    zip_path: Path | None = None
    zip_member: str | None = None

    @property
    def kind(self) -> str:
        return "raster" if self.format == "GeoTIFF" else "vector"


def sha256(paths: list[Path]) -> str:
    """SHA-256 over the files in order (names included, so a renamed sidecar counts)."""
    digest = hashlib.sha256()
    for path in paths:
        if len(paths) > 1:
            digest.update(path.suffix.lower().encode() + b"\0")
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def guess_encoding(sample: bytes) -> str | None:
    """UTF-8 when the non-ASCII bytes decode as UTF-8, else CP1252; None for pure ASCII."""
    if sample.isascii():
        return None
    try:
        sample[: len(sample) - 3].decode("utf-8") if len(sample) > 3 else sample.decode("utf-8")
    except UnicodeDecodeError:
        return "CP1252"
    return "UTF-8"


def _dbf_sample(fh) -> bytes:
    header = fh.read(32)
    if len(header) < 32:
        return b""
    header_len = int.from_bytes(header[8:10], "little")
    fh.read(max(0, header_len - 32))
    return fh.read(DBF_SAMPLE)


def _shapefile_encoding(label: str, cpg: str | None, dbf_sample: bytes,
                        given: str | None) -> tuple[str | None, list[str]]:
    declared = (cpg or "").strip() or None
    if given:
        if declared and declared.upper().replace("-", "") != given.upper().replace("-", ""):
            return given, [f"{label}: its .cpg says {declared}, read as {given} as --encoding asked"]
        return given, []
    if declared:
        return declared, []
    guess = guess_encoding(dbf_sample)
    if guess is None:
        return None, []
    return guess, [f"{label} has no .cpg file: its text was read as {guess} "
                   "(give --encoding if names look wrong)"]


def _sidecars(shp: Path) -> list[Path]:
    by_suffix = {p.suffix.lower(): p for p in shp.parent.iterdir()
                 if p.stem == shp.stem and p.suffix.lower() in SHAPEFILE_PARTS}
    return [by_suffix[s] for s in SHAPEFILE_PARTS if s in by_suffix]


def _shapefile(label: str, shp: Path, encoding: str | None) -> Source:
    parts = _sidecars(shp)
    suffixes = {p.suffix.lower() for p in parts}
    for needed in (".shx", ".dbf"):
        if needed not in suffixes:
            raise InvalidInput(f"{label}: the shapefile {shp.name} has no {needed} file beside it.")
    for part in parts:
        if part.stat().st_size == 0:
            raise InvalidInput(f"{label}: {part.name} is empty (0 bytes).")
    cpg = next((p.read_text(errors="replace") for p in parts if p.suffix.lower() == ".cpg"), None)
    dbf = next(p for p in parts if p.suffix.lower() == ".dbf")
    with dbf.open("rb") as fh:
        sample = _dbf_sample(fh)
    enc, warnings = _shapefile_encoding(label, cpg, sample, encoding)
    return Source(label, "Shapefile", str(shp), sha256(parts), enc, warnings)


def _pick(label: str, candidates: list[str], wanted: str | None, what: str) -> str:
    if wanted:
        for c in candidates:
            if PurePosixPath(c).stem == wanted or c == wanted:
                return c
        raise InvalidInput(f"{label} has no {what} named {wanted!r} (it has: "
                           f"{', '.join(candidates) or 'none'}).")
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InvalidInput(f"{label} holds no {what} laguna can read "
                           f"({', '.join(sorted(VECTOR_FORMATS | RASTER_FORMATS))}).")
    raise InvalidInput(f"{label} holds several {what}s ({', '.join(candidates)}): "
                       "choose one with --source-layer.")


def _check_member(label: str, info: zipfile.ZipInfo) -> None:
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise InvalidInput(f"{label}: the zip member {info.filename!r} would be written outside "
                           "the archive's folder; refused.")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise InvalidInput(f"{label}: the zip member {info.filename!r} is a symbolic link; refused.")
    if info.flag_bits & 0x1:
        raise InvalidInput(f"{label}: the zip member {info.filename!r} is encrypted; laguna cannot read it.")
    if info.file_size > 100 << 20 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
        raise InvalidInput(f"{label}: the zip member {info.filename!r} expands {info.file_size:,} "
                           "bytes from almost nothing (a zip bomb?); refused.")


def _zip(label: str, path: Path, wanted: str | None, encoding: str | None) -> Source:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f"{label} is not a readable zip archive ({exc}).") from None
    with archive:
        infos = archive.infolist()
        for info in infos:
            _check_member(label, info)
        names = [i.filename for i in infos if not i.is_dir()]
        datasets = [n for n in names if PurePosixPath(n).suffix.lower() in VECTOR_FORMATS
                    and not PurePosixPath(n).name.startswith(".")]
        if any(n.lower().endswith(".shp") for n in datasets):
            datasets = [n for n in datasets if n.lower().endswith(".shp")]
        member = _pick(label, datasets, wanted, "dataset")
        fmt = VECTOR_FORMATS[PurePosixPath(member).suffix.lower()]
        gdal_path = f"/vsizip/{path.resolve()}/{member}"
        source = Source(label, fmt, gdal_path, sha256([path]), encoding, zip_path=path.resolve(),
                        zip_member=member)
        if fmt == "Shapefile":
            stem = member[: -len(".shp")]
            lower = {n.lower(): n for n in names}
            for needed in (".shx", ".dbf"):
                if (stem + needed).lower() not in lower:
                    raise InvalidInput(f"{label}: the shapefile {member} has no {needed} file beside it.")
            cpg_name = lower.get((stem + ".cpg").lower())
            cpg = archive.read(cpg_name).decode(errors="replace") if cpg_name else None
            try:
                with archive.open(lower[(stem + ".dbf").lower()]) as fh:
                    sample = _dbf_sample(fh)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise InvalidInput(f"{label}: the archive is damaged ({exc}).") from None
            source.encoding, source.warnings = _shapefile_encoding(label, cpg, sample, encoding)
        return source


def open_source(path: str | Path, *, encoding: str | None = None,
                source_layer: str | None = None) -> Source:
    """Resolve a user's path to a :class:`Source`; refuses what cannot be a dataset."""
    path = Path(path)
    label = str(path)
    if not path.exists():
        raise NotFound(f"There is no file or folder {label}.")
    if encoding:
        try:
            "".encode(encoding)
        except LookupError:
            raise InvalidInput(f"{encoding!r} is not a known text encoding (try UTF-8 or cp1252).") from None
    if path.is_dir():
        shps = sorted(p.name for p in path.iterdir() if p.suffix.lower() == ".shp")
        if not shps:
            raise InvalidInput(f"The folder {label} holds no shapefile (.shp).")
        return _shapefile(label, path / _pick(label, shps, source_layer, "shapefile"), encoding)
    if path.stat().st_size == 0:
        raise InvalidInput(f"{label} is empty (0 bytes).")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _zip(label, path, source_layer, encoding)
    if suffix == ".shp":
        return _shapefile(label, path, encoding)
    fmt = VECTOR_FORMATS.get(suffix) or RASTER_FORMATS.get(suffix)
    if fmt is None:
        known = ", ".join(sorted({*VECTOR_FORMATS, *RASTER_FORMATS, ".zip"}))
        raise InvalidInput(f"{label}: laguna does not know the format of '{suffix or path.name}' "
                           f"files (it reads {known}).")
    return Source(label, fmt, str(path), sha256([path]), encoding)
