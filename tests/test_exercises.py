"""The exercise self-checks: unanswered, right and wrong answers, with the truth worked out here
by another route than the check's own (the pipeline, the gold files, the metadata)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from talkhis import exercises as ex
from talkhis.corpus import load_corpus
from talkhis.pipeline import Options, Result, summarize_corpus

ROOT = Path(__file__).resolve().parents[1]
COPY, ORIGINAL, ULTRA, FOX = "000_f9289ace09eb3e20", "001_ca3e1f2505a79631", "002_a90dff76a33d4385", "004_9faea2139f5b08b6"


@pytest.fixture(scope="module")
def result(corpus) -> Result:
    return summarize_corpus(corpus, Options(embedder="tfidf", threshold=0.7, cache=False))


def gold_facts(s) -> set[str]:
    """Facts of the gold units whose text holds the sentence's text or is held by it."""
    with (ROOT / "data" / "gold" / "units.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    text = " ".join(s.text.split())
    return {f for r in rows if r["article"] == s.article and (text in r["text"] or r["text"] in text)
            for f in r["facts"].split(",") if f}


CHECKS_ON_CORPUS = [ex.check_copy, ex.check_stories, ex.check_top_rule, ex.check_periods, ex.check_dated_by_text,
                    ex.check_skipped]
CHECKS_ON_RESULT = [ex.check_threshold, ex.check_copy_cluster, ex.check_embedder_split, ex.check_similar_stories,
                    ex.check_wrong_citation, ex.check_least_covered, ex.check_cited_not_quoted, ex.check_word_budget,
                    ex.check_widest]
CHECKS_ON_EVALUATION = [ex.check_beats_lead, ex.check_held_out, ex.check_missing_key_facts]


@pytest.mark.parametrize("check", CHECKS_ON_CORPUS + CHECKS_ON_RESULT, ids=lambda c: c.__name__)
def test_an_unanswered_exercise_says_so_and_what_to_write(check, corpus, result):
    verdict = check(None, corpus if check in CHECKS_ON_CORPUS else result)
    assert verdict.ok is None
    assert repr(verdict).startswith("… Not answered yet: replace None with ")


@pytest.mark.parametrize("check", CHECKS_ON_EVALUATION, ids=lambda c: c.__name__)
def test_an_unanswered_evaluation_exercise_needs_no_data(check):
    assert repr(check(None, *[None] * (check.__code__.co_argcount - 1))).startswith("… Not answered yet")


def test_every_check_is_exported():
    assert sorted(c.__name__ for c in CHECKS_ON_CORPUS + CHECKS_ON_RESULT + CHECKS_ON_EVALUATION) == sorted(
        n for n in ex.__all__ if n.startswith("check_"))


def test_copy_and_stories_follow_the_editor_notes(corpus):
    # metadata.csv: 000 is "an earlier, shorter version of 001"
    assert ex.check_copy(("000", "001"), corpus).ok is True
    backwards = ex.check_copy(("001", "000"), corpus)
    assert backwards.ok is False and "Backwards" in backwards.message
    assert ex.check_copy((), corpus).ok is False
    assert ex.check_copy(("002", "003"), corpus).ok is False
    assert ex.check_copy("000", corpus).ok is False and "Cannot read" in ex.check_copy("000", corpus).message
    assert ex.check_stories(4, corpus).ok is True
    assert "tells no story of its own" in ex.check_stories(5, corpus).message


def test_dates_and_periods_follow_metadata(corpus):
    # metadata.csv: only 002's date is "in the text"; 2021 and 2024 are years apart.
    assert ex.check_dated_by_text(["002"], corpus).ok is True
    assert ex.check_dated_by_text("002", corpus).ok is True
    assert ex.check_dated_by_text(["001", "002"], corpus).ok is False
    assert ex.check_periods(2, corpus).ok is True and ex.check_periods(1, corpus).ok is False


def test_top_rule_accepts_only_a_rule_with_the_most_removals(corpus):
    counts: dict[str, int] = {}
    for a in corpus.articles:
        for r in a.removed:
            counts[r.rule] = counts.get(r.rule, 0) + 1
    top = max(counts.values())
    for rule, n in counts.items():
        assert ex.check_top_rule(rule, corpus).ok is (n == top)


def test_skipped_names_the_files_that_were_not_loaded(tmp_path, articles_dir):
    for path in sorted(articles_dir.glob("*.txt"))[:2]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "notes.txt").write_text("English notes, not an article at all.", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert ex.check_skipped(["notes.txt"], corpus).ok is True
    assert ex.check_skipped([], corpus).ok is False
    assert ex.check_skipped([], load_corpus(articles_dir)).ok is True


def test_threshold_counts_clusters_of_the_same_method(result):
    n = len(summarize_corpus(result.corpus, Options(embedder="tfidf", threshold=0.8, cache=False)).clusters)
    verdict = ex.check_threshold(n, result, threshold=0.8)
    assert verdict.ok is True and "different facts in it" in verdict.message
    assert ex.check_threshold(n + 1, result, threshold=0.8).ok is False


def test_copy_cluster_is_one_with_more_articles_than_stories(result):
    for c in result.clusters:
        holds_copy = COPY in c.articles and ORIGINAL in c.articles
        assert ex.check_copy_cluster(c.id, result).ok is holds_copy
    assert ex.check_copy_cluster("none", result).ok is False


def test_embedder_split_against_the_pipeline_with_the_other_embedder(corpus, result):
    other = summarize_corpus(corpus, Options(embedder="use", threshold=0.7, cache=False))
    c = result.clusters[0]
    leaving = [f"{result.sentences[i].article[:3]} §{result.sentences[i].index}" for i in c.members
               if other.labels[i] != other.labels[c.label_member]]
    assert ex.check_embedder_split(leaving, result).ok is True
    assert ex.check_embedder_split(leaving[:-1] if leaving else ["004 §0"], result).ok is False


def test_similar_stories_picks_the_closest_pair_of_different_stories(result):
    ids = [a.id for a in result.corpus.articles]
    mean = {a: result.vectors[[i for i, s in enumerate(result.sentences) if s.article == a]].mean(0) for a in ids}
    cos = {(a, b): round(float(mean[a] @ mean[b] / np.linalg.norm(mean[a]) / np.linalg.norm(mean[b])), 2)
           for i, a in enumerate(ids) for b in ids[i + 1:] if (a, b) != (COPY, ORIGINAL)}
    best = max(cos.values())
    for (a, b), value in cos.items():
        assert ex.check_similar_stories((a, b), result).ok is (value == best)
    assert "one story" in ex.check_similar_stories(("000", "001"), result).message


def test_wrong_citation_is_judged_by_the_gold_facts(result):
    judged = 0
    for n, item in enumerate(result.summary, 1):
        cluster = next(c for c in result.clusters if c.id == item.cluster)
        around = {id(x): x for x in [*(result.sentences[i] for i in cluster.members), *item.sources]}
        for other in around.values():
            if other is item.sentence:
                continue
            own, theirs = gold_facts(item.sentence), gold_facts(other)
            if own and theirs:
                judged += 1
                verdict = ex.check_wrong_citation((n, f"{other.article} §{other.index}"), result)
                assert verdict.ok is (not own & theirs)
                if verdict.ok:
                    cited = any(x is other for x in item.sources)
                    assert ("talkhis cites it" if cited else "talkhis does not cite it") in verdict.message
    assert judged
    quoted = result.summary[0].sentence
    verdict = ex.check_wrong_citation((1, f"{quoted.article} §{quoted.index}"), result)
    assert verdict.ok is False and "own sentence does not count" in verdict.message


def test_wrong_citation_cannot_judge_articles_without_gold(tmp_path, articles_dir):
    text = (articles_dir / f"{ULTRA}.txt").read_text(encoding="utf-8")
    (tmp_path / "ultra.txt").write_text(text, encoding="utf-8")
    (tmp_path / "ultra-edited.txt").write_text(text.replace("الكاظمي", "رئيس الوزراء"), encoding="utf-8")
    run = summarize_corpus(load_corpus(tmp_path), Options(embedder="tfidf", cache=False))
    verdict = ex.check_wrong_citation((1, "ultra §0"), run)
    assert verdict.ok is None and "cannot judge" in verdict.message


def test_summary_rows_by_coverage(result):
    coverage = [s.coverage for s in result.summary]
    for n, c in enumerate(coverage, 1):
        assert ex.check_least_covered(n, result).ok is (c == min(coverage))
        assert ex.check_widest(n, result).ok is (c == max(coverage))


def test_cited_not_quoted_and_word_budget_against_the_pipeline(corpus, result):
    quoted = {s.sentence.article for s in result.summary}
    cited = {x.article for s in result.summary for x in s.sources}
    assert ex.check_cited_not_quoted(sorted(cited - quoted), result).ok is True
    assert ex.check_cited_not_quoted(sorted(cited), result).ok is False
    n = len(summarize_corpus(corpus, Options(embedder="tfidf", threshold=0.7, sentences=None, words=60,
                                             cache=False)).summary)
    assert ex.check_word_budget(n, result).ok is True and ex.check_word_budget(n + 1, result).ok is False


# ---------------------------------------------------------------- notebook 04: evaluation


def eval_result(diff: np.ndarray):
    from talkhis.evaluate import EvalResult

    rng = np.random.default_rng(0)
    lead = rng.uniform(0.3, 0.6, size=(len(diff), 3))
    return EvalResult(systems=["talkhis", "lead"], ids=[f"a{i}" for i in range(len(diff))], budgets=[50] * len(diff),
                      scores={"talkhis": lead + diff[:, None], "lead": lead}, summaries={}, cv_folds=5)


def test_beats_lead_reads_the_paired_interval():
    clear = eval_result(np.full(30, 0.05))
    assert ex.check_beats_lead("better", clear).ok is True
    assert ex.check_beats_lead("tie", clear).ok is False
    assert ex.check_beats_lead("worse", eval_result(np.full(30, -0.05))).ok is True
    noisy = eval_result(np.resize([0.06, -0.05], 30))
    verdict = ex.check_beats_lead("tie", noisy)
    assert verdict.ok is True and "a higher mean is not a win" in verdict.message
    assert ex.check_beats_lead("maybe", noisy).ok is False


def test_held_out_names_the_fold_with_the_lowest_score():
    from talkhis.evaluate import LeaveOneOut
    from talkhis.evaluate.gold_metrics import Fold

    loao = LeaveOneOut([Fold("000_x", 0.5, 0.6, 0.41), Fold("001_y", 0.5, 0.55, 0.2), Fold("002_z", 0.45, 0.5, 0.3)])
    verdict = ex.check_held_out("001", loao)
    assert verdict.ok is True and "would have flattered it" in verdict.message
    assert ex.check_held_out("000", loao).ok is False
    assert "Cannot read" in ex.check_held_out("0", loao).message


def test_missing_key_facts_against_the_gold_files(result):
    from talkhis.evaluate import load_gold

    with (ROOT / "data" / "gold" / "facts.tsv").open(encoding="utf-8", newline="") as handle:
        key = {r["id"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if r["key"] == "yes"}
    covered = set().union(*(gold_facts(s.sentence) for s in result.summary)) & key
    gold = load_gold(ROOT / "data" / "gold")
    assert ex.check_missing_key_facts(len(key - covered), result, gold).ok is True
    assert ex.check_missing_key_facts(len(key - covered) + 1, result, gold).ok is False
