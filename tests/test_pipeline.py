"""The whole pipeline in one call: what a Result holds, and how copies and options flow through."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import talkhis.pipeline as pipeline_module
from talkhis import __version__
from talkhis.corpus import HEADING, TITLE, Corpus, load_corpus, make_article
from talkhis.pipeline import Options, clustered_sentences, summarize_corpus, summarize_folder
from talkhis.select import Budget

from .conftest import ARTICLES


@pytest.fixture(scope="module")
def result(corpus):
    return summarize_corpus(corpus, Options())


def test_options_budget():
    assert Options().budget() == Budget(sentences=6)
    assert Options(sentences=3).budget() == Budget(sentences=3)
    assert Options(words=80).budget() == Budget(sentences=None, words=80)


def test_clustered_sentences_leave_out_headings_and_titles(corpus):
    sentences = clustered_sentences(corpus)
    assert sentences and all(s.kind not in (HEADING, TITLE) for s in sentences)
    left_out = [s for s in corpus.sentences if s not in sentences]
    assert left_out and all(s.kind in (HEADING, TITLE) for s in left_out)
    assert any(s.kind == TITLE for s in left_out)


def test_a_result_holds_one_row_and_label_per_sentence(result):
    n = len(result.sentences)
    assert result.vectors.shape[0] == n and result.labels.shape == (n,)
    np.testing.assert_allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)
    assert sorted(m for c in result.clusters for m in c.members) == list(range(n))
    assert len(result.translations) == len(result.summary) == 6
    assert all(t.ok and t.source == "reference" for t in result.translations)
    assert result.n_stories == 4
    assert result.periods == {a.id: ("2024-01" if a.id.startswith("004") else "2021-07") for a in result.corpus.articles}


def test_the_config_records_every_option_that_shapes_the_result_and_what_was_used(result):
    config = result.config()
    shaping = [f.name for f in dataclasses.fields(Options) if f.name != "cache"]
    assert {k: config[k] for k in shaping} == {k: v for k, v in dataclasses.asdict(Options()).items() if k in shaping}
    assert "cache" not in config  # it only saves time: runs with and without it write the same bytes
    assert (config["embedder_backend"], config["translator_backend"], config["talkhis_version"]) == ("use", "reference", __version__)


def test_folder_and_corpus_entry_points_agree(result):
    again = summarize_folder(ARTICLES)
    assert [s.sentence for s in again.summary] == [s.sentence for s in result.summary]
    assert np.array_equal(again.labels, result.labels)
    assert np.array_equal(again.vectors, result.vectors)


class _PositionalEmbedder:
    """A fake embedder whose vectors depend on each sentence's position in the call, not on
    its text: two calls with the same text at different places give different vectors."""

    name = "positional"
    cacheable = False

    def __init__(self):
        self.calls: list[list[str]] = []

    def encode(self, sentences):
        self.calls.append(list(sentences))
        rng = np.random.default_rng(len(self.calls))
        x = rng.normal(size=(len(sentences), 16)).astype(np.float32)
        return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_each_distinct_text_is_embedded_once_so_copies_share_vectors(monkeypatch):
    text = (ARTICLES / "003_66b99715f277d18e.txt").read_text(encoding="utf-8")
    corpus = Corpus.from_articles([make_article("a", text), make_article("b", text)])
    assert corpus.article("b").duplicate_of == "a"
    fake = _PositionalEmbedder()
    monkeypatch.setattr(pipeline_module, "get_embedder", lambda spec, cache=True: fake)
    result = summarize_corpus(corpus, Options(translator="none"))
    (call,) = fake.calls
    assert len(call) == len(set(call)) == len(result.sentences) // 2
    rows = {}
    for s, v in zip(result.sentences, result.vectors):
        rows.setdefault(s.text, []).append(v)
    assert all(len(vs) == 2 and np.array_equal(vs[0], vs[1]) for vs in rows.values())
    assert all(c.coverage == 1 and c.articles == ["a", "b"] for c in result.clusters)


def test_untranslated_summaries_say_why(corpus):
    result = summarize_corpus(corpus, Options(embedder="tfidf", translator="none", sentences=2))
    assert len(result.summary) == 2
    assert all(not t.ok and t.source == "untranslated" and t.note for t in result.translations)
    assert result.config()["translator_backend"] == "none" and result.config()["embedder_backend"] == "tfidf"


def test_a_corpus_loaded_with_copies_counts_stories_once(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes((ARTICLES / "002_a90dff76a33d4385.txt").read_bytes())
    result = summarize_corpus(load_corpus(tmp_path), Options(embedder="tfidf", sentences=3))
    assert result.n_stories == 1
    assert len(result.summary) == 3
    assert all(s.sentence.article == "a" and s.coverage == 1 for s in result.summary)


def test_a_result_records_a_decision_for_every_sentence_and_its_notes(result):
    selection = result.selection
    assert len(selection.why) == len(selection.score) == len(result.sentences)
    assert all(result.sentences[s.index] is s.sentence for s in result.summary)
    assert [i for i, why in enumerate(selection.why) if why == "selected"] == sorted(s.index for s in result.summary)
    assert selection.period_order == ["2021-07", "2024-01"]
    assert sum(selection.quotas.values()) == 6
    assert result.notes == []  # four background sentences from three stories, two of 2024: nothing to warn of


def test_summary_sentences_cite_their_same_fact_links(result):
    from talkhis.align import find_links

    links = find_links(result.sentences, result.vectors, result.corpus)
    for item in result.summary:
        cited = [result.sentences.index(s) for s in item.sources]
        assert sorted(cited) == sorted({item.index, *links.sources_of(item.index)})
        assert item.coverage == len({result.corpus.story(s.article) for s in item.sources})


def test_unrelated_articles_take_no_place_and_no_citation_from_the_story(corpus):
    """Distractors: the seeds mixed with unrelated EASC articles (undated, so a period of their
    own) give the same summary as the seeds alone, and nothing cites a distractor."""
    import json

    from talkhis.corpus import Corpus, make_article
    from talkhis.evaluate import find_eval_file

    records = [json.loads(line) for line in find_eval_file("easc-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    distractors = [make_article(f"easc-{r['id']}", r["article"]) for r in records if r["category"] in ("politics", "finance")][:8]
    mixed = summarize_corpus(Corpus.from_articles(list(corpus.articles) + distractors), Options())
    alone = summarize_corpus(corpus, Options())
    assert [(s.sentence.article, s.sentence.index) for s in mixed.summary] == [(s.sentence.article, s.sentence.index) for s in alone.summary]
    assert not any(src.article.startswith("easc-") for s in mixed.summary for src in s.sources)
    why = dict(zip(((s.article, s.index) for s in mixed.sentences), mixed.selection.why))
    assert why[(distractors[0].id, 0)] == "over budget; its article is off the story"
    assert any("shares no content with any other article" in n for n in mixed.notes)
