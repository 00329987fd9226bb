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

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from ..config import Settings
from ..store.connect import bounded, connect


@contextmanager
def reading(settings: Settings) -> Iterator[psycopg.Connection]:
    """A read-only, time-limited transaction on the store, for one request."""
    conn = connect(settings, check=False)
    try:
        with bounded(conn, settings.statement_timeout_ms):
            conn.execute("SET LOCAL transaction_read_only = on")
            conn.execute("SET LOCAL TimeZone = 'UTC'")  # dates become UTC midnights
            yield conn
    finally:
        conn.close()
