"""Score single-article summaries against human ones: Arabic-aware ROUGE, baselines, bootstrap.

ROUGE here tokenises both sides with :func:`talkhis.lang.tokenize`, so diacritics and tatweel
are dropped and letter variants unified (أ إ آ ٱ → ا, ى → ي, ة → ه) before n-grams are
compared; the ``rouge-score`` package's default tokenizer keeps only ``[a-z0-9]`` and would
score Arabic as empty. Every system, talkhis and baselines alike, sees the same segments of an
article (:func:`article_segments`) and the same word budget (the mean length of the article's
references), and returns whole segments in document order, the last one cut so the summary has
exactly the budget's number of words.

:func:`evaluate_file` runs the systems over a JSONL file of ``{id, article, references[,
title]}`` records and reports mean ROUGE-1/2/L F with bootstrap confidence intervals over
articles; with ``cv_folds=K`` the talkhis salience model is refitted K times, each time without
the articles it is scored on, so scores on the data it was tuned on are not in-sample.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .corpus import Article, make_article
from .errors import InputError, UnknownBackend
from .lang import normalize_arabic, stopwords, tokenize
from .overview import markdown_table
from .outdir import output_dir
from .salience import SalienceModel, article_features, fit_salience
from .segment import TITLE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
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
    "SystemOptions",
    "SYSTEMS",
    "ORACLE",
    "available_systems",
    "get_system",
    "article_segments",
    "greedy_oracle",
    "Record",
    "read_records",
    "salience_targets",
    "train_salience",
    "bootstrap_ci",
    "EvalResult",
    "evaluate_records",
    "evaluate_file",
    "format_table",
    "summaries_table",
    "plot_scores",
    "find_eval_file",
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

    Bit-parallel (Allison & Dix 1986; Hyyrö 2004): one integer holds a row of the dynamic
    programme as bits, so the cost is ``len(b)`` big-integer steps, not ``len(a) * len(b)``.
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
    per_ref = []
    for text in references:
        ref = tokenize(text)
        per_ref.append({"rouge1": rouge_n(candidate, ref, 1), "rouge2": rouge_n(candidate, ref, 2),
                        "rougeL": rouge_l(candidate, ref)})
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
    """A single-article summariser: article text, title and word budget in, summary
    segments out, in document order, at most ``budget`` words in all."""

    name: str

    def __call__(self, article: str, title: str | None, budget: int) -> list[str]: ...


def article_segments(article: str, title: str | None = None, article_id: str = "article") -> Article:
    """Segment an article the way talkhis does (:func:`talkhis.corpus.make_article`).

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


def _body(article: Article) -> list[int]:
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
        body = _body(doc)
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
    """The talkhis single-article path: :func:`talkhis.corpus.make_article`, segment vectors
    from ``embedder``, and :func:`talkhis.select.rank_single` with a salience model (the
    shipped one unless ``model`` is given)."""

    name = "talkhis"

    def __init__(self, embedder: str | Embedder = "use", model: SalienceModel | None = None) -> None:
        self.embedder = _embedder(embedder)
        self.model = model

    def __call__(self, article: str, title: str | None, budget: int) -> list[str]:
        from .select import rank_single

        doc = article_segments(article, title)
        if not _body(doc):
            return []
        vectors = self.embedder.encode([s.text for s in doc.sentences])
        chosen = rank_single(doc, vectors, model=self.model, budget_words=budget)
        return truncate_words([s.text for s in chosen], budget)


def _embedder(spec: str | Embedder) -> Embedder:
    from .embed import get_embedder

    return get_embedder(spec) if isinstance(spec, str) else spec


@dataclass(frozen=True)
class SystemOptions:
    """What a system may need besides the article: a seed, an embedder, a salience model."""

    seed: int = 0
    embedder: str | Embedder = "use"
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
    texts = [doc.sentences[i].text for i in _body(doc)]
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


# ---------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Record:
    """One article with its human summaries."""

    id: str
    article: str
    references: tuple[str, ...]
    title: str | None = None


