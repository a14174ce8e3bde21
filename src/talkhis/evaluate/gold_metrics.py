"""Multi-document metrics against the gold standard (:mod:`talkhis.evaluate.gold`).

Every metric is a pure function that returns counts together with the rates made of them, so a
report can show "12 of 15" next to 0.800:

* :func:`boundary_f1` — where segments end, against the gold units' ends;
* :func:`link_scores` — which sentences of different articles are said to report the same thing
  (cluster members, for instance), against the gold's fact-sharing unit pairs;
* :func:`citation_precision` — whether the sources a summary cites for a sentence report one of
  its facts;
* :func:`fact_coverage` — the share of each period's key facts a summary carries.

A system segment is matched to the gold units of its article that it overlaps by more than half
of the shorter of the two spans (:func:`matching_units`); its facts are those of its units.
Articles copied from another (``Article.duplicate_of``) trivially share every sentence with it,
so link and citation metrics leave such pairs out unless ``include_copies=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..stable import quantize
from .gold import BOILERPLATE, Gold, Unit

if TYPE_CHECKING:
    from ..corpus import Sentence
    from ..select import Selected

__all__ = [
    "Span",
    "PRF",
    "CitationScore",
    "Coverage",
    "FactCoverage",
    "Fold",
    "LeaveOneOut",
    "matching_units",
    "facts_of",
    "boundary_f1",
    "pairs_from_labels",
    "link_scores",
    "citation_precision",
    "fact_coverage",
    "leave_one_article_out",
]

T = TypeVar("T")


class Span(Protocol):
    """Anything with an article id and a character span, such as a :class:`~talkhis.corpus.segment.Sentence`."""

    article: str
    start: int
    end: int


SpanLike = Span | tuple[str, int, int]
Copies = Mapping[str, str | None]


def _span(x: SpanLike) -> tuple[str, int, int]:
    if isinstance(x, tuple):
        article, start, end = x
        return str(article), int(start), int(end)
    return x.article, x.start, x.end


def _rate(num: int, den: int) -> float:
    return num / den if den else 0.0


@dataclass(frozen=True)
class PRF:
    """Counts behind a precision / recall / F1: ``correct`` of ``n_system`` system items are
    right, ``found`` of ``n_gold`` gold items are found."""

    correct: int
    n_system: int
    found: int
    n_gold: int

    @property
    def precision(self) -> float:
        return _rate(self.correct, self.n_system)

    @property
    def recall(self) -> float:
        return _rate(self.found, self.n_gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "n_system": self.n_system, "found": self.found, "n_gold": self.n_gold,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


def _story(article: str, copies: Copies) -> str:
    return copies.get(article) or article


def _counts(a: str, b: str, copies: Copies, include_copies: bool) -> bool:
    """Whether a pair of articles is scored: different articles, and not copies of each other
    unless ``include_copies``."""
    return a != b and (include_copies or _story(a, copies) != _story(b, copies))


# ---------------------------------------------------------------------------------- matching


def matching_units(span: SpanLike, gold: Gold) -> list[Unit]:
    """The gold units of the span's article that it overlaps by more than half of the shorter
    of the two spans (integer arithmetic, so no rounding decides a match)."""
    article, start, end = _span(span)
    out = []
    for u in gold.units_of(article):
        overlap = min(end, u.end) - max(start, u.start)
        if overlap > 0 and 2 * overlap > min(end - start, u.end - u.start):
            out.append(u)
    return out


def facts_of(span: SpanLike, gold: Gold) -> frozenset[str]:
    """The facts of the gold units the span matches (:func:`matching_units`)."""
    return frozenset().union(*(u.facts for u in matching_units(span, gold)))


# ---------------------------------------------------------------------------------- boundaries


def boundary_f1(spans: Sequence[SpanLike], gold: Gold) -> PRF:
    """Sentence-boundary precision, recall and F1 on end offsets.

    Gold ends are those of the non-boilerplate units; system ends are those of the spans that
    overlap a non-boilerplate unit (so boilerplate the system kept or dropped does not count).
    Only articles that have at least one span are scored, so one article can be scored alone.
    ``spans`` are :class:`~talkhis.corpus.segment.Sentence` objects or ``(article, start, end)``
    tuples, so any segmenter can be scored the same way.
    """
    spans = [_span(s) for s in spans]
    articles = {a for a, _, _ in spans}
    content = {a: [u for u in gold.units_of(a) if u.kind != BOILERPLATE] for a in articles}
    gold_ends = {(a, u.end) for a, units in content.items() for u in units}
    system_ends = {(a, end) for a, start, end in spans
                   if any(min(end, u.end) > max(start, u.start) for u in content[a])}
    hits = len(gold_ends & system_ends)
    return PRF(hits, len(system_ends), hits, len(gold_ends))


# ---------------------------------------------------------------------------------- links


def pairs_from_labels(labels: Sequence[int], sentences: Sequence[Sentence]) -> list[tuple[Sentence, Sentence]]:
    """Every pair of sentences of different articles that share a cluster label (a negative
    label means "no cluster"), in sentence order."""
    if len(labels) != len(sentences):
        raise ValueError(f"{len(labels)} labels for {len(sentences)} sentences")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        if int(label) >= 0:
            groups.setdefault(int(label), []).append(i)
    pairs = [(i, j) for members in groups.values() for i, j in combinations(members, 2)
             if sentences[i].article != sentences[j].article]
    return [(sentences[i], sentences[j]) for i, j in sorted(pairs)]


def link_scores(
    pairs: Sequence[tuple[SpanLike, SpanLike]],
    gold: Gold,
    *,
    copies: Copies,
    include_copies: bool = False,
    articles: Collection[str] | None = None,
    involving: str | None = None,
) -> PRF:
    """Pairwise precision, recall and F1 of cross-article links.

    A system pair is correct when the facts of its two sides intersect (:func:`facts_of`); a
    gold link (a unit pair with verdict ``yes``) is found when some system pair matches its two
    units. Pairs within one article, pairs between an article and its copy (``copies``, e.g.
    :meth:`Corpus.copies <talkhis.corpus.Corpus.copies>`; pass ``{}`` when there are none) unless ``include_copies``, and pairs
    touching an article the gold does not annotate are left out on both sides.

    Args:
        articles: score only pairs whose two articles are both in this set.
        involving: score only pairs with one side in this article.
    """
    annotated = set(gold.articles)

    def scored(a: str, b: str) -> bool:
        return (a in annotated and b in annotated and _counts(a, b, copies, include_copies)
                and (articles is None or (a in articles and b in articles))
                and (involving is None or involving in (a, b)))

    cache: dict[tuple[str, int, int], list[Unit]] = {}

    def units(x: SpanLike) -> list[Unit]:
        key = _span(x)
        if key not in cache:
            cache[key] = matching_units(key, gold)
        return cache[key]

    gold_pairs = {p for p in gold.linked_pairs() if scored(p[0][0], p[1][0])}
    correct = n_system = 0
    found: set[tuple[tuple[str, int], tuple[str, int]]] = set()
    for x, y in pairs:
        if not scored(_span(x)[0], _span(y)[0]):
            continue
        n_system += 1
        ux, uy = units(x), units(y)
        fx = frozenset().union(*(u.facts for u in ux))
        fy = frozenset().union(*(u.facts for u in uy))
        correct += bool(fx & fy)
        found.update(p for u in ux for v in uy if (p := tuple(sorted((u.key, v.key)))) in gold_pairs)  # type: ignore[misc]
    return PRF(correct, n_system, len(found), len(gold_pairs))


# ---------------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class CitationScore:
    """Cited sources in other articles: ``correct`` of ``n_cited`` share a fact with the summary
    sentence they support. ``same_article`` and ``copies`` count the citations left out."""

    correct: int
    n_cited: int
    same_article: int
    copies: int

    @property
    def precision(self) -> float:
        return _rate(self.correct, self.n_cited)


def citation_precision(summary: Sequence[Selected], gold: Gold, *, copies: Copies,
                       include_copies: bool = False) -> CitationScore:
    """Share of the sources a summary cites, in articles other than the summary sentence's own
    (and not its copies unless ``include_copies``), whose facts intersect the summary
    sentence's facts."""
    correct = n_cited = same = copied = 0
    for item in summary:
        own = item.sentence
        facts = facts_of(own, gold)
        for source in item.sources:
            if source.article == own.article:
                same += 1
            elif not _counts(source.article, own.article, copies, include_copies):
                copied += 1
            else:
                n_cited += 1
                correct += bool(facts & facts_of(source, gold))
    return CitationScore(correct, n_cited, same, copied)


