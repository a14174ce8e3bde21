"""Warnings about a run: articles that share nothing, too few candidates for the budget, one
article supplying most of the summary, periods left out, undated articles."""

from __future__ import annotations

from talkhis.select import Budget, choose
from talkhis.select.notes import selection_notes

from .timeline import build

STORY = {
    "a1": ("2021-07-20", ["visit", "withdrawal", "a1 only"]),
    "a2": ("2021-07-22", ["visit", "a2 only"]),
    "b1": ("2024-01-05", ["strikes", "demand", "talks", "visit"]),
}


def notes_for(spec, budget=Budget(sentences=4), threshold=0.5):
    built = build(spec)
    selection = choose(built.corpus, built.sentences, built.vectors, built.clusters, budget)
    return selection_notes(built.corpus, built.sentences, built.clusters, selection, budget, threshold=threshold)


def test_a_story_that_shares_nothing_is_named():
    notes = notes_for({**STORY, "c1": ("2021-07-23", ["c1 only", "c1 too"])})
    assert "c1 shares no content with any other article: nothing it says is confirmed by another source" in notes
    assert not any(n.startswith(("a1 ", "a2 ", "b1 ")) and "shares no content" in n for n in notes)


def test_stories_that_share_nothing_at_all_are_said_to():
    notes = notes_for({"a": ("2021-07-20", ["one", "two"]), "b": ("2021-07-21", ["three", "four"])})
    assert notes[0].startswith("the 2 stories share no content")
    assert "threshold 0.5" in notes[0] and "not what they have in common" in notes[0]
    assert not any("shares no content with any other article" in n for n in notes)


def test_fewer_distinct_candidates_than_the_budget_is_said():
    notes = notes_for(STORY, Budget(sentences=20), threshold=0.7)
    assert any(n.startswith("the clustering threshold 0.7 leaves 7 content clusters") and "fewer than the 20" in n
               for n in notes)
    assert not any("clustering threshold" in n for n in notes_for(STORY, Budget(sentences=4)))


def test_one_article_supplying_most_of_the_summary_is_said():
    spec = {"a1": ("2021-07-20", ["visit"]), "b1": ("2024-01-05", ["strikes", "demand", "talks", "visit"])}
    notes = notes_for(spec, Budget(sentences=4))
    assert "b1 supplies 3 of the 4 summary sentences; it is the only article of 2024-01" in notes


def test_a_period_the_budget_leaves_out_is_said():
    notes = notes_for(STORY, Budget(sentences=1))
    assert "the budget leaves 2024-01 without a sentence; a longer summary would show it" in notes


def test_undated_articles_are_said():
    notes = notes_for({**STORY, "u": (None, ["visit", "u only"])})
    assert "1 of 4 articles have no date (none in metadata.csv or the text): they form the period 'undated', shown last" in notes
