"""Interactive views of a run, drawn by plotly.js: the sentence map, the coverage heatmap, who
reports what, and the story timeline.

Each view is built as a plain figure specification (a dict of plotly ``data`` and ``layout``),
so writing ``report.html`` needs neither the plotly Python package nor any drawing: the specs go
into the page as JSON beside one inlined copy of the minified plotly.js that the ``plotly``
package ships (found without importing it). In a notebook, :func:`figure` turns a spec into a
``plotly.graph_objects.Figure`` (plotly imported only then), which Jupyter shows interactively.

Every point answers a hover with what it stands for: the Arabic sentence, its English where a
reference translation or the run's own translation exists, and its source (outlet, date, §).
The views read only the run's public data (the summary items with their sources, the clusters,
the articles with outlet and date), so they follow any change in how those are chosen.
"""

from __future__ import annotations

import html
import importlib.util
import json
import textwrap
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .labels import glosses, sentence_english, short_label

if TYPE_CHECKING:
    from ..pipeline import Result

__all__ = ["VIEWS", "TITLES", "HEADINGS", "CAPTIONS", "View", "view", "view_spec", "figure", "plotly_js", "views_html"]

#: The title of each interactive view, by name.
TITLES = {
    "who_reports_what": "Who reports what (sources in date order)",
    "timeline": "The story over time",
    "sentence_map": "Sentences by meaning, coloured by content cluster",
    "coverage_heatmap": "Which source covers which part of the story",
}
#: The report section of each view.
HEADINGS = {"who_reports_what": "Who reports what", "timeline": "The story over time",
            "sentence_map": "Sentences by meaning", "coverage_heatmap": "Who covers which part of the story"}
#: One line under each view: what it shows and how to read it.
CAPTIONS = {
    "who_reports_what": "Rows are the facts the summary states (each summary sentence with the sentences linked to it "
                        "as the same fact); columns are the sources in date order. A filled cell shows that source "
                        "reported the fact (hover for its sentence); an empty cell, that it stayed silent.",
    "timeline": "Each row is a fact of the summary, each point an article reporting it, placed at the article's date; "
                "the top row shows every article. Hover a point for the sentence and its source.",
    "sentence_map": "Each point is a sentence placed by its embedding (first two principal components): near points "
                    "say similar things; colours are the widest content clusters, grey the rest; stars are summary "
                    "sentences.",
    "coverage_heatmap": "Rows are sources, columns the most widely reported content clusters; a cell counts the row's "
                        "sentences in that cluster. Hover a cell for the cluster's central sentence.",
}
_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
_FONT = "Noto Sans Arabic, Noto Sans, DejaVu Sans, sans-serif"


def _esc(text: str) -> str:
    """Text for plotly's hover labels, which understand a few tags and ``&lt;``/``&gt;``/``&amp;``
    but would show ``&quot;`` as it is written."""
    return html.escape(text, quote=False)


def _wrap(text: str | None, width: int = 70) -> str:
    """Hover text: HTML-escaped, broken into lines of about ``width`` characters."""
    if not text:
        return "—"
    return "<br>".join(_esc(line) for line in textwrap.wrap(" ".join(text.split()), width))


def _source(result: Result, article_id: str, index: int | None = None) -> str:
    a = result.corpus.article(article_id)
    parts = [a.outlet or "unknown outlet", a.date or "undated"]
    if a.duplicate_of:
        parts.append(f"copy of {a.duplicate_of}")
    where = " · ".join(parts) + (f" · §{index}" if index is not None else "")
    return _esc(where)


def _hover(result: Result, position: int, english: list[str | None]) -> str:
    """What a sentence's point says on hover: its Arabic, its English and its source."""
    s = result.sentences[position]
    return (f"<b>{_source(result, s.article, s.index)}</b><br>{_wrap(s.text)}<br>"
            f"<i>{_wrap(english[position]) if english[position] else 'no English at hand'}</i>")


def _layout(name: str, **extra: Any) -> dict:
    return {"title": {"text": TITLES[name]}, "paper_bgcolor": "white", "font": {"family": _FONT, "size": 12}, "hovermode": "closest",
            "hoverlabel": {"align": "auto", "font": {"family": _FONT}}, "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
            **extra}


