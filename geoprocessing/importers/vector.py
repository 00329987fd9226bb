"""A vector import: read -> check/repair/reproject -> type attributes -> binary COPY.

Memory stays bounded: features flow in batches, and a reader thread prepares the next
batch (shapely, pyarrow and GDAL release the GIL) while the main thread streams the
previous one to PostgreSQL; at most two encoded batches wait in between. Everything runs
inside the caller's transaction: any error leaves the store as it was.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import psycopg
import pyarrow as pa
from psycopg import sql

from ..catalogue import LayerDef, layer_table
from ..errors import InvalidInput
from . import attributes, extent, geometry, load, readers
from .sources import Source

BATCH_SIZE = 16_384  # features per batch: big enough to amortise, small enough for memory
QUEUE_DEPTH = 2  # encoded batches waiting for the COPY
WORKERS = min(2, os.cpu_count() or 1)  # threads checking batches


@dataclass
class VectorResult:
    feature_count: int = 0
    repaired: int = 0
    skipped: int = 0
    bounds: np.ndarray | None = None
    source_crs: str = ""
    source_layer: str | None = None
    warnings: list[str] = field(default_factory=list)


class _Ids:
    """64-bit hashes of every id value, to find repeats without keeping the values.

    Python's own (randomised, per-process) hash is enough within one import; a repeat it
    finds is confirmed against the stored values before anything is said or deleted.
    """

    def __init__(self) -> None:
        self.hashes: list[np.ndarray] = []
        self.positions: list[np.ndarray] = []  # file position of each fid, from first_fid on
        self.first_fid: int | None = None

    def add(self, values: pa.Array, positions: np.ndarray, first_fid: int) -> None:
        if self.first_fid is None:
            self.first_fid = first_fid  # fids are consecutive from here, batch after batch
        self.hashes.append(np.fromiter(map(hash, values.to_pylist()), np.int64, len(values)))
        self.positions.append(positions)

    def position(self, fid: int) -> int:
        """The 1-based place in the file of the feature stored as ``fid``."""
        return int(np.concatenate(self.positions)[fid - self.first_fid]) + 1

    def repeats(self) -> tuple[np.ndarray, np.ndarray]:
        """(fid, fid of the first occurrence) of every feature whose id hash repeats."""
        empty = np.empty(0, np.int64)
        if not self.hashes:
            return empty, empty
        h = np.concatenate(self.hashes)
        order = np.argsort(h, kind="stable")  # equal hashes keep file order
        hs = h[order]
        later = np.flatnonzero(hs[1:] == hs[:-1]) + 1
        if later.size == 0:
            return empty, empty
        run_start = np.maximum.accumulate(np.where(np.r_[True, hs[1:] != hs[:-1]],
                                                   np.arange(hs.size), 0))
        return order[later] + self.first_fid, order[run_start[later]] + self.first_fid


class _Producer(threading.Thread):
    """Reads, checks and encodes batches; hands COPY buffers (or its error) to a queue."""

    def __init__(self, vin: readers.VectorInput, layer: LayerDef, attrs, mapping, reproj,
                 version: int, first_fid: int):
        super().__init__(name=f"import-{layer.name}", daemon=True)
        self.vin, self.layer, self.attrs, self.mapping = vin, layer, attrs, mapping
        self.reproj, self.version, self.next_fid = reproj, version, first_fid
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_DEPTH)
        self.stop = threading.Event()
        self.result = VectorResult()
        self.ids = _Ids() if layer.id else None
        self.id_index = [a.name for a in attrs].index(layer.id) if layer.id else None

    def _put(self, item) -> None:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def run(self) -> None:
        try:
            self._produce()
            self._put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            self._put(exc)

    def _prepare(self, start: int, table: pa.RecordBatch, wkb: pa.Array):
        """The heavy, order-free part of a batch (geometry and attribute checks)."""
        label = self.vin.source.label
        clean = geometry.clean(label, start, wkb, self.layer, self.reproj)
        if len(clean.wkb) == 0:
            return clean, None, None
        kept = table if clean.keep.all() else table.filter(pa.array(clean.keep))
        positions = start + np.flatnonzero(clean.keep)
        return clean, positions, attributes.typed(label, kept, positions, self.attrs, self.mapping)

    def _emit(self, clean: geometry.CleanBatch, positions, cols) -> None:
        """The ordered part: feature ids, the id register, encoding, the hand-over."""
        r = self.result
        r.skipped += clean.skipped
        r.repaired += clean.repaired
        n = len(clean.wkb)
        if n == 0:
            return
        if self.ids is not None:
            self.ids.add(cols[self.id_index], positions, self.next_fid)
        buffer = load.encode(self.next_fid, self.version, self.attrs, cols, clean.wkb)
        r.bounds = clean.bounds if r.bounds is None else np.r_[
            np.minimum(r.bounds[:2], clean.bounds[:2]), np.maximum(r.bounds[2:], clean.bounds[2:])]
        self.next_fid += n
        r.feature_count += n
        self._put(buffer)

    def _produce(self) -> None:
        # Batches are checked by WORKERS threads (shapely and pyarrow release the GIL) and
        # emitted strictly in file order, so the first bad feature of the file is the one named.
        pending: deque[Future] = deque()
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="import-check") as pool, \
                self.vin.batches(BATCH_SIZE) as batches:
            for start, table, wkb in batches:
                if self.stop.is_set():
                    return
                pending.append(pool.submit(self._prepare, start, table, wkb))
                if len(pending) > WORKERS:
                    self._emit(*pending.popleft().result())
            while pending:
                self._emit(*pending.popleft().result())


def _store_error(label: str, exc: psycopg.Error) -> InvalidInput:
    diag = exc.diag.message_primary or str(exc).splitlines()[0]
    where = exc.diag.context or ""
    line = where.split("line ")[-1].split(",")[0].split()[0] if "line " in where else None
    at = f" (row {line} of the load)" if line else ""
    return InvalidInput(f"{label}: the store refused a feature{at}: {diag}.")


def load_vector(conn: psycopg.Connection, layer: LayerDef, source: Source, *, srid: int,
                crs: str | None, source_layer: str | None, as_zones: bool,
                version: int) -> VectorResult:
    """Stream the source into ``layers.<name>`` as ``version``; returns what happened."""
    vin = readers.open_vector(source, source_layer=source_layer, layer_name=layer.name)
    warnings: list[str] = []
    if vin.crs_note:
        warnings.append(f"{source.label}: {vin.crs_note}")
    reproj = extent.resolve(source.label, vin.crs, crs, srid, warnings)
    attrs = attributes.effective(layer, as_zones)
    mapping = attributes.match_fields(source.label, vin.fields, attrs, warnings)
    created = load.ensure_table(conn, layer, srid)
    first_fid = 1 if created else load.next_fid(conn, layer)
    producer = _Producer(vin, layer, attrs, mapping, reproj, version, first_fid)
    producer.start()
    try:
        with conn.cursor().copy(load.copy_statement(layer)) as copy:
            copy.write(load.HEADER)
            while (item := producer.queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                copy.write(item)
            copy.write(load.TRAILER)
    except (psycopg.errors.DataException, psycopg.errors.IntegrityError) as exc:
        raise _store_error(source.label, exc) from None
    finally:
        producer.stop.set()
        producer.join()
    result = producer.result
    result.warnings = warnings
    result.source_crs = extent.crs_label(reproj.source)
    result.source_layer = vin.layer_name
    if producer.ids is not None:
        _repeated_ids(conn, layer, source, mapping, producer.ids, result)
    if result.feature_count == 0:
        raise InvalidInput(f"{source.label} holds no features to import"
                           + (f" ({result.skipped:,} had empty geometries)." if result.skipped else "."))
    load.finish(conn, layer, created, producer.next_fid - 1)
    return result


def _repeated_ids(conn: psycopg.Connection, layer: LayerDef, source: Source, mapping: dict,
                  ids: _Ids, result: VectorResult) -> None:
    dup_fids, first_fids = ids.repeats()
    if dup_fids.size == 0:
        return
    table, key = layer_table(layer.name), sql.Identifier(layer.id)
    confirmed = conn.execute(sql.SQL(
        "SELECT u.dup, u.first, d.{key}::text FROM unnest(%s::bigint[], %s::bigint[]) AS u(dup, first) "
        "JOIN {t} d ON d.fid = u.dup JOIN {t} f ON f.fid = u.first "
        "WHERE d.{key} = f.{key} ORDER BY u.dup").format(key=key, t=table),
        (dup_fids.tolist(), first_fids.tolist())).fetchall()
    if not confirmed:
        return  # only hash collisions
    dup, first, value = confirmed[0]
    where = ids.position(dup)
    if layer.duplicate_ids == "refuse":
        raise InvalidInput(f"{source.label}: feature {where:,}: field '{mapping[layer.id]}' repeats "
                           f"the id {value!r} of feature {ids.position(first):,}; ids must "
                           'be unique (duplicate_ids = "report" keeps the first and skips the others).')
    gone = [row[0] for row in confirmed]
    conn.execute(sql.SQL("DELETE FROM {} WHERE fid = ANY(%s)").format(table), (gone,))
    result.feature_count -= len(gone)
    result.skipped += len(gone)
    result.warnings.append(f"{source.label}: {len(gone):,} features repeat an id and were "
                           f"skipped (first: feature {where:,}, id {value!r})")
