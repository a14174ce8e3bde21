"""An interactive explorer of one run: move the cluster threshold, the summary budget, the
embedder and the period, and watch the summary, its sources and its English change in place;
pick a content cluster to see its sentences highlighted in every article, side by side.

Embedding is the only slow stage, so the explorer embeds once per embedder and keeps those
vectors; any other change re-runs only clustering, selection and translation on them
(:func:`rerun`, a few hundredths of a second on the seed articles). Everything but
:class:`Explorer` is a plain function that needs no display, and ipywidgets (in the
``notebooks`` extra) is imported only when an explorer is built, so tests drive the controls
by setting their values and read what the views show.
"""

from __future__ import annotations

import contextlib
import copy
import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .cluster import ContentClusterer, describe_clusters
from .corpus import Corpus
from .embed import available_embedders
from .errors import InputError, MissingDependency, TalkhisError
from .lang import get_language
from .pipeline import Result, summarize_corpus
from .report import sources_text
from .segment import HEADING, TITLE, Sentence
from .select import Budget, periods, select_sentences
from .translate import Translator, get_translator

__all__ = [
    "ALL_PERIODS",
    "SummaryRow",
    "rerun",
    "embedder_choices",
    "period_choices",
    "cluster_choices",
    "summary_rows",
    "summary_html",
    "highlighted",
    "articles_html",
    "Explorer",
]

#: The period picker's value for "every article".
ALL_PERIODS = "all"
#: Registered embedders that only work with a model argument (``name:<model>``); they are
#: offered only when the caller names a model, e.g. ``sentence-transformers:/path/to/model``.
_NEEDS_MODEL = frozenset({"sentence-transformers", "transformers"})


# ---------------------------------------------------------------------------- re-running


def _translator(result: Result) -> Translator:
    """The translator of ``result``'s options, built as :func:`summarize_corpus` builds it."""
    options = result.options
    return get_translator(options.translator, device=options.device, articles=[a.id for a in result.corpus.articles])


def _restrict(result: Result, period: str) -> tuple[Corpus, list[Sentence], np.ndarray]:
    """The corpus, clustered sentences and vectors of the articles of one period. Articles are
    copied before the sub-corpus marks its own near-copies, so ``result`` is left unchanged."""
    keep = {a for a, p in result.periods.items() if p == period}
    if not keep:
        names = ", ".join(sorted(set(result.periods.values())))
        raise InputError(f"no article in period {period!r} (periods: {names})")
    articles = [copy.copy(a) for a in result.corpus.articles if a.id in keep]
    corpus = Corpus.from_articles(articles, get_language(result.options.language), skipped=result.corpus.skipped,
                                  folder=result.corpus.folder, notes=result.corpus.notes)
    rows = [i for i, s in enumerate(result.sentences) if s.article in keep]
    return corpus, [result.sentences[i] for i in rows], result.vectors[rows]


def rerun(result: Result, *, threshold: float | None = None, budget: int | Budget | None = None,
          method: str | None = None, period: str | None = None, translator: Translator | None = None) -> Result:
    """Cluster, select and translate again on ``result``'s stored sentence vectors.

    This is what :func:`~talkhis.pipeline.summarize_corpus` does after embedding, so with the
    same options the two agree; nothing is embedded again.

    Args:
        result: a finished run, over the whole corpus.
        threshold: cosine distance at which clusters stop merging (default: the run's).
        budget: a number of sentences or a :class:`~talkhis.select.Budget` (default: the run's).
        method: clustering method (default: the run's).
        period: summarise only the articles of this period (a value of ``result.periods``);
            ``None`` or :data:`ALL_PERIODS` keeps every article. The vectors stay those of the
            whole run (for TF-IDF, its weights were fitted on every article).
        translator: a translator built once by the caller (default: the run's, built anew).

    Raises:
        InputError: a threshold outside (0, 2] or a period no article has.
    """
    options = result.options
    if threshold is not None:
        if not 0 < threshold <= 2:
            raise InputError(f"threshold {threshold} is not a cosine distance in (0, 2]")
        options = replace(options, threshold=float(threshold))
    if method is not None:
        options = replace(options, cluster_method=method)
    if budget is not None:
        chosen = budget if isinstance(budget, Budget) else Budget(sentences=int(budget))
        options = replace(options, sentences=chosen.sentences, words=chosen.words)
    corpus, sentences, vectors = result.corpus, result.sentences, result.vectors
    if period not in (None, ALL_PERIODS):
        corpus, sentences, vectors = _restrict(result, period)
    clusterer = ContentClusterer(options.cluster_method, threshold=options.threshold, random_state=options.seed)
    labels = clusterer.fit_predict(vectors)
    clusters = describe_clusters(labels, vectors, sentences, corpus)
    summary = select_sentences(corpus, sentences, vectors, clusters, options.budget())
    translator = translator or _translator(result)
    translations = translator.translate([s.sentence.text for s in summary])
    return replace(result, corpus=corpus, options=options, sentences=sentences, vectors=vectors, labels=labels,
                   clusters=clusters, summary=summary, translations=translations, translator=translator.name,
                   periods=periods(corpus.articles))


