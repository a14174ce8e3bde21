"""On top, explore: a :class:`~talkhis.pipeline.Result` in; interactive views and overview
tables for Jupyter out.

An interactive explorer of one run: move the cluster and link thresholds, the summary
budget, the embedder and the period, and watch the summary, its sources and its English change
in place; pick a content cluster to see its sentences highlighted in every article, side by side.

Embedding is the only slow stage, so the explorer embeds once per embedder and keeps those
vectors; any other change re-runs only clustering, selection and translation on them
(:func:`rerun`, a few hundredths of a second on the seed articles). Everything but
:class:`Explorer` is a plain function that needs no display, and ipywidgets (in the
``notebooks`` extra) is imported only when an explorer is built, so tests drive the controls by
setting their values and read what the views show.
"""

from __future__ import annotations

from .rerun import ALL_PERIODS, cluster_choices, embedder_choices, period_choices, rerun
from .views import SummaryRow, articles_html, highlighted, summary_html, summary_rows
from .widget import Explorer

__all__ = [
    "ALL_PERIODS",
    "SummaryRow",
    "rerun",
    "embedder_choices",
    "period_choices",
    "cluster_choices",
    "summary_rows",
    "summary_html",
    "highlighted",
    "articles_html",
    "Explorer",
]
