"""The zonal engine: exact zone coverage of raster cells, one pass over the raster by strips.

How it works (and why it is fast and exact):

* Every zone becomes a table of oriented edges in the raster's pixel coordinates
  (exteriors counter-clockwise on the map, holes clockwise).
* **Interior cells** are counted with the centre-of-cell rule: a scanline fill of the edges'
  crossings with each row's centre line, accumulated and summed along the row
  (``np.cumsum``). Overlapping zones (property > basins > islands) are handled by colouring
  them into *layers* of zones that do not overlap, giving each zone a digit in a
  mixed-radix code: one fill adds all zones' codes, so a cell's code says every zone it is
  in. Codes are mapped to dense "faces" and counted with one ``np.bincount`` per strip
  (face x class), then spread to zones through the face -> zone membership.
* **Boundary cells** (those the zone's outline passes through) get exact coverage
  fractions: each edge is cut at row and column lines into pieces inside single cells;
  a piece adds its signed height times the share of the cell to its right, and a prefix
  sum along the row gives the exact covered area of every cell the outline crosses (the
  signed-area accumulation of anti-aliased font rasterizers). For those cells the engine
  replaces the centre-rule count (0 or 1) with the exact fraction.

A cell the outline does not cross is entirely inside or outside the zone, so its centre
decides correctly: the result equals the exact coverage-weighted sum everywhere, as
exactextract computes it, at the cost of about one read of every pixel.

Work is split into tasks by zone batch x raster window (strips of whole block rows) so
that it runs in-process or on a Dask cluster with identical results (the same tasks,
reduced in the same order); memory is bounded by the window, never the raster.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from affine import Affine

# Cells processed at once inside a task: bounds the temporaries (8 to 16 MB each, which
# malloc recycles; larger ones are fresh mappings that cost page faults every time).
SUB_CELLS = 1 << 21
# Cells read per task (a window of whole block rows): bounds a task's memory and sets the
# number of tasks (about 200 for a 2e9-cell raster).
TASK_CELLS = 1 << 24
# Largest code space of one fill (mixed radix over layers); beyond it, zones are split
# into several groups, each with its own fill. Bounds the code -> face lookup table.
MAX_CODES = 1 << 22
# Coverage fractions this close to 0 or 1 are 0 or 1 (float64 sums err by ~1e-15).
SNAP = 1e-9
# Zones per batch (tasks are batches x windows); one batch for the usual zone counts.
BATCH_ZONES = 512


_scratch = threading.local()


def scratch(name: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """A buffer kept per thread and reused by the next task: fresh large arrays cost page
    faults every time (above all in Dask workers, which return freed memory at once)."""
    arrays = _scratch.__dict__.setdefault("arrays", {})
    need = int(np.prod(shape))
    buf = arrays.get(name)
    if buf is None or buf.size < need or buf.dtype != np.dtype(dtype):
        buf = arrays[name] = np.empty(need, dtype=dtype)
    return buf[:need].reshape(shape)


# --------------------------------------------------------------------------------------
# The raster grid and the windows
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grid:
    """A north-up raster grid: transform, size, CRS, and block height for reading."""

    transform: Affine
    width: int
    height: int
    crs: Any = None
    block_rows: int = 256

    @classmethod
    def of(cls, dataset) -> Grid:
        t = dataset.transform
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            raise ValueError("rotated or south-up rasters are not supported")
        from pyproj import CRS

        block_rows = dataset.block_shapes[0][0] if dataset.block_shapes else 256
        crs = CRS.from_wkt(dataset.crs.to_wkt()) if dataset.crs else None
        return cls(t, dataset.width, dataset.height, crs, int(block_rows))

    @property
    def cell_area(self) -> float:
        return abs(self.transform.a * self.transform.e)

    def same_as(self, other: Grid) -> bool:
        return (self.width, self.height) == (other.width, other.height) and \
            self.crs == other.crs and self.transform.almost_equals(other.transform, precision=1e-9 * abs(self.transform.a))


def windows(grid: Grid, rows: tuple[int, int], cols: tuple[int, int],
            task_cells: int | None = None) -> list[tuple[int, int]]:
    """Row ranges covering ``rows``, each about ``task_cells`` cells, of whole block rows
    unless a block row alone is far larger."""
    task_cells = task_cells or TASK_CELLS
    r0, r1 = rows
    width = max(1, cols[1] - cols[0])
    rows = max(1, task_cells // width)
    block = grid.block_rows
    if block * width <= 4 * task_cells:  # whole block rows: no block is decompressed twice
        step = max(1, rows // block) * block
        start = (r0 // block) * block
    else:
        step, start = rows, r0
    out = []
    for a in range(start, r1, step):
        out.append((max(a, r0), min(a + step, r1)))
    return out


# --------------------------------------------------------------------------------------
# Zones prepared for a grid
# --------------------------------------------------------------------------------------

@dataclass
class Group:
    """Zones filled together: each zone is the digit value ``local`` (1..n) of its layer's
    digit (``stride``, ``base``) in the group's mixed-radix code."""

    zones: np.ndarray      # indices (into the batch) of the group's zones
    stride: np.ndarray     # per zone: the stride of its layer's digit
    base: np.ndarray       # per zone: the radix of its layer's digit
    local: np.ndarray      # per zone: its digit value (1..n)
    codes: int             # size of the code space


