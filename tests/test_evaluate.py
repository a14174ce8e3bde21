"""Evaluation: Arabic ROUGE on hand-worked examples, budgets, baselines, JSONL input, the files
evaluate_file writes, cross-validation, and the salience model it trains."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkhis.errors import InputError, UnknownBackend
from talkhis.evaluate import (
    SYSTEMS,
    EvalResult,
    Record,
    article_segments,
    bootstrap_ci,
    evaluate_file,
    evaluate_records,
    find_eval_file,
    format_table,
    get_system,
    greedy_oracle,
    lcs_length,
    plot_scores,
    read_records,
    rouge,
    rouge_l,
    rouge_n,
    salience_targets,
    summaries_table,
    train_salience,
    truncate_words,
    word_budget,
)
from talkhis.report.outdir import MARKER
from talkhis.select.salience import FEATURES, SalienceModel, fit_salience

TITLE = "مهرجان الربيع"
SENTENCES = [
    "افتتحت وزارة الثقافة مهرجان الربيع السنوي في العاصمة بحضور عدد كبير من الفنانين.",
    "ويستمر المهرجان عشرة أيام تقدم خلالها عروض موسيقية ومسرحية متنوعة للجمهور.",
    "وقال مدير المهرجان إن الدورة الحالية تشهد مشاركة فرق من اثنتي عشرة دولة عربية.",
    "وأضاف أن الدخول إلى جميع العروض مجاني هذا العام لتشجيع العائلات على الحضور.",
    "وتقام العروض في المسرح الوطني وفي ثلاث حدائق عامة وسط المدينة القديمة.",
    "وشهد حفل الافتتاح عرضا للفرقة الوطنية للفنون الشعبية نال إعجاب الحاضرين كثيرا.",
    "ويخصص المهرجان يوما كاملا لعروض الأطفال وورش الرسم والحكايات الشعبية القديمة.",
    "ومن المتوقع أن يزور المهرجان أكثر من مئة ألف شخص خلال أيامه العشرة المقبلة.",
]
ARTICLE = " ".join(SENTENCES)


def record(i: int, refs: list[str] | None = None) -> Record:
    """A small record whose references are its first two sentences and one more."""
    first = SENTENCES[i % len(SENTENCES):] + SENTENCES[: i % len(SENTENCES)]
    return Record(f"r{i}", " ".join(first), tuple(refs or [" ".join(first[:2]), " ".join(first[:3])]), TITLE)


def positions(summary: list[str], article: str = ARTICLE, title: str | None = TITLE) -> list[int]:
    """Where each summary segment sits in the article's body (the last may be a cut prefix)."""
    body = [s.text for s in article_segments(article, title).sentences if s.kind != "title"]
    return [next(k for k, text in enumerate(body) if text.startswith(part)) for part in summary]


# ---------------------------------------------------------------------------- ROUGE by hand


def test_rouge_on_a_hand_worked_pair():
    # candidate tokens: ذهب الولد الي المدرسه صباحا (5); reference: ذهب الولد الي السوق (4)
    scores = rouge("ذهب الولد إلى المدرسة صباحا", ["ذهب الولد إلى السوق"])
    # ROUGE-1: overlap 3 -> P = 3/5, R = 3/4, F = 2PR/(P+R) = 0.9/1.35 = 2/3
    assert scores["rouge1"].precision == pytest.approx(3 / 5)
    assert scores["rouge1"].recall == pytest.approx(3 / 4)
    assert scores["rouge1"].fmeasure == pytest.approx(2 / 3)
    # ROUGE-2: 4 candidate bigrams, 3 reference bigrams, 2 shared (ذهب الولد, الولد الي)
    # -> P = 2/4, R = 2/3, F = (2/3)/(7/6) = 4/7
    assert scores["rouge2"].precision == pytest.approx(1 / 2)
    assert scores["rouge2"].recall == pytest.approx(2 / 3)
    assert scores["rouge2"].fmeasure == pytest.approx(4 / 7)
    # ROUGE-L: longest common subsequence ذهب الولد الي = 3 -> same as ROUGE-1 here
    assert scores["rougeL"].fmeasure == pytest.approx(2 / 3)


def test_normalisation_makes_alef_forms_and_marks_match():
    # أحمد/احمد, في/فى, المدرسة/المدرسه, diacritics and tatweel: identical after normalisation
    scores = rouge("أَحْمَد في المـدرسة", ["احمد فى المدرسه"])
    for metric in ("rouge1", "rouge2", "rougeL"):
        assert scores[metric].fmeasure == pytest.approx(1.0)
    # without normalisation nothing would match: check the raw tokens really differ
    assert rouge_n(["أحمد"], ["احمد"], 1).fmeasure == 0.0


