"""Accented names survive: cp1252 shapefiles (with or without .cpg), zips, CSV encodings."""

from __future__ import annotations

import zipfile

import pytest

from geoprocessing.importers import import_path

from .conftest import write, write_csv, zone_frame

# cp1252 has the curly apostrophe (0x92) and the en dash (0x96) that latin-1 lacks.
NAMES = ["Cà Vendramin", "Sant'Erasmo", "Sant’Erasmo", "Lido – Pellestrina"]


def _shapefile(tmp_path, encoding: str, keep_cpg: bool, folder: str = "shp"):
    frame = zone_frame()
    frame["name_it"] = NAMES
    frame["name_en"] = NAMES
    where = tmp_path / folder
    where.mkdir()
    write(frame, where / "isole.shp", encoding=encoding)
    cpg = where / "isole.cpg"
    if not keep_cpg:
        cpg.unlink(missing_ok=True)
    raw = (where / "isole.dbf").read_bytes()
    assert "Sant’Erasmo".encode(encoding) in raw  # the DBF really is in that encoding
    return where


def _names(db):
    return [r[0] for r in db.execute("SELECT name_it FROM layers.islands ORDER BY fid")]


@pytest.mark.parametrize("keep_cpg", [True, False], ids=["with-cpg", "without-cpg"])
def test_cp1252_shapefile(settings, db, tmp_path, keep_cpg):
    folder = _shapefile(tmp_path, "cp1252", keep_cpg)
    report = import_path(settings, folder, "islands")
    assert _names(db) == NAMES
    guessed = [w for w in report.warnings if "has no .cpg file" in w]
    assert bool(guessed) == (not keep_cpg)
    if guessed:
        assert "read as CP1252" in guessed[0]


def test_utf8_shapefile_without_cpg_is_recognised(settings, db, tmp_path):
    import_path(settings, _shapefile(tmp_path, "UTF-8", keep_cpg=False), "islands")
    assert _names(db) == NAMES


def test_explicit_encoding_wins_without_warning(settings, db, tmp_path):
    report = import_path(settings, _shapefile(tmp_path, "cp1252", keep_cpg=False), "islands",
                         encoding="cp1252")
    assert _names(db) == NAMES and not [w for w in report.warnings if ".cpg" in w]


def test_cp1252_shapefile_in_a_zip(settings, db, tmp_path):
    folder = _shapefile(tmp_path, "cp1252", keep_cpg=False)
    path = tmp_path / "isole.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in folder.iterdir():
            zf.write(part, f"consegna/{part.name}")
    import_path(settings, path, "islands")
    assert _names(db) == NAMES


def test_unknown_encoding_is_one_sentence(settings, tmp_path):
    from geoprocessing.errors import InvalidInput

    with pytest.raises(InvalidInput, match="'klingon' is not a known text encoding"):
        import_path(settings, _shapefile(tmp_path, "cp1252", True), "islands", encoding="klingon")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings(settings, db, tmp_path, encoding, layer_file):
    path = layer_file("pts", geometry="Point", attributes='[[attributes]]\nname = "nome"\ntype = "text"\n')
    rows = [[n, 12.33 + i / 100, 45.43] for i, n in enumerate(NAMES)]
    csv_path = write_csv(tmp_path / "p.csv", ["nome", "lon", "lat"], rows, ";", encoding=encoding)
    import_path(settings, csv_path, path)
    assert [r[0] for r in db.execute("SELECT nome FROM layers.pts ORDER BY fid")] == NAMES
