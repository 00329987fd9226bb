"""Connections to the store, embedded or external, with errors a user can act on.

Every connection goes through :func:`connect`; request-time work uses :func:`bounded`
so that no query runs without a statement timeout.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ..config import Settings, get_settings
from ..errors import ConfigError, StoreUnavailable
from .cluster import Cluster

MIN_POSTGRES = 15  # UNIQUE NULLS NOT DISTINCT in the schema
MIN_POSTGIS = (3, 1)


def cluster(settings: Settings | None = None) -> Cluster:
    s = settings or get_settings()
    return Cluster(root=s.var_dir / "pg", port_setting=s.pg_port, os_user=s.pg_os_user,
                   pg_bin_setting=s.pg_bin)


def database_url(settings: Settings | None = None) -> str:
    """The libpq URL of the store (psql, QGIS and notebooks take it as it is)."""
    s = settings or get_settings()
    if s.database_url:
        url = s.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        if not url.startswith(("postgresql://", "postgres://")):
            raise ConfigError("LAGUNA_DATABASE_URL must start with postgresql://.")
        return url
    return cluster(s).url()


def is_embedded(settings: Settings | None = None) -> bool:
    return not (settings or get_settings()).database_url


def describe(url: str) -> str:
    """host:port/database of a URL, without credentials, for messages."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the configured server"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def _explain(exc: psycopg.OperationalError, url: str, embedded: bool) -> str:
    text = str(exc)
    where = describe(url)
    info = conninfo_to_dict(url)
    if "Connection refused" in text or "No such file or directory" in text:
        if embedded:
            return "The embedded store is not running: run 'laguna db start'."
        return f"No PostgreSQL server answers at {where} (connection refused): start it or correct LAGUNA_DATABASE_URL."
    if "password authentication failed" in text or "no password supplied" in text:
        return f"The PostgreSQL server at {where} refused user '{info.get('user', '')}': wrong or missing password in LAGUNA_DATABASE_URL."
    if "does not exist" in text and "database" in text:
        return f"The database of {where} does not exist: create it (createdb) or correct LAGUNA_DATABASE_URL."
    if "does not exist" in text and "role" in text:
        return f"The PostgreSQL server at {where} has no user '{info.get('user', '')}': correct LAGUNA_DATABASE_URL."
    if "timeout" in text:
        return f"The PostgreSQL server at {where} did not answer in time."
    first = text.strip().splitlines()[0] if text.strip() else "unknown error"
    return f"Could not connect to the PostgreSQL server at {where}: {first}."


def connect(settings: Settings | None = None, *, url: str | None = None,
            autocommit: bool = False, check: bool = True) -> psycopg.Connection:
    """Open a psycopg connection; refused/absent/wrong credentials become StoreUnavailable."""
    s = settings or get_settings()
    url = url or database_url(s)
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=10,
                               application_name="laguna")
    except psycopg.OperationalError as exc:
        raise StoreUnavailable(_explain(exc, url, is_embedded(s) and url == database_url(s))) from None
    try:
        if check:
            check_versions(conn, url)
        set_actor(conn, s.user or f"{getpass.getuser()}@{socket.gethostname()}")
    except BaseException:
        conn.close()
        raise
    return conn


def set_actor(conn: psycopg.Connection, who: str, *, local: bool = False) -> None:
    """Name who is changing data; the audit triggers record it (``laguna.user``)."""
    conn.execute("SELECT set_config('laguna.user', %s, %s)", (who, local))
    if not local and not conn.autocommit:
        conn.commit()


def check_versions(conn: psycopg.Connection, url: str) -> tuple[str, str]:
    """PostgreSQL and PostGIS versions; StoreUnavailable when either is missing or too old."""
    pg_num = conn.info.server_version
    if pg_num // 10000 < MIN_POSTGRES:
        raise StoreUnavailable(f"The server at {describe(url)} runs PostgreSQL {pg_num // 10000}; laguna needs {MIN_POSTGRES} or newer.")
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'").fetchone()
    if row is None:
        available = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        if available:
            raise StoreUnavailable(f"PostGIS is not enabled in {describe(url)}: run 'laguna db migrate' (or CREATE EXTENSION postgis).")
        raise StoreUnavailable(f"PostGIS is not installed on the server at {describe(url)}: install postgresql-{pg_num // 10000}-postgis-3 there.")
    version = row[0]
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    if parts < MIN_POSTGIS:
        raise StoreUnavailable(f"The server at {describe(url)} has PostGIS {version}; laguna needs 3.1 or newer.")
    return f"{pg_num // 10000}.{pg_num % 10000}", version


@contextmanager
def bounded(conn: psycopg.Connection, timeout_ms: int | None = None) -> Iterator[psycopg.Connection]:
    """A transaction whose statements are cut off after the request timeout."""
    ms = int(timeout_ms or get_settings().statement_timeout_ms)
    with conn.transaction():
        conn.execute(f"SET LOCAL statement_timeout = {ms}")
        conn.execute("SET LOCAL jit = off")  # JIT costs ~40 ms per request-time query
        yield conn


@lru_cache(maxsize=8)
def _engine_for(url: str):
    from sqlalchemy import create_engine

    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                         .replace("postgres://", "postgresql+psycopg://", 1),
                         pool_pre_ping=True)


def engine(settings: Settings | None = None):
    """A SQLAlchemy engine on the store (GeoAlchemy2 / geopandas ``read_postgis`` users)."""
    return _engine_for(database_url(settings))
