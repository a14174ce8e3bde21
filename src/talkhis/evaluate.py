"""Score extractive summaries against human ones: Arabic-aware ROUGE, baselines, bootstrap.

ROUGE here tokenises both sides with :func:`talkhis.lang.tokenize`, so diacritics and tatweel
are dropped and letter variants unified (أ إ آ ٱ → ا, ى → ي, ة → ه) before n-grams are
compared; the ``rouge-score`` package's default tokenizer keeps only ``[a-z0-9]`` and would
score Arabic as empty. Every system, talkhis and baselines alike, sees the same segments of an
article and the same word budget (the mean length of the article's references), and returns
whole sentences in document order with the last one cut so the summary has exactly the budget's
number of words.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .corpus import Article, make_article
from .errors import InputError, UnknownBackend
from .lang import stopwords, tokenize
from .report import atomic_output_dir
from .salience import SalienceModel

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .embed import Embedder

__all__ = [
    "METRICS",
    "Score",
    "rouge_n",
    "lcs_length",
    "rouge_l",
    "rouge",
    "word_budget",
    "truncate_words",
    "System",
    "SYSTEMS",
    "available_systems",
    "get_system",
    "article_segments",
    "greedy_oracle",
    "read_records",
    "salience_targets",
    "train_salience",
    "bootstrap_ci",
    "EvalResult",
    "evaluate_records",
    "evaluate_file",
    "format_table",
    "plot_scores",
]

#: The reported ROUGE variants, in table order.
METRICS = ("rouge1", "rouge2", "rougeL")
_LABELS = {"rouge1": "ROUGE-1 F", "rouge2": "ROUGE-2 F", "rougeL": "ROUGE-L F"}


# ---------------------------------------------------------------------------------- ROUGE


@dataclass(frozen=True)
class Score:
    """Precision, recall and F-measure of one summary against one reference (or a mean)."""

    precision: float
    recall: float
    fmeasure: float


def _score(overlap: int, n_candidate: int, n_reference: int) -> Score:
    precision = overlap / n_candidate if n_candidate else 0.0
    recall = overlap / n_reference if n_reference else 0.0
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f)


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> Score:
    """ROUGE-N of two token lists: clipped n-gram overlap over each side's n-gram count."""
    c, r = _ngrams(candidate, n), _ngrams(reference, n)
    return _score(sum((c & r).values()), sum(c.values()), sum(r.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists.

    Bit-parallel (Allison & Dix 1986; Hyyrö 2004): one integer holds a DP row as bits, so the
    cost is ``len(b)`` big-integer steps instead of ``len(a) * len(b)`` Python steps.
    """
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for token in b:
        match = row & masks.get(token, 0)
        row = ((row + match) | (row - match)) & full
    return len(a) - bin(row).count("1")


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> Score:
    """ROUGE-L of two token lists: longest common subsequence over each side's length."""
    return _score(lcs_length(candidate, reference), len(candidate), len(reference))


def _rouge_tokens(candidate: Sequence[str], reference: Sequence[str]) -> dict[str, Score]:
    return {"rouge1": rouge_n(candidate, reference, 1), "rouge2": rouge_n(candidate, reference, 2),
            "rougeL": rouge_l(candidate, reference)}


def rouge(summary: str, references: Sequence[str], *, aggregate: str = "mean") -> dict[str, Score]:
    """ROUGE-1, ROUGE-2 and ROUGE-L of ``summary`` against several references.

    Both sides are normalised and tokenised with :func:`talkhis.lang.tokenize`. Each reference
    is scored on its own; ``aggregate="mean"`` (the default, used for every reported figure)
    averages precision, recall and F over the references, ``"max"`` keeps, per metric, the
    reference with the best F.
    """
    if aggregate not in ("mean", "max"):
        raise ValueError(f"aggregate must be 'mean' or 'max', got {aggregate!r}")
    if not references:
        raise ValueError("at least one reference is needed")
    candidate = tokenize(summary)
    per_ref = [_rouge_tokens(candidate, tokenize(ref)) for ref in references]
    out = {}
    for metric in METRICS:
        scores = [s[metric] for s in per_ref]
        if aggregate == "max":
            out[metric] = max(scores, key=lambda s: s.fmeasure)
        else:
            out[metric] = Score(*(float(np.mean([getattr(s, k) for s in scores]))
                                  for k in ("precision", "recall", "fmeasure")))
    return out


# ---------------------------------------------------------------------------------- budget

_WORD = re.compile(r"\S+")


def word_budget(references: Sequence[str]) -> int:
    """The word budget of an article: the mean number of words of its references, rounded."""
    return max(1, round(float(np.mean([len(r.split()) for r in references]))))


def truncate_words(sentences: Sequence[str], budget: int) -> list[str]:
    """Keep ``sentences`` (already in document order) up to ``budget`` white-space words: the
    sentence that crosses the budget is cut after its last word that fits, later ones dropped."""
    out: list[str] = []
    left = budget
    for sentence in sentences:
        if left <= 0:
            break
        words = list(_WORD.finditer(sentence))
        if not words:
            continue
        if len(words) > left:
            sentence = sentence[: words[left - 1].end()]
        out.append(sentence)
        left -= min(left, len(words))
    return out


# ---------------------------------------------------------------------------------- systems


class System(Protocol):
    """A single-document summariser: article text, title and word budget in, summary
    sentences out, in document order, at most ``budget`` words in all."""

    name: str

    def __call__(self, article: str, title: str | None, budget: int) -> list[str]: ...


def article_segments(article: str, title: str | None = None, article_id: str = "article") -> Article:
    """Segment an article the way talkhis does (:func:`talkhis.corpus.make_article`); a given
    title is put on the first line so it becomes the article's title segment, not its body."""
    text = f"{title.strip()}\n{article}" if title and title.strip() else article
    return make_article(article_id, text)


def _body(article: Article) -> list[int]:
    """Indices of the segments a summary may use: all but the title."""
    return [i for i, s in enumerate(article.sentences) if s.kind != "title"]


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
        body = _body(doc)
        if not body:
            return []
        texts = [doc.sentences[i].text for i in body]
        return _take(texts, self.rank(doc, body), budget)


class LeadSystem(_RankingSystem):
    """The first sentences of the article."""

    name = "lead"

    def rank(self, article: Article, body: list[int]) -> list[int]:
        return list(range(len(body)))


class RandomSystem(_RankingSystem):
    """Sentences in a random order, seeded by ``seed`` and the article text (reproducible and
    independent of the order articles are summarised in)."""

    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def rank(self, article: Article, body: list[int]) -> list[int]:
        rng = np.random.default_rng([self.seed, zlib.crc32(article.text.encode("utf-8"))])
        return [int(i) for i in rng.permutation(len(body))]


def _content_tokens(text: str) -> list[str]:
    stop = stopwords("ar")
    return [t for t in tokenize(text) if t not in stop]


class CentroidSystem(_RankingSystem):
    """Radev's centroid method: cosine of each sentence's TF-IDF vector (normalised words,
    stopwords dropped, IDF over the article's sentences) to the article's centroid."""

    name = "centroid"

    def rank(self, article: Article, body: list[int]) -> list[int]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [" ".join(_content_tokens(article.sentences[i].text)) for i in body]
        if not any(texts):
            return list(range(len(body)))
        x = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True).fit_transform(texts).toarray()
        centroid = x.mean(axis=0)
        scores = x @ centroid / (np.linalg.norm(centroid) or 1.0)
        return sorted(range(len(body)), key=lambda i: (-scores[i], i))


class _SumyTokenizer:
    """sumy's tokenizer interface backed by talkhis's normalising tokenizer."""

    @staticmethod
    def to_words(text: str) -> list[str]:
        return tokenize(text)


class _RankCapture:
    """A sumy sentence count that keeps every sentence and records the rating order."""

    def __init__(self) -> None:
        self.order: list[int] = []

    def __call__(self, infos):
        self.order = [info.order for info in infos]
        return infos


class SumySystem(_RankingSystem):
    """LexRank or TextRank as implemented by ``sumy``, run on talkhis segments and tokens
    with talkhis's Arabic stopwords."""

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
        # sumy keys ratings by sentence text: a repeated segment gets one rating, which is fine.
        doc = ObjectDocumentModel([Paragraph([SumySentence(article.sentences[i].text, tokenizer) for i in body])])
        summarizer = LexRankSummarizer() if self.name == "lexrank" else TextRankSummarizer()
        summarizer.stop_words = stopwords("ar")
        capture = _RankCapture()
        summarizer(doc, capture)
        return capture.order


class TalkhisSystem:
    """The talkhis single-document path: :func:`talkhis.corpus.make_article`, sentence
    vectors from ``embedder``, and :func:`talkhis.select.rank_single` with the salience model."""

    name = "talkhis"

    def __init__(self, embedder: str | Embedder = "use", model: SalienceModel | None = None) -> None:
        from .embed import get_embedder

        self.embedder = get_embedder(embedder) if isinstance(embedder, str) else embedder
        self.model = model

    def __call__(self, article: str, title: str | None, budget: int) -> list[str]:
        from .select import rank_single

        doc = article_segments(article, title)
        if not _body(doc):
            return []
        vectors = self.embedder.encode([s.text for s in doc.sentences])
        chosen = rank_single(doc, vectors, model=self.model, budget_words=budget)
        return truncate_words([s.text for s in chosen], budget)


@dataclass(frozen=True)
class SystemOptions:
    """What a system may need besides the article: a seed, an embedder, a salience model."""

    seed: int = 0
    embedder: Any = "use"
    model: SalienceModel | None = None


#: Systems by name; each factory takes the :class:`SystemOptions` of a run.
SYSTEMS: dict[str, Callable[[SystemOptions], System]] = {
    "talkhis": lambda o: TalkhisSystem(o.embedder, o.model),
    "lead": lambda o: LeadSystem(),
    "lexrank": lambda o: SumySystem("lexrank"),
    "textrank": lambda o: SumySystem("textrank"),
    "centroid": lambda o: CentroidSystem(),
    "random": lambda o: RandomSystem(o.seed),
}
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
    """An upper bound that peeks at the references: add, one at a time, the segment that most
    raises mean ROUGE-1 + ROUGE-2 F (after the budget cut) until no segment helps or the budget
    is full."""
    doc = article_segments(article, title)
    texts = [doc.sentences[i].text for i in _body(doc)]
    refs = [tokenize(r) for r in references]

    def value(chosen: list[int]) -> float:
        cand = tokenize(" ".join(truncate_words([texts[i] for i in sorted(chosen)], budget)))
        return float(np.mean([rouge_n(cand, r, 1).fmeasure + rouge_n(cand, r, 2).fmeasure for r in refs]))

    chosen: list[int] = []
    best = 0.0
    while sum(len(texts[i].split()) for i in chosen) < budget:
        gains = [(value(chosen + [i]), -i) for i in range(len(texts)) if i not in chosen]
        if not gains:
            break
        top, neg_i = max(gains)
        if top <= best:
            break
        chosen.append(-neg_i)
        best = top
    return truncate_words([texts[i] for i in sorted(chosen)], budget)
