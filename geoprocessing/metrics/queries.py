"""Small helpers the jobs share to read the store into pandas."""

from __future__ import annotations

import pandas as pd
import psycopg
from psycopg.rows import dict_row


def frame(conn: psycopg.Connection, query: str, params: dict | tuple = ()) -> pd.DataFrame:
    """A query's rows as a DataFrame, with its columns even when there are no rows."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(query, params).fetchall()
        columns = [c.name for c in cur.description]
    return pd.DataFrame(rows, columns=columns)
