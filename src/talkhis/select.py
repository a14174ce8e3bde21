"""Choose the summary sentences: coverage across articles, salience, and no repetition.

The maths are pure functions of arrays (:func:`mmr` here, centrality and salience features in
:mod:`talkhis.salience`), so tests and notebooks can reuse them. :func:`select_sentences`
puts them together for several articles:

1. every *candidate* is a full sentence of reasonable length that does not open with a quote
   (a quote without its speaker cannot stand alone);
2. its score is the coverage of its content cluster (how many distinct stories report it,
   near-duplicate articles counted once) plus its salience within its own article (a position
   prior learned from human summaries, see :mod:`talkhis.salience`);
3. each cluster contributes at most one sentence, its most representative candidate, and
   maximal marginal relevance keeps near-repeats out;
4. every time period of the corpus (articles more than :data:`PERIOD_GAP_DAYS` apart) keeps at
   least one sentence, so a development only the newest article reports can enter;
5. the result stops at a budget in sentences or words and is ordered by article date, then
   article, then position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .cluster import Cluster
from .corpus import Article, Corpus
from .salience import SalienceModel, article_features, centrality, salience_features
from .segment import SENTENCE, Sentence
from .stable import qkey

__all__ = [
    "Selected",
    "Budget",
    "mmr",
    "periods",
    "is_candidate",
    "select_sentences",
    "rank_single",
    "PERIOD_GAP_DAYS",
]

PERIOD_GAP_DAYS = 180
MIN_WORDS, MAX_WORDS = 8, 60
#: Weight of cross-article coverage against within-article salience in the sentence score.
COVERAGE_WEIGHT = 1.0
#: A candidate this similar to an already chosen sentence is a repeat.
REDUNDANCY = 0.8


# ---------------------------------------------------------------------------- pure maths


def mmr(scores: np.ndarray, similarity: np.ndarray, k: int, lambda_: float = 0.7,
        candidates: Sequence[int] | None = None) -> list[int]:
    """Maximal marginal relevance: pick ``k`` indices, each maximising
    ``lambda_ * score - (1 - lambda_) * max similarity to those already picked``.
    Ties go to the lower index, so the result is deterministic."""
    pool = list(range(len(scores))) if candidates is None else list(candidates)
    chosen: list[int] = []
    while pool and len(chosen) < k:
        def gain(i: int) -> float:
            penalty = max((similarity[i, j] for j in chosen), default=0.0)
            return lambda_ * scores[i] - (1 - lambda_) * penalty

        best = max(pool, key=lambda i: (gain(i), -i))
        chosen.append(best)
        pool.remove(best)
    return chosen


_QUOTE_OPEN = tuple("\"“«'")


# ---------------------------------------------------------------------------- periods


def _as_date(iso: str | None) -> date | None:
    if not iso:
        return None
    parts = [int(p) for p in iso.split("-")[:3]]
    while len(parts) < 3:
        parts.append(1)
    return date(*parts)


def periods(articles: Sequence[Article], gap_days: int = PERIOD_GAP_DAYS) -> dict[str, str]:
    """Name the time period of each article: dated articles are grouped while consecutive dates
    are less than ``gap_days`` apart; a period is named by its first and last month
    (``2021-07`` or ``2023-11 – 2024-01``); undated articles are ``undated``."""
    dated = sorted((a for a in articles if _as_date(a.date)), key=lambda a: (_as_date(a.date), a.id))
    groups: list[list[Article]] = []
    for a in dated:
        if groups and (_as_date(a.date) - _as_date(groups[-1][-1].date)).days <= gap_days:
            groups[-1].append(a)
        else:
            groups.append([a])
    out = {a.id: "undated" for a in articles}
    for g in groups:
        first, last = g[0].date[:7], g[-1].date[:7]
        name = first if first == last else f"{first} – {last}"
        for a in g:
            out[a.id] = name
    return out


# ---------------------------------------------------------------------------- selection


@dataclass(frozen=True)
class Budget:
    """How long a summary may be: a number of sentences, or of words (whichever is set)."""

    sentences: int | None = 6
    words: int | None = None

    def __post_init__(self) -> None:
        if self.sentences is not None and self.sentences < 1:
            raise ValueError("the sentence budget must be at least 1")
        if self.words is not None and self.words < 1:
            raise ValueError("the word budget must be at least 1")


@dataclass
class Selected:
    """A chosen sentence and why: its cluster, score, period and supporting sentences."""

    sentence: Sentence
    cluster: int
    score: float
    coverage: int
    period: str
    sources: list[Sentence] = field(default_factory=list)


def is_candidate(s: Sentence) -> bool:
    """A sentence that can stand alone in a summary: a full sentence, not too short or long,
    not opening with a quotation."""
    return s.kind == SENTENCE and MIN_WORDS <= s.n_words <= MAX_WORDS and not s.text.startswith(_QUOTE_OPEN)


def _salience(sentences: Sequence[Sentence], model: SalienceModel) -> np.ndarray:
    """Salience of every sentence within its own article."""
    out = np.zeros(len(sentences))
    by_article: dict[str, list[int]] = {}
    for i, s in enumerate(sentences):
        by_article.setdefault(s.article, []).append(i)
    for article_id, idx in by_article.items():
        title = next((k for k in idx if sentences[k].kind == "title"), None)
        body = [k for k in idx if k != title]
        if not body:
            continue
        out[body] = model.score(salience_features([sentences[k] for k in body]))
    return out


def _within_budget(chosen: Sequence[Selected], budget: Budget) -> list[Selected]:
    out: list[Selected] = []
    words = 0
    for item in chosen:
        if budget.sentences is not None and len(out) >= budget.sentences:
            break
        if budget.words is not None and out and words + item.sentence.n_words > budget.words:
            break
        out.append(item)
        words += item.sentence.n_words
    return out


def _give_each_period_its_news(
    kept: list[Selected],
    reps: Sequence[Selected],
    clusters: Sequence[Cluster],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    period_of: dict[str, str],
    index_of: dict[int, int],
    budget: Budget,
) -> list[Selected]:
    """Make sure every period says something only it reports, when it has such a sentence.

    For each period without a kept sentence from a cluster exclusive to it, the exclusive
    candidate that is most novel (distance from everything other periods say) times most
    typical of the period (centrality among all its sentences) replaces the lowest-scored
    sentence of a period that keeps more than one.
    """
    if len(set(period_of.values())) < 2 or len(kept) < 2:
        return kept
    articles_of = {c.id: c.articles for c in clusters}

    def exclusive(r: Selected) -> bool:
        return {period_of[a] for a in articles_of[r.cluster]} == {r.period}

    kept = list(kept)
    for period in sorted({r.period for r in reps}):
        if any(r.period == period and exclusive(r) for r in kept):
            continue
        news = [r for r in reps if r.period == period and exclusive(r) and r not in kept]
        others = [i for i, s in enumerate(sentences) if period_of[s.article] != period]
        if not news or not others:
            continue

        idx = [index_of[id(r.sentence)] for r in news]
        novelty = 1.0 - np.max(vectors[idx] @ vectors[others].T, axis=1)
        own = [i for i, s in enumerate(sentences) if period_of[s.article] == period]
        typical = (centrality(vectors[own] @ vectors[own].T) * len(own))[[own.index(i) for i in idx]]
        best = news[int(np.argmax(novelty * typical))]
        crowded = [r for r in kept if sum(k.period == r.period for k in kept) > 1]
        if not crowded:
            continue
        kept[kept.index(min(crowded, key=lambda r: r.score))] = best
    if budget.words is not None:
        while len(kept) > 1 and sum(r.sentence.n_words for r in kept) > budget.words:
            crowded = [r for r in kept if sum(k.period == r.period for k in kept) > 1] or kept
            kept.remove(min(crowded, key=lambda r: r.score))
    return kept


def select_sentences(
    corpus: Corpus,
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    clusters: Sequence[Cluster],
    budget: Budget = Budget(),
    *,
    model: SalienceModel | None = None,
    lambda_: float = 0.7,
) -> list[Selected]:
    """Pick the summary sentences from clustered ``sentences`` (see the module docstring).

    Returns the chosen sentences in reading order (article date, article id, position).
    """
    model = model or SalienceModel.default()
    vectors = np.asarray(vectors, dtype=np.float64)
    period_of = periods(corpus.articles)
    date_of = {a.id: a.date or "" for a in corpus.articles}
    n_stories = len({corpus.story(a.id) for a in corpus.articles})
    salience = _salience(sentences, model)
    canonical = {a.id: a.duplicate_of is None for a in corpus.articles}

    # One representative per cluster: the candidate closest to the cluster's centre, preferring
    # originals over their copies; its score adds coverage to salience.
    reps: list[Selected] = []
    for c in clusters:
        members = [i for i in c.members if is_candidate(sentences[i])]
        if not members:
            continue
        originals = [i for i in c.members if canonical[sentences[i].article]] or c.members
        centre = vectors[originals].mean(axis=0)  # a copy's sentences must not weigh twice
        centre /= np.linalg.norm(centre) or 1.0
        best = max(members, key=lambda i: (canonical[sentences[i].article],
                                           round(float(vectors[i] @ centre) + salience[i], 6), -i))
        cover = (c.coverage - 1) / (n_stories - 1) if n_stories > 1 else 0.0
        sources = sorted((sentences[i] for i in c.members), key=lambda s: (s.article, s.index))
        reps.append(Selected(sentences[best], c.id, COVERAGE_WEIGHT * cover + float(salience[best]), c.coverage,
                             period_of[sentences[best].article], sources))
    if not reps:
        return []

    index_of = {id(s): i for i, s in enumerate(sentences)}
    rep_idx = [index_of[id(r.sentence)] for r in reps]
    sim = vectors[rep_idx] @ vectors[rep_idx].T
    scores = np.array([r.score for r in reps])
    order = mmr(scores, sim, len(reps), lambda_)
    picked: list[int] = []
    for i in order:
        if all(sim[i, j] < REDUNDANCY for j in picked):
            picked.append(i)

    chosen = [reps[i] for i in picked]
    kept = _within_budget(chosen, budget)
    kept = _give_each_period_its_news(kept, reps, clusters, sentences, vectors, period_of, index_of, budget)
    return sorted(kept, key=lambda r: (date_of[r.sentence.article], r.sentence.article, r.sentence.index))


def rank_single(article: Article, vectors: np.ndarray, *, model: SalienceModel | None = None,
                budget_words: int | None = None, budget_sentences: int | None = None,
                redundancy: float = 0.95) -> list[Sentence]:
    """Summarise one article: its body segments in order of salience (ties go to the earlier
    segment), skipping any segment at least ``redundancy``-similar to one already taken, until
    the budget is reached; returned in reading order. The last segment may overflow a word
    budget (:func:`talkhis.evaluate.truncate_words` cuts it).

    No MMR trade-off beyond dropping near-copies: on EASC dev, under cross-validation, MMR
    with lambda 0.95 down to 0.7 lowered ROUGE, since a single article rarely repeats itself.

    ``vectors`` holds one row per segment of ``article.sentences``.
    """
    model = model or SalienceModel.default()
    body, features = article_features(article)
    if not body:
        return []
    scores = model.score(features)
    v = np.asarray(vectors, dtype=np.float64)[body]
    chosen: list[int] = []
    words = 0
    for j in sorted(range(len(body)), key=lambda j: (-qkey(scores[j]), j)):
        if budget_sentences is not None and len(chosen) >= budget_sentences:
            break
        if budget_words is not None and words >= budget_words:
            break
        if any(v[j] @ v[k] >= redundancy for k in chosen):
            continue
        chosen.append(j)
        words += article.sentences[body[j]].n_words
    return [article.sentences[body[j]] for j in sorted(chosen)]
