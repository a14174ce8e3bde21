"""Fit the same-fact link model on the hand-made gold and write ``src/talkhis/data/links.json``.

Embeds the five seed articles with the default embedder (``use``), takes every candidate pair of
sentences of different stories (:func:`talkhis.align.links.score_pairs`), labels each by the gold
(the facts of its two sentences intersect), fits a logistic regression on the features of
:mod:`talkhis.align.linkmodel` and sets the threshold for precision 0.9 on those pairs
(:func:`talkhis.evaluate.linkfit.fit_link_model`). Prints the weights, the in-sample link
precision and recall of :func:`talkhis.align.find_links` at that threshold, and the same refit
leaving each article out, pooled (the honest estimate).

Usage: .venv/bin/python benchmarks/train_links.py [--check]   (a few seconds; --check only
compares the fit with the shipped file and writes nothing)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "talkhis" / "data" / "links.json"

from talkhis.align import find_links  # noqa: E402
from talkhis.align.linkmodel import FEATURES, LinkModel  # noqa: E402
from talkhis.corpus import load_corpus  # noqa: E402
from talkhis.embed import get_embedder  # noqa: E402
from talkhis.evaluate import link_scores, load_gold  # noqa: E402
from talkhis.evaluate.linkfit import (  # noqa: E402
    REGULARISATION,
    TARGET_PRECISION,
    fit_link_model,
    held_out_links,
    link_examples,
)
from talkhis.pipeline import clustered_sentences  # noqa: E402


def prf(p) -> str:
    return f"P {p.precision:.3f} ({p.correct}/{p.n_system})  R {p.recall:.3f} ({p.found}/{p.n_gold})  F1 {p.f1:.3f}"


def main() -> int:
    corpus = load_corpus(ROOT / "data" / "articles")
    gold = load_gold(ROOT / "data" / "gold")
    sentences = clustered_sentences(corpus)
    texts = list(dict.fromkeys(s.text for s in sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = get_embedder("use").encode(texts)[[row[s.text] for s in sentences]]
    examples = link_examples(sentences, vectors, corpus, gold)
    model = fit_link_model(examples.x, examples.y, fitted=(
        f"logistic regression (C={REGULARISATION:g}) on the {len(examples.pairs)} candidate pairs of the seed "
        f"articles with embedder use, {int(examples.y.sum())} of them reporting a fact in common by data/gold; "
        f"threshold: the lowest probability keeping precision {TARGET_PRECISION} on them "
        "(benchmarks/train_links.py)"))
    print(f"{len(examples.pairs)} candidate pairs, {int(examples.y.sum())} same fact by the gold")
    print("weights: " + ", ".join(f"{f} {w:+.3f}" for f, w in zip(FEATURES, model.weights))
          + f", intercept {model.intercept:+.3f}; threshold {model.threshold}")
    if "--check" in sys.argv:
        shipped = LinkModel.from_json(SHIPPED.read_text(encoding="utf-8"))
        same = (abs(shipped.threshold - model.threshold) < 1e-3
                and all(abs(a - b) < 1e-3 for a, b in zip(shipped.weights, model.weights)))
        print("the shipped model " + ("matches" if same else "DIFFERS from") + " this fit")
        return 0 if same else 1
    SHIPPED.write_text(model.to_json(), encoding="utf-8")
    links = find_links(sentences, vectors, corpus, model=model)
    print(f"in sample, find_links at {model.threshold}: {prf(link_scores(links.as_sentence_pairs(), gold, copies=corpus.copies()))}")
    held_out = held_out_links(examples, gold)
    for article, p in held_out.folds.items():
        print(f"  held out {article}: {prf(p)}")
    print(f"leave one article out, pooled: {prf(held_out.pooled)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
