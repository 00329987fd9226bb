"""Idempotent writes for the loaders: insert new rows, update changed ones, leave equal
ones untouched (no audit entry), and count what happened so a loader can say so."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from shapely import to_wkb
from shapely.geometry.base import BaseGeometry

OUTCOMES = ("inserted", "updated", "unchanged", "removed")


@dataclass(frozen=True)
class Geom:
    """A geometry to store: its shape, the SRID it is in and the SRID of the column."""

    shape: BaseGeometry | None
    srid: int
    to_srid: int


@dataclass
class Tally:
    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, table: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(table, Counter())[outcome] += n

    @property
    def changed(self) -> int:
        return sum(c["inserted"] + c["updated"] + c["removed"] for c in self.counts.values())

    def lines(self) -> list[str]:
        out = []
        for table, c in self.counts.items():
            parts = [f"{c[o]} {o}" for o in OUTCOMES if c[o]]
            out.append(f"{table}: {', '.join(parts) or 'nothing'}")
        return out

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {t: {o: c[o] for o in OUTCOMES if c[o]} for t, c in self.counts.items()}


def _value(v: Any) -> sql.Composable:
    if isinstance(v, Geom):
        if v.shape is None:
            return sql.SQL("NULL::geometry")
        g = sql.SQL("ST_SetSRID(ST_GeomFromWKB({}), {})").format(sql.Literal(to_wkb(v.shape)),
                                                                 sql.Literal(v.srid))
        if v.srid != v.to_srid:
            g = sql.SQL("ST_Transform({}, {})").format(g, sql.Literal(v.to_srid))
        return g
    return sql.Placeholder()


def upsert(conn: psycopg.Connection, table: str, key: dict[str, Any], values: dict[str, Any],
           tally: Tally | None = None, *, label: str | None = None) -> int:
    """Insert or update ``laguna.<table>`` on the unique ``key`` columns; returns the row's id."""
    cols = [*key, *values]
    params = [v for v in [*key.values(), *values.values()] if not isinstance(v, Geom)]
    ident = sql.Identifier("laguna", table)
    if values:
        action = sql.SQL("DO UPDATE SET {sets} WHERE ({old}) IS DISTINCT FROM ({new})").format(
            sets=sql.SQL(", ").join(sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c))
                                    for c in values),
            old=sql.SQL(", ").join(sql.SQL("{t}.{c}").format(t=sql.Identifier(table), c=sql.Identifier(c))
                                   for c in values),
            new=sql.SQL(", ").join(sql.SQL("EXCLUDED.{c}").format(c=sql.Identifier(c)) for c in values))
    else:
        action = sql.SQL("DO NOTHING")
    query = sql.SQL("INSERT INTO {t} ({cols}) VALUES ({vals}) ON CONFLICT ({keys}) {action} "
                    "RETURNING id, (xmax = 0)").format(
        t=ident, cols=sql.SQL(", ").join(map(sql.Identifier, cols)),
        vals=sql.SQL(", ").join(_value(v) for v in [*key.values(), *values.values()]),
        keys=sql.SQL(", ").join(map(sql.Identifier, key)), action=action)
    row = conn.execute(query, params).fetchone()
    if row is not None:
        if tally is not None:
            tally.add(label or table, "inserted" if row[1] else "updated")
        return row[0]
    if tally is not None:
        tally.add(label or table, "unchanged")
    where = sql.SQL(" AND ").join(sql.SQL("{} IS NOT DISTINCT FROM {}").format(sql.Identifier(k), sql.Placeholder())
                                  for k in key)
    return conn.execute(sql.SQL("SELECT id FROM {} WHERE {}").format(ident, where),
                        list(key.values())).fetchone()[0]


def replace_links(conn: psycopg.Connection, table: str, owner: tuple[str, int], other: str,
                  wanted: dict[Any, dict[str, Any]], tally: Tally | None = None) -> None:
    """Make the link rows of one owner (e.g. a project's partners) exactly ``wanted``
    ({other id: extra column values}), touching only rows that differ."""
    owner_col, owner_id = owner
    extra_cols = sorted({c for v in wanted.values() for c in v})
    ident = sql.Identifier("laguna", table)
    select = sql.SQL("SELECT {o}{x} FROM {t} WHERE {w} = %s").format(
        o=sql.Identifier(other), t=ident, w=sql.Identifier(owner_col),
        x=sql.SQL("").join(sql.SQL(", {}").format(sql.Identifier(c)) for c in extra_cols))
    have = {r[0]: dict(zip(extra_cols, r[1:], strict=True))
            for r in conn.execute(select, (owner_id,)).fetchall()}
    for gone in set(have) - set(wanted):
        conn.execute(sql.SQL("DELETE FROM {} WHERE {} = %s AND {} = %s").format(
            ident, sql.Identifier(owner_col), sql.Identifier(other)), (owner_id, gone))
        if tally is not None:
            tally.add(table, "removed")
    for other_id, extra in wanted.items():
        if other_id not in have:
            cols = [owner_col, other, *extra]
            conn.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                ident, sql.SQL(", ").join(map(sql.Identifier, cols)),
                sql.SQL(", ").join(sql.Placeholder() * len(cols))),
                [owner_id, other_id, *extra.values()])
            outcome = "inserted"
        elif have[other_id] != extra:
            conn.execute(sql.SQL("UPDATE {} SET {} WHERE {} = %s AND {} = %s").format(
                ident, sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in extra),
                sql.Identifier(owner_col), sql.Identifier(other)),
                [*extra.values(), owner_id, other_id])
            outcome = "updated"
        else:
            outcome = "unchanged"
        if tally is not None:
            tally.add(table, outcome)
