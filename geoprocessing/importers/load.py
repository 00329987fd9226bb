"""The per-layer tables (``layers.<name>``) and the bulk load into them.

Rows go in with PostgreSQL's binary COPY: each batch is encoded column by column with
numpy and pyarrow (no Python loop over rows) and geometries travel as WKB into the
typed geometry column, which PostGIS checks against its type and SRID. Indexes of a new
table are built after the load, which is several times faster than maintaining them.
"""

from __future__ import annotations

import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
from psycopg import sql

from ..catalogue import PG_TYPES, Attribute, LayerDef, layer_table
from ..errors import InvalidInput

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
TRAILER = b"\xff\xff"
DAYS_1970_TO_2000 = 10_957
MICROS_1970_TO_2000 = 946_684_800_000_000
NULL = pa.scalar(b"\xff\xff\xff\xff", pa.large_binary())  # field length -1
NOTHING = pa.scalar(b"", pa.large_binary())
FIXED = {"integer": ">i4", "bigint": ">i8", "real": ">f8", "boolean": "u1", "date": ">i4",
         "timestamp": ">i8"}


def _exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                        (f'layers."{name}"',)).fetchone()[0]


def ensure_table(conn: psycopg.Connection, layer: LayerDef, srid: int) -> bool:
    """Create ``layers.<name>`` or check it still fits the layer file; True when created."""
    table = layer_table(layer.name)
    if not _exists(conn, layer.name):
        # The primary key is maintained during the COPY (the server has time while the
        # importer checks the next batch); the GiST index is built after it, sorted.
        columns = [sql.SQL("fid bigserial PRIMARY KEY"), sql.SQL("layer_version integer NOT NULL")]
        columns += [sql.SQL("{} {}").format(sql.Identifier(a.name), sql.SQL(PG_TYPES[a.type]))
                    for a in layer.attributes]
        columns.append(sql.SQL("geom geometry({}, {}) NOT NULL").format(
            sql.SQL(layer.column_type()), sql.Literal(srid)))
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(columns)))
        conn.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(
            table, sql.Literal(f"{layer.title.it} / {layer.title.en} (laguna layer; "
                               "every import version, the current one is the highest layer_version)")))
        return True
    row = conn.execute("SELECT type, srid, coord_dimension FROM geometry_columns "
                       "WHERE f_table_schema = 'layers' AND f_table_name = %s "
                       "AND f_geometry_column = 'geom'", (layer.name,)).fetchone()
    want_type = layer.geometry_type.upper()
    want_dim = 3 if layer.z == "keep" else 2
    if row is None or row[0] != want_type or row[1] != srid or row[2] != want_dim:
        have = f"{row[0]} ({row[2]}D) in EPSG:{row[1]}" if row else "no geometry column"
        raise InvalidInput(
            f"The table layers.{layer.name} holds {have}, but the layer file now declares "
            f"{layer.geometry_type} ({want_dim}D) in EPSG:{srid}: the versions already stored "
            "cannot change type; give the changed layer a new name.")
    existing = dict(conn.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        (f'layers."{layer.name}"',)).fetchall())
    for attr in layer.attributes:
        have = existing.get(attr.name)
        if have is None:  # a new attribute: older versions simply have no value for it
            conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
                table, sql.Identifier(attr.name), sql.SQL(PG_TYPES[attr.type])))
        elif have != PG_TYPES[attr.type] and not (have.startswith("timestamp") and attr.type == "timestamp"):
            raise InvalidInput(
                f"The table layers.{layer.name} stores attribute {attr.name} as {have}, but the "
                f"layer file now declares {attr.type}: the versions already stored cannot change "
                "type; give the changed layer a new name or the attribute a new name.")
    return False


def finish(conn: psycopg.Connection, layer: LayerDef, created: bool, last_fid: int) -> None:
    """Indexes (the spatial one built after the load of a new table), sequence, statistics."""
    table = layer_table(layer.name)
    if created:
        conn.execute(sql.SQL("CREATE INDEX {} ON {} USING gist (geom)").format(
            sql.Identifier(f"{layer.name}_geom_gist"), table))
    else:  # from the second version on, queries pick the current one: index the version
        conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (layer_version)").format(
            sql.Identifier(f"{layer.name}_version_idx"), table))
    if last_fid:
        conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'fid'), %s)",
                     (f'layers."{layer.name}"', last_fid))
    conn.execute(sql.SQL("ANALYZE {}").format(table))


def next_fid(conn: psycopg.Connection, layer: LayerDef) -> int:
    row = conn.execute(sql.SQL("SELECT coalesce(max(fid), 0) FROM {}").format(
        layer_table(layer.name))).fetchone()
    return int(row[0]) + 1


def copy_statement(layer: LayerDef) -> sql.Composed:
    names = ["fid", "layer_version", *(a.name for a in layer.attributes), "geom"]
    return sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        layer_table(layer.name), sql.SQL(", ").join(map(sql.Identifier, names)))


# -- binary COPY encoding -----------------------------------------------------------------
def _fixed(values: np.ndarray, dtype: str, valid: np.ndarray | None) -> pa.Array:
    """Each value as int32 length + big-endian bytes; NULLs as length -1."""
    size = np.dtype(dtype).itemsize
    rec = np.empty(len(values), dtype=[("len", ">i4"), ("val", dtype)])
    rec["len"] = size
    rec["val"] = values
    out = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4 + size), len(values),
                                               [None, pa.py_buffer(rec)]).cast(pa.large_binary())
    if valid is not None and not valid.all():
        out = pc.if_else(pa.array(valid), out, NULL)
    return out


def _varlen(arr: pa.Array) -> pa.Array:
    data = arr.cast(pa.large_binary())
    lengths = pc.fill_null(pc.binary_length(data), -1).to_numpy().astype(">i4")
    prefix = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4), len(arr),
                                                  [None, pa.py_buffer(lengths)]).cast(pa.large_binary())
    return pc.binary_join_element_wise(prefix, pc.fill_null(data, NOTHING), NOTHING)


def _column(attr: Attribute, arr: pa.Array) -> pa.Array:
    if attr.type == "text":
        return _varlen(arr)
    valid = None if arr.null_count == 0 else pc.is_valid(arr).to_numpy(zero_copy_only=False)
    as_int = {"date": pa.int32(), "timestamp": pa.int64(), "boolean": pa.uint8()}.get(attr.type)
    values = pc.fill_null(arr.cast(as_int) if as_int else arr, 0).to_numpy()
    if attr.type == "date":
        values = values - DAYS_1970_TO_2000
    elif attr.type == "timestamp":
        values = values - MICROS_1970_TO_2000
    return _fixed(values, FIXED[attr.type], valid)


def encode(first_fid: int, version: int, attributes: list[Attribute], columns: list[pa.Array],
           wkb: pa.Array) -> memoryview:
    """The binary COPY rows of one batch, as one contiguous buffer."""
    n = len(wkb)
    count = 3 + len(attributes)
    header = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(2), n, [None, pa.py_buffer(np.full(n, count, ">i2"))]).cast(pa.large_binary())
    fids = _fixed(np.arange(first_fid, first_fid + n, dtype=np.int64), ">i8", None)
    versions = _fixed(np.full(n, version, np.int32), ">i4", None)
    parts = [header, fids, versions, *(_column(a, c) for a, c in zip(attributes, columns, strict=True)),
             _varlen(wkb)]
    rows = pc.binary_join_element_wise(*parts, NOTHING)
    buffers = rows.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64, count=n + 1, offset=rows.offset * 8)
    return memoryview(buffers[2])[offsets[0]:offsets[-1]]
