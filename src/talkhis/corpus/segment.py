"""Arabic sentence segmentation that keeps every sentence traceable to its source text.

A text arrives as *blocks* (character spans of the lines the cleaner kept).

1. :func:`join_lines` joins a line to the next when the line does not end a sentence and the
   next continues it: lines of hard-wrapped text (EASC articles are wrapped at about 78
   characters), and a line cut after a dangling word or comma whose next line cannot open a
   sentence.
2. :func:`split_block` splits a block after ``.`` ``!`` ``?`` ``؟`` ``…`` followed by white space,
   the end of the block, or an Arabic letter glued to the stop, except

   * inside quotation marks (``"…"``, ``“…”``, ``«…»``), so a quote stays with its speaker;
   * after a known abbreviation (``د.``, ``U.S.``) or a list number opening the piece (``1.``);
   * inside numbers (``2,500``, ``3.5``): no white space follows their separator.

   A full stop is stray, and the piece after it joins the sentence before, when that piece is
   a bare noun phrase (a noun without article, no verb, no predicate before its first comma:
   "… التي استهدفت كتائبين. مباني مقر حزب الله ومنشأة استخباراتية، بحسب مسؤول …"), a lone
   word, or opens with a comma; a piece of punctuation alone joins the sentence before it (see
   :mod:`talkhis.corpus.clauses`). ``؛`` separates clauses, not sentences: it is a split point only
   for a sentence over :data:`MAX_WORDS` words, where quotes are no longer honoured either.
3. A line without final punctuation is its own segment (headlines, sub-headings).

Every segment is a :class:`Sentence` whose ``start``/``end`` index the original text, so
``original[s.start:s.end] == s.text`` always holds. :func:`is_self_contained` tells whether a
segment can be read on its own: it does not start mid-clause (a clause opened by ``مشيراً``
after a full stop is a sentence of its own in Arabic news style, but not a self-contained one)
and is not cut off.

Sentence-boundary F1 on the hand-made gold of the seeds (``benchmarks/bench_segment.py``): 0.989,
against 0.978 for sentencex and 0.521 for pysbd, whose Arabic rules end sentences at ``،``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from .clauses import CONTINUING_PUNCTUATION, DANGLING, bare_phrase, lone_word, opens_sentence, words
from .lang import Language, get_language

__all__ = [
    "Sentence",
    "SENTENCE",
    "HEADING",
    "TITLE",
    "FRAGMENT",
    "MAX_WORDS",
    "segment",
    "split_block",
    "join_lines",
    "opens_sentence",
    "is_self_contained",
]

SENTENCE = "sentence"
HEADING = "heading"
TITLE = "title"
FRAGMENT = "fragment"

#: A segment longer than this many words is split at ``؛`` and at punctuation inside quotes.
MAX_WORDS = 80
#: A line without final punctuation and at most this many words is a heading.
HEADING_MAX_WORDS = 20
#: A segment with fewer words than this is a fragment.
MIN_WORDS = 4
#: Text counts as hard-wrapped when its lines are at most this long (90th percentile) ...
WRAP_MAX_WIDTH = 120
#: ... and at least this share of them fill the width to within :data:`WRAP_SLACK` characters.
WRAP_SHARE = 0.5
WRAP_SLACK = 20

_FINAL = set(".!?؟…")
_CLAUSE = "؛"
_CLOSERS = set("\"'”’»)]}")
_OPEN_QUOTES = set("“«")
_CLOSE_QUOTES = set("”»")
_WORD = re.compile(r"\S+")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_PUNCTUATION_ONLY = re.compile(r"[\W_]+")
_CITATION = re.compile(r"\s*\[\d{1,3}\]")  # a reference mark after a full stop, as in "… البشرية".[1]"
_CITATION_TAIL = re.compile(r"(?:\s*\[\d{1,3}\])+$")



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

    @property
    def line(self) -> str:
        """The text on one line for people to read: single spaces where the source wrapped."""
        return " ".join(self.text.split())


def _unterminated(text: str) -> bool:
    """True when ``text`` does not end with final punctuation (closers and ``[1]`` aside)."""
    stripped = _CITATION_TAIL.sub("", text.rstrip()).rstrip("".join(_CLOSERS))
    return not stripped or stripped[-1] not in _FINAL


def _cut_off(text: str) -> bool:
    """True when ``text`` stops without final punctuation after a word that needs a sequel."""
    found = words(text)
    return _unterminated(text) and bool(found) and found[-1] in DANGLING


def is_self_contained(sentence: Sentence | str) -> bool:
    """Whether a segment reads on its own: it does not start mid-clause (see
    :func:`opens_sentence`) and is not cut off after a dangling word (``… فيما``)."""
    text = sentence.text if isinstance(sentence, Sentence) else sentence
    return opens_sentence(text) and not _cut_off(text)


# ---------------------------------------------------------------------------- lines


def _line_length(text: str, end: int) -> int:
    """Length of the physical line that ends at ``end`` (indentation included)."""
    return end - (text.rfind("\n", 0, end) + 1)


def _wrap_width(text: str, blocks: Sequence[tuple[int, int]]) -> int | None:
    """The width ``text`` is hard-wrapped at, or ``None`` when it is not hard-wrapped."""
    if len(blocks) < 4:
        return None
    lengths = sorted(_line_length(text, b) for _, b in blocks)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    full = sum(1 for n in lengths if n >= width - WRAP_SLACK)
    return width if width <= WRAP_MAX_WIDTH and full >= WRAP_SHARE * len(lengths) else None


def _continues(text: str, prev: tuple[int, int], block: tuple[int, int], width: int | None) -> bool:
    """Whether ``block`` continues the sentence left open at the end of ``prev``."""
    gap = text[prev[1] : block[0]]
    if gap.strip() or gap.count("\n") != 1 or not _unterminated(text[prev[0] : prev[1]]):
        return False
    following = text[block[0] : block[1]]
    if width is not None:
        # A wrapping editor breaks a line only when the next word does not fit on it; a number
        # (laid out left to right) may be moved to the next line earlier.
        first_word = following.split(maxsplit=1)[0]
        return first_word[0].isdigit() or _line_length(text, prev[1]) + 1 + len(first_word) > width
    line = text[prev[0] : prev[1]].rstrip()
    return (_cut_off(line) or line.endswith(("،", ","))) and not opens_sentence(following)


def join_lines(text: str, blocks: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join line spans that belong to one sentence into one block (see the module docstring).

    Args:
        text: the article's text.
        blocks: ``(start, end)`` spans of its kept lines, in order.

    Returns:
        ``(start, end)`` spans, each one line or several consecutive lines.
    """
    width = _wrap_width(text, blocks)
    out: list[tuple[int, int]] = []
    for block in blocks:
        if out and _continues(text, out[-1], block, width):
            out[-1] = (out[-1][0], block[1])
        else:
            out.append(tuple(block))
    return out


