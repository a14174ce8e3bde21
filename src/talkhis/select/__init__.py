"""Stage 4, select: clusters, links and periods in; the summary sentences out.

Candidates (self-contained sentences), salience, the budget shared by period, MMR against
repeats, the sources each summary sentence cites, and the notes a researcher should read.
"""

from __future__ import annotations

from .selection import Budget, Selected, Selection, choose, select_sentences

__all__ = ["Budget", "Selected", "Selection", "choose", "select_sentences"]
