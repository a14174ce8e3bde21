"""The neighbour search finds (nearly) every close pair, exactly where it compares all pairs."""

from __future__ import annotations

import numpy as np

from talkhis.align.neighbours import exact_similar_pairs, similar_pairs


def clustered(n: int, dim: int = 32, n_groups: int = 100, noise: float = 0.35, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, dim))
    x = centres[rng.integers(0, n_groups, n)] / np.sqrt(dim) + noise / np.sqrt(dim) * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def brute_force(x: np.ndarray, min_sim: float) -> set[tuple[int, int]]:
    sim = x @ x.T
    i, j = np.nonzero(np.triu(sim >= min_sim, 1))
    return set(zip(i.tolist(), j.tolist()))


def test_exact_search_in_blocks_matches_brute_force():
    x = clustered(2500)
    i, j = exact_similar_pairs(x, 0.6)
    assert set(zip(i.tolist(), j.tolist())) == brute_force(x, 0.6)


def test_small_inputs_are_searched_exactly_and_sorted():
    x = clustered(300)
    i, j, sim = similar_pairs(x, 0.5)
    assert set(zip(i.tolist(), j.tolist())) == brute_force(x, 0.5)
    assert np.all(i < j) and np.all(np.diff(i * len(x) + j) > 0)
    assert np.allclose(sim, np.einsum("ij,ij->i", x[i], x[j]))


def test_cell_search_finds_nearly_every_close_pair_and_nothing_else():
    x = clustered(3000)
    i, j, sim = similar_pairs(x, 0.5, cell_size=64)  # about 47 cells, three probes each
    found = set(zip(i.tolist(), j.tolist()))
    truth = brute_force(x, 0.5)
    assert found <= truth
    assert len(found) / len(truth) > 0.95
    assert np.all(sim >= 0.5)


def test_the_search_is_deterministic():
    x = clustered(2000, seed=1)
    first = similar_pairs(x, 0.5, cell_size=64, seed=7)
    again = similar_pairs(x.copy(), 0.5, cell_size=64, seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
