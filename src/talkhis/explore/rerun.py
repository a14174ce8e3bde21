"""Re-running a finished run on its stored vectors, and the choices the explorer offers.

Embedding is the only slow stage, so :func:`rerun` clusters, links, selects and translates
again on a run's sentence vectors: what :func:`~talkhis.pipeline.summarize_corpus` does after
embedding, so with the same options the two agree (a test holds them to it), and it also takes a
threshold for the same-fact links that decide what a summary sentence cites.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..corpus import Corpus, Sentence
from ..corpus.lang import get_language
from ..embed import available_embedders
from ..errors import InputError
from ..pipeline import Result, summarize_vectors
from ..select import Budget
from ..translate import Translator, get_translator

__all__ = [
    "ALL_PERIODS",
    "rerun",
    "embedder_choices",
    "period_choices",
    "cluster_choices",
    "translator_for",
    "count_of",
]

#: The period picker's value for "every article".
ALL_PERIODS = "all"
#: Registered embedders that only work with a model argument (``name:<model>``); they are
#: offered only when the caller names a model, e.g. ``sentence-transformers:/path/to/model``.
_NEEDS_MODEL = frozenset({"sentence-transformers", "transformers"})


def translator_for(result: Result) -> Translator:
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


def rerun(result: Result, *, threshold: float | None = None, link_threshold: float | None = None,
          budget: int | Budget | None = None, method: str | None = None, period: str | None = None,
          translator: Translator | None = None) -> Result:
    """Cluster, link, select and translate again on ``result``'s stored sentence vectors.

    This is what :func:`~talkhis.pipeline.summarize_corpus` does after embedding, so with the
    same options the two agree; nothing is embedded again.

    Args:
        result: a finished run, over the whole corpus.
        threshold: cosine distance at which clusters stop merging (default: the run's).
        link_threshold: probability a pair of sentences needs to count as the same fact, which
            decides what each summary sentence cites (default: the run's).
        budget: a number of sentences or a :class:`~talkhis.select.selection.Budget` (default: the run's).
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
    if link_threshold is not None:
        options = replace(options, link_threshold=float(link_threshold))
    if method is not None:
        options = replace(options, cluster_method=method)
    if budget is not None:
        chosen = budget if isinstance(budget, Budget) else Budget(sentences=int(budget))
        options = replace(options, sentences=chosen.sentences, words=chosen.words)
    corpus, sentences, vectors = result.corpus, result.sentences, result.vectors
    if period not in (None, ALL_PERIODS):
        corpus, sentences, vectors = _restrict(result, period)
    translator = translator or translator_for(result)
    return summarize_vectors(corpus, sentences, vectors, options, translator, result.embedder)


def embedder_choices(extra: Sequence[str] = ()) -> list[str]:
    """The embedders the picker offers: every registered backend that needs no model argument
    (``use``, ``tfidf``, and any added later, such as ``e5-small``), then ``extra`` specs."""
    names = [n for n in available_embedders() if n not in _NEEDS_MODEL]
    return list(dict.fromkeys([*names, *extra]))


def count_of(n: int, one: str, many: str | None = None) -> str:
    """``n`` with its noun, singular or plural: ``1 article``, ``3 stories``."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def period_choices(result: Result) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for the period picker: every period first, then each period
    with its number of articles, oldest first (``undated`` last)."""
    count: dict[str, int] = {}
    for p in result.periods.values():
        count[p] = count.get(p, 0) + 1
    order = sorted(count, key=lambda p: (p == "undated", p))
    return [(f"all periods ({count_of(len(result.periods), 'article')})", ALL_PERIODS),
            *((f"{p} ({count_of(count[p], 'article')})", p) for p in order)]


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

