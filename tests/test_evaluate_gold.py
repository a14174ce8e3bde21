"""Gold standard: loading with one-line errors, and every metric on a three-article fixture whose
counts are worked out by hand in the comments."""

from __future__ import annotations

import pytest

from talkhis.corpus import Corpus, Sentence, make_article
from talkhis.errors import InputError
from talkhis.evaluate import (
    boundary_f1,
    citation_precision,
    fact_coverage,
    facts_of,
    leave_one_article_out,
    link_scores,
    load_gold,
    matching_units,
    pairs_from_labels,
)
from talkhis.select import Selected

from .conftest import ARTICLES as SEED_ARTICLES

# Each article: (kind, facts, text) units, one a line. "c" copies "a" and adds nothing.
ARTICLES = {
    "a": [
        ("title", "", "زلزال قوي يضرب المدينة"),
        ("sentence", "F1", "ضرب زلزال بقوة ست درجات المدينة صباح الاثنين."),
        ("sentence", "F2", "وقتل عشرة أشخاص في الزلزال."),
        ("boilerplate", "", "شارك الخبر على فيسبوك"),
    ],
    "b": [
        ("sentence", "F2", "قال مسؤولون إن عشرة أشخاص قتلوا في الزلزال."),
        ("sentence", "F3", "وأعلنت الحكومة الحداد ثلاثة أيام على الضحايا."),
        ("sentence", "", "الطقس مشمس اليوم في العاصمة."),
    ],
    "c": [
        ("sentence", "F1", "ضرب زلزال بقوة ست درجات المدينة صباح الاثنين."),
        ("sentence", "F2", "وقتل عشرة أشخاص في الزلزال."),
    ],
}
FACTS = [("F1", "event", "yes", "a magnitude-6 quake hit the city on Monday"),
         ("F2", "toll", "yes", "ten people were killed"),
         ("F3", "reaction", "no", "three days of mourning")]
# Every pair of units of different articles sharing a fact (n counts from 0 in each article).
LINKS = [("a", 1, "c", 0, "F1", "same"), ("a", 2, "b", 0, "F2", "same"), ("a", 2, "c", 1, "F2", "same"),
         ("b", 0, "c", 1, "F2", "unchecked")]


def texts() -> dict[str, str]:
    return {a: "\n".join(t for _, _, t in units) + "\n" for a, units in ARTICLES.items()}


def unit_rows() -> list[list[str]]:
    rows = []
    for article, units in ARTICLES.items():
        at = 0
        for n, (kind, facts, text) in enumerate(units):
            rows.append([article, str(n), str(at), str(at + len(text)), kind, facts, text])
            at += len(text) + 1
    return rows


def write_tsv(path, header, rows):
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")


