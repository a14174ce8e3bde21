"""Choosing the summary: centrality as pure maths, time-aware selection on small dated corpora
with known facts, and what the summary of the shipped articles must hold."""

from __future__ import annotations

import numpy as np
import pytest

from talkhis.align.periods import period_quotas, repeated_period
from talkhis.embed import get_embedder
from talkhis.evaluate.rank import rank_single
from talkhis.pipeline import Options, summarize_corpus
from talkhis.select import Budget, choose, select_sentences
from talkhis.select.candidates import candidate_problem
from talkhis.select.salience import centrality

from .timeline import build

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


def pick(result, budget: Budget):
    return select_sentences(result.corpus, result.sentences, result.vectors, result.clusters, budget)


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


# ---------------------------------------------------------------------------- budget shares


def test_quotas_follow_the_weights_and_sum_to_the_total():
    order = ["a", "b", "c"]
    assert period_quotas({"a": 2, "b": 3, "c": 5}, order, 10) == {"a": 2, "b": 3, "c": 5}
    assert period_quotas({"a": 1, "b": 1, "c": 8}, order, 6) == {"a": 1, "b": 1, "c": 4}
    for total in range(0, 15):
        quotas = period_quotas({"a": 7, "b": 1, "c": 2}, order, total)
        assert sum(quotas.values()) == total
        if total >= 3:
            assert min(quotas.values()) >= 1  # a period with anything to offer is never left out


def test_quotas_go_to_earlier_periods_first_when_short_and_skip_empty_ones():
    order = ["a", "b", "c"]
    assert period_quotas({"a": 1, "b": 1, "c": 1}, order, 2) == {"a": 1, "b": 1, "c": 0}
    assert period_quotas({"a": 1, "b": 1, "c": 1}, order, 4) == {"a": 2, "b": 1, "c": 1}  # tie: earlier
    assert period_quotas({"a": 0, "b": 4, "c": 0}, order, 3) == {"a": 0, "b": 3, "c": 0}
    assert period_quotas({"a": 0}, ["a"], 3) == {"a": 0}
    assert period_quotas({"a": 3, "b": 1}, ["a", "b"], 100, at_least=0) == {"a": 75, "b": 25}


def test_a_later_period_repeats_an_earlier_one_that_reports_it_at_least_as_widely():
    order = ["2021", "2022", "2024"]
    assert repeated_period({"2021": 2, "2024": 1}, order, "2024") == "2021"
    assert repeated_period({"2021": 1, "2024": 1}, order, "2024") == "2021"  # first reported
    assert repeated_period({"2021": 1, "2024": 3}, order, "2024") is None  # mostly news of 2024
    assert repeated_period({"2022": 2, "2024": 2}, order, "2024") == "2022"
    assert repeated_period({"2021": 5}, order, "2021") is None


# ---------------------------------------------------------------------------- time-aware selection

# Three stories in July 2021 and one in January 2024. The visit is reported by a1, a2 and b1
# (b1's sentence a near-copy of a1's unless a test says otherwise), the withdrawal by a1 and a3;
# the rest by one story each.
STORY = {
    "a1": ("2021-07-20", ["visit", "withdrawal", "a1 only"]),
    "a2": ("2021-07-22", ["visit", "a2 only"]),
    "a3": ("2021-07-25", ["withdrawal", "a3 only"]),
    "b1": ("2024-01-05", ["visit", "strikes", "demand", "talks"]),
}
TWINS = {("a2", 0): ("a1", 0), ("a3", 0): ("a1", 1)}


def facts(built, selection) -> list[str]:
    return [built.facts[s.index] for s in selection.summary]


def test_background_then_what_changed_with_the_core_event_first():
    built = build(STORY, TWINS)
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=5))
    assert selection.period_order == ["2021-07", "2024-01"]
    # Shares by the square root of each period's stories (3 and 1). Each period opens with its
    # core event (a1's lead; b1's lead, which adds words of its own to the visit), then each
    # article's lead in date order: a2's lead is a near-copy of a1's, so a2 gives its next
    # sentence; a3 leads with the withdrawal; 2024's share goes to its own news.
    assert selection.quotas == {"2021-07": 3, "2024-01": 2}
    assert [(s.sentence.article, s.sentence.index) for s in selection.summary] == [
        ("a1", 0), ("a2", 1), ("a3", 0), ("b1", 0), ("b1", 1)]
    assert facts(built, selection) == ["visit", "a2 only", "withdrawal", "visit", "strikes"]
    assert [s.period for s in selection.summary] == ["2021-07"] * 3 + ["2024-01"] * 2


def test_the_core_event_as_first_reported_leads_even_when_later_news_scores_higher():
    built = build({"e1": ("2010-01-12", ["quake", "e1 only"]), "e2": ("2010-01-20", ["toll", "e2 only", "quake"]),
                   "e3": ("2010-01-22", ["toll", "e3 only"]), "e4": ("2010-01-23", ["toll", "e4 only"])},
                  {("e3", 0): ("e2", 0)})
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=2))
    assert selection.score[built.index("e2", 0)] > selection.score[built.index("e1", 0)]
    assert [(s.sentence.article, s.sentence.index) for s in selection.summary] == [("e1", 0), ("e2", 0)]


