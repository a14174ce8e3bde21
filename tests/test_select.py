"""Choosing the summary: centrality and MMR as pure maths, periods, candidates, budgets, and what
the chosen sentences of the shipped articles must include."""

from __future__ import annotations

import numpy as np
import pytest

from talkhis.corpus import make_article
from talkhis.embed import get_embedder
from talkhis.pipeline import Options, summarize_corpus
from talkhis.salience import centrality
from talkhis.segment import FRAGMENT, HEADING, SENTENCE, Sentence
from talkhis.select import Budget, is_candidate, mmr, periods, rank_single, select_sentences

STAR = np.array(
    [  # node 0 is a hub similar to every other node; the others resemble only the hub
        [1.0, 0.9, 0.8, 0.9, 0.7],
        [0.9, 1.0, 0.0, 0.0, 0.0],
        [0.8, 0.0, 1.0, 0.05, 0.0],
        [0.9, 0.0, 0.05, 1.0, 0.0],
        [0.7, 0.0, 0.0, 0.0, 1.0],
    ]
)


@pytest.fixture(scope="module")
def result(corpus):
    return summarize_corpus(corpus, Options())


def choose(result, budget: Budget):
    return select_sentences(result.corpus, result.sentences, result.vectors, result.clusters, budget)


def words(chosen) -> list[int]:
    return [s.sentence.n_words for s in chosen]


# ---------------------------------------------------------------------------- centrality


def test_the_hub_is_most_central_and_scores_sum_to_one():
    scores = centrality(STAR)
    assert int(np.argmax(scores)) == 0
    assert scores[0] > 1.5 * scores[1:].max()
    assert scores.sum() == pytest.approx(1.0)
    assert scores[1] == pytest.approx(scores[3])  # same similarities, same score


def _power_steps(similarity: np.ndarray, steps: int, threshold=0.1, damping=0.85) -> np.ndarray:
    """``steps`` iterations of the damped random walk that centrality() documents."""
    weights = np.where(similarity >= threshold, similarity, 0.0)
    transition = weights / weights.sum(axis=1, keepdims=True)
    n = len(similarity)
    scores = np.full(n, 1.0 / n)
    for _ in range(steps):
        scores = (1 - damping) / n + damping * scores @ transition
    return scores / scores.sum()


@pytest.mark.parametrize("steps", [0, 1, 2, 5])
def test_centrality_stops_after_max_iter(steps):
    """With a tolerance that is never met, the result is exactly ``max_iter`` steps of the walk."""
    scores = centrality(STAR, max_iter=steps, tol=-1.0)
    np.testing.assert_allclose(scores, _power_steps(STAR, steps), rtol=1e-12)
    if steps:
        assert not np.allclose(scores, _power_steps(STAR, steps + 1), rtol=1e-9, atol=0)


def test_centrality_converges_and_drops_weak_edges():
    np.testing.assert_allclose(centrality(STAR, max_iter=1000, tol=1e-12), _power_steps(STAR, 500), atol=1e-9)
    np.testing.assert_allclose(centrality(STAR, threshold=0.95), np.full(5, 0.2))  # only self-loops left
    assert centrality(np.zeros((0, 0))).shape == (0,)
    with pytest.raises(ValueError, match="square"):
        centrality(np.ones((2, 3)))


# ---------------------------------------------------------------------------- MMR


SCORES = np.array([1.0, 0.9, 0.7, 0.2])
SIMILARITY = np.array(
    [  # 1 is a near-duplicate of 0; the rest are unrelated
        [1.0, 0.99, 0.1, 0.1],
        [0.99, 1.0, 0.1, 0.1],
        [0.1, 0.1, 1.0, 0.1],
        [0.1, 0.1, 0.1, 1.0],
    ]
)


def test_mmr_takes_the_best_then_avoids_its_near_duplicate():
    assert mmr(SCORES, SIMILARITY, 2) == [0, 2]
    assert mmr(SCORES, SIMILARITY, 4) == [0, 2, 1, 3]
    assert mmr(SCORES, SIMILARITY, 2, lambda_=1.0) == [0, 1]  # relevance only


def test_mmr_respects_k_candidates_and_breaks_ties_by_index():
    assert mmr(SCORES, SIMILARITY, 10) == [0, 2, 1, 3]
    assert mmr(SCORES, SIMILARITY, 0) == []
    assert mmr(SCORES, SIMILARITY, 2, candidates=[3, 1]) == [1, 3]
    assert mmr(np.ones(3), np.eye(3), 3) == [0, 1, 2]


# ---------------------------------------------------------------------------- periods and candidates


def _dated(article_id: str, date: str | None):
    article = make_article(article_id, "قال المسؤول إن المحادثات ستستمر في الأسابيع المقبلة بين البلدين.")
    article.date = date
    return article


