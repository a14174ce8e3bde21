"""The Markdown tables of talkhis.explore.overview, on the shipped articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkhis.corpus.clean import RULES
from talkhis.errors import InputError
from talkhis.explore.overview import (
    budget_table,
    cluster_sentences_table,
    clusters_table,
    corpus_table,
    find_articles,
    overlap_table,
    removed_table,
    rules_table,
    sources_table,
    summary_table,
)
from talkhis.pipeline import Options, Result, summarize_corpus
from talkhis.report.markdown import markdown_table
from talkhis.select import Budget

COPY, ORIGINAL = "000_f9289ace09eb3e20", "001_ca3e1f2505a79631"
BAGHDAD_TODAY = "003_66b99715f277d18e"


@pytest.fixture(scope="module")
def result(corpus) -> Result:
    # The character TF-IDF baseline needs no model; at 0.7 it still finds clusters across stories.
    return summarize_corpus(corpus, Options(embedder="tfidf", threshold=0.7, cache=False))


def rows(table: str) -> list[list[str]]:
    """The body rows of a Markdown table, split into stripped cells."""
    lines = table.strip().splitlines()
    assert lines[1].startswith("|---"), table
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:]]


def row_of(table: str, article_id: str) -> list[str]:
    (row,) = [r for r in rows(table) if r[0] == f"`{article_id}`"]
    return row


# ---------------------------------------------------------------- helpers


def test_markdown_table_escapes_pipes_and_flattens_lines():
    table = markdown_table(["a", "b"], [["x | y", "two\nlines"], [None, 3]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x \\| y | two lines |", "| — | 3 |"]


def test_markdown_table_refuses_a_ragged_row():
    with pytest.raises(ValueError, match="row 0 has 1 cells; the header has 2"):
        markdown_table(["a", "b"], [["only one"]])


def test_find_articles_from_the_root_and_from_a_subfolder(articles_dir):
    root = articles_dir.parents[1]
    assert find_articles(root) == articles_dir
    assert find_articles(root / "notebooks") == articles_dir
    assert find_articles(articles_dir) == articles_dir


def test_find_articles_says_where_it_looked(tmp_path: Path):
    with pytest.raises(InputError, match="no data/articles folder"):
        find_articles(tmp_path)


# ---------------------------------------------------------------- corpus


def test_rules_table_lists_every_rule():
    names = [r[0] for r in rows(rules_table())]
    assert [f"`{r.name}`" for r in RULES] == names[: len(RULES)]
    assert "`repeated_line`" in names


def test_corpus_table_has_one_row_per_article_with_its_metadata(corpus):
    table = corpus_table(corpus)
    assert [r[0] for r in rows(table)] == [f"`{a.id}`" for a in corpus.articles]
    header = table.splitlines()[0]
    assert "date source" in header and "copy of" in header
    copy = row_of(table, COPY)
    assert copy[-1] == f"`{ORIGINAL}`"
    assert row_of(table, ORIGINAL)[-1] == "—"
    assert row_of(table, "002_a90dff76a33d4385")[2:4] == ["2021-07-25", "text: dateline"]


def test_corpus_table_counts_segments_by_kind(corpus):
    for a in corpus.articles:
        sentences, headings, titles, fragments = map(int, row_of(corpus_table(corpus), a.id)[5:9])
        assert sentences + headings + titles + fragments == len(a.sentences)
        assert sentences == len(a.body)
    assert row_of(corpus_table(corpus), ORIGINAL)[4] == corpus.article(ORIGINAL).title


def test_removed_table_lists_each_removed_line_with_its_rule(corpus):
    body = rows(removed_table(corpus))
    assert len([r for r in body if r[1] != "—"]) == sum(len(a.removed) for a in corpus.articles)
    assert [r[2] for r in body if r[0] == f"`{BAGHDAD_TODAY}`" and r[1] == "`ad_marker`"] == ["[ad_1]", "[ad_2]"]
    assert ["`002_a90dff76a33d4385`", "`dateline`", "25-يوليو-2021"] in body
    assert [f"`{COPY}`", "—", "(nothing removed)"] in body


def test_removed_table_clips_long_lines(corpus):
    longest = max(len(r[2]) for r in rows(removed_table(corpus, clip=30)))
    assert longest == 30
    assert any(r[2].endswith("…") for r in rows(removed_table(corpus, clip=30)))


def test_overlap_table_shows_containment_both_ways_and_the_copy(corpus):
    body = rows(overlap_table(corpus))
    assert len(body) == len(corpus.articles) * (len(corpus.articles) - 1) // 2
    (pair,) = [r for r in body if r[:2] == [f"`{COPY}`", f"`{ORIGINAL}`"]]
    assert pair[2:5] == ["0.97", "0.42", "0.42"]
    assert pair[5] == f"`{COPY}` is a copy"
    assert [r[5] for r in body].count("—") == len(body) - 1


# ---------------------------------------------------------------- clusters and summary


def test_clusters_table_keeps_clusters_across_stories(result):
    body = rows(clusters_table(result, min_coverage=2))
    wide = [c for c in result.clusters if c.coverage >= 2]
    assert wide, "the fixture should find clusters shared by two stories"
    assert [int(r[0]) for r in body] == [c.id for c in wide]
    assert all(int(r[1]) >= 2 for r in body)
    assert len(rows(clusters_table(result, min_coverage=1))) == len(result.clusters)


def test_clusters_table_takes_other_clusters(result):
    one = result.clusters[-1:]
    assert [int(r[0]) for r in rows(clusters_table(result, min_coverage=1, clusters=one))] == [one[0].id]


def test_cluster_sentences_table_lists_every_member_once(result):
    body = rows(cluster_sentences_table(result, min_coverage=2))
    wide = [c for c in result.clusters if c.coverage >= 2]
    assert len(body) == sum(c.size for c in wide)
    assert sum("★" in r[2] for r in body) == len(wide)
    wide_ids = {c.id for c in wide}
    assert sum("✓" in r[2] for r in body) == sum(s.cluster in wide_ids for s in result.summary)


def test_summary_table_puts_arabic_beside_english_with_sources(result):
    body = rows(summary_table(result))
    assert len(body) == len(result.summary)
    for row, s, t in zip(body, result.summary, result.translations):
        assert row[1] == " ".join(s.sentence.text.split())
        assert row[2] == t.text and row[3] == "reference"
        assert f"`{s.sentence.article}`" in row[6]
        assert row[5] == f"{s.coverage} of {result.n_stories}"


def test_summary_table_says_why_a_sentence_is_untranslated(corpus):
    untranslated = summarize_corpus(corpus, Options(embedder="tfidf", translator="none", sentences=2, cache=False))
    assert all(r[2] == "*untranslated: translation was turned off*" for r in rows(summary_table(untranslated)))


def test_sources_table_marks_the_quoted_sentence(result):
    body = rows(sources_table(result))
    assert len(body) == sum(len(s.sources) for s in result.summary)
    assert [r[0] for r in body if r[4] == "✓"] == [str(n) for n in range(1, len(result.summary) + 1)]


def test_budget_table_grows_with_the_budget(result):
    table = budget_table(result, [1, 3, Budget(sentences=None, words=60)])
    assert table.splitlines()[0].endswith("| 1 sentence | 3 sentences | 60 words |")
    body = rows(table)
    sentences, words = body[:-1], body[-1]
    assert sum(r[2] == "✓" for r in sentences) == 1
    assert sum(r[3] == "✓" for r in sentences) == 3
    assert int(words[4]) <= 60 or sum(r[4] == "✓" for r in sentences) == 1
    assert {r[0] for r in sentences if r[2] == "✓"} <= {r[0] for r in sentences if r[3] == "✓"}


def test_budget_table_matches_a_run_with_that_budget(corpus, result):
    options = Options(embedder="tfidf", threshold=0.7, sentences=3, cache=False)
    run = summarize_corpus(corpus, options)
    body = rows(budget_table(corpus, [3], options=options))
    assert [r[0] for r in body[:-1]] == [f"`{s.sentence.article}` §{s.sentence.index}" for s in run.summary]