def test_repeats_are_left_out_and_what_one_story_says_waits():
    built = build(STORY, TWINS)
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=5))
    why = dict(zip(((s.article, s.index) for s in built.sentences), selection.why))
    assert why[("a1", 0)] == why[("b1", 0)] == why[("b1", 1)] == "selected"
    assert why[("a2", 0)] == "redundant with #1"  # a near-copy of the core event
    assert why[("a1", 1)] == "redundant with #3"  # a near-copy of a3's lead
    assert why[("a1", 2)] == why[("a3", 1)] == "over budget; only one 2021-07 story reports it"
    assert why[("b1", 2)] == why[("b1", 3)] == "over budget"
    assert sum(w == "selected" for w in selection.why) == 5


def test_a_sentence_says_every_period_that_reports_it():
    built = build(STORY, TWINS)
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=5))
    core = selection.summary[0]
    assert core.period == "2021-07" and core.periods == ["2021-07", "2024-01"]
    assert core.coverage == 3 and [(s.article, s.index) for s in core.sources] == [("a1", 0), ("a2", 0), ("b1", 0)]
    strikes = selection.summary[-1]
    assert built.facts[strikes.index] == "strikes" and strikes.periods == ["2024-01"] and strikes.coverage == 1


@pytest.mark.parametrize("n", [2, 3, 4, 6, 8])
def test_every_period_with_news_of_its_own_gets_a_sentence(n):
    built = build({**STORY, "c1": ("2025-06-01", ["ceasefire", "visit"])}, TWINS)
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=n))
    assert len(selection.summary) == n
    shown = [s.period for s in selection.summary]
    assert shown == sorted(shown)
    expected = ["2021-07", "2024-01", "2025-06"][: n]
    assert set(shown) == set(expected)


def test_a_word_budget_is_filled_without_being_exceeded():
    built = build(STORY, TWINS)
    length = built.sentences[0].n_words
    assert {s.n_words for s in built.sentences} == {length}
    for limit in (length, 3 * length, 3 * length + 1, 5 * length - 1):
        selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=None, words=limit))
        assert len(selection.summary) == limit // length
    tiny = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=None, words=3))
    assert len(tiny.summary) == 1  # a budget below one sentence still gives one


def test_an_overflowing_word_budget_lets_only_the_last_sentence_pass_it():
    built = build(STORY, TWINS)
    length = built.sentences[0].n_words
    for limit in (length + 1, 3 * length - 1, 4 * length + 2):
        exact = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=None, words=limit))
        cut = choose(built.corpus, built.sentences, built.vectors, built.clusters,
                     Budget(sentences=None, words=limit, overflow=True))
        words = sum(s.sentence.n_words for s in cut.summary)
        assert sum(s.sentence.n_words for s in exact.summary) <= limit < words < limit + length
        assert [s.index for s in cut.summary][:-1] == [s.index for s in exact.summary][: len(cut.summary) - 1]


def test_a_long_sentence_that_does_not_fit_leaves_room_for_shorter_ones():
    built = build(STORY, TWINS)
    long = built.index("b1", 1)
    built.sentences[long] = type(built.sentences[long])(
        "b1", 1, 0, 0, built.sentences[long].text + " " + " ".join(["وقالت الحكومة"] * 20), "sentence")
    length = built.sentences[0].n_words
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=None, words=4 * length))
    assert long not in [s.index for s in selection.summary]
    assert len(selection.summary) == 4
    assert selection.why[long] == "over budget"


def test_sources_come_from_the_finder_it_is_given():
    built = build(STORY, TWINS)

    class Links:
        def sources_of(self, i):  # b1's talks report a3's withdrawal; nothing else is linked
            pair = {built.index("a3", 0): [built.index("b1", 3)], built.index("b1", 3): [built.index("a3", 0)]}
            return pair.get(i, [])

    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=3), sources=Links())
    by_fact = {built.facts[s.index]: s for s in selection.summary}
    assert [(s.article, s.index) for s in by_fact["withdrawal"].sources] == [("a3", 0), ("b1", 3)]
    assert by_fact["withdrawal"].periods == ["2021-07", "2024-01"]
    assert all(s.coverage == len({x.article for x in s.sources}) for s in selection.summary)
    assert "talks" not in by_fact  # reported first in 2021: it repeats the background


def test_citations_change_what_is_cited_not_what_is_chosen():
    built = build(STORY, TWINS)

    class Nothing:
        def sources_of(self, i):
            return []

    plain = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=5))
    cited = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=5), citations=Nothing())
    assert [s.index for s in cited.summary] == [s.index for s in plain.summary] and cited.why == plain.why
    assert all(s.sources == [s.sentence] and s.coverage == 1 and s.periods == [s.period] for s in cited.summary)
    assert plain.summary[0].coverage == 3


