"""The explorer: re-running on stored vectors agrees with the pipeline, and the widget, driven
by setting its controls from code, shows what those settings give."""

from __future__ import annotations

import re
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest

from talkhis import embed
from talkhis.align import find_links
from talkhis.align.links import THRESHOLD as LINK_THRESHOLD
from talkhis.embed import registry
from talkhis.errors import InputError
from talkhis.explore import (
    ALL_PERIODS,
    articles_html,
    cluster_choices,
    embedder_choices,
    highlighted,
    period_choices,
    rerun,
    summary_rows,
)
from talkhis.pipeline import Options, Result, summarize_corpus
from talkhis.report.write import sources_text, summary_dict
from talkhis.select import Budget

COPY, ORIGINAL, FOX = "000_f9289ace09eb3e20", "001_ca3e1f2505a79631", "004_9faea2139f5b08b6"
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def base(corpus) -> Result:
    return summarize_corpus(corpus, Options(embedder="tfidf", cache=False))


@pytest.fixture
def explorer(base):
    pytest.importorskip("ipywidgets")
    from talkhis.explore import Explorer

    return Explorer(base, embedders=["tfidf"])


def wide_cluster(result: Result):
    """The first cluster the picker offers that spans at least two articles."""
    return next(c for c in result.clusters if len(c.articles) >= 2 and c.id in dict(map(reversed, cluster_choices(result))))


# ---------------------------------------------------------------- rerun


@pytest.mark.parametrize(("threshold", "links", "budget"), [
    (0.35, 0.6, 4), (0.7, 0.9, Budget(sentences=None, words=80)), (0.5, LINK_THRESHOLD, 6)])
def test_rerun_writes_what_the_pipeline_writes(corpus, base, threshold, links, budget):
    b = budget if isinstance(budget, Budget) else Budget(sentences=budget)
    direct = summarize_corpus(corpus, Options(embedder="tfidf", cache=False, threshold=threshold,
                                              link_threshold=links, sentences=b.sentences, words=b.words))
    again = rerun(base, threshold=threshold, link_threshold=links, budget=budget)
    assert summary_dict(again) == summary_dict(direct)
    assert again.links.pairs == direct.links.pairs
    assert again.vectors is base.vectors  # nothing embedded again


def test_rerun_on_one_period_summarises_only_its_articles_and_leaves_the_run_alone(base):
    before = [(a.id, a.duplicate_of) for a in base.corpus.articles]
    late = rerun(base, period="2024-01")
    assert [a.id for a in late.corpus.articles] == [FOX]
    assert late.summary and {s.sentence.article for s in late.summary} == {FOX}
    assert len(late.vectors) == len(late.sentences) == sum(s.article == FOX for s in base.sentences)
    early = rerun(base, period="2021-07")
    assert FOX not in {a.id for a in early.corpus.articles}
    assert early.corpus.story(COPY) == ORIGINAL and early.n_stories == 3
    assert [(a.id, a.duplicate_of) for a in base.corpus.articles] == before
    assert rerun(base, period=ALL_PERIODS).corpus is base.corpus


def test_rerun_refuses_a_threshold_or_period_that_cannot_be(base):
    with pytest.raises(InputError, match="not a cosine distance"):
        rerun(base, threshold=0)
    with pytest.raises(InputError, match="no article in period '1999-01'.*2021-07, 2024-01"):
        rerun(base, period="1999-01")


# ---------------------------------------------------------------- choices and views


def test_embedder_choices_offer_what_is_registered_and_needs_no_model(monkeypatch):
    assert embedder_choices() == ["e5-small", "tfidf", "use"]
    assert embedder_choices(["sentence-transformers:/m"])[-1] == "sentence-transformers:/m"
    monkeypatch.setitem(registry._BACKENDS, "another", embed.CharTfidfEmbedder)
    assert "another" in embedder_choices()


def test_period_choices_count_articles(base):
    assert period_choices(base) == [("all periods (5 articles)", "all"), ("2021-07 (4 articles)", "2021-07"),
                                    ("2024-01 (1 article)", "2024-01")]


def test_cluster_choices_name_every_summary_cluster_and_no_other_singleton(base):
    offered = {cid for _, cid in cluster_choices(base)}
    quoted = {s.cluster for s in base.summary}
    assert quoted <= offered
    assert all(c.size > 1 for c in base.clusters if c.id in offered - quoted)
    label = next(label for label, cid in cluster_choices(base) if cid == base.summary[0].cluster)
    assert label.startswith("summary #1 · ")


