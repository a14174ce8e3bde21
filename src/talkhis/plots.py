"""Charts of topic coverage. Each function returns a matplotlib Figure and never calls ``show()``.

Every piece of Arabic text passes through :func:`shape`, so that it is drawn with joined
letters, right to left: matplotlib 3.11 and later do this themselves; for older versions
:func:`shape` joins the letters (arabic-reshaper) and reorders them (python-bidi). Arabic is
drawn with Noto Sans Arabic, a font installed with talkhis (``fontpkg-noto-sans-arabic``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from .lang import arabic_ratio

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .pipeline import Result

__all__ = [
    "shape",
    "arabic_font",
    "plot_coverage_heatmap",
    "plot_cluster_coverage",
    "plot_sentence_map",
    "plot_article_similarity",
    "ALL_PLOTS",
]

TOP_CLUSTERS = 12


@cache
def _native_layout() -> bool:
    """True when matplotlib shapes and orders complex scripts itself (3.11 and later)."""
    import matplotlib as mpl

    return "text.language" in mpl.rcParams


def shape(text: str) -> str:
    """Prepare Arabic text for matplotlib: joined letters, right-to-left.

    Recent matplotlib lays out Arabic itself, and shaping twice reverses it, so the text is then
    left as it is; older versions get it shaped (arabic-reshaper) and reordered (python-bidi).
    """
    if arabic_ratio(text) == 0 or _native_layout():
        return text
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


@cache
def _font_name() -> str:
    from matplotlib import font_manager

    import fontpkg_noto_sans_arabic

    for path in (fontpkg_noto_sans_arabic.ROOT / "files").glob("*.ttf"):
        font_manager.fontManager.addfont(str(path))
    return fontpkg_noto_sans_arabic.FAMILY


@contextlib.contextmanager
def arabic_font() -> Iterator[None]:
    """Draw with Noto Sans Arabic, falling back to DejaVu Sans for other scripts."""
    import matplotlib as mpl

    with mpl.rc_context({"font.family": [_font_name(), "DejaVu Sans"], "axes.unicode_minus": False}):
        yield


def _figure(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _article_label(result: Result, article_id: str) -> str:
    a = result.corpus.article(article_id)
    parts = [a.outlet or a.id[:12], a.date or "undated"]
    if a.duplicate_of:
        parts.append(f"copy of {result.corpus.article(a.duplicate_of).outlet or a.duplicate_of[:12]}")
    return " · ".join(parts)


def _cluster_label(cluster, n_terms: int = 3) -> str:
    return shape(" ".join(cluster.terms[:n_terms]) or cluster.label[:30])


def _top_clusters(result: Result, k: int = TOP_CLUSTERS):
    return result.clusters[:k]


def plot_coverage_heatmap(result: Result, *, ax: Axes | None = None, top: int = TOP_CLUSTERS) -> Figure:
    """Article × cluster matrix: how many sentences each article gives each of the clusters
    with the widest coverage. Near-duplicate articles are labelled as copies."""
    with arabic_font():
        fig, ax = _figure(ax, (10, 4.8))
        clusters = _top_clusters(result, top)
        articles = [a.id for a in result.corpus.articles]
        counts = np.zeros((len(articles), len(clusters)), dtype=int)
        for j, c in enumerate(clusters):
            for m in c.members:
                counts[articles.index(result.sentences[m].article), j] += 1
        image = ax.imshow(counts, cmap="Blues", aspect="auto", vmin=0)
        for (i, j), v in np.ndenumerate(counts):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", color="white" if v > counts.max() / 2 else "black")
        ax.set_xticks(range(len(clusters)), [f"{c.id}: {_cluster_label(c)}" for c in clusters], rotation=55, ha="right")
        ax.set_yticks(range(len(articles)), [_article_label(result, a) for a in articles])
        ax.set_title("Which outlet covers which part of the story (sentences per content cluster)")
        fig.colorbar(image, ax=ax, label="sentences", shrink=0.8)
    return fig


def plot_cluster_coverage(result: Result, *, ax: Axes | None = None, top: int = TOP_CLUSTERS) -> Figure:
    """Clusters ranked by coverage: in how many distinct stories each is reported."""
    with arabic_font():
        fig, ax = _figure(ax, (9, 5))
        clusters = _top_clusters(result, top)[::-1]
        in_summary = {s.cluster for s in result.summary}
        colors = ["tab:orange" if c.id in in_summary else "tab:blue" for c in clusters]
        ax.barh(range(len(clusters)), [c.coverage for c in clusters], color=colors)
        ax.set_yticks(range(len(clusters)), [f"{_cluster_label(c)} :{c.id}" for c in clusters])
        ax.set_xlabel(f"stories reporting it (of {result.n_stories}; copies counted once)")
        ax.set_xticks(range(0, result.n_stories + 1))
        ax.set_title("Content clusters ranked by coverage (orange: in the summary)")
    return fig


def plot_sentence_map(result: Result, *, ax: Axes | None = None, top: int = 8) -> Figure:
    """All sentences in two dimensions (PCA of their embeddings), coloured by cluster for the
    ``top`` widest clusters (grey otherwise), with one marker shape per article."""
    from sklearn.decomposition import PCA

    with arabic_font():
        fig, ax = _figure(ax, (9, 6.5))
        n = len(result.sentences)
        xy = PCA(n_components=2, random_state=0).fit_transform(result.vectors) if n > 2 else np.zeros((n, 2))
        colour_of = {c.id: i for i, c in enumerate(_top_clusters(result, top))}
        palette = [f"C{i}" for i in range(10)]
        markers = "osD^vP*Xph"
        articles = [a.id for a in result.corpus.articles]
        for k, article in enumerate(articles):
            idx = [i for i, s in enumerate(result.sentences) if s.article == article]
            ax.scatter(
                xy[idx, 0],
                xy[idx, 1],
                c=[palette[colour_of[result.labels[i]]] if result.labels[i] in colour_of else "lightgrey" for i in idx],
                marker=markers[k % len(markers)],
                edgecolors="black",
                linewidths=0.4,
                s=55,
            )
        for c in _top_clusters(result, top):
            centre = xy[c.members].mean(axis=0)
            ax.annotate(_cluster_label(c, 2), centre, fontsize=8, ha="center",
                        bbox={"boxstyle": "round", "fc": "white", "alpha": 0.7})
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], marker=markers[k % len(markers)], linestyle="", markerfacecolor="white",
                   markeredgecolor="black", label=_article_label(result, a))
            for k, a in enumerate(articles)
        ]
        ax.legend(handles=handles, title="article (marker)", fontsize=8, loc="best")
        ax.set_title("Sentences by meaning (PCA of embeddings), coloured by content cluster")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def plot_article_similarity(result: Result, *, ax: Axes | None = None) -> Figure:
    """Cosine similarity between articles (mean of their sentence embeddings)."""
    with arabic_font():
        fig, ax = _figure(ax, (7, 5.5))
        articles = [a.id for a in result.corpus.articles]
        centroids = []
        for article in articles:
            idx = [i for i, s in enumerate(result.sentences) if s.article == article]
            v = result.vectors[idx].mean(axis=0) if idx else np.zeros(result.vectors.shape[1])
            centroids.append(v / (np.linalg.norm(v) or 1.0))
        sim = np.asarray(centroids) @ np.asarray(centroids).T
        image = ax.imshow(sim, cmap="viridis", vmin=min(0.0, sim.min()), vmax=1.0)
        for (i, j), v in np.ndenumerate(sim):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="white" if v < 0.8 else "black", fontsize=9)
        labels = [_article_label(result, a) for a in articles]
        ax.set_xticks(range(len(articles)), labels, rotation=35, ha="right")
        ax.set_yticks(range(len(articles)), labels)
        ax.set_title("Article–article similarity (mean sentence embedding)")
        fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


#: Every chart, by the file name the report gives it.
ALL_PLOTS = {
    "coverage_heatmap": plot_coverage_heatmap,
    "cluster_coverage": plot_cluster_coverage,
    "sentence_map": plot_sentence_map,
    "article_similarity": plot_article_similarity,
}
