"""Seeded, coordinate-addressed noise: the same (x, y) gives the same value everywhere.

Rasters are computed window by window, so every random-looking texture must be a pure
function of a pixel's coordinates (never of its position in an array or of the order of
the windows). Value noise on a square lattice does that: lattice nodes get a hashed
value, pixels interpolate between the four nodes around them. Rows and columns are
interpolated separately (two vectors and an outer blend), which keeps it cheap enough
for 2e9 pixels.
"""

from __future__ import annotations

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the output."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * _M1
        h = (h ^ (h >> np.uint64(27))) * _M2
        return h ^ (h >> np.uint64(31))


def lattice(ix: np.ndarray, iy: np.ndarray, seed: int) -> np.ndarray:
    """Values in [0, 1) for integer lattice nodes (broadcasting ix against iy)."""
    ix = np.asarray(ix, dtype=np.int64).astype(np.uint64)
    iy = np.asarray(iy, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        h = _mix(ix * np.uint64(0x9E3779B97F4A7C15) ^ _mix(iy + np.uint64(seed) * np.uint64(0x632BE59BD9B4E019)))
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _weights(coord: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    t = coord / spacing
    i = np.floor(t)
    f = t - i
    return i.astype(np.int64), f * f * (3.0 - 2.0 * f)  # smoothstep: no creases at nodes


def grid(xs: np.ndarray, ys: np.ndarray, spacing: float, seed: int) -> np.ndarray:
    """Value noise in [0, 1] on the grid of column centres ``xs`` by row centres ``ys``."""
    ix, fx = _weights(np.asarray(xs, dtype=np.float64), spacing)
    iy, fy = _weights(np.asarray(ys, dtype=np.float64), spacing)
    nodes_x = np.arange(ix.min(), ix.max() + 2)
    nodes_y = np.arange(iy.min(), iy.max() + 2)
    v = lattice(nodes_x[None, :], nodes_y[:, None], seed)          # (ny, nx) nodes
    cx = ix - nodes_x[0]
    along_x = v[:, cx] * (1 - fx) + v[:, cx + 1] * fx                # (ny, W)
    cy = iy - nodes_y[0]
    out = along_x[cy, :] * (1 - fy)[:, None] + along_x[cy + 1, :] * fy[:, None]
    return out.astype(np.float32)


def fractal(xs: np.ndarray, ys: np.ndarray, spacing: float, seed: int, octaves: int = 3) -> np.ndarray:
    """A few octaves of :func:`grid`, rescaled to about [0, 1]."""
    total = np.zeros((len(ys), len(xs)), dtype=np.float32)
    weight = 0.0
    for k in range(octaves):
        amp = 0.5 ** k
        total += amp * grid(xs, ys, spacing / 2 ** k, seed + 101 * k)
        weight += amp
    return total / weight


def points(x: np.ndarray, y: np.ndarray, spacing: float, seed: int) -> np.ndarray:
    """Value noise at scattered points (for shapes: wobbly outlines, placements)."""
    ix, fx = _weights(np.asarray(x, dtype=np.float64), spacing)
    iy, fy = _weights(np.asarray(y, dtype=np.float64), spacing)
    v00 = lattice(ix, iy, seed)
    v10 = lattice(ix + 1, iy, seed)
    v01 = lattice(ix, iy + 1, seed)
    v11 = lattice(ix + 1, iy + 1, seed)
    return (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy
