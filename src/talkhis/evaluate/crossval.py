"""Score single-article summarisers on human-summarised articles, optionally cross-validating
the talkhis salience model.

:func:`evaluate_file` runs the systems over a JSONL file of ``{id, article, references[,
title]}`` records and reports mean ROUGE-1/2/L F with bootstrap confidence intervals over
articles; with ``cv_folds=K`` the talkhis salience model is refitted K times, each time without
the articles it is scored on, so scores on the data it was tuned on are not in-sample. Every
system's summary is cut at the mean length of the article's references.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..corpus import Article
from ..corpus.lang import normalize_arabic
from ..errors import InputError, UnknownBackend
from ..select.salience import SalienceModel, article_features, fit_salience
from .records import Record
from .rouge import METRICS, bootstrap_ci, rouge, word_budget
from .systems import (
    DEFAULT_SYSTEMS,
    ORACLE,
    SHIPPED,
    SYSTEMS,
    TalkhisSystem,
    article_segments,
    as_embedder,
    available_systems,
    body_indices,
    get_system,
    greedy_oracle,
)

if TYPE_CHECKING:
    from ..embed import Embedder

__all__ = [
    "salience_targets",
    "train_salience",
    "EvalResult",
    "evaluate_records",
]


def _squash(text: str) -> str:
    """Normalised letters and digits only, so a segment can be found inside a reference even
    where the reference joined lines or changed spacing and punctuation."""
    return "".join(ch for ch in normalize_arabic(text) if ch.isalnum())


def salience_targets(article: Article, references: Sequence[str]) -> np.ndarray:
    """For each body segment of ``article``, the share of ``references`` that include it
    (matched on normalised letters and digits)."""
    refs = [_squash(r) for r in references]
    out = []
    for i in body_indices(article):
        key = _squash(article.sentences[i].text)
        out.append(sum(key in r for r in refs) / len(refs) if key else 0.0)
    return np.asarray(out)


def _training_data(records: Sequence[Record]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for rec in records:
        doc = article_segments(rec.article, rec.title, rec.id)
        _, features = article_features(doc)
        xs.append(features)
        ys.append(salience_targets(doc, rec.references))
    return np.vstack(xs), np.concatenate(ys)


def train_salience(records: Sequence[Record], *, C: float = 1.0, note: str | None = None) -> SalienceModel:
    """Fit the talkhis salience model on human summaries: every body segment of every record,
    with the share of its references that include it as target (see :func:`fit_salience`)."""
    x, y = _training_data(records)
    note = note or f"fitted on {len(records)} articles ({len(y)} segments)"
    return fit_salience(x, y, C=C, note=note)



@dataclass
class EvalResult:
    """Per-article ROUGE F of every system, and what the run was.

    ``scores[system]`` has one row per article (in ``ids`` order) and one column per metric
    of :data:`METRICS`; each value is the mean F over that article's references.
    """

    systems: list[str]
    ids: list[str]
    budgets: list[int]
    scores: dict[str, np.ndarray]
    summaries: dict[str, list[list[str]]]
    source: str | None = None
    embedder: str = "use"
    seed: int = 0
    cv_folds: int | None = None
    n_boot: int = 1000
    confidence: float = 0.95
    in_sample: bool = False
    given_model: bool = False

    def mean(self, system: str, metric: str) -> tuple[float, float, float]:
        """``(mean, low, high)`` of ``system``'s ``metric`` F over articles."""
        return bootstrap_ci(self.scores[system][:, METRICS.index(metric)], n_boot=self.n_boot,
                            confidence=self.confidence, seed=self.seed)

    def difference(self, a: str, b: str, metric: str) -> tuple[float, float, float]:
        """``(mean, low, high)`` of ``a`` minus ``b`` on ``metric``, paired by article."""
        col = METRICS.index(metric)
        return bootstrap_ci(self.scores[a][:, col] - self.scores[b][:, col], n_boot=self.n_boot,
                            confidence=self.confidence, seed=self.seed)

    def label(self, system: str) -> str:
        """The system's name as tables and charts show it; a talkhis row scored on the articles
        its salience model was fitted on says so."""
        if system == "talkhis" and self.cv_folds:
            return f"talkhis ({self.cv_folds}-fold CV)"
        if system == "talkhis" and self.given_model:
            return "talkhis (given model)"
        if system in ("talkhis", SHIPPED):
            return "talkhis (shipped model), in-sample (tuned on this data)" if self.in_sample else "talkhis (shipped model)"
        return f"{ORACLE} (reads the references)" if system == ORACLE else system

    def _talkhis_model(self) -> str:
        if self.cv_folds:
            return f"salience model refitted for each of {self.cv_folds} folds on the other folds"
        return "a given salience model" if self.given_model else "the shipped salience model"

    def to_dict(self) -> dict[str, Any]:
        """Everything ``scores.json`` holds."""
        return {
            "source": self.source,
            "n_articles": len(self.ids),
            "metric": "ROUGE F-measure, mean over each article's references, normalised Arabic tokens",
            "budget": "mean word count of each article's references",
            "talkhis_model": self._talkhis_model(),
            "shipped_model_fitted_on_these_articles": self.in_sample,
            "embedder": self.embedder,
            "seed": self.seed,
            "bootstrap": {"resamples": self.n_boot, "confidence": self.confidence, "over": "articles"},
            "systems": {
                s: {m: dict(zip(("mean", "low", "high"), map(_round, self.mean(s, m)))) for m in METRICS}
                for s in self.systems
            },
            "articles": [
                {"id": a, "budget": self.budgets[k],
                 "scores": {s: {m: _round(self.scores[s][k, j]) for j, m in enumerate(METRICS)} for s in self.systems}}
                for k, a in enumerate(self.ids)
            ],
        }