def test_arabic_is_not_scored_as_empty():
    assert rouge("الحكومة العراقية", ["الحكومة العراقية"])["rouge1"].fmeasure == pytest.approx(1.0)
    assert rouge("الحكومة العراقية", ["وزارة الخارجية"])["rouge1"].fmeasure == 0.0


def test_counts_are_clipped():
    # candidate في في في (3), reference في البيت (2): the repeated word matches once
    # P = 1/3, R = 1/2, F = (1/3)/(5/6) = 0.4
    assert rouge_n(["في", "في", "في"], ["في", "البيت"], 1).fmeasure == pytest.approx(0.4)


def test_rouge_l_follows_order_where_rouge_1_does_not():
    # a b c d against b a d c: every word matches, but the longest common subsequence is 2
    cand, ref = ["ا", "ب", "ج", "د"], ["ب", "ا", "د", "ج"]
    assert rouge_n(cand, ref, 1).fmeasure == pytest.approx(1.0)
    assert lcs_length(cand, ref) == 2
    assert rouge_l(cand, ref).fmeasure == pytest.approx(0.5)


def test_multiple_references_are_averaged_or_maximised():
    refs = ["ذهب الولد", "ذهب البنت إلى البيت"]
    # vs ref 1: P = R = F = 1. vs ref 2: 1 of 2 candidate words in 4 -> P = 1/2, R = 1/4, F = 1/3
    mean = rouge("ذهب الولد", refs)
    assert mean["rouge1"].precision == pytest.approx((1 + 1 / 2) / 2)
    assert mean["rouge1"].recall == pytest.approx((1 + 1 / 4) / 2)
    assert mean["rouge1"].fmeasure == pytest.approx((1 + 1 / 3) / 2)
    # ROUGE-2: the one candidate bigram is in ref 1 only -> F 1 and 0, mean 0.5
    assert mean["rouge2"].fmeasure == pytest.approx(0.5)
    assert rouge("ذهب الولد", refs, aggregate="max")["rouge1"].fmeasure == pytest.approx(1.0)
    with pytest.raises(ValueError):
        rouge("ذهب", refs, aggregate="median")


def _lcs_table(a, b) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


@given(st.lists(st.sampled_from("abcd"), max_size=40), st.lists(st.sampled_from("abcd"), max_size=40))
def test_bit_parallel_lcs_matches_the_textbook_table(a, b):
    assert lcs_length(a, b) == _lcs_table(a, b)


# ---------------------------------------------------------------------------- budget


def test_word_budget_is_the_mean_reference_length():
    assert word_budget(["a b c", "a b c d e"]) == 4
    assert word_budget(["a"]) == 1


def test_truncation_cuts_the_last_sentence_to_the_exact_budget():
    assert truncate_words(["واحد اثنان ثلاثة.", "أربعة خمسة."], 4) == ["واحد اثنان ثلاثة.", "أربعة"]
    assert truncate_words(["واحد اثنان ثلاثة.", "أربعة خمسة."], 3) == ["واحد اثنان ثلاثة."]
    assert truncate_words(["واحد،  اثنان ثلاثة."], 2) == ["واحد،  اثنان"]  # text kept as written
    assert truncate_words(["واحد اثنان."], 10) == ["واحد اثنان."]  # a short article stays short


# ---------------------------------------------------------------------------- systems


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_every_system_returns_document_order_within_budget(name):
    system = get_system(name, embedder="tfidf")
    for budget in (5, 30, 1000):
        summary = system(ARTICLE, TITLE, budget)
        n_words = sum(len(s.split()) for s in summary)
        assert n_words == min(budget, len(ARTICLE.split()))
        where = positions(summary)
        assert where == sorted(where) and len(set(where)) == len(where)
        assert TITLE not in summary


def test_lead_takes_the_first_sentences():
    assert get_system("lead")(ARTICLE, TITLE, 20) == [SENTENCES[0], " ".join(SENTENCES[1].split()[:7])]


def test_random_is_reproducible_and_depends_on_the_seed():
    a = get_system("random", seed=0)(ARTICLE, TITLE, 30)
    assert get_system("random", seed=0)(ARTICLE, TITLE, 30) == a
    orders = {tuple(positions(get_system("random", seed=s)(ARTICLE, TITLE, 30))) for s in range(5)}
    assert len(orders) > 1


