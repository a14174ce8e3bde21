"""Links between sentences of different articles that report the same fact.

A content cluster (:mod:`talkhis.align.cluster`) groups sentences on one *topic*; a summary
sentence must cite only sentences that report the same *fact* (event, claim or figure), so links
are built separately, and more strictly:

1. Candidates are the pairs of sentences of different stories whose vectors have a cosine of at
   least :data:`CANDIDATE_COSINE`, from articles on one story (mean sentence vectors at
   :data:`ARTICLE_COSINE` or more), found through the pair index of
   :mod:`talkhis.align.neighbours` over the distinct texts (work linear in their number, not a
   pass over all pairs; exact up to a thousand distinct texts). An article and its near-copy
   (``Article.duplicate_of``) are one story: their sentences are linked only as copies, each
   sentence of the copy to the sentence it copies (mutual best match, similarity at least
   :data:`COPY_SIMILARITY`).
2. Each candidate gets the probability that it reports the same fact from the calibrated
   :class:`~talkhis.align.linkmodel.LinkModel` (cosine, IDF-weighted shared terms, counts that
   agree); a pair whose counts disagree is never a link. The features belong to the two texts,
   so a text that many articles carry is scored once.
3. A candidate is a link when its quantised probability reaches the threshold (the model's by
   default). Each sentence keeps at most ``max_links`` links of its own, the best by quantised
   probability then partner index; a pair is a link when either of its sentences keeps it. So
   a fact repeated in hundreds of articles makes a number of links linear in the number of
   sentences, not quadratic, and a sentence may still be cited by more than ``max_links``.

:func:`score_pairs` scores every candidate pair by a dense pass, for small inputs (fitting and
evaluating on the gold); on them :func:`find_links` gives the same links. Ties are broken on
sentence indices, so the links are the same on any machine.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from ..stable import STEP, qkey, quantize
from .linkmodel import LinkModel, PairEvidence
from .neighbours import exact_similar_pairs, similar_pairs

if TYPE_CHECKING:
    from ..corpus import Corpus, Sentence

__all__ = ["LinkedPair", "Links", "ScoredPair", "THRESHOLD", "ARTICLE_COSINE", "COPY_SIMILARITY", "CANDIDATE_COSINE", "MAX_LINKS",
           "score_pairs", "find_links"]

#: Probability a pair needs to be linked: the shipped model's threshold (see
#: :class:`~talkhis.align.linkmodel.LinkModel`).
THRESHOLD = LinkModel.default().threshold
#: A sentence of a near-copy is linked to its best match in the original at this similarity.
COPY_SIMILARITY = 0.9
#: Pairs whose sentence vectors are less similar than this are not candidates (every linked
#: pair of the gold is above 0.2 with ``use``).
CANDIDATE_COSINE = 0.2
#: Two articles whose mean sentence vectors are less similar than this are not on one story,
#: and their sentences are not linked: on the seeds with ``use``, articles of the one story are
#: at 0.70 or more, the seeds and the 53 EASC dev articles at 0.43 or less (a shared count
#: alone, 2,500 troops against 2,500 party members, would otherwise link them).
ARTICLE_COSINE = 0.5
#: Links each sentence keeps of its own (copies aside): more than a summary line cites, and a
#: bound on the work a fact repeated in hundreds of articles makes.
MAX_LINKS = 10


@dataclass(frozen=True, slots=True)
class LinkedPair:
    """Sentences ``i < j`` (indices into the linked list) that report the same fact.

    Attributes:
        score: quantised probability that they report the same fact; 1.0 for a copy.
        evidence: why they were linked: ``copy``, the features, shared numbers and terms.
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

    def coverage(self, story: Mapping[str, str]) -> list[int]:
        """For every sentence, how many distinct stories report its fact: its own and those of
        the sentences linked to it (``story`` maps an article to its story, so a near-copy
        counts once, e.g. ``Corpus.story``'s values; an article it does not name is its own)."""
        def of(article: str) -> str:
            return story.get(article, article)

        return [len({of(s.article), *(of(self.sentences[k].article) for k in self._partners.get(i, []))})
                for i, s in enumerate(self.sentences)]

    def as_sentence_pairs(self) -> list[tuple[Sentence, Sentence]]:
        """The linked pairs as sentence objects, e.g. for :func:`talkhis.evaluate.link_scores`."""
        return [(self.sentences[p.i], self.sentences[p.j]) for p in self.pairs]


