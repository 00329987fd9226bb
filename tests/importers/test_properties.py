"""Property-based: malformed inputs always end in one clean sentence and an unchanged store."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from geoprocessing.errors import InvalidInput, LagunaError
from geoprocessing.importers import import_path

from .conftest import write, write_csv, zone_frame

RUNS = hsettings(max_examples=30, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
POINTS = """
    [[attributes]]
    name = "code"
    type = "text"
    pattern = "^[A-Z][0-9]+$"

    [[attributes]]
    name = "name"
    type = "text"

    [[attributes]]
    name = "population"
    type = "integer"
    min = 0
"""
CORRUPTIONS = ["nan", "not-a-number", "text-in-integer", "negative", "empty-id", "repeated-id",
               "swapped", "huge-text", "bad-pattern"]


@pytest.fixture
def seeded(settings, tmp_path, layer_file):
    """A store holding a first version of the point layer and of islands."""
    path = layer_file("punti", 'id = "code"', geometry="Point", attributes=POINTS)
    write_csv(tmp_path / "seed.csv", ["code", "name", "population", "lon", "lat"],
              [["A1", "Sant'Erasmo", 10, 12.41, 45.45]])
    import_path(settings, tmp_path / "seed.csv", path)
    import_path(settings, write(zone_frame(), tmp_path / "seed.gpkg"), "islands")
    return path


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _one_sentence(err: LagunaError) -> str:
    message = err.message
    assert message and "\n" not in message and message.endswith(".") and "Traceback" not in message
    return message


@given(n=st.integers(2, 60), data=st.data(), corruption=st.sampled_from(CORRUPTIONS),
       sep=st.sampled_from([",", ";", "\t", "|"]))
@RUNS
def test_one_bad_row_anywhere(seeded, settings, tmp_path, store_print, n, data, corruption, sep):
    k = data.draw(st.integers(2 if corruption == "repeated-id" else 1, n), label="bad row (1-based)")
    rows = [[f"B{i}", f"Isola {i} – Cà", i * 7, f"{12.30 + i / 1000:.6f}", f"{45.40 + i / 1000:.6f}"]
            for i in range(n)]
    bad = rows[k - 1]
    fragment = {"nan": "has a coordinate that is not a number", "not-a-number": "field 'lon'",
                "text-in-integer": "field 'population'", "negative": "below the minimum 0",
                "empty-id": "field 'code' is empty", "repeated-id": "repeats the id",
                "swapped": "latitude and longitude look swapped", "huge-text": "characters long",
                "bad-pattern": "does not match the pattern"}[corruption]
    if corruption == "nan":
        bad[3] = "nan"
    elif corruption == "not-a-number":
        bad[3] = data.draw(st.text(st.characters(categories=["L"]), min_size=1, max_size=8)
                           .filter(lambda s: not _number(s)), label="lon")
    elif corruption == "text-in-integer":
        bad[2] = data.draw(st.text(st.characters(categories=["L", "P"]), min_size=1, max_size=12)
                           .filter(lambda s: s.strip() and s.strip() not in ("-", "+")), label="population")
        assume(sep not in bad[2] and '"' not in bad[2])
    elif corruption == "negative":
        bad[2] = -data.draw(st.integers(1, 10**6), label="negative")
    elif corruption == "empty-id":
        bad[0] = ""
    elif corruption == "repeated-id":
        bad[0] = rows[data.draw(st.integers(0, k - 2), label="repeated")][0]
    elif corruption == "swapped":
        bad[3], bad[4] = bad[4], bad[3]
    elif corruption == "huge-text":
        bad[1] = "à" * data.draw(st.integers(10_001, 50_000), label="length")
    else:
        bad[0] = data.draw(st.sampled_from(["b1", "1B", "B-1", "B 1", "ß1"]), label="code")
    path = write_csv(tmp_path / "righe.csv", ["code", "name", "population", "lon", "lat"], rows, sep)
    before = store_print()
    with pytest.raises(InvalidInput) as err:
        import_path(settings, path, seeded)
    message = _one_sentence(err.value)
    assert "righe.csv" in message and fragment in message
    assert f"feature {k:,}" in message
    assert store_print() == before


@given(content=st.binary(max_size=3000), suffix=st.sampled_from(
    [".geojson", ".gpkg", ".kml", ".fgb", ".zip", ".csv", ".shp"]))
@RUNS
def test_random_bytes(seeded, settings, tmp_path, store_print, content, suffix):
    path = tmp_path / f"caso{suffix}"
    path.write_bytes(content)
    before = store_print()
    with pytest.raises(LagunaError) as err:
        import_path(settings, path, "islands")
    assert "caso" in _one_sentence(err.value) or "holds no" in err.value.message
    assert store_print() == before


@given(cut=st.floats(0.05, 0.98))
@RUNS
def test_truncated_geojson_is_never_imported_in_part(seeded, settings, tmp_path, store_print, cut):
    whole = write(zone_frame(8, dx=11), tmp_path / "intero.geojson").read_bytes()
    assert len(json.loads(whole)["features"]) == 8
    path = tmp_path / "troncato.geojson"
    path.write_bytes(whole[: int(len(whole) * cut)])
    before = store_print()
    with pytest.raises(InvalidInput) as err:
        import_path(settings, path, "islands")
    assert "troncato.geojson" in _one_sentence(err.value)
    assert store_print() == before