def _articles_by_date(result: Result) -> list:
    """The articles in date order (undated last), then by outlet and id."""
    return sorted(result.corpus.articles, key=lambda a: (a.date is None, a.date or "", a.outlet or "", a.id))


def _article_name(result: Result, a) -> str:
    name = f"{a.outlet or a.id[:12]}<br>{a.date or 'undated'}" + (" (copy)" if a.duplicate_of else "")
    same = [b for b in result.corpus.articles if (b.outlet, b.date) == (a.outlet, a.date)]
    return name + (f"<br>{a.id[:8]}" if len(same) > 1 else "")


def _factrows(result: Result) -> list[tuple[str, dict[str, list]]]:
    """The facts the summary states: one row per summary item, its label and the sentences
    reporting it (the item's own and those it cites), by article."""
    rows = []
    for n, item in enumerate(result.summary, start=1):
        by_article: dict[str, list] = {}
        for s in [item.sentence, *item.sources]:
            if s not in by_article.get(s.article, []):
                by_article.setdefault(s.article, []).append(s)
        rows.append((f"{n}", by_article))
    return rows


def _fact_labels(result: Result, english: list[str | None]) -> list[str]:
    """A short label per summary item: salient words of its English, else its Arabic terms."""
    position = {(s.article, s.index): i for i, s in enumerate(result.sentences)}
    labels = []
    for n, item in enumerate(result.summary, start=1):
        i = position.get((item.sentence.article, item.sentence.index))
        t = result.translations[n - 1] if n - 1 < len(result.translations) else None
        gloss = t.text if t is not None and t.ok else (english[i] if i is not None else None)
        labels.append(f"{n}. {short_label(item.sentence.text, gloss)}")
    return labels


# ---------------------------------------------------------------------------- views


def who_reports_what(result: Result) -> dict:
    """Facts × sources: filled where a source reports the fact, empty where it is silent."""
    english = sentence_english(result)
    position = {(s.article, s.index): i for i, s in enumerate(result.sentences)}
    articles = _articles_by_date(result)
    facts = _factrows(result)
    labels = _fact_labels(result, english)
    z, text, hover = [], [], []
    for (_, by_article), label in zip(facts, labels):
        zr, tr, hr = [], [], []
        for a in articles:
            found = by_article.get(a.id, [])
            zr.append(1 if found else 0)
            tr.append(" ".join(f"§{s.index}" for s in found))
            if found:
                s = found[0]
                i = position.get((s.article, s.index))
                hr.append(f"<b>{_esc(label)}</b><br>reported by " + _hover(result, i, english) if i is not None
                          else f"<b>{_esc(label)}</b><br>reported by {_source(result, a.id, s.index)}")
            else:
                hr.append(f"<b>{_esc(label)}</b><br>{_source(result, a.id)}: silent on this fact")
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    data = [{"type": "heatmap", "z": z, "x": [_article_name(result, a) for a in articles], "y": labels, "text": text,
             "texttemplate": "%{text}", "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
             "colorscale": [[0, "#f4f4f4"], [1, "#2b6cb0"]], "zmin": 0, "zmax": 1, "showscale": False, "xgap": 2,
             "ygap": 2}]
    layout = _layout("who_reports_what", height=170 + 36 * max(1, len(facts)), margin={"l": 60, "r": 20, "t": 110, "b": 20},
                     yaxis={"autorange": "reversed", "automargin": True},
                     xaxis={"side": "top", "automargin": True})
    return {"data": data, "layout": layout}


