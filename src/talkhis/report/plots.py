"""Charts of topic coverage. Each function returns a matplotlib Figure and never calls ``show()``.

Every chart explains itself: a title, a one-line caption saying what it shows and how to read
it (also in :data:`CAPTIONS`, for pages that show the chart), a legend or colour bar, and row
labels that are unique (outlet and date, with the article id where those repeat). Every chart
takes an optional ``english`` mapping of cluster id to an English gloss, drawn beside the
Arabic terms. Work and ink stay bounded whatever the input: above :data:`AGGREGATE_ABOVE`
articles the heatmaps have one row per outlet and period instead of one per article, per-cell
numbers are written only where they fit, and the sentence map draws at most
:data:`MAX_POINTS` sentences.

The data every chart shows (rows, clusters, the principal plane) is computed in
:mod:`.chartdata`, which the interactive views share. Every piece of Arabic text passes
through :func:`shape`, so that it is drawn with joined letters, right to left: matplotlib 3.11 and later do this themselves; for older versions
:func:`shape` joins the letters (arabic-reshaper) and reorders them (python-bidi). Arabic is
drawn with Noto Sans Arabic, a font installed with talkhis (``fontpkg-noto-sans-arabic``).
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from ..corpus.lang import arabic_ratio
from .chartdata import (
    AGGREGATE_ABOVE,
    MAX_POINTS,
    TOP_CLUSTERS,
    article_labels,
    clusters_shown,
    coverage_counts,
    fact_coverage,
    heatmap_rows,
    principal_plane,
)
from .labels import short_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..pipeline import Result

__all__ = [
    "shape",
    "arabic_font",
    "plot_coverage_heatmap",
    "plot_cluster_coverage",
    "plot_sentence_map",
    "plot_article_similarity",
    "ALL_PLOTS",
    "CAPTIONS",
    "TITLES",
    "AGGREGATE_ABOVE",
    "MAX_POINTS",
]

TITLES = {
    "coverage_heatmap": "Which source covers which part of the story",
    "cluster_coverage": "Content clusters ranked by how many stories report their widest fact",
    "sentence_map": "Sentences by meaning, coloured by content cluster",
    "article_similarity": "How alike the sources are overall",
    "rouge_scores": "ROUGE F of each summariser against the human summaries",
}
#: One line under each chart: what it shows and how to read it.
CAPTIONS = {
    "coverage_heatmap": "Rows are sources, columns the most widely reported content clusters; a cell counts the "
                        "row's sentences in that cluster, so a column read down shows who reports that piece of the story.",
    "cluster_coverage": "Each bar is a content cluster (sentences on one topic); its length is the number of distinct "
                        "stories that report the same fact as its most widely reported sentence (same-fact links), "
                        "copies counted once; orange bars gave the summary a sentence.",
    "sentence_map": "Each point is a sentence placed by its embedding (first two principal components): "
                    "near points say similar things; colours are the widest content clusters, grey the rest.",
    "article_similarity": "Cosine similarity of the sources' mean sentence embeddings: 1 means the same content, "
                          "near 0 unrelated; bright off-diagonal cells are sources telling the same story.",
    "rouge_scores": "Mean ROUGE F per metric (higher is closer to what people wrote), with 95% bootstrap intervals "
                    "over the evaluated articles as error bars; systems are scored at the same word budget.",
}


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
    import fontpkg_noto_sans_arabic
    from matplotlib import font_manager

    for path in (fontpkg_noto_sans_arabic.ROOT / "files").glob("*.ttf"):
        font_manager.fontManager.addfont(str(path))
    return fontpkg_noto_sans_arabic.FAMILY


@contextlib.contextmanager
def arabic_font() -> Iterator[None]:
    """Draw with Noto Sans Arabic, falling back to DejaVu Sans for other scripts."""
    import matplotlib as mpl

    with mpl.rc_context({"font.family": [_font_name(), "DejaVu Sans"], "axes.unicode_minus": False}):
        yield


def figure_and_axes(ax: Axes | None, size: tuple[float, float], name: str) -> tuple[Figure, Axes]:
    """The axes to draw on; a new figure gets the chart's caption along its bottom edge."""
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    # A figure-level label, so that the layout makes room for it below the axes.
    caption = textwrap.fill(CAPTIONS[name], width=int(size[0] * 72 / (7.5 * 0.52)))
    fig.supxlabel(caption, fontsize=7.5, color="0.3", x=0.01, ha="left", multialignment="left")
    return fig, fig.add_subplot()


