"""Where each sentence stands before anything is chosen: its period, date and story, and its
scores.

A sentence's *score* is its salience within its own article (a position prior learned from
human summaries, :mod:`.salience`) plus :data:`SUPPORT_WEIGHT` times its *support*, the share of
the other stories (near-copies counted once) that report it, plus :data:`DATED_WEIGHT` for a
later period's sentence that dates the event it reports. What it *repeats* is the earlier period
that reports its fact at least as widely (:func:`talkhis.align.periods.repeated_period`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..align.periods import period_order, periods, repeated_period
from ..corpus import TITLE, Corpus, Sentence
from ..corpus.dates import mentions_day
from .salience import SalienceModel, salience_features
from .sources import SourceFinder

__all__ = ["SUPPORT_WEIGHT", "DATED_WEIGHT", "Frame", "frame"]

#: Weight of cross-story support against within-article salience in the sentence score.
SUPPORT_WEIGHT = 0.5
#: Bonus for a later period's sentence that dates what it reports (a day and a month): such a
#: period's developments are events, and news dates its events.
DATED_WEIGHT = 0.1


def _salience(sentences: Sequence[Sentence], model: SalienceModel) -> np.ndarray:
    """Salience of every sentence within its own article."""
    out = np.zeros(len(sentences))
    by_article: dict[str, list[int]] = {}
    for i, s in enumerate(sentences):
        by_article.setdefault(s.article, []).append(i)
    for idx in by_article.values():
        body = [k for k in idx if sentences[k].kind != TITLE]
        if body:
            out[body] = model.score(salience_features([sentences[k] for k in body]))
    return out


@dataclass
class Frame:
    """Each article's period, date and story, and each sentence's scores (one entry per
    sentence, in the order of the sentences scored)."""

    period_of: dict[str, str]
    order: list[str]
    date_of: dict[str, str]
    story_of: dict[str, str]
    salience: np.ndarray
    support: np.ndarray
    coverage: np.ndarray
    dated: np.ndarray
    score: np.ndarray
    repeats: list[str | None]

    def key(self, sentence: Sentence) -> tuple[int, str, str, int]:
        """A sentence's place in a summary: period, article date, article, position."""
        return (self.order.index(self.period_of[sentence.article]), self.date_of[sentence.article],
                sentence.article, sentence.index)


def frame(corpus: Corpus, sentences: Sequence[Sentence], model: SalienceModel, sources: SourceFinder) -> Frame:
    """The :class:`Frame` of ``sentences``; ``sources`` says which sentences report what each
    one says (for support, coverage and repeats)."""
    period_of = periods(corpus.articles)
    order = period_order(period_of)
    story_of = corpus.story_map()
    n_stories = len(set(story_of.values()))
    support_sets = [{i, *sources.sources_of(i)} for i in range(len(sentences))]
    per_period: list[dict[str, int]] = []
    for found in support_sets:
        stories: dict[str, set[str]] = {}
        for j in found:
            stories.setdefault(period_of[sentences[j].article], set()).add(story_of[sentences[j].article])
        per_period.append({p: len(v) for p, v in stories.items()})
    coverage = np.array([len({story_of[sentences[j].article] for j in s}) for s in support_sets], dtype=np.int64)
    support = (coverage - 1) / (n_stories - 1) if n_stories > 1 else np.zeros(len(sentences))
    dated = np.array([period_of[s.article] != order[0] and mentions_day(s.text) for s in sentences], dtype=float)
    salience = _salience(sentences, model)
    return Frame(period_of, order, {a.id: a.date or "" for a in corpus.articles}, story_of, salience, support,
                 coverage, dated, salience + SUPPORT_WEIGHT * support + DATED_WEIGHT * dated,
                 [repeated_period(per_period[i], order, period_of[s.article]) for i, s in enumerate(sentences)])
