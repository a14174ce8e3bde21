"""English labels for content clusters, for charts read by people who do not read Arabic, and
the short labels (:func:`short_label`) and per-sentence English (:func:`sentence_english`) the
charts and interactive views show.

A label is English already at hand, never a new translation: the reference English of the
cluster's label sentence, else the run's translation of the cluster's summary sentence (unless
it scored below the adequacy cut), else the reference English of another member. References
come from the shipped memory and any ``reference:<file>`` the run used. No English: ``None``,
and the chart keeps its Arabic label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..corpus.lang import normalize_arabic, stopwords
from ..translate.memory import default_memory_path, read_memory

if TYPE_CHECKING:
    from ..align import Cluster
    from ..pipeline import Result

__all__ = ["english_label", "english_labels", "short_label", "sentence_english", "glosses", "LABEL_CHARS"]


@lru_cache(maxsize=16)
def _memory(path: str, mtime_ns: int) -> dict[str, str]:
    return read_memory(path)


def _memories(translator: str) -> list[dict[str, str]]:
    """The shipped memory and the memory files named in the run's translator spec."""
    paths = [default_memory_path()]
    for part in translator.split("+"):
        kind, _, arg = part.strip().partition(":")
        if kind == "reference" and arg and Path(arg).is_file():
            paths.insert(0, Path(arg))
    return [_memory(str(p), p.stat().st_mtime_ns) for p in paths]


def _clip(text: str, max_words: int) -> str:
    words = text.split()
    return " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")


def english_label(cluster: Cluster, result: Result, *, max_words: int = 8) -> str | None:
    """A short English label for ``cluster`` of ``result``, or ``None`` if no English is at
    hand for its sentences (see the module docstring for the order tried)."""
    memories = _memories(result.translator)

    def reference(member: int) -> str | None:
        key = normalize_arabic(result.sentences[member].text)
        return next((m[key] for m in memories if key in m), None)

    english = reference(cluster.label_member)
    if english is None:
        english = next((t.text for item, t in zip(result.summary, result.translations)
                        if item.cluster == cluster.id and t.ok and t.adequacy_ok is not False), None)
    if english is None:
        english = next((e for e in map(reference, cluster.members) if e is not None), None)
    return _clip(english, max_words) if english else None


def english_labels(result: Result, *, max_words: int = 8) -> dict[int, str | None]:
    """:func:`english_label` for every cluster of ``result``, by cluster id."""
    return {c.id: english_label(c, result, max_words=max_words) for c in result.clusters}

#: Longest short label (characters), so that chart labels neither overlap nor run off the plot.
LABEL_CHARS = 40
_EN_STOP = frozenset("""a an the of to in on at by for from with and or but as is are was were be been being that this
these those it its their his her they he she we our you your which who whom whose what when where while than then
there here also not no will would could should may might can has have had do does did into over under after before
about between during said says say stressed added noted told according expected announced confirmed stated reported
explained indicated pointed out mr ms one two""".split())
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*|\d[\d,.]*")


def _runs(english: str) -> list[list[str]]:
    """The runs of consecutive content words of ``english`` (function words, reporting verbs
    and -ly adverbs end a run), in order."""
    runs: list[list[str]] = [[]]
    for word in _EN_WORD.findall(english):
        if word.lower() in _EN_STOP or word.lower().endswith("ly"):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(word)
    return [r for r in runs if r]


def short_label(arabic: str, english: str | None = None, terms: Sequence[str] = ()) -> str:
    """A label of at most :data:`LABEL_CHARS` characters, never a sentence opening cut mid-word.

    With English: its first phrases of content words (whole runs between function words and
    reporting verbs, until there are three words or more; at most five), e.g. "US Defense
    Department official" for "The US Defense Department official stressed that …". Without:
    the Arabic ``terms`` (a cluster's top terms), else the first content words of ``arabic``."""
    if english:
        words: list[str] = []
        for run in _runs(english):
            words += [w for w in run if w not in words]
            if len(words) >= 3:
                break
    else:
        stop = stopwords("ar")
        words = list(terms) or [w for w in arabic.split() if normalize_arabic(w) not in stop and len(w) > 2]
    label = ""
    for n, word in enumerate(words[:5]):
        longer = f"{label} {word}".strip()
        if n >= 2 and len(longer) > LABEL_CHARS:
            break
        label = longer
    return label[:LABEL_CHARS] if label else " ".join(arabic.split()[:3])


def sentence_english(result: Result) -> list[str | None]:
    """English at hand for every clustered sentence of ``result``, by position: the run's own
    translation for a summary sentence (when it passed the adequacy check), else the reference
    English of the shipped memory and of any memory the run's translator names; ``None``
    where there is none (nothing is translated here)."""
    memories = _memories(result.translator)
    own = {(item.sentence.article, item.sentence.index): t.text for item, t in zip(result.summary, result.translations)
           if t.ok and t.adequacy_ok is not False}
    out = []
    for s in result.sentences:
        key = normalize_arabic(s.text)
        out.append(own.get((s.article, s.index)) or next((m[key] for m in memories if key in m), None))
    return out


def glosses(result: Result) -> dict[int, str]:
    """The whole English at hand for each cluster that has some (for :func:`short_label`)."""
    return {k: v for k, v in english_labels(result, max_words=60).items() if v}