def test_float_noise_changes_nothing():
    built = build(STORY, TWINS)
    budget = Budget(sentences=4)
    plain = choose(built.corpus, built.sentences, built.vectors, built.clusters, budget)
    rng = np.random.default_rng(0)
    for _ in range(5):
        noisy = built.vectors + rng.normal(scale=1e-9, size=built.vectors.shape)
        again = choose(built.corpus, built.sentences, noisy, built.clusters, budget)
        assert [s.index for s in again.summary] == [s.index for s in plain.summary]
        assert again.why == plain.why


def test_undated_articles_come_last():
    built = build({**STORY, "u1": (None, ["rumour", "visit"])}, TWINS)
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=6))
    assert selection.period_order == ["2021-07", "2024-01", "undated"]
    assert selection.summary[-1].period == "undated"


def test_an_article_off_the_story_takes_no_place_while_the_story_has_candidates():
    built = build({**STORY, "u1": (None, ["rumour", "gossip"])}, TWINS)
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=6))
    assert "undated" in selection.period_order and selection.quotas["undated"] == 0
    assert all(s.sentence.article != "u1" for s in selection.summary)
    why = dict(zip(((s.article, s.index) for s in built.sentences), selection.why))
    assert why[("u1", 0)] == why[("u1", 1)] == "over budget; its article is off the story"
    everything = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=20))
    assert any(s.sentence.article == "u1" for s in everything.summary)  # it fills what the story leaves


def test_copies_and_non_candidates_are_never_chosen():
    built = build(STORY, TWINS)
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, Budget(sentences=20))
    assert all(candidate_problem(s.sentence) is None for s in selection.summary)
    assert all(w in ("selected",) or w.startswith(("redundant", "over budget", "not a candidate", "leans on"))
               for w in selection.why)


# ---------------------------------------------------------------------------- the seeds


def test_the_default_summary_leads_with_the_core_event_then_the_2024_news(result):
    summary = result.summary
    assert len(summary) == 6
    assert [s.period for s in summary] == sorted(s.period for s in summary)
    first = summary[0]
    assert first.period == "2021-07" and first.sentence.article.startswith("001") and first.sentence.index == 1
    assert "الحوار الاستراتيجي الرابعة" in first.sentence.text  # the fourth strategic dialogue
    news = [s for s in summary if s.period == "2024-01"]
    assert len(news) >= 2 and all(s.sentence.article.startswith("004") for s in news)
    # 2024 opens with its own lead (talks on the future US presence), not dropped as a repeat of
    # 2021, and holds the 4 January strike that killed a militia leader in Baghdad
    assert news[0].sentence.index == 0 and "مستقبل الوجود العسكري الأمريكي" in news[0].sentence.text
    assert any("4 كانون الثاني" in s.sentence.text and "قائد ميليشيا" in s.sentence.text for s in news)
    # the background holds the end of the US combat mission and al-Kadhimi's visit
    background = [s.sentence.text for s in summary if s.period == "2021-07"]
    assert any("إنهاء عمل البعثة القتالية" in t for t in background)
    assert any("الكاظمي" in t and "واشنطن" in t for t in background)


def test_the_default_summary_holds_no_fragment(result):
    for s in result.summary:
        assert candidate_problem(s.sentence) is None
        assert not s.sentence.text.startswith("مباني مقر حزب الله")


def test_every_seed_sentence_has_a_reason(result):
    assert len(result.selection.why) == len(result.sentences)
    assert all(result.selection.why)
    assert sum(w == "selected" for w in result.selection.why) == len(result.summary)


@pytest.mark.parametrize("n", [1, 2, 3, 6, 9])
def test_a_sentence_budget_is_met_exactly(result, n):
    assert len(pick(result, Budget(sentences=n))) == n


def test_every_period_keeps_a_sentence_even_in_a_short_summary(result):
    for n in (2, 3):
        assert {s.period for s in pick(result, Budget(sentences=n))} == {"2021-07", "2024-01"}


@pytest.mark.parametrize("limit", [25, 60, 120, 250])
def test_a_word_budget_is_never_exceeded_by_more_than_one_sentence(result, limit):
    chosen = pick(result, Budget(sentences=None, words=limit))
    assert sum(s.sentence.n_words for s in chosen) <= limit or len(chosen) == 1
    assert chosen


def test_budgets_must_be_positive():
    with pytest.raises(ValueError, match="sentence budget"):
        Budget(sentences=0)
    with pytest.raises(ValueError, match="word budget"):
        Budget(sentences=None, words=0)


def test_rank_single_returns_reading_order_within_budget(corpus):
    article = corpus.article("002_a90dff76a33d4385")
    vectors = get_embedder("tfidf").encode([s.text for s in article.sentences])
    ranked = rank_single(article, vectors, budget_sentences=3)
    assert len(ranked) == 3
    assert [s.index for s in ranked] == sorted(s.index for s in ranked)
    assert all(s.kind != "title" for s in ranked)
