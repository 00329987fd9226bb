"""Validation: every bad input is refused with one sentence naming file, feature, field and
problem, and the store stays exactly as it was; what can be repaired is, and is counted."""

from __future__ import annotations

import re
import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from geoprocessing.errors import InvalidInput, LagunaError, NotFound
from geoprocessing.importers import import_path

from .conftest import squares, write, write_csv, zone_frame


def refused(settings, store_print, path, layer, *fragments, error=InvalidInput, **options) -> str:
    before = store_print()
    with pytest.raises(error) as err:
        import_path(settings, path, layer, **options)
    message = err.value.message
    assert "\n" not in message and message.endswith("."), message
    for fragment in fragments:
        assert fragment in message, message
    assert store_print() == before
    return message


@pytest.fixture
def seeded(settings, tmp_path):
    """A store that already holds one version of 'islands' (refusals must not touch it)."""
    import_path(settings, write(zone_frame(), tmp_path / "seed.gpkg"), "islands", as_zones="island")
    return settings


# -- files --------------------------------------------------------------------------------
def test_zero_byte_and_missing_files(seeded, store_print, tmp_path):
    empty = tmp_path / "vuoto.gpkg"
    empty.write_bytes(b"")
    refused(seeded, store_print, empty, "islands", "vuoto.gpkg is empty (0 bytes)")
    refused(seeded, store_print, tmp_path / "assente.gpkg", "islands", "There is no file", error=NotFound)