def test_highlighted_and_articles_html_mark_exactly_the_cluster(base):
    c = wide_cluster(base)
    marks = highlighted(base, c.id)
    members = sorted((base.sentences[i].article, base.sentences[i].index) for i in c.members)
    assert sorted((a, i) for a, idx in marks.items() for i in idx) == members
    page = articles_html(base, c.id)
    refs = re.findall(r'<mark data-ref="([^"]+)"', page)
    assert sorted(refs) == sorted(f"{a} §{i}" for a, i in members)
    assert page.count('<div class="ar" dir="rtl" lang="ar"') == len(c.articles)
    assert highlighted(base, None) == {} and "Choose a cluster" in articles_html(base, None)


def test_rerun_cites_the_same_fact_links_at_the_link_threshold(base):
    for at in (0.2, LINK_THRESHOLD, 1.4):
        run = rerun(base, link_threshold=at)
        assert [id(s.sentence) for s in run.summary] == [id(s.sentence) for s in base.summary]
        links = find_links(run.sentences, run.vectors, run.corpus, threshold=at)
        for item in run.summary:
            i = run.sentences.index(item.sentence)
            cited = {id(x) for x in item.sources if x is not item.sentence}
            assert cited == {id(run.sentences[k]) for k in links.sources_of(i)}
    loose, strict = rerun(base, link_threshold=0.2), rerun(base, link_threshold=1.4)
    assert sum(len(s.sources) for s in loose.summary) > sum(len(s.sources) for s in strict.summary)


def test_summary_rows_split_what_is_cited_from_the_rest_of_the_cluster(base):
    for row, item in zip(summary_rows(base), base.summary):
        cluster = next(c for c in base.clusters if c.id == item.cluster)
        rest = [base.sentences[i] for i in cluster.members if base.sentences[i] not in item.sources]
        assert row.sources == sources_text(base, ((x.article, x.index) for x in item.sources))
        assert row.topic == (sources_text(base, sorted((x.article, x.index) for x in rest)) or "none")


def test_summary_rows_carry_english_or_say_why_not(corpus):
    untranslated = summarize_corpus(corpus, Options(embedder="tfidf", cache=False, translator="none"))
    rows = summary_rows(untranslated)
    assert rows and all(r.english is None and r.translation.startswith("untranslated") for r in rows)


# ---------------------------------------------------------------- the widget


def test_explorer_module_imports_without_ipywidgets():
    code = ("import sys; sys.modules['ipywidgets'] = None\n"
            "import talkhis.explore as e\nfrom talkhis.errors import MissingDependency\n"
            "try:\n    e.Explorer(None)\nexcept MissingDependency as exc:\n    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(SRC)},
                         check=True)
    assert "pip install 'talkhis[notebooks]'" in out.stdout


def test_explorer_starts_with_the_run_it_was_given(explorer, base):
    assert [(r.article, r.index) for r in explorer.rows] == [(s.sentence.article, s.sentence.index) for s in base.summary]
    assert explorer.summary_view.value.count('<tr class="tk-row"') == len(base.summary)
    for row, t in zip(explorer.rows, base.translations):
        assert row.english == t.text and t.text is not None
        assert escape(row.english) in explorer.summary_view.value
        assert escape(row.arabic) in explorer.summary_view.value
    assert "threshold 0.50" in explorer.status.value and "summary of 6" in explorer.status.value


def test_budget_controls_change_the_summary_in_place(explorer, base):
    view = explorer.summary_view
    explorer.sentences.value = 3
    assert len(explorer.rows) == 3 and view.value.count('<tr class="tk-row"') == 3
    assert explorer.summary_view is view  # the same widget, redrawn
    explorer.unit.value = "words"
    explorer.words.value = 60
    assert explorer.words.layout.display is None and explorer.sentences.layout.display == "none"
    words = [len(r.arabic.split()) for r in explorer.rows]
    assert explorer.rows and (sum(words) <= 60 or len(words) == 1)
    assert [(r.article, r.index) for r in explorer.rows] == [
        (r.article, r.index) for r in summary_rows(rerun(base, budget=Budget(sentences=None, words=60)))]


def test_threshold_reclusters_without_embedding_again(explorer, base, monkeypatch):
    calls = []
    original = embed.CharTfidfEmbedder.encode
    monkeypatch.setattr(embed.CharTfidfEmbedder, "encode", lambda self, s: calls.append(len(s)) or original(self, s))
    explorer.threshold.value = 0.8
    assert calls == []
    assert len(explorer.result.clusters) < len(base.clusters)
    assert explorer.result.vectors is base.vectors
    assert summary_dict(explorer.result) == summary_dict(rerun(base, threshold=0.8))
    assert "threshold 0.80" in explorer.status.value


