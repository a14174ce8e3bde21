"""Fit the shipped salience model (talkhis/data/salience.json) on an EASC-format JSONL file.

Each article is segmented as talkhis segments it; a sentence's target is the share of the
human references that include it (matched on normalised text). A logistic regression over
talkhis.salience.FEATURES is fitted to "at least half of the references include it".

Usage: python benchmarks/train_salience.py [../shared/eval/easc-dev.jsonl] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from talkhis.corpus import make_article
from talkhis.embed import get_embedder
from talkhis.lang import normalize_arabic
from talkhis.salience import FEATURES, SalienceModel, salience_features

ROOT = Path(__file__).resolve().parents[1]


def _squash(text: str) -> str:
    return "".join(ch for ch in normalize_arabic(text) if ch.isalnum())


def training_rows(records, embedder):
    """Features, targets and article ids for every body segment of every record."""
    xs, ys, groups = [], [], []
    for rec in records:
        text = (rec.get("title", "") + "\n" if rec.get("title") else "") + rec["article"]
        article = make_article(rec["id"], text)
        segs = article.sentences
        vectors = embedder.encode([s.text for s in segs])
        title = 0 if article.title else None
        body = [i for i in range(len(segs)) if i != title]
        feats = salience_features([segs[i] for i in body], vectors[body], vectors[title] if title is not None else None)
        refs = [_squash(r) for r in rec["references"]]
        for row, i in zip(feats, body):
            key = _squash(segs[i].text)
            ys.append(sum(key in r for r in refs) / len(refs) if key else 0.0)
            xs.append(row)
            groups.append(rec["id"])
    return np.asarray(xs), np.asarray(ys), np.asarray(groups)


def fit(x: np.ndarray, y: np.ndarray, note: str = "") -> SalienceModel:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / scale, (y >= 0.5).astype(int))
    return SalienceModel(tuple(mean.round(6)), tuple(scale.round(6)), tuple(clf.coef_[0].round(6)),
                         float(round(clf.intercept_[0], 6)), note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "easc-dev.jsonl"))
    parser.add_argument("--out", default=str(ROOT / "src" / "talkhis" / "data" / "salience.json"))
    args = parser.parse_args()
    records = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    x, y, _ = training_rows(records, get_embedder("use"))
    model = fit(x, y, note=f"logistic regression on {len(records)} EASC development articles ({len(y)} sentences)")
    Path(args.out).write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(FEATURES)} features, {len(y)} sentences, positive share {(y >= 0.5).mean():.2f}")


if __name__ == "__main__":
    main()
