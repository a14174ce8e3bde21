"""Average-linkage clustering cut at a distance threshold, exact or on a sparse graph.

:func:`average_linkage` is exact: scipy's ``linkage(method="average", metric="cosine")`` over
every pair, cut so that exactly the merges made below the threshold are kept (the cut
scikit-learn's ``AgglomerativeClustering(distance_threshold=...)`` makes on the same tree).
Memory is quadratic, so it serves parts of up to a few thousand rows; up to :data:`SMALL` rows
the same computation runs on every listed pair in pure Python (see below).

:func:`sparse_average_linkage` is average linkage on a graph that lists only the pairs closer
than some radius: every pair the graph does not list counts as ``missing`` (by default a
cosine distance of 1, unrelated). It is exactly average linkage on the full distance matrix
with the unlisted entries replaced by ``missing``, so, unlike single linkage on the same graph,
it cannot chain a long path of near neighbours into one cluster: two clusters merge only when
most of their pairs are listed and close. Merge order is decided on quantised distances with
the clusters' first rows as tie-break (see :mod:`talkhis.stable`).
"""

from __future__ import annotations

import heapq

import numpy as np

from ..stable import STEP

__all__ = ["average_linkage", "sparse_average_linkage", "cut_tree_below", "SMALL"]


def cut_tree_below(merges: np.ndarray, threshold: float) -> np.ndarray:
    """Flat labels from a scipy linkage matrix, applying exactly the merges made below
    ``threshold`` (heights of average linkage never decrease, so these come first)."""
    from scipy.cluster.hierarchy import fcluster

    return fcluster(merges, np.nextafter(threshold, -np.inf), criterion="distance").astype(np.int64)


#: Up to this many rows :func:`average_linkage` lists every pair for
#: :func:`sparse_average_linkage` (pure Python, exact when all pairs are listed) instead of
#: loading scipy's clustering module, which alone costs about 0.15 s per process.
SMALL = 300


def average_linkage(x: np.ndarray, threshold: float) -> np.ndarray:
    """Exact average-linkage labels for the rows of ``x`` by cosine distance, merging while
    the distance between clusters is below ``threshold`` (labels are arbitrary ids)."""
    n = x.shape[0]
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    x = np.asarray(x, dtype=np.float64)
    if n <= SMALL:
        unit = x / np.linalg.norm(x, axis=1, keepdims=True)
        rows, cols = np.triu_indices(n, 1)
        dist = 1.0 - (unit @ unit.T)[rows, cols]
        return sparse_average_linkage(n, rows, cols, dist, threshold, missing=max(2.0, threshold))
    from scipy.cluster.hierarchy import linkage

    return cut_tree_below(linkage(x, method="average", metric="cosine"), threshold)


def sparse_average_linkage(n: int, rows: np.ndarray, cols: np.ndarray, dist: np.ndarray, threshold: float,
                           missing: float = 1.0) -> np.ndarray:
    """Average-linkage labels for ``n`` points given only the listed pairs ``(rows[k],
    cols[k])`` at distance ``dist[k]``; unlisted pairs count as ``missing``.

    Each cluster keeps, for every cluster it has a listed pair with, the sum over their pairs
    of ``distance - missing`` (zero for unlisted pairs), so a merge adds two dictionaries and
    the average of any pair of clusters is ``missing + saving / (size_a * size_b)``. Work grows
    with the listed pairs, not with ``n`` squared.
    """
    if missing < threshold:
        raise ValueError("unlisted pairs must count as at least the threshold, or every cluster could merge")
    saving: list[dict[int, float]] = [{} for _ in range(n)]
    for a, b, d in zip(np.asarray(rows).tolist(), np.asarray(cols).tolist(), np.asarray(dist, dtype=np.float64).tolist()):
        if a == b:
            continue
        s = d - missing
        saving[a][b] = saving[a].get(b, 0.0) + s
        saving[b][a] = saving[b].get(a, 0.0) + s
    size = [1] * n
    first = list(range(n))  # smallest row of each cluster: its stable name for tie-breaks
    alive = [True] * n
    merged_into = list(range(n))
    version = [0] * n
    limit = threshold - missing  # merge while saving / (n_a * n_b) < limit
    heap: list[tuple[int, int, int, int, int, int, int]] = []

    def push(a: int, b: int) -> None:
        mean = saving[a][b] / (size[a] * size[b])
        if mean < limit:
            lo, hi = sorted((first[a], first[b]))
            heapq.heappush(heap, (round(mean / STEP), lo, hi, a, b, version[a], version[b]))

    for a in range(n):
        for b in saving[a]:
            if a < b:
                push(a, b)
    while heap:
        _, _, _, a, b, va, vb = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        if len(saving[a]) < len(saving[b]):
            a, b = b, a  # merge the smaller neighbourhood into the larger
        alive[b] = False
        merged_into[b] = a
        del saving[a][b]
        for k, s in saving[b].items():
            if k == a:
                continue
            saving[a][k] = saving[a].get(k, 0.0) + s
            other = saving[k]
            other[a] = other.get(a, 0.0) + other.pop(b)
        saving[b] = {}
        size[a] += size[b]
        first[a] = min(first[a], first[b])
        version[a] += 1
        for k in saving[a]:
            push(a, k)
    labels = np.asarray(merged_into, dtype=np.int64)
    for a in range(n):  # follow each point to the live cluster that absorbed it
        root = a
        while merged_into[root] != root:
            root = merged_into[root]
        labels[a] = root
    return labels