@dataclass
class Zones:
    """A batch of zones as oriented edges in pixel coordinates, with their fill groups."""

    n: int
    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    zone: np.ndarray       # zone index of each edge
    code: np.ndarray       # per edge: the code its zone adds in its group's fill
    group: np.ndarray      # per edge: its zone's group
    groups: list[Group]
    zone_group: np.ndarray  # per zone: its group
    zone_slot: np.ndarray   # per zone: its position in its group's arrays
    rows: tuple[int, int]  # the zones' row range on the grid (clipped)
    cols: tuple[int, int]  # the zones' column range on the grid (clipped)
    ymin: np.ndarray = field(init=False)
    ymax: np.ndarray = field(init=False)

    def __post_init__(self):
        self.ymin = np.minimum(self.y0, self.y1)
        self.ymax = np.maximum(self.y0, self.y1)


def prepare(geometries: Sequence, grid: Grid) -> Zones:
    """Edges of the (valid, polygonal) zones in the grid's pixel coordinates, and layers.

    The geometries must be in the grid's CRS.
    """
    geoms = np.asarray(shapely.orient_polygons(np.asarray(geometries, dtype=object),
                                               exterior_cw=False))
    n = len(geoms)
    parts, part_zone = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    t = grid.transform
    px = (coords[:, 0] - t.c) / t.a
    py = (coords[:, 1] - t.f) / t.e
    same = coord_ring[:-1] == coord_ring[1:]
    x0, y0, x1, y1 = px[:-1][same], py[:-1][same], px[1:][same], py[1:][same]
    zone = part_zone[ring_part[coord_ring[:-1][same]]].astype(np.int64)
    # Only edges that cross a row's span or lie inside one matter; drop degenerate ones.
    keep = (x0 != x1) | (y0 != y1)
    x0, y0, x1, y1, zone = x0[keep], y0[keep], x1[keep], y1[keep], zone[keep]

    groups, zone_group, zone_code = _layers(geoms)
    zone_slot = np.zeros(n, dtype=np.int64)
    for g in groups:
        zone_slot[g.zones] = np.arange(len(g.zones))
    if len(x0):
        rmin = int(np.clip(np.floor(min(y0.min(), y1.min())), 0, grid.height))
        rmax = int(np.clip(np.ceil(max(y0.max(), y1.max())), 0, grid.height))
        cmin = int(np.clip(np.floor(min(x0.min(), x1.min())), 0, grid.width))
        cmax = int(np.clip(np.ceil(max(x0.max(), x1.max())), 0, grid.width))
    else:
        rmin = rmax = cmin = cmax = 0
    return Zones(n, x0, y0, x1, y1, zone, zone_code[zone], zone_group[zone], groups,
                 zone_group, zone_slot, (rmin, rmax), (cmin, cmax))


def _layers(geoms: np.ndarray) -> tuple[list[Group], np.ndarray, np.ndarray]:
    """Colour zones into layers of non-overlapping zones (largest first), then into groups."""
    n = len(geoms)
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    pairs = a < b
    a, b = a[pairs], b[pairs]
    overlap = shapely.relate_pattern(geoms[a], geoms[b], "T********")
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for i, j in zip(a[overlap], b[overlap], strict=True):
        neighbours[i].add(int(j))
        neighbours[j].add(int(i))
    layer = np.full(n, -1, dtype=np.int64)
    members: list[list[int]] = []
    for i in np.argsort(-shapely.area(geoms), kind="stable"):
        for k, zs in enumerate(members):
            if not any(layer[j] == k for j in neighbours[i]):
                zs.append(int(i))
                layer[i] = k
                break
        else:
            layer[i] = len(members)
            members.append([int(i)])
    groups: list[Group] = []
    zone_group = np.zeros(n, dtype=np.int64)
    zone_code = np.zeros(n, dtype=np.int64)
    current: list[list[int]] = []
    space = 1

    def close():
        zs, strides, bases, locals_ = [], [], [], []
        stride = 1
        for layer_zones in current:
            base = len(layer_zones) + 1
            for k, z in enumerate(layer_zones, start=1):
                zs.append(z)
                strides.append(stride)
                bases.append(base)
                locals_.append(k)
                zone_group[z] = len(groups)
                zone_code[z] = k * stride
            stride *= base
        groups.append(Group(np.array(zs, dtype=np.int64), np.array(strides, dtype=np.int64),
                            np.array(bases, dtype=np.int64), np.array(locals_, dtype=np.int64),
                            stride))

    for layer_zones in members:
        if current and space * (len(layer_zones) + 1) > MAX_CODES:
            close()
            current, space = [], 1
        current.append(layer_zones)
        space *= len(layer_zones) + 1
    if current:
        close()
    return groups, zone_group, zone_code


# --------------------------------------------------------------------------------------
# The two halves: centre-rule fill and exact boundary coverage
# --------------------------------------------------------------------------------------

