"""Which sentences can stand alone in a summary, and why the others cannot.

A summary sentence is read without the sentences around it, so it must be a full sentence of
reasonable length that names whoever it quotes: :func:`candidate_problem` gives the reason a
sentence fails, in words a reader of ``sentences.csv`` understands.
"""

from __future__ import annotations

import re

from ..corpus import SENTENCE, Sentence
from ..corpus.lang import normalize_arabic
from ..corpus.segment import is_self_contained

__all__ = ["MIN_WORDS", "MAX_WORDS", "candidate_problem", "is_candidate"]

#: Shortest and longest candidate, in words.
MIN_WORDS, MAX_WORDS = 8, 60


_QUOTE_OPEN = tuple("\"“«'")
_SAYS = r"^و?(?:قال|اضاف|اكد|اوضح|اشار|لفت|تابع|شدد|اعتبر|راي|بين|صرح|ذكر|افاد|نبه|استدرك|ختم)(?:ت)?"
# A reporting verb followed at once by what was said: nobody is named.
_UNNAMED_SPEAKER = re.compile(_SAYS + r"(?:\s+(?:الي|في|علي))?\s*(?:انه|انها|انهم|ان|:|\"|“|«|،)")
# A reporting verb whose speaker is only a role named in an earlier sentence ('وقال المسؤول إنه').
_ROLE_SPEAKER = re.compile(_SAYS + r"\s+(?:المسؤول|المسؤولون|المتحدث|المصدر)(?:\s+\S+ي)?\s*[،,]?\s*(?:انه|انها|ان|:)")


def candidate_problem(s: Sentence) -> str | None:
    """Why ``s`` cannot stand alone in a summary, or None when it can.

    A candidate is a full sentence of :data:`MIN_WORDS` to :data:`MAX_WORDS` words that reads
    on its own (:func:`talkhis.corpus.segment.is_self_contained`: it does not continue the sentence
    before, as 'مشيراً إلى …' does, and is not cut off) and opens neither with a quotation (a
    quote without its speaker) nor with a reporting verb whose speaker is not named
    ('وأضاف أن …') or is named only by a role an earlier sentence introduced ('وقال المسؤول إنه …').
    """
    if s.kind != SENTENCE:
        return f"a {s.kind}, not a full sentence"
    if s.n_words < MIN_WORDS:
        return f"too short ({s.n_words} words)"
    if s.n_words > MAX_WORDS:
        return f"too long ({s.n_words} words)"
    if s.text.startswith(_QUOTE_OPEN):
        return "opens with a quotation"
    if not is_self_contained(s):
        return "does not read on its own (it continues the sentence before or is cut off)"
    normal = normalize_arabic(s.text)
    if _UNNAMED_SPEAKER.match(normal):
        return "its speaker is not named"
    if _ROLE_SPEAKER.match(normal):
        return "its speaker is named only by a role introduced earlier"
    return None


def is_candidate(s: Sentence) -> bool:
    """True when ``s`` can stand alone in a summary (see :func:`candidate_problem`)."""
    return candidate_problem(s) is None
