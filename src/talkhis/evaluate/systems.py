"""Single-article summarisers compared in the evaluation: talkhis, lead, random, centroid,
LexRank, TextRank, and a greedy oracle that reads the references.

Every system sees the same segments of an article (:func:`article_segments`) and the same word
budget, and returns whole segments in document order, the last one cut so the summary has
exactly the budget's number of words.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..corpus import TITLE, Article, make_article
from ..corpus.lang import stopwords, tokenize
from ..errors import UnknownBackend
from ..select.salience import SalienceModel
from .rouge import rouge_n, truncate_words

if TYPE_CHECKING:
    from ..embed import Embedder

__all__ = [
    "System",
    "SystemOptions",
    "SYSTEMS",
    "ORACLE",
    "SHIPPED",
    "DEFAULT_SYSTEMS",
    "LeadSystem",
    "RandomSystem",
    "CentroidSystem",
    "SumySystem",
    "TalkhisSystem",
    "available_systems",
    "get_system",
    "article_segments",
    "body_indices",
    "as_embedder",
    "greedy_oracle",
]


class System(Protocol):
    """A single-article summariser: article text, title and word budget in, summary
    segments out, in document order, at most ``budget`` words in all."""

    name: str

    def __call__(self, article: str, title: str | None, budget: int) -> list[str]: ...


def article_segments(article: str, title: str | None = None, article_id: str = "article") -> Article:
    """Segment an article the way talkhis does (:func:`talkhis.corpus.load.make_article`).

    A given title goes on a first line of its own and is marked as the title, so it is never
    part of a summary; without one, talkhis's own title detection applies.
    """
    if not title or not title.strip():
        return make_article(article_id, article)
    title = " ".join(title.split())
    doc = make_article(article_id, f"{title}\n{article}")
    if doc.title is None:  # a long or punctuated title is not recognised as a headline
        doc.sentences = [replace(s, kind=TITLE) if s.end <= len(title) else s for s in doc.sentences]
        doc.title = title
    return doc


def body_indices(article: Article) -> list[int]:
    """Indices of the segments a summary may use: all but the title."""
    return [i for i, s in enumerate(article.sentences) if s.kind != TITLE]


def _take(texts: Sequence[str], order: Sequence[int], budget: int) -> list[str]:
    """Take ``texts`` in ranked ``order`` until ``budget`` words are reached; return them in
    document order, cut at the budget."""
    chosen: list[int] = []
    words = 0
    for i in order:
        if words >= budget:
            break
        chosen.append(i)
        words += len(texts[i].split())
    return truncate_words([texts[i] for i in sorted(chosen)], budget)


class _RankingSystem:
    """Shared frame of the baselines: segment, rank the body segments, take to the budget."""

    name = "ranking"

    def rank(self, article: Article, body: list[int]) -> list[int]:
        """Positions in ``body`` (0-based), best first."""
        raise NotImplementedError

    def __call__(self, article: str, title: str | None, budget: int) -> list[str]:
        doc = article_segments(article, title)
        body = body_indices(doc)
        if not body:
            return []
        return _take([doc.sentences[i].text for i in body], self.rank(doc, body), budget)


class LeadSystem(_RankingSystem):
    """The first segments of the article."""

    name = "lead"

    def rank(self, article: Article, body: list[int]) -> list[int]:
        return list(range(len(body)))


class RandomSystem(_RankingSystem):
    """Segments in a random order, seeded by ``seed`` and the article text, so a run is
    reproducible whatever order the articles come in."""

    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def rank(self, article: Article, body: list[int]) -> list[int]:
        rng = np.random.default_rng([self.seed, zlib.crc32(article.text.encode("utf-8"))])
        return [int(i) for i in rng.permutation(len(body))]


class CentroidSystem(_RankingSystem):
    """Radev's centroid method: cosine of each segment's TF-IDF vector (normalised words,
    stopwords dropped, IDF over the article's segments) to the mean of all of them."""

    name = "centroid"

    def rank(self, article: Article, body: list[int]) -> list[int]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        stop = stopwords("ar")
        texts = [" ".join(t for t in tokenize(article.sentences[i].text) if t not in stop) for i in body]
        if not any(texts):
            return list(range(len(body)))
        x = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True).fit_transform(texts).toarray()
        scores = x @ x.mean(axis=0)
        return sorted(range(len(body)), key=lambda i: (-scores[i], i))


class _SumyTokenizer:
    """sumy's tokenizer interface, backed by talkhis's normalising tokenizer."""

    @staticmethod
    def to_words(text: str) -> list[str]:
        return tokenize(text)


class _RankCapture:
    """A sumy sentence count that keeps every sentence and records their rating order."""

    def __init__(self) -> None:
        self.order: list[int] = []

    def __call__(self, infos):
        self.order = [info.order for info in infos]
        return infos


