"""Tables and charts of evaluation results: ROUGE with intervals, paired differences, and one
article's summaries side by side."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..report.markdown import markdown_table
from .records import Record
from .rouge import LABELS, METRICS, rouge, word_budget
from .systems import get_system

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..corpus import Corpus
    from ..embed import Embedder
    from ..pipeline import Result
    from .crossval import EvalResult
    from .gold import Gold
    from .multiling import MultilingResult

__all__ = [
    "interval",
    "format_table",
    "multiling_table",
    "multiling_topics_table",
    "gold_table",
    "summaries_table",
    "plot_scores",
]


def interval(mean: float, low: float, high: float, signed: bool = False) -> str:
    """``mean [low, high]`` with three decimals (signed for differences)."""
    fmt = "{:+.3f}" if signed else "{:.3f}"
    return f"{fmt.format(mean)} [{fmt.format(low)}, {fmt.format(high)}]"


def format_table(result: EvalResult) -> str:
    """A Markdown table of mean ROUGE F with confidence intervals per system, and, when
    talkhis is among the systems, its paired difference to each of the others."""
    pct = f"{result.confidence:.0%}"
    header = [LABELS[m] for m in METRICS]
    rows = [[result.label(s), *(interval(*result.mean(s, m)) for m in METRICS)] for s in result.systems]
    parts = [
        markdown_table(["system", *header], rows),
        f"Mean over {len(result.ids)} articles of the mean F against each article's references, with "
        f"{pct} bootstrap intervals over articles ({result.n_boot} resamples, seed {result.seed}). "
        "Each summary is cut at the mean length of its article's references.",
    ]
    others = [s for s in result.systems if s != "talkhis"]
    if "talkhis" in result.systems and others:
        rows = [[s, *(interval(*result.difference("talkhis", s, m), signed=True) for m in METRICS)] for s in others]
        parts += [markdown_table(["talkhis minus", *header], rows),
                  f"Paired by article; an interval that excludes 0 is a difference at the {pct} level."]
    return "\n\n".join(part.rstrip("\n") for part in parts)


def multiling_table(result: MultilingResult) -> str:
    """A Markdown table of mean ROUGE-1/2 F over topics, with bootstrap intervals, per row of
    :func:`talkhis.evaluate.multiling.multiling_scores`."""
    from .multiling import MULTILING_METRICS

    rows = [[result.labels[r], *(interval(*result.mean(r, m)) for m in MULTILING_METRICS)] for r in result.rows]
    note = (f"Mean over {len(result.topics)} topics of the mean F against the human summaries (a human against "
            f"the other humans), every summary cut to its first {result.words} words; {result.confidence:.0%} "
            f"bootstrap intervals over topics ({result.n_boot} resamples, seed {result.seed}).")
    return markdown_table(["system", *(LABELS[m] for m in MULTILING_METRICS)], rows) + "\n" + note


def multiling_topics_table(result: MultilingResult) -> str:
    """A Markdown table of each row's ROUGE-1 / ROUGE-2 F on each topic."""
    from .multiling import MULTILING_METRICS

    rows = [[result.labels[r], *("/".join(f"{result.scores[r][k, j]:.3f}" for j in range(len(MULTILING_METRICS)))
                                  for k in range(len(result.topics)))] for r in result.rows]
    return markdown_table(["ROUGE-1 / ROUGE-2 F", *result.topics], rows)


def gold_table(result: Result, gold: Gold, *, include_copies: bool = False) -> str:
    """Markdown tables of a talkhis run scored on the gold standard: sentence boundaries, the
    cross-article links its clusters make, its same-fact links at the run's threshold beside
    the held-out figure (the link model refitted leaving each article out,
    :func:`talkhis.evaluate.linkfit.held_out_links`; each gold pair counts once per article it
    involves), the sources its summary cites, and the key facts its summary covers per period
    (see :mod:`talkhis.evaluate.gold_metrics`)."""
    from .gold_metrics import boundary_f1, citation_precision, fact_coverage, link_scores, pairs_from_labels

    copies = result.corpus.copies()
    boundaries = boundary_f1(result.corpus.sentences, gold)
    links = link_scores(pairs_from_labels(result.labels, result.sentences), gold, copies=copies,
                        include_copies=include_copies)
    rows = [[name, f"{s.correct} of {s.n_system}", f"{s.precision:.3f}", f"{s.found} of {s.n_gold}",
             f"{s.recall:.3f}", f"{s.f1:.3f}"]
            for name, s in (("sentence ends", boundaries), ("cross-article links (same cluster)", links))]
    if result.links is not None:
        from .linkfit import held_out_links, link_examples

        same_fact = link_scores(result.links.as_sentence_pairs(), gold, copies=copies, include_copies=include_copies)
        held_out = held_out_links(link_examples(result.sentences, result.vectors, result.corpus, gold), gold).pooled
        at = f"threshold {result.options.link_threshold:.4g}"
        for name, s in ((f"cross-article links (same fact, cited; {at}, in sample)", same_fact),
                        ("cross-article links (same fact; model refitted leaving each article out, pooled)", held_out)):
            rows.append([name, f"{s.correct} of {s.n_system}", f"{s.precision:.3f}", f"{s.found} of {s.n_gold}",
                         f"{s.recall:.3f}", f"{s.f1:.3f}"])
    cited = citation_precision(result.summary, gold, copies=copies, include_copies=include_copies)
    rows.append(["summary sources in other articles", f"{cited.correct} of {cited.n_cited}",
                 f"{cited.precision:.3f}", "", "", ""])
    coverage = fact_coverage(result.summary, gold, result.periods)
    facts = [[period, f"{c.covered} of {c.n_key}", f"{c.share:.3f}", ", ".join(c.missing) or "none"]
             for period, c in [*coverage.periods.items(), ("all periods", coverage.overall)]]
    return (markdown_table(["metric", "system right", "precision", "gold found", "recall", "F1"], rows) + "\n"
            + markdown_table(["period", "key facts in the summary", "share", "missing"], facts))


