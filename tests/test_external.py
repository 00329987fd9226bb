"""External-server mode (LAGUNA_DATABASE_URL): the PostgreSQL on 127.0.0.1:5432.

Skips, saying why, where no such server is reachable.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest

from geoprocessing.config import load_settings
from geoprocessing.errors import StoreUnavailable
from geoprocessing.store import admin
from geoprocessing.store import connect as store

SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module")
def external():
    try:
        with psycopg.connect(SERVER, connect_timeout=3, autocommit=True) as conn:
            has_postgis = conn.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
    except psycopg.OperationalError as exc:
        pytest.skip(f"no external PostgreSQL server on 127.0.0.1:5432 ({str(exc).strip().splitlines()[0]})")
    if not has_postgis:
        pytest.skip("the PostgreSQL server on 127.0.0.1:5432 has no PostGIS (install postgresql-15-postgis-3)")
    return SERVER


@pytest.fixture
def external_db(external):
    name = f"laguna_ext_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(external, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield external.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(external, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_missing_postgis_is_one_sentence_then_migrate_enables_it(external_db):
    s = load_settings(database_url=external_db)
    with pytest.raises(StoreUnavailable, match="PostGIS is not enabled in 127.0.0.1:5432/laguna_ext_"):
        store.connect(s)
    applied = admin.migrate(s)
    assert applied[0] == "0001_foundation.sql"
    with store.connect(s) as conn:
        assert conn.execute("SELECT count(*) FROM laguna.sites").fetchone() == (1,)
    assert admin.status(s).running
    assert "does not stop it" in admin.stop(s)


def test_unknown_database_and_user_are_one_sentence(external):
    with pytest.raises(StoreUnavailable, match="database of 127.0.0.1:5432/no_such_db does not exist"):
        store.connect(load_settings(database_url=external.rsplit("/", 1)[0] + "/no_such_db"))
    with pytest.raises(StoreUnavailable, match="has no user 'no_such_user'"):
        store.connect(load_settings(database_url="postgresql://no_such_user@127.0.0.1:5432/postgres"))
