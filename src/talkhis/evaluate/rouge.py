"""Arabic-aware ROUGE, word budgets and bootstrap intervals.

ROUGE here tokenises both sides with :func:`talkhis.corpus.lang.tokenize`, so diacritics and tatweel
are dropped and letter variants unified (أ إ آ ٱ → ا, ى → ي, ة → ه) before n-grams are
compared; the ``rouge-score`` package's default tokenizer keeps only ``[a-z0-9]`` and would
score Arabic as empty.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..corpus.lang import tokenize

__all__ = [
    "METRICS",
    "LABELS",
    "Score",
    "rouge_n",
    "lcs_length",
    "rouge_l",
    "rouge",
    "word_budget",
    "truncate_words",
    "bootstrap_ci",
]

#: The reported ROUGE variants, in table order.
METRICS = ("rouge1", "rouge2", "rougeL")
#: How tables and charts name each metric.
LABELS = {"rouge1": "ROUGE-1 F", "rouge2": "ROUGE-2 F", "rougeL": "ROUGE-L F"}


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

    Both sides are normalised and tokenised with :func:`talkhis.corpus.lang.tokenize`. Each reference
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

