"""Tests of talkhis.align.links: same-fact links on the seed articles against the hand-made gold,
links never reaching unrelated articles, the number check, copies, the candidate index against
the dense pass, the cap on links per sentence, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from talkhis.align import find_links
from talkhis.align.linkmodel import content_terms
from talkhis.align.links import THRESHOLD, score_pairs
from talkhis.corpus import Corpus, make_article
from talkhis.errors import InputError
from talkhis.evaluate import find_eval_file, link_scores, load_gold, pairs_from_labels
from talkhis.evaluate.linkfit import link_curve
from talkhis.evaluate.records import jsonl_objects
from talkhis.pipeline import clustered_sentences
from talkhis.stable import qkey

from .conftest import ROOT


@pytest.fixture(scope="module")
def seeds(corpus, use_embedder):
    sentences = clustered_sentences(corpus)
    return corpus, sentences, use_embedder.encode([s.text for s in sentences])


@pytest.fixture(scope="module")
def gold():
    return load_gold(ROOT / "data" / "gold")


def _key(s):
    return (s.article[:3], s.index)


def test_links_on_the_seeds_are_precise_where_clusters_are_not(seeds, gold):
    corpus, sentences, vectors = seeds
    links = find_links(sentences, vectors, corpus)
    copies = corpus.copies()
    scored = link_scores(links.as_sentence_pairs(), gold, copies=copies)
    assert scored.n_system >= 8 and scored.precision >= 0.95 and scored.recall >= 0.2
    from talkhis.align import ContentClusterer

    labels = ContentClusterer().fit_predict(vectors)
    topical = link_scores(pairs_from_labels(labels, sentences), gold, copies=copies)
    assert topical.precision < 0.7  # a cluster is a topic, not a fact
    # the 2500 troops of July 2021 and of January 2024 are one figure (gold fact F27)
    pairs = {(_key(sentences[p.i]), _key(sentences[p.j])) for p in links.pairs}
    assert (("003", 9), ("004", 2)) in pairs


def test_same_topic_in_another_period_is_not_linked(seeds):
    corpus, sentences, vectors = seeds
    links = find_links(sentences, vectors, corpus)
    # 2021: the US combat mission will end this year; 2024: talks on the US presence will go on
    end_of_mission = next(k for k, s in enumerate(sentences) if s.text.startswith("توقع مسؤولون أمريكيون"))
    talks_go_on = next(k for k, s in enumerate(sentences) if s.text.startswith("من المتوقع أن يواصل"))
    assert float(vectors[end_of_mission] @ vectors[talks_go_on]) > 0.6  # very similar sentences
    assert talks_go_on not in links.sources_of(end_of_mission)


def test_a_copy_is_linked_to_what_it_copies(seeds):
    corpus, sentences, vectors = seeds
    links = find_links(sentences, vectors, corpus)
    copy = corpus.article("000_f9289ace09eb3e20")
    assert copy.duplicate_of == "001_ca3e1f2505a79631"
    copy_links = [p for p in links.pairs if p.copy]
    own = [k for k, s in enumerate(sentences) if s.article == copy.id]
    assert len(copy_links) == len(own)
    for k in own:
        (partner,) = [j for j in links.sources_of(k) if sentences[j].article == copy.duplicate_of]
        assert " ".join(sentences[partner].text.split())[:40] == " ".join(sentences[k].text.split())[:40]


def test_sources_are_other_articles_in_order_and_symmetric(seeds):
    corpus, sentences, vectors = seeds
    links = find_links(sentences, vectors, corpus, threshold=0.3)
    assert links.pairs == sorted(links.pairs, key=lambda p: (p.i, p.j))
    for i in range(len(sentences)):
        sources = links.sources_of(i)
        assert all(sentences[j].article != sentences[i].article for j in sources)
        assert sources == sorted(sources, key=lambda j: (sentences[j].article, sentences[j].index))
        assert all(i in links.sources_of(j) for j in sources)
    assert all(p.evidence for p in links.pairs)


def test_links_do_not_depend_on_float_noise(seeds):
    corpus, sentences, vectors = seeds
    noise = np.random.default_rng(0).normal(scale=1e-7, size=vectors.shape)
    a = find_links(sentences, vectors, corpus)
    b = find_links(sentences, vectors + noise, corpus)
    assert [(p.i, p.j, p.score) for p in a.pairs] == [(p.i, p.j, p.score) for p in b.pairs]


def test_no_link_crosses_into_unrelated_articles(corpus, use_embedder):
    try:
        path = find_eval_file("easc-dev.jsonl", ROOT)
    except InputError:
        pytest.skip("shared/eval/easc-dev.jsonl is not beside this checkout")
    records = [obj for _, obj in jsonl_objects(path) if obj["id"].startswith(("politics", "finance"))]
    distractors = [make_article(f"easc-{r['id']}", r["article"]) for r in records]
    mixed = Corpus.from_articles(list(corpus.articles) + distractors)
    sentences = clustered_sentences(mixed)
    vectors = use_embedder.encode([s.text for s in sentences])
    links = find_links(sentences, vectors, mixed)
    seed_ids = {a.id for a in corpus.articles}
    crossing = [p for p in links.pairs if (sentences[p.i].article in seed_ids) != (sentences[p.j].article in seed_ids)]
    assert len(distractors) >= 10 and crossing == []
    every = find_links(sentences, vectors, mixed, max_links=len(sentences))
    assert {(p.i, p.j) for p in every.pairs if not p.copy} == _dense(sentences, vectors, mixed, THRESHOLD)
    # the seeds keep their own links (EASC politics-12 also counts "2500", of party members)
    assert any(sentences[p.i].article in seed_ids and not p.copy for p in links.pairs)


def _corpus(texts: dict[str, str], dates: dict[str, str] | None = None) -> Corpus:
    articles = [make_article(k, v) for k, v in texts.items()]
    for a in articles:
        a.date = (dates or {}).get(a.id)
    return Corpus.from_articles(articles)


def test_numbers_must_agree():
    texts = {
        "a": "قتل 14 شخصا في هجوم على قاعدة عين الأسد غرب العراق.",
        "b": "أسفر هجوم يوم الثلاثاء على القاعدة الجوية في الأنبار عن مقتل 14 شخصا.",
        "c": "قتل 60 شخصا في هجوم على قاعدة عين الأسد غرب العراق.",
    }
    corpus = _corpus(texts, {"a": "2021-07-07", "b": "2021-07-08", "c": "2021-07-08"})
    assert not corpus.copies()
    sentences = corpus.sentences
    vectors = np.ones((len(sentences), 4)) / 2.0  # identical vectors: only the other evidence tells them apart
    scored = {(sentences[c.i].article, sentences[c.j].article): c for c in score_pairs(sentences, vectors, corpus)}
    assert set(scored) == {("a", "b")}  # 14 against 60: never a candidate
    assert scored[("a", "b")].numbers_agree and scored[("a", "b")].numbers == ("14",)
    links = find_links(sentences, vectors, corpus)
    assert [(sentences[p.i].article, sentences[p.j].article) for p in links.pairs] == [("a", "b")]
    assert "number 14" in links.pairs[0].evidence
    assert links.pairs[0].score == round(qkey(scored[("a", "b")].probability) * 1e-4, 4)


def test_content_terms_read_digits_and_spellings_alike():
    assert content_terms("نحو ٢٥٠٠ جندي أميركي") == content_terms("نحو 2,500 جندي أمريكي")
    assert "#2500" in content_terms("نحو 2,500 جندي")
    assert not content_terms("في من على إلى")


def test_vectors_must_match_sentences(seeds):
    corpus, sentences, vectors = seeds
    with pytest.raises(ValueError, match="vectors for"):
        find_links(sentences, vectors[:-1], corpus)


def test_link_curve_trades_recall_for_precision(seeds, gold):
    corpus, sentences, vectors = seeds
    curve = link_curve(sentences, vectors, corpus, gold, (0.2, 0.4, THRESHOLD, 0.95))
    assert [t for t, _, _ in curve] == [0.2, 0.4, THRESHOLD, 0.95]
    recalls = [r for _, _, r in curve]
    assert recalls == sorted(recalls, reverse=True) and recalls[0] > recalls[-1]
    assert curve[0][1] < curve[2][1]
    default = link_scores(find_links(sentences, vectors, corpus).as_sentence_pairs(), gold, copies=corpus.copies())
    assert curve[2][1:] == (default.precision, default.recall)


def _dense(sentences, vectors, corpus, threshold):
    return {(c.i, c.j) for c in score_pairs(sentences, vectors, corpus) if qkey(c.probability) >= qkey(threshold)}


@pytest.mark.parametrize("threshold", [THRESHOLD, 0.3])
def test_the_candidate_index_finds_what_the_dense_pass_finds(seeds, threshold):
    corpus, sentences, vectors = seeds
    links = find_links(sentences, vectors, corpus, threshold=threshold, max_links=len(sentences))
    found = {(p.i, p.j) for p in links.pairs if not p.copy}
    assert found == _dense(sentences, vectors, corpus, threshold) and len(found) >= 8
    # each link carries its own pair's probability (not that of another partner of its text)
    probability = {(c.i, c.j): round(qkey(c.probability) * 1e-4, 4) for c in score_pairs(sentences, vectors, corpus)}
    assert {(p.i, p.j): p.score for p in links.pairs if not p.copy} == {k: probability[k] for k in found}


@pytest.mark.parametrize("cap", [1, 2])
def test_each_sentence_keeps_its_best_links_up_to_the_cap(seeds, cap):
    corpus, sentences, vectors = seeds
    every = find_links(sentences, vectors, corpus, threshold=0.3, max_links=len(sentences))
    capped = find_links(sentences, vectors, corpus, threshold=0.3, max_links=cap)
    score = {(p.i, p.j): p.score for p in every.pairs if not p.copy}
    best = set()
    for i in range(len(sentences)):
        mine = sorted((j for j in range(len(sentences)) if (min(i, j), max(i, j)) in score),
                      key=lambda j: (-score[(min(i, j), max(i, j))], j))
        best |= {(min(i, j), max(i, j)) for j in mine[:cap]}
    assert {(p.i, p.j) for p in capped.pairs if not p.copy} == best
    assert len(best) < len(score)  # the cap binds
    assert [p for p in capped.pairs if p.copy] == [p for p in every.pairs if p.copy]


def test_coverage_counts_the_stories_of_linked_sentences(seeds):
    corpus, sentences, vectors = seeds
    links = find_links(sentences, vectors, corpus, threshold=0.3)
    story = {a.id: corpus.story(a.id) for a in corpus.articles}
    coverage = links.coverage(story)
    for i, s in enumerate(sentences):
        assert coverage[i] == len({story[s.article]} | {story[sentences[j].article] for j in links.sources_of(i)})
    copy = next(i for i, s in enumerate(sentences) if s.article.startswith("000"))
    assert story[sentences[copy].article] == story[sentences[links.sources_of(copy)[0]].article]  # a copy counts once
    assert max(coverage) >= 3
