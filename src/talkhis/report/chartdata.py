"""What the static and the interactive charts show, computed once for both: the heatmap rows
(one per article, or per outlet and period above :data:`AGGREGATE_ABOVE` articles), the
clusters drawn, each cluster's widest same-fact coverage, and the sentences' principal plane."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..pipeline import Result

__all__ = ["TOP_CLUSTERS", "AGGREGATE_ABOVE", "MAX_ROWS", "MAX_POINTS", "Rows", "heatmap_rows", "article_labels",
           "clusters_shown", "coverage_counts", "fact_coverage", "principal_plane"]

TOP_CLUSTERS = 12
#: Above this many articles, heatmap rows are outlets and periods instead of articles.
AGGREGATE_ABOVE = 30
#: Most heatmap rows drawn (the largest groups; the title says how many were left out).
MAX_ROWS = 30
#: Most sentences drawn on the sentence map (an even sample of the rest is left out).
MAX_POINTS = 4000

#: The title of each chart, by the file name the report gives it.


def article_labels(result: Result) -> dict[str, str]:
    """One label per article: outlet and date, marked when a copy, with the article id added
    wherever that would leave two rows named alike."""
    corpus = result.corpus
    base = {}
    for a in corpus.articles:
        parts = [a.outlet or "unknown outlet", a.date or "undated"]
        if a.duplicate_of:
            original = corpus.article(a.duplicate_of)
            parts.append(f"copy of {original.outlet or a.duplicate_of[:12]}")
        base[a.id] = " · ".join(parts)
    seen: dict[str, int] = {}
    for label in base.values():
        seen[label] = seen.get(label, 0) + 1
    return {aid: f"{label} · {aid}" if seen[label] > 1 else label for aid, label in base.items()}


@dataclass(frozen=True)
class Rows:
    """The rows of a heatmap: their labels and the row of every article (or -1 when its
    group is not drawn), plus what the title should say about grouping."""

    labels: list[str]
    row_of: dict[str, int]
    note: str


def heatmap_rows(result: Result) -> Rows:
    articles = result.corpus.articles
    if len(articles) <= AGGREGATE_ABOVE:
        labels = article_labels(result)
        return Rows([labels[a.id] for a in articles], {a.id: i for i, a in enumerate(articles)}, "")
    groups: dict[tuple[str, str], list[str]] = {}
    for a in articles:
        groups.setdefault((a.outlet or "unknown outlet", result.periods.get(a.id) or "undated"), []).append(a.id)
    kept = sorted(groups, key=lambda g: (-len(groups[g]), g))[:MAX_ROWS]
    kept.sort()
    row_of = {a.id: -1 for a in articles}
    for i, g in enumerate(kept):
        for aid in groups[g]:
            row_of[aid] = i
    left = len(groups) - len(kept)
    note = f"{len(articles)} articles grouped by outlet and period" + (f"; {left} smaller groups not shown" if left else "")
    return Rows([f"{o} · {p} ({len(groups[(o, p)])})" for o, p in kept], row_of, note)


def clusters_shown(result: Result, top: int):
    """The ``top`` widest clusters plus every cluster the summary drew from, widest first."""
    in_summary = {s.cluster for s in result.summary}
    shown = list(result.clusters[:top])
    shown += [c for c in result.clusters[top:] if c.id in in_summary]
    return shown


def fact_coverage(result: Result) -> dict[int, int]:
    """Each cluster's widest same-fact coverage: the most stories that report the fact of one of
    its sentences (read from the run's links; the cluster's own coverage when it has none)."""
    if result.links is None or len(result.links.sentences) != len(result.sentences):
        return {c.id: c.coverage for c in result.clusters}
    coverage = result.links.coverage(result.corpus.story_map())
    return {c.id: max((coverage[m] for m in c.members), default=0) for c in result.clusters}


def principal_plane(x: np.ndarray) -> np.ndarray:
    """The rows of ``x`` on their first two principal components, each axis signed so that its
    largest loading is positive (a sign choice that does not depend on the LAPACK build).

    The components come from the eigenvectors of the smaller of the two Gram matrices (rows ×
    rows or columns × columns), which is cheaper and steadier than a full SVD."""
    if len(x) < 3:
        return np.zeros((len(x), 2))
    centred = np.asarray(x, dtype=np.float64) - np.asarray(x, dtype=np.float64).mean(axis=0)
    with _one_blas_thread():
        if len(centred) < centred.shape[1]:
            _, u = np.linalg.eigh(centred @ centred.T)
            axes = u[:, ::-1][:, :2].T @ centred
        else:
            _, v = np.linalg.eigh(centred.T @ centred)
            axes = v[:, ::-1][:, :2].T
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    axes *= np.sign(axes[np.arange(2), np.abs(axes).argmax(axis=1)])[:, None]
    return centred @ axes.T


def _one_blas_thread():
    """One BLAS thread for a small LAPACK call: with threads, a 100 × 100 eigenproblem took
    0.2 s instead of 1 ms on a busy 2-core machine (threads waiting for each other)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def coverage_counts(result: Result, rows: Rows, clusters) -> np.ndarray:
    """Sentences of each heatmap row (``rows``) in each of ``clusters``: the coverage heatmap's
    cells, the same for the static and the interactive chart."""
    counts = np.zeros((len(rows.labels), len(clusters)), dtype=int)
    for j, c in enumerate(clusters):
        for m in c.members:
            row = rows.row_of[result.sentences[m].article]
            if row >= 0:
                counts[row, j] += 1
    return counts
