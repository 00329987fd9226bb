"""``laguna sample load``: everything arrives through the importers, labelled illustrative,
with the proportions of the real site (checked in PostGIS), and a second load adds nothing."""

from __future__ import annotations

import contextlib
import shutil

import psycopg
import pytest

from tests.conftest import scratch_store
from tests.test_cli import run

pytest.importorskip("geoprocessing.importers", reason="the layer importer (import helper) is not merged yet")

from geoprocessing.sample.load import load  # noqa: E402

from .test_loaders import snapshot  # noqa: E402


def query(settings, sql: str):
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute(sql).fetchall()


def reuse(sample_dir, settings) -> None:
    """Put the session's sample files where the load looks, so it does not write them again."""
    shutil.copytree(sample_dir, settings.var_dir / "sample" / "100")


@contextlib.contextmanager
def sample_store(cluster_url, template_db, sample_dir, tmp_path_factory):
    """Settings of a new database cloned from the template, with the session's sample files."""
    with scratch_store(cluster_url, template_db, tmp_path_factory.mktemp("home")) as (settings, _):
        reuse(sample_dir, settings)
        yield settings


@pytest.fixture(scope="module")
def loaded(cluster_url, template_db, sample_dir, tmp_path_factory):
    """One database loaded with the sample, shared by the tests of this module (they only read,
    or load again to show that nothing changes)."""
    with sample_store(cluster_url, template_db, sample_dir, tmp_path_factory) as settings:
        said: list[str] = []
        changed = load(settings, 100.0, echo=said.append)
        yield settings, changed, said


def test_the_sample_arrives_through_the_importers_labelled_illustrative(loaded):
    settings, changed, said = loaded
    assert all(changed.values()), changed
    zones = dict(query(settings, "SELECT kind, count(*) FROM laguna.zones WHERE status <> 'superseded' GROUP BY kind"))
    assert zones == {"property": 1, "buffer": 1, "lagoon": 1, "basin": 3, "municipality": 9, "sestiere": 7,
                     "island": 17}
    assert query(settings, "SELECT status FROM laguna.zones WHERE kind = 'buffer'") == [("proposed",)]
    assert query(settings, "SELECT bool_and(illustrative) FROM laguna.zones")[0][0] is True
    layers = dict(query(settings, "SELECT name, illustrative FROM laguna.layers"))
    assert all(layers[name] for name in ("property", "salt_marshes", "land_cover", "dem", "ndvi"))
    assets = query(settings, "SELECT l.name, a.acquired::text, a.resolution FROM laguna.raster_assets a "
                             "JOIN laguna.layers l ON l.id = a.layer_id ORDER BY 1, 2")
    assert assets == [("dem", "2012-06-01", 100.0), ("dem", "2024-06-01", 100.0),
                      ("land_cover", "2012-06-01", 100.0), ("land_cover", "2018-06-01", 100.0),
                      ("land_cover", "2024-06-01", 100.0), ("ndvi", "2024-06-01", 100.0)]
    paths = [r[0] for r in query(settings, "SELECT path FROM laguna.raster_assets")]
    assert all((settings.var_dir / p).exists() for p in paths)
    counts = dict(query(settings, "SELECT st.code, count(*) FROM laguna.observations o JOIN laguna.station_series s "
                                  "ON s.id = o.series_id JOIN laguna.stations st ON st.id = s.station_id GROUP BY 1"))
    assert counts == {"PSAL": 87_672, "DSL": 87_672}
    assert query(settings, "SELECT bool_and(illustrative) FROM laguna.observation_imports")[0][0] is True
    assert query(settings, "SELECT count(*) FROM laguna.projects")[0][0] == 40
    assert query(settings, "SELECT count(DISTINCT project_id) FROM laguna.project_zones")[0][0] >= 30
    assert query(settings, "SELECT count(*) FROM laguna.indicator_values")[0][0] == 52
    assert query(settings, "SELECT count(*) FROM layers.heritage_assets")[0][0] >= 300


def test_sizes_measured_by_postgis_match_the_real_site(loaded):
    settings = loaded[0]
    ha = dict(query(settings, "SELECT coalesce(code, kind), ST_Area(ST_Transform(geom, 4326)::geography) / 1e4 "
                              "FROM laguna.zones WHERE kind IN ('property', 'lagoon', 'basin')"))
    assert ha["WHS394"] == pytest.approx(70_176, rel=0.03)
    assert ha["LAGOON"] / 100 == pytest.approx(550, rel=0.03)
    for code, share in (("LIDO", 0.48), ("MALAMOCCO", 0.31), ("CHIOGGIA", 0.21)):
        assert ha[code] / ha["LAGOON"] == pytest.approx(share, abs=0.02)
    # the projects lie where their zones are
    inside = query(settings, "SELECT bool_and(ST_Intersects(p.geom, ST_Buffer(z.geom, 5))) FROM laguna.project_zones pz "
                             "JOIN laguna.projects p ON p.id = pz.project_id JOIN laguna.zones z ON z.id = pz.zone_id")
    assert inside == [(True,)]


def test_a_second_load_changes_nothing_and_says_so(loaded):
    settings, _changed, _said = loaded
    before = snapshot(settings)
    said: list[str] = []
    changed = load(settings, 100.0, echo=said.append)
    assert not any(changed.values()), changed
    assert said[0].startswith("sample files in") and "up to date" in said[0]
    assert said[-1] == "the store already held the whole sample data set: nothing was loaded twice"
    assert snapshot(settings) == before


def test_the_command_prints_what_it_does(env_store, sample_dir):
    reuse(sample_dir, env_store)
    result = run("sample", "load", "--resolution", "100", LAGUNA_DATABASE_URL=env_store.database_url,
                 LAGUNA_HOME=str(env_store.home))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "sample files in" in out and "loading the layers" in out and "loading the Management Plan" in out
    assert "done in" in out.splitlines()[-1]
    again = run("sample", "load", "--resolution", "100", LAGUNA_DATABASE_URL=env_store.database_url,
                LAGUNA_HOME=str(env_store.home))
    assert "nothing was loaded twice" in again.stdout


def test_the_sample_is_never_loaded_over_real_data(cluster_url, template_db, sample_dir, tmp_path_factory):
    """An office that imported its official boundary and runs make demo again keeps it."""
    from geoprocessing.importers import import_path

    with sample_store(cluster_url, template_db, sample_dir, tmp_path_factory) as settings:
        official = settings.var_dir / "official_property.gpkg"
        shutil.copy(settings.var_dir / "sample" / "100" / "vectors" / "property.gpkg", official)
        import_path(settings, official, "property", as_zones="property", licence="IODL 2.0")
        said: list[str] = []
        changed = load(settings, 100.0, echo=said.append)
        assert changed["property"] is False and changed["lagoon"] is True
        assert any("property: kept the real data of version 1 (official_property.gpkg)" in s for s in said)
        assert query(settings, "SELECT DISTINCT illustrative, licence FROM laguna.zones "
                               "WHERE kind = 'property'") == [(False, "IODL 2.0")]
        assert query(settings, "SELECT bool_and(illustrative) FROM laguna.zones WHERE kind = 'lagoon'") == [(True,)]