def test_link_threshold_changes_what_the_summary_cites(explorer, base):
    rows = explorer.rows
    explorer.link_threshold.value = 0.05
    assert [(r.article, r.index) for r in explorer.rows] == [(r.article, r.index) for r in rows]
    assert summary_dict(explorer.result) == summary_dict(rerun(base, link_threshold=0.05))
    assert sum(len(s.sources) for s in explorer.result.summary) > sum(len(s.sources) for s in base.summary)
    assert explorer.summary_view.value.count("cites: ") == len(rows)
    assert "links ≥ 0.05" in explorer.status.value


def test_choosing_a_cluster_highlights_its_sentences(explorer):
    c = wide_cluster(explorer.result)
    explorer.cluster.value = c.id
    assert explorer.marks == highlighted(explorer.result, c.id)
    assert sum(map(len, explorer.marks.values())) == c.size
    assert explorer.articles_view.value.count("<mark ") == c.size
    quoted = [s for s in explorer.result.summary if s.cluster == c.id]
    assert explorer.articles_view.value.count('class="quoted"') == len(quoted)


def test_a_rerun_keeps_showing_the_cluster_of_the_same_sentence(explorer):
    c = wide_cluster(explorer.result)
    explorer.cluster.value = c.id
    label = explorer.result.sentences[c.label_member]
    explorer.threshold.value = 0.3
    shown = next(k for k in explorer.result.clusters if k.id == explorer.cluster.value)
    assert (label.article, label.index) in {(explorer.result.sentences[i].article, explorer.result.sentences[i].index)
                                            for i in shown.members}


def test_period_picker_summarises_one_period(explorer):
    explorer.period.value = "2024-01"
    assert explorer.rows and {r.article for r in explorer.rows} == {FOX}
    assert set(explorer.marks) <= {FOX}
    assert all(r.n_stories == 1 for r in explorer.rows)
    explorer.period.value = ALL_PERIODS
    assert {r.article for r in explorer.rows} != {FOX}


def test_a_second_embedder_is_embedded_once_and_kept(corpus, monkeypatch):
    pytest.importorskip("ipywidgets")
    from talkhis.explore import Explorer, widget

    runs = []
    real = widget.summarize_corpus
    monkeypatch.setattr(widget, "summarize_corpus", lambda c, o: runs.append(o.embedder) or real(c, o))
    ex = Explorer(real(corpus, Options(embedder="tfidf", cache=False)), embedders=["tfidf", "use"])
    ex.embedder.value = "use"
    assert runs == ["use"] and ex.result.embedder == "use" and ex.result.vectors.shape[1] == 512
    ex.embedder.value = "tfidf"
    ex.threshold.value = 0.6
    ex.embedder.value = "use"
    assert runs == ["use"]
    assert "embedder use · threshold 0.60" in ex.status.value


def test_an_embedder_that_cannot_load_is_reported_and_the_view_kept(base):
    pytest.importorskip("ipywidgets")
    from talkhis.explore import Explorer

    missing = "sentence-transformers:/no/such/model"
    ex = Explorer(base, embedders=["tfidf", missing])
    shown = ex.summary_view.value
    ex.embedder.value = missing
    assert ex.embedder.value == "tfidf"
    assert "no such model folder" in ex.message and "⚠" in ex.status.value
    assert ex.summary_view.value == shown


def test_the_notebook_text_of_an_explorer_is_one_stable_line(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == "talkhis explorer: " + explorer.describe()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_sliders_have_short_labels_and_a_track_at_notebook_width(explorer):
    from talkhis.explore.widget import DESCRIPTION_WIDTH

    for slider in (explorer.threshold, explorer.link_threshold, explorer.sentences, explorer.words):
        assert slider.style.description_width == DESCRIPTION_WIDTH != "initial"
        assert slider.layout.width == "100%"  # the track takes what the label and readout leave
        assert len(slider.description) <= 10 and slider.tooltip  # the long explanation is the tooltip
        # at the narrowest notebook (about 40em), the fixed label leaves most of the row to the track
        assert float(DESCRIPTION_WIDTH.removesuffix("em")) <= 8
    assert explorer.sentences.layout is not explorer.words.layout


def test_saved_explorer_shows_a_snapshot_and_says_to_run_the_cell(explorer):
    bundle = explorer._repr_mimebundle_()
    page = bundle["text/html"]
    assert "Run this cell" in page and explorer.describe() in page.replace("&gt;", ">")
    assert page.count('<td class="ar" dir="rtl" lang="ar"') == len(explorer.result.summary)
    assert "application/vnd.jupyter.widget-view+json" in bundle
