"""Write the outputs of a run: summary.json, summary.md, report.html and chart PNGs.

Outputs are written whole or not at all, and never over a file talkhis did not write: see
:mod:`talkhis.outdir`.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .outdir import output_dir

if TYPE_CHECKING:
    from .pipeline import Result

__all__ = ["sources_text", "summary_dict", "summary_markdown", "render_charts", "report_html", "write_outputs"]


def _round(x: float) -> float:
    return round(float(x), 4)


def summary_dict(result: Result) -> dict:
    """The machine-readable record of a run (written as ``summary.json``)."""
    corpus = result.corpus
    notes = []
    if result.n_stories == 1:
        notes.append("only one story (after removing copies): the summary shows what it says, not what several sources share")
    for s in corpus.skipped:
        notes.append(f"skipped {Path(s.path).name}: {s.reason}")
    notes.extend(corpus.notes)
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
        "summary": [
            {
                "text": s.sentence.text,
                "translation": t.text,
                "translation_source": t.source,
                "translation_note": t.note,
                "article": s.sentence.article,
                "sentence": s.sentence.index,
                "sources": [{"article": x.article, "sentence": x.index} for x in s.sources],
                "cluster": s.cluster,
                "coverage": s.coverage,
                "date": corpus.article(s.sentence.article).date,
                "period": s.period,
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


def summary_markdown(result: Result, data: dict | None = None) -> str:
    """A readable summary: Arabic, its English, sources and period for each sentence."""
    data = data or summary_dict(result)
    lines = [
        "# تلخيص · Summary",
        "",
        f"{len(data['articles'])} articles, {result.n_stories} distinct stories, periods: "
        f"{', '.join(sorted(set(result.periods.values())))}. Embedder `{result.embedder}`, translator `{result.translator}`.",
        "",
    ]
    for n, item in enumerate(data["summary"], start=1):
        lines += [
            f"{n}. <p dir=\"rtl\" lang=\"ar\">{item['text']}</p>",
            "",
            f"   {_english(item)} *({item['translation_source']})*",
            "",
            f"   Period {item['period']} · reported by {item['coverage']} of {result.n_stories} stories · "
            f"sources: {_item_sources(result, item)}",
            "",
        ]
    for note in data["notes"]:
        lines.append(f"> Note: {note}")
    return "\n".join(lines).rstrip() + "\n"


def render_charts(result: Result, dpi: int = 110) -> dict[str, bytes]:
    """Every chart of :data:`talkhis.plots.ALL_PLOTS` as PNG bytes."""
    from .plots import ALL_PLOTS

    charts = {}
    for name, plot in ALL_PLOTS.items():
        buffer = io.BytesIO()
        plot(result).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        charts[name] = buffer.getvalue()
    return charts


_CSS = """
body{font-family:'Noto Sans Arabic','Noto Sans','DejaVu Sans',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.6em;vertical-align:top}
td.ar{direction:rtl;text-align:right;font-size:1.15em;width:42%}td.en{width:38%}
.meta{color:#555;font-size:.85em}.untranslated{color:#a33;font-style:italic}
figure{margin:2em 0}img{max-width:100%}
"""


def report_html(result: Result, charts: dict[str, bytes], data: dict | None = None) -> str:
    """A self-contained HTML report: the summary with Arabic right-to-left beside the English,
    sources and periods, the charts embedded, and what was read."""
    data = data or summary_dict(result)
    esc = html.escape
    rows = []
    for n, item in enumerate(data["summary"], start=1):
        english = (
            f"{esc(item['translation'])}<div class='meta'>translation: {esc(item['translation_source'])}</div>"
            if item["translation"] is not None
            else f"<span class='untranslated'>untranslated: {esc(item['translation_note'] or '')}</span>"
        )
        rows.append(
            f"<tr><td>{n}</td><td class='ar' lang='ar'>{esc(item['text'])}</td><td class='en'>{english}</td>"
            f"<td class='meta'>period {esc(item['period'])}<br>{item['coverage']} of {result.n_stories} stories<br>"
            f"{esc(_item_sources(result, item))}</td></tr>"
        )
    articles = "".join(
        f"<tr><td>{esc(a['id'])}</td><td>{esc(a['outlet'] or '')}</td><td>{esc(a['date'] or 'undated')}</td>"
        f"<td>{a['sentences']}</td><td>{esc(a['duplicate_of'] or '')}</td>"
        f"<td>{esc(', '.join(r['rule'] for r in a['removed']))}</td></tr>"
        for a in data["articles"]
    )
    figures = "".join(
        f"<figure><img alt='{esc(name)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'></figure>"
        for name, png in charts.items()
    )
    notes = "".join(f"<p class='meta'>Note: {esc(n)}</p>" for n in data["notes"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>talkhis summary</title><style>{_CSS}</style></head>
<body>
<h1>تلخيص · Summary of {len(data['articles'])} articles</h1>
<p class="meta">Embedder {esc(result.embedder)} · translator {esc(result.translator)} · talkhis {esc(data['config']['talkhis_version'])}</p>
{notes}
<table><tr><th>#</th><th>Arabic</th><th>English</th><th>Where from</th></tr>{''.join(rows)}</table>
<h2>Coverage</h2>{figures}
<h2>Articles read</h2>
<table><tr><th>id</th><th>outlet</th><th>date</th><th>segments</th><th>copy of</th><th>boilerplate removed</th></tr>{articles}</table>
</body></html>
"""


def write_outputs(result: Result, out: str | Path, *, force: bool = False) -> Path:
    """Write ``summary.json``, ``summary.md``, ``report.html`` and one PNG per chart into
    ``out``, whole or not at all (see :func:`talkhis.outdir.output_dir`; ``force`` allows a
    folder that holds other files, which are left as they are).

    Raises:
        InputError: ``out`` is the folder the articles were read from, a file, or a non-empty
            folder talkhis did not write (without ``force``).
    """
    if result.corpus.folder and Path(out).resolve() == Path(result.corpus.folder).resolve():
        raise InputError(f"{out}: is the input folder; choose another output folder")
    with output_dir(out, force=force) as tmp:
        data = summary_dict(result)
        charts = render_charts(result)
        (tmp / "summary.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (tmp / "summary.md").write_text(summary_markdown(result, data), encoding="utf-8")
        (tmp / "report.html").write_text(report_html(result, charts, data), encoding="utf-8")
        for name, png in charts.items():
            (tmp / f"{name}.png").write_bytes(png)
    return Path(out)
