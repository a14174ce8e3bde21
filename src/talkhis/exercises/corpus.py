"""Exercises on the corpus (notebooks 01 and 05): copies, stories, cleaning, dates, skipped files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..align.periods import PERIOD_GAP_DAYS, periods
from ..corpus import Corpus
from ..corpus.overlap import DUPLICATE_CONTAINMENT
from ..errors import InputError
from .base import Verdict, article_id, article_ids, is_none, right, unanswered, unreadable, wrong

__all__ = [
    "check_copy",
    "check_stories",
    "check_top_rule",
    "check_periods",
    "check_dated_by_text",
    "check_skipped",
]


def check_copy(answer: object, corpus: Corpus) -> Verdict:
    """Which article is a near-copy, and of which? ``("copy", "original")``, or ``()`` if none."""
    form = 'a pair ("copy", "original") of article ids, e.g. ("005", "002"), or () if no article is a copy'
    pairs = {(a.id, a.duplicate_of) for a in corpus.articles if a.duplicate_of}
    if answer is None:
        return unanswered(form)
    if is_none(answer):
        return right("No article is 80 % contained in another.") if not pairs else wrong(
            f"{len(pairs)} article(s) are near-copies: look for a share of at least {DUPLICATE_CONTAINMENT:.2f} "
            "in the overlap table.")
    try:
        copy, original = (article_id(corpus, x) for x in answer)  # type: ignore[union-attr]
    except (InputError, TypeError, ValueError):
        return unreadable(answer, form)
    share = {(o.a, o.b): o.a_in_b for o in corpus.overlaps} | {(o.b, o.a): o.b_in_a for o in corpus.overlaps}
    there, back = share.get((copy, original), 0.0), share.get((original, copy), 0.0)
    figures = f"{there:.0%} of {copy[:3]}'s word 5-grams are in {original[:3]}, {back:.0%} the other way"
    if (copy, original) in pairs:
        return right(f"{figures}; from {DUPLICATE_CONTAINMENT:.0%} an article counts as a copy. Its sentences stay, "
                     f"but it is the same story as {original[:3]}: agreeing with its own source is not a second "
                     "source.")
    if (original, copy) in pairs:
        return wrong(f"Backwards: {figures}. The copy is the article that is more contained in the other.")
    return wrong(f"{figures}, below the {DUPLICATE_CONTAINMENT:.0%} that makes a copy.")


def check_stories(answer: object, corpus: Corpus) -> Verdict:
    """How many distinct stories do the articles tell, a near-copy counted with its original?"""
    if answer is None:
        return unanswered("a number")
    stories = sorted({corpus.story(a.id) for a in corpus.articles})
    copies = [f"{a.id[:3]} (copy of {a.duplicate_of[:3]})" for a in corpus.articles if a.duplicate_of]
    if not isinstance(answer, int) or isinstance(answer, bool):
        return unreadable(answer, "a number")
    if answer == len(stories):
        why = (f"; {', '.join(copies)} add{'s' * (len(copies) == 1)} none" if copies else "; no article copies another")
        return right(f"{len(corpus.articles)} articles, {len(stories)} stories{why}. Coverage counts stories, "
                      "so a story republished word for word does not look twice as well supported.")
    if answer == len(corpus.articles) and copies:
        return wrong(f"{answer} counts every article, but {', '.join(copies)} tells no story of its own.")
    return wrong("Count the articles, then take away each one marked as a copy in the overlap table.")


def check_top_rule(answer: object, corpus: Corpus) -> Verdict:
    """Which cleaning rule removed the most lines over the whole corpus?"""
    if answer is None:
        return unanswered('the name of a rule, e.g. "byline"')
    counts = Counter(r.rule for a in corpus.articles for r in a.removed)
    if not counts:
        return right("Nothing was removed.") if is_none(answer) else wrong("No rule removed anything here.")
    best = max(counts.values())
    tally = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    if str(answer).strip().strip("`") in counts and counts[str(answer).strip().strip("`")] == best:
        return right(f"Lines removed per rule: {tally}. Each removed line is kept in Article.removed, "
                      "so you can check that none of it was news.")
    return wrong(f"{answer!r} removed {counts.get(str(answer).strip().strip('`'), 0)} line(s); count the 'rule' "
                  "column of the removed-lines table.")


def check_periods(answer: object, corpus: Corpus) -> Verdict:
    """Into how many time periods do the article dates fall?"""
    if answer is None:
        return unanswered("a number")
    named = periods(corpus.articles)
    groups: dict[str, list[str]] = {}
    for name, p in sorted(named.items()):
        groups.setdefault(p, []).append(name[:3])
    listing = "; ".join(f"{p}: {', '.join(ids)}" for p, ids in sorted(groups.items()))
    if answer == len(groups):
        return right(f"{listing}. Dates less than {PERIOD_GAP_DAYS} days apart make one period; the summary "
                      "keeps news from each period, so a wrong date can put an article in the wrong one.")
    return wrong(f"{answer} is not it: sort the dates and start a new period wherever two consecutive dates are "
                 f"more than {PERIOD_GAP_DAYS} days apart (undated articles form a period of their own).")


def check_dated_by_text(answer: object, corpus: Corpus) -> Verdict:
    """Which articles carry their date in their own text (a dateline), not from metadata.csv?"""
    form = 'a list of article ids, e.g. ["002"], or [] if none'
    if answer is None:
        return unanswered(form)
    try:
        given = article_ids(corpus, answer)
    except (InputError, TypeError):
        return unreadable(answer, form)
    truth = {a.id for a in corpus.articles if (a.date_source or "").startswith("text")}
    other = [f"{a.id[:3]}: {a.date_source or 'undated'}" for a in corpus.articles if a.id not in truth]
    if given == truth:
        return right(f"The others: {'; '.join(other) or 'none'}. A date someone supplied is worth checking "
                      "against the text before trusting the periods.")
    missing, extra = sorted(truth - given), sorted(given - truth)
    return wrong(f"{len(missing)} missing, {len(extra)} not dated by their text; read the 'date source' column.")


def check_skipped(answer: object, corpus: Corpus) -> Verdict:
    """Which files of the folder were not loaded? (file names, or ``[]``)"""
    form = 'a list of file names, e.g. ["notes.txt"], or [] if none'
    if answer is None:
        return unanswered(form)
    if isinstance(answer, str):
        answer = [] if is_none(answer) else [answer]
    truth = {Path(s.path).name: s.reason for s in corpus.skipped}
    given = {Path(str(x)).name for x in answer}  # type: ignore[union-attr]
    if given == set(truth):
        reasons = "; ".join(f"{n}: {r.split(': ', 1)[-1]}" for n, r in sorted(truth.items()))
        return right(f"Skipped: {reasons or 'nothing'}. A skipped file is never summarised, so fix or remove it.")
    return wrong(f"{len(truth)} file(s) were skipped; list Path(s.path).name for s in corpus.skipped.")
