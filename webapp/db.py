"""The web app's connections: a small pool, every request-time query bounded.

Handlers never open connections themselves: they call :func:`read`, which lends a pooled
connection inside :func:`geoprocessing.store.connect.bounded` (statement timeout, no JIT).
Connections are made with ``prepare_threshold=None``: psycopg's automatic server-side
preparation lets PostgreSQL switch to a generic plan after five runs, which makes tile
queries several times slower (see TOOLCHAIN.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from flask import Flask, current_app
from psycopg_pool import ConnectionPool, PoolTimeout

from geoprocessing.config import Settings
from geoprocessing.errors import StoreUnavailable
from geoprocessing.store import connect as store

POOL_KEY = "laguna_pool"


def _configure(settings: Settings):
    def configure(conn: psycopg.Connection) -> None:
        store.check_versions(conn, store.database_url(settings))
        store.set_actor(conn, "laguna-web")

    return configure


def init_app(app: Flask) -> None:
    """Create the pool (opened on first use) and close it when the process ends."""
    settings: Settings = app.config["LAGUNA"]
    size = int(app.config.get("LAGUNA_POOL_SIZE", 8))
    pool = ConnectionPool(
        store.database_url(settings), min_size=1, max_size=size, open=False,
        kwargs={"prepare_threshold": None, "application_name": "laguna-web",
                "connect_timeout": 5},
        configure=_configure(settings), name="laguna-web")
    app.extensions[POOL_KEY] = pool


def close(app: Flask) -> None:
    pool = app.extensions.get(POOL_KEY)
    if pool is not None and not pool.closed:
        pool.close()


def _pool() -> ConnectionPool:
    pool: ConnectionPool = current_app.extensions[POOL_KEY]
    if pool.closed:
        try:
            pool.open(wait=False)
        except psycopg.OperationalError:  # opened by another thread meanwhile
            pass
    return pool


@contextmanager
def read(timeout_ms: int | None = None) -> Iterator[psycopg.Connection]:
    """A pooled connection in a bounded, read-only transaction."""
    settings: Settings = current_app.config["LAGUNA"]
    ms = timeout_ms or settings.statement_timeout_ms
    try:
        with _pool().connection(timeout=5) as conn, store.bounded(conn, ms):
            conn.execute("SET TRANSACTION READ ONLY")
            yield conn
    except PoolTimeout:
        # Say why in one sentence: a direct connection explains what is wrong.
        with store.connect(settings):
            pass
        raise StoreUnavailable("The store did not lend a connection in time: "
                               "the server is overloaded or restarting.") from None
    except psycopg.errors.QueryCanceled:
        raise StoreUnavailable(f"The request took longer than the {ms} ms allowed "
                               "(LAGUNA_STATEMENT_TIMEOUT_MS); narrow it down.") from None
    except psycopg.OperationalError:
        raise StoreUnavailable("The connection to the store was lost; try again.") from None
