"""The indicator catalogue (``indicators.toml``) and its synchronisation into the store.

Definitions are product knowledge and follow the code; baselines, targets and thresholds
are management decisions kept in the store, which :func:`sync` never touches.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import psycopg

CATALOGUE = Path(__file__).with_name("indicators.toml")
DEFINITION_COLUMNS = ("name_it", "name_en", "description_it", "description_en", "kind", "unit",
                      "direction", "frequency", "spatial_unit", "zone_kind", "method", "job_name")


@lru_cache(maxsize=1)
def catalogue() -> tuple[dict, ...]:
    """Every indicator definition, as dicts keyed like the ``laguna.indicators`` columns."""
    entries = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))["indicator"]
    out = []
    for entry in entries:
        row = {col: entry.get(col) for col in DEFINITION_COLUMNS}
        row["job_name"] = entry.get("job")
        row["code"] = entry["code"]
        row["category"] = entry.get("category")
        row["factors"] = tuple(entry.get("factors", ()))
        out.append(row)
    return tuple(out)


def by_code(code: str) -> dict:
    for entry in catalogue():
        if entry["code"] == code:
            return entry
    raise KeyError(code)


def sync(conn: psycopg.Connection) -> int:
    """Insert missing definitions and refresh existing ones; returns how many were new."""
    cols = ", ".join(("code", *DEFINITION_COLUMNS))
    marks = ", ".join(["%s"] * (len(DEFINITION_COLUMNS) + 1))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in DEFINITION_COLUMNS)
    new = 0
    with conn.transaction():
        for entry in catalogue():
            row = conn.execute(
                f"INSERT INTO laguna.indicators ({cols}) VALUES ({marks}) "  # noqa: S608 - fixed columns
                f"ON CONFLICT (code) DO UPDATE SET {updates} RETURNING (xmax = 0)",
                (entry["code"], *(entry[c] for c in DEFINITION_COLUMNS))).fetchone()
            new += bool(row[0])
            conn.execute(
                "DELETE FROM laguna.indicator_factors WHERE indicator_id = "
                "(SELECT id FROM laguna.indicators WHERE code = %s) AND NOT factor_code = ANY(%s)",
                (entry["code"], list(entry["factors"])))
            for factor in entry["factors"]:
                conn.execute(
                    "INSERT INTO laguna.indicator_factors (indicator_id, factor_code) "
                    "SELECT id, %s FROM laguna.indicators WHERE code = %s ON CONFLICT DO NOTHING",
                    (factor, entry["code"]))
    return new
