"""Arabic sentence segmentation that keeps every sentence traceable to its source text.

A text arrives as *blocks* (character spans of the lines the cleaner kept). Each block is split at
sentence-final punctuation (``.`` ``!`` ``?`` ``؟`` ``…`` ``؛``) when it is followed by white space
or the end of the block, except

* inside quotation marks (``"…"``, ``“…”``, ``«…»``), so a quote stays with its speaker, unless
  the quoted stretch grows beyond :data:`MAX_WORDS` words;
* after a known abbreviation (``د.``, ``U.S.``);
* inside numbers (``2,500``, ``3.5``): no white space follows their separator.

A line without final punctuation is its own segment (headlines, sub-headings). Every segment is
a :class:`Sentence` whose ``start``/``end`` index the original text, so
``original[s.start:s.end] == s.text`` always holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .lang import Language, get_language

__all__ = ["Sentence", "SENTENCE", "HEADING", "TITLE", "FRAGMENT", "MAX_WORDS", "segment", "split_block"]

SENTENCE = "sentence"
HEADING = "heading"
TITLE = "title"
FRAGMENT = "fragment"

#: A segment longer than this many words is split at punctuation even inside quotes.
MAX_WORDS = 80
#: A line without final punctuation and at most this many words is a heading.
HEADING_MAX_WORDS = 20
#: A segment with fewer words than this is a fragment.
MIN_WORDS = 4

_FINAL = set(".!?؟…؛")
_CLOSERS = set("\"'”’»)]}")
_OPEN_QUOTES = set("“«")
_CLOSE_QUOTES = set("”»")
# Words a scraped line may be cut off after: such a line is an unfinished fragment.
_DANGLING = frozenset({"فيما", "و", "أن", "ان", "التي", "الذي", "حيث", "بينما", "لكن", "في", "من", "على", "إلى", "الى"})
_WORD = re.compile(r"\S+")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


@dataclass(frozen=True)
class Sentence:
    """One segment of an article, with where it sits in the original text.

    Attributes:
        article: id of the article it comes from.
        index: position among the article's segments (0-based).
        start: offset of its first character in the article's decoded text.
        end: offset one past its last character.
        text: the segment exactly as written (``original[start:end]``).
        kind: ``sentence``, ``heading``, ``title`` or ``fragment``.
    """

    article: str
    index: int
    start: int
    end: int
    text: str
    kind: str = SENTENCE

    @property
    def n_words(self) -> int:
        return len(self.text.split())


def _is_abbreviation(text: str, dot: int, lang: Language) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation such as ``د.`` or ``U.S.``."""
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"“«":
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    normal = {lang.normalize(a) for a in lang.abbreviations}
    return lang.normalize(word) in normal or (len(word) == 1 and word.isalpha())


def _split_points(text: str, start: int, end: int, lang: Language, *, honour_quotes: bool) -> list[int]:
    """Offsets (exclusive ends) at which sentences end inside ``text[start:end]``."""
    points: list[int] = []
    depth = 0  # curly/guillemet quotes
    ascii_open = False
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif ch == '"':
            ascii_open = not ascii_open
        elif ch in _FINAL:
            j = i + 1
            while j < end and (text[j] in _FINAL or text[j] in _CLOSERS):
                if text[j] in _CLOSE_QUOTES:
                    depth = max(0, depth - 1)
                elif text[j] == '"':
                    ascii_open = not ascii_open
                j += 1
            # A boundary is white space, or an Arabic letter glued to the stop ("للإنسان .وللناي").
            at_boundary = j >= end or text[j].isspace() or (ch != "…" and _ARABIC_LETTER.match(text[j]) is not None)
            quoted = honour_quotes and (depth > 0 or ascii_open)
            abbreviation = ch == "." and j == i + 1 and _is_abbreviation(text, i, lang)
            if at_boundary and not quoted and not abbreviation and j < end:
                points.append(j)
            i = j
            continue
        i += 1
    return points


def _pieces(text: str, start: int, end: int, points: Iterable[int]) -> list[tuple[int, int]]:
    """Cut ``[start, end)`` at ``points`` and trim white space from each piece."""
    spans = []
    prev = start
    for p in [*points, end]:
        a, b = prev, p
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
        prev = p
    return spans


def split_block(text: str, start: int, end: int, lang: Language | None = None) -> list[tuple[int, int]]:
    """Split one block ``text[start:end]`` into sentence spans (see the module docstring)."""
    lang = lang or get_language("ar")
    spans = []
    for a, b in _pieces(text, start, end, _split_points(text, start, end, lang, honour_quotes=True)):
        if len(_WORD.findall(text, a, b)) > MAX_WORDS:
            spans.extend(_pieces(text, a, b, _split_points(text, a, b, lang, honour_quotes=False)))
        else:
            spans.append((a, b))
    return spans


def _kind(text: str) -> str:
    """Classify a segment: unterminated short lines are headings, very short or cut-off
    segments are fragments, the rest are sentences."""
    words = text.split()
    stripped = text.rstrip("".join(_CLOSERS))
    terminated = bool(stripped) and stripped[-1] in _FINAL
    if not terminated and words[-1].strip("".join(_CLOSERS) + "،,") in _DANGLING:
        return FRAGMENT
    if not terminated and len(words) <= HEADING_MAX_WORDS:
        return HEADING
    if len(words) < MIN_WORDS:
        return FRAGMENT
    return SENTENCE


def segment(
    text: str,
    blocks: Sequence[tuple[int, int]],
    article: str,
    lang: Language | None = None,
    *,
    title_block: int | None = None,
) -> list[Sentence]:
    """Split the kept ``blocks`` of ``text`` into :class:`Sentence` objects of ``article``.

    Args:
        text: the article's full decoded text; spans index into it.
        blocks: ``(start, end)`` spans of the lines to segment, in order.
        article: the article id every sentence carries.
        lang: language whose abbreviations apply (Arabic by default).
        title_block: index in ``blocks`` of the article's title line, if it has one.
    """
    lang = lang or get_language("ar")
    out: list[Sentence] = []
    for b, (start, end) in enumerate(blocks):
        for a, z in split_block(text, start, end, lang):
            piece = text[a:z]
            kind = TITLE if b == title_block else _kind(piece)
            out.append(Sentence(article, len(out), a, z, piece, kind))
    return out
