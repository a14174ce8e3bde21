"""Choose the summary sentences: each article's lead in date order, each period opened by its
core event, then the facts most stories report.

News puts its news first: on MultiLing 2011 the round-robin of each article's first sentence
scores above every content-based selection tried, and above the human summaries' agreement with
each other. :func:`choose` keeps that and adds what a lead baseline cannot do:

1. a *candidate* can stand alone in a summary (:func:`.candidates.candidate_problem`); a
   sentence that leans on an earlier one (:mod:`.antecedent`: "these forces", "he added") is
   taken only together with the sentence it leans on, placed before it, or not at all;
2. articles fall into time periods (:mod:`talkhis.align.periods`); articles off the folder's
   story (:mod:`talkhis.align.focus`) only fill what the story leaves;
3. *leads*: each article's first candidate is taken in date order (period, date, article). Under a
   sentence budget each period's *core event* (the lead of its earliest article) is taken
   first, so every period keeps a sentence while the budget allows;
4. a lead or any later pick is left out when it repeats what is already taken (see
   :mod:`.picking`: a near-copy, or the same fact with nothing new);
5. the budget left goes first to each later period up to its *share* (periods share the budget
   by the square root of their stories) with what it reports more widely than any earlier
   period (:func:`talkhis.align.periods.repeated_period`), best score first, then on as a
   round-robin of each article's next candidates (every second one before any third), the
   best score first within a round. The score is salience within the article (a position
   prior, :mod:`.salience`) plus *support*, the share of the other stories that report the
   sentence, plus a bonus (:data:`DATED_WEIGHT`) for a later period's sentence that dates its
   event (:mod:`.scoring`);
6. the summary is ordered by period, then date, article and position, so each period's section
   opens with its core event and a sentence follows the one it leans on.

A summary sentence cites the sentences a second finder names (:mod:`talkhis.align.links` in the
pipeline: the same fact, not just the same topic), which also tells repeats. :func:`choose` says
why every other sentence was left out (:class:`Selection`), which :mod:`talkhis.report.table`
writes as ``sentences.csv``. Every comparison is made on quantised scores with explicit keys.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..align import Cluster
from ..align.focus import focus_articles
from ..align.periods import period_quotas
from ..corpus import Corpus, Sentence
from ..stable import qkey, quantize
from .antecedent import antecedent_problem, leans_on
from .candidates import candidate_problem
from .picking import REDUNDANCY, Budget, Picker
from .salience import SalienceModel
from .scoring import DATED_WEIGHT, SUPPORT_WEIGHT, Frame
from .scoring import frame as frame_of
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

# ---------------------------------------------------------------------------- results


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
            anything), ``leans on …`` (its antecedent cannot be taken) or ``not a candidate:
            <reason>``.
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
        antecedent: why each sentence needs an earlier one to be understood ('' when it does
            not; see :mod:`.antecedent`).
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
    antecedent: list[str]


# ---------------------------------------------------------------------------- steps


def _offered(corpus: Corpus, sentences: Sequence[Sentence], why: list[str]) -> list[int]:
    """The candidates; ``why`` receives the reason of every sentence that is none."""
    copy_of = {a.id: a.duplicate_of for a in corpus.articles}
    offered = []
    for i, s in enumerate(sentences):
        problem = f"its article copies {copy_of[s.article]}" if copy_of[s.article] else candidate_problem(s)
        if problem:
            why[i] = f"not a candidate: {problem}"
        else:
            offered.append(i)
    return offered


def _take_leads(picker: Picker, frame: Frame, sentences: Sequence[Sentence], story: Sequence[int],
                cores_first: bool) -> None:
    """Each article's lead (its first candidate that can be taken) in date order; with
    ``cores_first``, each period's core event (its earliest article's lead) before the others."""
    leads: dict[str, int] = {}
    for i in sorted(story, key=lambda i: frame.key(sentences[i])):
        if picker.group(i) is not None:
            leads.setdefault(sentences[i].article, i)
    ordered = sorted(leads.values(), key=lambda i: frame.key(sentences[i]))
    if cores_first:
        for p in frame.order:
            next((i for i in ordered if frame.period_of[sentences[i].article] == p and picker.take(i)), None)
    picker.fill(ordered)


def _by_score(frame: Frame, sentences: Sequence[Sentence], rows: Sequence[int]) -> list[int]:
    """``rows`` best score first (ties in summary order)."""
    return sorted(rows, key=lambda i: (-qkey(frame.score[i]), *frame.key(sentences[i])))


def _by_depth(frame: Frame, sentences: Sequence[Sentence], rows: Sequence[int]) -> list[int]:
    """``rows`` by their place among their article's candidates (every second sentence before
    any third), the best score first within one place: the budget left after the leads goes on
    as a round-robin of each article's next sentences, the facts more stories report first."""
    depth: dict[int, int] = {}
    seen: dict[str, int] = {}
    for i in sorted(rows, key=lambda i: frame.key(sentences[i])):
        depth[i] = seen.get(sentences[i].article, 0)
        seen[sentences[i].article] = depth[i] + 1
    return sorted(rows, key=lambda i: (depth[i], -qkey(frame.score[i]), *frame.key(sentences[i])))