@dataclass(frozen=True)
class Coverage:
    """``covered`` of a set of ``n_key`` key facts are in the summary; ``missing`` lists the rest."""

    covered: int
    n_key: int
    missing: tuple[str, ...]

    @property
    def share(self) -> float:
        return _rate(self.covered, self.n_key)


@dataclass(frozen=True)
class FactCoverage:
    """Key-fact coverage per period (in period order of first article) and over all periods."""

    periods: dict[str, Coverage]
    overall: Coverage


def fact_coverage(summary: Sequence[Selected], gold: Gold, periods: Mapping[str, str]) -> FactCoverage:
    """The share of each period's key facts that the summary's sentences carry.

    ``periods`` maps article id → period name (e.g. :func:`talkhis.select.selection.periods`). A key fact
    belongs to every period of an article that reports it (in a non-boilerplate unit); annotated
    articles missing from ``periods`` are left out. The summary covers the union of the facts of
    its sentences (:func:`facts_of`).
    """
    key = gold.key_facts
    covered = frozenset().union(*(facts_of(item.sentence, gold) for item in summary)) & key
    by_period: dict[str, set[str]] = {}
    for article in sorted(periods, key=lambda a: (periods[a], a)):
        facts = by_period.setdefault(periods[article], set())
        facts.update(f for u in gold.units_of(article) if u.kind != BOILERPLATE for f in u.facts & key)

    def cover(facts: set[str]) -> Coverage:
        return Coverage(len(facts & covered), len(facts), tuple(sorted(facts - covered)))

    everything = set().union(*by_period.values()) if by_period else set()
    return FactCoverage({p: cover(f) for p, f in by_period.items()}, cover(everything))