def test_periods_group_close_dates_and_mark_undated():
    articles = [_dated("a", "2021-07-22"), _dated("b", "2021-07-25"), _dated("c", "2024-01"), _dated("d", None),
                _dated("e", "2021-07")]
    assert periods(articles) == {"a": "2021-07", "b": "2021-07", "c": "2024-01", "d": "undated", "e": "2021-07"}


def test_a_period_spanning_months_is_named_by_its_ends():
    articles = [_dated("a", "2023-11-20"), _dated("b", "2024-01-05"), _dated("c", "2024-12-30")]
    assert periods(articles) == {"a": "2023-11 – 2024-01", "b": "2023-11 – 2024-01", "c": "2024-12"}
    assert periods(articles, gap_days=30) == {"a": "2023-11", "b": "2024-01", "c": "2024-12"}


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("وقال المسؤول الأميركي إن القوات ستبقى في العراق لمحاربة التنظيم.", SENTENCE, True),
        ('"سنبقى في العراق بناء على دعوة الحكومة"، قال المسؤول الأميركي أمس.', SENTENCE, False),
        ("«سنبقى في العراق بناء على دعوة الحكومة» قال المسؤول الأميركي أمس.", SENTENCE, False),
        ("“سنبقى في العراق بناء على دعوة الحكومة” قال المسؤول الأميركي أمس.", SENTENCE, False),
        ("القوات الأميركية باقية في العراق لمحاربة التنظيم حسب المسؤول", HEADING, False),
        ("وقال المسؤول الأميركي إن القوات ستبقى في العراق لمحاربة", FRAGMENT, False),
        ("قال المسؤول إن القوات باقية.", SENTENCE, False),  # too short to stand alone
        (" ".join(["كلمة"] * 61) + ".", SENTENCE, False),  # too long
    ],
)
def test_candidates_exclude_quotes_first_headings_and_odd_lengths(text, kind, expected):
    assert is_candidate(Sentence("x", 0, 0, len(text), text, kind)) is expected


# ---------------------------------------------------------------------------- the seeds


def test_every_chosen_sentence_is_a_candidate_from_its_own_cluster(result):
    chosen = choose(result, Budget(sentences=10))
    assert len(chosen) == 10
    assert all(is_candidate(s.sentence) for s in chosen)
    assert len({s.cluster for s in chosen}) == len(chosen)
    by_id = {c.id: c for c in result.clusters}
    for s in chosen:
        members = [result.sentences[m] for m in by_id[s.cluster].members]
        assert s.sentence in members
        assert sorted(s.sources, key=lambda x: (x.article, x.index)) == sorted(members, key=lambda x: (x.article, x.index))
        assert s.coverage == by_id[s.cluster].coverage
        assert s.period == result.periods[s.sentence.article]


def test_the_summary_is_in_reading_order(result):
    date = {a.id: a.date or "" for a in result.corpus.articles}
    chosen = choose(result, Budget(sentences=10))
    keys = [(date[s.sentence.article], s.sentence.article, s.sentence.index) for s in chosen]
    assert keys == sorted(keys)
    assert len({s.sentence.article for s in chosen}) > 2


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_a_sentence_budget_is_met_exactly(result, n):
    assert len(choose(result, Budget(sentences=n))) == n


@pytest.mark.parametrize("limit", [25, 60, 120])
def test_a_word_budget_is_never_exceeded_by_more_than_one_sentence(result, limit):
    chosen = choose(result, Budget(sentences=None, words=limit))
    assert sum(words(chosen)) <= limit or len(chosen) == 1
    assert chosen


def test_a_word_budget_below_one_sentence_gives_that_one_sentence(result):
    chosen = choose(result, Budget(sentences=None, words=5))
    assert len(chosen) == 1 and words(chosen)[0] > 5


def test_budgets_must_be_positive():
    with pytest.raises(ValueError, match="sentence budget"):
        Budget(sentences=0)
    with pytest.raises(ValueError, match="word budget"):
        Budget(sentences=None, words=0)


def test_the_newest_article_and_several_stories_are_represented(result):
    summary = result.summary
    assert len(summary) == 6
    assert any(s.sentence.article.startswith("004") and s.period == "2024-01" for s in summary)
    assert any(s.coverage >= 2 for s in summary)
    assert {s.period for s in summary} == {"2021-07", "2024-01"}
    assert not any(result.corpus.article(s.sentence.article).duplicate_of for s in summary)


def test_every_period_keeps_a_sentence_even_in_a_short_summary(result):
    for n in (2, 3):
        assert {s.period for s in choose(result, Budget(sentences=n))} == {"2021-07", "2024-01"}


def test_rank_single_returns_reading_order_within_budget(corpus):
    article = corpus.article("002_a90dff76a33d4385")
    vectors = get_embedder("tfidf").encode([s.text for s in article.sentences])
    ranked = rank_single(article, vectors, budget_sentences=3)
    assert len(ranked) == 3
    assert [s.index for s in ranked] == sorted(s.index for s in ranked)
    assert all(s.kind != "title" for s in ranked)
