"""Same-fact links and citations against the hand-made gold of the five seed articles.

Prints, with the default embedder (``use``):

* link precision / recall / F1 (``talkhis.evaluate.link_scores``; pairs between an article and
  its near-copy left out) of the pairs that share a content cluster at the default threshold
  (what citations were before links) and of ``talkhis.align.find_links`` with the shipped model
  (``talkhis/data/links.json``), in sample;
* the same model refitted leaving each article out (``talkhis.evaluate.linkfit.held_out_links``:
  fitted and thresholded on the pairs of the other four articles, scored on the pairs that
  involve the held-out one; each gold pair counts once per article it involves); the pooled
  held-out figures are the honest estimate;
* citation precision (``talkhis.evaluate.citation_precision``) of the default summary, and each
  summary sentence's "reported by N stories" beside the number of stories the gold says report
  one of its facts;
* a distractor run: the seeds mixed with the EASC dev articles of two unrelated categories,
  counting the links that cross between the two groups;
* the precision-recall curve over probability thresholds (``talkhis.evaluate.linkfit.link_curve``).

Usage: .venv/bin/python benchmarks/bench_links.py  (about a minute; needs shared/eval for the
distractor run, which is skipped without it)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from talkhis.align import find_links  # noqa: E402
from talkhis.align.links import THRESHOLD  # noqa: E402
from talkhis.corpus import Corpus, load_corpus, make_article  # noqa: E402
from talkhis.errors import InputError  # noqa: E402
from talkhis.evaluate import (  # noqa: E402
    citation_precision,
    facts_of,
    find_eval_file,
    link_scores,
    load_gold,
    pairs_from_labels,
)
from talkhis.evaluate.gold import BOILERPLATE  # noqa: E402
from talkhis.evaluate.linkfit import held_out_links, link_curve, link_examples  # noqa: E402
from talkhis.evaluate.records import jsonl_objects  # noqa: E402
from talkhis.pipeline import Options, summarize_corpus  # noqa: E402


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
    print(f"find_links (shipped model, threshold {THRESHOLD}), in sample: "
          f"{prf(link_scores(links.as_sentence_pairs(), gold, copies=copies))}")
    print(f"  of which copy links (not scored): {sum(p.copy for p in links.pairs)}")
    held_out = held_out_links(link_examples(sentences, vectors, corpus, gold), gold)
    print("\nleave one article out (model refitted on the other four, scored on pairs involving the held-out one):")
    for article, p in held_out.folds.items():
        print(f"  {article}: {prf(p)}")
    print(f"  pooled held-out: {prf(held_out.pooled)}")

    print("\n## Citations and coverage of the default summary\n")
    cited = citation_precision(result.summary, gold, copies=copies)
    print(f"citation precision: {cited.correct}/{cited.n_cited} = {cited.precision:.3f}")
    story = {a.id: corpus.story(a.id) for a in corpus.articles}
    agree = 0
    for item in result.summary:
        facts = facts_of(item.sentence, gold)
        truth = {story[u.article] for u in gold.units if u.kind != BOILERPLATE and u.facts & facts}
        truth.add(story[item.sentence.article])
        agree += item.coverage == len(truth)
        sources = ", ".join(f"{s.article[:3]}#{s.index}" for s in item.sources)
        print(f"  {item.sentence.article[:3]}#{item.sentence.index}: reported by {item.coverage} of "
              f"{result.n_stories} stories, the gold says {len(truth)} ({', '.join(sorted(facts))}); cites {sources}")
    print(f"coverage counts that agree with the gold: {agree} of {len(result.summary)}")

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
        print(f"{len(easc)} EASC politics/finance articles added ({len(s)} sentences): {len(found.pairs)} links, "
              f"{len(crossing)} crossing")

    print("\n## Precision and recall against the probability threshold\n")
    print("| threshold | precision | recall |\n|---|---|---|")
    for t, p, r in link_curve(sentences, vectors, corpus, gold, sorted({0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, THRESHOLD})):
        print(f"| {t:.4g}{' (shipped)' if t == THRESHOLD else ''} | {p:.3f} | {r:.3f} |")


if __name__ == "__main__":
    sys.exit(main())
