"""Maximal marginal relevance with a running penalty: pick items that score well and do not
repeat what was already picked.

:func:`mmr` is a pure function of scores and similarities (a matrix, or a function that gives one
column at a time so that large inputs need no n×n matrix); :mod:`talkhis.select` calls it for
every pick of a summary. Every comparison is made on the grid of :mod:`talkhis.stable`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..stable import STEP, qkey, quantize

__all__ = ["LAMBDA", "Similarity", "mmr"]

#: Default trade-off between score and novelty.
LAMBDA = 0.95

Similarity = np.ndarray | Callable[[np.ndarray, int], np.ndarray]


def _column(similarity: Similarity, rows: np.ndarray, j: int) -> np.ndarray:
    """Similarities of ``rows`` to ``j``, on the grid of :mod:`talkhis.stable`."""
    values = similarity(rows, j) if callable(similarity) else np.asarray(similarity)[rows, j]
    return quantize(np.asarray(values, dtype=np.float64)) * STEP


def mmr(scores: np.ndarray, similarity: Similarity, k: int, lambda_: float = LAMBDA,
        candidates: Sequence[int] | None = None, *, chosen: Sequence[int] = (),
        redundancy: float | None = None, accept: Callable[[int], bool] | None = None) -> list[int]:
    """Maximal marginal relevance: pick up to ``k`` indices, each maximising
    ``lambda_ * score - (1 - lambda_) * max similarity to those already chosen``.

    Args:
        scores: one score per index.
        similarity: a square similarity matrix over the same indices, or a function
            ``(rows, j) -> similarities of rows to j`` (so large inputs need no n×n matrix).
        k: most indices to pick.
        lambda_: weight of the score against the similarity penalty.
        candidates: the indices to pick from (default: all).
        chosen: indices picked before; they count in the penalty but are not returned.
        redundancy: a candidate at least this similar to a chosen index is never picked.
        accept: called with the best candidate; returning False drops it without choosing
            it (e.g. it does not fit a word budget), and the next best is tried.

    Scores and similarities are compared on the grid of :mod:`talkhis.stable`, so float noise
    cannot change an order; ties go to the lower index. Each candidate keeps its running
    maximum similarity to the chosen ones, updated with one column per pick, so picking ``k``
    of ``n`` costs ``O(n k)`` similarities instead of the ``O(n k²)`` of recomputing every
    penalty at every step; a dropped candidate changes no penalty, so the next best is taken
    from the same ranking.
    """
    pool = np.array(list(dict.fromkeys(range(len(scores)) if candidates is None else candidates)), dtype=np.int64)
    if k <= 0 or pool.size == 0:
        return []
    grid_scores = quantize(np.asarray(scores, dtype=np.float64)[pool]) * STEP
    # The penalty is the maximum similarity to what is chosen: nothing chosen, no penalty.
    penalty = np.full(pool.size, -np.inf) if len(chosen) else np.zeros(pool.size)
    for j in chosen:
        penalty = np.maximum(penalty, _column(similarity, pool, j))
    active = np.ones(pool.size, dtype=bool)
    limit = None if redundancy is None else qkey(redundancy)
    picked: list[int] = []
    while len(picked) < k:
        if limit is not None:
            active &= quantize(penalty) < limit
        gain = quantize(lambda_ * grid_scores - (1 - lambda_) * penalty)
        ranking = np.flatnonzero(active)
        ranking = ranking[np.lexsort((pool[ranking], -gain[ranking]))]
        at = None
        for at in ranking:
            active[at] = False
            if accept is None or accept(int(pool[at])):
                break
        else:
            return picked
        column = _column(similarity, pool, int(pool[at]))
        penalty = np.maximum(penalty, column) if picked or len(chosen) else column
        picked.append(int(pool[at]))
    return picked
