"""The coverage charts: figures returned, given axes used, nothing shown, Arabic drawn joined
and right to left."""

from __future__ import annotations

import itertools
import unicodedata

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from talkhis.pipeline import Options, summarize_corpus  # noqa: E402
from talkhis.report import chartdata, plots  # noqa: E402
from talkhis.report.labels import LABEL_CHARS, short_label  # noqa: E402
from talkhis.report.plots import (  # noqa: E402
    ALL_PLOTS,
    plot_article_similarity,
    plot_cluster_coverage,
    plot_coverage_heatmap,
    plot_sentence_map,
)

PLOTS = [plot_coverage_heatmap, plot_cluster_coverage, plot_sentence_map, plot_article_similarity]


def presentation_forms(text: str) -> bool:
    """True when ``text`` holds Arabic letters in their joined display forms (U+FE70–U+FEFF)."""
    return any("\ufe70" <= ch <= "\ufeff" for ch in text)


@pytest.fixture(scope="module")
def result(corpus):
    return summarize_corpus(corpus, Options())


@pytest.fixture(autouse=True)
def no_show(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a plot called show()")

    monkeypatch.setattr(plt, "show", refuse)
    monkeypatch.setattr(Figure, "show", refuse)
    yield
    plt.close("all")


def test_every_plot_is_registered():
    assert list(ALL_PLOTS.values()) == PLOTS


@pytest.mark.parametrize("plot", PLOTS, ids=lambda p: p.__name__)
def test_a_plot_returns_its_own_figure(result, plot):
    before = plt.get_fignums()
    fig = plot(result)
    assert isinstance(fig, Figure)
    assert fig.axes and fig.axes[0].has_data()
    assert plt.get_fignums() == before  # not registered with pyplot, so nothing can pop up


@pytest.mark.parametrize("plot", PLOTS, ids=lambda p: p.__name__)
def test_a_plot_draws_on_the_axes_it_is_given(result, plot):
    fig, (left, right) = plt.subplots(1, 2)
    returned = plot(result, ax=right)
    assert returned is fig
    assert right.has_data() and not left.has_data()
    assert right.get_title()


def _tick_labels(fig: Figure) -> list[str]:
    ax = fig.axes[0]
    return [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]


def _squeeze(chars) -> list[str]:
    """Characters with consecutive repeats collapsed (a letter may be drawn as base plus dots)."""
    return [c for c, _ in itertools.groupby(chars)]


def assert_drawn_joined_right_to_left(text: str) -> None:
    """As matplotlib lays ``text`` out in Noto Sans Arabic: letters right to left, and in their
    joined (initial, medial, final) forms rather than their isolated ones."""
    from matplotlib import font_manager
    from matplotlib._text_helpers import layout
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=plots._font_name()), fallback_to_default=False)
    font = FT2Font(path)
    items = list(layout(text, font))
    # A letter carrying a vowel mark ('يً') is laid out as one cluster: compare base letters.
    drawn = _squeeze(item.char[0] for item in items if item.char.strip())
    assert drawn == _squeeze(c for c in reversed(text) if c.strip() and not unicodedata.combining(c))
    glyphs: dict[str, set[int]] = {}
    for item in items:
        glyphs.setdefault(item.char[0], set()).add(item.glyph_index)
    letters = {c for c in text if c.strip() and not unicodedata.combining(c)}
    alone = {c: {item.glyph_index for item in layout(c, font)} for c in letters}
    assert sum(glyphs[c] != alone[c] for c in letters) >= len(letters) // 2


def assert_shaped(label: str, raw: str) -> None:
    """Arabic reaches the screen joined and right to left: shaped by talkhis (presentation forms,
    reordered) for matplotlib before 3.11, left as written for the layout engine of later ones."""
    if plots._native_layout():
        assert label == raw  # shaping it as well would reverse it a second time
        assert_drawn_joined_right_to_left(label)
    else:
        assert label != raw and presentation_forms(label)


def test_arabic_cluster_labels_are_shaped(result):
    raw = {c.id: short_label(c.label, None, c.terms) for c in chartdata.clusters_shown(result, 12)}
    heatmap = _tick_labels(plot_coverage_heatmap(result))[: len(raw)]
    assert [label.split(": ", 1)[0] for label in heatmap] == [str(i) for i in raw]
    for label, text in zip(heatmap, raw.values()):
        assert_shaped(label.split(": ", 1)[1], text)
    bars = [t.get_text() for t in plot_cluster_coverage(result).axes[0].get_yticklabels()]
    assert len(bars) == len(raw)
    for label in bars:
        cluster_id, shaped = label.split(": ", 1)
        assert_shaped(shaped, raw[int(cluster_id)])
    ax = plot_sentence_map(result).axes[0]
    assert [t.get_text() for t in ax.texts] == [str(c.id) for c in result.clusters[:8]]
    legend = [t.get_text() for t in ax.get_legend().get_texts()][:8]
    for label, c in zip(legend, result.clusters[:8]):
        assert_shaped(label.split(": ", 1)[1], short_label(c.label, None, c.terms))


def test_labels_are_short_phrases_of_whole_words(result):
    for c in result.clusters:
        label = short_label(c.label, None, c.terms)
        assert 0 < len(label) <= LABEL_CHARS
        assert all(word in c.terms or word in c.label.split() for word in label.split())
    english = "The US Defense Department official stressed that \"there will be no combat troops\" in Iraq"
    label = short_label("", english)
    assert label == "US Defense Department official"
    assert 2 <= len(label.split()) <= 5 and len(label) <= LABEL_CHARS and "stressed" not in label


