"""The data types of one loaded article: its text, sentences, removals and provenance.

They sit at the bottom of the corpus stage so that every later stage (and :mod:`.overlap`) can
import them without importing the loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .clean import Removal
from .segment import SENTENCE, Sentence

__all__ = ["Article", "Skipped"]


@dataclass
class Article:
    """One cleaned, segmented article and everything known about where its text came from."""

    id: str
    text: str
    path: str | None = None
    encoding: str = "utf-8"
    title: str | None = None
    outlet: str | None = None
    outlet_source: str | None = None
    date: str | None = None
    date_source: str | None = None
    latest_date_mentioned: str | None = None
    removed: list[Removal] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    duplicate_of: str | None = None

    @property
    def body(self) -> list[Sentence]:
        """The full sentences (no headings, titles or fragments)."""
        return [s for s in self.sentences if s.kind == SENTENCE]

    @property
    def n_words(self) -> int:
        return sum(s.n_words for s in self.sentences)


@dataclass(frozen=True)
class Skipped:
    """A file that was not loaded, and why."""

    path: str
    reason: str