def _take_shares(picker: Picker, frame: Frame, sentences: Sequence[Sentence], ranked: Sequence[int],
                 quotas: dict[str, int]) -> None:
    """Each later period up to its share, with what it reports more widely than any earlier one."""
    for p in frame.order[1:]:
        own = [i for i in ranked if frame.period_of[sentences[i].article] == p and not frame.repeats[i]]
        picker.fill(own, lambda i, cap=quotas[p]: cap)


def _quotas(corpus: Corpus, frame: Frame, sentences: Sequence[Sentence], story: Sequence[int],
            budget: Budget) -> dict[str, int]:
    """Each period's share of the budget, by the square root of its stories on the story."""
    offering = {frame.period_of[sentences[i].article] for i in story}
    on_story = {sentences[i].article for i in story}
    stories = {p: len({frame.story_of[a.id] for a in corpus.articles
                       if frame.period_of[a.id] == p and a.id in on_story}) for p in frame.order}
    weights = {p: math.sqrt(stories[p]) if p in offering else 0.0 for p in frame.order}
    sentence_budget = budget.sentences is not None
    return period_quotas(weights, frame.order, budget.sentences if sentence_budget else budget.words,
                         at_least=1 if sentence_budget else 0)


def _reasons(picker: Picker, frame: Frame, sentences: Sequence[Sentence], vectors: np.ndarray,
             summary_order: Sequence[int], off_story: set[int], why: list[str]) -> None:
    """Fill ``why`` for every candidate (see :class:`Selection`)."""
    position = {i: k for k, i in enumerate(summary_order, start=1)}
    offered = sorted(picker.offered)
    near = (quantize(vectors[offered] @ vectors[list(summary_order)].T) if summary_order
            else np.zeros((len(offered), 0), int))
    for row, i in enumerate(offered):
        own = frame.period_of[sentences[i].article]
        closest = int(np.argmax(near[row])) if near.shape[1] else None  # ties: the earlier summary item
        if i in position:
            why[i] = "selected"
        elif i in picker.repeat_of and picker.repeat_of[i] in position:
            why[i] = f"redundant with #{position[picker.repeat_of[i]]}"
        elif closest is not None and near[row, closest] >= qkey(REDUNDANCY):
            why[i] = f"redundant with #{closest + 1}"
        elif i in picker.unsupported or (i in picker.leans and picker.leans[i] not in picker.offered):
            before = picker.leans[i]
            what = "no sentence before it" if before is None else f"sentence {sentences[before].index}, not a candidate"
            why[i] = f"leans on an earlier sentence ({antecedent_problem(sentences[i])}): {what}"
        elif i in off_story:
            why[i] = "over budget; its article is off the story"
        elif frame.repeats[i]:
            why[i] = f"over budget; repeats {frame.repeats[i]}"
        elif own == frame.order[0] and len(frame.order) > 1 and frame.coverage[i] == 1:
            why[i] = f"over budget; only one {own} story reports it"
        else:
            why[i] = "over budget"


