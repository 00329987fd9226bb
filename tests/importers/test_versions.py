"""Versions: a changed source makes a new layer version and keeps the old one; an identical
source does nothing and says so; zones get new versions, old ones superseded with validity."""

from __future__ import annotations

import datetime as dt

import pytest

from geoprocessing import catalogue
from geoprocessing.errors import InvalidInput
from geoprocessing.importers import import_path

from .conftest import write, zone_frame


def test_changed_source_makes_a_new_version_and_keeps_the_old(settings, db, tmp_path):
    first = import_path(settings, write(zone_frame(), tmp_path / "v1.gpkg"), "islands")
    second = import_path(settings, write(zone_frame(3, dx=50), tmp_path / "v2.gpkg"), "islands")
    assert (first.version, second.version) == (1, 2) and not second.unchanged
    counts = dict(db.execute("SELECT layer_version, count(*) FROM layers.islands GROUP BY 1"))
    assert counts == {1: 4, 2: 3}
    versions = db.execute("SELECT version, source_name, feature_count, source_checksum "
                          "FROM laguna.layer_versions ORDER BY version").fetchall()
    assert [(v[0], v[1], v[2]) for v in versions] == [(1, "v1.gpkg", 4), (2, "v2.gpkg", 3)]
    assert versions[0][3] != versions[1][3]
    # the old features are exactly as they were
    xmin = db.execute("SELECT min(ST_XMin(geom)) FROM layers.islands WHERE layer_version = 1").fetchone()[0]
    assert xmin == 291_000.0
    assert catalogue.current_version(db, "islands") == 2


def test_identical_source_does_nothing_and_says_so(settings, db, tmp_path, store_print):
    path = write(zone_frame(), tmp_path / "same.gpkg")
    import_path(settings, path, "islands", as_zones="island")
    before = store_print()
    again = import_path(settings, path, "islands", as_zones="island")
    assert again.unchanged and again.version == 1
    assert "already holds this source as version 1" in again.message and "nothing to do" in again.message
    assert store_print() == before
    # the same bytes under another name are the same source
    copy = tmp_path / "copia.gpkg"
    copy.write_bytes(path.read_bytes())
    assert import_path(settings, copy, "islands", as_zones="island").unchanged
    # but other options (here: no zones) make another import
    assert not import_path(settings, path, "islands").unchanged


def test_reimporting_an_older_source_makes_it_current_again(settings, tmp_path):
    a, b = write(zone_frame(), tmp_path / "a.gpkg"), write(zone_frame(dx=9), tmp_path / "b.gpkg")
    versions = [import_path(settings, p, "islands").version for p in (a, b, a)]
    assert versions == [1, 2, 3]


def test_zone_versions_supersede_with_validity(settings, db, tmp_path):
    import_path(settings, write(zone_frame(), tmp_path / "v1.gpkg"), "islands", as_zones="island",
                acquired="2020-01-01")
    frame = zone_frame()
    geoms = list(frame.geometry)
    geoms[1] = geoms[1].buffer(25, join_style="mitre")  # Cà d'Oro grows
    frame.geometry = geoms
    frame = frame[frame.code != "SAN_NICOLO"]  # San Nicolò is gone
    report = import_path(settings, write(frame, tmp_path / "v2.gpkg"), "islands", as_zones="island",
                         acquired="2024-06-01")
    assert report.zones == {"kind": "island", "new": 0, "changed": 1, "unchanged": 2,
                            "superseded_missing": 1, "repaired_in_store": 0}
    rows = {(r[0], r[1]): r[2:] for r in db.execute(
        "SELECT code, version, status, valid_from, valid_to, supersedes_id IS NOT NULL, round(area_ha::numeric, 2) "
        "FROM laguna.zones WHERE kind = 'island'")}
    assert rows[("CA_DORO", 1)][:3] == ("superseded", dt.date(2020, 1, 1), dt.date(2024, 6, 1))
    assert rows[("CA_DORO", 2)][:4] == ("approved", dt.date(2024, 6, 1), None, True)
    assert float(rows[("CA_DORO", 2)][4]) == pytest.approx(450 * 450 / 1e4)
    assert rows[("SAN_NICOLO", 1)][:3] == ("superseded", dt.date(2020, 1, 1), dt.date(2024, 6, 1))
    assert rows[("CANNAREGIO", 1)][:3] == ("approved", dt.date(2020, 1, 1), None)
    assert ("CANNAREGIO", 2) not in rows
    live = [r[0] for r in db.execute("SELECT code FROM laguna.zones WHERE status <> 'superseded' ORDER BY code")]
    assert live == ["CANNAREGIO", "CA_DORO", "SANT_ERASMO"]
    attrs = db.execute("SELECT attributes FROM laguna.zones WHERE code = 'CANNAREGIO'").fetchone()[0]
    assert attrs == {"population": 1000}


def test_zone_fields_from_the_layer_file(settings, db, tmp_path):
    frame = zone_frame(1)
    frame["code"] = ["WHS394-BZ"]
    frame["name_it"], frame["name_en"] = ["Zona tampone"], ["Buffer zone"]
    frame["legal_reference"] = ["Proposta al Comitato del Patrimonio Mondiale"]
    frame = frame.drop(columns=["population"])
    import_path(settings, write(frame, tmp_path / "bz.gpkg"), "buffer_zone", as_zones="buffer",
                acquired="2024-02-01", licence="IODL 2.0", illustrative=True)
    row = db.execute("SELECT kind, status, legal_reference, valid_from, illustrative, licence, source "
                     "FROM laguna.zones").fetchone()
    assert row == ("buffer", "proposed", "Proposta al Comitato del Patrimonio Mondiale",
                   dt.date(2024, 2, 1), True, "IODL 2.0", "bz.gpkg")
    # approving it: a new approved zone; the proposed one is superseded
    frame["status"] = ["approved"]
    report = import_path(settings, write(frame, tmp_path / "bz2.gpkg"), "buffer_zone", as_zones="buffer",
                         acquired="2025-07-01")
    assert report.zones["new"] == 1 and report.zones["superseded_missing"] == 1
    rows = db.execute("SELECT version, status, valid_to FROM laguna.zones ORDER BY version").fetchall()
    assert rows == [(1, "superseded", dt.date(2025, 7, 1)), (2, "approved", None)]