def _strip_edges(z: Zones, r0: int, r1: int, width: int) -> np.ndarray:
    """Indices of the edges that reach rows [r0, r1) and are not right of every column."""
    return np.flatnonzero((z.ymax > r0) & (z.ymin < r1) & (np.minimum(z.x0, z.x1) < width))


def fill(z: Zones, sel: np.ndarray, gi: int, r0: int, c0: int,
         diff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of group ``gi`` at the cell centres of rows [r0, r0 + len(diff)).

    ``diff`` (rows x width + 1, int32) is the caller's buffer; returns the codes (a view
    of it, rows x width) and the flat positions where runs of one code start.
    """
    h, width = diff.shape[0], diff.shape[1] - 1
    diff.fill(0)
    sel = sel[z.group[sel] == gi]
    x0, y0, x1, y1 = z.x0[sel] - c0, z.y0[sel], z.x1[sel] - c0, z.y1[sel]
    lo, hi = np.minimum(y0, y1), np.maximum(y0, y1)
    # Row centres r + 0.5 with lo <= r + 0.5 < hi (half-open: a vertex is counted once).
    first = np.maximum(np.ceil(lo - 0.5), r0).astype(np.int64)
    last = np.minimum(np.ceil(hi - 0.5), r0 + h).astype(np.int64)  # exclusive
    count = np.maximum(last - first, 0)
    total = int(count.sum())
    e = np.repeat(np.arange(len(sel)), count)
    row = first[e] + (np.arange(total) - np.repeat(np.cumsum(count) - count, count))
    x = x0[e] + (row + 0.5 - y0[e]) * (x1[e] - x0[e]) / (y1[e] - y0[e])
    # The cell whose centre is at or right of the crossing starts (or ends) the run.
    col = np.clip(np.ceil(x - 0.5), 0, width).astype(np.int64)
    pos = (row - r0) * (width + 1) + col
    np.add.at(diff.reshape(-1), pos, (np.where(y1[e] > y0[e], 1, -1) * z.code[sel][e]).astype(np.int32))
    np.cumsum(diff, axis=1, out=diff)
    starts = pos[col < width]
    starts = np.concatenate([starts - (starts // (width + 1)), np.arange(h) * width])
    return diff[:, :width], starts


@dataclass
class Boundary:
    """Cells crossed by zone outlines in a strip, with their exact coverage fraction."""

    zone: np.ndarray   # zone index
    row: np.ndarray    # row within the strip
    col: np.ndarray    # column within the window
    cover: np.ndarray  # covered fraction of the cell, 0..1


def boundary(z: Zones, sel: np.ndarray, r0: int, r1: int, c0: int, width: int) -> Boundary:
    """Exact coverage of every cell of rows [r0, r1) that a selected edge passes through."""
    h = r1 - r0
    x0, y0, x1, y1 = z.x0[sel] - c0, z.y0[sel], z.x1[sel] - c0, z.y1[sel]
    zone = z.zone[sel]
    flat = y0 == y1
    # Row pieces of sloped edges: the edge between consecutive row lines.
    lo = np.clip(np.minimum(y0, y1), r0, r1)
    hi = np.clip(np.maximum(y0, y1), r0, r1)
    first = np.floor(lo).astype(np.int64)
    count = np.where(flat, 0, np.maximum(np.ceil(hi).astype(np.int64) - first, 0))
    count[~flat & (hi <= lo)] = 0
    total = int(count.sum())
    e = np.repeat(np.arange(len(sel)), count)
    row = first[e] + (np.arange(total) - np.repeat(np.cumsum(count) - count, count))
    ya = np.maximum(lo[e], row)
    yb = np.minimum(hi[e], row + 1)
    slope = (x1[e] - x0[e]) / (y1[e] - y0[e])
    xa = x0[e] + (ya - y0[e]) * slope
    xb = x0[e] + (yb - y0[e]) * slope
    dy = np.where(y1[e] > y0[e], yb - ya, ya - yb)
    # Horizontal edges inside a row (not on a row line): pieces of zero height whose cells
    # are still partly covered; edges lying on a row line cover no cell partly.
    fy = y0[flat]
    inside = (fy >= r0) & (fy < r1) & (fy != np.floor(fy))
    fe = np.flatnonzero(flat)[inside]
    row = np.concatenate([row, np.floor(y0[fe]).astype(np.int64)])
    xa = np.concatenate([xa, x0[fe]])
    xb = np.concatenate([xb, x1[fe]])
    dy = np.concatenate([dy, np.zeros(len(fe))])
    pzone = np.concatenate([zone[e], zone[fe]])

    # Column pieces: cut each row piece at the column lines inside [0, width].
    xl, xr = np.minimum(xa, xb), np.maximum(xa, xb)
    k_lo = np.maximum(np.floor(xl).astype(np.int64) + 1, 0)
    k_hi = np.minimum(np.ceil(xr).astype(np.int64) - 1, width)
    cuts = np.maximum(k_hi - k_lo + 1, 0)
    keep = xl < width
    cuts[~keep] = 0
    npieces = np.where(keep, cuts + 1, 0)
    total = int(npieces.sum())
    p = np.repeat(np.arange(len(xl)), npieces)
    j = np.arange(total) - np.repeat(np.cumsum(npieces) - npieces, npieces)
    # Points along the piece: xl, k_lo, k_lo + 1, ..., k_hi, xr.
    left = np.where(j == 0, xl[p], (k_lo[p] + j - 1).astype(np.float64))
    right = np.where(j == cuts[p], xr[p], (k_lo[p] + j).astype(np.float64))
    span = xr[p] - xl[p]
    share = np.where(span > 0, (right - left) / np.where(span > 0, span, 1), 1.0)
    pdy = dy[p] * share
    mid = (left + right) * 0.5
    outside_left = right <= 0
    drop = left >= width
    col = np.where(outside_left, 0, np.floor(np.clip(mid, 0, width))).astype(np.int64)
    m = np.where(outside_left, 0.0, mid)
    col = np.minimum(col, width - 1)
    keep = ~drop
    prow, pz, col, m, pdy, is_cell = row[p][keep], pzone[p][keep], col[keep], m[keep], \
        pdy[keep], ~outside_left[keep]

    # Contributions whose running sum along a row is the coverage of each cell.
    stride = width + 2
    base = (pz * h + (prow - r0)) * stride
    keys = np.concatenate([base + col, base + col + 1])
    vals = np.concatenate([pdy * (col + 1 - m), pdy * (m - col)])
    uk, inv = np.unique(keys, return_inverse=True)
    acc = np.bincount(inv, weights=vals, minlength=len(uk))
    run = np.cumsum(acc)
    line = uk // stride
    starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    before = np.where(starts > 0, run[starts - 1], 0.0)
    run -= np.repeat(before, np.diff(np.r_[starts, len(uk)]))
    cells = np.unique(base[is_cell] + col[is_cell])
    cover = run[np.searchsorted(uk, cells)]
    # Rounding leaves ~1e-15 on cells the outline only touches: snap to 0 and 1.
    cover = np.where(cover < SNAP, 0.0, np.where(cover > 1 - SNAP, 1.0, cover))
    line = cells // stride
    return Boundary((line // h).astype(np.int64), (line % h).astype(np.int64),
                    (cells % stride).astype(np.int64), cover)


def _digits(codes: np.ndarray, g: Group, slot: np.ndarray) -> np.ndarray:
    """Whether each code contains the digit of the zone at ``slot`` of group ``g``."""
    return (codes // g.stride[slot]) % g.base[slot] == g.local[slot]


# --------------------------------------------------------------------------------------
# The sweep: sub-strips x groups of one task's window
# --------------------------------------------------------------------------------------

class Faces:
    """Dense ids of the codes met so far in a task (a lazily grown lookup table)."""

    def __init__(self, codes: int, scale: int):
        self.lut = np.full(codes, -1, dtype=np.int64)
        self.codes: list[int] = []
        self.scale = scale

    def add(self, codes: np.ndarray) -> None:
        for c in np.unique(codes):
            if self.lut[c] < 0:
                self.lut[c] = len(self.codes) * self.scale
                self.codes.append(int(c))

    def membership(self, g: Group) -> np.ndarray:
        """faces x zones of the group: 1 where the face lies inside the zone."""
        return _member(np.asarray(self.codes, dtype=np.int64), g)


def _member(codes: np.ndarray, g: Group) -> np.ndarray:
    codes = codes[:, None]
    return ((codes // g.stride[None, :]) % g.base[None, :] == g.local[None, :]).astype(np.int64)


@dataclass
class Piece:
    """One sub-strip x group of a task: centre-rule codes and exact boundary cells."""

    rows: slice            # rows of the task's window array
    gi: int                # group index
    group: Group
    faces: Faces
    combo: np.ndarray      # rows x width codes (a view of a reused buffer)
    runs: np.ndarray       # sorted flat positions (rows x width) where a run of one code starts
    zone: np.ndarray       # boundary cells of the group's zones: zone index,
    row: np.ndarray        # row within the piece,
    col: np.ndarray        # column,
    cover: np.ndarray      # exact covered fraction,
    burned: np.ndarray     # and whether the centre rule counted it (0/1)


def _sub_strips(r0: int, r1: int, width: int, sub_cells: int) -> list[tuple[int, int]]:
    rows = max(1, sub_cells // max(width, 1))
    return [(a, min(a + rows, r1)) for a in range(r0, r1, rows)]


def sweep(z: Zones, r0: int, h: int, c0: int, width: int, scale: int, sub_cells: int):
    """Yield the pieces of a window (rows r0..r0+h, columns c0..c0+width).

    Face ids (``faces.lut``, multiplied by ``scale``) persist across the task's pieces.
    """
    faces = [Faces(g.codes, scale) for g in z.groups]
    strips = _sub_strips(r0, r0 + h, width, sub_cells)
    diff_buf = scratch("diff", (max(b - a for a, b in strips), width + 1), np.int32)
    for a, b in strips:
        sel = _strip_edges(z, a, b, width + c0)
        if not len(sel):
            continue
        bnd = boundary(z, sel, a, b, c0, width)
        bgroup = z.zone_group[bnd.zone]
        for gi, g in enumerate(z.groups):
            combo, starts = fill(z, sel, gi, a, c0, diff_buf[: b - a])
            runs = np.unique(starts)
            faces[gi].add(combo[runs // width, runs % width])
            mine = bgroup == gi
            bz, br, bc = bnd.zone[mine], bnd.row[mine], bnd.col[mine]
            burned = _digits(combo[br, bc], g, z.zone_slot[bz]).astype(np.float64)
            yield Piece(slice(a - r0, b - r0), gi, g, faces[gi], combo, runs, bz, br, bc,
                        bnd.cover[mine], burned)


def class_counts(z: Zones, classes: np.ndarray, r0: int, c0: int, n_classes: int,
                 sub_cells: int = SUB_CELLS) -> np.ndarray:
    """Covered cells (coverage-weighted) of each zone x class in a window of class values."""
    h, width = classes.shape
    out = np.zeros((z.n, n_classes), dtype=np.float64)
    counts = [np.zeros((0, n_classes), dtype=np.int64) for _ in z.groups]
    faces: list[Faces | None] = [None] * len(z.groups)
    idx_buf = scratch("index", (min(h, max(1, sub_cells // max(width, 1))) * width,), np.int64)
    for p in sweep(z, r0, h, c0, width, n_classes, sub_cells):
        cls = classes[p.rows]
        idx = idx_buf[: cls.size].reshape(cls.shape)
        np.take(p.faces.lut, p.combo, out=idx, mode="wrap")
        idx += cls
        nf = len(p.faces.codes)
        strip = np.bincount(idx.reshape(-1), minlength=nf * n_classes).reshape(nf, n_classes)
        strip[: len(counts[p.gi])] += counts[p.gi]
        counts[p.gi], faces[p.gi] = strip, p.faces
        # Boundary cells: the exact fraction instead of the centre rule's 0 or 1.
        np.add.at(out, (p.zone, cls[p.row, p.col].astype(np.int64)), p.cover - p.burned)
    for gi, g in enumerate(z.groups):
        if faces[gi] is not None and len(faces[gi].codes):
            out[g.zones] += (faces[gi].membership(g).T @ counts[gi]).astype(np.float64)
    return out


# Continuous values: weighted moments, extremes and exact weighted quantiles -------------

def _keys(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Order-preserving unsigned keys of float values (float32 unless given float64):
    negative values get every bit flipped, others the sign bit (one temporary array)."""
    if values.dtype == np.float64:
        u, bits, kind = values.view(np.uint64), 64, np.uint64
    else:
        u, bits, kind = values.astype(np.float32, copy=False).view(np.uint32), 32, np.uint32
    key = u >> kind(bits - 1)
    key *= kind((1 << (bits - 1)) - 1)
    key |= kind(1 << (bits - 1))
    key ^= u
    return key, bits