def _round(x: float) -> float:
    return round(float(x), 4)


def _folds(n: int, k: int, seed: int) -> list[np.ndarray]:
    """``k`` disjoint test folds of ``range(n)``, shuffled with ``seed``."""
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(part) for part in np.array_split(order, k)]


def evaluate_records(
    records: Sequence[Record],
    systems: Sequence[str] = DEFAULT_SYSTEMS,
    *,
    embedder: str | Embedder = "use",
    seed: int = 0,
    cv_folds: int | None = None,
    model: SalienceModel | None = None,
    n_boot: int = 1000,
    source: str | None = None,
) -> EvalResult:
    """Summarise every record with every system and score the summaries (see the module
    docstring). ``systems`` may include :data:`ORACLE`.

    With ``cv_folds=K`` (K ≥ 2) the articles are split into K folds (grouped by article,
    shuffled with ``seed``) and talkhis summarises each fold with a salience model fitted on
    the other folds; otherwise it uses ``model`` or the shipped model.

    Raises:
        UnknownBackend: a system name is not registered.
        InputError: there are fewer records than folds.
    """
    systems = list(dict.fromkeys(systems))
    unknown = [s for s in systems if s not in SYSTEMS and s != ORACLE]
    if unknown:
        raise UnknownBackend(f"unknown system {unknown[0]!r}; choose from {', '.join([*available_systems(), ORACLE])}")
    cv_folds = cv_folds or None
    if cv_folds is not None and not 2 <= cv_folds <= len(records):
        raise InputError(f"{source or 'records'}: {cv_folds}-fold cross-validation needs at least 2 folds and "
                         f"no more folds than the {len(records)} articles")
    needs_vectors = "talkhis" in systems
    emb = as_embedder(embedder) if needs_vectors else embedder
    budgets = [word_budget(r.references) for r in records]
    summaries: dict[str, list[list[str]]] = {}
    for name in systems:
        if name == ORACLE:
            summaries[name] = [greedy_oracle(r.article, r.title, r.references, b) for r, b in zip(records, budgets)]
        elif name == "talkhis" and cv_folds:
            out: list[list[str]] = [[] for _ in records]
            for test in _folds(len(records), cv_folds, seed):
                held_out = set(test.tolist())
                fold_model = train_salience([r for i, r in enumerate(records) if i not in held_out])
                system = TalkhisSystem(emb, fold_model)
                for i in test:
                    out[i] = system(records[i].article, records[i].title, budgets[i])
            summaries[name] = out
        else:
            system = get_system(name, seed=seed, embedder=emb, model=model)
            summaries[name] = [system(r.article, r.title, b) for r, b in zip(records, budgets)]
    scores = {}
    for name in systems:
        rows = []
        for rec, summary in zip(records, summaries[name]):
            result = rouge(" ".join(summary), rec.references)
            rows.append([result[m].fmeasure for m in METRICS])
        scores[name] = np.asarray(rows).reshape(len(records), len(METRICS))
    embedder_name = emb if isinstance(emb, str) else emb.name
    # the shipped model's note names the file it was fitted on
    in_sample = source is not None and Path(source).name in SalienceModel.default().note
    return EvalResult(systems, [r.id for r in records], budgets, scores, summaries, source, embedder_name, seed,
                      cv_folds, n_boot, in_sample=in_sample, given_model=model is not None)
