"""The learned within-article sentence scorer (salience) and the centrality it uses.

:func:`salience_features` describes each body segment of one article by where it stands:
one-hot position buckets (each of the first eight segments, then 8–9, 10–14 and 15 on).
:class:`SalienceModel` is a logistic scorer over them; :func:`fit_salience` fits it to the share
of human summaries that include each segment, with the position effect kept non-increasing. The shipped weights are fitted on the 53 articles
of the EASC development split by ``benchmarks/train_salience.py``.

Why position only: under 5-fold cross-validation on EASC dev, every content feature tried
(similarity of a segment's embedding to the article's centroid, its title and its first
sentence, LexRank centrality, word TF-IDF centroid score, title word overlap, length, quotes,
digits, Latin-script share, headings, sentence and line starts, the embedding itself), alone or
together, in logistic, pairwise, boosted-tree and random-forest models, lowered ROUGE against the
references or moved it by less than noise; beyond position, none correlates with which segments
annotators chose by more than noise. See ``notebooks/04_evaluate.ipynb`` for the cross-validated scores.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from ..corpus import TITLE, Sentence

if TYPE_CHECKING:
    from ..corpus import Article

__all__ = [
    "FEATURES",
    "POSITION_BUCKETS",
    "SalienceModel",
    "article_features",
    "centrality",
    "fit_salience",
    "salience_features",
]


def centrality(similarity: np.ndarray, threshold: float = 0.1, damping: float = 0.85,
               max_iter: int = 100, tol: float = 1e-6) -> np.ndarray:
    """Continuous LexRank: the stationary distribution of a random walk on the similarity
    graph (edges below ``threshold`` dropped), by power iteration with at most ``max_iter``
    steps. Returns scores that sum to 1."""
    sim = np.asarray(similarity, dtype=np.float64)
    if sim.ndim != 2 or sim.shape[0] != sim.shape[1]:
        raise ValueError(f"similarity must be a square matrix, got shape {sim.shape}")
    n = sim.shape[0]
    if n == 0:
        return np.zeros(0)
    weights = np.where(sim >= threshold, np.clip(sim, 0, None), 0.0)
    row_sums = weights.sum(axis=1, keepdims=True)
    transition = np.where(row_sums > 0, weights / np.where(row_sums == 0, 1, row_sums), 1.0 / n)
    scores = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = (1 - damping) / n + damping * scores @ transition
        if np.abs(new - scores).sum() < tol:
            scores = new
            break
        scores = new
    return scores / scores.sum()


#: ``(first, last)`` segment positions (0-based, inclusive) of each position bucket.
POSITION_BUCKETS: tuple[tuple[int, int | None], ...] = (
    *((i, i) for i in range(8)),
    (8, 9),
    (10, 14),
    (15, None),
)


def _bucket_name(first: int, last: int | None) -> str:
    if last == first:
        return f"position_{first}"
    return f"position_{first}_{last}" if last is not None else f"position_{first}_on"


#: Names of the features :func:`salience_features` returns, in column order.
FEATURES = tuple(_bucket_name(a, b) for a, b in POSITION_BUCKETS)


def salience_features(sentences: Sequence[Sentence]) -> np.ndarray:
    """Features of the body segments of *one* article, in reading order (see :data:`FEATURES`):
    a one-hot position bucket."""
    rows = np.zeros((len(sentences), len(FEATURES)))
    for i in range(len(sentences)):
        bucket = next(k for k, (a, b) in enumerate(POSITION_BUCKETS) if a <= i and (b is None or i <= b))
        rows[i, bucket] = 1.0
    return rows


def article_features(article: Article) -> tuple[list[int], np.ndarray]:
    """The body segments of ``article`` (every segment that is not its title) and their features.

    Ranking and training both go through this function, so they always describe segments the
    same way.
    """
    body = [i for i, s in enumerate(article.sentences) if s.kind != TITLE]
    return body, salience_features([article.sentences[i] for i in body])


@dataclass(frozen=True)
class SalienceModel:
    """A logistic sentence scorer over standardised :data:`FEATURES`: the estimated share of
    human summaries that would include a segment."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float = 0.0
    note: str = ""

    def score(self, features: np.ndarray) -> np.ndarray:
        if len(features) == 0:
            return np.zeros(0)
        z = (np.asarray(features) - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))

    def to_json(self) -> str:
        return json.dumps(
            {"features": list(FEATURES), "mean": self.mean, "scale": self.scale, "coef": self.coef,
             "intercept": self.intercept, "note": self.note},
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> SalienceModel:
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"salience model features {data['features']} do not match {list(FEATURES)}")
        return cls(tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]), float(data["intercept"]),
                   data.get("note", ""))

    @classmethod
    @cache
    def default(cls) -> SalienceModel:
        """The shipped model."""
        path = resources.files("talkhis") / "data" / "salience.json"
        return cls.from_json(path.read_text(encoding="utf-8"))


def fit_salience(features: np.ndarray, targets: np.ndarray, *, C: float = 1.0, note: str = "") -> SalienceModel:
    """Fit a :class:`SalienceModel` to fractional targets in [0, 1] (e.g. the share of
    references that include each segment).

    Logistic regression with fractional labels: each row appears once as a positive weighted
    by its target and once as a negative weighted by one minus it, so a segment three of five
    annotators chose counts as 0.6 of a positive rather than being rounded to one class.
    ``C`` is the inverse L2 strength, as in scikit-learn.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(FEATURES) or len(x) != len(y):
        raise ValueError(f"expected features of shape (n, {len(FEATURES)}) and n targets, got {x.shape} and {y.shape}")
    if len(y) == 0 or np.any((y < 0) | (y > 1)):
        raise ValueError("targets must be a non-empty array of values in [0, 1]")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    clf = LogisticRegression(C=C, max_iter=2000).fit(
        np.vstack([z, z]), np.r_[np.ones(len(y)), np.zeros(len(y))], sample_weight=np.r_[y, 1 - y]
    )
    coef = _never_rising(clf.coef_[0], scale, x.sum(axis=0))
    return SalienceModel(tuple(mean.round(6)), tuple(scale.round(6)), tuple(coef.round(6)),
                         float(round(clf.intercept_[0], 6)), note)


def _never_rising(coef: np.ndarray, scale: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Make the fitted effect of the position buckets non-increasing with position.

    With one-hot buckets, a segment in bucket ``k`` scores a constant plus ``coef[k] /
    scale[k]``. Fitted freely, those effects follow noise (on EASC dev position 2 came out above
    position 1); isotonic regression, weighted by how many segments each bucket holds, pools the
    buckets that break the order, so an earlier segment never ranks below a later one.
    """
    from sklearn.isotonic import IsotonicRegression

    effect = coef / scale
    order = np.arange(len(effect))
    pooled = IsotonicRegression(increasing=False).fit(order, effect, sample_weight=np.maximum(counts, 1e-9)).predict(order)
    return pooled * scale
