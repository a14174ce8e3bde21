"""The evidence two sentences give of reporting the same fact, and the calibrated model that
weighs it.

For a pair of sentences of different stories, :class:`PairEvidence` computes three features,
cheap enough for millions of pairs at once, and all properties of the two texts alone (so a text
that several articles carry is scored once):

* ``cosine``: the cosine of the two sentence vectors;
* ``overlap``: the IDF-weighted cosine of their content terms (normalised, light-stemmed words
  without stopwords, and numbers with Arabic-Indic digits read as digits), which rewards the
  names, figures and wording a paraphrase keeps;
* ``numbers_agree``: both state counts or amounts (two digits or more, not a year) and share one.

A pair whose sentences both state counts and share none states different figures, so it is
never a link. :class:`LinkModel` turns the features into the probability that the pair reports
the same fact (logistic regression fitted on the hand-made gold, ``data/gold``, shipped as
``talkhis/data/links.json``; ``benchmarks/train_links.py`` refits it and prints its
leave-one-article-out figures). Probabilities are quantised (:mod:`talkhis.stable`) before they
meet the threshold, so the decisions are the same on any machine.

Articles a period apart are not treated apart: on the gold, a feature for it got a weight of about
0.1 (the same standing figure or position is reported in both periods), so it was left out.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from ..corpus.lang import get_language

if TYPE_CHECKING:
    from ..corpus import Corpus, Sentence

__all__ = ["FEATURES", "LinkModel", "PairEvidence", "content_terms"]

#: The features of a pair, in the order of the model's weights.
FEATURES = ("cosine", "overlap", "numbers_agree")

_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
_SUFFIXES = ("هما", "ها", "هم", "ون", "ين", "ات", "ان", "يه", "يا", "ه", "ي", "ا")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Spellings of one name that normalisation leaves apart (أميركي / أمريكي, البنتاغون / البنتاجون).
_SPELLINGS = (("اميرك", "امريك"), ("غون", "جون"))


def _stem(word: str) -> str:
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    for variant, usual in _SPELLINGS:
        word = word.replace(variant, usual)
    return word


def content_terms(text: str) -> set[str]:
    """The content terms of ``text``: normalised, light-stemmed words that are not stopwords
    (at least three letters), and numbers written ``#2500`` (digit groups joined)."""
    lang = get_language("ar")
    stop = lang.stopwords()
    terms = set()
    for token in lang.tokenize(text):
        if _NUMBER.fullmatch(token):
            terms.add("#" + token.replace(",", ""))
        elif token not in stop:
            stem = _stem(token)
            if len(stem) >= 3 and stem not in stop:
                terms.add(stem)
    return terms


def _counts(terms: set[str]) -> set[str]:
    """The numbers among ``terms`` that count or measure something: two digits or more, not a year."""
    return {t for t in terms if t.startswith("#") and len(t) > 2 and not _YEAR.fullmatch(t[1:])}


def _rows(sets: Sequence[set[str]], weight) -> object:
    """Sparse rows, one per set, each term weighted by ``weight(term)`` (terms of weight 0
    left out) and each row scaled to unit length."""
    from scipy.sparse import csr_matrix

    column: dict[str, int] = {}
    rows, cols, data = [], [], []
    for r, ts in enumerate(sets):
        weights = {t: weight(t) for t in ts}
        weights = {t: w for t, w in weights.items() if w > 0}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        for t in sorted(weights):
            rows.append(r)
            cols.append(column.setdefault(t, len(column)))
            data.append(weights[t] / norm)
    return csr_matrix((data, (rows, cols)), shape=(len(sets), max(1, len(column))))


