"""talkhis: extractive Arabic multi-document summaries with sources, translations and charts."""

from __future__ import annotations

__version__ = "0.1.0"

from .corpus import Article, Corpus, load_corpus, make_article
from .errors import TalkhisError
from .segment import Sentence

__all__ = ["__version__", "Article", "Corpus", "Sentence", "TalkhisError", "load_corpus", "make_article"]