def test_unknown_system_lists_the_known_ones():
    with pytest.raises(UnknownBackend, match="lead"):
        get_system("gpt")
    with pytest.raises(UnknownBackend, match="oracle"):
        evaluate_records([record(0)], ["talkhis", "nope"], embedder="tfidf")


def test_greedy_oracle_finds_the_sentence_the_reference_copies():
    summary = greedy_oracle(ARTICLE, TITLE, [SENTENCES[4]], len(SENTENCES[4].split()))
    assert summary == [SENTENCES[4]]
    assert rouge(" ".join(summary), [SENTENCES[4]])["rouge2"].fmeasure == pytest.approx(1.0)


def test_a_title_that_looks_like_a_sentence_is_still_the_title():
    long_title = "عنوان طويل ينتهي بنقطة."
    doc = article_segments(ARTICLE, long_title)
    assert [s.kind for s in doc.sentences[:2]] == ["title", "sentence"]
    assert doc.sentences[1].text == SENTENCES[0]


# ---------------------------------------------------------------------------- input


def write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rec_json(r: Record) -> str:
    return json.dumps({"id": r.id, "article": r.article, "references": list(r.references), "title": r.title},
                      ensure_ascii=False)


def test_read_records_reads_easc_format(tmp_path):
    path = write_jsonl(tmp_path / "ok.jsonl", [rec_json(record(0)), "", rec_json(record(1))])
    records = read_records(path)
    assert [r.id for r in records] == ["r0", "r1"]
    assert records[0].title == TITLE and len(records[0].references) == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        ('["a list"]', "expected a JSON object"),
        ('{"id": "x", "article": "نص"}', "'references'"),
        ('{"id": "x", "references": ["نص"]}', "'article'"),
        ('{"id": "x", "article": "نص", "references": []}', "non-empty list"),
        ('{"id": "r0", "article": "نص", "references": ["نص"]}', "appears twice"),
    ],
)
def test_bad_jsonl_names_the_file_and_line(tmp_path, line, message):
    path = write_jsonl(tmp_path / "bad.jsonl", [rec_json(record(0)), line])
    with pytest.raises(InputError, match=message) as info:
        read_records(path)
    assert f"{path}:2:" in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_or_empty_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_records(tmp_path / "missing.jsonl")
    with pytest.raises(InputError, match="no records"):
        read_records(write_jsonl(tmp_path / "empty.jsonl", [""]))


# ---------------------------------------------------------------------------- evaluate_file


