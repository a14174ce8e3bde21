"""The evidence two sentences give of reporting the same fact, and the calibrated model that
weighs it.

For a pair of sentences of different stories, :class:`PairEvidence` computes three features,
cheap enough for millions of pairs at once, and all properties of the two texts alone (so a text
that several articles carry is scored once):

* ``spelling``: the cosine of the two texts' character 2-4-gram TF-IDF vectors (normalised
  Arabic, hashed to 2,048 columns, IDF over the distinct texts linked: the ``tfidf`` embedder's
  vectors), which sees the names and wording two reports share even where a light stem misses
  them; the sentence vectors' cosine only chooses the candidates (:mod:`talkhis.align.links`):
  as a feature, held out on the gold, it found fewer links (10 of 76 gold pair-ends at
  precision 10/11, against 15 of 76 at 15/15 with this one). It is the costly feature, so
  :func:`~talkhis.align.links.find_links` computes it only for the pairs the other two leave
  able to reach the threshold (:meth:`LinkModel.ceiling`);
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
FEATURES = ("spelling", "overlap", "numbers_agree")

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


class _Spelling:
    """Character 2-4-gram TF-IDF rows of ``texts`` (normalised Arabic, hashed to 2,048 columns,
    sublinear counts, smoothed IDF over all the texts: the ``tfidf`` embedder's vectors). The
    IDF is counted a chunk of texts at a time and a text's row is built only when a pair asks
    for it, so a large input keeps no n-gram matrix of every text."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        df = np.zeros(2048)
        for s in range(0, len(self.texts), 20_000):
            df += np.asarray((self._hashed(self.texts[s : s + 20_000]) > 0).sum(axis=0)).ravel()
        self.idf = np.log((1 + len(self.texts)) / (1 + df)) + 1
        self._rows: object = None
        self._row_of = np.full(len(self.texts), -1, dtype=np.int64)

    @staticmethod
    def _hashed(texts: Sequence[str]) -> object:
        from sklearn.feature_extraction.text import HashingVectorizer

        from ..corpus.lang import normalize_arabic

        return HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=2048, preprocessor=normalize_arabic,
                                 alternate_sign=False, norm=None).transform(list(texts)).tocsr()

    def cosines(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The cosine of texts ``i[k]`` and ``j[k]`` for every ``k``."""
        from scipy.sparse import diags, vstack
        from sklearn.preprocessing import normalize

        new = np.setdiff1d(np.concatenate([i, j]), np.flatnonzero(self._row_of >= 0))
        if len(new):
            m = self._hashed([self.texts[t] for t in new.tolist()])
            m.data = 1 + np.log(m.data)
            m = normalize(m @ diags(self.idf), norm="l2").tocsr()
            start = 0 if self._rows is None else self._rows.shape[0]
            self._row_of[new] = np.arange(start, start + len(new))
            self._rows = m if self._rows is None else vstack([self._rows, m]).tocsr()
        if not len(i):
            return np.zeros(0)
        return _row_dots(self._rows, self._row_of[i], self._row_of[j], chunk=20_000)


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


def _row_dots(m, i: np.ndarray, j: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """``m[i[k]] . m[j[k]]`` for every ``k``, ``chunk`` pairs at a time."""
    out = np.zeros(len(i))
    for s in range(0, len(i), chunk):
        out[s : s + chunk] = np.asarray(m[i[s : s + chunk]].multiply(m[j[s : s + chunk]]).sum(axis=1)).ravel()
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
        self._spelling = _Spelling(list(row))

    def lexical(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``overlap`` and ``numbers_agree`` features of the pairs ``(i[k], j[k])``, and
        whether each pair may link at all (its figures agree): the cheap part of :meth:`features`."""
        i, j = self.text_row[np.asarray(i, dtype=np.int64)], self.text_row[np.asarray(j, dtype=np.int64)]
        overlap = _row_dots(self._lexical, i, j)
        both = self._has_counts[i] & self._has_counts[j]
        agree = both & (_row_dots(self._numbers, i, j) > 0)
        return overlap, agree, ~both | agree

    def features(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The feature rows (columns :data:`FEATURES`) of the pairs ``(i[k], j[k])``, and whether
        each pair may link at all (its figures agree)."""
        overlap, agree, allowed = self.lexical(i, j)
        spelling = self._spelling.cosines(self.text_row[np.asarray(i, dtype=np.int64)],
                                          self.text_row[np.asarray(j, dtype=np.int64)])
        return np.column_stack([spelling, overlap, agree]).astype(np.float64), allowed

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

    def ceiling(self, overlap: np.ndarray, agree: np.ndarray) -> np.ndarray:
        """The highest probability pairs with these ``overlap`` and ``numbers_agree`` features can
        have, whatever their ``spelling`` (a cosine of non-negative vectors, 0 to 1)."""
        best = np.full(len(overlap), 1.0 + 1e-6 if self.weights[0] > 0 else 0.0)  # a hair over 1: rounding
        return self.probability(np.column_stack([best, overlap, agree]))

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
