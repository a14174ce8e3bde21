"""How much articles share word for word, and which articles are near-copies of others.

Each article becomes the set of its word 5-grams (shingles) of normalised text. An inverted
index (a sparse article × shingle matrix, multiplied by its transpose) counts the shingles of
every pair of articles that share at least one, so the work grows with the pairs that do share
text, not with all pairs: at 500 articles comparing every pair took a minute and listed
125,000 pairs, most of them empty.

:func:`overlaps` reports what a person can read: every pair for a handful of articles (where
"nothing in common" is worth seeing), otherwise the pairs that share text, at most
:data:`TOP_K` per article. :func:`mark_duplicates` decides copies from all pairs, so that
bound never hides one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..stable import qkey
from .lang import Language, get_language

if TYPE_CHECKING:
    from .article import Article

__all__ = [
    "Overlap",
    "DUPLICATE_CONTAINMENT",
    "ALL_PAIRS_UP_TO",
    "TOP_K",
    "shared_shingles",
    "overlaps",
    "mark_duplicates",
    "measure",
]

#: ``a`` is reported as a near-duplicate of ``b`` when this share of ``a`` is contained in ``b``.
DUPLICATE_CONTAINMENT = 0.8
#: Up to this many articles every pair is listed, including pairs with nothing in common.
ALL_PAIRS_UP_TO = 20
#: Above :data:`ALL_PAIRS_UP_TO`, each article keeps at most this many of its overlaps.
TOP_K = 10
_SHINGLE = 5


@dataclass(frozen=True)
class Overlap:
    """How much two articles share, measured on word 5-gram shingles of normalised text.

    ``a_in_b`` is the share of ``a``'s shingles also found in ``b`` (containment).
    """

    a: str
    b: str
    a_in_b: float
    b_in_a: float
    jaccard: float


def _shingle_keys(article: Article, lang: Language, vocab: dict[str, int]) -> set[int]:
    """The article's distinct shingles, each as the hash of a tuple of word ids (integer
    hashing does not vary between runs, unlike string hashing)."""
    ids = [vocab.setdefault(t, len(vocab)) for s in article.sentences for t in lang.tokenize(s.text)]
    if len(ids) < _SHINGLE:
        return {hash(tuple(ids))} if ids else set()
    return {hash(tuple(ids[i : i + _SHINGLE])) for i in range(len(ids) - _SHINGLE + 1)}


def shared_shingles(articles: Sequence[Article], lang: Language | None = None, *,
                    small: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shingle counts for the pairs of ``articles`` that share any.

    Up to ``small`` articles the sets are intersected pair by pair (no sparse-matrix library to
    load); above, a sparse article × shingle matrix times its transpose counts them.

    Returns:
        ``(i, j, common, sizes)``: article positions ``i < j`` of every pair with at least one
        shared shingle, how many they share, and each article's number of distinct shingles.
    """
    lang = lang or get_language("ar")
    vocab: dict[str, int] = {}
    keys = [_shingle_keys(a, lang, vocab) for a in articles]
    sizes = np.array([len(k) for k in keys], dtype=np.int64)
    if len(articles) <= small:
        found = [(p, q, len(keys[p] & keys[q])) for p in range(len(keys)) for q in range(p + 1, len(keys))]
        found = [f for f in found if f[2]]
        i, j, common = (np.array(col, dtype=np.int64) for col in zip(*found)) if found else (np.zeros(0, dtype=np.int64),) * 3
        return i, j, common, sizes
    from scipy.sparse import csr_matrix

    flat = np.fromiter((h for k in keys for h in k), dtype=np.int64, count=int(sizes.sum()))
    columns = np.unique(flat, return_inverse=True)[1].ravel()
    rows = np.repeat(np.arange(len(articles)), sizes)
    index = csr_matrix((np.ones(len(flat), dtype=np.int32), (rows, columns)), shape=(len(articles), int(columns.max(initial=-1)) + 1))
    shared = (index @ index.T).tocoo()
    upper = shared.row < shared.col
    order = np.lexsort((shared.col[upper], shared.row[upper]))
    return (shared.row[upper][order].astype(np.int64), shared.col[upper][order].astype(np.int64),
            shared.data[upper][order].astype(np.int64), sizes)