def test_evaluate_file_writes_three_files(tmp_path):
    # the first record's only reference is its lead, so lead must score 1.0 there
    lead_ref = " ".join(SENTENCES[:2])
    path = write_jsonl(tmp_path / "two.jsonl", [rec_json(record(0, [lead_ref])), rec_json(record(3))])
    systems = ["talkhis", "lead", "random"]
    result = evaluate_file(path, tmp_path / "out", systems=systems, embedder="tfidf", n_boot=200)
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir() if p.name != MARKER) == ["scores.json", "scores.md", "summaries.jsonl"]

    lines = [json.loads(x) for x in (out / "summaries.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["id"], x["system"]) for x in lines] == [(i, s) for i in ("r0", "r3") for s in systems]
    assert next(x["summary"] for x in lines if x["system"] == "lead" and x["id"] == "r0") == lead_ref

    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert scores["n_articles"] == 2 and set(scores["systems"]) == set(systems)
    assert scores["articles"][0]["scores"]["lead"]["rouge1"] == 1.0
    lead = scores["systems"]["lead"]["rouge1"]
    assert lead["low"] <= lead["mean"] <= lead["high"]
    assert lead["mean"] == pytest.approx(result.scores["lead"][:, 0].mean(), abs=1e-4)

    table = (out / "scores.md").read_text(encoding="utf-8")
    assert "| lead |" in table and "talkhis (shipped model)" in table and "talkhis minus" in table


def test_a_failed_run_leaves_the_output_folder_untouched(tmp_path):
    out = tmp_path / "out"
    path = write_jsonl(tmp_path / "one.jsonl", [rec_json(record(0))])
    evaluate_file(path, out, systems=["lead"], n_boot=10)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(UnknownBackend):
        evaluate_file(path, out, systems=["lead", "nope"])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_a_folder_talkhis_did_not_write_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old", encoding="utf-8")
    path = write_jsonl(tmp_path / "one.jsonl", [rec_json(record(0))])
    with pytest.raises(InputError, match="not written by talkhis"):
        evaluate_file(path, out, systems=["lead", "nope"])  # refused before the unknown system is met
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    evaluate_file(path, out, systems=["lead"], n_boot=10, force=True)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "old" and (out / "scores.md").is_file()


def test_cross_validation_refits_talkhis_on_the_other_folds(tmp_path):
    path = write_jsonl(tmp_path / "four.jsonl", [rec_json(record(i)) for i in range(4)])
    result = evaluate_file(path, None, systems=["talkhis", "lead"], embedder="tfidf", cv_folds=2, n_boot=100)
    assert result.cv_folds == 2 and result.label("talkhis") == "talkhis (2-fold CV)"
    assert result.scores["talkhis"].shape == (4, 3)
    assert "2-fold CV" in format_table(result)
    with pytest.raises(InputError, match="5-fold"):
        evaluate_file(path, None, systems=["talkhis"], embedder="tfidf", cv_folds=5)


def test_sample_keeps_a_seeded_subset_in_file_order(tmp_path):
    path = write_jsonl(tmp_path / "eight.jsonl", [rec_json(record(i)) for i in range(8)])
    ids = evaluate_file(path, systems=["lead"], sample=3, seed=1, n_boot=10).ids
    assert len(ids) == 3 and ids == sorted(ids, key=lambda i: int(i[1:]))
    assert evaluate_file(path, systems=["lead"], sample=3, seed=1, n_boot=10).ids == ids


# ---------------------------------------------------------------------------- training and stats


def test_salience_targets_count_the_references_that_include_a_segment():
    doc = article_segments(ARTICLE, TITLE)
    # the second reference drops the hamza and the ta marbuta, as EASC references often do
    refs = [SENTENCES[0], SENTENCES[0].replace("أ", "ا") + " " + SENTENCES[2].replace("ة", "ه")]
    targets = salience_targets(doc, refs)
    assert targets[:3].tolist() == [1.0, 0.0, 0.5]
    assert targets[3:].sum() == 0.0


def test_training_learns_that_annotators_pick_the_first_sentence():
    records = [Record(f"a{i}", record(i).article, (record(i).article.split(".")[0] + ".",), TITLE) for i in range(6)]
    model = train_salience(records)
    scores = model.score(np.eye(len(FEATURES)))
    assert scores.argmax() == FEATURES.index("position_0")
    assert SalienceModel.from_json(model.to_json()) == model


def test_fit_salience_checks_its_input():
    with pytest.raises(ValueError, match="targets"):
        fit_salience(np.zeros((2, len(FEATURES))), np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match="shape"):
        fit_salience(np.zeros((2, 3)), np.array([0.5, 0.5]))


def test_bootstrap_interval_brackets_the_mean_and_is_seeded():
    values = np.random.default_rng(0).normal(0.5, 0.1, 60)
    mean, low, high = bootstrap_ci(values, seed=3)
    assert low < mean < high and mean == pytest.approx(values.mean())
    assert bootstrap_ci(values, seed=3) == (mean, low, high)
    assert bootstrap_ci([0.4] * 10) == pytest.approx((0.4, 0.4, 0.4))


def test_plot_scores_draws_one_bar_per_system_and_metric():
    result = EvalResult(["lead", "random"], ["a", "b"], [10, 10],
                        {"lead": np.full((2, 3), 0.5), "random": np.full((2, 3), 0.3)},
                        {"lead": [[], []], "random": [[], []]}, n_boot=50)
    fig = plot_scores(result)
    assert len(fig.axes[0].patches) == 6
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["lead", "random"]


def test_summaries_table_puts_a_human_summary_beside_the_systems():
    rec = record(0, [" ".join(SENTENCES[:2]), "ملخص | فيه خط عمودي"])
    table = summaries_table(rec, ["lead", "random"], embedder="tfidf")
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows] == ["| summary", "| human A", "| lead", "| random"]
    # human A is scored against the other reference only; lead equals human A here
    assert rows[1].split(" | ")[1:3] == ["0.000", "0.000"] and rows[2].split(" | ")[1] != "0.000"
    assert "ملخص \\| فيه" in summaries_table(rec, ["lead"], reference=1, embedder="tfidf")


def test_find_eval_file_looks_in_shared_above(tmp_path):
    target = tmp_path / "shared" / "eval" / "tiny.jsonl"
    target.parent.mkdir(parents=True)
    target.write_text("", encoding="utf-8")
    (tmp_path / "project" / "notebooks").mkdir(parents=True)
    assert find_eval_file("tiny.jsonl", tmp_path / "project" / "notebooks") == target
    with pytest.raises(InputError, match="other.jsonl"):
        find_eval_file("other.jsonl", tmp_path / "project")
