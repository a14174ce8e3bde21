"""Choose the summary sentences: the core event first, then what each later period adds.

The maths are pure functions (:func:`talkhis.select.mmr.mmr`, :func:`talkhis.align.periods.period_quotas`, salience features
in :mod:`talkhis.select.salience`), so tests and notebooks can reuse them. :func:`choose` puts them
together for several dated articles:

1. a *candidate* can stand alone in a summary (:func:`talkhis.select.candidates.candidate_problem`):
   a full sentence of reasonable length that opens neither with a quote nor with a speaker it
   does not name;
2. its score is its salience within its own article (a position prior learned from human
   summaries, see :mod:`talkhis.select.salience`) plus its *support*, the share of the other stories
   (near-duplicate articles counted once) that report it, read from a
   :class:`~talkhis.select.sources.SourceFinder` (content clusters), plus a small bonus
   (:data:`DATED_WEIGHT`) for a later period's sentence that dates the event it reports;
3. articles fall into time periods (:mod:`talkhis.align.periods`). The first period is the
   *background*: when it has several stories, what at least two of them agree on and each
   story's lead. Each later
   period offers *what changed*: what it reports more widely than any earlier period (see
   :func:`talkhis.align.periods.repeated_period`). Every other candidate waits for whatever budget is left at the end;
4. the background and each later period with news of its own share the budget in proportion
   to the square root of the number of stories each period holds (at least one sentence each
   while the budget allows). The core event as first reported (the
   best background candidate of the earliest article) is taken first, then the best
   development of each later period, then every period up to its share, then the periods'
   own candidates overall (a share one period cannot use goes to the others), then the best
   remaining candidates, and last the sentences of articles off the folder's story
   (:mod:`talkhis.align.focus`: unrelated articles never take a place from the story);
5. every pick is made by maximal marginal relevance on quantised scores; a candidate too
   similar to one already taken is a repeat and never taken;
6. the result is ordered by period, the core event first, then reading order (article date,
   article, position).

A summary sentence cites the sentences a second finder names (:mod:`talkhis.align.links` in the
pipeline: the same fact, not just the same topic). :func:`choose` also says why every other
sentence was left out (:class:`Selection`), which :mod:`talkhis.report.table` writes as
``sentences.csv``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..align import Cluster
from ..align.focus import focus_articles
from ..align.periods import period_order, period_quotas, periods, repeated_period
from ..corpus import TITLE, Corpus, Sentence
from ..corpus.dates import mentions_day
from ..stable import qkey, quantize
from .candidates import candidate_problem
from .mmr import LAMBDA, mmr
from .salience import SalienceModel, salience_features
from .sources import ClusterSources, SourceFinder

__all__ = [
    "SUPPORT_WEIGHT",
    "REDUNDANCY",
    "DATED_WEIGHT",
    "Budget",
    "Selected",
    "Selection",
    "choose",
    "select_sentences",
]

#: Weight of cross-story support against within-article salience in the sentence score.
SUPPORT_WEIGHT = 0.5
#: A candidate this similar to an already chosen sentence is a repeat.
REDUNDANCY = 0.8
#: Bonus for a later period's sentence that dates what it reports (a day and a month): such a
#: period's developments are events, and news dates its events.
DATED_WEIGHT = 0.1


# ---------------------------------------------------------------------------- results


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
    """A chosen sentence and why.

    Attributes:
        sentence: the sentence as written.
        cluster: its content cluster.
        score: salience plus weighted support.
        coverage: how many distinct stories its sources come from (its own included).
        period: the period of its own article.
        sources: itself and the sentences it cites as reporting the same, by article and position.
        periods: every period among its sources, in time order.
        index: its position in the clustered sentences.
    """

    sentence: Sentence
    cluster: int
    score: float
    coverage: int
    period: str
    sources: list[Sentence] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    index: int = -1


@dataclass
class Selection:
    """The summary and a decision for every clustered sentence.

    Attributes:
        summary: the chosen sentences in summary order (period, then reading order).
        why: for each clustered sentence, ``selected``, ``redundant with #k`` (k is a summary
            position), ``over budget`` (with what kept it out of its period's share, if
            anything) or ``not a candidate: <reason>``.
        salience: salience of each clustered sentence within its article.
        score: score of each clustered sentence (salience plus weighted support plus the
            dated bonus).
        support: share of the other stories reporting each sentence.
        dated: 1 for a later period's sentence that dates the event it reports, else 0.
        coverage: how many distinct stories report each sentence (itself included).
        period_order: the periods in time order.
        quotas: each period's share of the budget (sentences or words).
        period_of: the period of each article, by id (computed once here; the pipeline's result
            and the notes read it).
    """

    summary: list[Selected]
    why: list[str]
    salience: np.ndarray
    score: np.ndarray
    support: np.ndarray
    dated: np.ndarray
    coverage: np.ndarray
    period_order: list[str]
    quotas: dict[str, int]
    period_of: dict[str, str]


# ---------------------------------------------------------------------------- selection


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


class _Budgeted:
    """What has been taken against a budget, in all and per period."""

    def __init__(self, sentences: Sequence[Sentence], period_of: Mapping[str, str], budget: Budget) -> None:
        self.sentences, self.period_of, self.budget = sentences, period_of, budget
        self.count, self.words = 0, 0
        self.period_words: dict[str, int] = {}

    def fits(self, i: int, period_cap: int | None = None) -> bool:
        """True when sentence ``i`` fits the budget (and its period's ``period_cap`` words)."""
        if self.budget.sentences is not None:
            return self.count < self.budget.sentences
        n = self.sentences[i].n_words
        if self.count == 0:  # a budget below one sentence still gives one sentence
            return True
        in_period = self.period_words.get(self.period_of[self.sentences[i].article], 0)
        return self.words + n <= self.budget.words and (period_cap is None or in_period + n <= period_cap)

    def take(self, i: int) -> None:
        period = self.period_of[self.sentences[i].article]
        self.count += 1
        self.words += self.sentences[i].n_words
        self.period_words[period] = self.period_words.get(period, 0) + self.sentences[i].n_words


def _pools(
    corpus: Corpus,
    sentences: Sequence[Sentence],
    stories_per_period: Sequence[Mapping[str, int]],
    repeats: Sequence[str | None],
    period_of: Mapping[str, str],
    order: Sequence[str],
    why: list[str],
) -> tuple[dict[str, list[int]], list[int]]:
    """Sort the candidates into each period's own pool and a list that waits for the last fill.

    A later period's pool leaves out what repeats an earlier period (see
    :func:`talkhis.align.periods.repeated_period`). When the first period has several stories, its pool holds what
    at least two of them agree on and each story's lead. What is left out waits; ``why`` receives the reason of every
    sentence that is no candidate.
    """
    copy_of = {a.id: a.duplicate_of for a in corpus.articles}
    pool: dict[str, list[int]] = {p: [] for p in order}
    waiting: list[int] = []
    for i, s in enumerate(sentences):
        problem = f"its article copies {copy_of[s.article]}" if copy_of[s.article] else candidate_problem(s)
        if problem:
            why[i] = f"not a candidate: {problem}"
        elif repeats[i]:
            waiting.append(i)
        else:
            pool[period_of[s.article]].append(i)
    first = order[0] if order else None
    stories = {corpus.story(a.id) for a in corpus.articles if period_of[a.id] == first}
    if len(order) > 1 and len(stories) > 1:
        # What two stories agree on, and each story's lead: the first candidate of an article
        # states its own core news, which other outlets often word too differently to cluster.
        leads = {}
        for i in pool[first]:
            leads.setdefault(sentences[i].article, i)
        agreed = {i for i in pool[first] if stories_per_period[i].get(first, 0) > 1} | set(leads.values())
        waiting += [i for i in pool[first] if i not in agreed]
        pool[first] = sorted(agreed)
    return pool, sorted(waiting)


def _scores(corpus: Corpus, sentences: Sequence[Sentence], model: SalienceModel, sources: SourceFinder,
            period_of: Mapping[str, str], order: Sequence[str], story_of: Mapping[str, str]):
    """Each sentence's salience, score, support, dated bonus and coverage, the stories per
    period that report it, and the earlier period it only repeats (if any)."""
    n = len(sentences)
    n_stories = len(set(story_of.values()))
    salience = _salience(sentences, model)
    support_sets = [sorted({i, *sources.sources_of(i)}) for i in range(n)]
    stories_per_period: list[dict[str, int]] = []
    for support_set in support_sets:
        found: dict[str, set[str]] = {}
        for j in support_set:
            found.setdefault(period_of[sentences[j].article], set()).add(story_of[sentences[j].article])
        stories_per_period.append({p: len(v) for p, v in found.items()})
    coverage = np.array([len({story_of[sentences[j].article] for j in s}) for s in support_sets], dtype=np.int64)
    support = (coverage - 1) / (n_stories - 1) if n_stories > 1 else np.zeros(n)
    dated = np.array([period_of[s.article] != order[0] and mentions_day(s.text) for s in sentences], dtype=float)
    score = salience + SUPPORT_WEIGHT * support + DATED_WEIGHT * dated
    repeats = [repeated_period(stories_per_period[i], order, period_of[s.article]) for i, s in enumerate(sentences)]

    return salience, score, support, dated, coverage, stories_per_period, repeats


def _explain(why: list[str], vectors: np.ndarray, sentences: Sequence[Sentence], summary_order: Sequence[int],
             pool: Mapping[str, Sequence[int]], waiting: Sequence[int], off_story: Sequence[int],
             repeats: Sequence[str | None], period_of: Mapping[str, str], order: Sequence[str]) -> None:
    """Fill ``why`` for every offered candidate: selected, redundant with a summary sentence,
    or over budget and what kept it out of its period's share."""
    position = {i: k for k, i in enumerate(summary_order, start=1)}
    offered = np.array(sorted([i for p in order for i in pool[p]] + waiting + off_story), dtype=np.int64)
    waits, off = set(waiting), set(off_story)
    # similarity of every offered candidate to every summary sentence, on the grid
    near = quantize(vectors[offered] @ vectors[summary_order].T) if summary_order else np.zeros((len(offered), 0), int)
    for row, i in enumerate(offered.tolist()):
        if i in position:
            why[i] = "selected"
            continue
        closest = int(np.argmax(near[row])) if near.shape[1] else None  # ties: the earlier summary item
        own = period_of[sentences[i].article]
        if closest is not None and near[row, closest] >= qkey(REDUNDANCY):
            why[i] = f"redundant with #{closest + 1}"
        elif i in off:
            why[i] = "over budget; its article is off the story"
        elif i in waits and own != order[0]:
            why[i] = f"over budget; repeats {repeats[i]}"
        elif i in waits:
            why[i] = f"over budget; only one {own} story reports it"
        else:
            why[i] = "over budget"



def _items(summary_order: Sequence[int], sentences: Sequence[Sentence], citations: SourceFinder,
           cluster_of: Mapping[int, int], score: np.ndarray, period_of: Mapping[str, str],
           story_of: Mapping[str, str], rank: Mapping[str, int]) -> list[Selected]:
    """The summary sentences in order, each with the sources it cites and their periods."""
    summary = []
    for i in summary_order:
        cited = sorted({i, *citations.sources_of(i)}, key=lambda j: (sentences[j].article, sentences[j].index))
        summary.append(Selected(
            sentence=sentences[i],
            cluster=cluster_of.get(i, -1),
            score=float(score[i]),
            coverage=len({story_of[sentences[j].article] for j in cited}),
            period=period_of[sentences[i].article],
            sources=[sentences[j] for j in cited],
            periods=sorted({period_of[sentences[j].article] for j in cited}, key=rank.__getitem__),
            index=i,
        ))
    return summary


def choose(
    corpus: Corpus,
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    clusters: Sequence[Cluster],
    budget: Budget = Budget(),
    *,
    model: SalienceModel | None = None,
    sources: SourceFinder | None = None,
    citations: SourceFinder | None = None,
    lambda_: float = LAMBDA,
) -> Selection:
    """Pick the summary sentences from clustered ``sentences`` (see the module docstring) and
    record why every other sentence was left out.

    Args:
        corpus: the articles the sentences come from.
        sentences: the clustered sentences; ``vectors`` has one unit row for each.
        clusters: their content clusters.
        budget: how long the summary may be.
        model: the salience model (the shipped one by default).
        sources: which sentences report what each one says, for support, agreement and
            repeats (cluster members by default).
        citations: which sentences a summary sentence cites as its sources (``sources`` by
            default); :class:`talkhis.align.links.Links` cites only sentences reporting the same fact.
        lambda_: the MMR trade-off between score and novelty.
    """
    model = model or SalienceModel.default()
    sources = sources or ClusterSources(clusters)
    citations = citations or sources
    vectors = np.asarray(vectors, dtype=np.float64)
    n = len(sentences)
    period_of = periods(corpus.articles)
    order = period_order(period_of)
    rank = {p: k for k, p in enumerate(order)}
    date_of = {a.id: a.date or "" for a in corpus.articles}
    cluster_of = {m: c.id for c in clusters for m in c.members}
    story_of = {a.id: corpus.story(a.id) for a in corpus.articles}
    salience, score, support, dated, coverage, stories_per_period, repeats = _scores(
        corpus, sentences, model, sources, period_of, order, story_of)
    why = ["" for _ in range(n)]
    pool, waiting = _pools(corpus, sentences, stories_per_period, repeats, period_of, order, why)
    # An article off the folder's story (see talkhis.align.focus) gets no share of the budget and
    # fills only what the story leaves.
    on_story = focus_articles(corpus, sentences, vectors, ((i, j) for i in range(n) for j in citations.sources_of(i)))
    off_story = sorted(i for i in [*waiting, *(i for p in order for i in pool[p])] if sentences[i].article not in on_story)
    pool = {p: [i for i in pool[p] if sentences[i].article in on_story] for p in order}
    waiting = [i for i in waiting if sentences[i].article in on_story]
    # Periods with news of their own share the budget by the square root of their stories:
    # more outlets make a richer account, with diminishing returns.
    n_stories_in = {p: len({story_of[a.id] for a in corpus.articles if period_of[a.id] == p and a.id in on_story})
                    for p in order}
    weights = {p: math.sqrt(n_stories_in[p]) if pool[p] else 0.0 for p in order}
    sentence_budget = budget.sentences is not None
    quotas = period_quotas(weights, order, budget.sentences if sentence_budget else budget.words,
                           at_least=1 if sentence_budget else 0)

    def sim(rows: np.ndarray, j: int) -> np.ndarray:
        return vectors[rows] @ vectors[j]

    taken = _Budgeted(sentences, period_of, budget)
    chosen: list[int] = []
    over: set[int] = set()

    def fill(candidates: Sequence[int], k: int, period_cap: int | None = None) -> list[int]:
        def accept(i: int) -> bool:
            if taken.fits(i, period_cap):
                taken.take(i)
                return True
            if period_cap is None:
                over.add(i)  # dropped for good only when the whole budget is the limit
            return False

        done = set(chosen) | over
        remaining = [i for i in candidates if i not in done]
        picks = mmr(score, sim, k, lambda_, remaining, chosen=chosen, redundancy=REDUNDANCY, accept=accept)
        chosen.extend(picks)
        return picks

    live = [p for p in order if pool[p]]
    core: list[int] = []
    if live:  # the core event as first reported: the best candidate of the earliest article that has one
        first = min(pool[live[0]], key=lambda i: (date_of[sentences[i].article], sentences[i].article))
        core = fill([i for i in pool[live[0]] if sentences[i].article == sentences[first].article], 1)
    core += [i for p in live[1:] for i in fill(pool[p], 1)]  # then each later period's best news
    for p in live:  # each period up to its share
        if sentence_budget:
            fill(pool[p], quotas[p] - sum(period_of[sentences[i].article] == p for i in chosen))
        else:
            fill(pool[p], n, period_cap=quotas[p])
    fill(sorted(i for p in live for i in pool[p]), n)  # a share a period cannot use goes to the others' news
    fill(waiting, n)  # then what is left, to the best remaining
    fill(off_story, n)  # articles off the story come last

    lead = core[0] if core else None
    summary_order = sorted(chosen, key=lambda i: (rank[period_of[sentences[i].article]], i != lead,
                                                   date_of[sentences[i].article], sentences[i].article,
                                                   sentences[i].index))
    _explain(why, vectors, sentences, summary_order, pool, waiting, off_story, repeats, period_of, order)
    summary = _items(summary_order, sentences, citations, cluster_of, score, period_of, story_of, rank)
    return Selection(summary, why, salience, score, support, dated, coverage, order, quotas, period_of)


def select_sentences(
    corpus: Corpus,
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    clusters: Sequence[Cluster],
    budget: Budget = Budget(),
    *,
    model: SalienceModel | None = None,
    lambda_: float = LAMBDA,
) -> list[Selected]:
    """The summary of :func:`choose`, in summary order."""
    return choose(corpus, sentences, vectors, clusters, budget, model=model, lambda_=lambda_).summary