def _summary(sentences: Sequence[Sentence], clusters: Sequence[Cluster], frame: Frame, citations: SourceFinder,
             summary_order: Sequence[int]) -> list[Selected]:
    cluster_of = {m: c.id for c in clusters for m in c.members}
    rank = {p: k for k, p in enumerate(frame.order)}
    out = []
    for i in summary_order:
        cited = sorted({i, *citations.sources_of(i)}, key=lambda j: (sentences[j].article, sentences[j].index))
        out.append(Selected(
            sentence=sentences[i],
            cluster=cluster_of.get(i, -1),
            score=float(frame.score[i]),
            coverage=len({frame.story_of[sentences[j].article] for j in cited}),
            period=frame.period_of[sentences[i].article],
            sources=[sentences[j] for j in cited],
            periods=sorted({frame.period_of[sentences[j].article] for j in cited}, key=rank.__getitem__),
            index=i,
        ))
    return out


# ---------------------------------------------------------------------------- choose


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
) -> Selection:
    """Pick the summary sentences from clustered ``sentences`` (see the module docstring) and
    record why every other sentence was left out.

    Args:
        corpus: the articles the sentences come from.
        sentences: the clustered sentences in reading order; ``vectors`` has one unit row each.
        clusters: their content clusters.
        budget: how long the summary may be.
        model: the salience model (the shipped one by default).
        sources: which sentences report what each one says, for support and for what a later
            period repeats (cluster members by default).
        citations: which sentences report the same fact as each one: what a summary sentence
            cites, and what makes a repeat (``sources`` by default);
            :class:`talkhis.align.links.Links` in the pipeline.
    """
    sources = sources or ClusterSources(clusters)
    citations = citations or sources
    vectors = np.asarray(vectors, dtype=np.float64)
    n = len(sentences)
    frame = frame_of(corpus, sentences, model or SalienceModel.default(), sources)
    why = ["" for _ in range(n)]
    offered = _offered(corpus, sentences, why)
    # an article off the folder's story (see talkhis.align.focus) fills only what the story leaves
    on_story = focus_articles(corpus, sentences, vectors, ((i, j) for i in range(n) for j in citations.sources_of(i)))
    story = [i for i in offered if sentences[i].article in on_story]
    off_story = [i for i in offered if sentences[i].article not in on_story]
    quotas = _quotas(corpus, frame, sentences, story, budget)

    picker = Picker(sentences, vectors, frame.period_of, budget, citations, leans_on(sentences), offered,
                    lambda i: frame.key(sentences[i]))
    _take_leads(picker, frame, sentences, story, cores_first=budget.sentences is not None)
    _take_shares(picker, frame, sentences, _by_score(frame, sentences, story), quotas)
    picker.fill(_by_depth(frame, sentences, story))
    picker.fill(_by_depth(frame, sentences, off_story))

    summary_order = sorted(picker.chosen, key=lambda i: frame.key(sentences[i]))
    _reasons(picker, frame, sentences, vectors, summary_order, set(off_story), why)
    antecedent = [antecedent_problem(s) or "" for s in sentences]
    return Selection(_summary(sentences, clusters, frame, citations, summary_order), why, frame.salience,
                     frame.score, frame.support, frame.dated, frame.coverage, frame.order, quotas, frame.period_of,
                     antecedent)


def select_sentences(
    corpus: Corpus,
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    clusters: Sequence[Cluster],
    budget: Budget = Budget(),
    *,
    model: SalienceModel | None = None,
) -> list[Selected]:
    """The summary of :func:`choose`, in summary order."""
    return choose(corpus, sentences, vectors, clusters, budget, model=model).summary