def gold_for(corpus: Corpus) -> Gold | None:
    """The hand-made gold standard of ``corpus``: ``gold/`` beside its articles folder (as
    ``data/gold`` is beside ``data/articles``) when it annotates exactly these articles, else
    ``None`` (no gold for another folder)."""
    from .gold import load_gold

    if not corpus.folder:
        return None
    folder = Path(corpus.folder).resolve().parent / "gold"
    if not (folder / "units.tsv").is_file():
        return None
    gold = load_gold(folder)
    return gold if {u.article for u in gold.units} == {a.id for a in corpus.articles} else None


def link_curve_table(result: Result, gold: Gold,
                     thresholds: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)) -> str:
    """Precision and recall of the same-fact links against the gold at each probability
    threshold (the run's own added and marked), as a Markdown table."""
    from .linkfit import link_curve

    own = result.options.link_threshold
    thresholds = sorted({*thresholds, own})
    rows = [[f"{t:.2f}" + (" (this run)" if abs(t - result.options.link_threshold) < 1e-9 else ""),
             f"{p:.3f}", f"{r:.3f}"]
            for t, p, r in link_curve(result.sentences, result.vectors, result.corpus, gold, thresholds)]
    return markdown_table(["link threshold", "precision", "recall"], rows)


def summaries_table(record: Record, systems: Sequence[str] = ("lead", "talkhis", "lexrank"), *, reference: int = 0,
                    embedder: str | Embedder = "use", seed: int = 0) -> str:
    """A Markdown table of one article's human summary (``references[reference]``) next to what
    ``systems`` make of it at the same budget, each with ROUGE-1/2 F against the article's
    references (the human one against the *other* references)."""
    budget = word_budget(record.references)
    human = record.references[reference]
    others = [r for k, r in enumerate(record.references) if k != reference] or [human]
    rows = [(f"human {chr(ord('A') + reference)}", human, rouge(human, others))]
    for name in systems:
        summary = " ".join(get_system(name, seed=seed, embedder=embedder)(record.article, record.title, budget))
        rows.append((name, summary, rouge(summary, record.references)))
    table = markdown_table(["summary", "ROUGE-1 F", "ROUGE-2 F", "text"],
                           [[name, f"{sc['rouge1'].fmeasure:.3f}", f"{sc['rouge2'].fmeasure:.3f}", text]
                            for name, text, sc in rows])
    return f"**{record.id}** · {record.title or 'untitled'} · budget {budget} words\n\n{table}"


def plot_scores(result: EvalResult, *, ax: Axes | None = None) -> Figure:
    """Grouped bars of mean ROUGE F per metric and system, with the bootstrap intervals as
    error bars."""
    from ..report.plots import figure_and_axes

    fig, ax = figure_and_axes(ax, (9, 4.5), "rouge_scores")
    width = 0.8 / len(result.systems)
    x = np.arange(len(METRICS))
    for k, s in enumerate(result.systems):
        stats = np.array([result.mean(s, m) for m in METRICS])
        errors = np.vstack([stats[:, 0] - stats[:, 1], stats[:, 2] - stats[:, 0]])
        ax.bar(x + (k - (len(result.systems) - 1) / 2) * width, stats[:, 0], width, yerr=errors, capsize=3,
               label=result.label(s))
    ax.set_xticks(x, [LABELS[m] for m in METRICS])
    ax.set_ylabel("F-measure (mean over articles)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, ncols=2, loc="upper right")
    ax.set_title(f"ROUGE on {len(result.ids)} articles, {result.confidence:.0%} bootstrap intervals")
    return fig
