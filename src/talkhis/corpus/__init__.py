"""Stage 1, corpus: a folder of ``.txt`` files in, a :class:`Corpus` out.

Reads and decodes each file, removes boilerplate by documented line rules, reads outlet, date
and title (from the text or ``metadata.csv``), splits Arabic sentences that keep their
character spans, and marks near-copies so a copy is not counted as a second source.
"""

from __future__ import annotations

from .article import Article, Skipped
from .load import Corpus, load_corpus, make_article
from .segment import FRAGMENT, HEADING, SENTENCE, TITLE, Sentence

__all__ = ["Article", "Skipped", "Corpus", "load_corpus", "make_article", "Sentence", "SENTENCE", "HEADING",
           "TITLE", "FRAGMENT"]
