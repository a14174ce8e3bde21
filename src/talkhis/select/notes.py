"""Warnings a researcher needs about a run, one line each.

:func:`selection_notes` reads a :class:`~talkhis.select.selection.Selection` and says when the summary
rests on less than it seems: articles that share nothing with any other (or a corpus whose
articles share nothing at all), a clustering threshold that leaves fewer distinct candidates
than the budget asks for, one article supplying most of the summary, a period the budget left
without a sentence, and undated articles. The pipeline records the notes in ``summary.json``
and the command line prints them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..align import Cluster
from ..align.periods import UNDATED
from ..corpus import Corpus, Sentence
from .selection import Budget, Selection

__all__ = ["selection_notes"]


def _name(corpus: Corpus, article_id: str) -> str:
    outlet = corpus.article(article_id).outlet
    return f"{article_id} ({outlet})" if outlet else article_id


def selection_notes(corpus: Corpus, sentences: Sequence[Sentence], clusters: Sequence[Cluster],
                    selection: Selection, budget: Budget, *, threshold: float) -> list[str]:
    """One line for each thing about ``selection`` that a reader of the summary should know."""
    notes: list[str] = []
    stories = sorted({corpus.story(a.id) for a in corpus.articles})
    shared = {corpus.story(s.article) for s, c in zip(sentences, selection.coverage) if c > 1}
    if len(stories) > 1 and not shared:
        notes.append(f"the {len(stories)} stories share no content (no sentence of one clusters with a sentence of "
                     f"another at threshold {threshold:g}): the summary gives the most salient sentences of each, "
                     "not what they have in common")
    elif len(stories) > 1:
        for story in stories:
            if story not in shared:
                notes.append(f"{_name(corpus, story)} shares no content with any other article: "
                             "nothing it says is confirmed by another source")

    cluster_of = {m: c.id for c in clusters for m in c.members}
    candidates = [i for i, why in enumerate(selection.why) if not why.startswith("not a candidate")]
    distinct = len({cluster_of.get(i, -1 - i) for i in candidates})
    wanted = budget.sentences
    if not candidates:
        pass
    elif wanted is not None and distinct < wanted:
        notes.append(f"the clustering threshold {threshold:g} leaves {distinct} content clusters with a sentence "
                     f"that can stand alone, fewer than the {wanted} sentences asked for: the summary has "
                     f"{len(selection.summary)} (a lower --threshold splits the content finer)")
    elif budget.words is not None and sum(sentences[i].n_words for i in candidates) < budget.words:
        notes.append(f"the sentences that can stand alone hold {sum(sentences[i].n_words for i in candidates)} "
                     f"words, fewer than the {budget.words} asked for")

    period_of = selection.period_of
    by_article = Counter(s.sentence.article for s in selection.summary)
    if len(stories) > 1 and len(selection.summary) >= 3:
        article_id, count = min(by_article.items(), key=lambda kv: (-kv[1], kv[0]))
        if 2 * count > len(selection.summary):
            alone = [a.id for a in corpus.articles if period_of[a.id] == period_of[article_id]] == [article_id]
            notes.append(f"{_name(corpus, article_id)} supplies {count} of the {len(selection.summary)} summary "
                         "sentences" + (f"; it is the only article of {period_of[article_id]}" if alone else ""))

    offered = {period_of[sentences[i].article] for i in candidates}
    shown = {s.period for s in selection.summary}
    for p in selection.period_order:
        if p in offered and p not in shown:
            notes.append(f"the budget leaves {p} without a sentence; a longer summary would show it")
    undated = [a.id for a in corpus.articles if period_of[a.id] == UNDATED]
    if undated and len(undated) < len(corpus.articles):
        notes.append(f"{len(undated)} of {len(corpus.articles)} articles have no date (none in metadata.csv or "
                     f"the text): they form the period '{UNDATED}', shown last")
    return notes