# ---------------------------------------------------------------------------- labels


def _cluster_label(cluster, english: Mapping[int, str] | None = None) -> str:
    """A short label (:func:`talkhis.report.labels.short_label`): salient words of the English
    gloss when one is given, else the Arabic top terms, shaped."""
    return shape(short_label(cluster.label, (english or {}).get(cluster.id), cluster.terms))


def _title(ax: Axes, name: str, note: str = "") -> None:
    ax.set_title(TITLES[name] + (f"\n({note})" if note else ""), fontsize=11)


def _label_cells(ax: Axes, values: np.ndarray, fmt: str, dark_above: float, skip_zero: bool = True) -> None:
    """Write each cell's value (zeros too unless ``skip_zero``) when the cells are large
    enough to hold it legibly."""
    if not values.size:
        return
    fig = ax.figure
    width_pt = fig.get_figwidth() * 72 * 0.75 / max(1, values.shape[1])
    height_pt = fig.get_figheight() * 72 * 0.7 / max(1, values.shape[0])
    size = min(9.0, height_pt * 0.6, width_pt / (0.62 * max(len(fmt.format(v)) for v in values.ravel())))
    if size < 5.5:
        return
    for (i, j), v in np.ndenumerate(values):
        if v or not skip_zero:
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=size,
                    color="white" if v > dark_above else "black")


# ---------------------------------------------------------------------------- charts


def plot_coverage_heatmap(result: Result, *, ax: Axes | None = None, top: int = TOP_CLUSTERS,
                          english: Mapping[int, str] | None = None) -> Figure:
    """Source × cluster matrix: how many sentences each article (or outlet and period, for
    many articles) gives each of the widest clusters and those in the summary."""
    with arabic_font():
        rows = heatmap_rows(result)
        clusters = clusters_shown(result, top)
        names = [f"{c.id}: {_cluster_label(c, english)}" for c in clusters]
        # the column names stand at 55 degrees: room below the matrix for the longest one
        below = 0.055 * max((len(n) for n in names), default=0)
        fig, ax = figure_and_axes(ax, (10, 3.2 + 0.22 * len(rows.labels) + below), "coverage_heatmap")
        counts = coverage_counts(result, rows, clusters)
        image = ax.imshow(counts, cmap="Blues", aspect="auto", vmin=0)
        _label_cells(ax, counts, "{}", counts.max() / 2)
        ax.set_xticks(range(len(clusters)), names, rotation=55, ha="right", fontsize=8)
        ax.set_yticks(range(len(rows.labels)), rows.labels, fontsize=8 if len(rows.labels) <= 15 else 6.5)
        ax.set_xlabel("content cluster (id: salient words)")
        _title(ax, "coverage_heatmap", rows.note)
        from matplotlib.ticker import MaxNLocator

        fig.colorbar(image, ax=ax, label="sentences in the cluster", shrink=0.8, ticks=MaxNLocator(integer=True))
    return fig


