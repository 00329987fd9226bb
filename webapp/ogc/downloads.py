"""Downloads under ``/ogc/downloads``: the same export functions as ``laguna export``
(:mod:`geoprocessing.export`), streamed to the client as they write.

- ``/ogc/downloads``: what can be downloaded (JSON or HTML);
- ``/ogc/downloads/snapshot.gpkg``: zones, every vector layer, projects and indicator values;
- ``/ogc/downloads/layers/<name>.gpkg``: one vector layer (its current version);
- ``/ogc/downloads/indicators.csv``: indicator series (``?indicator=CODE,CODE``; all by default);
- ``/ogc/downloads/rasters/<name>.tif``: a raster layer's COG (``?date=YYYY-MM-DD``; latest by default).

An export runs in a thread writing into a pipe; the response sends what it writes. A
failure before the first byte (unknown layer, bad date) is an ordinary OGC exception;
one later can only cut the download short, and is logged.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import BinaryIO

from flask import Response, current_app, request

from geoprocessing.errors import InvalidInput

log = logging.getLogger("laguna.ogc")
CHUNK = 1 << 16
GPKG = "application/geopackage+sqlite3"
CSV = "text/csv"  # Flask adds "; charset=utf-8" to text types
COG = "image/tiff; application=geotiff; profile=cloud-optimized"


def stream(write: Callable[[BinaryIO], object], filename: str, mimetype: str) -> Response:
    """Run ``write(file)`` in a thread and stream what it writes as an attachment."""
    read_fd, write_fd = os.pipe()
    reader, writer = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")
    failure: list[BaseException] = []

    def run() -> None:
        try:
            write(writer)
        except BaseException as exc:  # noqa: BLE001 - handed to the request thread below
            failure.append(exc)
        finally:
            try:
                writer.close()
            except OSError:
                pass  # the client went away: nobody reads any more

    worker = threading.Thread(target=run, name=f"download {filename}", daemon=True)
    worker.start()
    first = reader.read1(CHUNK)  # waits for the first bytes, or for the end of a failed export
    if not first:
        worker.join()
        reader.close()
        if failure:
            raise failure[0]

    def body() -> Iterator[bytes]:
        try:
            if first:
                yield first
            while chunk := reader.read1(CHUNK):
                yield chunk
            worker.join()
            if failure:
                log.error("download %s broke off: %s", filename, failure[0])
        finally:
            reader.close()

    return Response(body(), mimetype=mimetype, direct_passthrough=True,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _settings():
    return current_app.config["LAGUNA"]


def _timeout() -> int:
    return _settings().statement_timeout_ms


def snapshot() -> Response:
    from geoprocessing import export

    settings, timeout = _settings(), _timeout()  # read here: the writer thread has no app context
    return stream(lambda fh: export.export_gpkg(settings, fh, timeout_ms=timeout),
                  f"laguna-snapshot-{date.today().isoformat()}.gpkg", GPKG)


def layer(name: str) -> Response:
    from geoprocessing import export

    settings, timeout = _settings(), _timeout()
    return stream(lambda fh: export.export_gpkg(settings, fh, layers=[name], zones=False,
                                                projects=False, indicators=False,
                                                timeout_ms=timeout),
                  f"{name}.gpkg", GPKG)


def indicators() -> Response:
    from geoprocessing import export

    raw = request.args.get("indicator", "")
    codes = [c.strip() for c in raw.split(",") if c.strip()] or None
    settings, timeout = _settings(), _timeout()
    name = "-".join(codes).lower() if codes and len(codes) <= 3 else "indicators"
    return stream(lambda fh: export.export_indicator_csv(settings, fh, indicators=codes,
                                                         timeout_ms=timeout),
                  f"laguna-{_safe(name)}.csv", CSV)


def raster(name: str) -> Response:
    from geoprocessing import export

    raw = request.args.get("date")
    try:
        when = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidInput(f"date must be YYYY-MM-DD, not {raw!r}.") from None
    settings, timeout = _settings(), _timeout()
    suffix = f"-{when.isoformat()}" if when else ""
    return stream(lambda fh: export.export_cog(settings, fh, name, acquired=when, timeout_ms=timeout),
                  f"{name}{suffix}.tif", COG)


def _safe(text: str) -> str:
    """A file-name part: letters, digits, dot, dash and underscore only."""
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in text)[:80]
