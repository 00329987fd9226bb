"""``laguna doctor``: what this installation has and whether all is well.

Each check returns a :class:`Check`; only checks marked ``required`` decide the exit
status. Versions are reported on both sides: the database server's PostGIS (with its
GEOS/PROJ/GDAL) and the Python wheels (shapely's GEOS, pyproj's PROJ, rasterio's and
pyogrio's GDAL), because they can disagree.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass

from . import __version__
from .config import Settings
from .errors import LagunaError
from .store import connect as store
from .store.migrate import pending

MIN_FREE_GB = 2.0


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True


def run(settings: Settings) -> list[Check]:
    checks = [Check("laguna", True, __version__), _storage_crs(settings), *_wheels(), _disk(settings)]
    checks.extend(_store(settings))
    checks.extend(_tools())
    return checks


def all_well(checks: list[Check]) -> bool:
    return all(c.ok for c in checks if c.required)


def _storage_crs(settings: Settings) -> Check:
    from pyproj import CRS

    return Check("storage CRS", True, f"{settings.storage_crs} ({CRS.from_user_input(settings.storage_crs).name})")


def _wheels() -> list[Check]:
    import pyogrio
    import pyproj
    import rasterio
    import shapely

    return [
        Check("GEOS (shapely)", True, shapely.geos_version_string),
        Check("PROJ (pyproj)", True, pyproj.proj_version_str),
        Check("GDAL (rasterio)", True, rasterio.__gdal_version__),
        Check("GDAL (pyogrio)", True, pyogrio.__gdal_version_string__),
    ]


def _disk(settings: Settings) -> Check:
    folder = settings.var_dir if settings.var_dir.exists() else settings.home
    free_gb = shutil.disk_usage(folder).free / 1e9
    ok = free_gb >= MIN_FREE_GB
    return Check("disk space", ok, f"{free_gb:.1f} GB free in {folder}"
                 + ("" if ok else f" (less than {MIN_FREE_GB:g} GB: rasters and the store need room)"))


def _store(settings: Settings) -> list[Check]:
    mode = "embedded" if store.is_embedded(settings) else "external"
    try:
        url = store.database_url(settings)
        conn = store.connect(settings, check=False)
    except LagunaError as exc:
        return [Check(f"store ({mode})", False, exc.message)]
    checks = [Check(f"store ({mode})", True, f"reachable at {store.describe(url)}")]
    with conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        checks.append(Check("PostgreSQL", conn.info.server_version // 10000 >= store.MIN_POSTGRES,
                            f"{pg} (needs {store.MIN_POSTGRES}+)"))
        has_postgis = conn.execute(
            "SELECT extversion FROM pg_extension WHERE extname = 'postgis'").fetchone()
        if has_postgis is None:
            checks.append(Check("PostGIS", False, "not enabled in the database: run 'laguna db migrate'"))
            return checks
        full = conn.execute("SELECT postgis_full_version()").fetchone()[0]
        checks.append(Check("PostGIS", True, has_postgis[0]))
        for lib in ("GEOS", "PROJ", "GDAL"):
            m = re.search(rf'{lib}="([^"]+)"', full)
            detail = m.group(1) if m else ("postgis_raster not enabled (laguna reads rasters in Python)"
                                           if lib == "GDAL" else "not reported")
            checks.append(Check(f"{lib} (database)", True, detail, required=False))
        try:
            todo = pending(conn, settings.sql_dir)
            checks.append(Check("schema", not todo, "up to date" if not todo else
                                f"{len(todo)} migration(s) pending: run 'laguna db migrate'"))
        except LagunaError as exc:
            checks.append(Check("schema", False, exc.message))
        conn.rollback()
        row = conn.execute("SELECT storage_srid FROM laguna.store_info").fetchone() \
            if conn.execute("SELECT to_regclass('laguna.store_info')").fetchone()[0] else None
        if row:
            checks.append(Check("store CRS", row[0] == settings.storage_srid,
                                f"EPSG:{row[0]}" + ("" if row[0] == settings.storage_srid
                                                    else f" but LAGUNA_STORAGE_CRS is {settings.storage_crs}")))
    return checks


def _tools() -> list[Check]:
    """Programs the tests and benchmarks use as peers; useful, not required to run laguna."""
    found = []
    for name, purpose in (("ogr2ogr", "GDAL tools (import peer, OGC API client)"),
                          ("chromium", "headless browser tests"), ("pdftotext", "PDF checks")):
        path = shutil.which(name)
        found.append(Check(name, path is not None, path or f"not installed ({purpose})", required=False))
    return found
