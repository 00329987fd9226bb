"""The Python mirror (geoprocessing.store.schema) and the migrated schema agree."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from geoprocessing.store.schema import metadata

SRID = 7792


def db_columns(conn) -> dict[str, dict[str, tuple[str, bool]]]:
    rows = conn.execute(
        "SELECT table_schema || '.' || table_name, column_name, "
        "       CASE WHEN data_type = 'USER-DEFINED' THEN udt_name "
        "            WHEN data_type = 'ARRAY' THEN 'ARRAY' ELSE data_type END, "
        "       is_nullable = 'YES' "
        "FROM information_schema.columns "
        "WHERE table_schema IN ('laguna', 'audit') ").fetchall()
    out: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, column, dtype, nullable in rows:
        out.setdefault(table, {})[column] = (dtype, nullable)
    return out


def declared_type(column) -> str:
    if isinstance(column.type, Geometry):
        return "geometry"
    return column.type.compile(dialect=postgresql.dialect()).lower()


# information_schema names for the types SQLAlchemy compiles
ALIASES = {
    "integer": "integer", "bigint": "bigint", "text": "text", "boolean": "boolean",
    "date": "date", "double precision": "double precision", "jsonb": "jsonb",
    "timestamp with time zone": "timestamp with time zone", "char(1)": "character",
    "char(2)": "character", "numeric(12, 2)": "numeric", "numeric(14, 2)": "numeric",
    "text[]": "ARRAY", "geometry": "geometry",
}


def test_every_table_and_column_agrees(store_conn):
    actual = db_columns(store_conn)
    md = metadata(SRID)
    assert set(md.tables) == set(actual), "tables differ between sql/ and schema.py"
    problems = []
    for name, table in md.tables.items():
        cols = actual[name]
        if set(table.columns.keys()) != set(cols):
            problems.append(f"{name}: columns {sorted(set(table.columns.keys()) ^ set(cols))} differ")
            continue
        for column in table.columns:
            dtype, nullable = cols[column.name]
            want = ALIASES.get(declared_type(column), declared_type(column))
            if want != dtype:
                problems.append(f"{name}.{column.name}: sql/ has {dtype}, schema.py {want}")
            if not column.primary_key and column.nullable != nullable:
                problems.append(f"{name}.{column.name}: nullability differs")
    assert problems == []


def test_geometry_types_and_srids_agree(store_conn):
    actual = {(f"{s}.{t}", c): (gtype, srid) for s, t, c, gtype, srid in store_conn.execute(
        "SELECT f_table_schema, f_table_name, f_geometry_column, type, srid FROM geometry_columns "
        "WHERE f_table_schema IN ('laguna', 'audit')")}
    declared = {}
    for name, table in metadata(SRID).tables.items():
        for column in table.columns:
            if isinstance(column.type, Geometry):
                declared[(name, column.name)] = (column.type.geometry_type, column.type.srid)
    assert declared == actual
