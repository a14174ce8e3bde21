"""Grouping quality: a labelled mix of articles whose stories are known, and B-cubed scores.

The mix holds what the project has: the five MultiLing 2011 dev topics (ten articles each, one
story per topic), the five shipped articles (one story, 2021 and 2024) and the 53 EASC dev
articles (each its own story): 108 articles in 59 stories. The labels come from the data sets'
own topics, not from any system output. B-cubed (Bagga and Baldwin 1998) scores each article
by the share of its predicted story that is truly its story (precision) and the share of its
true story that was predicted with it (recall), averaged over articles.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from .records import find_eval_file

__all__ = ["write_story_mix", "bcubed"]

_SEEDS = Path(__file__).resolve().parents[3] / "data" / "articles"


def write_story_mix(folder: str | Path, *, start: str | Path | None = None,
                    seeds: str | Path = _SEEDS) -> dict[str, str]:
    """Write the labelled mix as ``.txt`` files (and the seeds' ``metadata.csv``) into
    ``folder``; returns each article id's story label. ``start`` is where to look for
    ``shared/eval`` (see :func:`~talkhis.evaluate.records.find_eval_file`).

    Raises:
        InputError: the MultiLing or EASC dev file cannot be found.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    labels: dict[str, str] = {}
    for path in sorted(Path(seeds).glob("*.txt")):
        shutil.copyfile(path, out / path.name)
        labels[path.stem] = "seeds"
    if (Path(seeds) / "metadata.csv").is_file():
        shutil.copyfile(Path(seeds) / "metadata.csv", out / "metadata.csv")
    multiling = find_eval_file("multiling2011-dev.jsonl", start)
    for line in multiling.read_text(encoding="utf-8").splitlines():
        topic = json.loads(line)
        for doc in topic["documents"]:
            stem = "ml_" + doc["name"].removesuffix(".arabic")
            (out / f"{stem}.txt").write_text(doc["text"], encoding="utf-8")
            labels[stem] = topic["topic"]
    for line in find_eval_file("easc-dev.jsonl", start).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        stem = "easc_" + record["id"]
        (out / f"{stem}.txt").write_text(f"{record['title']}\n\n{record['article']}", encoding="utf-8")
        labels[stem] = stem
    return labels


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed ``(precision, recall, F1)`` of ``predicted`` story labels against ``gold``, over
    the articles of ``gold`` (every one must have a predicted label)."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for article, label in predicted.items():
        by_pred[label].add(article)
    for article, label in gold.items():
        by_gold[label].add(article)
    ids = sorted(gold)
    shared = {a: len(by_pred[predicted[a]] & by_gold[gold[a]]) for a in ids}
    precision = sum(shared[a] / len(by_pred[predicted[a]]) for a in ids) / len(ids)
    recall = sum(shared[a] / len(by_gold[gold[a]]) for a in ids) / len(ids)
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0
