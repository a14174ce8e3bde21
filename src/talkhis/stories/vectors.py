"""What the grouping compares articles by: TF-IDF rows of their content terms, embeddings of
their title and lead, and each article's nearest neighbours by either.

Both indexes grow linearly in memory with the archive: the TF-IDF rows are sparse (terms found
in a single article, or in more than :data:`COMMON_SHARE` of them, carry no weight), and the
neighbours are found a block of rows at a time, each row keeping only its
:data:`NEIGHBOURS` most similar articles. Similarities are compared on the grid of
:mod:`talkhis.stable`, ties broken by article position, so the candidates are the same on any
machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..align.linkmodel import content_terms
from ..corpus import HEADING, TITLE
from ..stable import quantize

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from ..corpus import Article

__all__ = ["NEIGHBOURS", "COMMON_SHARE", "COMMON_FLOOR", "LEAD_SENTENCES", "term_counts", "tfidf_rows", "lead_text",
           "body_texts", "nearest", "pair_similarity"]

#: Neighbours each article keeps in each index.
NEIGHBOURS = 10
#: Terms found in more than this share of the articles, and in more than COMMON_FLOOR of them,
#: carry no weight (they say little about which story an article belongs to, and cost most).
COMMON_SHARE = 0.05
COMMON_FLOOR = 200
#: Body sentences after the title that make up an article's lead.
LEAD_SENTENCES = 1
_BLOCK = 256


def term_counts(article: Article) -> dict[str, int]:
    """How many sentences of ``article`` hold each content term (see :func:`talkhis.align.linkmodel.content_terms`)."""
    counts: dict[str, int] = {}
    for s in article.sentences:
        for t in content_terms(s.text):
            counts[t] = counts.get(t, 0) + 1
    return counts


def tfidf_rows(bags: Sequence[dict[str, int]]) -> csr_matrix:
    """Unit rows of sublinear TF × IDF weights, one per bag of term counts, terms in sorted order."""
    from scipy.sparse import csr_matrix

    df: dict[str, int] = {}
    for bag in bags:
        for t in bag:
            df[t] = df.get(t, 0) + 1
    n = len(bags)
    most = max(COMMON_FLOOR, n * COMMON_SHARE)
    column = {t: c for c, t in enumerate(sorted(t for t, d in df.items() if 1 < d <= most))}
    indptr, indices, data = [0], [], []
    for bag in bags:
        kept = sorted((column[t], (1 + math.log(c)) * math.log(n / df[t])) for t, c in bag.items() if t in column)
        norm = math.sqrt(sum(w * w for _, w in kept)) or 1.0
        indices.extend(c for c, _ in kept)
        data.extend(w / norm for _, w in kept)
        indptr.append(len(indices))
    return csr_matrix((np.array(data, dtype=np.float32), np.array(indices, dtype=np.int64), np.array(indptr)),
                      shape=(n, max(1, len(column))))


def body_texts(article: Article) -> list[str]:
    """The article's segments that carry content (no headings or title), as the summary sees them."""
    return [s.text for s in article.sentences if s.kind not in (HEADING, TITLE)]


def lead_text(article: Article) -> str:
    """The title (when there is one) and the first :data:`LEAD_SENTENCES` body segments."""
    parts = ([article.title] if article.title else []) + body_texts(article)[:LEAD_SENTENCES]
    return " ".join(parts)


def nearest(x, k: int = NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i < j``, where ``j`` is among the ``k`` most similar rows of ``i`` or
    the reverse (dot products of the rows of ``x``, dense or sparse; a zero similarity is no
    neighbour), sorted."""
    n = x.shape[0]
    k = min(k, n - 1)
    found = []
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    for start in range(0, n, _BLOCK):
        block = x[start : start + _BLOCK] @ x.T
        block = block.toarray() if hasattr(block, "toarray") else np.asarray(block)
        q = quantize(block)
        rows = np.arange(len(q))
        q[rows, rows + start] = -1  # never its own neighbour
        # the k largest, ties to the lower column: sort by (-q, column) within the row
        part = np.argpartition(-q, k - 1, axis=1)[:, :k]
        kth = np.take_along_axis(q, part, axis=1).min(axis=1, keepdims=True)
        for r in range(len(q)):
            above = np.flatnonzero(q[r] > kth[r, 0])
            tied = np.flatnonzero(q[r] == kth[r, 0])[: k - len(above)]
            cols = np.concatenate([above, tied])
            cols = cols[q[r, cols] > 0]
            i = start + r
            found.append(np.stack([np.minimum(i, cols), np.maximum(i, cols)], axis=1))
    pairs = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), dtype=np.int64)
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)


def pair_similarity(x, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The dot products of rows ``i`` and ``j`` of ``x`` (dense or sparse), pair by pair."""
    if hasattr(x, "multiply"):
        return np.asarray(x[i].multiply(x[j]).sum(axis=1), dtype=np.float64).ravel()
    return np.einsum("ij,ij->i", np.asarray(x[i], dtype=np.float64), np.asarray(x[j], dtype=np.float64))
