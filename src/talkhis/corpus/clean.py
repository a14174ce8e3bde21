"""Remove news boilerplate from an article, line by line, recording what each rule removed.

The rules in :data:`RULES` each match one kind of line that is not part of the story (advert
markers, reading times, photo captions, 'read also' links, app promotions, bylines, datelines);
:func:`clean` applies them and two rules that need context (link titles after a 'read also'
header, repeated lines). Text is never modified: the result is spans into it. The month names
the dateline rule reads come from :mod:`talkhis.corpus.dates`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .dates import MONTHS

__all__ = ["Rule", "RULES", "Removal", "clean"]


@dataclass(frozen=True)
class Rule:
    """A line-level cleaning rule: a line matching ``pattern`` is removed as boilerplate."""

    name: str
    description: str
    pattern: re.Pattern[str]

    def matches(self, line: str) -> bool:
        return bool(self.pattern.search(line))


_CREDITS = r"REUTERS|Reuters|رويترز|AFP|أ\s?ف\s?ب|فرانس برس|Getty(?: Images)?|AP|أسوشيتد برس|EPA|الأناضول|Anadolu"
_OUTLET_NAMES = r"الشرق|الترا\s*عراق|ألترا\s*عراق|بغداد اليوم|فوكس نيوز|الجزيرة|العربية|سكاي نيوز عربية|وكالات"
_DESK = r"فريق التحرير|متابعة|خاص|وكالات|المحرر|محرر"
# A day, a month (a name, a name pair such as 'تموز/يوليو', or a number) and a year.
_DMY = r"\d{{1,2}}\s*[-/ ]\s*(?:{m}|\d{{1,2}})(?:\s*/\s*(?:{m}))?\s*[-/ ،,]\s*\d{{4}}"
_YMD = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}"

#: The boilerplate rules, applied in this order to each stripped line.
RULES: tuple[Rule, ...] = (
    Rule("ad_marker", "advertising slot markers such as [ad_1]", re.compile(r"^\[\s*ad_?\d*\s*\]$", re.I)),
    Rule(
        "reading_time",
        "reading-time lines ('دقائق القراءة - 7', '5 min read')",
        re.compile(r"دقائق القراءة|دقيقة للقراءة|وقت القراءة|مدة القراءة|time reading icon|\b\d+\s*min(?:ute)?s?\s+read\b", re.I),
    ),
    Rule(
        "photo_caption",
        "photo captions ending in an agency or photo credit ('… - REUTERS', '… (Getty)')",
        re.compile(rf"(?<![.!?؟\s])\s*(?:[-–—|]\s*(?:{_CREDITS})|\(\s*(?:{_CREDITS})\s*\))\s*$"),
    ),
    Rule(
        "read_also",
        "'read also' links ('اقرأ/ي أيضًا: …')",
        re.compile(r"^(?:اقرأ|إقرأ|اقرا|إقرا)(?:\s*/\s*ي)?\s+(?:أيضًا|أيضاً|أيضا|ايضا|المزيد)"),
    ),
    Rule(
        "app_promo",
        "app and social-media promotions ('انقر هنا للحصول على تطبيق …')",
        re.compile(r"(?:انقر|اضغط)\s+هنا\s+(?:للحصول|لتحميل|لتنزيل|للاشتراك)|حم[ّ]?ل\s+تطبيق|تابعونا على|click here to get", re.I),
    ),
    Rule(
        "byline",
        "outlet and desk bylines ('دبي-الشرق', 'بغداد اليوم – متابعة')",
        re.compile(rf"^(?=.{{0,40}}$)\S+(?:\s\S+)?\s*[-–—]\s*(?:{_OUTLET_NAMES}|{_DESK})$|^(?:{_OUTLET_NAMES})\s*[-–—]\s*(?:{_DESK})$"),
    ),
    Rule(
        "dateline",
        "lines holding only a date, after an optional weekday ('25-يوليو-2021', 'الاثنين ، 1 فبراير 2010')",
        re.compile(rf"^(?:\S+\s*[،,]?\s+)?(?:{_DMY.format(m=MONTHS)}|{_YMD})\s*\.?$"),
    ),
)

_READ_ALSO_HEADER = re.compile(RULES[3].pattern.pattern + r"\s*[:：]?\s*$")
_LINE = re.compile(r"[^\r\n]+")


@dataclass(frozen=True)
class Removal:
    """A line the cleaner removed, with the rule that removed it and where it was."""

    rule: str
    text: str
    start: int
    end: int


def _lines(text: str) -> Iterable[tuple[int, int]]:
    """Spans of the non-blank lines of ``text``, trimmed of surrounding white space."""
    for m in _LINE.finditer(text):
        a, b = m.span()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            yield a, b


def _ends_sentence(line: str) -> bool:
    return line.rstrip("\"'”»)").endswith((".", "!"))


def clean(text: str, rules: Sequence[Rule] = RULES) -> tuple[list[tuple[int, int]], list[Removal]]:
    """Split ``text`` into kept line spans and removed boilerplate lines.

    Besides the line rules, two rules need context: a bare 'read also' header also removes the
    link titles after it (up to three short lines that do not end a sentence), and a line that
    repeats an earlier line (after white-space normalisation) is removed as ``repeated_line``.

    Returns:
        ``(kept, removed)``: kept ``(start, end)`` spans in order, and :class:`Removal` records.
    """
    kept: list[tuple[int, int]] = []
    removed: list[Removal] = []
    seen: set[str] = set()
    link_lines_left = 0
    for a, b in _lines(text):
        line = text[a:b]
        key = " ".join(line.split())
        rule = next((r.name for r in rules if r.matches(line)), None)
        if rule is None and link_lines_left:
            if len(line.split()) <= 25 and not _ends_sentence(line):
                rule = "read_also"
                link_lines_left -= 1
            else:
                link_lines_left = 0
        if rule is None and key in seen:
            rule = "repeated_line"
        if rule == "read_also" and _READ_ALSO_HEADER.match(line):
            link_lines_left = 3
        seen.add(key)
        if rule:
            removed.append(Removal(rule, line, a, b))
        else:
            kept.append((a, b))
    return kept, removed