@pytest.mark.parametrize("name, content", [
    ("rotto.gpkg", b"SQLite format 3\x00" + b"\x00" * 500),
    ("rotto.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feat'),
    ("rotto.fgb", b"fgb\x03fgb\x00" + b"\x07" * 64),
    ("rotto.kml", b"<kml><Document><Placemark><Polygon>"),
    ("rotto.zip", b"PK\x03\x04 this is not really a zip"),
])
def test_corrupt_files_are_refused(seeded, store_print, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    refused(seeded, store_print, path, "islands", name)


def test_zip_escaping_its_folder_is_refused(seeded, store_print, tmp_path):
    write(zone_frame(), tmp_path / "z.geojson")
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(tmp_path / "z.geojson", "ok/z.geojson")
        zf.writestr("../../etc/cron.d/evil", "x")
    refused(seeded, store_print, path, "islands", "evil.zip", "'../../etc/cron.d/evil'",
            "outside the archive's folder")


def test_zip_with_several_datasets_asks_for_one(seeded, store_print, tmp_path, settings):
    write(zone_frame(), tmp_path / "a.geojson")
    write(zone_frame(dx=5), tmp_path / "b.geojson")
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(tmp_path / "a.geojson", "a.geojson")
        zf.write(tmp_path / "b.geojson", "b.geojson")
    refused(seeded, store_print, path, "islands", "several datasets (a.geojson, b.geojson)", "--source-layer")
    assert import_path(settings, path, "islands", source_layer="b").feature_count == 4


def test_unknown_format_and_kind_mismatch(seeded, store_print, tmp_path):
    path = tmp_path / "dati.xlsx"
    path.write_bytes(b"x")
    refused(seeded, store_print, path, "islands", "does not know the format of '.xlsx'")
    refused(seeded, store_print, write(zone_frame(), tmp_path / "z.gpkg"), "land_cover",
            "is a GeoPackage (vector) file, but layer land_cover is a raster layer")


# -- coordinates --------------------------------------------------------------------------
def test_no_crs_is_refused_unless_given(seeded, store_print, tmp_path, settings):
    folder = tmp_path / "noprj"
    folder.mkdir()
    write(zone_frame(), folder / "z.shp", encoding="UTF-8")
    (folder / "z.prj").unlink()
    refused(seeded, store_print, folder, "islands", "does not say its coordinate reference system", "--crs")
    assert import_path(settings, folder, "islands", crs="EPSG:7792").version == 2


def test_swapped_latitude_longitude_is_diagnosed(seeded, store_print, tmp_path):
    frame = zone_frame().to_crs(4326)
    frame.geometry = shapely.transform(frame.geometry.values, lambda c: c[:, ::-1])
    path = write(frame, tmp_path / "swapped.gpkg")
    refused(seeded, store_print, path, "islands", "swapped.gpkg: feature 1 lies at (45.4", "far outside",
            "latitude and longitude look swapped")


def test_wrong_epsg_is_diagnosed(seeded, store_print, tmp_path):
    frame = zone_frame().to_crs(3003)  # Gauss-Boaga west metres...
    frame = frame.set_crs(32632, allow_override=True)  # ...labelled as UTM 32N
    path = write(frame, tmp_path / "wrong.gpkg")
    message = refused(seeded, store_print, path, "islands", "feature 1", "in EPSG:32632", "far outside")
    assert "EPSG:3003" in message and "--crs EPSG:3003" in message


def test_degrees_in_a_projected_crs_are_diagnosed(seeded, store_print, tmp_path):
    frame = zone_frame().to_crs(4326).set_crs(7792, allow_override=True)
    refused(seeded, store_print, write(frame, tmp_path / "gradi.gpkg"), "islands",
            "look like longitude/latitude degrees", "--crs EPSG:4326")


def test_padova_municipalities_are_inside_the_region(settings, tmp_path):
    # Codevigo (Padova province) sits on the lagoon's south-west edge; Abano Terme further west.
    frame = gpd.GeoDataFrame({"code": ["028033", "028001"], "name_it": ["Codevigo", "Abano Terme"]},
                             geometry=[shapely.box(12.05, 45.22, 12.15, 45.30).buffer(0),
                                       shapely.box(11.75, 45.33, 11.82, 45.38)], crs=4326)
    assert import_path(settings, write(frame, tmp_path / "pd.geojson"), "municipalities").feature_count == 2


def test_wide_extent_layer_accepts_the_world(settings, db, tmp_path, layer_file, store_print):
    path = layer_file("partner_cities", "wide_extent = true", geometry="Point",
                      attributes='[[attributes]]\nname = "city"\ntype = "text"\n')
    cities = gpd.GeoDataFrame({"city": ["Suzhou", "Sarajevo", "Sant'Erasmo"]},
                              geometry=shapely.points([(120.62, 31.30), (18.41, 43.86), (12.41, 45.45)]), crs=4326)
    assert import_path(settings, write(cities, tmp_path / "c.geojson"), path).feature_count == 3
    srid, x = db.execute("SELECT ST_SRID(geom), ST_X(geom) FROM layers.partner_cities WHERE city = 'Suzhou'").fetchone()
    assert srid == 4326 and abs(x - 120.62) < 1e-9
    bad = gpd.GeoDataFrame({"city": ["Nowhere"]}, geometry=shapely.points([(500.0, 95.0)]), crs=4326)
    refused(settings, store_print, write(bad, tmp_path / "bad.gpkg"), path, "feature 1", "not on the Earth")


def test_nan_coordinates_are_refused(seeded, store_print, tmp_path):
    frame = zone_frame()
    geoms = list(frame.geometry)
    geoms[2] = shapely.Polygon([(291_000, 5_034_000), (np.nan, 5_034_100), (291_100, 5_034_100)])
    frame.geometry = geoms
    refused(seeded, store_print, write(frame, tmp_path / "nan.gpkg"), "islands",
            "nan.gpkg: feature 3 has a coordinate that is not a number")


def test_nan_in_a_csv_is_refused(seeded, store_print, tmp_path, layer_file):
    path = layer_file("pts", geometry="Point", attributes='[[attributes]]\nname = "name"\ntype = "text"\n')
    csv_path = write_csv(tmp_path / "p.csv", ["name", "lon", "lat"],
                         [["a", 12.33, 45.43], ["b", "nan", 45.44], ["c", 12.35, 45.45]])
    refused(seeded, store_print, csv_path, path, "p.csv: feature 2 has a coordinate that is not a number")
    text = write_csv(tmp_path / "q.csv", ["name", "lon", "lat"], [["a", 12.33, 45.43], ["b", "dodici", 45.44]])
    refused(seeded, store_print, text, path, "q.csv: feature 2: field 'lon' is 'dodici', not a number")


# -- geometries ---------------------------------------------------------------------------
def test_invalid_geometries_are_repaired_and_counted(settings, db, tmp_path):
    frame = zone_frame()
    bowtie = shapely.Polygon([(291_000, 5_034_000), (291_400, 5_034_400), (291_400, 5_034_000),
                              (291_000, 5_034_400)])
    frame.geometry = [bowtie, *frame.geometry[1:]]
    report = import_path(settings, write(frame, tmp_path / "bow.gpkg"), "islands")
    assert report.repaired == 1 and "1 geometry repaired" in report.message
    valid, area, kind = db.execute("SELECT bool_and(ST_IsValid(geom)), ST_Area(geom), GeometryType(geom) "
                                   "FROM layers.islands WHERE code = 'CANNAREGIO' GROUP BY geom").fetchone()
    assert valid and kind == "MULTIPOLYGON" and abs(area - shapely.make_valid(bowtie).area) < 1e-6
    assert db.execute("SELECT repaired_count FROM laguna.layer_versions").fetchone()[0] == 1


def test_collapsing_geometry_is_refused(seeded, store_print, tmp_path):
    frame = zone_frame()
    flat = shapely.Polygon([(291_000, 5_034_000), (291_100, 5_034_000), (291_200, 5_034_000)])
    frame.geometry = [*frame.geometry[:3], flat]
    refused(seeded, store_print, write(frame, tmp_path / "flat.gpkg"), "islands",
            "flat.gpkg: feature 4", "collapses to nothing")


def test_wrong_geometry_type_is_refused(seeded, store_print, tmp_path):
    frame = zone_frame()
    frame.geometry = [*frame.geometry[:1], shapely.LineString([(291_000, 5_034_000), (291_500, 5_034_500)]),
                      *frame.geometry[2:]]
    refused(seeded, store_print, write(frame, tmp_path / "line.gpkg", geometry_type="Unknown"), "islands",
            "line.gpkg: feature 2 is a LineString, but the layer holds MultiPolygon")


def test_multi_in_a_single_layer(settings, db, tmp_path, layer_file, store_print):
    path = layer_file("singles", geometry="Point", attributes='[[attributes]]\nname = "n"\ntype = "integer"\n')
    one = gpd.GeoDataFrame({"n": [1, 2]}, geometry=[shapely.MultiPoint([(291_000, 5_034_000)]),
                                                    shapely.Point(291_100, 5_034_000)], crs=7792)
    assert import_path(settings, write(one, tmp_path / "one.gpkg", geometry_type="Unknown"), path).feature_count == 2
    assert db.execute("SELECT count(*) FROM layers.singles WHERE GeometryType(geom) = 'POINT'").fetchone()[0] == 2
    two = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.MultiPoint([(291_000, 5_034_000), (291_100, 5_034_000)])],
                           crs=7792)
    refused(settings, store_print, write(two, tmp_path / "two.gpkg"), path,
            "feature 1 is a MultiPoint of 2 parts, but the layer holds Point")


