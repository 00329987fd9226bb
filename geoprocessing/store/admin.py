"""Store administration behind ``laguna db ...``: start, stop, status, migrate, reset.

Works the same for the embedded cluster and an external server (LAGUNA_DATABASE_URL);
the CLI only prints what these return.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import psycopg

from ..config import Settings, get_settings
from ..errors import StoreUnavailable
from . import connect as store
from .migrate import migrate as run_migrations


@dataclass
class Status:
    running: bool
    url: str | None
    detail: str


def start(settings: Settings | None = None) -> list[str]:
    """Start the embedded store (creating it on first use); check an external one."""
    s = settings or get_settings()
    if not store.is_embedded(s):
        with store.connect(s, check=False):
            pass
        return [f"using the external server {store.describe(store.database_url(s))}; nothing to start"]
    return store.cluster(s).start()


def stop(settings: Settings | None = None) -> str:
    s = settings or get_settings()
    if not store.is_embedded(s):
        return "the store is an external server (LAGUNA_DATABASE_URL): laguna does not stop it"
    return "stopped the embedded store" if store.cluster(s).stop() else "the embedded store was not running"


def status(settings: Settings | None = None) -> Status:
    s = settings or get_settings()
    if store.is_embedded(s):
        c = store.cluster(s)
        if not c.initialised():
            return Status(False, None, "not created yet: run 'laguna db start'")
        if not c.running():
            return Status(False, c.url(), f"stopped (data in {c.data_dir})")
        return Status(True, c.url(), f"running on 127.0.0.1:{c.port} (data in {c.data_dir})")
    url = store.database_url(s)
    try:
        with store.connect(s, check=False):
            pass
    except StoreUnavailable as exc:
        return Status(False, url, exc.message)
    return Status(True, url, f"external server {store.describe(url)} reachable")


def migrate(settings: Settings | None = None) -> list[str]:
    """Apply pending migrations; the first creates PostGIS if the server has it."""
    s = settings or get_settings()
    from ..indicators import sync

    with store.connect(s, check=False) as conn:
        _ensure_postgis(conn, store.database_url(s))
        done = run_migrations(conn, s.sql_dir, s.storage_srid)
        sync(conn)  # the indicator catalogue follows the code, like the schema
        return done


def _ensure_postgis(conn: psycopg.Connection, url: str) -> None:
    try:
        store.check_versions(conn, url)
    except StoreUnavailable:
        available = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
        conn.rollback()
        if not available:
            raise
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            conn.commit()
        except psycopg.errors.InsufficientPrivilege:
            raise StoreUnavailable(
                f"PostGIS is not enabled in {store.describe(url)} and this user may not enable it: "
                "ask an administrator to run CREATE EXTENSION postgis."
            ) from None
        store.check_versions(conn, url)


def reset(settings: Settings | None = None) -> list[str]:
    """Delete every table and file of the store, then migrate afresh."""
    s = settings or get_settings()
    with store.connect(s, check=False) as conn:
        conn.execute("DROP SCHEMA IF EXISTS laguna, layers, audit CASCADE")
        conn.execute("DROP TABLE IF EXISTS public.laguna_migrations")
        conn.commit()
    for folder in ("rasters", "sample", "reports"):
        shutil.rmtree(s.var_dir / folder, ignore_errors=True)
    return migrate(s)