def plot_cluster_coverage(result: Result, *, ax: Axes | None = None, top: int = TOP_CLUSTERS,
                          english: Mapping[int, str] | None = None) -> Figure:
    """Clusters ranked by how many distinct stories report the same fact as their most widely
    reported sentence (same-fact links, copies counted once): the ``top`` widest clusters and
    every cluster the summary took a sentence from."""
    from matplotlib.patches import Patch

    with arabic_font():
        fact = fact_coverage(result)
        clusters = sorted(clusters_shown(result, top), key=lambda c: (-fact[c.id], -c.coverage, c.id))[::-1]
        fig, ax = figure_and_axes(ax, (9, 2.2 + 0.3 * len(clusters)), "cluster_coverage")
        in_summary = {s.cluster for s in result.summary}
        colors = ["tab:orange" if c.id in in_summary else "tab:blue" for c in clusters]
        ax.barh(range(len(clusters)), [fact[c.id] for c in clusters], color=colors)
        ax.set_yticks(range(len(clusters)), [f"{c.id}: {_cluster_label(c, english)}" for c in clusters], fontsize=8)
        ax.set_xlabel(f"stories reporting its widest fact (of {result.n_stories}; copies counted once)")
        step = max(1, int(np.ceil(result.n_stories / 12)))
        ax.set_xticks(range(0, result.n_stories + 1, step))
        ax.legend(handles=[Patch(color="tab:orange", label="in the summary"), Patch(color="tab:blue", label="not in the summary")],
                  loc="lower right", fontsize=8)
        _title(ax, "cluster_coverage")
    return fig


def plot_sentence_map(result: Result, *, ax: Axes | None = None, top: int = 8,
                      english: Mapping[int, str] | None = None) -> Figure:
    """Sentences in two dimensions (principal components of their embeddings), coloured by
    cluster for the ``top`` widest clusters (grey otherwise); one marker shape per article when
    there are at most ten, and at most :data:`MAX_POINTS` sentences drawn."""
    from matplotlib.lines import Line2D

    with arabic_font():
        fig, ax = figure_and_axes(ax, (11, 6.5), "sentence_map")
        n = len(result.sentences)
        shown = np.arange(n) if n <= MAX_POINTS else np.linspace(0, n - 1, MAX_POINTS).astype(int)
        xy = np.zeros((n, 2))
        xy[shown] = principal_plane(result.vectors[shown])
        widest = result.clusters[:top]
        colour_of = {c.id: f"C{i}" for i, c in enumerate(widest)}
        labels = np.asarray(result.labels)
        colours = np.array([colour_of.get(int(label), "lightgrey") for label in labels[shown]])
        articles = [a.id for a in result.corpus.articles]
        markers = "osD^vP*Xph"
        if len(articles) <= len(markers):
            article_of = np.array([s.article for s in result.sentences])[shown]
            for k, article in enumerate(articles):
                mine = article_of == article
                ax.scatter(xy[shown][mine, 0], xy[shown][mine, 1], c=colours[mine], marker=markers[k], edgecolors="black",
                           linewidths=0.4, s=55)
            names = article_labels(result)
            handles = [Line2D([], [], marker=markers[k], linestyle="", markerfacecolor="white", markeredgecolor="black",
                              label=names[a]) for k, a in enumerate(articles)]
            ax.add_artist(ax.legend(handles=handles, title="article (marker)", fontsize=7, title_fontsize=8,
                                   loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0))
        else:
            ax.scatter(xy[shown, 0], xy[shown, 1], c=colours, s=8, linewidths=0)
        texts = []
        for c in widest:
            members = np.intersect1d(np.asarray(c.members), shown)
            if len(members):
                centre = xy[members].mean(axis=0)
                texts.append(ax.text(centre[0], centre[1], str(c.id), fontsize=8, ha="center", va="center",
                                     bbox={"boxstyle": "round", "fc": "white", "ec": colour_of[c.id], "alpha": 0.8}))
        handles = [Line2D([], [], marker="o", linestyle="", color=colour_of[c.id], label=f"{c.id}: {_cluster_label(c, english)}")
                   for c in widest]
        handles.append(Line2D([], [], marker="o", linestyle="", color="lightgrey", label="other clusters"))
        # both legends beside the axes, and only cluster ids on the points, so no label covers a point
        ax.legend(handles=handles, title="content cluster (id on the map)", fontsize=7, title_fontsize=8, loc="lower left",
                  bbox_to_anchor=(1.01, 0.0), borderaxespad=0)
        _spread(ax, texts)
        note = f"{len(shown):,} of {n:,} sentences drawn" if len(shown) < n else ""
        _title(ax, "sentence_map", note)
        ax.set_xlabel("first principal component")
        ax.set_ylabel("second principal component")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def _spread(ax: Axes, texts: list, pad: float = 1.15) -> None:
    """Move labels apart until no two boxes overlap: each label, lowest first, steps up (or,
    at the top of the axes, down) past any label already placed that it would cover. The boxes
    are measured once in display units and grown by ``pad`` to allow for the final layout;
    every step is deterministic, and the work is quadratic in the number of labels (a few)."""
    if len(texts) < 2:
        return
    ax.autoscale_view()
    to_display = ax.transData
    to_data = ax.transData.inverted()
    top = ax.get_window_extent().y1
    placed: list[tuple[float, float, float, float]] = []
    for text in sorted(texts, key=lambda t: (t.get_position()[1], t.get_position()[0])):
        box = text.get_window_extent()
        w, h = box.width * pad, box.height * pad
        x, y = to_display.transform(text.get_position())
        for direction in (1.0, -1.0):
            cy = y
            for _ in range(len(texts) + 1):
                hits = [p for p in placed if abs(p[0] - x) < (p[2] + w) / 2 and abs(p[1] - cy) < (p[3] + h) / 2]
                if not hits:
                    break
                cy = max(p[1] + (p[3] + h) / 2 for p in hits) if direction > 0 else min(p[1] - (p[3] + h) / 2 for p in hits)
            if not hits and (direction < 0 or cy + h / 2 <= top):
                break
        placed.append((x, cy, w, h))
        text.set_position(to_data.transform((x, cy)))