def _pair(x: Article, y: Article, common: int, nx: int, ny: int) -> Overlap:
    union = nx + ny - common
    return Overlap(x.id, y.id, common / nx if nx else 0.0, common / ny if ny else 0.0, common / union if union else 0.0)


def _all_pairs(articles: Sequence[Article], lang: Language | None) -> list[Overlap]:
    """Every pair with its overlap (zero where nothing is shared), in id order."""
    i, j, common, sizes = shared_shingles(articles, lang)
    found = {(int(a), int(b)): int(c) for a, b, c in zip(i, j, common)}
    return [
        _pair(x, y, found.get((p, q), 0), int(sizes[p]), int(sizes[q]))
        for p, x in enumerate(articles)
        for q, y in enumerate(articles[p + 1 :], start=p + 1)
    ]


def _sharing_pairs(articles: Sequence[Article], lang: Language | None) -> list[Overlap]:
    """The pairs that share at least one shingle, in id order."""
    i, j, common, sizes = shared_shingles(articles, lang)
    return [_pair(articles[a], articles[b], int(c), int(sizes[a]), int(sizes[b])) for a, b, c in zip(i.tolist(), j.tolist(), common.tolist())]


def _top_k(pairs: Sequence[Overlap], k: int) -> list[Overlap]:
    """Keep a pair when it is among the ``k`` largest overlaps (containment either way, then
    Jaccard, compared on the grid of :mod:`talkhis.stable`) of either of its articles."""
    by_article: dict[str, list[int]] = {}
    for n, p in enumerate(pairs):
        by_article.setdefault(p.a, []).append(n)
        by_article.setdefault(p.b, []).append(n)

    def strength(n: int) -> tuple[int, int, str, str]:
        p = pairs[n]
        return (-qkey(max(p.a_in_b, p.b_in_a)), -qkey(p.jaccard), p.a, p.b)

    keep: set[int] = set()
    for ns in by_article.values():
        keep.update(sorted(ns, key=strength)[:k])
    return [pairs[n] for n in sorted(keep)]


def overlaps(articles: Sequence[Article], lang: Language | None = None, *, top_k: int = TOP_K,
             all_pairs_up_to: int = ALL_PAIRS_UP_TO) -> list[Overlap]:
    """Containment and Jaccard overlap of ``articles`` (sorted by id), pairs in id order.

    Every pair is listed for up to ``all_pairs_up_to`` articles; above that only pairs that
    share text, at most ``top_k`` per article, so the list grows linearly with the corpus.
    """
    if len(articles) <= all_pairs_up_to:
        return _all_pairs(articles, lang)
    return _top_k(_sharing_pairs(articles, lang), top_k)


def mark_duplicates(articles: Sequence[Article], pairs: Sequence[Overlap]) -> None:
    """Set ``duplicate_of`` on near-copies: the copy is the article more contained in the other
    (for identical texts, the later id), and chains lead to the canonical article.

    ``pairs`` must hold every pair whose containment reaches :data:`DUPLICATE_CONTAINMENT`
    (all sharing pairs, not a top-k list), in id order.
    """
    parent: dict[str, str] = {}
    for p in pairs:  # pairs come in id order, so p.a < p.b
        if max(p.a_in_b, p.b_in_a) < DUPLICATE_CONTAINMENT:
            continue
        copy, original = (p.a, p.b) if p.a_in_b > p.b_in_a else (p.b, p.a)
        parent.setdefault(copy, original)
    for a in articles:
        root, hops = a.id, 0
        while root in parent and hops < len(articles):
            root, hops = parent[root], hops + 1
        a.duplicate_of = root if root != a.id else None


def measure(articles: Sequence[Article], lang: Language | None = None, *, top_k: int = TOP_K,
            all_pairs_up_to: int = ALL_PAIRS_UP_TO) -> list[Overlap]:
    """Mark near-copies among ``articles`` (sorted by id) and return the overlaps to report
    (see :func:`overlaps`), sharing one pass over the shingles."""
    if len(articles) <= all_pairs_up_to:
        pairs = _all_pairs(articles, lang)
        mark_duplicates(articles, pairs)
        return pairs
    pairs = _sharing_pairs(articles, lang)
    mark_duplicates(articles, pairs)
    return _top_k(pairs, top_k)
