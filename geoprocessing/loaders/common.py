"""What the domain loaders share: their report, the lookups of codes to ids, the CRS of a
layer, and turning a refusal of the store into one sentence naming the row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from pyproj import CRS

from ..errors import InvalidInput
from .tables import Row, Table, where
from .upsert import Tally


@dataclass
class LoadReport:
    """What a loader did; ``lines`` is what the CLI prints."""

    file: str
    tally: Tally = field(default_factory=Tally)

    @property
    def changed(self) -> int:
        return self.tally.changed

    def lines(self) -> list[str]:
        if not self.changed:
            return [f"nothing to change: the store already holds everything in {self.file}"]
        return [f"{self.file}:", *(f"  {line}" for line in self.tally.lines())]


def srid_of(path: Path, table: Table) -> int:
    """The EPSG code of a layer's CRS (refusing layers without one)."""
    if not table.crs:
        raise InvalidInput(f"{where(path, table.name)} has no coordinate reference system.")
    epsg = CRS.from_user_input(table.crs).to_epsg()
    if epsg is None:
        raise InvalidInput(f"{where(path, table.name)} uses a CRS with no EPSG code ({table.crs}).")
    return epsg


def codes(conn: psycopg.Connection, query: str, params: tuple = ()) -> dict:
    """{code: id} from a two-column query."""
    return dict(conn.execute(query, params).fetchall())


def lookup(mapping: dict, value, path: Path, table: str, row: Row, field_name: str, what: str,
           hint: str = ""):
    """mapping[value], or one sentence saying which row names an unknown thing (a tuple key
    is shown by its last part: the code the row wrote)."""
    if value is None:
        return None
    try:
        return mapping[value]
    except KeyError:
        shown = value[-1] if isinstance(value, tuple) else value
        raise InvalidInput(f"{where(path, table, row.number, field_name)}: no {what} '{shown}'{hint}.") from None


@contextmanager
def refusal(path: Path, table: str, row: Row) -> Iterator[None]:
    """Turn a constraint the store enforces into a sentence naming the row."""
    try:
        yield
    except (psycopg.errors.IntegrityError, psycopg.errors.DataError) as exc:
        detail = (exc.diag.message_primary or str(exc)).rstrip(".")
        raise InvalidInput(f"{where(path, table, row.number)}: the store refused the row ({detail}).") from None


def site_id(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT id FROM laguna.sites ORDER BY id LIMIT 1").fetchone()[0]


def lock(conn: psycopg.Connection, name: str) -> None:
    """One loader of a kind at a time (waits for the other to finish)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtext('laguna.loader'), hashtext(%s))", (name,))