def plot_article_similarity(result: Result, *, ax: Axes | None = None,
                            english: Mapping[int, str] | None = None) -> Figure:
    """Cosine similarity between sources (mean of their sentence embeddings): articles, or
    outlets and periods when there are many articles."""
    del english  # no clusters on this chart; accepted so every chart takes the same options
    with arabic_font():
        rows = heatmap_rows(result)
        size = len(rows.labels)
        fig, ax = figure_and_axes(ax, (4 + 0.3 * size, 3 + 0.3 * size) if size > 8 else (7, 5.5), "article_similarity")
        row = np.array([rows.row_of[s.article] for s in result.sentences], dtype=int)
        vectors = np.asarray(result.vectors, dtype=np.float64)
        sums = np.array([vectors[row == r].sum(axis=0) for r in range(size)]).reshape(size, vectors.shape[1])
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centroids = sums / np.where(norms == 0, 1.0, norms)
        sim = centroids @ centroids.T
        low = min(0.0, float(sim.min()))
        image = ax.imshow(sim, cmap="viridis", vmin=low, vmax=1.0)
        _label_cells(ax, np.round(sim, 2) + 0.0, "{:.2f}", np.inf, skip_zero=False)
        for text in ax.texts:  # black on the bright upper half of viridis, white below
            text.set_color("black" if (float(text.get_text()) - low) / (1.0 - low) > 0.55 else "white")
        ax.set_xticks(range(size), rows.labels, rotation=35, ha="right", fontsize=8 if size <= 15 else 6.5)
        ax.set_yticks(range(size), rows.labels, fontsize=8 if size <= 15 else 6.5)
        _title(ax, "article_similarity", rows.note)
        fig.colorbar(image, ax=ax, shrink=0.8, label="cosine similarity")
    return fig


#: Every chart, by the file name the report gives it.
ALL_PLOTS = {
    "coverage_heatmap": plot_coverage_heatmap,
    "cluster_coverage": plot_cluster_coverage,
    "sentence_map": plot_sentence_map,
    "article_similarity": plot_article_similarity,
}