def read_records(path: str | Path) -> list[Record]:
    """Read a JSONL file of ``{id, article, references[, title]}`` objects, one a line (blank
    lines skipped; other keys ignored).

    Raises:
        InputError: the file is missing or unreadable, or a line is not such a record; the
            message names the file and the line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a JSONL file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    records: list[Record] = []
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(data).__name__}")
        missing = [key for key in ("id", "article", "references") if key not in data]
        if missing:
            raise InputError(f"{where}: the record has no {' or '.join(repr(k) for k in missing)}")
        article, refs, title = data["article"], data["references"], data.get("title")
        if not isinstance(article, str) or not article.strip():
            raise InputError(f"{where}: 'article' must be non-empty text")
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
            raise InputError(f"{where}: 'references' must be a non-empty list of non-empty texts")
        if title is not None and not isinstance(title, str):
            raise InputError(f"{where}: 'title' must be text")
        record_id = str(data["id"])
        if record_id in seen:
            raise InputError(f"{where}: id {record_id!r} appears twice")
        seen.add(record_id)
        records.append(Record(record_id, article, tuple(refs), title))
    if not records:
        raise InputError(f"{path}: no records")
    return records


def _squash(text: str) -> str:
    """Normalised letters and digits only, so a segment can be found inside a reference even
    where the reference joined lines or changed spacing and punctuation."""
    return "".join(ch for ch in normalize_arabic(text) if ch.isalnum())


def salience_targets(article: Article, references: Sequence[str]) -> np.ndarray:
    """For each body segment of ``article``, the share of ``references`` that include it
    (matched on normalised letters and digits)."""
    refs = [_squash(r) for r in references]
    out = []
    for i in _body(article):
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


# ---------------------------------------------------------------------------------- scoring


def bootstrap_ci(values: Sequence[float], *, n_boot: int = 1000, confidence: float = 0.95,
                 seed: int = 0) -> tuple[float, float, float]:
    """``(mean, low, high)``: the mean of ``values`` and its percentile bootstrap interval.

    The resamples depend only on ``seed`` and the number of values, so intervals of several
    systems over the same articles use the same resamples (and paired differences are fair).
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        raise ValueError("no values to bootstrap")
    idx = np.random.default_rng(seed).integers(0, v.size, size=(n_boot, v.size))
    tail = 50 * (1 - confidence)
    low, high = np.percentile(v[idx].mean(axis=1), [tail, 100 - tail])
    return float(v.mean()), float(low), float(high)


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
        """The system's name as tables and charts show it."""
        if system == "talkhis":
            return f"talkhis ({self.cv_folds}-fold CV)" if self.cv_folds else "talkhis (shipped model)"
        return f"{ORACLE} (reads the references)" if system == ORACLE else system

    def to_dict(self) -> dict[str, Any]:
        """Everything ``scores.json`` holds."""
        return {
            "source": self.source,
            "n_articles": len(self.ids),
            "metric": "ROUGE F-measure, mean over each article's references, normalised Arabic tokens",
            "budget": "mean word count of each article's references",
            "talkhis_model": (f"salience model refitted for each of {self.cv_folds} folds on the other folds"
                              if self.cv_folds else "the shipped salience model"),
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
    emb = _embedder(embedder) if needs_vectors else embedder
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
    return EvalResult(systems, [r.id for r in records], budgets, scores, summaries, source, embedder_name, seed,
                      cv_folds, n_boot)


def evaluate_file(
    path: str | Path,
    out_dir: str | Path | None = None,
    systems: Sequence[str] = DEFAULT_SYSTEMS,
    *,
    embedder: str | Embedder = "use",
    seed: int = 0,
    cv_folds: int | None = None,
    model: SalienceModel | None = None,
    n_boot: int = 1000,
    sample: int | None = None,
) -> EvalResult:
    """Evaluate ``systems`` on the records of the JSONL file ``path``.

    ``sample`` keeps a seeded random subset of that many records (in file order), for quick
    runs. With ``out_dir``, writes ``summaries.jsonl`` (one ``{id, system, summary}`` a line),
    ``scores.json`` (means with bootstrap intervals, and per-article scores) and ``scores.md``
    (:func:`format_table`), all or none of them, replacing ``out_dir``.

    Raises:
        InputError: the file or a record in it cannot be used, or the output folder cannot be
            written.
        UnknownBackend: a system or embedder name is not registered.
    """
    records = read_records(path)
    if sample is not None and sample < len(records):
        keep = np.sort(np.random.default_rng(seed).choice(len(records), size=sample, replace=False))
        records = [records[i] for i in keep]
    result = evaluate_records(records, systems, embedder=embedder, seed=seed, cv_folds=cv_folds, model=model,
                              n_boot=n_boot, source=str(path))
    if out_dir is not None:
        with output_dir(out_dir) as tmp:
            with (tmp / "summaries.jsonl").open("w", encoding="utf-8") as handle:
                for k, record_id in enumerate(result.ids):
                    for name in result.systems:
                        line = {"id": record_id, "system": name, "summary": " ".join(result.summaries[name][k])}
                        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            (tmp / "scores.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
            (tmp / "scores.md").write_text(f"# ROUGE on {Path(path).name}\n\n{format_table(result)}\n",
                                           encoding="utf-8")
    return result


# ---------------------------------------------------------------------------------- reporting


def _interval(mean: float, low: float, high: float, signed: bool = False) -> str:
    fmt = "{:+.3f}" if signed else "{:.3f}"
    return f"{fmt.format(mean)} [{fmt.format(low)}, {fmt.format(high)}]"


def format_table(result: EvalResult) -> str:
    """A Markdown table of mean ROUGE F with confidence intervals per system, and, when
    talkhis is among the systems, its paired difference to each of the others."""
    pct = f"{result.confidence:.0%}"
    header = [_LABELS[m] for m in METRICS]
    rows = [[result.label(s), *(_interval(*result.mean(s, m)) for m in METRICS)] for s in result.systems]
    parts = [
        markdown_table(["system", *header], rows),
        f"Mean over {len(result.ids)} articles of the mean F against each article's references, with "
        f"{pct} bootstrap intervals over articles ({result.n_boot} resamples, seed {result.seed}). "
        "Each summary is cut at the mean length of its article's references.",
    ]
    others = [s for s in result.systems if s != "talkhis"]
    if "talkhis" in result.systems and others:
        rows = [[s, *(_interval(*result.difference("talkhis", s, m), signed=True) for m in METRICS)] for s in others]
        parts += [markdown_table(["talkhis minus", *header], rows),
                  f"Paired by article; an interval that excludes 0 is a difference at the {pct} level."]
    return "\n\n".join(part.rstrip("\n") for part in parts)


def summaries_table(record: Record, systems: Sequence[str] = ("lead", "talkhis", "lexrank"), *, reference: int = 0,
                    embedder: str | Embedder = "use", seed: int = 0) -> str:
    """A Markdown table of one article's human summary (``references[reference]``) next to what
    ``systems`` make of it at the same budget, each with ROUGE-1/2 F against the article's
    references (the human one against the *other* references)."""
    budget = word_budget(record.references)
    human = record.references[reference]
    others = [r for k, r in enumerate(record.references) if k != reference] or [human]
    rows = [(f"human {chr(ord('A') + reference)}", human, rouge(human, others))]
    for name in systems:
        summary = " ".join(get_system(name, seed=seed, embedder=embedder)(record.article, record.title, budget))
        rows.append((name, summary, rouge(summary, record.references)))
    table = markdown_table(["summary", "ROUGE-1 F", "ROUGE-2 F", "text"],
                           [[name, f"{sc['rouge1'].fmeasure:.3f}", f"{sc['rouge2'].fmeasure:.3f}", text]
                            for name, text, sc in rows])
    return f"**{record.id}** · {record.title or 'untitled'} · budget {budget} words\n\n{table}"


def find_eval_file(name: str = "easc-dev.jsonl", start: str | Path | None = None) -> Path:
    """The evaluation file ``shared/eval/<name>`` found from ``start`` (default: the working
    directory) or any folder above it, where a checkout keeps ``shared/`` beside the project.

    Raises:
        InputError: no folder above ``start`` holds it.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "shared" / "eval" / name).is_file():
            return folder / "shared" / "eval" / name
    raise InputError(f"no shared/eval/{name} in {here} or any folder above it")


def plot_scores(result: EvalResult, *, ax: Axes | None = None) -> Figure:
    """Grouped bars of mean ROUGE F per metric and system, with the bootstrap intervals as
    error bars."""
    from .plots import _figure

    fig, ax = _figure(ax, (9, 4.5))
    width = 0.8 / len(result.systems)
    x = np.arange(len(METRICS))
    for k, s in enumerate(result.systems):
        stats = np.array([result.mean(s, m) for m in METRICS])
        errors = np.vstack([stats[:, 0] - stats[:, 1], stats[:, 2] - stats[:, 0]])
        ax.bar(x + (k - (len(result.systems) - 1) / 2) * width, stats[:, 0], width, yerr=errors, capsize=3,
               label=result.label(s))
    ax.set_xticks(x, [_LABELS[m] for m in METRICS])
    ax.set_ylabel("F-measure (mean over articles)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, ncols=2, loc="upper right")
    ax.set_title(f"ROUGE on {len(result.ids)} articles, {result.confidence:.0%} bootstrap intervals")
    return fig
