"""Atomicity: an import is one transaction; a failure late in a file leaves the store (and
var/) exactly as before, whether the layer's table is new or already holds versions."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geoprocessing.errors import InvalidInput
from geoprocessing.importers import import_path, vector

from .conftest import write, zone_frame

N = 10_000


def _many(bad_at: int | None = None, what: str = "population") -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    x = 280_000 + rng.uniform(0, 30_000, N)
    y = 5_020_000 + rng.uniform(0, 30_000, N)
    frame = gpd.GeoDataFrame({
        "code": [f"Z{i:05d}" for i in range(N)], "name_it": [f"Isola n. {i} – Sant'Erasmo" for i in range(N)],
        "population": [str(i) for i in range(N)]},
        geometry=shapely.box(x, y, x + 30, y + 30), crs=7792)
    if bad_at is not None:
        if what == "population":
            frame.loc[bad_at - 1, "population"] = "nove"
        elif what == "code":
            frame.loc[bad_at - 1, "code"] = "Z00003"
    return frame


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 1,000 features: nine of them are already streamed when feature 9,999 fails."""
    monkeypatch.setattr(vector, "BATCH_SIZE", 1_000)


@pytest.mark.parametrize("existing", [False, True], ids=["new-table", "existing-table"])
def test_failure_at_feature_9999_of_10000_leaves_nothing(settings, db, tmp_path, store_print,
                                                         small_batches, existing):
    if existing:
        import_path(settings, write(zone_frame(), tmp_path / "prima.gpkg"), "islands", as_zones="island")
    before = store_print()
    path = write(_many(bad_at=9_999), tmp_path / "diecimila.gpkg")
    with pytest.raises(InvalidInput) as err:
        import_path(settings, path, "islands", as_zones="island")
    assert "diecimila.gpkg: feature 9,999: field 'population' is 'nove'" in err.value.message
    assert store_print() == before
    table = db.execute("SELECT to_regclass('layers.islands') IS NOT NULL").fetchone()[0]
    assert table == existing


def test_failure_after_the_load_leaves_nothing(settings, db, tmp_path, store_print, small_batches):
    """A repeated id is found once every row is in: the whole load is rolled back."""
    import_path(settings, write(zone_frame(), tmp_path / "prima.gpkg"), "islands")
    before = store_print()
    with pytest.raises(InvalidInput, match="feature 9,999: field 'code' repeats the id 'Z00003' of feature 4"):
        import_path(settings, write(_many(bad_at=9_999, what="code"), tmp_path / "dup.gpkg"), "islands")
    assert store_print() == before


def test_the_same_file_without_the_bad_feature_loads_completely(settings, db, tmp_path, small_batches):
    report = import_path(settings, write(_many(), tmp_path / "buono.gpkg"), "islands", as_zones="island")
    assert report.feature_count == N and report.zones["new"] == N
    assert db.execute("SELECT count(*), count(DISTINCT fid), min(fid), max(fid) FROM layers.islands"
                      ).fetchone() == (N, N, 1, N)
    assert db.execute("SELECT sum(population) FROM layers.islands").fetchone()[0] == sum(range(N))
