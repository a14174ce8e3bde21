"""Time periods of a corpus: which articles belong together in time, and in what order.

Articles are put in date order and grouped while consecutive dates are less than
:data:`PERIOD_GAP_DAYS` apart, so follow-ups over days or weeks form one period and an update
years later forms its own. A date may be a day (``2021-07-25``), a month (``2021-07``) or a year
(``2021``); a month or year counts as its first day. Articles without a usable date form the
period :data:`UNDATED`, which comes last. Every result depends only on the articles' ids and
dates, never on the order they are given in. :func:`period_quotas` shares a summary's budget
among periods and :func:`repeated_period` says whether a later period only repeats an earlier
one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..corpus.dates import as_date
from ..stable import qkey

if TYPE_CHECKING:
    from ..corpus.article import Article

__all__ = ["PERIOD_GAP_DAYS", "UNDATED", "periods", "period_order", "period_quotas", "repeated_period"]

PERIOD_GAP_DAYS = 180
UNDATED = "undated"


def periods(articles: Sequence[Article], gap_days: int = PERIOD_GAP_DAYS) -> dict[str, str]:
    """Name the time period of each article, keyed by article id in id order.

    Dated articles, in order of (date, id), are grouped while consecutive dates are at most
    ``gap_days`` apart; a period is named by its first and last month (``2021-07`` or
    ``2023-11 – 2024-01``). Articles without a usable date are :data:`UNDATED`.
    """
    dated = sorted(((d, a.id) for a in articles if (d := as_date(a.date))), key=lambda x: (x[0], x[1]))
    groups: list[list[tuple[date, str]]] = []
    for d, article_id in dated:
        if groups and (d - groups[-1][-1][0]).days <= gap_days:
            groups[-1].append((d, article_id))
        else:
            groups.append([(d, article_id)])
    name: dict[str, str] = {}
    for g in groups:
        first, last = f"{g[0][0]:%Y-%m}", f"{g[-1][0]:%Y-%m}"
        label = first if first == last else f"{first} – {last}"
        for _, article_id in g:
            name[article_id] = label
    return {article_id: name.get(article_id, UNDATED) for article_id in sorted(a.id for a in articles)}


def period_order(period_of: Mapping[str, str]) -> list[str]:
    """The distinct periods of ``period_of`` in time order, :data:`UNDATED` last.

    Period names start with their first month (``YYYY-MM``), so their text order is their time
    order.
    """
    names: Iterable[str] = set(period_of.values())
    return sorted(names, key=lambda p: (p == UNDATED, p))


# ---------------------------------------------------------------------------- budget shares


def period_quotas(weights: Mapping[str, float], order: Sequence[str], total: int, *, at_least: int = 1) -> dict[str, int]:
    """Share ``total`` units among periods in proportion to ``weights``.

    Every period with a positive weight gets at least ``at_least`` units while the total
    allows, earlier periods first; the rest goes by largest remainder (ties to the earlier
    period). The quotas sum to ``total`` when any weight is positive.
    """
    live = [p for p in order if weights.get(p, 0) > 0]
    quotas = {p: 0 for p in order}
    if not live or total <= 0:
        return quotas
    for p in live:
        if sum(quotas.values()) + at_least <= total:
            quotas[p] = at_least
    left = total - sum(quotas.values())
    mass = float(sum(weights[p] for p in live))
    ideal = {p: total * weights[p] / mass for p in live}
    extra = {p: max(0.0, ideal[p] - quotas[p]) for p in live}
    scale = left / sum(extra.values()) if sum(extra.values()) else 0.0
    share = {p: extra[p] * scale for p in live}
    floors = {p: int(share[p]) for p in live}
    for p in live:
        quotas[p] += floors[p]
    left -= sum(floors.values())
    for p in sorted(live, key=lambda p: (-qkey(share[p] - floors[p]), order.index(p)))[:left]:
        quotas[p] += 1
    return quotas


def repeated_period(stories: Mapping[str, int], order: Sequence[str], own: str) -> str | None:
    """The earlier period a sentence of period ``own`` repeats, or None when it is news of its own.

    ``stories`` counts, per period, the distinct stories among the sentence's sources. What they
    report belongs to the period with the most stories, the earliest on a tie (where it was
    first reported): a later period repeats an earlier one that reports it from at least as
    many stories.
    """
    mine = stories.get(own, 0)
    return next((p for p in order[: order.index(own)] if stories.get(p, 0) >= mine), None)
