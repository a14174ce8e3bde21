"""Fit the same-fact link model on the gold and measure it leaving each article out.

The examples are the candidate pairs of :func:`talkhis.align.links.score_pairs` (sentences of
different stories, cosine at least the candidate bound, counts that agree), labelled by the gold:
a pair reports the same fact when the facts of its two sentences intersect
(:func:`~talkhis.evaluate.gold_metrics.facts_of`). :func:`fit_link_model` fits a logistic
regression on them and sets the threshold at the lowest quantised probability whose links keep
:data:`TARGET_PRECISION` on the examples. :func:`held_out_links` repeats the whole fit once per
article on the pairs of the other articles and scores the pairs that involve the held-out one
(:func:`~talkhis.evaluate.gold_metrics.link_scores` with ``involving=``); the pooled counts are
the honest estimate of what the shipped model does on unseen articles.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..align.linkmodel import LinkModel
from ..align.links import ScoredPair, score_pairs
from ..stable import STEP, qkey, quantize
from .gold_metrics import PRF, facts_of, link_scores

if TYPE_CHECKING:
    from ..corpus import Corpus, Sentence
    from .gold import Gold

__all__ = ["TARGET_PRECISION", "REGULARISATION", "LinkExamples", "HeldOut", "link_examples", "fit_link_model",
           "held_out_links", "link_curve"]

#: Precision the threshold is chosen for, on the pairs the model is fitted on.
TARGET_PRECISION = 0.95
#: Inverse L2 strength of the logistic regression (scikit-learn's ``C``).
REGULARISATION = 100.0


@dataclass
class LinkExamples:
    """The candidate pairs of a gold corpus with their features and gold labels."""

    sentences: list[Sentence]
    corpus: Corpus
    pairs: list[ScoredPair]
    x: np.ndarray
    y: np.ndarray

    def involving(self, article: str) -> np.ndarray:
        """Which pairs have a sentence in ``article``."""
        return np.array([article in (self.sentences[p.i].article, self.sentences[p.j].article) for p in self.pairs],
                        dtype=bool)


def link_examples(sentences: Sequence[Sentence], vectors: np.ndarray, corpus: Corpus, gold: Gold, *,
                  unrelated: Collection[str] = ()) -> LinkExamples:
    """The candidate pairs of ``sentences`` labelled by ``gold`` (see the module docstring).

    ``unrelated`` names articles known to share no fact with the annotated ones (other
    subjects entirely, such as EASC articles on sport or health beside the seeds): their pairs
    with an annotated article are examples of pairs that do not report the same fact; pairs of
    two unannotated articles are left out."""
    annotated = set(gold.articles)
    scored = [p for p in score_pairs(sentences, vectors, corpus)
              if {sentences[p.i].article, sentences[p.j].article} <= annotated
              or len({sentences[p.i].article, sentences[p.j].article} & annotated) == 1
              and {sentences[p.i].article, sentences[p.j].article} - annotated <= set(unrelated)]
    x = np.array([[p.cosine, p.overlap, p.numbers_agree] for p in scored], dtype=np.float64).reshape(-1, 3)
    facts = [facts_of(s, gold) if s.article in annotated else frozenset() for s in sentences]
    y = np.array([bool(facts[p.i] & facts[p.j]) for p in scored], dtype=np.int64)
    return LinkExamples(list(sentences), corpus, scored, x, y)


def _threshold(p: np.ndarray, y: np.ndarray, target: float) -> float:
    """The lowest quantised probability at which the pairs at or above it keep ``target``
    precision (1.0 when none does)."""
    q = quantize(p)
    best = qkey(1.0)
    for level in sorted(set(q.tolist()), reverse=True):
        chosen = q >= level
        if y[chosen].mean() >= target:
            best = level
    return round(best * STEP, 4)


def fit_link_model(x: np.ndarray, y: np.ndarray, *, target: float = TARGET_PRECISION,
                   regularisation: float = REGULARISATION, fitted: str = "") -> LinkModel:
    """A logistic regression of ``y`` on ``x`` (rows of :data:`~talkhis.align.linkmodel.FEATURES`),
    its threshold set for ``target`` precision on the same pairs."""
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:
        raise ValueError("the examples need both linked and unlinked pairs")
    fit = LogisticRegression(C=regularisation, max_iter=10_000).fit(x, y)
    weights, intercept = tuple(float(w) for w in fit.coef_[0]), float(fit.intercept_[0])
    probability = LinkModel(weights, intercept, 1.0).probability(x)
    return LinkModel(weights, intercept, _threshold(probability, y, target), fitted)


@dataclass(frozen=True)
class HeldOut:
    """Link precision and recall of a model fitted on the other articles, per held-out article,
    and pooled."""

    folds: dict[str, PRF]

    @property
    def pooled(self) -> PRF:
        return PRF(*(sum(getattr(f, k) for f in self.folds.values()) for k in ("correct", "n_system", "found", "n_gold")))


def held_out_links(examples: LinkExamples, gold: Gold, *, target: float = TARGET_PRECISION,
                   regularisation: float = REGULARISATION) -> HeldOut:
    """Leave one article out: fit on the pairs that do not involve it, link its pairs at that
    fold's threshold, score them against the gold (copies of each other left out). A fold
    whose other articles hold no linked pair (or no unlinked one) links nothing."""
    copies = examples.corpus.copies()
    folds = {}
    for article in gold.articles:
        test = examples.involving(article)
        chosen = []
        if len(set(examples.y[~test].tolist())) == 2:  # else nothing to fit: no link for this fold
            model = fit_link_model(examples.x[~test], examples.y[~test], target=target, regularisation=regularisation)
            q = quantize(model.probability(examples.x))
            chosen = [(examples.sentences[p.i], examples.sentences[p.j])
                      for p, t, k in zip(examples.pairs, test, q.tolist()) if t and k >= qkey(model.threshold)]
        folds[article] = link_scores(chosen, gold, copies=copies, involving=article)
    return HeldOut(folds)


def link_curve(
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    corpus: Corpus,
    gold: Gold,
    thresholds: Sequence[float] = tuple(round(0.05 * k, 2) for k in range(1, 20)),
    *,
    model: LinkModel | None = None,
) -> list[tuple[float, float, float]]:
    """``(threshold, precision, recall)`` of the links against a gold standard
    (:func:`~talkhis.evaluate.gold_metrics.link_scores`; pairs between an article and its copy
    left out), one row per probability threshold, for a precision-recall chart."""
    candidates = score_pairs(sentences, vectors, corpus, model=model)
    scores = [qkey(c.probability) for c in candidates]
    out = []
    for t in thresholds:
        chosen = [(sentences[c.i], sentences[c.j]) for c, s in zip(candidates, scores) if s >= qkey(t)]
        prf = link_scores(chosen, gold, copies=corpus.copies())
        out.append((float(t), prf.precision, prf.recall))
    return out
