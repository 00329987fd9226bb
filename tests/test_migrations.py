"""The migration runner: order, idempotence, checksums, atomicity, storage CRS."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from geoprocessing.errors import ConfigError, MigrationError
from geoprocessing.store.migrate import applied, discover, migrate

from .conftest import _clone, _drop


@pytest.fixture
def empty_db(cluster_url):
    name = _clone(cluster_url, "template1")
    url = cluster_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
    yield url
    _drop(cluster_url, name)


@pytest.fixture
def sql_copy(tmp_path, settings):
    target = tmp_path / "sql"
    shutil.copytree(settings.sql_dir, target)
    return target


def test_fresh_store_gets_every_migration_in_order_then_nothing(empty_db, sql_copy):
    with psycopg.connect(empty_db) as conn:
        done = migrate(conn, sql_copy, 7792)
        assert done == [m.name for m in discover(sql_copy)]
        assert done == sorted(done)
        assert migrate(conn, sql_copy, 7792) == []
        assert set(applied(conn)) == set(done)


def test_changed_file_is_refused_with_its_name(empty_db, sql_copy):
    with psycopg.connect(empty_db) as conn:
        migrate(conn, sql_copy, 7792)
        first = sorted(sql_copy.glob("*.sql"))[0]
        first.write_text(first.read_text() + "\n-- an edit\n")
        with pytest.raises(MigrationError, match=f"sql/{first.name} changed after it was applied"):
            migrate(conn, sql_copy, 7792)


def test_removed_file_is_refused(empty_db, sql_copy):
    with psycopg.connect(empty_db) as conn:
        migrate(conn, sql_copy, 7792)
        last = sorted(sql_copy.glob("*.sql"))[-1]
        last.unlink()
        with pytest.raises(MigrationError, match=f"has migration {last.name} applied"):
            migrate(conn, sql_copy, 7792)


def test_failing_migration_rolls_back_entirely(empty_db, sql_copy):
    (sql_copy / "9999_broken.sql").write_text(
        "CREATE TABLE laguna.half_done (x int);\nSELECT no_such_function();\n")
    with psycopg.connect(empty_db) as conn:
        with pytest.raises(MigrationError, match="sql/9999_broken.sql failed and was rolled back"):
            migrate(conn, sql_copy, 7792)
        assert "9999_broken.sql" not in applied(conn)
        assert conn.execute("SELECT to_regclass('laguna.half_done')").fetchone() == (None,)
        # the good migrations before it stay applied
        assert "0001_foundation.sql" in applied(conn)


def test_badly_named_file_is_refused(empty_db, sql_copy):
    (sql_copy / "7_oops.sql").write_text("SELECT 1;")
    with psycopg.connect(empty_db) as conn, pytest.raises(MigrationError, match="7_oops.sql"):
        migrate(conn, sql_copy, 7792)


def test_other_storage_crs_is_refused(empty_db, sql_copy):
    with psycopg.connect(empty_db) as conn:
        migrate(conn, sql_copy, 7792)
        with pytest.raises(ConfigError, match="EPSG:7792 but LAGUNA_STORAGE_CRS is EPSG:3004"):
            migrate(conn, sql_copy, 3004)


def test_storage_srid_reaches_geometry_columns(empty_db, sql_copy):
    with psycopg.connect(empty_db) as conn:
        migrate(conn, sql_copy, 3004)
        srid = conn.execute("SELECT srid FROM geometry_columns WHERE f_table_name = 'zones'").fetchone()
        assert srid == (3004,)
