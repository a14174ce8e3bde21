"""Writing outputs: whole or not at all, and readable summaries that carry every sentence."""

from __future__ import annotations

import html
import json
import re

import pytest

from talkhis.errors import InputError
from talkhis.pipeline import Options, summarize_corpus, summarize_folder
from talkhis.report.html import arabic
from talkhis.report.write import report_html, section_title, summary_dict, summary_markdown, write_outputs

from .conftest import ARTICLES


@pytest.fixture(scope="module")
def result(corpus):
    return summarize_corpus(corpus, Options())


def entries(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------------------- where outputs go


def test_write_outputs_refuses_the_input_folder(tmp_path):
    for path in ARTICLES.glob("00[23]*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = summarize_folder(tmp_path, Options(embedder="tfidf"))
    with pytest.raises(InputError, match="is the input folder"):
        write_outputs(result, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# ---------------------------------------------------------------------------- contents


def test_summary_markdown_carries_every_sentence_translation_and_source(result):
    text = summary_markdown(result)
    data = summary_dict(result)
    assert len(data["summary"]) == 6
    for item in data["summary"]:
        assert f"<p dir=\"rtl\" lang=\"ar\">{item['text']}</p>" in text
        assert item["translation"] in text
        assert f"({item['article']}) §" in text or f"({item['article']}, copy of" in text
    assert text.count("*(reference)*") == 6
    assert "4 distinct stories" in text and "2021-07, 2024-01" in text
    assert "copy of 001_ca3e1f2505a79631" in text


def test_summary_dict_is_json_and_matches_the_result(result):
    data = json.loads(json.dumps(summary_dict(result), ensure_ascii=False))
    assert [i["text"] for i in data["summary"]] == [s.sentence.text for s in result.summary]
    assert [c["id"] for c in data["clusters"]] == [c.id for c in result.clusters]
    assert data["config"] == result.config()
    assert data["notes"] == result.notes
    assert [i["section"] for i in data["summary"]] == [section_title(s.period, ["2021-07", "2024-01"]) for s in result.summary]
    assert [i["periods"] for i in data["summary"]] == [s.periods for s in result.summary]
    assert [(p["period"], p["section"]) for p in data["periods"]] == [
        ("2021-07", "Background (2021-07)"), ("2024-01", "What changed (2024-01)")]
    assert sum(p["share"] for p in data["periods"]) == 6
    assert [a for p in data["periods"] for a in p["articles"]] == sorted(a.id for a in result.corpus.articles)


def test_section_titles():
    assert section_title("2021-07", ["2021-07", "2024-01"]) == "Background (2021-07)"
    assert section_title("2024-01", ["2021-07", "2024-01"]) == "What changed (2024-01)"
    assert section_title("2010-01 – 2010-03", ["2010-01 – 2010-03"]) == "Summary (2010-01 – 2010-03)"
    assert section_title("undated", ["2021-07", "undated"]) == "Undated"
    assert section_title("undated", ["undated"]) == "Summary (undated)"


def test_markdown_and_html_show_one_section_per_period_in_time_order(result):
    text = summary_markdown(result)
    page = report_html(result, {})
    for document, heading in ((text, "## {}"), (page, "<h2>{}</h2>")):
        background = document.index(heading.format("Background (2021-07)"))
        changed = document.index(heading.format("What changed (2024-01)"))
        assert background < changed
        for s in result.summary:
            where = document.index(html.escape(s.sentence.text) if document is page else s.sentence.text)
            assert (where < changed) is (s.period == "2021-07")
    assert text.count("## ") == page.count("<h2>") - 5 == 2  # the page adds four views and Articles read


def test_a_sentence_reported_in_several_periods_says_so(corpus):
    longer = summarize_corpus(corpus, Options(sentences=10))
    text = summary_markdown(longer)
    several = [s for s in longer.summary if len(s.periods) > 1]
    assert several
    for s in several:  # the 2,500 US troops in Iraq, reported in 2021 and again in 2024
        other = next(p for p in ("2021-07", "2024-01") if p != s.period)
        assert f", also in {other} · sources" in text
    assert text.count(", also in ") == len(several)


def test_outputs_include_the_sentences_table_and_are_byte_identical_across_runs(tmp_path, corpus):
    first = write_outputs(summarize_corpus(corpus, Options()), tmp_path / "one")
    second = write_outputs(summarize_corpus(corpus, Options()), tmp_path / "two")
    assert (first / "sentences.csv").read_text(encoding="utf-8").startswith("article,sentence,")
    for name in ("summary.json", "summary.md", "sentences.csv", "report.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_report_html_escapes_text_and_embeds_only_what_it_is_given(result):
    page = report_html(result, {"tiny": b"\x89PNG fake"})
    assert "<img alt='tiny: ' src='data:image/png;base64,iVBORyBmYWtl'>" in page
    assert page.count("<img") == 1 and "<figcaption" not in page.split("<img", 1)[1]  # its caption is in the image
    for s in result.summary:
        assert arabic(s.sentence.line) in page
    assert "direction:rtl" in page
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert page.count("* plotly.js v") == 1
