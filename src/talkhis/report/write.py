"""Write the outputs of a run: summary.json, summary.md, report.html, sentences.csv and chart PNGs.

The summary is shown in sections, one per time period (:func:`section_title`): the background
first, then what each later period changed.

Outputs are written whole or not at all, and never over a file talkhis did not write: see
:mod:`talkhis.report.outdir`.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..align.periods import UNDATED, period_order
from ..errors import InputError
from ..translate import adequacy_fields, adequacy_label, adequacy_warning
from .html import arabic
from .outdir import output_dir
from .plots import CAPTIONS, TITLES
from .table import sentences_csv

if TYPE_CHECKING:
    from ..pipeline import Result

__all__ = ["section_title", "sources_text", "summary_dict", "summary_markdown", "render_charts", "report_html",
           "write_outputs"]


def _round(x: float) -> float:
    return round(float(x), 4)


def section_title(period: str, order: Sequence[str]) -> str:
    """The heading of a period's section: ``Background (2021-07)`` for the first of several
    periods, ``What changed (2024-01)`` for a later one, ``Summary (…)`` when there is one
    period, and ``Undated`` for undated articles beside dated ones."""
    if period == UNDATED and len(order) > 1:
        return "Undated"
    if len(order) == 1:
        return f"Summary ({period})"
    return f"Background ({period})" if period == order[0] else f"What changed ({period})"


def summary_dict(result: Result) -> dict:
    """The machine-readable record of a run (written as ``summary.json``)."""
    corpus = result.corpus
    notes = []
    if result.n_stories == 1:
        notes.append("only one story (after removing copies): the summary shows what it says, not what several sources share")
    for s in corpus.skipped:
        notes.append(f"skipped {Path(s.path).name}: {s.reason}")
    notes.extend(corpus.notes)
    notes.extend(result.notes)
    order = result.selection.period_order if result.selection else period_order(result.periods)
    quotas = result.selection.quotas if result.selection else {}
    return {
        "articles": [
            {
                "id": a.id,
                "file": Path(a.path).name if a.path else None,
                "encoding": a.encoding,
                "outlet": a.outlet,
                "outlet_source": a.outlet_source,
                "date": a.date,
                "date_source": a.date_source,
                "period": result.periods.get(a.id),
                "title": a.title,
                "sentences": len(a.sentences),
                "duplicate_of": a.duplicate_of,
                "removed": [{"rule": r.rule, "text": r.text} for r in a.removed],
            }
            for a in corpus.articles
        ],
        "overlaps": [
            {"a": o.a, "b": o.b, "a_in_b": _round(o.a_in_b), "b_in_a": _round(o.b_in_a), "jaccard": _round(o.jaccard)}
            for o in corpus.overlaps
        ],
        "clusters": [
            {
                "id": c.id,
                "label": c.label,
                "terms": c.terms,
                "articles": c.articles,
                "size": c.size,
                "coverage": c.coverage,
                "cohesion": _round(c.cohesion),
            }
            for c in result.clusters
        ],
        "periods": [
            {
                "period": p,
                "section": section_title(p, order),
                "articles": sorted(a for a, q in result.periods.items() if q == p),
                "share": quotas.get(p, 0),
            }
            for p in order
        ],
        "summary": [
            {
                "section": section_title(s.period, order),
                "text": s.sentence.line,
                "translation": t.text,
                "translation_source": t.source,
                "translation_note": t.note,
                **adequacy_fields(t),
                "article": s.sentence.article,
                "sentence": s.sentence.index,
                "sources": [{"article": x.article, "sentence": x.index} for x in s.sources],
                "cluster": s.cluster,
                "coverage": s.coverage,
                "date": corpus.article(s.sentence.article).date,
                "period": s.period,
                "periods": s.periods,
                "score": _round(s.score),
            }
            for s, t in zip(result.summary, result.translations)
        ],
        "notes": notes,
        "config": result.config(),
    }


def sources_text(result: Result, sources: Iterable[tuple[str, int]], ident: Callable[[str], str] = str) -> str:
    """Describe ``(article, sentence)`` pairs grouped by article: outlet, id (and what it is a
    copy of) and the sentence numbers; ``ident`` formats each id (e.g. as Markdown code)."""
    by_article: dict[str, list[int]] = {}
    for article_id, index in sources:
        by_article.setdefault(article_id, []).append(index)
    parts = []
    for article_id, idx in by_article.items():
        a = result.corpus.article(article_id)
        copy = f", copy of {ident(a.duplicate_of)}" if a.duplicate_of else ""
        parts.append(f"{a.outlet or ident(article_id)} ({ident(article_id)}{copy}) §{', §'.join(map(str, idx))}")
    return "; ".join(parts)


def _item_sources(result: Result, item: dict) -> str:
    return sources_text(result, ((src["article"], src["sentence"]) for src in item["sources"]))


def _english(item: dict) -> str:
    if item["translation"] is None:
        return f"[untranslated: {item['translation_note']}]"
    return item["translation"]


def _sections(data: dict) -> list[tuple[str, list[tuple[int, dict]]]]:
    """The summary items of ``data`` grouped by section, numbered from 1 across sections."""
    out: list[tuple[str, list[tuple[int, dict]]]] = []
    for n, item in enumerate(data["summary"], start=1):
        if not out or out[-1][0] != item["section"]:
            out.append((item["section"], []))
        out[-1][1].append((n, item))
    return out


def _where(result: Result, item: dict) -> str:
    also = [p for p in item["periods"] if p != item["period"]]
    return (f"reported by {item['coverage']} of {result.n_stories} stories"
            + (f", also in {', '.join(also)}" if also else "") + f" · sources: {_item_sources(result, item)}")


def summary_markdown(result: Result, data: dict | None = None) -> str:
    """A readable summary, one section per period: Arabic (right to left), its English, and
    where each sentence comes from."""
    data = data or summary_dict(result)
    periods_text = ", ".join(p["period"] for p in data["periods"])
    lines = [
        "# تلخيص · Summary",
        "",
        f"{len(data['articles'])} articles, {result.n_stories} distinct stories, periods: {periods_text}. "
        f"Embedder `{result.embedder}`, translator `{result.translator}`.",
        "",
    ]
    for title, items in _sections(data):
        lines += [f"## {title}", ""]
        for n, item in items:
            lines += [
                f"{n}. <p dir=\"rtl\" lang=\"ar\">{item['text']}</p>",
                "",
                f"   {_english(item)} *({adequacy_label(item)})*",
                "",
                *([f"   > ⚠ {adequacy_warning(item)}", ""] if adequacy_warning(item) else []),
                f"   {_where(result, item)}",
                "",
            ]
    for note in data["notes"]:
        lines.append(f"> Note: {note}")
    return "\n".join(lines).rstrip() + "\n"


def render_charts(result: Result, dpi: int = 110) -> dict[str, bytes]:
    """Every chart of :data:`talkhis.report.plots.ALL_PLOTS` as PNG bytes, with English glosses of the
    clusters wherever their sentences have English; an identical earlier render is reused from
    the cache unless the run has the cache off (see :mod:`talkhis.report.chartcache`)."""
    from .chartcache import render_pngs
    from .labels import glosses

    return render_pngs(result, dpi, english=glosses(result), use_cache=result.options.cache)


_CSS = """
body{font-family:'Noto Sans Arabic','Noto Sans','DejaVu Sans',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.6em;vertical-align:top}
td.ar{font-size:1.15em;width:42%}td.en{width:38%}
.meta{color:#555;font-size:.85em}.untranslated{color:#a33;font-style:italic}.warn{color:#a33;font-weight:bold;font-size:.85em}
figure{margin:2em 0}img{max-width:100%}figcaption{color:#555;font-size:.9em}.tk-view{min-height:200px}
"""


def _summary_rows(result: Result, items: list[tuple[int, dict]]) -> str:
    esc = html.escape
    rows = []
    for n, item in items:
        english = (
            f"{esc(item['translation'])}<div class='meta'>translation: {esc(adequacy_label(item))}</div>"
            + (f"<div class='warn'>⚠ {esc(adequacy_warning(item))}</div>" if adequacy_warning(item) else "")
            if item["translation"] is not None
            else f"<span class='untranslated'>untranslated: {esc(item['translation_note'] or '')}</span>"
        )
        rows.append(f"<tr><td>{n}</td>{arabic(item['text'])}<td class='en' lang='en'>{english}</td>"
                    f"<td class='meta'>{esc(_where(result, item)).replace(' · sources: ', '<br>')}</td></tr>")
    return "".join(rows)


def _views(result: Result) -> str:
    """The interactive views (:mod:`.interactive`) with their headings and captions, after one
    inlined copy of plotly.js."""
    from . import interactive
    from .labels import glosses

    views = interactive.views_html(result, glosses(result))
    parts = [f"<script>{interactive.plotly_js()}</script>"]
    for name, fragment in views.items():
        parts.append(f"<h2>{html.escape(interactive.HEADINGS[name])}</h2><figure>{fragment}"
                     f"<figcaption>{html.escape(interactive.CAPTIONS[name])}</figcaption></figure>")
    return "\n".join(parts)


def report_html(result: Result, charts: dict[str, bytes] | None = None, data: dict | None = None) -> str:
    """A self-contained HTML report that opens offline: the summary in one section per period,
    Arabic right to left beside the English with each sentence's sources; who reports what, the
    story over time, the sentence map and the coverage heatmap as interactive views (plotly.js
    inlined once); any static ``charts`` (PNG bytes, each carrying its own caption); and what
    was read."""
    data = data or summary_dict(result)
    esc = html.escape
    sections = [f"<h2>{esc(title)}</h2>\n<table><tr><th>#</th><th>Arabic</th><th>English</th>"
                f"<th>Where from</th></tr>{_summary_rows(result, items)}</table>" for title, items in _sections(data)]
    articles = "".join(
        f"<tr><td>{esc(a['id'])}</td><td>{esc(a['outlet'] or '')}</td><td>{esc(a['date'] or 'undated')}</td>"
        f"<td>{a['sentences']}</td><td>{esc(a['duplicate_of'] or '')}</td>"
        f"<td>{esc(', '.join(r['rule'] for r in a['removed']))}</td></tr>"
        for a in data["articles"]
    )
    figures = "".join(
        f"<figure><img alt='{esc(TITLES.get(name, name))}: {esc(CAPTIONS.get(name, ''))}' "
        f"src='data:image/png;base64,{base64.b64encode(png).decode()}'></figure>"
        for name, png in (charts or {}).items()
    )
    notes = "".join(f"<p class='meta'>Note: {esc(n)}</p>" for n in data["notes"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>talkhis summary</title><style>{_CSS}</style></head>
<body>
<h1>{arabic("تلخيص", "span", css="ar-title")} · Summary of {len(data['articles'])} articles</h1>
<p class="meta">Embedder {esc(result.embedder)} · translator {esc(result.translator)} · talkhis {esc(data['config']['talkhis_version'])}</p>
{notes}
{''.join(sections)}
{_views(result)}
{f"<h2>Static charts</h2>{figures}" if figures else ""}
<h2>Articles read</h2>
<table><tr><th>id</th><th>outlet</th><th>date</th><th>segments</th><th>copy of</th><th>boilerplate removed</th></tr>{articles}</table>
</body></html>
"""


def write_outputs(result: Result, out: str | Path, *, force: bool = False, pngs: bool = False) -> Path:
    """Write ``summary.json``, ``summary.md``, ``report.html``, ``sentences.csv`` (see
    :mod:`talkhis.report.table`) and, with ``pngs``, one static PNG per chart (for papers; drawing
    them is most of a run's time, so they are made only when asked for) into
    ``out``, whole or not at all (see :func:`talkhis.report.outdir.output_dir`; ``force`` allows a
    folder that holds other files, which are left as they are).

    Raises:
        InputError: ``out`` is the folder the articles were read from, a file, or a non-empty
            folder talkhis did not write (without ``force``).
    """
    if result.corpus.folder and Path(out).resolve() == Path(result.corpus.folder).resolve():
        raise InputError(f"{out}: is the input folder; choose another output folder")
    with output_dir(out, force=force) as tmp:
        data = summary_dict(result)
        charts = render_charts(result) if pngs else {}
        (tmp / "summary.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (tmp / "summary.md").write_text(summary_markdown(result, data), encoding="utf-8")
        (tmp / "report.html").write_text(report_html(result, charts, data), encoding="utf-8")
        (tmp / "sentences.csv").write_text(sentences_csv(result), encoding="utf-8", newline="")
        for name, png in charts.items():
            (tmp / f"{name}.png").write_bytes(png)
    return Path(out)
