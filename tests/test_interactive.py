"""The interactive views and the right-to-left HTML helper, checked on their data (the browser
suite, tests/test_browser.py, checks that they render and answer a hover)."""

from __future__ import annotations

import html
import json
import subprocess
import sys

import pytest

from talkhis.pipeline import Options, summarize_folder
from talkhis.report import interactive
from talkhis.report.html import RTL_STYLE, Table, arabic, cell
from talkhis.report.labels import LABEL_CHARS, sentence_english
from talkhis.report.markdown import markdown_table

from .conftest import ARTICLES


@pytest.fixture(scope="module")
def result():
    return summarize_folder(ARTICLES, Options(cache=False))


def test_who_reports_what_fills_exactly_the_sources_of_each_fact(result):
    spec = interactive.who_reports_what(result)
    heat = spec["data"][0]
    articles = sorted(result.corpus.articles, key=lambda a: (a.date is None, a.date or "", a.outlet or "", a.id))
    assert len(heat["z"]) == len(result.summary) and all(len(row) == len(articles) for row in heat["z"])
    dates = [a.date or "9999" for a in articles]
    assert dates == sorted(dates)  # columns in date order
    for item, row, hover in zip(result.summary, heat["z"], heat["customdata"]):
        reporting = {s.article for s in [item.sentence, *item.sources]}
        assert [a.id for a, filled in zip(articles, row) if filled] == [a.id for a in articles if a.id in reporting]
        for a, filled, text in zip(articles, row, hover):
            assert ("silent on this fact" in text) == (not filled)
            assert (a.outlet or "unknown outlet") in text
    assert all(len(label.split(". ", 1)[1]) <= LABEL_CHARS for label in heat["y"])


def test_timeline_places_each_fact_at_the_dates_of_its_reports(result):
    spec = interactive.timeline(result)
    facts = spec["data"][1:]
    assert len(facts) == len(result.summary)
    for item, trace in zip(result.summary, facts):
        dates = {result.corpus.article(s.article).date for s in [item.sentence, *item.sources]} - {None}
        assert set(trace["x"]) == dates
        assert all("§" in h for h in trace["customdata"])
    assert spec["layout"]["xaxis"]["type"] == "date"


def test_hover_gives_arabic_english_and_source(result):
    spec = interactive.sentence_map(result)
    english = sentence_english(result)
    first = result.clusters[0]
    members = [i for i in range(len(result.sentences)) if int(result.labels[i]) == first.id]
    hovers = spec["data"][0]["customdata"]
    assert len(hovers) == len(members)
    for i, text in zip(members, hovers):
        s = result.sentences[i]
        outlet = result.corpus.article(s.article).outlet
        assert f"§{s.index}" in text and outlet in text and html.escape(s.text.split()[0]) in text
        assert (english[i] is None) == ("no English at hand" in text)
    points = sum(len(trace["customdata"]) for trace in spec["data"])
    assert points == len(result.sentences) + len(result.summary)  # every sentence, then the summary's stars


def test_coverage_heatmap_counts_are_integers_with_integer_ticks(result):
    heat = interactive.coverage_heatmap(result)["data"][0]
    assert all(isinstance(v, int) for row in heat["z"] for v in row)
    assert float(heat["colorbar"]["dtick"]).is_integer()


def test_views_html_holds_one_script_per_view_and_no_plotly_import(result):
    code = ("import sys; from talkhis.pipeline import Options, summarize_folder; from talkhis.report.write import "
            f"report_html; page = report_html(summarize_folder({str(ARTICLES)!r}, Options(cache=False))); "
            "print('plotly' in sys.modules, 'matplotlib' in sys.modules, page.count('Plotly.newPlot('))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", str(len(interactive.VIEWS))]


def test_notebook_view_is_plotly_json(result):
    bundle = interactive.view("who_reports_what", result)._repr_mimebundle_()
    payload = bundle["application/vnd.plotly.v1+json"]
    assert payload["data"][0]["type"] == "heatmap"
    json.dumps(payload)  # plain JSON, no numpy values


def test_arabic_elements_read_right_to_left():
    element = arabic('قال "نعم".')
    assert element.startswith('<td class="ar" dir="rtl" lang="ar"') and RTL_STYLE in element
    assert "&quot;" in element  # escaped
    assert 'dir="rtl"' in cell("هذا نص عربي") and 'dir="ltr"' in cell("an English line")
    table = Table(["#", "Arabic"], [[1, "هذا نص عربي."]]).to_html()
    assert table.count('dir="rtl"') == 1
    with pytest.raises(ValueError):
        Table(["a"], [[1, 2]])


def test_markdown_tables_show_as_right_to_left_html_in_notebooks():
    table = markdown_table(["segment", "text"], [["`a` §1", "هذا نص عربي."]])
    assert str(table).startswith("| segment | text |")
    page = table._repr_html_()
    assert "<code>a</code> §1" in page and 'dir="rtl" lang="ar"' in page
    assert table._repr_markdown_() == str(table)
