"""Content clusters: groups of sentences that say the same thing, across articles.

:class:`ContentClusterer` follows scikit-learn habits (``fit``, ``labels_``, ``random_state``,
no work in ``__init__``) so notebooks can swap algorithms:

* ``agglomerative`` (default): average-linkage clustering cut at a cosine-distance threshold.
  Up to ``exact_limit`` sentences it uses every pairwise distance. Above that it finds the
  pairs closer than the threshold (:func:`talkhis.align.neighbours.similar_pairs`, plain numpy, no
  compilation) and clusters each connected part of that graph on its own: exactly when the
  part has at most ``exact_limit`` sentences, else by average linkage on the graph with
  unlisted pairs counted as unrelated (:func:`talkhis.align.linkage.sparse_average_linkage`), which
  cannot chain a large part into one cluster the way single linkage does.
* ``hdbscan``: density-based clusters (scikit-learn's HDBSCAN); points it calls noise become
  clusters of their own, so every sentence belongs somewhere.

Labels are renumbered in order of each cluster's first sentence, so the same input gives the
same labels. :func:`describe_clusters` turns labels into :class:`Cluster` records with their
articles, a coverage count that counts near-duplicate articles once, a label sentence and top
terms by class-based TF-IDF.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..corpus import Corpus, Sentence
from ..corpus.lang import get_language
from ..errors import UnknownBackend
from ..progress import progress
from ..stable import argmax_stable

__all__ = ["ContentClusterer", "Cluster", "describe_clusters", "largest_share", "METHODS"]

METHODS = ("agglomerative", "hdbscan")


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Give clusters ids 0, 1, … in order of their first member; noise (-1) gets its own ids."""
    out = np.empty_like(labels)
    mapping: dict[int, int] = {}
    for i, label in enumerate(labels):
        key = int(label) if label >= 0 else -(i + 1)
        if key not in mapping:
            mapping[key] = len(mapping)
        out[i] = mapping[key]
    return out


class ContentClusterer:
    """Cluster L2-normalised sentence vectors into content clusters.

    Args:
        method: ``agglomerative`` or ``hdbscan``.
        threshold: cosine distance at which agglomerative merging stops (``1 - similarity``).
        min_cluster_size: smallest cluster HDBSCAN reports.
        exact_limit: largest input (and largest connected part of a larger one) clustered
            with all pairwise distances.
        random_state: seed of the neighbour search used above ``exact_limit``.
    """

    def __init__(
        self,
        method: str = "agglomerative",
        *,
        threshold: float = 0.5,
        min_cluster_size: int = 2,
        exact_limit: int = 5000,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.threshold = threshold
        self.min_cluster_size = min_cluster_size
        self.exact_limit = exact_limit
        self.random_state = random_state

    def fit(self, x: np.ndarray) -> ContentClusterer:
        """Cluster the rows of ``x``; sets ``labels_`` and ``n_clusters_``."""
        if self.method not in METHODS:
            raise UnknownBackend(f"unknown clustering method {self.method!r}; choose one of {', '.join(METHODS)}")
        x = np.asarray(x, dtype=np.float32)
        n = x.shape[0]
        # Identical rows (the sentences of a copied article) are clustered as one point, so a
        # copy cannot shift the average linkage and change the clusters of what it copies.
        _, first, inverse = np.unique(x, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first)  # distinct rows in order of first appearance
        unique = x[first[order]]
        if len(unique) < 2:
            labels = np.zeros(len(unique), dtype=np.int64)
        elif self.method == "agglomerative":
            labels = self._agglomerative(unique)
        else:
            labels = self._hdbscan(unique)
        labels = _renumber(np.asarray(labels, dtype=np.int64))  # noise gets its ids before copies share them
        self.labels_ = _renumber(labels[np.argsort(order)[np.ravel(inverse)]])
        self.n_clusters_ = int(self.labels_.max()) + 1 if n else 0
        return self

    def fit_predict(self, x: np.ndarray) -> np.ndarray:
        return self.fit(x).labels_

    def _agglomerative(self, x: np.ndarray) -> np.ndarray:
        from .linkage import average_linkage, sparse_average_linkage

        if x.shape[0] <= self.exact_limit:
            return average_linkage(x, self.threshold)
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        from .neighbours import similar_pairs

        n = x.shape[0]
        rows, cols, sim = similar_pairs(x, 1.0 - self.threshold, seed=self.random_state)
        dist = 1.0 - sim.astype(np.float64)
        close = dist < self.threshold  # the pairs single linkage would merge at the threshold
        rows, cols, dist = rows[close], cols[close], dist[close]
        graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
        # Average-linkage clusters cut at the threshold lie inside the connected parts of the
        # graph of pairs closer than the threshold, so each part is clustered on its own.
        n_parts, part = connected_components(graph, directed=False)
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(n_parts + 1))
        edge_part = part[rows]
        edge_order = np.argsort(edge_part, kind="stable")
        edge_bounds = np.searchsorted(edge_part[edge_order], np.arange(n_parts + 1))
        labels = np.empty(n, dtype=np.int64)
        offset = 0
        local = np.empty(n, dtype=np.int64)
        with progress(n, "clustering") as bar:
            for p in range(n_parts):
                idx = order[bounds[p] : bounds[p + 1]]
                if len(idx) == 1:
                    sub = np.zeros(1, dtype=np.int64)
                elif len(idx) <= self.exact_limit:
                    sub = average_linkage(x[idx], self.threshold)
                else:
                    e = edge_order[edge_bounds[p] : edge_bounds[p + 1]]
                    local[idx] = np.arange(len(idx))
                    sub = sparse_average_linkage(len(idx), local[rows[e]], local[cols[e]], dist[e], self.threshold)
                sub = np.unique(sub, return_inverse=True)[1].ravel()
                labels[idx] = sub + offset
                offset += int(sub.max()) + 1
                bar.update(len(idx))
        return labels

    def _hdbscan(self, x: np.ndarray) -> np.ndarray:
        from sklearn.cluster import HDBSCAN

        size = max(2, min(self.min_cluster_size, x.shape[0]))
        # On unit vectors Euclidean distance is a monotone function of cosine distance.
        return HDBSCAN(min_cluster_size=size, min_samples=1, metric="euclidean", copy=True).fit_predict(x)


