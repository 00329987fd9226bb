"""Plain functions that read the store for the web app: each takes a connection and
returns rows, dicts or GeoJSON text; none knows about HTTP, so tests call them directly.
Every value reaches SQL as a bound parameter; identifiers only via ``psycopg.sql``.
"""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from geoprocessing.errors import NotFound


def rows(conn: psycopg.Connection, query, params=None) -> list[dict]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchall()


def one(conn: psycopg.Connection, query, params=None, *, missing: str | None = None) -> dict | None:
    """The single row of ``query``; NotFound(``missing``) when there is none and it is given."""
    with conn.cursor(row_factory=dict_row) as cur:
        found = cur.execute(query, params).fetchone()
    if found is None and missing:
        raise NotFound(missing)
    return found


def scalar(conn: psycopg.Connection, query, params=None):
    found = conn.execute(query, params).fetchone()
    return None if found is None else found[0]
