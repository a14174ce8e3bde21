"""Time periods: grouping by date gaps, names, undated articles, and independence from input order."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from talkhis.align.periods import UNDATED, period_order, periods
from talkhis.corpus import make_article
from talkhis.corpus.dates import as_date


def _dated(article_id: str, when: str | None):
    article = make_article(article_id, "قال المسؤول إن المحادثات ستستمر في الأسابيع المقبلة بين البلدين.")
    article.date = when
    return article


def test_periods_group_close_dates_and_mark_undated():
    articles = [_dated("a", "2021-07-22"), _dated("b", "2021-07-25"), _dated("c", "2024-01"), _dated("d", None),
                _dated("e", "2021-07")]
    assert periods(articles) == {"a": "2021-07", "b": "2021-07", "c": "2024-01", "d": UNDATED, "e": "2021-07"}


def test_a_period_spanning_months_is_named_by_its_ends():
    articles = [_dated("a", "2023-11-20"), _dated("b", "2024-01-05"), _dated("c", "2024-12-30")]
    assert periods(articles) == {"a": "2023-11 – 2024-01", "b": "2023-11 – 2024-01", "c": "2024-12"}
    assert periods(articles, gap_days=30) == {"a": "2023-11", "b": "2024-01", "c": "2024-12"}


def test_the_gap_is_measured_between_consecutive_dates():
    # 100 days apart each: a chain of small steps stays one period however long it runs
    articles = [_dated(str(k), f"{date.fromordinal(date(2020, 1, 1).toordinal() + 100 * k):%Y-%m-%d}") for k in range(8)]
    assert len(set(periods(articles).values())) == 1
    assert len(set(periods(articles, gap_days=99).values())) == 8


@pytest.mark.parametrize("bad", ["2021-13", "2021-02-30", "not a date", ""])
def test_an_impossible_date_is_undated(bad):
    assert as_date(bad) is None
    assert periods([_dated("a", bad), _dated("b", "2021-07")]) == {"a": UNDATED, "b": "2021-07"}


def test_as_date_reads_years_months_and_days():
    assert as_date("2021") == date(2021, 1, 1)
    assert as_date("2021-07") == date(2021, 7, 1)
    assert as_date("2021-07-25") == date(2021, 7, 25)
    assert as_date(None) is None


def test_periods_do_not_depend_on_the_order_of_the_articles():
    articles = [_dated("a", "2021-07-22"), _dated("b", "2021-07-22"), _dated("c", "2022-03-01"),
                _dated("d", None), _dated("e", "2021-12-01")]
    expected = periods(articles)
    assert list(expected) == sorted(expected)
    for order in itertools.permutations(articles):
        result = periods(list(order))
        assert result == expected and list(result) == list(expected)


def test_period_order_is_time_order_with_undated_last():
    assert period_order({"a": UNDATED, "b": "2024-01", "c": "2021-07 – 2021-09", "d": "2021-07 – 2021-09"}) == [
        "2021-07 – 2021-09", "2024-01", UNDATED]
    assert period_order({}) == []
