"""Maximal marginal relevance: known orders on small matrices, and the incremental version
against a naive one that recomputes every penalty at every step."""

from __future__ import annotations

import numpy as np
import pytest

from talkhis.select.mmr import mmr
from talkhis.stable import STEP, qkey

SCORES = np.array([1.0, 0.9, 0.7, 0.2])
SIMILARITY = np.array(
    [  # 1 is a near-duplicate of 0; the rest are unrelated
        [1.0, 0.99, 0.1, 0.1],
        [0.99, 1.0, 0.1, 0.1],
        [0.1, 0.1, 1.0, 0.1],
        [0.1, 0.1, 0.1, 1.0],
    ]
)


def naive_mmr(scores, similarity, k, lambda_, candidates=None, chosen=(), redundancy=None, accept=None):
    """MMR as its definition reads: at every step, every remaining candidate's penalty is
    recomputed from scratch against everything chosen so far (on the same grid)."""
    grid = lambda x: round(float(x) / STEP) * STEP  # noqa: E731
    pool = list(dict.fromkeys(range(len(scores)) if candidates is None else candidates))
    picked, gone = [], set()
    while len(picked) < k:
        before = list(chosen) + picked

        def penalty(i):
            return max((grid(similarity[i, j]) for j in before), default=0.0)

        live = [i for i in pool if i not in gone and (redundancy is None or qkey(penalty(i)) < qkey(redundancy))]
        ranked = sorted(live, key=lambda i: (-qkey(lambda_ * grid(scores[i]) - (1 - lambda_) * penalty(i)), i))
        for i in ranked:
            gone.add(i)
            if accept is None or accept(i):
                picked.append(i)
                break
        else:
            break
    return picked


def test_mmr_takes_the_best_then_avoids_its_near_duplicate():
    assert mmr(SCORES, SIMILARITY, 2, 0.7) == [0, 2]
    assert mmr(SCORES, SIMILARITY, 4, 0.7) == [0, 2, 1, 3]
    assert mmr(SCORES, SIMILARITY, 2, lambda_=1.0) == [0, 1]  # relevance only


def test_mmr_respects_k_candidates_and_breaks_ties_by_index():
    assert mmr(SCORES, SIMILARITY, 10, 0.7) == [0, 2, 1, 3]
    assert mmr(SCORES, SIMILARITY, 0, 0.7) == []
    assert mmr(SCORES, SIMILARITY, 2, 0.7, candidates=[3, 1]) == [1, 3]
    assert mmr(np.ones(3), np.eye(3), 3) == [0, 1, 2]


def test_scores_closer_than_the_grid_tie_and_the_lower_index_wins():
    scores = np.array([0.5, 0.5 + 1e-9, 0.5 - 1e-9])
    assert mmr(scores, np.eye(3), 3) == [0, 1, 2]
    assert mmr(scores[::-1].copy(), np.eye(3), 3) == [0, 1, 2]


def test_chosen_count_in_the_penalty_and_redundancy_is_never_picked():
    assert mmr(SCORES, SIMILARITY, 1, 0.7, chosen=[0]) == [2]
    assert mmr(SCORES, SIMILARITY, 4, 1.0, redundancy=0.9) == [0, 2, 3]
    assert mmr(SCORES, SIMILARITY, 4, 1.0, chosen=[2], redundancy=0.05) == []


def test_a_refused_candidate_is_skipped_and_the_next_best_taken():
    offered = []

    def accept(i):
        offered.append(i)
        return i != 0

    assert mmr(SCORES, SIMILARITY, 2, 0.7, accept=accept) == [1, 2]
    assert offered == [0, 1, 2]  # 0 refused once and never offered again


def test_one_similarity_column_per_pick():
    calls = []

    def column(rows, j):
        calls.append(j)
        return SIMILARITY[rows, j]

    assert mmr(SCORES, column, 3, 0.7, chosen=[3]) == mmr(SCORES, SIMILARITY, 3, 0.7, chosen=[3])
    assert calls == [3, 0, 2, 1]  # the chosen one, then one column per pick


@pytest.mark.parametrize("seed", range(30))
def test_incremental_mmr_gives_the_naive_order(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    x = rng.normal(size=(n, 6))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    similarity = x @ x.T
    scores = rng.choice([0.2, 0.5, 0.5, 0.9], size=n) + rng.normal(scale=1e-9, size=n)  # ties on the grid
    if seed % 3 == 0:
        similarity = np.round(similarity, 1)  # many equal penalties
    lambda_ = float(rng.choice([0.5, 0.7, 0.85, 1.0]))
    candidates = sorted(rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False).tolist(), key=lambda _: rng.random())
    chosen = [i for i in range(n) if i not in candidates][: int(rng.integers(0, 3))]
    redundancy = None if seed % 2 else 0.8
    lengths = rng.integers(1, 30, size=n)
    k = int(rng.integers(0, n + 2))

    def budget(limit):
        used = []

        def accept(i):
            if sum(used) + lengths[i] > limit:
                return False
            used.append(lengths[i])
            return True

        return accept

    args = (scores, similarity, k, lambda_, candidates)
    kwargs = dict(chosen=chosen, redundancy=redundancy)
    assert mmr(*args, **kwargs) == naive_mmr(*args, **kwargs)
    assert mmr(*args, **kwargs, accept=budget(60)) == naive_mmr(*args, **kwargs, accept=budget(60))
