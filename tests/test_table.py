"""The sentences table: one row per clustered sentence, reasons that agree with the summary,
citations that agree with the sources, and CSV that reads back as it was written."""

from __future__ import annotations

import csv
import io

import pytest

from talkhis.pipeline import Options, summarize_corpus
from talkhis.report.table import COLUMNS, sentence_rows, sentences_csv


@pytest.fixture(scope="module")
def result(corpus):
    return summarize_corpus(corpus, Options(embedder="tfidf", sentences=4))


def test_one_row_per_clustered_sentence_in_corpus_order(result):
    rows = sentence_rows(result)
    assert [(r["article"], r["sentence"]) for r in rows] == [(s.article, s.index) for s in result.sentences]
    assert all(list(r) == list(COLUMNS) for r in rows)
    assert [r["text"] for r in rows] == [s.text for s in result.sentences]


def test_selected_rows_are_the_summary_in_order(result):
    rows = sentence_rows(result)
    chosen = sorted((r for r in rows if r["selected"] == "yes"), key=lambda r: r["position"])
    assert [(r["article"], r["sentence"]) for r in chosen] == [(s.sentence.article, s.sentence.index) for s in result.summary]
    assert all(r["why"] == "selected" for r in chosen)
    assert all(r["position"] == "" and r["why"] != "selected" for r in rows if r["selected"] == "no")


def test_reasons_name_what_kept_each_sentence_out(result):
    rows = sentence_rows(result)
    for r in rows:
        assert r["why"] == "selected" or r["why"].startswith(
            ("redundant with #", "over budget", "not a candidate: ", "leans on an earlier sentence ("))
        if r["why"].startswith("redundant with #"):
            assert 1 <= int(r["why"].removeprefix("redundant with #")) <= len(result.summary)
    copies = [r for r in rows if r["article"].startswith("000")]
    assert copies and all(r["why"] == "not a candidate: its article copies 001_ca3e1f2505a79631" for r in copies)


def test_needs_antecedent_marks_the_sentences_that_lean_on_an_earlier_one(result):
    rows = {(r["article"][:3], r["sentence"]): r for r in sentence_rows(result)}
    assert {r["needs_antecedent"] for r in rows.values()} == {"yes", "no"}
    assert rows[("004", 3)]["needs_antecedent"] == "yes"  # 'these forces are stationed …'
    assert rows[("004", 10)]["needs_antecedent"] == "yes"  # 'this particular strike …'
    assert rows[("004", 0)]["needs_antecedent"] == rows[("004", 8)]["needs_antecedent"] == "no"
    for item in result.summary:  # a summary sentence that leans on one comes after it
        if rows[(item.sentence.article[:3], item.sentence.index)]["needs_antecedent"] == "yes":
            earlier = [(s.sentence.article, s.sentence.index) for s in result.summary[:result.summary.index(item)]]
            assert any(a == item.sentence.article and k < item.sentence.index for a, k in earlier)


def test_cited_by_matches_the_sources_of_each_summary_sentence(result):
    rows = {(r["article"], r["sentence"]): r for r in sentence_rows(result)}
    for n, item in enumerate(result.summary, start=1):
        for source in item.sources:
            assert str(n) in rows[(source.article, source.index)]["cited_by"].split(";")
    cited = sum(len(r["cited_by"].split(";")) for r in rows.values() if r["cited_by"])
    assert cited == sum(len(item.sources) for item in result.summary)


def test_translation_status_and_rounded_scores(result):
    rows = sentence_rows(result)
    assert {r["translation"] for r in rows if r["selected"] == "yes"} == {"reference"}
    assert {r["translation"] for r in rows if r["selected"] == "no"} == {"not in summary"}
    for r in rows:
        for key in ("salience", "support", "score"):
            assert r[key] == round(r[key], 4)
        dated = 0.1 if r["dated"] == "yes" else 0.0
        assert r["score"] == pytest.approx(r["salience"] + 0.5 * r["support"] + dated, abs=2e-4)
    assert {r["dated"] for r in rows if r["period"] == "2021-07"} == {"no"}  # the background gets no bonus
    assert any(r["dated"] == "yes" for r in rows if r["period"] == "2024-01")
    assert {r["adequacy"] for r in rows} == {""}  # reviewed references are not scored; machine output is


def test_untranslated_rows_say_why(corpus):
    result = summarize_corpus(corpus, Options(embedder="tfidf", translator="none", sentences=2))
    statuses = {r["translation"] for r in sentence_rows(result) if r["selected"] == "yes"}
    assert len(statuses) == 1 and statuses.pop().startswith("untranslated: ")


def test_the_csv_reads_back_as_written(result):
    text = sentences_csv(result)
    assert text.startswith(",".join(COLUMNS) + "\n") and "\r" not in text
    back = list(csv.DictReader(io.StringIO(text)))
    rows = sentence_rows(result)
    assert len(back) == len(rows)
    for got, want in zip(back, rows):
        assert got == {k: str(v) for k, v in want.items()}
        float(got["score"]), int(got["sentence"]), int(got["words"])  # numbers parse as numbers


def test_a_result_without_a_selection_is_refused(result):
    from dataclasses import replace

    with pytest.raises(ValueError, match="no selection"):
        sentence_rows(replace(result, selection=None))


def test_coverage_counts_the_stories_linked_as_the_same_fact(result):
    rows = sentence_rows(result)
    story = {a.id: result.corpus.story(a.id) for a in result.corpus.articles}
    for r, s, i in zip(rows, result.sentences, range(len(rows))):
        linked = {story[result.sentences[j].article] for j in result.links.sources_of(i)}
        assert r["coverage"] == len({story[s.article]} | linked)
    position = {(r["article"], r["sentence"]): r for r in rows}
    for item in result.summary:  # "reported by N stories" says the same as the table
        assert position[(item.sentence.article, item.sentence.index)]["coverage"] == item.coverage
