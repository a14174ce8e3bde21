"""Language-specific text pieces: normalisation for matching, tokenisation and stopwords.

Normalisation is used only to *compare* text (deduplication, translation-memory lookup, ROUGE,
TF-IDF); displayed text always stays as written. Languages sit in a small registry keyed by
code so another one can be added without touching the pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..errors import UnknownBackend

__all__ = [
    "Language",
    "get_language",
    "normalize_arabic",
    "tokenize",
    "arabic_ratio",
    "stopwords",
]

# Harakat (fathatan .. sukun), the extended marks up to U+065F, superscript alef, and Quranic
# annotation marks: all are dropped for matching.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
# Invisible format characters (zero-width joiners, direction marks, BOM) carry no meaning here.
_FORMAT_CHARS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_CHAR_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Eastern Arabic-Indic (Persian) digits
        "٫": ".",  # Arabic decimal separator
        "٬": ",",  # Arabic thousands separator
    }
)
_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def normalize_arabic(text: str) -> str:
    """Normalise Arabic text for matching: NFKC, no diacritics or tatweel, unified letter
    variants (alef forms -> ا, ى -> ي, ة -> ه), ASCII digits, lower-case Latin, single spaces.

    The function is idempotent: ``normalize_arabic(normalize_arabic(t)) == normalize_arabic(t)``.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _FORMAT_CHARS.sub("", _DIACRITICS.sub("", text)).replace(_TATWEEL, "")
    text = text.translate(_CHAR_MAP).lower()
    return " ".join(text.split())


def tokenize(text: str) -> list[str]:
    """Split normalised text into word tokens; numbers like ``2,500`` or ``3.5`` stay whole."""
    return _TOKEN.findall(normalize_arabic(text))


def arabic_ratio(text: str) -> float:
    """Share of letters in ``text`` that are Arabic letters (0.0 when it has no letters)."""
    letters = _LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _ARABIC_LETTER.match(ch)) / len(letters)


@cache
def stopwords(code: str = "ar") -> frozenset[str]:
    """The stopword list for a language, read from the package data and normalised."""
    path = resources.files("talkhis") / "data" / "stopwords" / f"{code}.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(normalize_arabic(line))
    return frozenset(words)


@dataclass(frozen=True)
class Language:
    """What the pipeline needs to know about one language."""

    code: str
    name: str
    min_script_ratio: float = 0.5
    abbreviations: frozenset[str] = field(default_factory=frozenset)

    def normalize(self, text: str) -> str:
        return normalize_arabic(text)

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text)

    def stopwords(self) -> frozenset[str]:
        return stopwords(self.code)

    def script_ratio(self, text: str) -> float:
        return arabic_ratio(text)


# Abbreviations that end with a full stop without ending the sentence.
_ARABIC_ABBREVIATIONS = frozenset(
    {
        "د", "م", "ص", "ق", "ج", "أ", "ه", "هـ", "ت", "ب", "س", "ع", "ك",  # single-letter (Dr., AD, ...)
        "أ.د", "ص.ب", "ق.م", "إلخ", "الخ",
        "mr", "mrs", "dr", "prof", "st", "vs", "no", "u.s", "u.n", "e.g", "i.e", "etc", "jan", "feb",
        "aug", "sep", "sept", "oct", "nov", "dec", "gen", "col", "lt", "sgt", "inc", "ltd", "co",
    }
)

_REGISTRY: dict[str, Language] = {
    "ar": Language(code="ar", name="Arabic", abbreviations=_ARABIC_ABBREVIATIONS),
}


def get_language(code: str = "ar") -> Language:
    """Return the registered language for ``code``; unknown codes list the known ones."""
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownBackend(f"unknown language {code!r}; choose one of {sorted(_REGISTRY)}") from None
