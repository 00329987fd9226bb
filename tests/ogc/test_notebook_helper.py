"""The notebook helper returns the store's features as GeoDataFrames, as the API serves them."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from geoprocessing import notebook as nb
from geoprocessing.errors import InvalidInput, NotFound

from . import fixture_store as fx


def test_collections_and_layers(ogc_settings):
    ids = set(nb.collections(settings=ogc_settings)["id"])
    assert {"zones-basin", "heritage_assets", "indicator-values"} <= ids
    assets = nb.layer("heritage_assets", settings=ogc_settings)
    assert len(assets) == fx.HERITAGE_V2 and assets.crs.to_epsg() == fx.SRID
    assert set(assets["layer_version"]) == {2}
    old = nb.layer("heritage_assets", datetime="2022-01-01T00:00:00Z", settings=ogc_settings)
    assert len(old) == fx.HERITAGE_V1


def test_filters_bbox_and_crs(ogc_settings):
    expected = sum(1 for p in fx.heritage_points(2)
                   if p[2] == "church" and box(12.32, 45.43, 12.35, 45.44).contains(p[-1]))
    found = nb.layer("heritage_assets", filter="category = 'church'", bbox=(12.32, 45.43, 12.35, 45.44),
                     crs=4326, settings=ogc_settings)
    assert len(found) == expected
    assert found.crs.to_epsg() == 4326 and found.total_bounds[0] > 12  # x is longitude


def test_zones_and_indicator_values(ogc_settings):
    basins = nb.zones("basin", settings=ogc_settings)
    assert sorted(basins["code"]) == ["CHIOGGIA", "LIDO", "MALAMOCCO"]
    lido = basins[basins["code"] == "LIDO"].geometry.iloc[0]
    x1, y1, x2, y2 = next(r[1] for r in fx.BASINS if r[0] == "LIDO" and r[2] == "approved")
    assert abs(lido.area - fx.to_store(box(x1, y1, x2, y2)).area) < 1
    share = nb.indicator("LAND_COVER_SHARE", zone_code="LIDO", settings=ogc_settings)
    assert list(share["period"]) == ["2012", "2018", "2024"]
    assert nb.indicator_info("LAND_COVER_SHARE", settings=ogc_settings)["target_value"] == 9.5
    site = nb.indicator("TOURIST_ARRIVALS", settings=ogc_settings)
    assert len(site) == 5 and site.geometry.isna().all()


def test_mistakes_are_one_sentence(ogc_settings):
    with pytest.raises(InvalidInput, match="no queryable property 'colour'"):
        nb.layer("heritage_assets", colour="red", settings=ogc_settings)
    with pytest.raises(NotFound):
        nb.zones("atlantis", settings=ogc_settings)
    with pytest.raises(NotFound):
        nb.raster("land_cover", "1999-06-01", settings=ogc_settings)


def test_raster_paths(ogc_settings):
    latest = nb.raster("land_cover", settings=ogc_settings)
    assert latest.name == f"{fx.LAND_COVER_DATES[-1]}.tif" and latest.exists()
    assert nb.raster("land_cover", fx.LAND_COVER_DATES[0], settings=ogc_settings).exists()


def test_the_illustrative_tag_follows_the_data():
    import pandas as pd

    from geoprocessing import notebook

    real, sample = pd.DataFrame({"illustrative": [False, None]}), pd.DataFrame({"illustrative": [False, True]})
    assert notebook.illustrative_tag(real) == "" and notebook.illustrative_tag(pd.DataFrame({"x": [1]})) == ""
    assert notebook.illustrative_tag(real, sample) == " (dati illustrativi / illustrative data)"
