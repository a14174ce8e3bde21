"""Exercises on the summary (notebooks 03 and 05): citations, coverage, budgets, support."""

from __future__ import annotations

from ..corpus import Sentence
from ..errors import InputError
from ..pipeline import Result
from ..select import Budget, Selected, select_sentences
from .base import (
    Verdict,
    article_ids,
    fact_reader,
    is_none,
    right,
    sentence_ref,
    show_ref,
    unanswered,
    unreadable,
    wrong,
)

__all__ = [
    "check_wrong_citation",
    "check_least_covered",
    "check_cited_not_quoted",
    "check_word_budget",
    "check_widest",
]


def check_wrong_citation(answer: object, result: Result) -> Verdict:
    """Which sentence of a summary row's cluster (or of its sources) does not report the row's
    fact, so that citing it would be wrong? ``(row, "003 §7")``, or ``"none"``."""
    form = 'a pair (summary row, sentence of its cluster or sources), e.g. (1, "003 §7"), or "none"'
    if answer is None:
        return unanswered(form)
    facts = fact_reader(result.corpus)
    if facts is None:
        return Verdict(None, "? No gold standard annotates these articles, so this check cannot judge: read the "
                             "summary sentence and the other one side by side and decide whether they report one fact.")
    members = {c.id: [result.sentences[i] for i in c.members] for c in result.clusters}

    def around(item: Selected) -> list[Sentence]:
        """The sentences a reader might take as the row's support: its cluster and its sources."""
        seen = {id(item.sentence)}
        return [x for x in [*members.get(item.cluster, []), *item.sources] if id(x) not in seen and not seen.add(id(x))]

    bad = [(n, x) for n, s in enumerate(result.summary, 1) for x in around(s) if not facts(s.sentence) & facts(x)]
    if is_none(answer):
        return right("Every sentence around the summary reports the fact it supports.") if not bad else wrong(
            f"{len(bad)} sentence(s) in the rows' clusters or sources report something else.")
    try:
        n, (article, index) = int(answer[0]), sentence_ref(result.corpus, answer[1])  # type: ignore[index]
    except (InputError, TypeError, ValueError, IndexError):
        return unreadable(answer, form)
    if not 1 <= n <= len(result.summary):
        return unreadable(answer, f"a row between 1 and {len(result.summary)}")
    item = result.summary[n - 1]
    other = next((x for x in around(item) if (x.article, x.index) == (article, index)), None)
    if other is None:
        listed = ", ".join(show_ref((x.article, x.index)) for x in around(item)) or "nothing else"
        return wrong(f"{show_ref((article, index))} is neither in row {n}'s cluster nor among its sources (the row's "
                     f"own sentence does not count); they are {listed}.")
    own, theirs = sorted(facts(item.sentence)), sorted(facts(other))
    if set(own) & set(theirs):
        return wrong(f"Both report {', '.join(sorted(set(own) & set(theirs)))} in the gold standard "
                     "(data/gold/facts.tsv): citing it is right. Look for one on another event or claim.")
    cited = any(x is other for x in item.sources)
    verdict = ("talkhis cites it: a wrong citation, where the same-fact links failed" if cited else
               "talkhis does not cite it: its cluster holds it, but the same-fact links kept it out")
    return right(f"Row {n} reports {', '.join(own) or 'no fact'}, {show_ref((article, index))} reports "
                 f"{', '.join(theirs) or 'no fact'} (data/gold/facts.tsv): the same topic, not the same fact. "
                 f"{verdict}. Around this summary, {len(bad)} sentence(s) report another fact, "
                 f"{sum(any(x is y for y in result.summary[k - 1].sources) for k, x in bad)} of them cited.")


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
    order = result.selection.period_order if result.selection else sorted(set(result.periods.values()))
    if answer == 1 and order and item.period == order[0]:
        why = ("it is the core event as first reported: the lead of the earliest article opens the summary, "
               "however many other outlets word the same fact")
    elif order and item.period != order[0]:
        why = (f"every period opens with its core event and gets a share of the budget for what changed in it, and "
               f"this is news of {item.period}; ranking by support alone would let the best-covered period fill the "
               "summary")
    else:
        why = ("each article's lead is taken in date order, news being told first, however many outlets report it "
               "(repeats are never taken)")
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
                      "takes each article's lead in date order, then the next sentences; one that would pass the "
                      "budget is skipped for a shorter one that fits, and sentences are never cut.")
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
