"""The sentences table: every clustered sentence, its scores and why it is or is not in the
summary, written as ``sentences.csv`` beside ``summary.json``.

One row per sentence, in corpus order (article, position), with plain columns that load as they
are with ``pandas.read_csv``: numbers are rounded to four decimals, yes/no columns say ``yes`` or
``no``, and a missing cluster or citation is an empty cell.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pipeline import Result

__all__ = ["COLUMNS", "sentence_rows", "sentences_csv"]

#: The table's columns, in order.
COLUMNS = (
    "article",
    "sentence",
    "kind",
    "words",
    "period",
    "cluster",
    "coverage",
    "salience",
    "support",
    "dated",
    "score",
    "selected",
    "position",
    "why",
    "needs_antecedent",
    "cited_by",
    "translation",
    "adequacy",
    "text",
)


def sentence_rows(result: Result) -> list[dict[str, object]]:
    """One dict per clustered sentence of ``result`` (keys :data:`COLUMNS`).

    ``position`` is the sentence's place in the summary (empty when it is not in it);
    ``cited_by`` lists, separated by ``;``, the summary positions that cite it as a source;
    ``translation`` is the translation's source for a summary sentence (``untranslated: …``
    when there is none) and ``not in summary`` otherwise; ``adequacy`` its cross-lingual
    adequacy score, when it has one; ``dated`` says whether the sentence got the bonus of a
    later period's dated event (see :data:`talkhis.select.scoring.DATED_WEIGHT`);
    ``needs_antecedent`` whether the sentence leans on an earlier one to be understood
    (:mod:`talkhis.select.antecedent`), so that a summary takes it only after that one.
    """
    selection = result.selection
    if selection is None:
        raise ValueError("the result carries no selection to tabulate")
    cluster_of = {m: c.id for c in result.clusters for m in c.members}
    index_of = {(s.article, s.index): i for i, s in enumerate(result.sentences)}
    position = {item.index: n for n, item in enumerate(result.summary, start=1)}
    translation = {item.index: t for item, t in zip(result.summary, result.translations)}
    cited_by: dict[int, list[int]] = {}
    for n, item in enumerate(result.summary, start=1):
        for source in item.sources:
            cited_by.setdefault(index_of[(source.article, source.index)], []).append(n)
    coverage = result.links.coverage(result.corpus.story_map()) if result.links is not None else [int(c) for c in selection.coverage]
    rows = []
    for i, s in enumerate(result.sentences):
        t = translation.get(i)
        rows.append({
            "article": s.article,
            "sentence": s.index,
            "kind": s.kind,
            "words": s.n_words,
            "period": result.periods.get(s.article, ""),
            "cluster": cluster_of.get(i, ""),
            "coverage": coverage[i],
            "salience": round(float(selection.salience[i]), 4),
            "support": round(float(selection.support[i]), 4),
            "dated": "yes" if selection.dated[i] else "no",
            "score": round(float(selection.score[i]), 4),
            "selected": "yes" if i in position else "no",
            "position": position.get(i, ""),
            "why": selection.why[i],
            "needs_antecedent": "yes" if selection.antecedent[i] else "no",
            "cited_by": ";".join(map(str, sorted(cited_by.get(i, [])))),
            "translation": "not in summary" if t is None else (t.source if t.ok else f"untranslated: {t.note}"),
            "adequacy": "" if t is None or t.adequacy is None else t.adequacy,
            "text": s.text,
        })
    return rows


def sentences_csv(result: Result) -> str:
    """The sentences table as CSV text (header row, ``\\n`` line ends, UTF-8 when written)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sentence_rows(result))
    return buffer.getvalue()
