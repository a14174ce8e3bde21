"""Content clusters: groups of sentences that say the same thing, across articles.

:class:`ContentClusterer` follows scikit-learn habits (``fit``, ``labels_``, ``random_state``,
no work in ``__init__``) so notebooks can swap algorithms:

* ``agglomerative`` (default): average-linkage clustering cut at a cosine-distance threshold.
  Up to ``exact_limit`` sentences it uses every pairwise distance; above that it links each
  sentence to its nearest neighbours (pynndescent) closer than the threshold and clusters each
  connected part on its own (exactly; parts larger than ``exact_limit`` with merges restricted
  to the graph), which keeps time and memory close to linear when the parts are small.
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

from .corpus import Corpus
from .errors import UnknownBackend
from .lang import get_language
from .segment import Sentence
from .stable import argmax_stable

__all__ = ["ContentClusterer", "Cluster", "describe_clusters", "knn_graph", "METHODS"]

METHODS = ("agglomerative", "hdbscan")


def knn_graph(x: np.ndarray, n_neighbors: int = 15, random_state: int = 0):
    """Symmetric sparse graph linking each row of ``x`` to its approximate nearest neighbours
    by cosine distance (pynndescent), used to keep clustering sub-quadratic."""
    from pynndescent import NNDescent
    from scipy.sparse import csr_matrix

    n = x.shape[0]
    k = min(n_neighbors, n - 1)
    index = NNDescent(x, metric="cosine", n_neighbors=k + 1, random_state=random_state, n_jobs=1)
    neighbours, _ = index.neighbor_graph
    rows = np.repeat(np.arange(n), neighbours.shape[1])
    cols = neighbours.ravel()
    keep = (cols >= 0) & (cols != rows)
    graph = csr_matrix((np.ones(keep.sum(), dtype=np.float32), (rows[keep], cols[keep])), shape=(n, n))
    return graph.maximum(graph.T)


def _within(graph, x: np.ndarray, threshold: float, chunk: int = 200_000):
    """Keep the edges of ``graph`` whose cosine distance is at most ``threshold`` (rows of
    ``x`` are unit vectors), computed edge by edge in chunks so memory stays linear."""
    from scipy.sparse import csr_matrix

    coo = graph.tocoo()
    keep = np.zeros(coo.nnz, dtype=bool)
    for start in range(0, coo.nnz, chunk):
        r, c = coo.row[start : start + chunk], coo.col[start : start + chunk]
        keep[start : start + chunk] = 1.0 - np.einsum("ij,ij->i", x[r], x[c]) <= threshold
    return csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=graph.shape)


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
        n_neighbors: neighbours per sentence in the graph used above ``exact_limit``.
        exact_limit: largest input clustered with all pairwise distances.
        random_state: seed of the nearest-neighbour search.
    """

    def __init__(
        self,
        method: str = "agglomerative",
        *,
        threshold: float = 0.5,
        min_cluster_size: int = 2,
        n_neighbors: int = 15,
        exact_limit: int = 5000,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.threshold = threshold
        self.min_cluster_size = min_cluster_size
        self.n_neighbors = n_neighbors
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
        if x.shape[0] <= self.exact_limit:
            return self._average_linkage(x)
        from scipy.sparse.csgraph import connected_components

        graph = _within(knn_graph(x, self.n_neighbors, self.random_state), x, self.threshold)
        # Average-linkage clusters cut at the threshold always lie inside the single-linkage
        # components at that threshold, so each connected part of the graph of neighbours closer
        # than the threshold is clustered on its own, exactly when small enough.
        n_parts, part = connected_components(graph, directed=False)
        labels = np.empty(x.shape[0], dtype=np.int64)
        offset = 0
        for p in range(n_parts):
            idx = np.flatnonzero(part == p)
            if len(idx) == 1:
                sub = np.zeros(1, dtype=np.int64)
            else:
                sub = self._average_linkage(x[idx], graph[idx][:, idx] if len(idx) > self.exact_limit else None)
            labels[idx] = sub + offset
            offset += int(sub.max()) + 1
        return labels

    def _average_linkage(self, x: np.ndarray, connectivity=None) -> np.ndarray:
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(
            n_clusters=None,
            distance_threshold=self.threshold,
            metric="cosine",
            linkage="average",
            connectivity=connectivity,
        )
        return model.fit_predict(x)

    def _hdbscan(self, x: np.ndarray) -> np.ndarray:
        from sklearn.cluster import HDBSCAN

        size = max(2, min(self.min_cluster_size, x.shape[0]))
        # On unit vectors Euclidean distance is a monotone function of cosine distance.
        return HDBSCAN(min_cluster_size=size, min_samples=1, metric="euclidean", copy=True).fit_predict(x)


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
    story = corpus.story if corpus is not None else (lambda a: a)
    by_label: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(int(label), []).append(i)
    terms = _class_terms([[sentences[i].text for i in m] for m in by_label.values()], n_terms)
    clusters = []
    for (label, members), top in zip(by_label.items(), terms):
        v = np.asarray(vectors[members], dtype=np.float64)
        n = len(members)
        sim = v @ v.T
        np.fill_diagonal(sim, 0.0)  # a sentence's similarity to itself is not evidence
        mean_sim = sim.sum(axis=1) / (n - 1) if n > 1 else np.ones(1)
        # Compared on a grid (see talkhis.stable), so float noise cannot break a tie: the two
        # members of a pair tie exactly and the earliest sentence wins.
        best = members[argmax_stable(mean_sim)]
        cohesion = float(sim.sum() / (n * (n - 1))) if n > 1 else 1.0
        clusters.append(
            Cluster(
                id=label,
                members=members,
                articles=sorted({sentences[i].article for i in members}),
                coverage=len({story(sentences[i].article) for i in members}),
                label=sentences[best].text,
                label_member=best,
                terms=top,
                cohesion=cohesion,
            )
        )
    clusters.sort(key=lambda c: (-c.coverage, -c.size, c.id))
    return clusters
