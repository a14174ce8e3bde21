"""Exercises on the summary (notebooks 03 and 05): citations, coverage, budgets, support."""

from __future__ import annotations

from ..errors import InputError
from ..pipeline import Result
from ..select import Budget, select_sentences
from .base import (Verdict, article_ids, fact_reader, is_none, right, sentence_ref, show_ref, unanswered, unreadable,
                   wrong)

__all__ = [
    "check_wrong_citation",
    "check_least_covered",
    "check_cited_not_quoted",
    "check_word_budget",
    "check_widest",
]


def check_wrong_citation(answer: object, result: Result) -> Verdict:
    """Which source cited for a summary sentence does not report the same fact? ``(row, "003 §7")``."""
    form = 'a pair (summary row, source sentence), e.g. (1, "003 §7"), or "none"'
    if answer is None:
        return unanswered(form)
    facts = fact_reader(result.corpus)
    if facts is None:
        return Verdict(None, "? No gold standard annotates these articles, so this check cannot judge: read the "
                             "quoted sentence and the source side by side and decide whether they report one fact.")
    bad = [(n, x) for n, s in enumerate(result.summary, 1) for x in s.sources
           if x is not s.sentence and not facts(s.sentence) & facts(x)]
    if is_none(answer):
        return right("Every cited source shares a fact with what it supports.") if not bad else wrong(
            f"{len(bad)} cited source(s) report something else; read each row's sources.")
    try:
        n, (article, index) = int(answer[0]), sentence_ref(result.corpus, answer[1])  # type: ignore[index]
    except (InputError, TypeError, ValueError, IndexError):
        return unreadable(answer, form)
    if not 1 <= n <= len(result.summary):
        return unreadable(answer, f"a row between 1 and {len(result.summary)}")
    item = result.summary[n - 1]
    source = next((x for x in item.sources if (x.article, x.index) == (article, index)), None)
    if source is None or source is item.sentence:
        return wrong(f"{show_ref((article, index))} is not a cited source of row {n} (the quoted sentence itself does "
                     f"not count); its sources are {', '.join(show_ref((x.article, x.index)) for x in item.sources)}.")
    own, theirs = sorted(facts(item.sentence)), sorted(facts(source))
    if set(own) & set(theirs):
        return wrong(f"Both report {', '.join(sorted(set(own) & set(theirs)))} in the gold standard "
                     "(data/gold/facts.tsv): that citation holds. Look for a source on another event or claim.")
    sim = float(result.vectors[result.sentences.index(item.sentence)] @ result.vectors[result.sentences.index(source)])
    return right(f"Row {n} reports {', '.join(own) or 'no fact'}, {show_ref((article, index))} reports "
                 f"{', '.join(theirs) or 'no fact'} (data/gold/facts.tsv). They share a topic, not a fact: "
                 f"similarity {sim:.2f}, yet average linkage joined them at distance threshold "
                 f"{result.options.threshold}. {len(bad)} citation(s) of this summary are wrong this way.")


def check_least_covered(answer: object, result: Result) -> Verdict:
    """Which summary row is reported by the fewest stories, and why is it in the summary?"""
    if answer is None:
        return unanswered("a summary row number")
    if not result.summary:
        return wrong("This summary is empty.")
    low = min(s.coverage for s in result.summary)
    rows = [n for n, s in enumerate(result.summary, 1) if s.coverage == low]
    if answer not in rows:
        return wrong(f"The 'stories' column: row(s) {', '.join(map(str, rows))} have the fewest ({low}).")
    item = result.summary[answer - 1]
    cluster = next(c for c in result.clusters if c.id == item.cluster)
    only = {result.periods[a] for a in cluster.articles} == {item.period} and len(set(result.periods.values())) > 1
    why = (f"its period {item.period} must say something only it reports, and this is such news" if only else
           "the budget still had room once the more widely reported content was in (one sentence per cluster, "
           "no near-repeats)")
    return right(f"Row {answer} is reported by {low} of {result.n_stories} stories; it is there because {why}.")


def check_cited_not_quoted(answer: object, result: Result) -> Verdict:
    """Which articles are cited as sources but never quoted in the summary?"""
    form = 'a list of article ids, e.g. ["000"], or [] if none'
    if answer is None:
        return unanswered(form)
    try:
        given = article_ids(result.corpus, answer)
    except (InputError, TypeError):
        return unreadable(answer, form)
    quoted = {s.sentence.article for s in result.summary}
    truth = {x.article for s in result.summary for x in s.sources} - quoted
    copies = [a for a in truth if result.corpus.article(a).duplicate_of]
    if given == truth:
        note = f" {', '.join(a[:3] for a in copies)} is a copy: the original is always quoted first." if copies else ""
        return right(f"Cited, never quoted: {', '.join(sorted(a[:3] for a in truth)) or 'none'}. Those outlets "
                     f"corroborate a sentence worded by another.{note}")
    return wrong(f"Quoted articles: {', '.join(sorted(a[:3] for a in quoted))}. Compare them with every article "
                  "named in the sources column.")


def check_word_budget(answer: object, result: Result, words: int = 60) -> Verdict:
    """How many sentences does a budget of ``words`` words keep (same run)?"""
    if answer is None:
        return unanswered("a number of sentences")
    kept = select_sentences(result.corpus, result.sentences, result.vectors, result.clusters,
                            Budget(sentences=None, words=words))
    lengths = " + ".join(str(s.sentence.n_words) for s in kept)
    if answer == len(kept):
        return right(f"{len(kept)} sentence(s): {lengths} = {sum(s.sentence.n_words for s in kept)} words. Selection "
                      "takes sentences in order of score and stops at the first that would pass the budget, even when "
                      "a shorter one further down would fit; sentences are never cut.")
    return wrong(f"Select again with Budget(sentences=None, words={words}) and count (budget_table shows it).")


def check_widest(answer: object, result: Result) -> Verdict:
    """Which summary row has the widest support (most stories)?"""
    if answer is None:
        return unanswered("a summary row number")
    if not result.summary:
        return wrong("This summary is empty.")
    top = max(s.coverage for s in result.summary)
    rows = [n for n, s in enumerate(result.summary, 1) if s.coverage == top]
    if answer not in rows:
        return wrong(f"Read the 'stories' column: the widest support is {top} of {result.n_stories}.")
    if top == 1:
        return right("But no sentence is reported by two stories: these articles share no content, so the summary is "
                      "a list of separate leads, not what several sources agree on. Check that they are one story.")
    return right(f"Row {answer}: {top} of {result.n_stories} stories report it; its sources show who said it how.")