def build(tmp_path, units=None, facts=None, links=None):
    """A data folder with articles/ and gold/; returns the gold folder."""
    (tmp_path / "articles").mkdir(exist_ok=True)
    for article, text in texts().items():
        (tmp_path / "articles" / f"{article}.txt").write_text(text, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir(exist_ok=True)
    write_tsv(gold / "units.tsv", ["article", "n", "start", "end", "kind", "facts", "text"],
              unit_rows() if units is None else units)
    write_tsv(gold / "facts.tsv", ["id", "type", "key", "description"], [list(f) for f in (facts or FACTS)])
    write_tsv(gold / "links.tsv", ["a_article", "a_n", "b_article", "b_n", "facts", "verdict", "note"],
              [[a, str(i), b, str(j), f, v, ""] for a, i, b, j, f, v in (LINKS if links is None else links)])
    return gold


@pytest.fixture
def gold(tmp_path):
    return load_gold(build(tmp_path))


def span(article: str, n: int) -> tuple[str, int, int]:
    row = next(r for r in unit_rows() if r[0] == article and r[1] == str(n))
    return (article, int(row[2]), int(row[3]))


def sentence(article: str, n: int, *, index: int | None = None) -> Sentence:
    a, start, end = span(article, n)
    return Sentence(a, n if index is None else index, start, end, texts()[a][start:end])


COPIES = {"c": "a"}


# ---------------------------------------------------------------------------- loading


def test_load_gold_reads_units_facts_and_links(gold):
    assert gold.articles == ["a", "b", "c"]
    assert [u.kind for u in gold.units_of("a")] == ["title", "sentence", "sentence", "boilerplate"]
    assert gold.unit("b", 1).facts == {"F3"}
    assert gold.key_facts == {"F1", "F2"}
    assert gold.linked_pairs() == {(("a", 1), ("c", 0)), (("a", 2), ("b", 0)), (("a", 2), ("c", 1)),
                                   (("b", 0), ("c", 1))}
    assert [link.verdict for link in gold.links] == ["same", "same", "same", "unchecked"]


def _edit(rows, i, column, value):
    rows = [list(r) for r in rows]
    rows[i][column] = value
    return rows


@pytest.mark.parametrize(
    ("change", "file", "line", "message"),
    [
        (dict(units=_edit(unit_rows(), 1, 5, "F9")), "units.tsv", 3, "unknown fact 'F9'"),
        (dict(units=_edit(unit_rows(), 0, 4, "caption")), "units.tsv", 2, "kind must be one of"),
        (dict(units=_edit(unit_rows(), 2, 3, "10")), "units.tsv", 4, "must be after start"),
        (dict(units=_edit(unit_rows(), 2, 2, "30")), "units.tsv", 4, "must not overlap"),
        (dict(units=_edit(unit_rows(), 1, 6, "نص آخر")), "units.tsv", 3, "text differs from a.txt"),
        (dict(units=_edit(unit_rows(), 1, 1, "zero")), "units.tsv", 3, "whole number"),
        (dict(units=_edit(unit_rows(), 1, 1, "0")), "units.tsv", 3, "a#0 appears twice"),
        (dict(units=[r[:6] for r in unit_rows()]), "units.tsv", 2, "6 fields, expected 7"),
        (dict(facts=[*FACTS[:2], ("F3", "reaction", "maybe", "")]), "facts.tsv", 4, "key must be yes or no"),
        (dict(links=[("a", 1, "c", 0, "F2", "same"), *LINKS[1:]]), "links.tsv", 2, "not the facts the two units share"),
        (dict(links=[("a", 1, "c", 7, "F1", "same"), *LINKS[1:]]), "links.tsv", 2, "no unit c#7"),
        (dict(links=[*LINKS[:3], ("b", 0, "c", 1, "F2", "perhaps")]), "links.tsv", 5, "verdict must be one of"),
        (dict(links=[*LINKS, LINKS[0]]), "links.tsv", 6, "appears twice"),
    ],
)
def test_a_bad_row_is_a_one_line_error_naming_file_and_line(tmp_path, change, file, line, message):
    folder = build(tmp_path, **change)
    with pytest.raises(InputError, match=message) as info:
        load_gold(folder)
    assert f"{folder / file}:{line}:" in str(info.value)
    assert "\n" not in str(info.value)


def test_links_must_list_every_pair_that_shares_a_fact(tmp_path):
    with pytest.raises(InputError, match="1 unit pairs share a fact but are not listed, the first b#0 – c#1"):
        load_gold(build(tmp_path, links=LINKS[:3]))


def test_missing_files_and_headers(tmp_path):
    with pytest.raises(InputError, match="no such gold folder"):
        load_gold(tmp_path / "nowhere")
    folder = build(tmp_path)
    (folder / "facts.tsv").write_text("id\tkey\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"facts.tsv:1: the header lacks type, description"):
        load_gold(folder)
    (folder / "facts.tsv").unlink()
    with pytest.raises(InputError, match="facts.tsv: no such file"):
        load_gold(folder)


def test_offsets_are_checked_only_when_texts_are_there(tmp_path):
    folder = build(tmp_path, units=_edit(unit_rows(), 1, 6, "نص آخر"))
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(InputError, match="no article a.txt"):
        load_gold(folder, articles=tmp_path / "elsewhere")
    for p in (tmp_path / "articles").iterdir():
        p.unlink()
    (tmp_path / "articles").rmdir()
    assert load_gold(folder).unit("a", 1).text == "نص آخر"


def test_the_shipped_gold_loads_against_the_seed_articles():
    folder = SEED_ARTICLES.parent / "gold"
    if not folder.is_dir():
        pytest.skip("no gold standard in data/gold")
    gold = load_gold(folder)  # checks every unit's text against data/articles
    assert set(gold.articles) <= {p.stem for p in SEED_ARTICLES.glob("*.txt")}
    assert gold.key_facts and gold.linked_pairs()


# ---------------------------------------------------------------------------- matching


def test_a_segment_takes_the_facts_of_the_units_it_mostly_covers(gold):
    _, s1, e1 = span("a", 1)
    _, _, e2 = span("a", 2)
    assert facts_of(("a", s1, e1), gold) == {"F1"}
    assert facts_of(sentence("a", 1), gold) == {"F1"}  # a Sentence works the same way
    # two sentences joined into one segment: both units are inside it
    assert [u.n for u in matching_units(("a", s1, e2), gold)] == [1, 2]
    assert facts_of(("a", s1, e2), gold) == {"F1", "F2"}
    # a segment that takes only the last 3 characters of unit 1 and all of unit 2: unit 1 is not
    # more than half-covered (3 of its characters, shorter span unit 1), unit 2 is
    assert [u.n for u in matching_units(("a", e1 - 3, e2), gold)] == [2]
    # a 10-character span across the end of unit 1: 5 characters in unit 1 (exactly half of the
    # shorter span, which is not more than half) and 4 in unit 2 (after the line break)
    assert matching_units(("a", e1 - 5, e1 + 5), gold) == []
    # a short piece inside a unit is mostly inside it, so it takes the unit's facts
    assert facts_of(("b", 0, 3), gold) == {"F2"}
    assert facts_of(("zzz", 0, 10), gold) == frozenset()


# ---------------------------------------------------------------------------- boundaries


def test_boundary_f1_on_ends_of_content_units(gold):
    perfect = [span("a", n) for n in range(4)]
    assert boundary_f1(perfect, gold).f1 == 1.0  # the boilerplate span is not counted
    _, s1, _ = span("a", 1)
    _, _, e2 = span("a", 2)
    merged = [span("a", 0), ("a", s1, e2), span("a", 3)]
    score = boundary_f1(merged, gold)
    # gold ends of a: title, unit 1, unit 2 (3); system ends over content: title, unit 2 (2)
    assert (score.correct, score.n_system, score.found, score.n_gold) == (2, 2, 2, 3)
    assert score.precision == 1.0 and score.recall == pytest.approx(2 / 3) and score.f1 == pytest.approx(0.8)


def test_boundary_f1_scores_the_talkhis_segmenter(gold):
    text = texts()["b"]
    article = make_article("b", text)
    score = boundary_f1(article.sentences, gold)
    assert score.n_gold == 3 and score.f1 == 1.0  # one sentence a line: the segmenter finds them all


# ---------------------------------------------------------------------------- links


def test_link_scores_count_pairs_by_facts(gold):
    pairs = [
        (sentence("a", 2), sentence("b", 0)),  # F2-F2: correct, finds gold a#2-b#0
        (sentence("a", 1), sentence("b", 1)),  # F1-F3: wrong
        (sentence("b", 0), sentence("c", 1)),  # F2-F2: correct, finds gold b#0-c#1
        (sentence("a", 1), sentence("c", 0)),  # a copy pair: left out
        (sentence("a", 1), sentence("a", 2)),  # same article: left out
    ]
    score = link_scores(pairs, gold, copies=COPIES)
    # gold links without copies: a#2-b#0, b#0-c#1 (b is no copy of c); system pairs scored 3, correct 2
    assert (score.correct, score.n_system, score.found, score.n_gold) == (2, 3, 2, 2)
    with_copies = link_scores(pairs, gold, copies=COPIES, include_copies=True)
    # now a#1-c#0 counts and is correct; gold adds a#1-c#0 and a#2-c#1, of which a#1-c#0 is found
    assert (with_copies.correct, with_copies.n_system, with_copies.found, with_copies.n_gold) == (3, 4, 3, 4)
    assert link_scores(pairs, gold, copies={}).n_system == 4  # no copies known: nothing left out for that
    only_ab = link_scores(pairs, gold, copies=COPIES, articles={"a", "b"})
    assert (only_ab.correct, only_ab.n_system) == (1, 2)
    assert link_scores(pairs, gold, copies=COPIES, involving="c").n_system == 1


def test_pairs_from_labels_pairs_cluster_members_across_articles():
    s = [sentence("a", 1), sentence("a", 2), sentence("b", 0), sentence("c", 1)]
    pairs = pairs_from_labels([0, 1, 1, -1], s)
    assert [(x.article, x.index, y.article, y.index) for x, y in pairs] == [("a", 2, "b", 0)]
    assert len(pairs_from_labels([0, 0, 0, 0], s)) == 5  # 6 pairs less the one within a
    with pytest.raises(ValueError):
        pairs_from_labels([0], s)


def test_corpus_copies_reads_the_corpus():
    corpus = Corpus.from_articles([make_article(a, t) for a, t in texts().items()])
    assert corpus.copies() == {"c": "a"}


# ---------------------------------------------------------------------------- summaries


def selected(own: Sentence, *sources: Sentence, period: str = "p") -> Selected:
    return Selected(own, 0, 1.0, len(sources) + 1, period, [own, *sources])


def test_citation_precision_over_sources_in_other_articles(gold):
    summary = [
        selected(sentence("a", 2), sentence("b", 0), sentence("c", 1)),  # b#0 right; c#1 a copy
        selected(sentence("b", 1), sentence("a", 1)),  # F3 vs F1: wrong
    ]
    score = citation_precision(summary, gold, copies=COPIES)
    assert (score.correct, score.n_cited, score.same_article, score.copies) == (1, 2, 2, 1)
    assert score.precision == 0.5
    assert citation_precision(summary, gold, copies=COPIES, include_copies=True).correct == 2


def test_fact_coverage_per_period(gold):
    periods = {"a": "2021-07", "c": "2021-07", "b": "2024-01"}
    summary = [selected(sentence("a", 1))]  # carries F1
    cov = fact_coverage(summary, gold, periods)
    # key facts: 2021-07 (a, c) F1, F2; 2024-01 (b) F2 (F3 is not key)
    assert list(cov.periods) == ["2021-07", "2024-01"]
    assert (cov.periods["2021-07"].covered, cov.periods["2021-07"].n_key) == (1, 2)
    assert cov.periods["2024-01"].missing == ("F2",) and cov.periods["2024-01"].share == 0.0
    assert (cov.overall.covered, cov.overall.n_key, cov.overall.share) == (1, 2, 0.5)
    assert fact_coverage([], gold, periods).overall.missing == ("F1", "F2")


# ---------------------------------------------------------------------------- tuning


def test_leave_one_article_out_chooses_on_the_others():
    # value v scores table[v][article]; training score = mean over the other articles
    table = {1: {"a": 0.9, "b": 0.1, "c": 0.1}, 2: {"a": 0.2, "b": 0.5, "c": 0.5}, 3: {"a": 0.2, "b": 0.5, "c": 0.5}}

    def train(v, held_out):
        return sum(s for a, s in table[v].items() if a != held_out) / 2

    def test(v, held_out):
        return table[v][held_out]

    result = leave_one_article_out([1, 2, 3], train, test, ["a", "b", "c"])
    # without a: 1 -> 0.1, 2 and 3 -> 0.5 (tie: the earlier, 2); without b: 1 -> 0.5, 2 -> 0.35
    assert [(f.held_out, f.value) for f in result.folds] == [("a", 2), ("b", 1), ("c", 1)]
    assert result.mean_test_score == pytest.approx((0.2 + 0.1 + 0.1) / 3)
    with pytest.raises(ValueError):
        leave_one_article_out([], train, test, ["a"])


def test_gold_table_scores_a_run(tmp_path):
    from talkhis.evaluate import gold_table
    from talkhis.pipeline import Options, summarize_folder

    gold = load_gold(build(tmp_path))
    result = summarize_folder(tmp_path / "articles", Options(embedder="tfidf", translator="none", cache=False))
    table = gold_table(result, gold)
    assert "| sentence ends |" in table and "| all periods |" in table
    # the segmenter finds every sentence end of the one-sentence-a-line fixture
    ends = boundary_f1(result.corpus.sentences, gold)
    assert f"| sentence ends | {ends.correct} of {ends.n_system} |" in table and ends.recall == 1.0
