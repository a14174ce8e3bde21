"""Which outlet published an article, read from the words that give it away.

An outlet is recognised from its byline, its app promotion, or 'exclusive statements to X' (a
mention of a channel elsewhere in the text is not enough: articles quote other outlets).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["detect_outlet"]


@dataclass(frozen=True)
class _Outlet:
    name: str
    patterns: tuple[re.Pattern[str], ...]


_OUTLETS = (
    _Outlet("Asharq", (re.compile(r"^\S+\s*[-–—]\s*الشرق$"), re.compile(r"خاصة\s+(?:لتلفزيون\s*|لـ\s*)[\"“]?الشرق[\"”]?(?!\s*الأوسط)"))),
    _Outlet("Ultra Iraq", (re.compile(r"^(?:الترا|ألترا)\s*عراق\s*[-–—]"),)),
    _Outlet("Baghdad Today", (re.compile(r"^بغداد اليوم\s*[-–—]"),)),
    _Outlet("Fox News", (re.compile(r"تطبيق\s+(?:FOX NEWS|فوكس نيوز)", re.I),)),
    _Outlet("Al Jazeera", (re.compile(r"^(?:\S+\s*[-–—]\s*)?الجزيرة\s*(?:نت)?$|تطبيق\s+الجزيرة"),)),
    _Outlet("Al Arabiya", (re.compile(r"^\S+\s*[-–—]\s*العربية(?:\.نت)?$"),)),
    _Outlet("Sky News Arabia", (re.compile(r"^\S+\s*[-–—]\s*سكاي نيوز عربية$"),)),
)


def detect_outlet(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """The first recognised outlet and the words that gave it away."""
    for outlet in _OUTLETS:
        for line in lines:
            for pattern in outlet.patterns:
                m = pattern.search(line)
                if m:
                    return outlet.name, m.group(0)
    return None, None