def largest_share(labels: np.ndarray) -> float:
    """Share of all rows held by the largest cluster (0.0 for no rows)."""
    labels = np.asarray(labels)
    return float(np.bincount(labels).max() / len(labels)) if len(labels) else 0.0


@dataclass
class Cluster:
    """One content cluster.

    Attributes:
        id: cluster id (order of first appearance).
        members: indices of its sentences in the clustered list.
        articles: distinct article ids of its sentences, sorted.
        coverage: how many distinct stories it appears in; a near-duplicate article counts
            as the article it copies, so a copy never adds coverage.
        label: its most central sentence (highest mean similarity to the other members).
        label_member: index of that sentence in the clustered list.
        terms: top terms by class-based TF-IDF, as written in the text.
        cohesion: mean pairwise cosine similarity of its members (1.0 for a singleton).
    """

    id: int
    members: list[int]
    articles: list[str]
    coverage: int
    label: str
    label_member: int
    terms: list[str] = field(default_factory=list)
    cohesion: float = 1.0

    @property
    def size(self) -> int:
        return len(self.members)


_SURFACE_WORD = re.compile("[\\w\u0640\u064b-\u065f\u0670]+")


def _class_terms(groups: Sequence[Sequence[str]], top: int) -> list[list[str]]:
    """Top terms per group by class-based TF-IDF (term frequency in the class times
    ``log(1 + mean class size / corpus frequency)``), shown in their commonest written form."""
    lang = get_language("ar")
    stop = lang.stopwords()
    surface: dict[str, Counter[str]] = {}
    counts = []
    for texts in groups:
        c: Counter[str] = Counter()
        for text in texts:
            for raw in _SURFACE_WORD.findall(text):
                tok = lang.normalize(raw)
                if tok in stop or len(tok) < 3 or tok.isdigit():
                    continue
                c[tok] += 1
                surface.setdefault(tok, Counter())[raw] += 1
        counts.append(c)
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    mean_size = sum(total.values()) / max(1, len(counts))
    out = []
    for c in counts:
        scored = sorted(c, key=lambda t: (-c[t] * math.log(1 + mean_size / total[t]), t))
        out.append([surface[t].most_common(1)[0][0] for t in scored[:top]])
    return out


def describe_clusters(
    labels: np.ndarray,
    vectors: np.ndarray,
    sentences: Sequence[Sentence],
    corpus: Corpus | None = None,
    *,
    n_terms: int = 5,
) -> list[Cluster]:
    """Build :class:`Cluster` records for ``labels`` over ``sentences`` and their ``vectors``,
    sorted by coverage, then size, then first appearance."""
    story = {a.id: a.duplicate_of or a.id for a in corpus.articles} if corpus is not None else {}
    by_label: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(int(label), []).append(i)
    terms = _class_terms([[sentences[i].text for i in m] for m in by_label.values()], n_terms)
    clusters = []
    for (label, members), top in zip(by_label.items(), terms):
        v = np.asarray(vectors[members], dtype=np.float64)
        n = len(members)
        # With unit vectors and S the sum of the members, member i's summed similarity to the
        # others is v_i·S − 1 and all pairs sum to (S·S − n) / 2: no n × n matrix is needed.
        total = v.sum(axis=0)
        mean_sim = (v @ total - 1.0) / (n - 1) if n > 1 else np.ones(1)
        # Compared on a grid (see talkhis.stable), so float noise cannot break a tie: the two
        # members of a pair tie exactly and the earliest sentence wins.
        best = members[argmax_stable(mean_sim)]
        cohesion = float((total @ total - n) / (n * (n - 1))) if n > 1 else 1.0
        articles = {sentences[i].article for i in members}
        clusters.append(
            Cluster(
                id=label,
                members=members,
                articles=sorted(articles),
                coverage=len({story.get(a, a) for a in articles}),
                label=sentences[best].text,
                label_member=best,
                terms=top,
                cohesion=cohesion,
            )
        )
    clusters.sort(key=lambda c: (-c.coverage, -c.size, c.id))
    return clusters
