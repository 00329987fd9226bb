"""Apply the numbered SQL migrations of ``sql/`` in order, each in its own transaction.

A tiny runner rather than yoyo-migrations: yoyo records which migrations ran but not a
checksum of their text, and we must refuse a store whose applied files were edited.
Files are named ``NNNN_what.sql``; ``{{storage_srid}}`` in a file is replaced by the
configured storage SRID, which the first migration records in ``laguna.store_info``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ..errors import ConfigError, MigrationError

NAME = re.compile(r"^\d{4}_[a-z0-9_]+\.sql$")
LOCK_ID = 7_792_394  # advisory lock: one migrate at a time per database


@dataclass(frozen=True)
class Migration:
    name: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def discover(sql_dir: Path) -> list[Migration]:
    files = sorted(p for p in sql_dir.glob("*.sql"))
    bad = [p.name for p in files if not NAME.match(p.name)]
    if bad:
        raise MigrationError(f"sql/{bad[0]} is not named NNNN_description.sql.")
    return [Migration(p.name, p) for p in files]


def applied(conn: psycopg.Connection) -> dict[str, str]:
    exists = conn.execute("SELECT to_regclass('public.laguna_migrations')").fetchone()[0]
    if exists is None:
        return {}
    return dict(conn.execute("SELECT name, checksum FROM public.laguna_migrations").fetchall())


def pending(conn: psycopg.Connection, sql_dir: Path) -> list[Migration]:
    """Migrations still to apply; refuses a store whose applied files changed or vanished."""
    files = discover(sql_dir)
    done = applied(conn)
    names = {m.name for m in files}
    missing = sorted(set(done) - names)
    if missing:
        raise MigrationError(f"The store has migration {missing[0]} applied but sql/ no longer has it.")
    for m in files:
        if m.name in done and done[m.name] != m.checksum:
            raise MigrationError(
                f"sql/{m.name} changed after it was applied to this store; "
                f"put the change in a new numbered migration instead."
            )
    return [m for m in files if m.name not in done]


def migrate(conn: psycopg.Connection, sql_dir: Path, storage_srid: int) -> list[str]:
    """Apply pending migrations; returns their names (empty when the store is current)."""
    if conn.autocommit or conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise ValueError("migrate() needs an idle connection in transaction mode")
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
        conn.execute("""CREATE TABLE IF NOT EXISTS public.laguna_migrations (
                            name text PRIMARY KEY,
                            checksum text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now())""")
        check_srid(conn, storage_srid)
        todo = pending(conn, sql_dir)
    done = []
    for m in todo:
        sql = m.text.replace("{{storage_srid}}", str(int(storage_srid)))
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
                if m.name in applied(conn):  # another process got there first
                    continue
                conn.execute(sql)
                conn.execute("INSERT INTO public.laguna_migrations (name, checksum) VALUES (%s, %s)",
                             (m.name, m.checksum))
        except psycopg.Error as exc:
            detail = (exc.diag.message_primary or str(exc)).rstrip(".")
            raise MigrationError(f"sql/{m.name} failed and was rolled back: {detail}.") from None
        done.append(m.name)
    return done


def check_srid(conn: psycopg.Connection, storage_srid: int) -> None:
    """Refuse a store created with another storage CRS than the configured one."""
    exists = conn.execute("SELECT to_regclass('laguna.store_info')").fetchone()[0]
    if exists is None:
        return
    stored = conn.execute("SELECT storage_srid FROM laguna.store_info").fetchone()
    if stored and stored[0] != storage_srid:
        raise ConfigError(
            f"This store keeps geometries in EPSG:{stored[0]} but LAGUNA_STORAGE_CRS is EPSG:{storage_srid}: "
            f"set LAGUNA_STORAGE_CRS=EPSG:{stored[0]} or use a new store."
        )
