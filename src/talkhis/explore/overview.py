"""Markdown tables of a corpus and a run, for notebooks and reports.

Every function here is a pure function of talkhis objects that returns a Markdown string, so a
notebook shows it with ``IPython.display.Markdown(...)`` and its text can be compared from one
run to the next (nbval compares the ``text/markdown`` output). Nothing is printed or drawn.

Tables name articles by id, sentences by ``§index`` (their position among the article's
segments, as in ``summary.json``), and shorten long Arabic text with ``…`` only where a
column would otherwise overflow; the summary itself is never shortened.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..align import Cluster
from ..corpus import FRAGMENT, HEADING, SENTENCE, TITLE, Corpus, Sentence
from ..corpus.clean import RULES, Rule
from ..corpus.overlap import DUPLICATE_CONTAINMENT
from ..errors import InputError
from ..pipeline import Options, Result, summarize_corpus
from ..report.markdown import markdown_table
from ..report.write import sources_text
from ..select import Budget, select_sentences

__all__ = [
    "find_articles",
    "rules_table",
    "corpus_table",
    "removed_table",
    "overlap_table",
    "clusters_table",
    "cluster_sentences_table",
    "summary_table",
    "sources_table",
    "budget_table",
]

#: Longest text shown in a cell that quotes a line or a sentence (``None`` keeps everything).
CLIP = 90
_KINDS = (SENTENCE, HEADING, TITLE, FRAGMENT)
_PLURAL = {SENTENCE: "sentences", HEADING: "headings", TITLE: "titles", FRAGMENT: "fragments"}


# ---------------------------------------------------------------------------- helpers


def _clip(text: str, limit: int | None) -> str:
    text = " ".join(text.split())
    return text if limit is None or len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _id(article_id: str | None) -> str | None:
    return f"`{article_id}`" if article_id else None


def _ref(s: Sentence) -> str:
    return f"`{s.article}` §{s.index}"


def find_articles(start: str | Path | None = None, name: str = "data/articles") -> Path:
    """The ``data/articles`` folder of the repository checkout holding ``start`` (default: the
    working directory), looked for in ``start`` and each folder above it, so a notebook finds
    it whether it runs from the repository root or from ``notebooks/``.

    Raises:
        InputError: no folder above ``start`` holds ``name``.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / name).is_dir():
            return folder / name
    raise InputError(f"no {name} folder in {here} or any folder above it")


# ---------------------------------------------------------------------------- the corpus


def rules_table(rules: Sequence[Rule] = RULES) -> str:
    """The boilerplate rules the cleaner applies, in order, with what each removes."""
    rows = [(f"`{r.name}`", r.description) for r in rules]
    rows += [
        ("`read_also`", "also up to three link titles after a bare 'read also' header"),
        ("`repeated_line`", "a line repeating an earlier line of the same article"),
    ]
    return markdown_table(["rule", "removes"], rows)


def corpus_table(corpus: Corpus) -> str:
    """One row per article: outlet, date and where the date came from, title, how many
    segments of each kind it was split into, and the article it copies (if any)."""
    header = ["article", "outlet", "date", "date source", "title", *(_PLURAL[k] for k in _KINDS), "copy of"]
    rows = []
    for a in corpus.articles:
        counts = [sum(s.kind == k for s in a.sentences) for k in _KINDS]
        rows.append([_id(a.id), a.outlet, a.date, a.date_source, a.title, *counts, _id(a.duplicate_of)])
    return markdown_table(header, rows)


def removed_table(corpus: Corpus, *, clip: int | None = CLIP) -> str:
    """Every line the cleaner removed, per article, with the rule that removed it; an article
    with nothing removed gets one row saying so."""
    rows: list[list[object]] = []
    for a in corpus.articles:
        if not a.removed:
            rows.append([_id(a.id), None, "(nothing removed)"])
        rows += [[_id(a.id), f"`{r.rule}`", _clip(r.text, clip)] for r in a.removed]
    return markdown_table(["article", "rule", "removed line"], rows)


def overlap_table(corpus: Corpus, *, digits: int = 2) -> str:
    """Word 5-gram overlap for every pair of articles: containment both ways, Jaccard, and
    whether one counts as a copy of the other (containment of at least
    :data:`~talkhis.corpus.overlap.DUPLICATE_CONTAINMENT`)."""
    rows = []
    for o in corpus.overlaps:
        copies = [x for x, y in ((o.a, o.b), (o.b, o.a)) if corpus.article(x).duplicate_of == y]
        verdict = f"{_id(copies[0])} is a copy" if copies else None
        rows.append([_id(o.a), _id(o.b), f"{o.a_in_b:.{digits}f}", f"{o.b_in_a:.{digits}f}",
                     f"{o.jaccard:.{digits}f}", verdict])
    header = ["a", "b", "share of a in b", "share of b in a", "Jaccard", f"copy (≥ {DUPLICATE_CONTAINMENT:.0%})"]
    return markdown_table(header, rows)


# ---------------------------------------------------------------------------- clusters


