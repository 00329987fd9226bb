"""Round trips for every format: import -> export (GeoPackage and GeoJSON) -> import gives
the same features and attributes."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
import shapely

from geoprocessing import export
from geoprocessing.importers import import_path

from .conftest import write, write_csv, zone_frame

POINT_ATTRS = """
    [[attributes]]
    name = "name"
    type = "text"

    [[attributes]]
    name = "beds"
    type = "integer"

    [[attributes]]
    name = "rating"
    type = "real"

    [[attributes]]
    name = "opened"
    type = "date"

    [[attributes]]
    name = "open_now"
    type = "boolean"
"""


def _shapefile_folder(frame, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    write(frame, folder / "zone.shp", encoding="UTF-8")
    return folder


def _shapefile_zip(frame, tmp_path):
    folder = _shapefile_folder(frame, tmp_path)
    path = tmp_path / "zones.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, f"dati/{part.name}")
    return path


def _csv_wkt(frame, tmp_path):
    rows = [[r.code, r.name_it, r.name_en, r.population, r.geometry.wkt] for r in frame.itertuples()]
    return write_csv(tmp_path / "zones.csv", ["code", "name_it", "name_en", "population", "WKT"], rows, "\t")


POLYGON_FORMATS = {
    "geojson": lambda f, t: write(f, t / "zones.geojson"),
    "gpkg": lambda f, t: write(f, t / "zones.gpkg", layer="zone"),
    "shapefile-folder": _shapefile_folder,
    "shapefile-zip": _shapefile_zip,
    "kml": lambda f, t: write(f, t / "zones.kml"),
    "flatgeobuf": lambda f, t: write(f, t / "zones.fgb"),
    "csv-wkt": _csv_wkt,
}


def _rows(db, layer: str, columns: str, version: int | None = None):
    where = f"WHERE layer_version = {version}" if version else \
        f"WHERE layer_version = (SELECT max(layer_version) FROM layers.{layer})"
    return db.execute(f"SELECT {columns}, geom FROM layers.{layer} {where} ORDER BY fid").fetchall()


def _geoms(rows):
    return [shapely.from_wkb(bytes.fromhex(r[-1])) if isinstance(r[-1], str) else r[-1] for r in rows]


def _same_features(db, a: str, b: str, columns: str, tolerance: float) -> None:
    ra = db.execute(f"SELECT {columns}, ST_AsBinary(geom) FROM layers.{a} ORDER BY fid").fetchall()
    rb = db.execute(f"SELECT {columns}, ST_AsBinary(geom) FROM layers.{b} ORDER BY fid").fetchall()
    assert [r[:-1] for r in ra] == [r[:-1] for r in rb]
    for x, y in zip(ra, rb, strict=True):
        gx, gy = shapely.from_wkb(x[-1]), shapely.from_wkb(y[-1])
        assert shapely.get_type_id(gx) == shapely.get_type_id(gy)
        assert shapely.hausdorff_distance(gx, gy) <= tolerance


@pytest.mark.parametrize("fmt", list(POLYGON_FORMATS))
def test_polygon_round_trip(fmt, settings, db, tmp_path, layer_file):
    frame = zone_frame()
    source = POLYGON_FORMATS[fmt](frame, tmp_path)
    for name in ("rt", "rt_gpkg", "rt_json"):
        layer_file(name, 'id = "code"')
    folder = tmp_path / "layerfiles"
    crs = "EPSG:7792" if fmt == "csv-wkt" else None
    report = import_path(settings, source, folder / "rt.toml", crs=crs)
    assert (report.feature_count, report.version, report.repaired) == (4, 1, 0)

    # FlatGeobuf sorts features spatially: compare in code order
    stored = db.execute("SELECT code, name_it, name_en, population, ST_AsBinary(geom) FROM layers.rt "
                        "ORDER BY code").fetchall()
    frame = frame.sort_values("code")
    assert [r[:4] for r in stored] == [tuple(r) for r in frame[["code", "name_it", "name_en", "population"]]
                                      .itertuples(index=False)]
    for row, original in zip(stored, frame.geometry, strict=True):
        geom = shapely.from_wkb(row[4])
        assert geom.geom_type == "MultiPolygon"  # single polygons promoted
        assert shapely.hausdorff_distance(geom, original) < 1e-3  # metres, after any reprojection

    gpkg, geojson = tmp_path / "out.gpkg", tmp_path / "out.geojson"
    counts = export.export_gpkg(settings, gpkg, layers=["rt"], zones=False, projects=False,
                                indicators=False)
    assert counts == {"rt": 4}
    assert export.export_geojson(settings, geojson, layer="rt") == 4
    assert import_path(settings, gpkg, folder / "rt_gpkg.toml", source_layer="rt").feature_count == 4
    assert import_path(settings, geojson, folder / "rt_json.toml").feature_count == 4
    columns = "code, name_it, name_en, population"
    _same_features(db, "rt", "rt_gpkg", columns, 0.0)  # same CRS, doubles kept exactly
    _same_features(db, "rt", "rt_json", columns, 0.02)  # 7 decimals of a degree: about 1 cm


def _points():
    return gpd.GeoDataFrame(
        {"name": ["Hotel Cà Sagredo", "Ostello Sant'Erasmo", "Locanda San Nicolò"],
         "beds": [40, 120, 8], "rating": [4.5, 3.25, 4.0],
         "opened": ["1998-04-01", "2012-06-15", "1975-01-31"], "open_now": ["true", "false", "true"]},
        geometry=shapely.points([(12.3308, 45.4420), (12.4123, 45.4598), (12.3780, 45.4110)]),
        crs="EPSG:4326")


@pytest.mark.parametrize("layout", ["semicolon-decimal-comma", "comma", "tab-x-y"])
def test_point_csv_round_trip(layout, settings, db, tmp_path, layer_file):
    pts = _points()
    if layout == "tab-x-y":
        xy = pts.to_crs(3003)  # Gauss-Boaga west metres, with --crs
        rows = [[r.name, r.beds, r.rating, r.opened, r.open_now, g.x, g.y]
                for r, g in zip(pts.itertuples(), xy.geometry, strict=True)]
        path = write_csv(tmp_path / "b.tsv", ["name", "beds", "rating", "opened", "open_now", "x", "y"], rows, "\t")
        crs = "EPSG:3003"
    else:
        sep = ";" if layout.startswith("semicolon") else ","

        def num(v):
            return str(v).replace(".", ",") if sep == ";" else str(v)

        rows = [[r.name, r.beds, num(r.rating), r.opened, r.open_now, num(r.geometry.x), num(r.geometry.y)]
                for r in pts.itertuples()]
        path = write_csv(tmp_path / "b.csv", ["name", "beds", "rating", "opened", "open_now", "lon", "lat"],
                         rows, sep)
        crs = None
    for name in ("pts", "pts_gpkg", "pts_json"):
        layer_file(name, geometry="Point", attributes=POINT_ATTRS)
    folder = tmp_path / "layerfiles"
    report = import_path(settings, path, folder / "pts.toml", crs=crs)
    assert report.feature_count == 3
    got = db.execute("SELECT name, beds, rating, opened::text, open_now, "
                     "ST_X(ST_Transform(geom, 4326)), ST_Y(ST_Transform(geom, 4326)) FROM layers.pts "
                     "ORDER BY fid").fetchall()
    assert [g[:5] for g in got] == [(r.name, r.beds, r.rating, r.opened, r.open_now == "true")
                                   for r in pts.itertuples()]
    for g, p in zip(got, pts.geometry, strict=True):
        assert abs(g[5] - p.x) < 1e-7 and abs(g[6] - p.y) < 1e-7
    export.export_gpkg(settings, tmp_path / "p.gpkg", layers=["pts"], zones=False, projects=False,
                       indicators=False)
    export.export_geojson(settings, tmp_path / "p.geojson", layer="pts")
    import_path(settings, tmp_path / "p.gpkg", folder / "pts_gpkg.toml", source_layer="pts")
    import_path(settings, tmp_path / "p.geojson", folder / "pts_json.toml")
    columns = "name, beds, rating, opened, open_now"
    _same_features(db, "pts", "pts_gpkg", columns, 0.0)
    _same_features(db, "pts", "pts_json", columns, 0.02)