def test_sentence_map_labels_and_legends_do_not_overlap(result):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = plot_sentence_map(result)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1:])
    legends = [ax.get_legend().get_window_extent(renderer), *(a.get_window_extent(renderer) for a in ax.artists
                                                              if hasattr(a, "get_texts"))]
    frame = ax.get_window_extent(renderer)
    assert all(legend.x0 >= frame.x1 for legend in legends)  # both legends beside the plot, not over it


def test_count_colour_bars_have_integer_ticks(result):
    fig = plot_coverage_heatmap(result)
    fig.draw_without_rendering()
    ticks = fig.axes[1].get_yticks()
    assert len(ticks) and all(float(t).is_integer() for t in ticks)


def test_article_labels_name_outlets_dates_and_copies(result):
    labels = _tick_labels(plot_article_similarity(result))
    assert "Asharq · 2021-07 · copy of Asharq" in labels
    assert "Fox News · 2024-01" in labels


def test_every_summary_cluster_is_on_the_coverage_charts(result):
    in_summary = {str(s.cluster) for s in result.summary}
    bars = {t.get_text().split(": ", 1)[0] for t in plot_cluster_coverage(result).axes[0].get_yticklabels()}
    columns = {t.get_text().split(": ", 1)[0] for t in plot_coverage_heatmap(result).axes[0].get_xticklabels()}
    assert in_summary <= bars and in_summary <= columns
    assert len(result.clusters) > 12 and len(bars) > 12  # the summary reaches beyond the widest 12


@pytest.mark.parametrize("name", list(ALL_PLOTS))
def test_every_chart_has_a_title_a_caption_and_a_legend(result, name):
    fig = ALL_PLOTS[name](result)
    ax = fig.axes[0]
    assert ax.get_title().startswith(plots.TITLES[name])
    caption = fig._supxlabel.get_text()
    assert " ".join(caption.split()) == plots.CAPTIONS[name]
    assert ax.get_legend() is not None or len(fig.axes) > 1  # a legend, or a colour bar beside


def test_english_glosses_replace_the_arabic_where_there_is_english(result):
    first = result.clusters[0]
    labels = _tick_labels(plot_cluster_coverage(result, english={first.id: "the soldiers stay now"}))
    assert f"{first.id}: soldiers stay now" in labels


def copy_corpus_result(result, n_copies: int, outlet: str | None = None):
    """``result`` with each article repeated ``n_copies`` times under new ids (same sentences,
    same vectors), optionally with every outlet unknown."""
    import copy as copying
    import dataclasses

    from talkhis.corpus import Corpus

    articles, sentences, index = [], [], []
    for k in range(n_copies):
        for a in result.corpus.articles:
            twin = copying.copy(a)
            twin.id = f"{a.id}-{k:03d}"
            twin.outlet = outlet if outlet is not None else a.outlet
            twin.duplicate_of = None
            articles.append(twin)
    by_article = {}
    for i, s in enumerate(result.sentences):
        by_article.setdefault(s.article, []).append(i)
    for twin in articles:
        for i in by_article.get(twin.id.rsplit("-", 1)[0], []):
            sentences.append(dataclasses.replace(result.sentences[i], article=twin.id))
            index.append(i)
    big = copying.copy(result)
    big.corpus = Corpus(articles)
    big.sentences = sentences
    big.vectors = result.vectors[index]
    big.labels = result.labels[index]
    big.periods = {a.id: result.periods[a.id.rsplit("-", 1)[0]] for a in articles}
    offset = {}
    for new, old in enumerate(index):
        offset.setdefault(old, []).append(new)
    big.clusters = [dataclasses.replace(c, members=sorted(m for old in c.members for m in offset[old])) for c in result.clusters]
    return big


def test_rows_are_unique_when_outlets_are_unknown(result):
    twins = copy_corpus_result(result, 2, outlet="")
    labels = [t.get_text() for t in plot_article_similarity(twins).axes[0].get_yticklabels()]
    assert len(labels) == len(set(labels)) == 2 * len(result.corpus.articles)
    assert all(label.startswith("unknown outlet") for label in labels)


def test_many_articles_are_drawn_as_outlets_and_periods_in_bounded_time(result):
    import time

    many = copy_corpus_result(result, 40)  # 200 articles, 3,400 sentences
    for name, plot in ALL_PLOTS.items():
        start = time.perf_counter()
        fig = plot(many)
        fig.savefig(__import__("io").BytesIO(), format="png", dpi=60)
        assert time.perf_counter() - start < 10, name
    rows = [t.get_text() for t in plot_coverage_heatmap(many).axes[0].get_yticklabels()]
    outlets = {(a.outlet or "unknown outlet") for a in result.corpus.articles}
    assert len(rows) <= chartdata.MAX_ROWS and {r.split(" · ")[0] for r in rows} == outlets
    assert "grouped by outlet and period" in plot_coverage_heatmap(many).axes[0].get_title()
    assert not plot_coverage_heatmap(many).axes[0].texts or len(rows) <= 15


def test_shape_leaves_latin_alone_and_prepares_arabic():
    assert plots.shape("Fox News 2024") == "Fox News 2024"
    assert_shaped(plots.shape("القوات الأميركية"), "القوات الأميركية")
