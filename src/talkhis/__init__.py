"""talkhis: extractive Arabic multi-document summaries with sources, translations and charts.

The package reads as its pipeline, one subpackage a stage, imports pointing only down:
:mod:`talkhis.corpus` → :mod:`talkhis.embed` → :mod:`talkhis.align` → :mod:`talkhis.select` →
:mod:`talkhis.translate` → :mod:`talkhis.pipeline` → :mod:`talkhis.report`, with
:mod:`talkhis.evaluate`, :mod:`talkhis.explore` and :mod:`talkhis.exercises` on top (see
``docs/architecture.md``). The pipeline's entry points are importable from here; they load on
first use, so ``import talkhis`` stays light; so does :mod:`talkhis.stories`, which groups an
archive into stories and summarises each (``talkhis.stories(folder, out, options)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .corpus import Article, Corpus, Sentence, load_corpus, make_article
from .errors import TalkhisError

if TYPE_CHECKING:
    from .pipeline import Options, Result, summarize_corpus, summarize_folder

__all__ = ["__version__", "Article", "Corpus", "Sentence", "TalkhisError", "load_corpus", "make_article",
           "Options", "Result", "summarize_corpus", "summarize_folder", "stories"]

_PIPELINE = {"Options", "Result", "summarize_corpus", "summarize_folder"}


def __getattr__(name: str) -> Any:
    """The pipeline's entry points, imported on first use."""
    if name in _PIPELINE:
        from . import pipeline

        return getattr(pipeline, name)
    if name == "stories":  # the subpackage, callable: talkhis.stories(folder, out, options)
        import importlib

        return importlib.import_module(".stories", __name__)
    raise AttributeError(f"module 'talkhis' has no attribute {name!r}")