class SumySystem(_RankingSystem):
    """LexRank or TextRank as implemented by ``sumy``, run on talkhis segments and normalised
    tokens with talkhis's Arabic stopwords (sumy's own Arabic tokenizer needs pyarabic)."""

    def __init__(self, method: str = "lexrank") -> None:
        if method not in ("lexrank", "textrank"):
            raise UnknownBackend(f"unknown sumy method {method!r}; choose lexrank or textrank")
        self.name = method

    def rank(self, article: Article, body: list[int]) -> list[int]:
        from sumy.models.dom import ObjectDocumentModel, Paragraph
        from sumy.models.dom import Sentence as SumySentence
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer

        tokenizer = _SumyTokenizer()
        doc = ObjectDocumentModel([Paragraph([SumySentence(article.sentences[i].text, tokenizer) for i in body])])
        summarizer = LexRankSummarizer() if self.name == "lexrank" else TextRankSummarizer()
        summarizer.stop_words = stopwords("ar")
        capture = _RankCapture()  # sumy sorts by rating (stable, so ties keep document order)
        summarizer(doc, capture)
        return capture.order


class TalkhisSystem:
    """The talkhis single-article path: :func:`talkhis.corpus.load.make_article`, segment vectors
    from ``embedder``, and :func:`talkhis.evaluate.rank.rank_single` with a salience model (the
    shipped one unless ``model`` is given)."""

    name = "talkhis"

    def __init__(self, embedder: str | Embedder = "use", model: SalienceModel | None = None,
                 name: str = "talkhis") -> None:
        self.embedder = as_embedder(embedder)
        self.model = model
        self.name = name

    def __call__(self, article: str, title: str | None, budget: int) -> list[str]:
        from .rank import rank_single

        doc = article_segments(article, title)
        if not body_indices(doc):
            return []
        vectors = self.embedder.encode([s.text for s in doc.sentences])
        chosen = rank_single(doc, vectors, model=self.model, budget_words=budget)
        return truncate_words([s.text for s in chosen], budget)


def as_embedder(spec: str | Embedder) -> Embedder:
    """An embedder from a registry name, or the given one unchanged."""
    from ..embed import get_embedder

    return get_embedder(spec) if isinstance(spec, str) else spec


@dataclass(frozen=True)
class SystemOptions:
    """What a system may need besides the article: a seed, an embedder, a salience model."""

    seed: int = 0
    embedder: str | Embedder = "use"
    model: SalienceModel | None = None


#: talkhis with the shipped salience model, whatever model "talkhis" is given.
SHIPPED = "talkhis-shipped"
#: Systems by name; each factory takes the :class:`SystemOptions` of a run.
SYSTEMS: dict[str, Callable[[SystemOptions], System]] = {
    "talkhis": lambda o: TalkhisSystem(o.embedder, o.model),
    # the shipped salience model even when "talkhis" is cross-validated, to show the in-sample gap
    SHIPPED: lambda o: TalkhisSystem(o.embedder, None, name=SHIPPED),
    "lead": lambda o: LeadSystem(),
    "lexrank": lambda o: SumySystem("lexrank"),
    "textrank": lambda o: SumySystem("textrank"),
    "centroid": lambda o: CentroidSystem(),
    "random": lambda o: RandomSystem(o.seed),
}
#: Name of the greedy oracle in :func:`evaluate_records`: an upper bound that reads the references.
ORACLE = "oracle"
DEFAULT_SYSTEMS = ("talkhis", "lead", "lexrank", "textrank", "centroid", "random")


def available_systems() -> list[str]:
    """The registered system names."""
    return list(SYSTEMS)


def get_system(name: str, *, seed: int = 0, embedder: str | Embedder = "use",
               model: SalienceModel | None = None) -> System:
    """Build the system registered as ``name``.

    Raises:
        UnknownBackend: no system has that name (the message lists them).
    """
    if name not in SYSTEMS:
        raise UnknownBackend(f"unknown system {name!r}; choose one of {', '.join(available_systems())}")
    return SYSTEMS[name](SystemOptions(seed, embedder, model))


def greedy_oracle(article: str, title: str | None, references: Sequence[str], budget: int) -> list[str]:
    """An upper bound that reads the references: add, one at a time, the segment that most
    raises mean ROUGE-1 + ROUGE-2 F (after the budget cut) until none helps or the budget is
    full."""
    doc = article_segments(article, title)
    texts = [doc.sentences[i].text for i in body_indices(doc)]
    refs = [tokenize(r) for r in references]

    def value(chosen: list[int]) -> float:
        cand = tokenize(" ".join(truncate_words([texts[i] for i in sorted(chosen)], budget)))
        return float(np.mean([rouge_n(cand, r, 1).fmeasure + rouge_n(cand, r, 2).fmeasure for r in refs]))

    chosen: list[int] = []
    best = 0.0
    while sum(len(texts[i].split()) for i in chosen) < budget:
        gains = [(value([*chosen, i]), -i) for i in range(len(texts)) if i not in chosen]
        if not gains or max(gains)[0] <= best:
            break
        best, neg_i = max(gains)
        chosen.append(-neg_i)
    return truncate_words([texts[i] for i in sorted(chosen)], budget)

