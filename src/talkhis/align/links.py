"""Links between sentences of different articles that report the same fact.

A content cluster (:mod:`talkhis.align.cluster`) groups sentences on one *topic*; a summary sentence
must cite only sentences that report the same *fact* (event, claim or figure), so links are
built separately, and more strictly:

1. Candidates are the pairs of sentences from articles of different stories whose vectors have
   a cosine of at least :data:`CANDIDATE_COSINE`. An article and its
   near-copy (``Article.duplicate_of``) are one story: their sentences are linked only as copies,
   each sentence of the copy to the sentence it copies (mutual best match, similarity at least
   :data:`COPY_SIMILARITY`).
2. Each candidate is scored ``cosine + lexical_weight * overlap``: the cosine of the two
   sentence vectors, plus the IDF-weighted cosine of their content terms (normalised,
   light-stemmed words without stopwords, and numbers with Arabic-Indic digits read as digits),
   which rewards the names, figures and wording a paraphrase keeps.
3. Two checks must pass: the numbers must agree (when both sentences state counts or amounts,
   at least one is shared; years are not counts), and sentences of articles more than
   :data:`PERIOD_DAYS` apart must share a number, since the same event is not news twice so far
   apart while a standing figure (2,500 troops) can be.
4. A candidate is a link when its score reaches the threshold.

The default threshold and weight were chosen on the hand-made gold of the five seed articles
(``data/gold``) by leave-one-article-out; ``benchmarks/bench_links.py`` reproduces the figures
in ``benchmarks/README.md``. Scores are quantised (:mod:`talkhis.stable`) before they are
compared, and ties are broken by sentence index, so the links are the same on any machine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..corpus.dates import as_date
from ..corpus.lang import get_language
from ..stable import STEP, qkey, quantize

if TYPE_CHECKING:
    from ..corpus import Corpus, Sentence

__all__ = [
    "LinkedPair",
    "Links",
    "ScoredPair",
    "THRESHOLD",
    "LEXICAL_WEIGHT",
    "COPY_SIMILARITY",
    "CANDIDATE_COSINE",
    "PERIOD_DAYS",
    "content_terms",
    "score_pairs",
    "find_links",
]

#: Score a pair needs to be linked (cosine + LEXICAL_WEIGHT * term overlap).
THRESHOLD = 0.75
#: Weight of the term overlap against the cosine of the sentence vectors.
LEXICAL_WEIGHT = 1.5
#: A sentence of a near-copy is linked to its best match in the original at this similarity.
COPY_SIMILARITY = 0.9
#: Pairs whose sentence vectors are less similar than this are not candidates (every linked
#: pair of the gold is above 0.2 with ``use``), which keeps large inputs tractable.
CANDIDATE_COSINE = 0.2
#: Articles further apart than this (by their dates) link only through a shared number.
PERIOD_DAYS = 180

_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
_SUFFIXES = ("هما", "ها", "هم", "ون", "ين", "ات", "ان", "يه", "يا", "ه", "ي", "ا")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Spellings of one name that normalisation leaves apart (أميركي / أمريكي, البنتاغون / البنتاجون).
_SPELLINGS = (("اميرك", "امريك"), ("غون", "جون"))


@dataclass(frozen=True)
class LinkedPair:
    """Sentences ``i < j`` (indices into the linked list) that report the same fact.

    Attributes:
        score: quantised score (cosine + weight * term overlap); 1.0 for a copy.
        evidence: why they were linked: ``copy``, the score parts, shared numbers and terms.
        copy: True when one article is a near-copy of the other.
    """

    i: int
    j: int
    score: float
    evidence: tuple[str, ...]
    copy: bool = False


@dataclass
class Links:
    """The links found among ``sentences`` (see :func:`find_links`)."""

    sentences: list[Sentence]
    pairs: list[LinkedPair]
    _partners: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for p in self.pairs:
            self._partners.setdefault(p.i, []).append(p.j)
            self._partners.setdefault(p.j, []).append(p.i)

    def sources_of(self, i: int) -> list[int]:
        """Indices of the sentences of other articles that report the same fact as sentence
        ``i`` (copies included), in (article, position) order."""
        key = lambda k: (self.sentences[k].article, self.sentences[k].index, k)  # noqa: E731
        return sorted(set(self._partners.get(i, [])), key=key)

    def as_sentence_pairs(self) -> list[tuple[Sentence, Sentence]]:
        """The linked pairs as sentence objects, e.g. for :func:`talkhis.evaluate.link_scores`."""
        return [(self.sentences[p.i], self.sentences[p.j]) for p in self.pairs]


# ---------------------------------------------------------------------------- evidence


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


def _idf(term_sets: Sequence[set[str]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for terms in term_sets:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    n = len(term_sets)
    return {t: math.log(n / d) for t, d in df.items()}


def _overlap(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    """IDF-weighted cosine of two term sets."""
    norm = math.sqrt(sum(idf[t] ** 2 for t in a) * sum(idf[t] ** 2 for t in b))
    return sum(idf[t] ** 2 for t in a & b) / norm if norm else 0.0


# ---------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class ScoredPair:
    """A candidate pair ``i < j`` that passed the checks, with the parts of its score and the
    numbers and (at most five, rarest first) terms the two sentences share."""

    i: int
    j: int
    cosine: float
    overlap: float
    numbers: tuple[str, ...]
    terms: tuple[str, ...]


def _story_of(sentences: Sequence[Sentence], corpus: Corpus | None) -> list[str]:
    copies = corpus.copies() if corpus is not None else {}
    return [copies.get(s.article) or s.article for s in sentences]


def _term_matrix(terms: Sequence[set[str]], idf: dict[str, float]):
    """Sparse rows whose dot products are :func:`_overlap` of the term sets: each term weighs
    its IDF, each row is scaled to unit length."""
    from scipy.sparse import csr_matrix

    column: dict[str, int] = {}
    rows, cols, data = [], [], []
    for r, ts in enumerate(terms):
        weights = {t: idf[t] for t in ts if idf[t] > 0}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        for t in sorted(weights):
            rows.append(r)
            cols.append(column.setdefault(t, len(column)))
            data.append(weights[t] / norm)
    return csr_matrix((data, (rows, cols)), shape=(len(terms), max(1, len(column))))


def _similar_pairs(v: np.ndarray, story: Sequence[str], lexical=None, lexical_weight: float = 0.0,
                   min_score: float | None = None):
    """``(i, j, cosine)`` for ``i < j`` of different stories with cosine at least
    :data:`CANDIDATE_COSINE` and, when ``min_score`` is given, a score ``cosine +
    lexical_weight * overlap`` (overlap from the ``lexical`` rows of :func:`_term_matrix`) within
    1e-6 of it or above; computed a block of rows at a time so memory stays linear."""
    label = np.unique(np.asarray(story), return_inverse=True)[1]
    block = max(16, min(1024, 40_000_000 // max(1, len(v))))
    for start in range(0, len(v), block):
        sim = v[start : start + block] @ v.T
        keep = quantize(sim) >= qkey(CANDIDATE_COSINE)
        if min_score is not None:
            # a cheap pre-filter; the exact score of what passes is computed again per pair
            keep &= sim + lexical_weight * (lexical[start : start + block] @ lexical.T).toarray() >= min_score - 1e-6
        rows, cols = np.nonzero(keep)
        rows = rows + start
        keep = (cols > rows) & (label[rows] != label[cols])
        for i, j in zip(rows[keep].tolist(), cols[keep].tolist()):
            yield i, j, float(sim[i - start, j])


def score_pairs(sentences: Sequence[Sentence], vectors: np.ndarray, corpus: Corpus | None = None, *,
                min_score: float | None = None, lexical_weight: float = LEXICAL_WEIGHT) -> list[ScoredPair]:
    """Every candidate pair of sentences of different stories that passes the number and
    period checks, with its cosine, term overlap and shared evidence, in ``(i, j)`` order.
    With ``min_score``, only the pairs whose ``cosine + lexical_weight * overlap`` can reach it
    (the others are dropped before any per-pair work, which keeps large inputs fast)."""
    v = np.asarray(vectors, dtype=np.float64)
    if len(v) != len(sentences):
        raise ValueError(f"{len(v)} vectors for {len(sentences)} sentences")
    story = _story_of(sentences, corpus)
    dates = {a.id: as_date(a.date) for a in corpus.articles} if corpus is not None else {}
    terms = [content_terms(s.text) for s in sentences]
    unique = list({s.text: t for s, t in zip(sentences, terms)}.values())  # a copied text counts once
    idf = _idf(unique)
    counts = [_counts(t) for t in terms]
    lexical = _term_matrix(terms, idf) if min_score is not None else None
    out = []
    for i, j, cosine in _similar_pairs(v, story, lexical, lexical_weight, min_score):
        shared_counts = counts[i] & counts[j]
        if counts[i] and counts[j] and not shared_counts:
            continue  # they state different figures
        di, dj = dates.get(sentences[i].article), dates.get(sentences[j].article)
        if di and dj and abs((di - dj).days) > PERIOD_DAYS and not shared_counts:
            continue
        shared = terms[i] & terms[j]
        top = sorted(shared, key=lambda t: (-round(idf[t], 6), t))[:5]
        out.append(ScoredPair(i, j, cosine, _overlap(terms[i], terms[j], idf),
                              tuple(sorted(t[1:] for t in shared_counts)), tuple(top)))
    return out


def _copy_links(sentences: Sequence[Sentence], vectors: np.ndarray, corpus: Corpus | None) -> list[LinkedPair]:
    """Each sentence of a near-copy linked to its mutual best match in the article it copies."""
    if corpus is None:
        return []
    v = np.asarray(vectors, dtype=np.float64)
    by_article: dict[str, list[int]] = {}
    for k, s in enumerate(sentences):
        by_article.setdefault(s.article, []).append(k)
    out = []
    for a in corpus.articles:
        if not a.duplicate_of or a.id not in by_article or a.duplicate_of not in by_article:
            continue
        mine, theirs = by_article[a.id], by_article[a.duplicate_of]
        q = quantize(v[mine] @ v[theirs].T)
        for r, i in enumerate(mine):
            c = int(np.argmax(q[r]))  # ties go to the earlier sentence
            if int(np.argmax(q[:, c])) == r and q[r, c] >= qkey(COPY_SIMILARITY):
                x, y = sorted((i, theirs[c]))
                out.append(LinkedPair(x, y, 1.0, ("copy",), copy=True))
    return out


def find_links(
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    corpus: Corpus | None = None,
    *,
    threshold: float = THRESHOLD,
    lexical_weight: float = LEXICAL_WEIGHT,
) -> Links:
    """Link the sentences of different articles that report the same fact (see the module
    docstring).

    Args:
        sentences: the sentences to link (for instance :func:`talkhis.pipeline.clustered_sentences`).
        vectors: one L2-normalised row per sentence.
        corpus: the corpus they come from, for near-copies and article dates; without it every
            article is its own story and no period check applies.
        threshold: score a pair needs (cosine + ``lexical_weight`` * term overlap).
        lexical_weight: weight of the term overlap.
    """
    pairs = _copy_links(sentences, vectors, corpus)
    for c in score_pairs(sentences, vectors, corpus, min_score=threshold, lexical_weight=lexical_weight):
        score = qkey(c.cosine + lexical_weight * c.overlap)
        if score < qkey(threshold):
            continue
        evidence = (f"cosine {c.cosine:.2f}", f"terms {c.overlap:.2f}")
        evidence += tuple(f"number {n}" for n in c.numbers) + tuple(f"term {t}" for t in c.terms)
        pairs.append(LinkedPair(c.i, c.j, round(score * STEP, 4), evidence))
    pairs.sort(key=lambda p: (p.i, p.j))
    return Links(list(sentences), pairs)
