"""Pairs of unit vectors whose cosine similarity reaches a bound, without comparing all pairs.

An inverted-file search in plain numpy (no compiled extension, so no start-up compilation):
the rows are grouped in cells around centres drawn from the data and refined by two rounds of
spherical k-means; each row joins the cells of its ``probes`` nearest centres, and only rows
that share a cell are compared, exactly, by one matrix product per cell. With cells of a few
hundred rows the work grows linearly with the number of rows. A pair is missed only when the
two rows share none of their nearest centres, which for close pairs is rare (the tests measure
the recall against the exact search); cells that come out too large are split the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..stable import quantize

__all__ = ["similar_pairs", "exact_similar_pairs", "CELL_SIZE", "PROBES"]

#: Rows per cell on average.
CELL_SIZE = 256
#: Cells each row joins.
PROBES = 3
#: Rows compared in one block of the exact search.
_BLOCK = 1024


def exact_similar_pairs(x: np.ndarray, min_sim: float) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``i < j`` with ``x[i] @ x[j] >= min_sim``, by blocks of matrix products."""
    found_i, found_j = [], []
    for start in range(0, len(x), _BLOCK):
        sim = x[start : start + _BLOCK] @ x[start:].T
        i, j = _block_pairs(sim, start, min_sim)
        found_i.append(i)
        found_j.append(j)
    return _concat(found_i), _concat(found_j)


def _block_pairs(sim: np.ndarray, start: int, min_sim: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs above the bound in a block whose row ``r`` is ``start + r`` and column ``c`` is
    ``start + c``; only pairs with the row before the column."""
    rows, cols = np.nonzero(sim >= min_sim)
    keep = rows < cols
    return rows[keep] + start, cols[keep] + start


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _nearest(x: np.ndarray, centres: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` most similar centres of each row, most similar first, ties to the
    lower index (compared on the grid of :mod:`talkhis.stable`)."""
    out = np.empty((len(x), k), dtype=np.int64)
    for start in range(0, len(x), 4096):
        q = -quantize(x[start : start + 4096] @ centres.T)
        if k < q.shape[1]:
            part = np.argpartition(q, k - 1, axis=1)[:, :k]
        else:
            part = np.broadcast_to(np.arange(q.shape[1]), q.shape).copy()
        keys = np.take_along_axis(q, part, axis=1)
        order = np.lexsort((part, keys), axis=1)
        out[start : start + len(q)] = np.take_along_axis(part, order, axis=1)[:, :k]
    return out


def _cells(x: np.ndarray, cell_size: int, probes: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Member rows of each cell (a row is in ``probes`` cells)."""
    n_cells = max(2, int(np.ceil(len(x) / cell_size)))
    from scipy.sparse import csr_matrix

    centres = x[np.sort(rng.choice(len(x), size=n_cells, replace=False))]
    ones = np.ones(len(x), dtype=np.float32)
    for _ in range(2):  # spherical k-means: each centre moves to the mean direction of its rows
        nearest = _nearest(x, centres, 1)[:, 0]
        sums = csr_matrix((ones, (nearest, np.arange(len(x)))), shape=(n_cells, len(x))) @ x
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centres = np.where(norms > 0, sums / np.where(norms > 0, norms, 1.0), centres)
    probes = min(probes, n_cells)
    member = _nearest(x, centres, probes).ravel()
    rows = np.repeat(np.arange(len(x)), probes)
    order = np.argsort(member, kind="stable")
    bounds = np.searchsorted(member[order], np.arange(n_cells + 1))
    for c in range(n_cells):
        yield rows[order[bounds[c] : bounds[c + 1]]]


def similar_pairs(x: np.ndarray, min_sim: float, *, cell_size: int = CELL_SIZE, probes: int = PROBES,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of rows of ``x`` (unit vectors) with cosine similarity at least
    ``min_sim``, and their similarities, sorted by ``(i, j)``.

    Up to ``4 * cell_size`` rows every pair is compared; above that the inverted-file search of
    the module docstring finds nearly all of them in time linear in ``len(x)``.
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    rng = np.random.default_rng(seed)
    found_i, found_j = _search(x, np.arange(len(x)), min_sim, cell_size, probes, rng)
    if not len(found_i):
        return found_i, found_j, np.zeros(0, dtype=np.float32)
    key = np.unique(found_i * len(x) + found_j)
    i, j = key // len(x), key % len(x)
    sim = np.concatenate([np.einsum("ij,ij->i", x[i[s : s + 65536]], x[j[s : s + 65536]]) for s in range(0, len(i), 65536)])
    return i, j, sim


def _search(x: np.ndarray, idx: np.ndarray, min_sim: float, cell_size: int, probes: int,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs among the rows ``idx`` of ``x`` (global row numbers, ``i < j``)."""
    sub = x[idx]
    if len(idx) <= 4 * cell_size:
        i, j = exact_similar_pairs(sub, min_sim)
        return idx[i], idx[j]
    found_i, found_j = [], []
    for members in _cells(sub, cell_size, probes, rng):
        if len(members) < 2:
            continue
        if len(members) > 8 * cell_size and len(members) < len(idx):  # a crowded cell: split it again
            i, j = _search(x, idx[members], min_sim, cell_size, probes, rng)
        else:
            i, j = exact_similar_pairs(sub[members], min_sim)
            i, j = idx[members[i]], idx[members[j]]
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        found_i.append(lo)
        found_j.append(hi)
    return _concat(found_i), _concat(found_j)
