"""The layer files of layers/ and the catalogue in the store."""

from __future__ import annotations

import pytest

from geoprocessing import catalogue
from geoprocessing.errors import InvalidInput, NotFound
from geoprocessing.importers import import_path

from .conftest import write, zone_frame

# The contract's sample table: layer -> (kind, geometry, zone kind, attributes it must have).
CONTRACT = {
    "property": ("vector", "MultiPolygon", "property", {"code", "name_it", "name_en", "status"}),
    "buffer_zone": ("vector", "MultiPolygon", "buffer", {"code", "name_it", "name_en", "status"}),
    "lagoon": ("vector", "MultiPolygon", "lagoon", {"code", "name_it", "name_en"}),
    "basins": ("vector", "MultiPolygon", "basin", {"code", "name_it", "name_en"}),
    "municipalities": ("vector", "MultiPolygon", "municipality", {"code", "population"}),
    "sestieri": ("vector", "MultiPolygon", "sestiere", {"code", "population"}),
    "islands": ("vector", "MultiPolygon", "island", {"code", "population"}),
    "salt_marshes": ("vector", "MultiPolygon", None, {"survey_year"}),
    "heritage_assets": ("vector", "Point", None, {"asset_id", "name", "category", "century"}),
    "accommodation": ("vector", "Point", None, {"kind", "beds"}),
    "land_cover": ("raster", None, None, set()),
    "dem": ("raster", None, None, set()),
    "ndvi": ("raster", None, None, set()),
}
LAND_COVER = {1: ("acque lagunari", "lagoon water"), 2: ("barene", "salt marshes"),
              3: ("velme e piane di marea", "tidal flats"), 4: ("superfici artificiali", "artificial surfaces"),
              5: ("aree agricole", "agricultural land"), 6: ("boschi e aree verdi", "woodland and green areas"),
              7: ("spiagge e dune", "beaches and dunes"), 8: ("valli da pesca", "fish farms"), 9: ("mare", "sea")}


def test_every_contract_layer_has_a_valid_file():
    layers = {layer.name: layer for layer in catalogue.load_all()}
    assert set(CONTRACT) <= set(layers)
    for name, (kind, geometry, zone_kind, attrs) in CONTRACT.items():
        layer = layers[name]
        assert (layer.kind, layer.geometry_type) == (kind, geometry), name
        assert (layer.zones.kind if layer.zones else None) == zone_kind, name
        assert attrs <= {a.name for a in layer.attributes}, name
        # neutral: licence and labelling come with each import, not with the layer
        assert not layer.illustrative and layer.licence == catalogue.NOT_DECLARED, name
        assert layer.title.it != layer.title.en or name == "ndvi"


def test_contract_vocabularies_and_raster_bands():
    heritage = catalogue.resolve("heritage_assets")
    assert heritage.attribute("category").values == ["church", "palace", "fort", "museum", "bridge", "other"]
    assert catalogue.resolve("accommodation").attribute("kind").values == ["hotel", "guesthouse", "apartment", "hostel"]
    assert catalogue.resolve("salt_marshes").attribute("survey_year").type == "integer"
    dem, ndvi = catalogue.resolve("dem"), catalogue.resolve("ndvi")
    assert (dem.bands[0].dtype, dem.bands[0].nodata, dem.bands[0].unit) == ("float32", -9999, "m ZMPS")
    assert (ndvi.bands[0].dtype, ndvi.bands[0].nodata, ndvi.bands[0].min, ndvi.bands[0].max) == ("float32", -9999, -1, 1)


def test_land_cover_legend_is_the_contracts_nine_classes():
    layer = catalogue.resolve("land_cover")
    assert layer.classified and layer.bands[0].dtype == "uint8" and layer.bands[0].nodata == 0
    assert {int(e.value): (e.label.it, e.label.en) for e in layer.legend} == LAND_COVER
    assert len({e.colour.lower() for e in layer.legend}) == 9  # nine distinct colours


@pytest.mark.parametrize("body, fragment", [
    ('kind = "vector"\ngeometry_type = "Polygon"\ntitle = { it = "x" }\nlicence = "x"', "title.en: Field required"),
    ('kind = "vector"\ntitle = { it = "x", en = "y" }\nlicence = "x"', "a vector layer needs geometry_type"),
    ('kind = "vector"\ngeometry_type = "Blob"\ntitle = { it = "x", en = "y" }\nlicence = "x"', "geometry_type"),
    ('kind = "vector"\ngeometry_type = "Point"\ntitle = { it = "x", en = "y" }\nlicence = "x"\nid = "nope"',
     "id 'nope' is not one of the declared attributes"),
    ('kind = "vector"\ngeometry_type = "Point"\ntitle = { it = "x", en = "y" }\nlicence = "x"\n'
     '[[attributes]]\nname = "a"\ntype = "string"', "attributes.0.type"),
    ('kind = "vector"\ngeometry_type = "Point"\ntitle = { it = "x", en = "y" }\nlicence = "x"\n'
     '[[attributes]]\nname = "geom"\ntype = "text"', "'geom' is reserved"),
    ('kind = "raster"\ntitle = { it = "x", en = "y" }\nlicence = "x"', "needs at least one [[bands]]"),
    ('kind = "vector"\ngeometry_type = "Point"\ntitle = { it = "x", en = "y" }\nlicence = "x"\n[zones]\nkind = "island"',
     "only Polygon or MultiPolygon layers can feed zones"),
    ('kind = "vector" geometry_type', "is not valid TOML"),
])
def test_a_bad_layer_file_is_one_sentence(tmp_path, body, fragment):
    path = tmp_path / "broken.toml"
    path.write_text(f'name = "broken"\n{body}\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        catalogue.load(path)
    message = err.value.message
    assert fragment in message and str(path) in message
    assert "\n" not in message and message.endswith(".")


def test_file_name_must_match_layer_name(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text('name = "islands"\nkind = "vector"\ngeometry_type = "Point"\n'
                    'title = { it = "x", en = "y" }\nlicence = "x"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="must be named islands.toml"):
        catalogue.load(path)


def test_unknown_layer_names_the_known_ones():
    with pytest.raises(NotFound, match="known layers: .*islands"):
        catalogue.resolve("isole")


def test_register_upserts_and_sync_registers_every_file(settings, db):
    with db.transaction():
        first = catalogue.register(db, catalogue.resolve("islands"))
        again = catalogue.register(db, catalogue.resolve("islands"))
    assert first == again
    names = catalogue.sync(db)
    rows = dict(db.execute("SELECT name, kind FROM laguna.layers").fetchall())
    assert set(names) == set(rows) and rows["land_cover"] == "raster" and len(rows) == len(catalogue.load_all())
    title, legend = db.execute("SELECT title_it, legend FROM laguna.layers WHERE name = 'land_cover'").fetchone()
    assert title == "Copertura del suolo" and len(legend) == 9


def test_current_version_and_summaries(settings, db, tmp_path):
    assert catalogue.current_version(db, "islands") is None
    import_path(settings, write(zone_frame(), tmp_path / "a.gpkg"), "islands")
    import_path(settings, write(zone_frame(dx=10), tmp_path / "b.gpkg"), "islands")
    assert catalogue.current_version(db, "islands") == 2
    rows = {r["name"]: r for r in catalogue.summaries(db)}
    assert rows["islands"]["features"] == "4" and rows["islands"]["version"] == 2
    assert rows["islands"]["crs"] == "EPSG:7792" and rows["land_cover"]["last_import"] == "never"
    info = catalogue.describe(db, "islands")
    assert [v["version"] for v in info["versions"]] == [1, 2]
