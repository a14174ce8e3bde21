"""Average linkage: the exact cut matches scikit-learn's, and the sparse version is exact when
every pair is listed and close to exact when only the close pairs are."""

from __future__ import annotations

import numpy as np
import pytest

from talkhis.align.linkage import average_linkage, sparse_average_linkage


def blobs(n: int = 240, dim: int = 16, n_groups: int = 24, noise: float = 0.6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, dim))
    x = centres[rng.integers(0, n_groups, n)] + noise * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def partition(labels) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, label in enumerate(np.asarray(labels).tolist()):
        groups.setdefault(label, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def all_pairs(x: np.ndarray):
    distance = 1.0 - x.astype(np.float64) @ x.T.astype(np.float64)
    i, j = np.triu_indices(len(x), 1)
    return i, j, distance[i, j]


@pytest.mark.parametrize("n", [240, 420], ids=["pure Python", "scipy"])
@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
def test_exact_cut_matches_scikit_learn(threshold, n):
    from sklearn.cluster import AgglomerativeClustering

    from talkhis.align.linkage import SMALL

    assert (n <= SMALL) == (n == 240)
    x = blobs(n=n)
    ours = average_linkage(x, threshold)
    theirs = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, metric="cosine",
                                     linkage="average").fit_predict(x)
    assert partition(ours) == partition(theirs)


def test_sparse_linkage_with_every_pair_listed_is_exact():
    from scipy.cluster.hierarchy import linkage

    from talkhis.align.linkage import cut_tree_below

    x = blobs(n=120)
    i, j, d = all_pairs(x)
    exact = cut_tree_below(linkage(x.astype(np.float64), method="average", metric="cosine"), 0.5)
    assert partition(sparse_average_linkage(len(x), i, j, d, 0.5)) == partition(exact)


def test_sparse_linkage_on_close_pairs_only_splits_at_most_a_little():
    from sklearn.metrics import adjusted_rand_score

    x = blobs()
    i, j, d = all_pairs(x)
    close = d < 0.5
    sparse = sparse_average_linkage(len(x), i[close], j[close], d[close], 0.5)
    exact = average_linkage(x, 0.5)
    assert adjusted_rand_score(exact, sparse) > 0.9
    assert len(set(sparse.tolist())) >= len(set(exact.tolist()))  # unlisted pairs count as far


def test_sparse_linkage_never_merges_unlisted_points_and_checks_its_default():
    assert len(set(sparse_average_linkage(3, np.array([], dtype=int), np.array([], dtype=int), np.array([]), 0.5).tolist())) == 3
    with pytest.raises(ValueError, match="at least the threshold"):
        sparse_average_linkage(2, np.array([0]), np.array([1]), np.array([0.1]), 0.5, missing=0.4)


def test_edge_order_does_not_change_the_result():
    x = blobs(n=150, seed=3)
    i, j, d = all_pairs(x)
    close = d < 0.5
    i, j, d = i[close], j[close], d[close]
    flip = np.random.default_rng(0).permutation(len(i))
    first = sparse_average_linkage(len(x), i, j, d, 0.5)
    again = sparse_average_linkage(len(x), j[flip], i[flip], d[flip], 0.5)
    assert partition(first) == partition(again)