def timeline(result: Result) -> dict:
    """Articles and the facts they report on a date axis."""
    english = sentence_english(result)
    position = {(s.article, s.index): i for i, s in enumerate(result.sentences)}
    dated = [a for a in _articles_by_date(result) if a.date]
    labels = _fact_labels(result, english)
    top = "every article"
    data = [{"type": "scatter", "mode": "markers", "name": "articles", "x": [a.date for a in dated],
             "y": [top] * len(dated), "marker": {"symbol": "square", "size": 12, "color": "#555"},
             "customdata": [f"<b>{_source(result, a.id)}</b><br>{_esc(a.title or a.id)}<br>"
                            f"{len(a.sentences)} segments" for a in dated],
             "hovertemplate": "%{customdata}<extra></extra>"}]
    for k, ((_, by_article), label) in enumerate(zip(_factrows(result), labels)):
        xs, hover = [], []
        for a in dated:
            for s in by_article.get(a.id, [])[:1]:
                i = position.get((s.article, s.index))
                xs.append(a.date)
                hover.append(_hover(result, i, english) if i is not None else _source(result, a.id, s.index))
        data.append({"type": "scatter", "mode": "lines+markers", "name": label, "x": xs, "y": [label] * len(xs),
                     "marker": {"size": 11, "color": _PALETTE[k % len(_PALETTE)]},
                     "line": {"color": _PALETTE[k % len(_PALETTE)], "width": 2}, "customdata": hover,
                     "hovertemplate": "%{customdata}<extra></extra>"})
    undated = len(result.corpus.articles) - len(dated)
    note = f" ({undated} undated articles not placed)" if undated else ""
    layout = _layout("timeline", height=160 + 34 * (1 + len(labels)), showlegend=False,
                     xaxis={"type": "date", "title": {"text": "article date" + note}},
                     yaxis={"categoryorder": "array", "categoryarray": [top, *labels], "autorange": "reversed",
                            "automargin": True})
    return {"data": data, "layout": layout}


def sentence_map(result: Result, english_clusters: Mapping[int, str] | None = None, top: int = 8) -> dict:
    """Sentences on the first two principal components of their embeddings."""
    from .chartdata import MAX_POINTS, principal_plane

    english = sentence_english(result)
    n = len(result.sentences)
    shown = np.arange(n) if n <= MAX_POINTS else np.linspace(0, n - 1, MAX_POINTS).astype(int)
    xy = np.zeros((n, 2))
    if n:
        xy[shown] = principal_plane(result.vectors[shown])
    xy = np.round(xy, 4)
    labels = np.asarray(result.labels)
    widest = result.clusters[:top]
    wide_ids = {c.id for c in widest}
    data = []
    groups = [(f"{c.id}: {short_label(c.label, (english_clusters or {}).get(c.id), c.terms)}", [c.id], _PALETTE[k])
              for k, c in enumerate(widest)]
    groups.append(("other clusters", None, "#c8c8c8"))
    for name, ids, colour in groups:
        members = [int(i) for i in shown if (int(labels[i]) in ids if ids else int(labels[i]) not in wide_ids)]
        data.append({"type": "scatter", "mode": "markers", "name": name, "x": xy[members, 0].tolist(),
                     "y": xy[members, 1].tolist(), "marker": {"size": 9, "color": colour, "line": {"width": 0.5,
                                                                                                "color": "#333"}},
                     "customdata": [_hover(result, i, english) for i in members],
                     "hovertemplate": "%{customdata}<extra></extra>"})
    position = {(s.article, s.index): i for i, s in enumerate(result.sentences)}
    quoted = [position[(s.sentence.article, s.sentence.index)] for s in result.summary
              if (s.sentence.article, s.sentence.index) in position]
    data.append({"type": "scatter", "mode": "markers", "name": "in the summary", "x": xy[quoted, 0].tolist(),
                 "y": xy[quoted, 1].tolist(), "marker": {"symbol": "star", "size": 16, "color": "rgba(0,0,0,0)",
                                                         "line": {"width": 2, "color": "#000"}},
                 "customdata": [_hover(result, i, english) for i in quoted],
                 "hovertemplate": "<b>in the summary</b><br>%{customdata}<extra></extra>"})
    layout = _layout("sentence_map", height=560, legend={"title": {"text": "content cluster"}},
                     xaxis={"title": {"text": "first principal component"}, "showticklabels": False, "zeroline": False},
                     yaxis={"title": {"text": "second principal component"}, "showticklabels": False,
                            "zeroline": False})
    return {"data": data, "layout": layout}


