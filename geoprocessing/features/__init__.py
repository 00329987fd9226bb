"""Features of the store as OGC API - Features collections (no Flask here).

The web layer (``webapp.ogc``) parses the request, calls these functions and renders;
everything that touches SQL, CRSs or CQL2 lives in this package:

- :mod:`.collections`: which collections exist and how each is read;
- :mod:`.params`: the items request's query parameters, checked;
- :mod:`.query`: pages of features, single features, extents;
- :mod:`.cql`: CQL2 (via pygeofilter) to parameterised SQL;
- :mod:`.crs`: the CRSs offered, their URIs and axis order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from ..config import Settings
from ..store.connect import bounded, connect, database_url

# One connection per server thread, kept between requests: opening one costs more than
# a page of features (about 6 ms here). Each request runs in its own transaction.
_local = threading.local()


def _connection(settings: Settings) -> psycopg.Connection:
    url = database_url(settings)
    conn = getattr(_local, "conns", {}).get(url)
    if conn is not None and not conn.closed and not conn.broken:
        try:
            conn.execute("SELECT 1")  # a server restart or a dropped database shows here
            return conn
        except psycopg.OperationalError:
            conn.close()
    conn = connect(settings, autocommit=True, check=False)  # transactions are explicit
    _local.__dict__.setdefault("conns", {})[url] = conn
    return conn


@contextmanager
def reading(settings: Settings) -> Iterator[psycopg.Connection]:
    """A read-only, time-limited transaction on the store, for one request."""
    conn = _connection(settings)
    try:
        with bounded(conn, settings.statement_timeout_ms):
            # dates become UTC midnights; nothing a request runs can write
            conn.execute("SET LOCAL transaction_read_only = on; SET LOCAL TimeZone = 'UTC'")
            yield conn
    except psycopg.OperationalError:
        conn.close()
        raise