def _unkey(keys: np.ndarray, bits: int) -> np.ndarray:
    if bits == 64:
        top = np.uint64(1 << 63)
        k = keys.astype(np.uint64)
        return np.where(k & top, k ^ top, ~k).view(np.float64)
    top = np.uint32(1 << 31)
    k = keys.astype(np.uint32)
    return np.where(k & top, k ^ top, ~k).view(np.float32).astype(np.float64)


# Quantiles look for the key prefix (these top bits of a value's order key) holding each
# quantile in a first pass, then for the exact value among the cells of that prefix in a
# second. 20 bits: a float32 prefix spans 1/2048 of a power of two (e.g. 0.5 mm at 1 m).
PREFIX_BITS = 20


def _cell_faces(p: Piece, width: int) -> np.ndarray:
    """Face id of every cell of a piece (flat), from its runs."""
    runs = p.runs
    run_face = p.faces.lut[p.combo[runs // width, runs % width]]
    return np.repeat(run_face, np.diff(np.r_[runs, p.combo.size]))


def _to_zones(p: Piece, face: np.ndarray, *columns: np.ndarray):
    """Spread per-face rows to the zones holding each face: (zone, *columns)."""
    member = _member(np.asarray(p.faces.codes, dtype=np.int64), p.group).astype(bool)
    fi, zi = np.nonzero(member[face])
    return (p.group.zones[zi], *(c[fi] for c in columns))


def _count_pairs(face: np.ndarray, key: np.ndarray, n_faces: int):
    """Counts of each (face, key prefix) pair: by bincount over the prefixes present (no
    sort), or by np.unique when faces x prefixes would be a large table."""
    present = np.flatnonzero(np.bincount(key, minlength=1 << PREFIX_BITS))
    m = len(present)
    if n_faces * m <= 1 << 23:
        dense = np.zeros(1 << PREFIX_BITS, dtype=np.int64)
        dense[present] = np.arange(m)
        table = np.bincount(face * m + dense[key], minlength=n_faces * m).reshape(n_faces, m)
        fi, ki = np.nonzero(table)
        return fi, present[ki], table[fi, ki]
    pair, count = np.unique((face << PREFIX_BITS) | key, return_counts=True)
    return pair >> PREFIX_BITS, pair & ((1 << PREFIX_BITS) - 1), count


def value_moments(z: Zones, values: np.ndarray, valid: np.ndarray, r0: int, c0: int,
                  histogram: bool, sub_cells: int = SUB_CELLS) -> dict[str, Any]:
    """Per zone: weight (coverage-weighted valid cells), weighted sum, min, max, and
    (``histogram``) the weights by key prefix, as (zone, prefix, weight) triples."""
    h, width = values.shape
    n = z.n
    w = np.zeros(n)
    s = np.zeros(n)
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    hist = []
    shift = (64 if values.dtype == np.float64 else 32) - PREFIX_BITS
    for p in sweep(z, r0, h, c0, width, 1, sub_cells):
        v = values[p.rows].astype(np.float64, copy=False)
        ok = valid[p.rows]
        flat_ok = ok.reshape(-1)
        runs = p.runs
        run_face = p.faces.lut[p.combo[runs // width, runs % width]]
        member = _member(np.asarray(p.faces.codes, dtype=np.int64), p.group)  # faces x zones
        # Runs of one face: sums and extremes by reduceat, then per face, then per zone.
        fn = np.bincount(run_face, np.add.reduceat(flat_ok, runs, dtype=np.int64),
                         minlength=len(member))
        fs = np.bincount(run_face, np.add.reduceat(np.where(ok, v, 0.0).reshape(-1), runs),
                         minlength=len(member))
        fmin = np.full(len(member), np.inf)
        fmax = np.full(len(member), -np.inf)
        np.minimum.at(fmin, run_face, np.minimum.reduceat(np.where(ok, v, np.inf).reshape(-1), runs))
        np.maximum.at(fmax, run_face, np.maximum.reduceat(np.where(ok, v, -np.inf).reshape(-1), runs))
        zs = p.group.zones
        w[zs] += member.T @ fn
        s[zs] += member.T @ fs
        inside = member.astype(bool)
        lo[zs] = np.minimum(lo[zs], np.where(inside, fmin[:, None], np.inf).min(axis=0, initial=np.inf))
        hi[zs] = np.maximum(hi[zs], np.where(inside, fmax[:, None], -np.inf).max(axis=0, initial=-np.inf))
        # Boundary cells: exact weights.
        bok = ok[p.row, p.col]
        bz, bv = p.zone[bok], v[p.row, p.col][bok]
        d = (p.cover - p.burned)[bok]
        np.add.at(w, bz, d)
        np.add.at(s, bz, d * bv)
        some = p.cover[bok] > 0
        np.minimum.at(lo, bz[some], bv[some])
        np.maximum.at(hi, bz[some], bv[some])
        if histogram:
            # Keys per piece: whole-window temporaries would cost page faults every task.
            prefix = (_keys(values[p.rows])[0] >> shift).astype(np.int64)
            face, key, count = _count_pairs(_cell_faces(p, width)[flat_ok],
                                            prefix.reshape(-1)[flat_ok], len(member))
            hist = [_sum_triples([*hist, _to_zones(p, face, key, count.astype(np.float64)),
                                  (bz, prefix[p.row, p.col][bok], d)], PREFIX_BITS)]
    out: dict[str, Any] = {"w": w, "s": s, "min": lo, "max": hi}
    if histogram:
        out["hist"] = _sum_triples(hist, PREFIX_BITS)
    return out


def _sum_triples(parts, key_bits: int = 64):
    """Aggregate (zone, key, weight) triples: unique (zone, key), weights summed; sorted."""
    zone = np.concatenate([np.zeros(0, np.int64), *(p[0] for p in parts)]).astype(np.int64)
    key = np.concatenate([np.zeros(0, np.uint64), *(p[1] for p in parts)]).astype(np.uint64)
    weight = np.concatenate([np.zeros(0), *(p[2] for p in parts)]).astype(np.float64)
    if not len(zone):
        return zone, key, weight
    if key_bits <= 40:   # one int64 per pair: a hash-based unique
        pair, inv = np.unique((zone << key_bits) | key.astype(np.int64), return_inverse=True)
        return pair >> key_bits, (pair & ((1 << key_bits) - 1)).astype(np.uint64), \
            np.bincount(inv.reshape(-1), weights=weight, minlength=len(pair))
    order = np.lexsort((key, zone))
    zone, key, weight = zone[order], key[order], weight[order]
    starts = np.flatnonzero(np.r_[True, (zone[1:] != zone[:-1]) | (key[1:] != key[:-1])])
    return zone[starts], key[starts], np.add.reduceat(weight, starts)


def value_candidates(z: Zones, values: np.ndarray, valid: np.ndarray, r0: int, c0: int,
                     targets: list[np.ndarray], sub_cells: int = SUB_CELLS) -> tuple:
    """Pass 2 of the quantiles: the weights of each exact value whose key prefix is one of
    the zone's target prefixes (``targets[zone]``), as (zone, key, weight) triples."""
    h, width = values.shape
    bits = 64 if values.dtype == np.float64 else 32
    shift = bits - PREFIX_BITS
    wanted = np.zeros(1 << PREFIX_BITS, dtype=bool)
    for t in targets:
        wanted[t] = True
    zone_wants = np.unique(np.concatenate(
        [np.zeros(0, np.int64), *((zi << PREFIX_BITS) | t for zi, t in enumerate(targets))]))

    def keep(zone, key):
        return np.isin((zone << PREFIX_BITS) | (key >> np.uint64(shift)).astype(np.int64), zone_wants)

    parts = []
    for p in sweep(z, r0, h, c0, width, 1, sub_cells):
        ok = valid[p.rows]
        k = _keys(values[p.rows])[0]
        cand = (ok & wanted[(k >> shift).astype(np.int64)]).reshape(-1)
        if cand.any():
            face = _cell_faces(p, width)[cand]
            ck = k.reshape(-1)[cand].astype(np.uint64)
            # Aggregate (face, key) first: often few distinct values per face.
            if bits == 32:
                pair, cw = np.unique((face.astype(np.uint64) << np.uint64(32)) | ck, return_counts=True)
                cf, ck = (pair >> np.uint64(32)).astype(np.int64), pair & np.uint64(0xFFFFFFFF)
            else:
                cf, ck, cw = _sum_triples([(face, ck, np.ones(len(face)))])
            zone, ck, cw = _to_zones(p, cf, ck, cw.astype(np.float64))
            mine = keep(zone, ck)
            parts.append((zone[mine], ck[mine], cw[mine]))
        bok = ok[p.row, p.col]
        bz, bk = p.zone[bok], k[p.row, p.col][bok].astype(np.uint64)
        mine = keep(bz, bk)
        parts.append((bz[mine], bk[mine], (p.cover - p.burned)[bok][mine]))
    zone, key, weight = _sum_triples(parts, bits)
    return zone, key, weight, bits


# --------------------------------------------------------------------------------------
# The driver: plan tasks, run them (in-process or Dask), reduce in order
# --------------------------------------------------------------------------------------

Mapper = Callable[..., list]


def local_map(fn, items, shared=None):
    """The in-process mapper: ``fn(item, shared)`` for each item, in order."""
    return [fn(item, shared) for item in items]


def _plan(geometries: Sequence, grid: Grid, task_cells: int | None = None):
    geoms = np.asarray(geometries, dtype=object)
    batches = []
    rows = [grid.height, 0]
    cols = [grid.width, 0]
    for s in range(0, len(geoms), BATCH_ZONES):
        index = np.arange(s, min(s + BATCH_ZONES, len(geoms)))
        zb = prepare(geoms[index], grid)
        batches.append((zb, index))
        if zb.rows[1] > zb.rows[0] and zb.cols[1] > zb.cols[0]:
            rows = [min(rows[0], zb.rows[0]), max(rows[1], zb.rows[1])]
            cols = [min(cols[0], zb.cols[0]), max(cols[1], zb.cols[1])]
    if rows[1] <= rows[0] or cols[1] <= cols[0]:
        return batches, [], (0, 0)
    items = [(bi, a, b) for bi in range(len(batches))
             for a, b in windows(grid, tuple(rows), tuple(cols), task_cells)]
    return batches, items, tuple(cols)


def overlaps(geometries: Sequence, grid: Grid) -> bool:
    """Whether any zone reaches a cell of the grid."""
    t = grid.transform
    bounds = shapely.box(t.c, t.f + t.e * grid.height, t.c + t.a * grid.width, t.f)
    return bool(shapely.intersects(np.asarray(geometries, dtype=object), bounds).any())


def _class_task(item, shared):
    batch, r0, r1 = item
    c0, c1 = shared["cols"]
    classes = shared["reader"](r0, r1, c0, c1)
    return class_counts(shared["batches"][batch], classes, r0, c0, shared["n_classes"],
                        shared["sub_cells"])


def zone_class_cells(geometries: Sequence, grid: Grid, reader, n_classes: int,
                     mapper: Mapper | None = None) -> np.ndarray:
    """Coverage-weighted cell counts of each zone x class value (0..n_classes-1).

    ``reader(row0, row1, col0, col1)`` returns a window's class values (integers below
    ``n_classes``; nodata is a class of its own, for the caller to drop). It must be
    picklable to run on Dask.
    """
    batches, items, cols = _plan(geometries, grid)
    out = np.zeros((len(geometries), n_classes), dtype=np.float64)
    if not items:
        return out
    shared = {"batches": [zb for zb, _ in batches], "reader": reader, "n_classes": n_classes,
              "cols": cols, "sub_cells": SUB_CELLS}
    results = (mapper or local_map)(_class_task, items, shared)
    for (bi, _, _), res in zip(items, results, strict=True):
        out[batches[bi][1]] += res
    return out


def _moments_task(item, shared):
    batch, r0, r1 = item
    c0, c1 = shared["cols"]
    values, valid = shared["reader"](r0, r1, c0, c1)
    return value_moments(shared["batches"][batch], values, valid, r0, c0, shared["histogram"],
                         shared["sub_cells"])


def _candidates_task(item, shared):
    batch, r0, r1 = item
    c0, c1 = shared["cols"]
    values, valid = shared["reader"](r0, r1, c0, c1)
    return value_candidates(shared["batches"][batch], values, valid, r0, c0,
                            shared["targets"][batch], shared["sub_cells"])


def zone_value_stats(geometries: Sequence, grid: Grid, reader, quantiles: Sequence[float] = (),
                     mapper: Mapper | None = None) -> dict[str, np.ndarray]:
    """Coverage-weighted statistics of a continuous raster per zone.

    ``reader(row0, row1, col0, col1)`` returns ``(values, valid)`` for a window. Returns
    arrays per zone: ``count`` (sum of the coverage fractions of valid cells, as
    exactextract counts), ``mean`` (coverage-weighted), ``min`` and ``max`` (over cells
    with any coverage) and, for each q of ``quantiles``, ``q`` -> the weighted quantile:
    the smallest value whose cumulative coverage weight reaches q of the total (the
    inverted CDF; numpy's ``quantile(method="inverted_cdf", weights=...)``). Quantiles
    take a second pass over the raster, limited to the values near each quantile, so
    memory stays bounded by the window. NaN where a zone has no valid cell.
    """
    map_ = mapper or local_map
    n = len(geometries)
    # Continuous windows take about 8 times the bytes of class windows: smaller tasks.
    batches, items, cols = _plan(geometries, grid, max(1, TASK_CELLS // 8))
    w, s = np.zeros(n), np.zeros(n)
    lo, hi = np.full(n, np.inf), np.full(n, -np.inf)
    out: dict[Any, np.ndarray] = {}
    hist = []
    if items:
        shared = {"batches": [zb for zb, _ in batches], "reader": reader, "cols": cols,
                  "histogram": bool(quantiles), "sub_cells": SUB_CELLS}
        for (bi, _, _), res in zip(items, map_(_moments_task, items, shared), strict=True):
            index = batches[bi][1]
            w[index] += res["w"]
            s[index] += res["s"]
            lo[index] = np.minimum(lo[index], res["min"])
            hi[index] = np.maximum(hi[index], res["max"])
            if quantiles:
                hz, hk, hw = res["hist"]
                # Merged as results come: the running set stays the size of its distinct keys.
                hist = [_sum_triples([*hist, (index[hz], hk, hw)], PREFIX_BITS)]
    some = w > 0
    out["count"] = w
    out["mean"] = np.where(some, s / np.where(some, w, 1), np.nan)
    out["min"] = np.where(np.isfinite(lo), lo, np.nan)
    out["max"] = np.where(np.isfinite(hi), hi, np.nan)
    if not quantiles:
        return out
    # Pass 1 result: per zone, cumulative weight by key prefix -> the prefix holding each quantile.
    hz, hk, hw = _sum_triples(hist, PREFIX_BITS)
    targets = [[np.zeros(0, np.int64) for _ in range(len(index))] for _, index in batches]
    below: dict[tuple[int, float], tuple[int, float]] = {}
    batch_of = {int(zi): (bi, k) for bi, (_, index) in enumerate(batches) for k, zi in enumerate(index)}
    bounds = np.searchsorted(hz, np.arange(n + 1))
    for zi in range(n):
        if not some[zi]:
            continue
        keys, weights = hk[bounds[zi]:bounds[zi + 1]].astype(np.int64), hw[bounds[zi]:bounds[zi + 1]]
        cum = np.cumsum(weights)
        bi, k = batch_of[zi]
        chosen = []
        for q in quantiles:
            j = min(int(np.searchsorted(cum, q * w[zi] * (1 - 1e-12), side="left")), len(cum) - 1)
            while j < len(cum) - 1 and weights[j] <= 0:
                j += 1
            below[(zi, q)] = (int(keys[j]), float(cum[j] - weights[j]))
            chosen.append(int(keys[j]))
        targets[bi][k] = np.unique(np.asarray(chosen, dtype=np.int64))
    shared = {"batches": [zb for zb, _ in batches], "reader": reader, "cols": cols,
              "targets": targets, "sub_cells": SUB_CELLS}
    cand = []
    bits = 32
    for (bi, _, _), res in zip(items, map_(_candidates_task, items, shared), strict=True):
        cz, ck, cw, bits = res
        cand = [_sum_triples([*cand, (batches[bi][1][cz], ck, cw)], bits)]
    cz, ck, cw = _sum_triples(cand, bits)
    cb = np.searchsorted(cz, np.arange(n + 1))
    shift = bits - PREFIX_BITS
    for q in quantiles:
        vals = np.full(n, np.nan)
        for zi in range(n):
            if not some[zi]:
                continue
            prefix, base = below[(zi, q)]
            keys, weights = ck[cb[zi]:cb[zi + 1]], cw[cb[zi]:cb[zi + 1]]
            mine = (keys >> np.uint64(shift)).astype(np.int64) == prefix
            keys, weights = keys[mine], weights[mine]
            cum = base + np.cumsum(weights)
            j = min(int(np.searchsorted(cum, q * w[zi] * (1 - 1e-12), side="left")), len(cum) - 1)
            while j < len(cum) - 1 and weights[j] <= 0:
                j += 1
            vals[zi] = _unkey(keys[j:j + 1], bits)[0] if len(keys) else np.nan
        out[q] = vals
    return out
