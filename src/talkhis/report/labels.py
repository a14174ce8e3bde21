"""English labels for content clusters, for charts read by people who do not read Arabic.

A label is English already at hand, never a new translation: the reference English of the
cluster's label sentence, else the run's translation of the cluster's summary sentence (unless
it scored below the adequacy cut), else the reference English of another member. References
come from the shipped memory and any ``reference:<file>`` the run used. No English: ``None``,
and the chart keeps its Arabic label.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..corpus.lang import normalize_arabic
from ..translate.memory import default_memory_path, read_memory

if TYPE_CHECKING:
    from ..align import Cluster
    from ..pipeline import Result

__all__ = ["english_label", "english_labels"]


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
