"""Overlaps through the shingle index: the same counts as comparing every pair, every pair for a
handful of articles, a bounded list for many, and copies found whatever the bound."""

from __future__ import annotations

import itertools
import json

import pytest

from talkhis.corpus import Corpus, make_article
from talkhis.corpus.lang import get_language
from talkhis.corpus.overlap import DUPLICATE_CONTAINMENT, overlaps, shared_shingles

EASC = "../shared/eval/easc-dev.jsonl"


@pytest.fixture(scope="module")
def easc_articles():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / EASC
    if not path.is_file():
        pytest.skip("the EASC development split is not beside the checkout")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [make_article(f"e{n:03d}", row["article"]) for n, row in enumerate(rows[:30])]


def shingles(article) -> set[tuple[str, ...]]:
    lang = get_language("ar")
    tokens = [t for s in article.sentences for t in lang.tokenize(s.text)]
    return {tuple(tokens[i : i + 5]) for i in range(len(tokens) - 4)}


@pytest.mark.parametrize("small", [0, 100], ids=["sparse index", "pair by pair"])
def test_index_counts_match_comparing_every_pair(corpus, easc_articles, small):
    articles = sorted(corpus.articles + easc_articles, key=lambda a: a.id)
    i, j, common, sizes = shared_shingles(articles, small=small)
    found = {(int(a), int(b)): int(c) for a, b, c in zip(i, j, common)}
    sets = [shingles(a) for a in articles]
    assert [len(s) for s in sets] == sizes.tolist()
    for p, q in itertools.combinations(range(len(articles)), 2):
        assert found.get((p, q), 0) == len(sets[p] & sets[q])


def test_a_handful_of_articles_lists_every_pair(corpus):
    pairs = overlaps(corpus.articles)
    n = len(corpus.articles)
    assert len(pairs) == n * (n - 1) // 2
    assert [(p.a, p.b) for p in pairs] == [(x.id, y.id) for x, y in itertools.combinations(corpus.articles, 2)]


def test_many_articles_keep_at_most_k_pairs_each_and_every_copy(easc_articles):
    base = easc_articles[0]
    text = base.text
    copies = [make_article(f"c{n:03d}", text + f"\nسطر إضافي رقم {n} في نهاية النص المنسوخ.") for n in range(15)]
    articles = easc_articles[1:] + [base] + copies
    corpus = Corpus.from_articles(articles)
    per_article: dict[str, int] = {}
    for p in corpus.overlaps:
        per_article[p.a] = per_article.get(p.a, 0) + 1
        per_article[p.b] = per_article.get(p.b, 0) + 1
    assert len(corpus.articles) > 20
    assert all(p.jaccard > 0 for p in corpus.overlaps)
    # a pair is kept when it is in the top 3 of either article
    top3 = overlaps(corpus.articles, top_k=3)
    mine = {a.id: sum(1 for p in top3 if a.id in (p.a, p.b)) for a in corpus.articles}
    assert max(mine.values()) <= 3 + len(copies)
    assert len(top3) < len(corpus.overlaps)
    # the 16 versions are one story, though each keeps only 10 pairs in the list
    family = {base.id} | {c.id for c in copies}
    marked = {a.id: a.duplicate_of for a in corpus.articles if a.duplicate_of}
    assert set(marked) | set(marked.values()) == family
    assert len(set(marked.values())) == 1 and len(marked) == 15
    assert all(max(p.a_in_b, p.b_in_a) >= DUPLICATE_CONTAINMENT for p in corpus.overlaps if {p.a, p.b} <= family)
