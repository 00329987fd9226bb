"""GeoTIFF -> COG: checked against the layer file, converted with rio-cogeo, registered with
date, bands and footprint; refused cleanly (store and var/ unchanged) when wrong."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rio_cogeo.cogeo import cog_validate

from geoprocessing import export
from geoprocessing.errors import InvalidInput
from geoprocessing.importers import import_path, raster

from .conftest import CENTRE


def land_cover(seed: int = 1, shape=(80, 100)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 10, shape, dtype=np.uint8)
    data[:5, :] = 0  # a strip of no data
    return data


def write_tif(path, data: np.ndarray, *, crs="EPSG:7792", nodata=0, origin=None, res=10.0, tags=None):
    x0, y0 = origin or (CENTRE[0], CENTRE[1] + 2_000)
    profile = {"driver": "GTiff", "height": data.shape[-2], "width": data.shape[-1],
               "count": 1 if data.ndim == 2 else data.shape[0], "dtype": data.dtype.name,
               "transform": from_origin(x0, y0, res, res), "nodata": nodata}
    if crs:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1) if data.ndim == 2 else dst.write(data)
        if tags:
            dst.update_tags(**tags)
    return path


def test_land_cover_becomes_a_registered_cog(settings, db, tmp_path):
    data = land_cover()
    src = write_tif(tmp_path / "lc.tif", data)
    report = import_path(settings, src, "land_cover", acquired="2012-06-01")
    assert (report.version, report.asset) == (1, "rasters/land_cover/land_cover_2012-06-01_v1.tif")
    row = db.execute("SELECT acquired::text, path, checksum, crs_epsg, width, height, band_count, resolution, "
                     "dtype, nodata, ST_Area(footprint) FROM laguna.raster_assets").fetchone()
    cog = settings.var_dir / row[1]
    assert row[0] == "2012-06-01" and row[3:] == (7792, 100, 80, 1, 10.0, "uint8", 0.0, 1000.0 * 800.0)
    assert row[2] == hashlib.sha256(cog.read_bytes()).hexdigest()
    valid, errors, _ = cog_validate(str(cog), quiet=True)
    assert valid, errors
    with rasterio.open(cog) as out:
        assert np.array_equal(out.read(1), data)
        assert out.colormap(1)[1][:3] == (0x3A, 0x7D, 0xC9)  # the legend's colour of class 1
        assert out.tags()["LAGUNA_ACQUIRED"] == "2012-06-01"
    counts = db.execute("SELECT report -> 'pixels' -> 'class_pixels' FROM laguna.layer_versions").fetchone()[0]
    expected = np.bincount(data.ravel(), minlength=10)
    assert counts == {str(c): int(expected[c]) for c in range(1, 10)}


def test_versions_per_date_and_the_identical_no_op(settings, db, tmp_path, store_print):
    src = write_tif(tmp_path / "lc.tif", land_cover())
    assert import_path(settings, src, "land_cover", acquired="2012-06-01").version == 1
    before = store_print()
    again = import_path(settings, src, "land_cover", acquired="2012-06-01")
    assert again.unchanged and store_print() == before
    assert import_path(settings, src, "land_cover", acquired="2018-06-01").version == 2
    changed = write_tif(tmp_path / "lc2.tif", land_cover(seed=2))
    assert import_path(settings, changed, "land_cover", acquired="2012-06-01").version == 3
    rows = db.execute("SELECT a.acquired::text, v.version FROM laguna.raster_assets a JOIN laguna.layer_versions v "
                      "ON v.id = a.layer_version_id ORDER BY v.version").fetchall()
    assert rows == [("2012-06-01", 1), ("2018-06-01", 2), ("2012-06-01", 3)]
    from geoprocessing.catalogue import current_raster_asset

    assert current_raster_asset(db, "land_cover", "2012-06-01")["version"] == 3
    assert len(list((settings.var_dir / "rasters" / "land_cover").glob("*.tif"))) == 3


def test_a_raster_layer_is_illustrative_while_any_current_date_is(settings, db, tmp_path):
    def label():
        return db.execute("SELECT illustrative FROM laguna.layers WHERE name = 'land_cover'").fetchone()[0]

    import_path(settings, write_tif(tmp_path / "s12.tif", land_cover(1)), "land_cover",
                acquired="2012-06-01", illustrative=True)
    import_path(settings, write_tif(tmp_path / "r24.tif", land_cover(2)), "land_cover",
                acquired="2024-06-01", licence="CC BY 4.0")
    assert label() is True  # the sample's 2012 is still current for its date
    again = import_path(settings, tmp_path / "r24.tif", "land_cover", acquired="2024-06-01", licence="CC BY 4.0")
    assert again.unchanged and label() is True  # an identical re-import does not relabel the layer
    import_path(settings, write_tif(tmp_path / "r12.tif", land_cover(3)), "land_cover",
                acquired="2012-06-01", licence="CC BY 4.0")
    assert label() is False
    per_asset = db.execute("SELECT a.acquired::text, v.version, v.illustrative FROM laguna.raster_assets a "
                           "JOIN laguna.layer_versions v ON v.id = a.layer_version_id ORDER BY v.version").fetchall()
    assert per_asset == [("2012-06-01", 1, True), ("2024-06-01", 2, False), ("2012-06-01", 3, False)]


def test_acquisition_date_from_tag_or_name(settings, db, tmp_path, store_print):
    tagged = write_tif(tmp_path / "a.tif", land_cover(), tags={"TIFFTAG_DATETIME": "2018:06:01 10:30:00"})
    named = write_tif(tmp_path / "land_cover_2024-06-01.tif", land_cover(seed=3))
    assert import_path(settings, tagged, "land_cover").asset.endswith("2018-06-01_v1.tif")
    assert import_path(settings, named, "land_cover").asset.endswith("2024-06-01_v2.tif")
    undated = write_tif(tmp_path / "b.tif", land_cover(seed=4))
    before = store_print()
    with pytest.raises(InvalidInput, match="b.tif does not say when it was acquired: give --date"):
        import_path(settings, undated, "land_cover")
    assert store_print() == before


@pytest.mark.parametrize("case, fragment", [
    ("unknown-class", "pixel value 12 (1 pixels) is not a class of layer land_cover's legend"),
    ("nodata", "marks missing pixels with 255, but layer land_cover declares nodata 0"),
    ("bands", "has 2 band(s) of uint8, but layer land_cover declares 1 of uint8"),
    ("dtype", "has 1 band(s) of int16, but layer land_cover declares 1 of uint8"),
    ("far", "feature 1 lies at"),
    ("no-crs", "does not say its coordinate reference system"),
])
def test_bad_rasters_are_refused(settings, tmp_path, store_print, case, fragment):
    data = land_cover()
    path = tmp_path / f"{case}.tif"
    if case == "unknown-class":
        data[40, 50] = 12
        write_tif(path, data)
    elif case == "nodata":
        write_tif(path, data, nodata=255)
    elif case == "bands":
        write_tif(path, np.stack([data, data]))
    elif case == "dtype":
        write_tif(path, data.astype(np.int16))
    elif case == "far":
        write_tif(path, data, crs="EPSG:4326", origin=(45.4, 12.3), res=0.001)
    else:
        write_tif(path, data, crs=None)
    before = store_print()
    with pytest.raises(InvalidInput) as err:
        import_path(settings, path, "land_cover", acquired="2012-06-01")
    assert fragment in err.value.message and f"{case}.tif" in err.value.message
    assert store_print() == before
    if case == "far":
        assert "latitude and longitude look swapped" in err.value.message


def test_crs_given_for_a_raster_without_one(settings, db, tmp_path):
    path = write_tif(tmp_path / "nocrs.tif", land_cover(), crs=None)
    import_path(settings, path, "land_cover", acquired="2012-06-01", crs="EPSG:7792")
    cog = settings.var_dir / db.execute("SELECT path FROM laguna.raster_assets").fetchone()[0]
    with rasterio.open(cog) as out:
        assert out.crs.to_epsg() == 7792


def test_continuous_rasters_check_their_range(settings, tmp_path, store_print, db):
    dem = np.linspace(-12, 6, 80 * 100, dtype=np.float32).reshape(80, 100)
    dem[:3] = -9999
    assert import_path(settings, write_tif(tmp_path / "dem.tif", dem, nodata=-9999), "dem",
                       acquired="2012-06-01").version == 1
    stats = db.execute("SELECT report -> 'pixels' FROM laguna.layer_versions").fetchone()[0]
    assert stats["min"] == pytest.approx(float(dem[3:].min())) and stats["max"] == pytest.approx(6.0)
    ndvi = np.full((80, 100), 0.4, np.float32)
    ndvi[10, 10] = 1.7
    before = store_print()
    with pytest.raises(InvalidInput, match="1 pixels of band ndvi in rows 0-79 are outside -1..1"):
        import_path(settings, write_tif(tmp_path / "ndvi.tif", ndvi, nodata=-9999), "ndvi", acquired="2024-06-01")
    ndvi[10, 10] = np.nan
    with pytest.raises(InvalidInput, match="1 pixels are NaN although the layer's nodata is -9999"):
        import_path(settings, write_tif(tmp_path / "ndvi2.tif", ndvi, nodata=-9999), "ndvi", acquired="2024-06-01")
    assert store_print() == before


def test_failure_after_the_cog_is_placed_removes_it(settings, tmp_path, store_print, monkeypatch):
    real = raster.place

    def place_then_fail(result):
        real(result)
        assert result.final_path.exists()
        raise InvalidInput("simulated failure just before the commit.")

    monkeypatch.setattr(raster, "place", place_then_fail)
    before = store_print()
    with pytest.raises(InvalidInput, match="simulated"):
        import_path(settings, write_tif(tmp_path / "lc.tif", land_cover()), "land_cover", acquired="2012-06-01")
    assert store_print() == before


def test_export_cog_with_its_qgis_style(settings, tmp_path):
    import_path(settings, write_tif(tmp_path / "lc.tif", land_cover()), "land_cover", acquired="2012-06-01")
    import_path(settings, write_tif(tmp_path / "lc2.tif", land_cover(seed=9)), "land_cover", acquired="2018-06-01")
    out = tmp_path / "out" / "lc.tif"
    out.parent.mkdir()
    asset = export.export_cog(settings, out, "land_cover", acquired="2012-06-01")
    assert out.read_bytes() == (settings.var_dir / asset["path"]).read_bytes()
    with rasterio.open(out) as cog:
        assert np.array_equal(cog.read(1), land_cover())
    palette = ET.fromstring(out.with_suffix(".qml").read_text(encoding="utf-8").split("\n", 1)[1])
    entries = palette.findall(".//paletteEntry")
    assert [e.get("value") for e in entries] == [str(i) for i in range(1, 10)]
    assert entries[1].get("label") == "barene / salt marshes"
    latest = export.export_cog(settings, tmp_path / "latest.tif", "land_cover")
    assert str(latest["acquired"]) == "2018-06-01"
