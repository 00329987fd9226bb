"""The embedded cluster's lifecycle, on a private cluster in a temporary folder."""

from __future__ import annotations

import socket

import psycopg
import pytest

from geoprocessing.config import load_settings
from geoprocessing.store import admin
from geoprocessing.store import connect as store


@pytest.fixture
def private_settings(tmp_path, _isolated_environment):
    s = load_settings(database_url=None, home=tmp_path)
    yield s
    store.cluster(s).destroy()


def test_start_status_stop_restart_keeps_data(private_settings):
    s = private_settings
    assert admin.status(s).running is False
    done = admin.start(s)
    assert any("created the embedded PostgreSQL cluster" in line for line in done)
    st = admin.status(s)
    assert st.running and st.url.startswith("postgresql://laguna@127.0.0.1:")
    assert (s.var_dir / "pg").exists()

    with psycopg.connect(store.database_url(s), autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (x int)")
        conn.execute("INSERT INTO kept VALUES (42)")

    assert admin.stop(s) == "stopped the embedded store"
    assert admin.status(s).running is False
    assert admin.stop(s) == "the embedded store was not running"

    done = admin.start(s)
    assert not any("created" in line for line in done)
    with psycopg.connect(store.database_url(s)) as conn:
        assert conn.execute("SELECT x FROM kept").fetchone() == (42,)
    assert admin.start(s) == []  # already running: nothing to do


def test_taken_port_is_replaced_and_said(private_settings):
    s = private_settings
    admin.start(s)
    cluster = store.cluster(s)
    old = cluster.port
    admin.stop(s)
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", old))
        blocker.listen()
        done = admin.start(s)
    assert any("previous one was taken" in line for line in done)
    assert cluster.port != old
    assert admin.status(s).running


def test_migrate_then_reset_empties_the_store(private_settings):
    s = private_settings
    admin.start(s)
    assert len(admin.migrate(s)) == len(list(s.sql_dir.glob("*.sql")))
    with psycopg.connect(store.database_url(s), autocommit=True) as conn:
        conn.execute("INSERT INTO laguna.bodies (code, name_it, name_en, kind) "
                     "VALUES ('x', 'X', 'X', 'other')")
    admin.reset(s)
    with psycopg.connect(store.database_url(s)) as conn:
        assert conn.execute("SELECT count(*) FROM laguna.bodies").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM laguna.sites").fetchone() == (1,)