def _wide(result: Result, min_coverage: int, clusters: Sequence[Cluster] | None) -> list[Cluster]:
    return [c for c in (result.clusters if clusters is None else clusters) if c.coverage >= min_coverage]


def clusters_table(result: Result, min_coverage: int = 2, *, clusters: Sequence[Cluster] | None = None,
                   clip: int | None = CLIP) -> str:
    """The content clusters reported by at least ``min_coverage`` stories (copies counted
    once), widest first: coverage, size, articles, top terms and the label sentence.

    Args:
        result: the run whose sentences the clusters group.
        min_coverage: smallest number of distinct stories a listed cluster spans.
        clusters: other clusters of ``result.sentences`` (e.g. from another algorithm);
            ``result.clusters`` by default.
        clip: longest label shown.
    """
    rows = [
        [c.id, c.coverage, c.size, ", ".join(_id(a) for a in c.articles), " · ".join(c.terms), _clip(c.label, clip)]
        for c in _wide(result, min_coverage, clusters)
    ]
    return markdown_table(["cluster", "stories", "sentences", "articles", "terms", "label"], rows)


def cluster_sentences_table(result: Result, min_coverage: int = 2, *,
                            clusters: Sequence[Cluster] | None = None) -> str:
    """Every sentence of the clusters :func:`clusters_table` lists, cluster by cluster in
    article order; ★ marks the label sentence and ✓ the one the summary uses."""
    in_summary = {id(s.sentence) for s in result.summary}
    rows = []
    for c in _wide(result, min_coverage, clusters):
        members = sorted(c.members, key=lambda i: (result.sentences[i].article, result.sentences[i].index))
        for i in members:
            s = result.sentences[i]
            mark = ("★" if i == c.label_member else "") + ("✓" if id(s) in in_summary else "")
            rows.append([c.id, _ref(s), mark, s.text])
    return markdown_table(["cluster", "sentence", "mark", "text"], rows)


# ---------------------------------------------------------------------------- the summary


def summary_table(result: Result) -> str:
    """The summary in reading order: each Arabic sentence beside its English, where the
    translation came from (or why there is none), its period, coverage and sources."""
    rows = []
    for n, (s, t) in enumerate(zip(result.summary, result.translations), start=1):
        english = t.text if t.ok else f"*untranslated: {t.note}*"
        rows.append([n, s.sentence.line, english, t.source, s.period,
                     f"{s.coverage} of {result.n_stories}", sources_text(result, ((x.article, x.index) for x in s.sources), _id)])
    return markdown_table(["#", "Arabic", "English", "translation", "period", "stories", "sources"], rows)


def sources_table(result: Result, *, clip: int | None = None) -> str:
    """For each summary sentence, every sentence of its content cluster, i.e. the passages in
    other articles that report the same thing; ✓ marks the one the summary quotes."""
    rows = []
    for n, s in enumerate(result.summary, start=1):
        for src in s.sources:
            a = result.corpus.article(src.article)
            rows.append([n, a.outlet, a.date, _ref(src), "✓" if src is s.sentence else "", _clip(src.text, clip)])
    return markdown_table(["#", "outlet", "date", "sentence", "quoted", "text"], rows)


def _budget_name(budget: Budget) -> str:
    if budget.words is not None:
        return f"{budget.words} words"
    return f"{budget.sentences} sentence{'' if budget.sentences == 1 else 's'}"


def budget_table(source: Corpus | Result, budgets: Sequence[int | Budget], *, options: Options | None = None,
                 clip: int | None = 70) -> str:
    """How the summary changes with its length budget.

    Each budget selects again from the same sentences, embeddings and clusters (what
    :func:`~talkhis.pipeline.summarize_corpus` would do with that budget), and the table has
    one row per sentence chosen under any budget, in reading order, with ✓ under each budget
    that keeps it; the last row gives each summary's length in words.

    Args:
        source: a finished run, or a corpus to run with ``options`` first.
        budgets: a number of sentences, or a :class:`~talkhis.select.selection.Budget` (for words).
        options: the run's options when ``source`` is a corpus.
        clip: longest sentence text shown.
    """
    result = source if isinstance(source, Result) else summarize_corpus(source, options or Options())
    budgets = [b if isinstance(b, Budget) else Budget(sentences=b) for b in budgets]
    picks = [select_sentences(result.corpus, result.sentences, result.vectors, result.clusters, b) for b in budgets]
    date_of = {a.id: a.date or "" for a in result.corpus.articles}
    chosen = {(s.sentence.article, s.sentence.index): s.sentence for pick in picks for s in pick}
    order = sorted(chosen, key=lambda k: (date_of[k[0]], *k))
    rows: list[list[object]] = [
        [_ref(chosen[k]), _clip(chosen[k].text, clip),
         *("✓" if any((s.sentence.article, s.sentence.index) == k for s in pick) else "" for pick in picks)]
        for k in order
    ]
    rows.append(["**words**", "", *(sum(s.sentence.n_words for s in pick) for pick in picks)])
    return markdown_table(["sentence", "text", *(_budget_name(b) for b in budgets)], rows)
