"""The learned within-article sentence scorer (salience) and the centrality it uses.

:func:`salience_features` describes each sentence of one article (position, length, similarity
to the article's centroid and title, LexRank centrality, quotes, digits); :class:`SalienceModel`
is a logistic scorer over those features whose shipped weights are fitted on the EASC
development split by ``benchmarks/train_salience.py``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from .segment import Sentence

__all__ = ["FEATURES", "SalienceModel", "centrality", "salience_features"]


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


_DIGIT = re.compile(r"\d")

#: Names of the features :func:`salience_features` returns, in column order.
FEATURES = (
    "first",
    "position",
    "inverse_position",
    "log_words",
    "centroid_similarity",
    "title_similarity",
    "centrality",
    "has_quote",
    "has_digit",
)


def salience_features(sentences: Sequence[Sentence], vectors: np.ndarray,
                      title_vector: np.ndarray | None = None) -> np.ndarray:
    """Features of each sentence of *one* article, in reading order (see :data:`FEATURES`)."""
    n = len(sentences)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    v = np.asarray(vectors, dtype=np.float64)
    centroid = v.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    title = v @ title_vector if title_vector is not None else np.zeros(n)
    cent = centrality(v @ v.T) * n  # 1.0 = average
    rows = []
    for i, s in enumerate(sentences):
        rows.append(
            [
                float(i == 0),
                i / (n - 1) if n > 1 else 0.0,
                1.0 / (i + 1),
                math.log1p(s.n_words),
                float(v[i] @ centroid),
                float(title[i]),
                float(cent[i]),
                float(any(q in s.text for q in "\"“«")),
                float(bool(_DIGIT.search(s.text))),
            ]
        )
    return np.asarray(rows)


@dataclass(frozen=True)
class SalienceModel:
    """A linear sentence scorer over standardised :data:`FEATURES`.

    The shipped weights (``talkhis/data/salience.json``) were fitted on the EASC development
    split; see ``benchmarks/train_salience.py`` and the evaluation notebook for how, and for
    cross-validated scores.
    """

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