# ---------------------------------------------------------------------------- splitting


def _is_abbreviation(text: str, dot: int, lang: Language) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation such as ``د.`` or ``U.S.``."""
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"“«":
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    return lang.normalize(word) in _normal_abbreviations(lang) or (len(word) == 1 and word.isalpha())


@cache
def _normal_abbreviations(lang: Language) -> frozenset[str]:
    """The language's abbreviations, normalised once per process (not at every full stop)."""
    return frozenset(lang.normalize(a) for a in lang.abbreviations)


def _is_list_number(text: str, piece_start: int, dot: int) -> bool:
    """True when the full stop at ``dot`` follows a number that opens the piece (``1. …``)."""
    head = text[piece_start:dot].strip().lstrip("·-–—*•")
    return head.isdigit()


def _split_points(text: str, start: int, end: int, lang: Language, *, strict: bool) -> list[int]:
    """Offsets (exclusive ends) at which sentences end inside ``text[start:end]``. ``strict``
    splits also at ``؛`` and inside quotes (for over-long sentences)."""
    final = _FINAL | {_CLAUSE} if strict else _FINAL
    points: list[int] = []
    depth = 0  # curly/guillemet quotes
    ascii_open = False
    piece_start = start
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif ch == '"':
            ascii_open = not ascii_open
        elif ch in final:
            j = i + 1
            while j < end and (text[j] in final or text[j] in _CLOSERS or _CITATION.match(text, j, end)):
                if m := _CITATION.match(text, j, end):
                    j = m.end()
                    continue
                if text[j] in _CLOSE_QUOTES:
                    depth = max(0, depth - 1)
                elif text[j] == '"':
                    ascii_open = not ascii_open
                j += 1
            # A boundary is white space, or an Arabic letter glued to the stop ("للإنسان .وللناي").
            at_boundary = j >= end or text[j].isspace() or (ch != "…" and _ARABIC_LETTER.match(text[j]) is not None)
            quoted = not strict and (depth > 0 or ascii_open)
            single_dot = ch == "." and j == i + 1
            kept = single_dot and (_is_abbreviation(text, i, lang) or _is_list_number(text, piece_start, i))
            if at_boundary and not quoted and not kept and j < end:
                points.append(j)
                piece_start = j
            i = j
            continue
        i += 1
    return points


def _pieces(text: str, start: int, end: int, points: Sequence[int]) -> list[tuple[int, int]]:
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


def _stray_stop(before: str, piece: str) -> bool:
    """Whether the full stop ending ``before`` is stray: ``piece`` is punctuation alone, or
    follows a single full stop and starts with continuing punctuation, is a bare noun phrase
    or a lone word. (A clause opened by a participle, ``… . مشيراً إلى …``, is a sentence of its
    own in Arabic news style, though not a self-contained one.)"""
    if _PUNCTUATION_ONLY.fullmatch(piece):
        return True
    end = before.rstrip("".join(_CLOSERS))
    single = end.endswith(".") and not end.endswith("..")
    return single and (piece[0] in CONTINUING_PUNCTUATION or bare_phrase(piece) or lone_word(piece))


def _repair(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join each piece after a stray full stop to the piece before it."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and _stray_stop(text[out[-1][0] : out[-1][1]], text[a:b]):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def split_block(text: str, start: int, end: int, lang: Language | None = None) -> list[tuple[int, int]]:
    """Split one block ``text[start:end]`` into sentence spans (see the module docstring)."""
    lang = lang or get_language("ar")
    spans = []
    for a, b in _repair(text, _pieces(text, start, end, _split_points(text, start, end, lang, strict=False))):
        if len(_WORD.findall(text, a, b)) > MAX_WORDS:
            spans.extend(_pieces(text, a, b, _split_points(text, a, b, lang, strict=True)))
        else:
            spans.append((a, b))
    return spans


def _kind(text: str) -> str:
    """Classify a segment: short unterminated single lines are headings, very short or cut-off
    segments are fragments, the rest are sentences."""
    if _cut_off(text):
        return FRAGMENT
    terminated = not _unterminated(text) or text.rstrip().endswith(_CLAUSE)
    n_words = len(text.split())
    if not terminated and n_words <= HEADING_MAX_WORDS and "\n" not in text:
        return HEADING
    if n_words < MIN_WORDS:
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
        blocks: ``(start, end)`` spans to segment, in order: lines, or runs of lines that
            :func:`join_lines` joined.
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