def test_empty_geometries_refused_or_reported(settings, db, tmp_path, store_print):
    frame = zone_frame()
    frame.geometry = [*frame.geometry[:2], None, frame.geometry[3]]
    path = write(frame, tmp_path / "hole.gpkg")
    refused(settings, store_print, path, "islands", "hole.gpkg: feature 3 has an empty or missing geometry")
    # accommodation skips and reports them (empty_geometries = "report")
    hotels = gpd.GeoDataFrame({"kind": ["hotel", "hostel", "apartment"], "beds": [10, 20, 4]},
                              geometry=[shapely.Point(291_000, 5_034_000), None, shapely.Point(291_050, 5_034_000)],
                              crs=7792)
    report = import_path(settings, write(hotels, tmp_path / "h.gpkg"), "accommodation")
    assert (report.feature_count, report.skipped) == (2, 1) and "1 feature skipped" in report.message
    assert db.execute("SELECT array_agg(kind ORDER BY fid) FROM layers.accommodation").fetchone()[0] == ["hotel", "apartment"]


def test_z_values_dropped_kept_or_refused(settings, db, tmp_path, layer_file, store_print):
    frame = zone_frame()
    frame.geometry = shapely.force_3d(frame.geometry.values, 2.5)
    path = write(frame, tmp_path / "z.gpkg")
    import_path(settings, path, "islands")
    assert db.execute("SELECT bool_and(ST_NDims(geom) = 2) FROM layers.islands").fetchone()[0]
    keep = layer_file("heights", 'z = "keep"')
    import_path(settings, path, keep)
    assert db.execute("SELECT min(ST_ZMin(geom)), max(ST_ZMax(geom)) FROM layers.heights").fetchone() == (2.5, 2.5)
    refuse = layer_file("flat_only", 'z = "refuse"')
    refused(settings, store_print, path, refuse, "z.gpkg: feature 1 has Z values")


