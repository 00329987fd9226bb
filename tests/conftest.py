"""Shared fixtures: a real PostGIS store for every test, never a mock.

The embedded cluster of the checkout (var/pg, started if needed) hosts the test
databases: a template migrated once per session, and

- ``store_conn``: a connection to a shared test database inside a transaction that is
  rolled back after the test (fast; for tests that do not need to commit);
- ``fresh_db``: a database of its own, cloned from the template, dropped afterwards
  (for tests that commit, run the CLI or several connections).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from geoprocessing import indicators
from geoprocessing.config import get_settings, load_settings
from geoprocessing.store import admin
from geoprocessing.store import connect as store
from geoprocessing.store.migrate import migrate

# One template per test session: two sessions on one cluster (say, a subset run beside the
# full suite) must not drop each other's.
TEMPLATE = f"laguna_test_template_{os.getpid()}"
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"


def _admin_url() -> str:
    # The tests always use the embedded cluster, whatever the developer's environment says.
    return store.cluster(load_settings(database_url=None)).url("postgres")


def _db_url(name: str) -> str:
    return _admin_url().rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment() -> Iterator[None]:
    saved = {k: v for k, v in os.environ.items() if k.startswith("LAGUNA_")}
    for key in saved:
        del os.environ[key]
    get_settings.cache_clear()
    yield
    os.environ.update(saved)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def cluster_url(_isolated_environment) -> str:
    """The embedded cluster, started if needed; returns its admin URL."""
    admin.start(load_settings(database_url=None))
    return _admin_url()


@pytest.fixture(scope="session")
def template_db(cluster_url) -> Iterator[str]:
    """A database migrated from sql/ once per session, cloned by ``fresh_db``."""
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    settings = load_settings(database_url=_db_url(TEMPLATE))
    with psycopg.connect(_db_url(TEMPLATE)) as conn:
        conn.execute("CREATE EXTENSION postgis")
        conn.commit()
        migrate(conn, settings.sql_dir, settings.storage_srid)
        indicators.sync(conn)
    yield TEMPLATE
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')


def _clone(cluster_url: str, template: str) -> str:
    name = f"laguna_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


def _drop(cluster_url: str, name: str) -> None:
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_store(cluster_url: str, template: str, home: Path, fill=None, **overrides):
    """(settings, filled) of a database cloned from the template for a group of tests,
    dropped afterwards; ``fill(conn, var_dir)`` fills it first (committed), its result is
    ``filled``."""
    name = _clone(cluster_url, template)
    try:
        settings = load_settings(database_url=_db_url(name), home=home, **overrides)
        filled = None
        if fill is not None:
            with psycopg.connect(settings.database_url) as conn:
                filled = fill(conn, settings.var_dir)
                conn.commit()
        yield settings, filled
    finally:
        _drop(cluster_url, name)


@pytest.fixture
def fresh_db(cluster_url, template_db) -> Iterator[str]:
    """URL of a migrated database of the test's own, dropped afterwards."""
    name = _clone(cluster_url, template_db)
    try:
        yield _db_url(name)
    finally:
        _drop(cluster_url, name)


@pytest.fixture
def settings(fresh_db, tmp_path):
    """Settings pointing at ``fresh_db``, with var/ in a temporary folder."""
    return load_settings(database_url=fresh_db, home=tmp_path)


@pytest.fixture
def env_store(settings, monkeypatch):
    """The environment a CLI call sees: LAGUNA_* pointing at ``fresh_db``."""
    monkeypatch.setenv("LAGUNA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAGUNA_HOME", str(settings.home))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def shared_db(cluster_url, template_db) -> Iterator[str]:
    name = _clone(cluster_url, template_db)
    yield _db_url(name)
    _drop(cluster_url, name)


@pytest.fixture
def store_conn(shared_db) -> Iterator[psycopg.Connection]:
    """A connection whose work is rolled back after the test."""
    with psycopg.connect(shared_db) as conn:
        yield conn
        conn.rollback()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """test-output/: screenshots and other artefacts worth looking at after a run."""
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
