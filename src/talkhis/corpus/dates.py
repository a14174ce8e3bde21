"""Dates in Arabic news text and in metadata: one home for every date rule.

Month names in all their Arabic spellings (Egyptian, Levantine and Maghrebi, with or without
hamza), full dates in the text (:func:`parse_date`), the latest month an article mentions,
whether a sentence names a day, ISO dates as written in ``metadata.csv`` (:func:`valid_date`)
and as compared between articles (:func:`as_date`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .lang import normalize_arabic

__all__ = ["MONTH_NUMBER", "MONTHS", "MONTHS_NORMAL", "as_date", "valid_date", "parse_date", "mentions_day",
           "latest_mention"]

# Month names as they are *compared*: normalised (see :func:`talkhis.lang.normalize_arabic`), so
# 'أيار', 'ايار' and 'إيار' are one name; longer names first, so 'تشرين الاول' is not read as a
# shorter name.
MONTH_NUMBER = {
    **dict.fromkeys(["يناير", "كانون الثاني", "جانفي"], 1),
    **dict.fromkeys(["فبراير", "شباط", "فيفري"], 2),
    **dict.fromkeys(["مارس", "اذار"], 3),
    **dict.fromkeys(["ابريل", "نيسان", "افريل"], 4),
    **dict.fromkeys(["مايو", "ايار", "ماي"], 5),
    **dict.fromkeys(["يونيو", "يونيه", "حزيران", "جوان"], 6),
    **dict.fromkeys(["يوليو", "يوليه", "تموز", "جويليه"], 7),
    **dict.fromkeys(["اغسطس", "اب", "اوت"], 8),
    **dict.fromkeys(["سبتمبر", "ايلول"], 9),
    **dict.fromkeys(["اكتوبر", "تشرين الاول"], 10),
    **dict.fromkeys(["نوفمبر", "تشرين الثاني"], 11),
    **dict.fromkeys(["ديسمبر", "كانون الاول"], 12),
}
MONTHS_NORMAL = "|".join(sorted(MONTH_NUMBER, key=lambda m: (-len(m), m)))


def _any_spelling(name: str) -> str:
    """A pattern matching ``name`` (normalised) as written: any alef form, ى for ي, ة for ه."""
    variants = {"ا": "[اأإآٱ]", "ي": "[يى]", "ه": "[هة]", " ": r"\s+"}
    return "".join(variants.get(ch, re.escape(ch)) for ch in name)


#: Month names as written in the text (for the line rules, which see the raw line).
MONTHS = "|".join(_any_spelling(m) for m in sorted(MONTH_NUMBER, key=lambda m: (-len(m), m)))

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def valid_date(text: str) -> bool:
    """True for an ISO date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` that exists in the calendar
    (years 1000-2999)."""
    m = _ISO_DATE.match(text)
    if not m:
        return False
    year, month, day = (int(g) if g else 1 for g in m.groups())
    if not 1000 <= year <= 2999:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def as_date(iso: str | None) -> date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as a date (a month or year as its first day);
    None for a missing or impossible date."""
    if not iso:
        return None
    try:
        parts = [int(p) for p in iso.strip().split("-")[:3]]
        while len(parts) < 3:
            parts.append(1)
        return date(*parts)
    except ValueError:
        return None


_DATE_DMY = re.compile(
    rf"(\d{{1,2}})\s*[-/ ]\s*({MONTHS_NORMAL}|\d{{1,2}})(?:\s*/\s*({MONTHS_NORMAL}))?\s*[-/ ،,]\s*(\d{{4}})"
)
_DATE_YMD = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_MONTH_YEAR = re.compile(rf"(?<!\d\s)(?<!\d)\b({MONTHS_NORMAL})\s+(\d{{4}})")


_DAY_MONTH = re.compile(rf"(?<!\d)\d{{1,2}}\s+(?:{MONTHS})")


def mentions_day(text: str) -> bool:
    """True when ``text`` names a day of a month ('في 4 كانون الثاني', '17 أكتوبر')."""
    return _DAY_MONTH.search(text) is not None


def parse_date(text: str) -> str | None:
    """Parse the first full date in ``text`` as ISO ``YYYY-MM-DD``.

    Reads day-month-year with the month as a number or a name in any of its Arabic spellings
    (Egyptian, Levantine and Maghrebi names, with or without hamza: '25-يوليو-2021',
    'الجمعة 21 ايار 2010', '25 تموز/يوليو 2021', '22 تشرين الاول 2010', '27/02/2010'), and
    year-month-day ('2021/07/25'); Arabic-Indic digits count as digits. A match that is no
    calendar date (see :func:`valid_date`; '31-06-2021') is skipped.
    """
    normal = normalize_arabic(text)
    for m in _DATE_DMY.finditer(normal):
        day, month, _, year = m.groups()
        found = f"{int(year):04d}-{int(month) if month.isdigit() else MONTH_NUMBER[month]:02d}-{int(day):02d}"
        if valid_date(found):
            return found
    for m in _DATE_YMD.finditer(normal):
        year, month, day = m.groups()
        found = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        if valid_date(found):
            return found
    return None


def latest_mention(lines: Iterable[str]) -> str | None:
    """The latest 'month year' or full date mentioned in the body, as ``YYYY-MM``."""
    found = []
    for line in lines:
        normal = normalize_arabic(line)
        for m in _MONTH_YEAR.finditer(normal):
            found.append(f"{int(m.group(2)):04d}-{MONTH_NUMBER[m.group(1)]:02d}")
        for m in _DATE_DMY.finditer(normal):
            full = parse_date(m.group(0))
            if full:
                found.append(full[:7])
    return max(found) if found else None
