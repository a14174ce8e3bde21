"""Exercises on evaluation (notebook 04): a difference that is not a win, honest tuning, and
what a summary misses by the gold standard's key facts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pipeline import Result
from ..stable import qkey
from .base import Verdict, right, unanswered, unreadable, wrong

if TYPE_CHECKING:
    from ..evaluate import EvalResult, Gold, LeaveOneOut

__all__ = ["check_beats_lead", "check_held_out", "check_missing_key_facts"]

_VERDICTS = {"better": "better", "yes": "better", "worse": "worse", "no difference": "tie", "tie": "tie",
             "same": "tie"}


def check_beats_lead(answer: object, result: EvalResult, metric: str = "rouge1", system: str = "talkhis") -> Verdict:
    """Is ``system`` better than lead, worse, or can the data not tell them apart (``"tie"``)?"""
    form = '"better", "worse" or "tie"'
    if answer is None:
        return unanswered(form)
    given = _VERDICTS.get(str(answer).strip().lower())
    if given is None:
        return unreadable(answer, form)
    mean, low, high = result.difference(system, "lead", metric)
    # Decided on the three decimals the tables print, so a bound shown as +0.000 counts as zero.
    truth = "better" if qkey(low, 0.001) > 0 else "worse" if qkey(high, 0.001) < 0 else "tie"
    figures = (f"{result.label(system)} minus lead on {metric}: {mean:+.3f}, {result.confidence:.0%} interval "
               f"[{low:+.3f}, {high:+.3f}] over {len(result.ids)} articles")
    if given == truth:
        why = ("the interval holds zero, so these articles cannot tell the two apart: a higher mean is not a win"
               if truth == "tie" else "the whole interval is on one side of zero")
        return right(f"{figures}; {why}.")
    return wrong(f"{figures}. Read the paired-difference table: a difference counts only when its interval "
                 "excludes zero.")


def check_held_out(answer: object, loao: LeaveOneOut) -> Verdict:
    """Which held-out article gets the lowest link F1 when the threshold is chosen on the others?"""
    form = 'an article id, e.g. "002"'
    if answer is None:
        return unanswered(form)
    if not loao.folds:
        return wrong("There are no folds to read.")
    scores = {f.held_out: round(f.test_score, 3) for f in loao.folds}
    low = min(scores.values())
    names = [a for a in scores if str(answer).strip() and a.startswith(str(answer).strip())]
    if len(names) != 1:
        return unreadable(answer, f"one of {', '.join(sorted(scores))}")
    train = sum(f.train_score for f in loao.folds) / len(loao.folds)
    gap = ("scoring a choice on the data it was chosen on would have flattered it" if train > loao.mean_test_score
           else "not lower here: with one article per fold the figures are noisy, but only the held-out ones are "
                "free of the choice")
    honest = (f"Held out, the mean link F1 is {loao.mean_test_score:.3f}; on the articles each threshold was "
              f"chosen on it is {train:.3f}: {gap}")
    if scores[names[0]] == low:
        return right(f"{names[0]} scores {low:.3f} held out. {honest}.")
    return wrong(f"{names[0]} scores {scores[names[0]]:.3f} held out; look for the smallest value in 'held-out "
                 f"link F1'. {honest}.")


def check_missing_key_facts(answer: object, run: Result, gold: Gold) -> Verdict:
    """How many of the gold standard's key facts does the summary of ``run`` miss?"""
    if answer is None:
        return unanswered("a number of key facts")
    if not isinstance(answer, int) or isinstance(answer, bool):
        return unreadable(answer, "a number")
    from ..evaluate import fact_coverage

    coverage = fact_coverage(run.summary, gold, run.periods).overall
    if answer != len(coverage.missing):
        return wrong(f"The summary carries {coverage.covered} of {coverage.n_key} key facts; read the "
                     "'missing' column of the key-facts table.")
    missing = "; ".join(f"{f}: {gold.facts[f].description}" for f in coverage.missing) or "none"
    return right(f"{len(coverage.missing)} of {coverage.n_key} missing. {missing}. A summary can be fluent and "
                 "well cited and still leave out what a reader of the story most needs.")
