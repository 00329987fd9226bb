"""Importers: real files (GeoJSON, GeoPackage, Shapefile, KML, FlatGeobuf, CSV, GeoTIFF) into
the store, validated, reprojected, repaired, versioned and atomic.

Modules by concern: :mod:`.sources` (formats, zip safety, encodings, checksums),
:mod:`.readers` (batches), :mod:`.extent` (CRS, reprojection, extent check),
:mod:`.geometry` and :mod:`.attributes` (validation and repair), :mod:`.load` (tables and
binary COPY), :mod:`.vector` (the streaming pipeline), :mod:`.zones`, :mod:`.raster`
(GeoTIFF to COG), :mod:`.report`; :func:`import_path` ties them together.
"""

from .api import import_path
from .report import ImportReport

__all__ = ["ImportReport", "import_path"]