def _row_dots(m, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``m[i[k]] . m[j[k]]`` for every ``k``, a chunk of pairs at a time."""
    out = np.zeros(len(i))
    for s in range(0, len(i), 200_000):
        out[s : s + 200_000] = np.asarray(m[i[s : s + 200_000]].multiply(m[j[s : s + 200_000]]).sum(axis=1)).ravel()
    return out


class PairEvidence:
    """The terms, counts and stories of ``sentences``, ready to give the features of any of
    their pairs (see the module docstring). A text several sentences carry counts once in the IDF."""

    def __init__(self, sentences: Sequence[Sentence], corpus: Corpus | None = None) -> None:
        self.sentences = list(sentences)
        copies = corpus.copies() if corpus is not None else {}
        self.story = [copies.get(s.article) or s.article for s in self.sentences]
        self.story_label = np.unique(np.asarray(self.story, dtype=object).astype(str), return_inverse=True)[1] \
            if self.sentences else np.zeros(0, dtype=np.int64)
        row: dict[str, int] = {}
        self.text_row = np.array([row.setdefault(s.text, len(row)) for s in self.sentences], dtype=np.int64)
        text_terms = [content_terms(t) for t in row]
        self.terms = [text_terms[r] for r in self.text_row.tolist()]
        df: dict[str, int] = {}
        for terms in text_terms:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log(len(text_terms) / d) for t, d in df.items()}
        self._rarity = {t: round(w, 6) for t, w in self.idf.items()}
        text_counts = [_counts(t) for t in text_terms]
        self.count_sets = [text_counts[r] for r in self.text_row.tolist()]
        # one row per distinct text; a sentence reads its text's row
        self._lexical = _rows(text_terms, self.idf.__getitem__)
        self._numbers = _rows(text_counts, lambda t: 1.0)
        self._has_counts = np.array([bool(c) for c in text_counts], dtype=bool)

    def features(self, i: np.ndarray, j: np.ndarray, cosine: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The feature rows (columns :data:`FEATURES`) of the pairs ``(i[k], j[k])`` with
        vector cosines ``cosine``, and whether each pair may link at all (its figures agree)."""
        i, j = self.text_row[np.asarray(i, dtype=np.int64)], self.text_row[np.asarray(j, dtype=np.int64)]
        overlap = _row_dots(self._lexical, i, j)
        both = self._has_counts[i] & self._has_counts[j]
        agree = both & (_row_dots(self._numbers, i, j) > 0)
        x = np.column_stack([np.asarray(cosine, dtype=np.float64), overlap, agree]).astype(np.float64)
        return x, ~both | agree

    def shared(self, i: int, j: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The counts the two sentences share, and (at most five, rarest first) their shared terms."""
        terms = self.terms[i] & self.terms[j]
        top = sorted(terms, key=lambda t: (-self._rarity[t], t))[:5]
        return tuple(sorted(t[1:] for t in self.count_sets[i] & self.count_sets[j])), tuple(top)


@dataclass(frozen=True)
class LinkModel:
    """Logistic regression over :data:`FEATURES`: ``P(same fact) = 1 / (1 + exp(-(x . weights
    + intercept)))``; a pair is a link when the quantised probability reaches ``threshold``.
    ``fitted`` records how it was fitted (data, regularisation, the precision the threshold
    was chosen for)."""

    weights: tuple[float, ...]
    intercept: float
    threshold: float
    fitted: str = ""

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"{len(self.weights)} weights for {len(FEATURES)} features")

    def probability(self, x: np.ndarray) -> np.ndarray:
        """The probability of each feature row (one column per feature)."""
        z = np.asarray(x, dtype=np.float64) @ np.asarray(self.weights) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> str:
        return json.dumps({"features": list(FEATURES), "weights": [round(w, 6) for w in self.weights],
                           "intercept": round(self.intercept, 6), "threshold": round(self.threshold, 4),
                           "fitted": self.fitted}, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LinkModel:
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"link model features {data['features']} are not {list(FEATURES)}")
        return cls(tuple(float(w) for w in data["weights"]), float(data["intercept"]), float(data["threshold"]),
                   str(data.get("fitted", "")))

    @classmethod
    def default(cls) -> LinkModel:
        """The model shipped in ``talkhis/data/links.json``."""
        return cls.from_json((resources.files("talkhis") / "data" / "links.json").read_text(encoding="utf-8"))