# ---------------------------------------------------------------------------- choices


def embedder_choices(extra: Sequence[str] = ()) -> list[str]:
    """The embedders the picker offers: every registered backend that needs no model argument
    (``use``, ``tfidf``, and any added later, such as ``e5-small``), then ``extra`` specs."""
    names = [n for n in available_embedders() if n not in _NEEDS_MODEL]
    return list(dict.fromkeys([*names, *extra]))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def period_choices(result: Result) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for the period picker: every period first, then each period
    with its number of articles, oldest first (``undated`` last)."""
    count: dict[str, int] = {}
    for p in result.periods.values():
        count[p] = count.get(p, 0) + 1
    order = sorted(count, key=lambda p: (p == "undated", p))
    return [(f"all periods ({_count(len(result.periods), 'article')})", ALL_PERIODS),
            *((f"{p} ({_count(count[p], 'article')})", p) for p in order)]


def cluster_choices(result: Result) -> list[tuple[str, int]]:
    """``(label, cluster id)`` pairs for the cluster picker, widest first: every cluster of
    more than one sentence and every cluster the summary quotes (marked with its row)."""
    row_of = {s.cluster: n for n, s in enumerate(result.summary, start=1)}
    out = []
    for c in result.clusters:
        if c.size < 2 and c.id not in row_of:
            continue
        quoted = f"summary #{row_of[c.id]} · " if c.id in row_of else ""
        terms = " ".join(c.terms[:3])
        out.append((f"{quoted}cluster {c.id} · {c.coverage} stories · {c.size} sentences · {terms}", c.id))
    return out


# ---------------------------------------------------------------------------- views


@dataclass(frozen=True)
class SummaryRow:
    """One summary sentence as the explorer shows it.

    Attributes:
        n: its number in reading order, from 1.
        article: id of the article it is quoted from; ``index`` its segment number there.
        arabic: the sentence as written; ``english`` its translation, ``None`` when no
            backend covers it (``translation`` then says why, else where it came from).
        stories: distinct stories reporting its content, of ``n_stories``.
        sources: its supporting sentences, grouped by article.
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


def summary_rows(result: Result) -> list[SummaryRow]:
    """The summary of ``result`` with its English and sources, in reading order."""
    rows = []
    for n, (s, t) in enumerate(zip(result.summary, result.translations), start=1):
        where = t.source if t.ok else f"untranslated: {t.note or t.source}"
        sources = sources_text(result, ((x.article, x.index) for x in s.sources))
        rows.append(SummaryRow(n, s.sentence.article, s.sentence.index, s.sentence.text, t.text, where,
                               s.period, s.coverage, result.n_stories, sources, s.cluster))
    return rows


