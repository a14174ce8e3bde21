"""Writing outputs: whole or not at all, and readable summaries that carry every sentence."""

from __future__ import annotations

import html
import json

import pytest

from talkhis.errors import InputError
from talkhis.pipeline import Options, summarize_corpus, summarize_folder
from talkhis.report import report_html, summary_dict, summary_markdown, write_outputs

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
    assert data["notes"] == []


def test_report_html_escapes_text_and_embeds_only_what_it_is_given(result):
    page = report_html(result, {"tiny": b"\x89PNG fake"})
    assert "<img alt='tiny' src='data:image/png;base64,iVBORyBmYWtl'>" in page
    assert page.count("<img") == 1
    for s in result.summary:
        assert f"<td class='ar' lang='ar'>{html.escape(s.sentence.text)}</td>" in page
    assert "direction:rtl" in page
    assert "<script" not in page