# ---------------------------------------------------------------------------------- tuning


@dataclass(frozen=True)
class Fold:
    """One held-out article: the value chosen on the others, its score there and on the article."""

    held_out: str
    value: Any
    train_score: float
    test_score: float


@dataclass(frozen=True)
class LeaveOneOut:
    """The folds of :func:`leave_one_article_out` and the mean held-out score."""

    folds: list[Fold]

    @property
    def mean_test_score(self) -> float:
        return sum(f.test_score for f in self.folds) / len(self.folds) if self.folds else 0.0


def leave_one_article_out(
    values: Sequence[T],
    train_score: Callable[[T, str], float],
    test_score: Callable[[T, str], float],
    articles: Sequence[str],
) -> LeaveOneOut:
    """Choose a parameter by leave-one-article-out, so the figure reported for an article was
    not tuned on it.

    For each article ``a`` of ``articles``: ``train_score(value, a)`` scores every value on the
    other articles (e.g. link F1 with ``articles=`` all but ``a``), the best is kept (compared on
    the :mod:`talkhis.stable` grid; a tie goes to the earlier value in ``values``), and
    ``test_score(best, a)`` scores it on ``a`` (e.g. link F1 with ``involving=a``).
    """
    if not values:
        raise ValueError("no parameter values to choose from")
    folds = []
    for article in articles:
        scores = [train_score(v, article) for v in values]
        q = quantize(scores)
        best = min(range(len(values)), key=lambda i: (-q[i], i))
        folds.append(Fold(article, values[best], scores[best], test_score(values[best], article)))
    return LeaveOneOut(folds)
