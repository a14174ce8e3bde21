"""On top, evaluate: runs of the pipeline and human summaries in; scores, tables and charts out.

Arabic ROUGE against human summaries (EASC single articles and MultiLing 2011 multi-document
topics) and metrics against a hand-made gold standard of the seed articles. No stage below
imports this package.

Modules:
    rouge: Arabic-aware ROUGE-1/2/L, word budgets, bootstrap intervals.
    systems: single-article summarisers and baselines behind one registry.
    records: EASC-format records and locating the evaluation files.
    crossval: scoring the systems on records, with cross-validated salience.
    tables: tables and charts of the results.
    gold, gold_metrics: the hand-made gold standard and the metrics scored against it.
    multiling: MultiLing 2011 multi-document topics, baselines and the 2011 submissions.
"""

from __future__ import annotations

from .crossval import EvalResult, evaluate_records, salience_targets, train_salience
from .files import evaluate_file, evaluate_multiling_file
from .gold import Fact, Gold, Link, Unit, load_gold
from .gold_metrics import (
    PRF,
    CitationScore,
    Coverage,
    FactCoverage,
    LeaveOneOut,
    boundary_f1,
    citation_precision,
    fact_coverage,
    facts_of,
    leave_one_article_out,
    link_scores,
    matching_units,
    pairs_from_labels,
)
from .multiling import MultilingResult, is_multiling_file, multiling_scores, read_topics
from .records import Record, find_eval_file, read_records
from .rouge import METRICS, Score, bootstrap_ci, lcs_length, rouge, rouge_l, rouge_n, truncate_words, word_budget
from .systems import (
    DEFAULT_SYSTEMS,
    ORACLE,
    SHIPPED,
    SYSTEMS,
    System,
    SystemOptions,
    article_segments,
    available_systems,
    get_system,
    greedy_oracle,
)
from .tables import (
    format_table,
    gold_for,
    gold_table,
    link_curve_table,
    multiling_table,
    multiling_topics_table,
    plot_scores,
    summaries_table,
)

__all__ = [
    "gold_for",
    "link_curve_table",
    "METRICS",
    "Score",
    "rouge_n",
    "lcs_length",
    "rouge_l",
    "rouge",
    "word_budget",
    "truncate_words",
    "System",
    "SystemOptions",
    "SYSTEMS",
    "ORACLE",
    "SHIPPED",
    "DEFAULT_SYSTEMS",
    "available_systems",
    "get_system",
    "article_segments",
    "greedy_oracle",
    "Record",
    "read_records",
    "salience_targets",
    "train_salience",
    "bootstrap_ci",
    "EvalResult",
    "evaluate_records",
    "evaluate_file",
    "format_table",
    "summaries_table",
    "plot_scores",
    "find_eval_file",
    "Gold",
    "Unit",
    "Fact",
    "Link",
    "load_gold",
    "PRF",
    "CitationScore",
    "Coverage",
    "FactCoverage",
    "LeaveOneOut",
    "matching_units",
    "facts_of",
    "boundary_f1",
    "pairs_from_labels",
    "link_scores",
    "citation_precision",
    "fact_coverage",
    "leave_one_article_out",
    "MultilingResult",
    "read_topics",
    "is_multiling_file",
    "multiling_scores",
    "evaluate_multiling_file",
    "multiling_table",
    "multiling_topics_table",
    "gold_table",
]
