"""Same-fact links and citations against the hand-made gold of the five seed articles.

Prints, with the default embedder (``use``):

* link precision / recall / F1 (``talkhis.evaluate.link_scores``; pairs between an article and
  its near-copy left out) of the pairs that share a content cluster at the default threshold
  (what citations were before links) and of ``talkhis.align.links.find_links`` at its defaults;
* the threshold and lexical weight chosen by leave-one-article-out: for each held-out article,
  the pair of values with the highest recall at precision >= 0.95 on the pairs among the other
  four (the highest precision when none reaches 0.95), scored on the pairs that involve the
  held-out article; the pooled held-out figures are the honest estimate;
* citation precision (``talkhis.evaluate.citation_precision``) of the default summary with its
  sources taken from the cluster (before) and from ``Links.sources_of`` (after);
* a distractor run: the seeds mixed with the EASC dev articles of two unrelated categories,
  counting the links that cross between the two groups;
* the precision-recall curve over thresholds (``talkhis.evaluate.gold_metrics.link_curve``).

Usage: .venv/bin/python benchmarks/bench_links.py  (about a minute; needs shared/eval for the
distractor run, which is skipped without it)
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from talkhis.align import find_links  # noqa: E402
from talkhis.align.links import LEXICAL_WEIGHT, THRESHOLD, score_pairs
from talkhis.corpus import Corpus, load_corpus, make_article  # noqa: E402
from talkhis.errors import InputError  # noqa: E402
from talkhis.evaluate import (  # noqa: E402
    citation_precision,
    find_eval_file,
    leave_one_article_out,
    link_scores,
    load_gold,
    pairs_from_labels,
)
from talkhis.evaluate.gold_metrics import link_curve
from talkhis.evaluate.records import jsonl_objects  # noqa: E402
from talkhis.pipeline import Options, summarize_corpus  # noqa: E402
from talkhis.stable import qkey  # noqa: E402

WEIGHTS = (0.5, 1.0, 1.5, 2.0, 3.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(1.20, 0.395, -0.01))  # high first: ties keep the stricter one
TARGET = 0.95


def prf(p) -> str:
    return f"P {p.precision:.3f} ({p.correct}/{p.n_system})  R {p.recall:.3f} ({p.found}/{p.n_gold})  F1 {p.f1:.3f}"


def main() -> None:
    corpus = load_corpus(ROOT / "data" / "articles")
    gold = load_gold(ROOT / "data" / "gold")
    copies = corpus.copies()
    result = summarize_corpus(corpus, Options(translator="none"))
    sentences, vectors = result.sentences, result.vectors

    print("## Links on the gold (default embedder 'use')\n")
    print(f"clusters at threshold {result.options.threshold}: {prf(link_scores(pairs_from_labels(result.labels, sentences), gold, copies=copies))}")
    links = find_links(sentences, vectors, corpus)
    print(f"find_links (weight {LEXICAL_WEIGHT}, threshold {THRESHOLD}): "
          f"{prf(link_scores(links.as_sentence_pairs(), gold, copies=copies))}")
    print(f"  of which copy links (not scored): {sum(p.copy for p in links.pairs)}")

    # Leave one article out over (weight, threshold).
    candidates = score_pairs(sentences, vectors, corpus)

    def pairs_at(value):
        weight, threshold = value
        return [(sentences[c.i], sentences[c.j]) for c in candidates
                if qkey(c.cosine + weight * c.overlap) >= qkey(threshold)]

    values = list(itertools.product(WEIGHTS, THRESHOLDS))
    cache = {v: pairs_at(v) for v in values}

    def train(value, held_out):
        others = [a for a in gold.articles if a != held_out]
        p = link_scores(cache[value], gold, copies=copies, articles=others)
        return 1.0 + p.recall if p.n_system and p.precision >= TARGET else p.precision

    def test(value, held_out):
        return link_scores(cache[value], gold, copies=copies, involving=held_out).f1

    loo = leave_one_article_out(values, train, test, gold.articles)
    print("\nleave one article out (chosen on the other four; scored on pairs involving the held-out one):")
    totals = [0, 0, 0, 0]
    for fold in loo.folds:
        p = link_scores(cache[fold.value], gold, copies=copies, involving=fold.held_out)
        totals = [a + b for a, b in zip(totals, (p.correct, p.n_system, p.found, p.n_gold))]
        print(f"  {fold.held_out}: weight {fold.value[0]}, threshold {fold.value[1]:.2f} -> {prf(p)}")
    c, n, f, g = totals
    print(f"  pooled held-out: P {c / n if n else 0:.3f} ({c}/{n})  R {f / g if g else 0:.3f} ({f}/{g})")

    print("\n## Citations of the default summary\n")
    before = citation_precision(result.summary, gold, copies=copies)
    index = {id(s): k for k, s in enumerate(sentences)}
    after_summary = [dataclasses.replace(item, sources=[sentences[k] for k in links.sources_of(index[id(item.sentence)])])
                     for item in result.summary]
    after = citation_precision(after_summary, gold, copies=copies)
    print(f"sources = cluster members: {before.correct}/{before.n_cited} = {before.precision:.3f}")
    print(f"sources = Links.sources_of: {after.correct}/{after.n_cited} = {after.precision:.3f}")
    for item in after_summary:
        cited = ", ".join(f"{s.article[:3]}#{s.index}" for s in item.sources) or "-"
        print(f"  {item.sentence.article[:3]}#{item.sentence.index}: {cited}")

    print("\n## Distractors\n")
    try:
        path = find_eval_file("easc-dev.jsonl", ROOT)
    except InputError as exc:
        print(f"skipped: {exc}")
    else:
        easc = [obj for _, obj in jsonl_objects(path) if obj["id"].startswith(("politics", "finance"))]
        mixed = Corpus.from_articles(list(corpus.articles) + [make_article(f"easc-{o['id']}", o["article"]) for o in easc])
        mixed_result = summarize_corpus(mixed, Options(translator="none"))
        s = mixed_result.sentences
        found = find_links(s, mixed_result.vectors, mixed)
        seed = {a.id for a in corpus.articles}
        crossing = [p for p in found.pairs if (s[p.i].article in seed) != (s[p.j].article in seed)]
        scores = [c.cosine + LEXICAL_WEIGHT * c.overlap for c in score_pairs(s, mixed_result.vectors, mixed)
                  if (s[c.i].article in seed) != (s[c.j].article in seed)]
        print(f"{len(easc)} EASC politics/finance articles added ({len(s)} sentences): {len(found.pairs)} links, "
              f"{len(crossing)} crossing; best crossing score {max(scores):.3f} (threshold {THRESHOLD})")

    print("\n## Precision and recall against the threshold (weight %.1f)\n" % LEXICAL_WEIGHT)
    print("| threshold | precision | recall |\n|---|---|---|")
    for t, p, r in link_curve(sentences, vectors, corpus, gold, np.round(np.arange(0.5, 1.01, 0.05), 2)):
        print(f"| {t:.2f} | {p:.3f} | {r:.3f} |")


if __name__ == "__main__":
    sys.exit(main())