@dataclass(frozen=True)
class ScoredPair:
    """A candidate pair ``i < j`` whose counts agree, with its features, its probability, and
    the numbers and (at most five, rarest first) terms the two sentences share."""

    i: int
    j: int
    cosine: float
    overlap: float
    numbers_agree: bool
    probability: float
    numbers: tuple[str, ...]
    terms: tuple[str, ...]


def _cosines(v: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``v[i[k]] . v[j[k]]`` for every ``k``, a chunk of pairs at a time (memory stays small)."""
    out = np.zeros(len(i))
    for s in range(0, len(i), 65536):
        out[s : s + 65536] = np.einsum("ij,ij->i", v[i[s : s + 65536]], v[j[s : s + 65536]])
    return out


def _check(sentences: Sequence[Sentence], vectors: np.ndarray) -> np.ndarray:
    v = np.ascontiguousarray(vectors, dtype=np.float32)  # as the pair index compares them
    if len(v) != len(sentences):
        raise ValueError(f"{len(v)} vectors for {len(sentences)} sentences")
    return v


class _OneStory:
    """Whether two sentences' articles are on one story: their mean sentence vectors at
    :data:`ARTICLE_COSINE` or more (compared on the grid of :mod:`talkhis.stable`)."""

    def __init__(self, sentences: Sequence[Sentence], v: np.ndarray) -> None:
        index = {a: k for k, a in enumerate(dict.fromkeys(s.article for s in sentences))}
        self.article = np.array([index[s.article] for s in sentences], dtype=np.int64)
        from scipy.sparse import csr_matrix

        member = csr_matrix((np.ones(len(self.article)), (self.article, np.arange(len(self.article)))),
                            shape=(len(index), len(self.article)))
        sums = np.asarray(member @ np.asarray(v, dtype=np.float64))
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        self.means = sums / np.where(norms > 0, norms, 1.0)
        self._known: dict[tuple[int, int], bool] = {}

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return quantize(_cosines(self.means, self.article[i], self.article[j])) >= qkey(ARTICLE_COSINE)

    def pair(self, i: int, j: int) -> bool:
        key = (int(self.article[i]), int(self.article[j]))
        if key not in self._known:
            self._known[key] = qkey(float(self.means[key[0]] @ self.means[key[1]])) >= qkey(ARTICLE_COSINE)
        return self._known[key]


def score_pairs(sentences: Sequence[Sentence], vectors: np.ndarray, corpus: Corpus | None = None, *,
                model: LinkModel | None = None) -> list[ScoredPair]:
    """Every pair of sentences of different stories with cosine at least
    :data:`CANDIDATE_COSINE`, counts that agree and articles on one story (:data:`ARTICLE_COSINE`), scored by ``model`` (the shipped one by
    default), in ``(i, j)`` order. Compares all pairs: for small inputs such as the gold."""
    model = model or LinkModel.default()
    v = _check(sentences, vectors)
    evidence = PairEvidence(sentences, corpus)
    i, j = exact_similar_pairs(v, CANDIDATE_COSINE - 1e-3)
    cosine = _cosines(v, i, j)
    keep = (quantize(cosine) >= qkey(CANDIDATE_COSINE)) & (evidence.story_label[i] != evidence.story_label[j])
    i, j, cosine = i[keep], j[keep], cosine[keep]
    keep = _OneStory(sentences, v).pairs(i, j)
    i, j, cosine = i[keep], j[keep], cosine[keep]
    x, allowed = evidence.features(i, j, cosine)
    p = model.probability(x)
    out = []
    for k in np.flatnonzero(allowed).tolist():
        numbers, terms = evidence.shared(int(i[k]), int(j[k]))
        out.append(ScoredPair(int(i[k]), int(j[k]), float(x[k, 0]), float(x[k, 1]), bool(x[k, 2]), float(p[k]),
                              numbers, terms))
    return out


def _copy_links(sentences: Sequence[Sentence], v: np.ndarray, corpus: Corpus | None) -> list[LinkedPair]:
    """Each sentence of a near-copy linked to its mutual best match in the article it copies."""
    if corpus is None:
        return []
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


def _texts(sentences: Sequence[Sentence]) -> list[np.ndarray]:
    """The sentences of each distinct text, in sentence order, texts in order of first sentence."""
    first: dict[str, int] = {}
    text_of = np.array([first.setdefault(s.text, len(first)) for s in sentences], dtype=np.int64)
    order = np.argsort(text_of, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(text_of[order])) + 1) if len(order) else []


def _text_pairs(v: np.ndarray, lead: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``a <= b`` of distinct texts (rows ``lead`` of ``v`` stand for them) with cosine at
    least :data:`CANDIDATE_COSINE`, from the pair index, and their cosines; ``a == b`` pairs a
    text with itself (cosine 1), for a text several stories carry."""
    a, b, sim = similar_pairs(v[lead], CANDIDATE_COSINE - 1e-3, seed=seed)
    cosine = sim.astype(np.float64)  # the same float32 products as _cosines
    keep = quantize(cosine) >= qkey(CANDIDATE_COSINE)
    own = np.arange(len(lead))
    return (np.concatenate([a[keep], own]), np.concatenate([b[keep], own]),
            np.concatenate([cosine[keep], np.ones(len(lead))]))


def _best_partners(members: list[np.ndarray], partners: dict[int, list[tuple[int, int]]], story: np.ndarray,
                   one_story: _OneStory, max_links: int) -> dict[tuple[int, int], int]:
    """Each sentence's best ``max_links`` partners of another story whose article is on its
    story (``one_story``), by quantised probability then sentence index, read from its text's
    partner texts (``partners[t]``: ``(q, u)``); returned as ``{(i, j): q}`` with ``i < j``."""
    chosen: dict[tuple[int, int], int] = {}
    for t, others in partners.items():
        # one stream for the whole text: partner sentences by (-q, index)
        stream = heapq.merge(*(zip(repeat(-q), members[u].tolist()) for q, u in others))  # q bound per partner
        seen: list[tuple[int, int]] = []
        for i in members[t].tolist():
            picked = pos = 0
            while picked < max_links:
                if pos == len(seen):
                    item = next(stream, None)
                    if item is None:
                        break
                    seen.append(item)
                negative_q, j = seen[pos]
                pos += 1
                if story[j] != story[i] and one_story.pair(i, j):
                    chosen[(i, j) if i < j else (j, i)] = -negative_q
                    picked += 1
    return chosen


def find_links(
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    corpus: Corpus | None = None,
    *,
    threshold: float | None = None,
    model: LinkModel | None = None,
    max_links: int = MAX_LINKS,
    seed: int = 0,
) -> Links:
    """Link the sentences of different articles that report the same fact (see the module
    docstring). A text several sentences carry is scored once, with the vector of its first
    sentence.

    Args:
        sentences: the sentences to link (for instance :func:`talkhis.pipeline.clustered_sentences`).
        vectors: one L2-normalised row per sentence.
        corpus: the corpus they come from, for near-copies; without it every article is its
            own story.
        threshold: probability a pair needs (``model.threshold`` by default).
        model: the pair model (the shipped one by default).
        max_links: links each sentence keeps of its own, copies aside.
        seed: seed of the pair index's cells (used above a thousand distinct texts).
    """
    model = model or LinkModel.default()
    threshold = model.threshold if threshold is None else threshold
    if max_links < 1:
        raise ValueError("max_links must be at least 1")
    v = _check(sentences, vectors)
    pairs = _copy_links(sentences, v, corpus)
    evidence = PairEvidence(sentences, corpus)
    members = _texts(sentences)
    lead = np.array([m[0] for m in members], dtype=np.int64)
    a, b, cosine = _text_pairs(v, lead, seed)
    x, allowed = evidence.features(lead[a], lead[b], cosine)
    q = quantize(model.probability(x))
    keep = np.flatnonzero(allowed & (q >= qkey(threshold)))
    partners: dict[int, list[tuple[int, int]]] = {}
    row_of: dict[tuple[int, int], int] = {}
    for k in keep.tolist():
        ta, tb, qk = int(a[k]), int(b[k]), int(q[k])
        row_of[(ta, tb)] = k
        partners.setdefault(ta, []).append((qk, tb))
        if tb != ta:
            partners.setdefault(tb, []).append((qk, ta))
    text_of = np.empty(len(sentences), dtype=np.int64)
    for t, m in enumerate(members):
        text_of[m] = t
    said: dict[int, tuple[str, ...]] = {}  # one evidence tuple per text pair, shared by its links
    for (i, j), qk in sorted(_best_partners(members, partners, evidence.story_label, _OneStory(sentences, v), max_links).items()):
        k = row_of[(min(text_of[i], text_of[j]), max(text_of[i], text_of[j]))]
        if k not in said:
            numbers, terms = evidence.shared(i, j)
            said[k] = ((f"cosine {x[k, 0]:.2f}", f"terms {x[k, 1]:.2f}") + tuple(f"number {n}" for n in numbers)
                       + tuple(f"term {t}" for t in terms))
        pairs.append(LinkedPair(i, j, round(qk * STEP, 4), said[k]))
    pairs.sort(key=lambda p: (p.i, p.j))
    return Links(list(sentences), pairs)