_STYLE = ("<style>.tk-sum td,.tk-sum th{padding:.3em .5em;vertical-align:top;border-top:1px solid #ddd}"
          ".tk-sum td.ar,.tk-art .ar{direction:rtl;text-align:right;font-size:1.1em}"
          ".tk-meta{color:#555;font-size:.85em}.tk-art{display:flex;gap:1em;align-items:flex-start}"
          ".tk-col{flex:1;min-width:14em;max-height:32em;overflow-y:auto;border:1px solid #ddd;padding:.4em}"
          ".tk-art mark{background:#ffe08a}.tk-art .quoted{font-weight:bold}</style>")


def summary_html(result: Result) -> str:
    """The summary as an HTML table: Arabic right to left beside its English, with its
    period, its coverage and its sources."""
    esc = html.escape
    rows = []
    for r in summary_rows(result):
        english = esc(r.english) if r.english is not None else f"<i>{esc(r.translation)}</i>"
        rows.append(f'<tr class="tk-row" data-cluster="{r.cluster}"><td>{r.n}</td>'
                    f'<td class="ar" dir="rtl" lang="ar">{esc(r.arabic)}</td><td lang="en">{english}'
                    f'<div class="tk-meta">{esc(r.translation)}</div></td>'
                    f'<td class="tk-meta">{esc(r.period)}<br>{r.stories} of {r.n_stories} stories<br>'
                    f'{esc(r.sources)}</td></tr>')
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
                       f'<div class="ar" dir="rtl" lang="ar">{"".join(parts)}</div></div>')
    others = [a.id for a in result.corpus.articles if a.id not in marks]
    rest = f'<p class="tk-meta">Not in this cluster: {html.escape(", ".join(others))}</p>' if others else ""
    return _STYLE + f'<div class="tk-art">{"".join(columns)}</div>' + rest


# ---------------------------------------------------------------------------- the widget


def _widgets() -> Any:
    try:
        import ipywidgets
    except ImportError:
        raise MissingDependency("the explorer needs ipywidgets: pip install 'talkhis[notebooks]'") from None
    return ipywidgets


