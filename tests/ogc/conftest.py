"""Fixtures of the OGC API tests: one populated store per session, the app, a live server."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from waitress.server import create_server

from geoprocessing.config import load_settings
from tests.conftest import _clone, _db_url, _drop
from webapp import create_app

from . import fixture_store


@pytest.fixture(scope="session")
def ogc_home(tmp_path_factory):
    """LAGUNA_HOME of the fixture store: its var/ holds the land-cover rasters."""
    return tmp_path_factory.mktemp("ogc-home")


@pytest.fixture(scope="session")
def ogc_db(cluster_url, template_db, ogc_home) -> Iterator[str]:
    """URL of a database holding :mod:`fixture_store`'s known contents (read-only for tests)."""
    name = _clone(cluster_url, template_db)
    url = _db_url(name)
    with psycopg.connect(url) as conn:
        fixture_store.populate(conn)
        fixture_store.add_land_cover(conn, ogc_home / "var")
    yield url
    _drop(cluster_url, name)


@pytest.fixture(scope="session")
def ogc_settings(ogc_db, ogc_home):
    return load_settings(database_url=ogc_db, home=ogc_home)


@pytest.fixture(scope="session")
def ogc_app(ogc_settings):
    app = create_app(ogc_settings, {"TESTING": True})
    return app


@pytest.fixture
def client(ogc_app):
    return ogc_app.test_client()


@pytest.fixture(scope="session")
def live_server(ogc_app) -> Iterator[str]:
    """The app on waitress in a thread, on a free port of 127.0.0.1; yields its /ogc URL."""
    server = create_server(ogc_app, host="127.0.0.1", port=0, threads=4, ident="laguna-test")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}/ogc"
    server.close()
    thread.join(timeout=5)


@pytest.fixture
def store(ogc_db) -> Iterator[psycopg.Connection]:
    """A connection to the fixture store, to count what the API should return."""
    with psycopg.connect(ogc_db) as conn:
        yield conn


@pytest.fixture(scope="session")
def sample_settings(cluster_url, template_db, tmp_path_factory):
    """A store holding the illustrative sample data (at 50 m) and the land-cover jobs' values,
    loaded with the commands a user runs: laguna sample load, laguna jobs run."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    home = tmp_path_factory.mktemp("sample-home")
    name = _clone(cluster_url, template_db)
    url = _db_url(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAGUNA_")}
    env |= {"LAGUNA_DATABASE_URL": url, "LAGUNA_HOME": str(home)}
    laguna = str(Path(sys.executable).with_name("laguna"))
    for args in (["sample", "load", "--resolution", "50"],
                 ["jobs", "run", "land_cover_composition"], ["jobs", "run", "land_cover_change"]):
        done = subprocess.run([laguna, *args], capture_output=True, text=True, env=env, timeout=900)
        assert done.returncode == 0, (args, done.stderr[-2000:])
    yield load_settings(database_url=url, home=home)
    _drop(cluster_url, name)
