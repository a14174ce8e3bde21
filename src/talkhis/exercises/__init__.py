"""On top, exercises: a learner's answer and the notebook's data in; a verdict that says why out.

Self-checks for the exercises at the end of each notebook.

Every ``check_*`` function takes the learner's answer first and the data the notebook works on,
computes the true answer from that data (never from a stored string), and returns a
:class:`Verdict`: whether the answer holds, and why, with what to look at when it does not. An
answer left at ``None`` gets a "not answered yet" verdict, so the notebooks run from top to
bottom unanswered. The checks are grouped by what they are about: :mod:`.corpus`,
:mod:`.clusters`, :mod:`.summary` and :mod:`.evaluation`.
"""

from __future__ import annotations

from .base import Verdict
from .clusters import check_copy_cluster, check_embedder_split, check_similar_stories, check_threshold
from .corpus import check_copy, check_dated_by_text, check_periods, check_skipped, check_stories, check_top_rule
from .evaluation import check_beats_lead, check_held_out, check_missing_key_facts
from .summary import check_cited_not_quoted, check_least_covered, check_widest, check_word_budget, check_wrong_citation

__all__ = [
    "Verdict",
    "check_copy",
    "check_stories",
    "check_top_rule",
    "check_periods",
    "check_dated_by_text",
    "check_skipped",
    "check_threshold",
    "check_copy_cluster",
    "check_embedder_split",
    "check_similar_stories",
    "check_wrong_citation",
    "check_least_covered",
    "check_cited_not_quoted",
    "check_word_budget",
    "check_widest",
    "check_beats_lead",
    "check_held_out",
    "check_missing_key_facts",
]
