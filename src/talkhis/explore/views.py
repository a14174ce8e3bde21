"""What the explorer shows, as plain values and HTML: the summary with its English and
sources, and a cluster's sentences highlighted in each article, side by side, right to left."""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..corpus import HEADING, TITLE
from ..pipeline import Result
from ..report.html import arabic
from ..report.write import sources_text

__all__ = ["SummaryRow", "summary_rows", "summary_html", "highlighted", "articles_html"]


@dataclass(frozen=True)
class SummaryRow:
    """One summary sentence as the explorer shows it.

    Attributes:
        n: its number in reading order, from 1.
        article: id of the article it is quoted from; ``index`` its segment number there.
        arabic: the sentence as written; ``english`` its translation, ``None`` when no
            backend covers it (``translation`` then says why, else where it came from).
        stories: distinct stories reporting its content, of ``n_stories``.
        sources: the sentences it cites as reporting the same fact (itself included),
            grouped by article.
        topic: the other sentences of its content cluster, which report the same topic but are
            not cited (``"none"`` when every one is).
    """

    n: int
    article: str
    index: int
    arabic: str
    english: str | None
    translation: str
    period: str
    stories: int
    n_stories: int
    sources: str
    cluster: int
    topic: str = "none"


def summary_rows(result: Result) -> list[SummaryRow]:
    """The summary of ``result`` with its English, what it cites and what else its cluster
    holds, in summary order."""
    members = {c.id: c.members for c in result.clusters}
    rows = []
    for n, (s, t) in enumerate(zip(result.summary, result.translations), start=1):
        where = t.source if t.ok else f"untranslated: {t.note or t.source}"
        cited = {(x.article, x.index) for x in s.sources}
        sources = sources_text(result, ((x.article, x.index) for x in s.sources))
        rest = sorted((result.sentences[i].article, result.sentences[i].index) for i in members.get(s.cluster, []))
        topic = sources_text(result, (r for r in rest if r not in cited)) or "none"
        rows.append(SummaryRow(n, s.sentence.article, s.sentence.index, s.sentence.text, t.text, where,
                               s.period, s.coverage, result.n_stories, sources, s.cluster, topic))
    return rows


_STYLE = ("<style>.tk-sum td,.tk-sum th{padding:.3em .5em;vertical-align:top;border-top:1px solid #ddd}"
          ".tk-sum td.ar,.tk-art .ar{font-size:1.1em}"
          ".tk-meta{color:#555;font-size:.85em}.tk-art{display:flex;gap:1em;align-items:flex-start}"
          ".tk-col{flex:1;min-width:14em;max-height:32em;overflow-y:auto;border:1px solid #ddd;padding:.4em}"
          ".tk-art mark{background:#ffe08a}.tk-art .quoted{font-weight:bold}</style>")


def summary_html(result: Result) -> str:
    """The summary as an HTML table: Arabic right to left beside its English, with its
    period, its coverage, what it cites and the rest of its content cluster."""
    esc = html.escape
    rows = []
    for r in summary_rows(result):
        english = esc(r.english) if r.english is not None else f"<i>{esc(r.translation)}</i>"
        rows.append(f'<tr class="tk-row" data-cluster="{r.cluster}"><td>{r.n}</td>'
                    f'{arabic(" ".join(r.arabic.split()))}<td lang="en">{english}'
                    f'<div class="tk-meta">{esc(r.translation)}</div></td>'
                    f'<td class="tk-meta">{esc(r.period)}<br>{r.stories} of {r.n_stories} stories<br>'
                    f'cites: {esc(r.sources)}<br><span class="tk-topic">same topic, not cited: {esc(r.topic)}'
                    '</span></td></tr>')
    if not rows:
        return _STYLE + "<p>No sentence can stand alone in a summary at these settings.</p>"
    return (_STYLE + '<table class="tk-sum"><tr><th>#</th><th>Arabic</th><th>English</th><th>where from</th></tr>'
            + "".join(rows) + "</table>")


def highlighted(result: Result, cluster_id: int | None) -> dict[str, list[int]]:
    """Article id → segment numbers of the sentences of cluster ``cluster_id``, in order."""
    cluster = next((c for c in result.clusters if c.id == cluster_id), None)
    out: dict[str, list[int]] = {}
    for i in cluster.members if cluster else []:
        s = result.sentences[i]
        out.setdefault(s.article, []).append(s.index)
    return {a: sorted(idx) for a, idx in sorted(out.items())}


def _article_header(result: Result, article_id: str) -> str:
    a = result.corpus.article(article_id)
    copy_of = f" · copy of {a.duplicate_of}" if a.duplicate_of else ""
    return html.escape(f"{a.outlet or 'outlet unknown'} · {a.date or 'undated'} · {a.id}{copy_of}")


def articles_html(result: Result, cluster_id: int | None) -> str:
    """The articles holding a sentence of cluster ``cluster_id``, side by side, right to left,
    every segment in order with the cluster's sentences highlighted (``<mark>``) and the one
    the summary quotes in bold; the other articles are named below."""
    marks = highlighted(result, cluster_id)
    if not marks:
        return _STYLE + "<p>Choose a cluster to see its sentences in the articles.</p>"
    quoted = {(s.sentence.article, s.sentence.index) for s in result.summary}
    columns = []
    for article_id, indices in marks.items():
        parts = []
        for s in result.corpus.article(article_id).sentences:
            text = html.escape(s.text)
            if s.kind in (HEADING, TITLE):
                text = f"<b>{text}</b>"
            if s.index in indices:
                css = ' class="quoted"' if (s.article, s.index) in quoted else ""
                text = f'<mark data-ref="{html.escape(s.article)} §{s.index}"{css}>{text}</mark>'
            parts.append(f"<p>{text} <span class=\"tk-meta\">§{s.index}</span></p>")
        columns.append(f'<div class="tk-col"><div class="tk-meta" dir="ltr">{_article_header(result, article_id)}</div>'
                       f'{arabic("".join(parts), "div", raw=True)}</div>')
    others = [a.id for a in result.corpus.articles if a.id not in marks]
    rest = f'<p class="tk-meta">Not in this cluster: {html.escape(", ".join(others))}</p>' if others else ""
    return _STYLE + f'<div class="tk-art">{"".join(columns)}</div>' + rest