def test_licence_and_label_belong_to_each_version(settings, db, tmp_path):
    """Illustrative sample shapes, then the official boundary: the new version is real, the
    old one keeps its label, and re-registering the layer files resets neither."""
    sample = import_path(settings, write(zone_frame(), tmp_path / "sample.gpkg"), "islands",
                         as_zones="island", licence="CC BY 4.0 sample", illustrative=True)
    real = import_path(settings, write(zone_frame(3, dx=50), tmp_path / "official.gpkg"), "islands",
                       as_zones="island", licence="IODL 2.0", attribution="Comune di Venezia")
    assert (sample.version, real.version) == (1, 2)
    versions = db.execute("SELECT version, licence, attribution, illustrative FROM laguna.layer_versions "
                          "ORDER BY version").fetchall()
    assert versions == [(1, "CC BY 4.0 sample", None, True), (2, "IODL 2.0", "Comune di Venezia", False)]
    catalogue.sync(db)
    layer = db.execute("SELECT licence, attribution, illustrative FROM laguna.layers "
                       "WHERE name = 'islands'").fetchone()
    assert layer == ("IODL 2.0", "Comune di Venezia", False)
    live = db.execute("SELECT DISTINCT illustrative, licence FROM laguna.zones "
                      "WHERE status <> 'superseded'").fetchall()
    assert live == [(False, "IODL 2.0")]
    # with nothing declared the data are real and their licence says it was not declared
    third = import_path(settings, write(zone_frame(2), tmp_path / "plain.gpkg"), "islands")
    assert db.execute("SELECT licence, illustrative FROM laguna.layer_versions WHERE version = %s",
                      (third.version,)).fetchone() == (catalogue.NOT_DECLARED, False)


def test_a_partial_file_leaves_the_other_zones_current(settings, db, tmp_path):
    """Municipalities of two provinces from two files: the second does not retire the first's."""
    frame = zone_frame()
    first = import_path(settings, write(frame.iloc[:2], tmp_path / "p27.gpkg"), "islands", as_zones="island",
                        partial=True)
    second = import_path(settings, write(frame.iloc[2:], tmp_path / "p28.gpkg"), "islands", as_zones="island",
                         partial=True)
    assert first.zones["new"] == 2 and second.zones == {**second.zones, "new": 2, "superseded_missing": 0}
    live = [r[0] for r in db.execute("SELECT code FROM laguna.zones WHERE status <> 'superseded' ORDER BY code")]
    assert live == sorted(frame["code"])
    # without --partial a file is the whole set: zones it does not mention are superseded
    whole = import_path(settings, write(frame.iloc[:1], tmp_path / "one.gpkg"), "islands", as_zones="island")
    assert whole.zones["superseded_missing"] == 3
    with pytest.raises(InvalidInput, match="--licence is empty"):
        import_path(settings, write(frame, tmp_path / "x.gpkg"), "islands", licence="  ")
    with pytest.raises(InvalidInput, match="--partial only applies"):
        import_path(settings, write(frame, tmp_path / "x.gpkg"), "islands", partial=True)


def test_zones_refused_where_they_cannot_be(settings, tmp_path, store_print):
    path = write(zone_frame(), tmp_path / "z.gpkg")
    before = store_print()
    for layer, kind, fragment in [("salt_marshes", "salt_marsh", "cannot feed zones"),
                                  ("islands", "basin", "feeds zones of kind island, not basin")]:
        with pytest.raises(InvalidInput, match=fragment):
            import_path(settings, path, layer, as_zones=kind)
    assert store_print() == before


def test_duplicate_zone_codes_are_refused(settings, tmp_path, layer_file, store_print):
    path = layer_file("custom_zones", "[zones]\nkind = \"custom\"\nname_it = \"name_it\"")
    frame = zone_frame()
    frame["code"] = ["A", "B", "A", "C"]
    before = store_print()
    with pytest.raises(InvalidInput, match="2 features have the zone code 'A'"):
        import_path(settings, write(frame, tmp_path / "dup.gpkg"), path, as_zones="custom")
    assert store_print() == before


def test_a_new_attribute_in_the_layer_file_adds_a_column(settings, db, tmp_path, layer_file):
    path = layer_file("grows")
    import_path(settings, write(zone_frame(), tmp_path / "a.gpkg"), path)
    frame = zone_frame(dx=3)
    frame["note"] = ["uno", "due", "tre", "quattro"]
    path = layer_file("grows", attributes='[[attributes]]\nname = "code"\ntype = "text"\n'
                                          '[[attributes]]\nname = "note"\ntype = "text"\n')
    import_path(settings, write(frame, tmp_path / "b.gpkg"), path)
    rows = db.execute("SELECT layer_version, count(note) FROM layers.grows GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(1, 0), (2, 4)]
    changed = layer_file("grows", attributes='[[attributes]]\nname = "code"\ntype = "integer"\n')
    with pytest.raises(InvalidInput, match="stores attribute code as text, but the layer file now declares integer"):
        import_path(settings, write(zone_frame(dx=4), tmp_path / "c.gpkg"), changed)