class Explorer:
    """Controls and views over one corpus; ``widget`` is what a notebook displays.

    The controls (``embedder``, ``threshold``, ``unit``, ``sentences``, ``words``, ``period``,
    ``cluster``) are ipywidgets; setting their ``value`` from code updates the views exactly as
    a click does. What is shown is kept in plain attributes too: ``result`` (the current run),
    ``rows`` (:class:`SummaryRow` list), ``marks`` (:func:`highlighted`) and ``message``.

    Args:
        result: a finished run; its options set the controls' starting values.
        embedders: specs the embedder picker offers (default: :func:`embedder_choices`, plus
            the run's own embedder).
    """

    def __init__(self, result: Result, *, embedders: Sequence[str] | None = None) -> None:
        w = _widgets()
        options = result.options
        self._bases: dict[str, Result] = {options.embedder: result}
        self._translator = _translator(result)
        self._busy = False
        self._shown = options.embedder
        self.message = ""
        choices = list(dict.fromkeys([*(embedders or embedder_choices()), options.embedder]))
        budget = options.budget()
        slider = {"continuous_update": False, "style": {"description_width": "initial"}}
        self.embedder = w.Dropdown(options=choices, value=options.embedder, description="embedder")
        self.threshold = w.FloatSlider(value=options.threshold, min=0.05, max=1.0, step=0.05,
                                       description="cluster threshold (cosine distance)", readout_format=".2f",
                                       **slider)
        self.unit = w.ToggleButtons(options=["sentences", "words"], value="words" if budget.words else "sentences",
                                    description="budget in")
        self.sentences = w.IntSlider(value=budget.sentences or 6, min=1, max=15, description="sentences", **slider)
        self.words = w.IntSlider(value=budget.words or 120, min=20, max=400, step=10, description="words", **slider)
        self.period = w.Dropdown(options=period_choices(result), value=ALL_PERIODS, description="period")
        self.cluster = w.Dropdown(options=[], description="cluster", layout=w.Layout(width="95%"))
        self.status = w.HTML()
        self.summary_view = w.HTML()
        self.articles_view = w.HTML()
        for control in (self.embedder, self.threshold, self.unit, self.sentences, self.words, self.period):
            control.observe(self._changed, names="value")
        self.cluster.observe(self._picked, names="value")
        self.widget = w.VBox([
            w.HBox([self.embedder, self.period]), self.threshold, w.HBox([self.unit, self.sentences, self.words]),
            self.status, self.summary_view, self.cluster, self.articles_view,
        ])
        self.update()

    # -- state

    def budget(self) -> Budget:
        """The budget the controls set."""
        if self.unit.value == "words":
            return Budget(sentences=None, words=self.words.value)
        return Budget(sentences=self.sentences.value)

    def _base(self, spec: str) -> Result:
        """The run over the whole corpus with embedder ``spec``: embedded once, then kept."""
        if spec not in self._bases:
            any_run = next(iter(self._bases.values()))
            self._bases[spec] = summarize_corpus(any_run.corpus, replace(any_run.options, embedder=spec))
        return self._bases[spec]

    def describe(self) -> str:
        """One line naming the run shown: embedder, threshold, budget, period and counts."""
        b = self.budget()
        budget = f"{b.words} words" if b.words else f"{b.sentences} sentences"
        r = self.result
        counts = ", ".join([_count(len(r.corpus.articles), "article"), _count(r.n_stories, "story", "stories"),
                            _count(len(r.sentences), "sentence"), _count(len(r.clusters), "cluster")])
        return (f"embedder {r.embedder} · threshold {r.options.threshold:.2f} · budget {budget} · "
                f"period {self.period.value} · {counts} · summary of {len(r.summary)}")

    # -- callbacks

    def _changed(self, _change: dict | None = None) -> None:
        if not self._busy:
            self.update()

    def _picked(self, _change: dict | None = None) -> None:
        if not self._busy:
            self._draw_articles()

    def update(self) -> None:
        """Recompute from the controls (embedding only for an embedder not used before) and
        redraw every view; an embedder that cannot be built is reported and the picker goes
        back to the previous one."""
        self.sentences.layout.display = "none" if self.unit.value == "words" else None
        self.words.layout.display = None if self.unit.value == "words" else "none"
        try:
            base = self._base(self.embedder.value)
        except TalkhisError as exc:
            self.message = f"{self.embedder.value}: {exc}"
            with self._quiet():
                self.embedder.value = self._shown
            self.status.value = f"<span style='color:#a33'>⚠ {html.escape(self.message)}</span>"
            return
        self._shown = self.embedder.value
        self.message = ""
        anchor = self._anchor()
        self.result = rerun(base, threshold=self.threshold.value, budget=self.budget(), period=self.period.value,
                            translator=self._translator)
        self.rows = summary_rows(self.result)
        self.status.value = f"<span class='tk-meta'>{html.escape(self.describe())}</span>"
        self.summary_view.value = summary_html(self.result)
        with self._quiet():
            choices = cluster_choices(self.result)
            self.cluster.options = choices
            ids = [c for _, c in choices]
            near = next((c.id for c in self.result.clusters if anchor in self._refs(c.members)), None)
            self.cluster.value = near if near in ids else (ids[0] if ids else None)
        self._draw_articles()

    def _draw_articles(self) -> None:
        self.marks = highlighted(self.result, self.cluster.value)
        self.articles_view.value = articles_html(self.result, self.cluster.value)

    def _refs(self, members: Sequence[int]) -> set[tuple[str, int]]:
        return {(self.result.sentences[i].article, self.result.sentences[i].index) for i in members}

    def _anchor(self) -> tuple[str, int] | None:
        """The label sentence of the cluster on show, so a re-run can show the cluster that now
        holds it (cluster ids are renumbered by every clustering)."""
        if not hasattr(self, "result") or self.cluster.value is None:
            return None
        c = next((c for c in self.result.clusters if c.id == self.cluster.value), None)
        if c is None:
            return None
        s = self.result.sentences[c.label_member]
        return (s.article, s.index)

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Change controls without triggering their callbacks."""
        self._busy = True
        try:
            yield
        finally:
            self._busy = False

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"talkhis explorer: {self.describe()}"
        return bundle

