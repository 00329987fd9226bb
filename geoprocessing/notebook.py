"""The store as GeoDataFrames, for notebooks (and any analyst's Python).

The same collections and filters as the OGC API (:mod:`geoprocessing.features`), read
straight from PostGIS without paging::

    from geoprocessing import notebook as nb

    nb.collections()                        # what there is: ids, titles, geometry types
    basins = nb.zones("basin")              # current zones of a kind (GeoDataFrame, EPSG:7792)
    assets = nb.layer("heritage_assets", filter="category = 'church'")
    share = nb.indicator("LAND_COVER_SHARE", zone_kind="basin")
    nb.indicator_info("LAND_COVER_SHARE")   # unit, baseline, target, thresholds
    nb.raster("land_cover", "2024-06-01")   # path of the COG to open with rasterio

Every reader takes ``filter`` (CQL2 text), ``datetime`` (an instant or interval, e.g.
``"2012-01-01/2018-12-31"``; ``"../.."`` for every version), ``bbox`` (lon/lat),
``crs`` (an EPSG code; default the storage CRS) and property equalities as keywords.
Settings (which store) come from ``LAGUNA_*`` as for the CLI; ``settings=`` overrides.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .config import Settings, get_settings
from .errors import InvalidInput, NotFound
from .features import collections as colls
from .features import crs as crs_mod
from .features import query, reading
from .features.params import ItemsRequest
from .store.connect import database_url


def store_url(settings: Settings | None = None) -> str:
    """The store's connection URL (what ``laguna db url`` prints), for QGIS or SQLAlchemy."""
    return database_url(settings or get_settings())


def collections(settings: Settings | None = None) -> pd.DataFrame:
    """Every collection: id, Italian and English titles, geometry type, illustrative flag."""
    s = settings or get_settings()
    with reading(s) as conn:
        found = colls.all_collections(conn, s.storage_srid)
    return pd.DataFrame([{"id": c.id, "title_it": c.title_it, "title_en": c.title_en,
                          "geometry_type": c.geometry_type, "illustrative": c.illustrative}
                         for c in found])


def read(collection_id: str, *, filter: str | None = None, datetime: str | None = None,
         bbox: tuple[float, float, float, float] | None = None, crs: int | None = None,
         settings: Settings | None = None, **equals) -> gpd.GeoDataFrame:
    """Every feature of a collection matching the filters, as a GeoDataFrame indexed by id."""
    from .features.params import parse_datetime

    s = settings or get_settings()
    with reading(s) as conn:
        coll = colls.get_collection(conn, s.storage_srid, collection_id)
        unknown = [k for k in equals if k not in coll.queryables]
        if unknown:
            raise InvalidInput(f"{collection_id} has no queryable property {unknown[0]!r}; "
                           f"it has {', '.join(coll.queryables)}.")
        req = ItemsRequest(limit=0, bbox=bbox, interval=parse_datetime(datetime),
                           equals={k: str(v) for k, v in equals.items()}, filter=filter,
                           crs=crs_mod.uri_for(crs) if crs else None)
        names, rows, srid = query.read_all(conn, coll, req)
    frame = pd.DataFrame(rows, columns=names)
    geometry = shapely.from_wkb(frame.pop("geometry").to_numpy())
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=f"EPSG:{srid}").set_index("id")


def layer(name: str, **kwargs) -> gpd.GeoDataFrame:
    """A vector layer's current features (``datetime=`` for the version of another time)."""
    return read(name, **kwargs)


def zones(kind: str, **kwargs) -> gpd.GeoDataFrame:
    """The live zones of a kind (basin, sestiere, island, ...); ``datetime=`` for history."""
    return read(f"zones-{kind}", **kwargs)


def indicator(code: str, **kwargs) -> gpd.GeoDataFrame:
    """An indicator's values with their zone's or station's geometry (none for the site),
    ordered by id; filter further with e.g. ``zone_kind="basin"``, ``zone_code="LIDO"``,
    ``category="2"``, ``station="PSAL"``."""
    return read("indicator-values", indicator=code, **kwargs)


def indicator_info(code: str, settings: Settings | None = None) -> dict:
    """An indicator's definition and management values (unit, baseline, target, thresholds)."""
    with reading(settings or get_settings()) as conn:
        cur = conn.execute(
            "SELECT code, name_it, name_en, kind, unit, direction, baseline_value, baseline_period, "
            "target_value, target_period, warning_threshold, alert_threshold, frequency, "
            "spatial_unit, zone_kind, method, job_name FROM laguna.indicators WHERE code = %s", (code,))
        row = cur.fetchone()
        if row is None:
            raise NotFound(f"There is no indicator {code!r}.")
        return dict(zip([d.name for d in cur.description], row, strict=True))


def rasters(name: str, settings: Settings | None = None) -> pd.DataFrame:
    """A raster layer's current assets, one per date: acquired, path (absolute), resolution, crs."""
    s = settings or get_settings()
    with reading(s) as conn:
        rows = conn.execute(
            "SELECT DISTINCT ON (a.acquired) a.acquired, a.path, a.resolution, a.crs_epsg "
            "FROM laguna.raster_assets a JOIN laguna.layers l ON l.id = a.layer_id "
            "JOIN laguna.layer_versions v ON v.id = a.layer_version_id WHERE l.name = %s "
            "ORDER BY a.acquired, v.version DESC", (name,)).fetchall()
    frame = pd.DataFrame(rows, columns=["acquired", "path", "resolution", "crs_epsg"])
    frame["path"] = [s.var_dir / p for p in frame["path"]]
    return frame


def raster(name: str, acquired: str | None = None, settings: Settings | None = None) -> Path:
    """The COG file of a raster layer for a date (the latest date when None), current version."""
    from datetime import date

    assets = rasters(name, settings)
    if acquired is not None:
        assets = assets[assets["acquired"] == date.fromisoformat(str(acquired))]
    if assets.empty:
        raise NotFound(f"Layer {name} has no raster" + (f" for {acquired}." if acquired else "."))
    return assets["path"].iloc[-1]


def illustrative_tag(*frames: pd.DataFrame) -> str:
    """' (dati illustrativi / illustrative data)' for a title when any row of the frames is
    sample data (their ``illustrative`` column), else '': real data are not labelled."""
    flagged = any("illustrative" in f and f["illustrative"].fillna(False).astype(bool).any() for f in frames)
    return " (dati illustrativi / illustrative data)" if flagged else ""