# -- attributes ---------------------------------------------------------------------------
@pytest.mark.parametrize("column, values, fragment", [
    ("population", [1, 2, "molti", 4], "feature 3: field 'population' is 'molti', not a whole number"),
    ("population", [1, 2, 3, -5], "feature 4: field 'population' is -5, below the minimum 0"),
    ("population", [1, 2, 3, 3_000_000_000], "feature 4: field 'population' is 3000000000, not a whole number between"),
    ("population", [1, 2.5, 3, 4], "feature 2: field 'population' is 2.5, not a whole number"),
    ("code", ["A", "B", None, "D"], "feature 3: field 'code' is empty, but the layer requires it"),
    ("code", ["A", "B", "C C", "D"], "feature 3: field 'code' is 'C C', which does not match the pattern"),
    ("name_it", ["a", "b", "c", "x" * 200_000], "feature 4: field 'name_it' is 200,000 characters long; the layer allows at most 10,000"),
])
def test_attribute_problems_name_feature_and_field(seeded, store_print, tmp_path, column, values, fragment):
    frame = zone_frame()
    frame[column] = values
    path = write(frame, tmp_path / "attr.gpkg")
    refused(seeded, store_print, path, "islands", f"attr.gpkg: {fragment}", as_zones="island")


def test_value_outside_the_vocabulary(settings, store_print, tmp_path):
    assets = gpd.GeoDataFrame({"asset_id": ["a1", "a2"], "name": ["San Marco", "Rialto"],
                               "category": ["church", "casino"], "century": [11, 16]},
                              geometry=shapely.points([(291_000, 5_034_000), (291_200, 5_034_100)]), crs=7792)
    refused(settings, store_print, write(assets, tmp_path / "beni.gpkg"), "heritage_assets",
            "beni.gpkg: feature 2: field 'category' is 'casino', not one of: church, palace, fort")


def test_missing_required_field(seeded, store_print, tmp_path):
    frame = zone_frame().drop(columns=["code"])
    refused(seeded, store_print, write(frame, tmp_path / "senza.gpkg"), "islands",
            "senza.gpkg has no field 'code' for the required attribute code", "its fields are: name_it")


def test_duplicate_ids_refused_or_reported(settings, db, tmp_path, layer_file, store_print):
    frame = zone_frame(6)
    frame["code"] = ["A", "B", "C", "B", "E", "C"]
    path = write(frame, tmp_path / "dup.gpkg")
    refused(settings, store_print, path, "islands", "dup.gpkg: feature 4: field 'code' repeats the id 'B' of feature 2")
    lenient = layer_file("lenient", 'id = "code"\nduplicate_ids = "report"')
    report = import_path(settings, path, lenient)
    assert (report.feature_count, report.skipped) == (4, 2)
    assert any("2 features repeat an id" in w for w in report.warnings)
    assert db.execute("SELECT array_agg(code ORDER BY fid), array_agg(population ORDER BY fid) "
                      "FROM layers.lenient").fetchone() == (["A", "B", "C", "E"], [1000, 2000, 3000, 5000])


def test_several_layers_in_a_geopackage(settings, store_print, tmp_path):
    path = tmp_path / "multi.gpkg"
    write(zone_frame(), path, layer="isole")
    write(zone_frame(dx=5), path, layer="sestieri_vecchi", append=True)
    refused(settings, store_print, path, "islands", "several layers (isole, sestieri_vecchi)", "--source-layer")
    assert import_path(settings, path, "islands", source_layer="isole").feature_count == 4
    refused(settings, store_print, path, "islands", "has no layer 'nope'", source_layer="nope")


def test_errors_are_laguna_errors_with_plain_sentences(seeded, store_print, tmp_path):
    # the whole family above shares this shape; check one more corner: a GeoPackage with no rows
    path = tmp_path / "vuota.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"code": []}, geometry=[], crs=7792), path,
                            layer="isole", geometry_type="MultiPolygon")
    message = refused(seeded, store_print, path, "islands", "vuota.gpkg holds no features to import")
    assert not re.search(r"Traceback|Error:|Exception", message)
    assert issubclass(InvalidInput, LagunaError)


def test_an_identical_layout_in_another_file_still_imports(settings, tmp_path):
    # two files with the same features but different bytes (GeoJSON vs GeoPackage) are two sources
    a = import_path(settings, write(zone_frame(), tmp_path / "a.geojson"), "islands")
    b = import_path(settings, write(zone_frame(), tmp_path / "b.gpkg"), "islands")
    assert (a.version, b.version, b.unchanged) == (1, 2, False)
    assert squares()[0].area == 160_000
