"""Stage 4, select: clusters, links and periods in; the summary sentences out.

Candidates (self-contained sentences), what each sentence leans on, salience and support,
each article's lead in date order, repeats left out, the budget shared by period, the sources
each summary sentence cites, and the notes a researcher should read.
"""

from __future__ import annotations

from .selection import Budget, Selected, Selection, choose, select_sentences

__all__ = ["Budget", "Selected", "Selection", "choose", "select_sentences"]
