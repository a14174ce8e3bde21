"""Evaluation runs on a file: score it, then write ``summaries.jsonl``, ``scores.json`` and
``scores.md`` into a marked output folder, all or none of them. These sit above the scoring
(:mod:`.crossval`, :mod:`.multiling`) and the tables (:mod:`.tables`) that they combine."""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..report.outdir import output_dir
from ..select.salience import SalienceModel
from .crossval import EvalResult, evaluate_records
from .multiling import MultilingResult, first_words, multiling_scores
from .records import read_records
from .systems import DEFAULT_SYSTEMS
from .tables import format_table, multiling_table, multiling_topics_table

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..pipeline import Options

__all__ = ["evaluate_file", "evaluate_multiling_file"]


def evaluate_file(
    path: str | Path,
    out_dir: str | Path | None = None,
    systems: Sequence[str] = DEFAULT_SYSTEMS,
    *,
    embedder: str | Embedder = "use",
    seed: int = 0,
    cv_folds: int | None = None,
    model: SalienceModel | None = None,
    n_boot: int = 1000,
    sample: int | None = None,
    force: bool = False,
) -> EvalResult:
    """Evaluate ``systems`` on the records of the JSONL file ``path``.

    ``sample`` keeps a seeded random subset of that many records (in file order), for quick
    runs. With ``out_dir``, writes ``summaries.jsonl`` (one ``{id, system, summary}`` a line),
    ``scores.json`` (means with bootstrap intervals, and per-article scores) and ``scores.md``
    (:func:`format_table`), all or none of them, replacing ``out_dir`` if talkhis wrote it
    (``force`` writes beside the files of another folder; see :func:`talkhis.report.outdir.output_dir`).

    Raises:
        InputError: the file or a record in it cannot be used, or the output folder cannot be
            written.
        UnknownBackend: a system or embedder name is not registered.
    """
    records = read_records(path)
    if sample is not None and sample < len(records):
        keep = np.sort(np.random.default_rng(seed).choice(len(records), size=sample, replace=False))
        records = [records[i] for i in keep]
    # the output folder is checked before the work, and filled only if the work succeeds
    with output_dir(out_dir, force=force) if out_dir is not None else nullcontext() as tmp:
        result = evaluate_records(records, systems, embedder=embedder, seed=seed, cv_folds=cv_folds, model=model,
                                  n_boot=n_boot, source=str(path))
        if tmp is not None:
            with (tmp / "summaries.jsonl").open("w", encoding="utf-8") as handle:
                for k, record_id in enumerate(result.ids):
                    for name in result.systems:
                        line = {"id": record_id, "system": name, "summary": " ".join(result.summaries[name][k])}
                        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            (tmp / "scores.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
            (tmp / "scores.md").write_text(f"# ROUGE on {Path(path).name}\n\n{format_table(result)}\n",
                                           encoding="utf-8")
    return result


def evaluate_multiling_file(path: str | Path, out_dir: str | Path | None = None, *, options: Options | None = None,
                            n_boot: int = 1000, seed: int = 0, headline_row: bool = False,
                            force: bool = False) -> MultilingResult:
    """:func:`multiling_scores` on the file ``path``; with ``out_dir``, writes
    ``summaries.jsonl`` (one ``{topic, system, summary}`` a line, each summary as scored, cut to
    the word limit), ``scores.json`` and ``scores.md``, all or none of them, by the rules of
    :func:`talkhis.report.outdir.output_dir`.

    Raises:
        InputError: the file or a topic in it cannot be used, or the output folder cannot be
            written.
    """
    # the output folder is checked before the work, and filled only if the work succeeds
    with output_dir(out_dir, force=force) if out_dir is not None else nullcontext() as tmp:
        result = multiling_scores(path, options=options, n_boot=n_boot, seed=seed, headline_row=headline_row)
        if tmp is not None:
            with (tmp / "summaries.jsonl").open("w", encoding="utf-8") as handle:
                for k, topic in enumerate(result.topics):
                    for row, texts in result.summaries.items():
                        line = {"topic": topic, "system": result.labels[row],
                                "summary": first_words(texts[k], result.words)}
                        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            (tmp / "scores.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
            (tmp / "scores.md").write_text(f"# ROUGE on {Path(path).name}\n\n{multiling_table(result)}\n\n"
                                           f"Per topic:\n\n{multiling_topics_table(result)}", encoding="utf-8")
    return result