def coverage_heatmap(result: Result, english_clusters: Mapping[int, str] | None = None) -> dict:
    """Sources × clusters: how many sentences each source gives each widely reported cluster."""
    from .chartdata import TOP_CLUSTERS, clusters_shown, coverage_counts, heatmap_rows

    english = sentence_english(result)
    rows = heatmap_rows(result)
    clusters = clusters_shown(result, TOP_CLUSTERS)
    counts = coverage_counts(result, rows, clusters)
    names = [f"{c.id}: {short_label(c.label, (english_clusters or {}).get(c.id), c.terms)}" for c in clusters]
    central = [_hover(result, c.label_member, english) for c in clusters]
    hover = [[f"<b>{_esc(rows.labels[r])}</b> · {counts[r, j]} sentence(s) in cluster "
              f"{_esc(names[j])}<br>central sentence: {central[j]}" for j in range(len(clusters))]
             for r in range(len(rows.labels))]
    top = int(counts.max()) if counts.size else 1
    data = [{"type": "heatmap", "z": counts.tolist(), "x": names, "y": rows.labels, "colorscale": [[0, "#f7fbff"], [1, "#08306b"]], "zmin": 0,
             "text": [[str(v) if v else "" for v in row] for row in counts.tolist()], "texttemplate": "%{text}",
             "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
             "colorbar": {"title": {"text": "sentences"}, "dtick": max(1, int(np.ceil(top / 6))), "tick0": 0}}]
    layout = _layout("coverage_heatmap", height=220 + 28 * len(rows.labels),
                     xaxis={"tickangle": -35, "automargin": True}, yaxis={"autorange": "reversed", "automargin": True})
    return {"data": data, "layout": layout}


#: Every interactive view, by name, in the order the report shows them.
VIEWS = {"who_reports_what": who_reports_what, "timeline": timeline, "sentence_map": sentence_map,
         "coverage_heatmap": coverage_heatmap}


def view_spec(name: str, result: Result, english_clusters: Mapping[int, str] | None = None) -> dict:
    """The figure specification of view ``name`` (a key of :data:`VIEWS`)."""
    if name in ("sentence_map", "coverage_heatmap"):
        return VIEWS[name](result, english_clusters)
    return VIEWS[name](result)


class View:
    """An interactive view for a notebook: Jupyter draws it with its plotly renderer (the
    ``application/vnd.plotly.v1+json`` output), without the plotly Python package."""

    def __init__(self, name: str, spec: dict) -> None:
        self.name = name
        self.spec = spec

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return {"application/vnd.plotly.v1+json": {**self.spec, "config": {"displaylogo": False}},
                "text/plain": f"{TITLES[self.name]} (an interactive view: run the cell in JupyterLab to see it)"}


def view(name: str, result: Result) -> View:
    """View ``name`` (a key of :data:`VIEWS`) of ``result`` for a notebook cell to show."""
    return View(name, view_spec(name, result, glosses(result)))


def figure(name: str, result: Result):
    """View ``name`` as a ``plotly.graph_objects.Figure``, for a notebook (plotly imported here)."""
    try:
        import plotly.graph_objects as go
    except ImportError:
        from ..errors import MissingDependency

        raise MissingDependency("interactive views need plotly: pip install 'talkhis[notebooks]'") from None
    return go.Figure(view_spec(name, result, glosses(result)))



@cache
def plotly_js() -> str:
    """The minified plotly.js that the ``plotly`` package ships, read without importing it."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        from ..errors import MissingDependency

        raise MissingDependency("report.html needs plotly: pip install plotly")
    return (Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js").read_text("utf-8")


def views_html(result: Result, english_clusters: Mapping[int, str] | None = None) -> dict[str, str]:
    """Every view as an HTML fragment (a div and the script that draws it), by name; the page
    must include :func:`plotly_js` once, before them."""
    out = {}
    for name in VIEWS:
        spec = view_spec(name, result, english_clusters)
        payload = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        config = json.dumps({"displaylogo": False, "responsive": True})
        out[name] = (f'<div class="tk-view" id="view-{name}" data-view="{name}"></div>'
                     f'<script>(function(){{var s={payload};Plotly.newPlot("view-{name}",s.data,s.layout,{config});}})();'
                     '</script>')
    return out
