"""Load a folder of scraped Arabic news articles into clean, attributed, sentence-split text.

The stage reads each ``.txt`` file (UTF-8 with or without BOM, UTF-16, Windows-1256), removes
news boilerplate line by line (:mod:`talkhis.clean`, recording what each rule removed),
reads the metadata the text carries (outlet, date, title), splits sentences with
:mod:`talkhis.segment`, and measures how much articles overlap (:mod:`talkhis.overlap`) so that
a copy of an article is not counted as a second source. Files are only ever read. The names
of :mod:`talkhis.clean` and :mod:`talkhis.overlap` are re-exported here.
"""

from __future__ import annotations

import codecs
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .clean import MONTH_NUMBER as _MONTH_NUMBER
from .clean import MONTHS as _MONTHS
from .clean import MONTHS_NORMAL as _MONTHS_NORMAL
from .clean import RULES, Removal, Rule, clean
from .errors import InputError
from .metadata import METADATA_FILE, read_metadata, valid_date
from .lang import Language, arabic_ratio, get_language, normalize_arabic
from .overlap import DUPLICATE_CONTAINMENT, Overlap, measure, overlaps
from .segment import HEADING_MAX_WORDS, SENTENCE, Sentence, join_lines, segment

__all__ = [
    "Rule",
    "RULES",
    "Removal",
    "Article",
    "Overlap",
    "Skipped",
    "Corpus",
    "MAX_BYTES",
    "MIN_ARABIC_RATIO",
    "decode_bytes",
    "read_text",
    "clean",
    "parse_date",
    "mentions_day",
    "make_article",
    "overlaps",
    "load_corpus",
    "DUPLICATE_CONTAINMENT",
]

#: Files larger than this are refused before they are read (a news article is a few dozen KB).
MAX_BYTES = 2_000_000
#: Below this share of Arabic letters an article is reported as not Arabic.
MIN_ARABIC_RATIO = 0.5


# --------------------------------------------------------------------------------------------
# Decoding


def decode_bytes(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode the bytes of an article, returning ``(text, encoding)``.

    Tries, in order: a UTF-8 or UTF-16 byte-order mark, BOM-less UTF-16 (recognised by its NUL
    bytes), strict UTF-8, then Windows-1256 (accepted only if the result reads as Arabic).

    Raises:
        InputError: the file is empty, binary, or in none of these encodings.
    """
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    elif b"\x00" in data:
        # BOM-less UTF-16: ASCII characters put their NUL byte second (LE) or first (BE).
        le_first = data[1::2].count(0) >= data[0::2].count(0)
        candidates = [("utf-16-le", data), ("utf-16-be", data)][:: 1 if le_first else -1]
    else:
        candidates = [("utf-8", data), ("cp1256", data)]
    for encoding, raw in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding.startswith("utf-16") and not _plausible(text):
            continue
        if _looks_binary(text):
            raise InputError(f"{name}: binary file, not text")
        if encoding == "cp1256" and arabic_ratio(text) < MIN_ARABIC_RATIO:
            continue
        if not text.strip():
            raise InputError(f"{name}: file holds only white space")
        return text, encoding
    if b"\x00" in data:
        raise InputError(f"{name}: binary file, not text")
    raise InputError(f"{name}: cannot decode: not UTF-8, UTF-16 or Windows-1256 text")


_PLAUSIBLE = re.compile("[\u0000-\u024f\u0600-\u06ff\u0750-\u077f\u2000-\u206f\ufb50-\ufeff]")


def _plausible(text: str) -> bool:
    """True when nearly all characters are Latin, Arabic, punctuation or white space; a wrong
    UTF-16 byte order turns text into a jumble of unrelated scripts."""
    return len(_PLAUSIBLE.findall(text)) >= 0.95 * len(text)


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return "\x00" in text or controls > max(2, len(text) // 200)


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """Read and decode one file without ever writing to it; see :func:`decode_bytes`."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: not a regular file (a device, pipe or socket)")
        if info.st_size > max_bytes:
            raise InputError(
                f"{path}: {info.st_size / 1e6:.1f} MB is over the limit of {max_bytes / 1e6:.1f} MB per article"
            )
        with path.open("rb") as handle:
            data = handle.read()
    except PermissionError:
        raise InputError(f"{path}: cannot read the file (permission denied)") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return decode_bytes(data, str(path))


# --------------------------------------------------------------------------------------------
# Metadata

_DATE_DMY = re.compile(
    rf"(\d{{1,2}})\s*[-/ ]\s*({_MONTHS_NORMAL}|\d{{1,2}})(?:\s*/\s*({_MONTHS_NORMAL}))?\s*[-/ ،,]\s*(\d{{4}})"
)
_DATE_YMD = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_MONTH_YEAR = re.compile(rf"(?<!\d\s)(?<!\d)\b({_MONTHS_NORMAL})\s+(\d{{4}})")


_DAY_MONTH = re.compile(rf"(?<!\d)\d{{1,2}}\s+(?:{_MONTHS})")


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
        found = f"{int(year):04d}-{int(month) if month.isdigit() else _MONTH_NUMBER[month]:02d}-{int(day):02d}"
        if valid_date(found):
            return found
    for m in _DATE_YMD.finditer(normal):
        year, month, day = m.groups()
        found = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        if valid_date(found):
            return found
    return None


def _latest_mention(lines: Iterable[str]) -> str | None:
    """The latest 'month year' or full date mentioned in the body, as ``YYYY-MM``."""
    found = []
    for line in lines:
        normal = normalize_arabic(line)
        for m in _MONTH_YEAR.finditer(normal):
            found.append(f"{int(m.group(2)):04d}-{_MONTH_NUMBER[m.group(1)]:02d}")
        for m in _DATE_DMY.finditer(normal):
            full = parse_date(m.group(0))
            if full:
                found.append(full[:7])
    return max(found) if found else None


@dataclass(frozen=True)
class _Outlet:
    name: str
    patterns: tuple[re.Pattern[str], ...]


# An outlet is recognised from its byline, its app promotion, or 'exclusive statements to X'
# (a mention of a channel elsewhere in the text is not enough: articles quote other outlets).
_OUTLETS = (
    _Outlet("Asharq", (re.compile(r"^\S+\s*[-–—]\s*الشرق$"), re.compile(r"خاصة\s+(?:لتلفزيون\s*|لـ\s*)[\"“]?الشرق[\"”]?(?!\s*الأوسط)"))),
    _Outlet("Ultra Iraq", (re.compile(r"^(?:الترا|ألترا)\s*عراق\s*[-–—]"),)),
    _Outlet("Baghdad Today", (re.compile(r"^بغداد اليوم\s*[-–—]"),)),
    _Outlet("Fox News", (re.compile(r"تطبيق\s+(?:FOX NEWS|فوكس نيوز)", re.I),)),
    _Outlet("Al Jazeera", (re.compile(r"^(?:\S+\s*[-–—]\s*)?الجزيرة\s*(?:نت)?$|تطبيق\s+الجزيرة"),)),
    _Outlet("Al Arabiya", (re.compile(r"^\S+\s*[-–—]\s*العربية(?:\.نت)?$"),)),
    _Outlet("Sky News Arabia", (re.compile(r"^\S+\s*[-–—]\s*سكاي نيوز عربية$"),)),
)


def _detect_outlet(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """The first recognised outlet and the words that gave it away."""
    for outlet in _OUTLETS:
        for line in lines:
            for pattern in outlet.patterns:
                m = pattern.search(line)
                if m:
                    return outlet.name, m.group(0)
    return None, None


def _is_headline(line: str) -> bool:
    return len(line.split()) <= HEADING_MAX_WORDS and not line.rstrip("\"'”»)").endswith((".", "!", "؟", "?", "…"))


# --------------------------------------------------------------------------------------------
# Articles and the corpus


@dataclass
class Article:
    """One cleaned, segmented article and everything known about where its text came from."""

    id: str
    text: str
    path: str | None = None
    encoding: str = "utf-8"
    title: str | None = None
    outlet: str | None = None
    outlet_source: str | None = None
    date: str | None = None
    date_source: str | None = None
    latest_date_mentioned: str | None = None
    removed: list[Removal] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    duplicate_of: str | None = None

    @property
    def body(self) -> list[Sentence]:
        """The full sentences (no headings, titles or fragments)."""
        return [s for s in self.sentences if s.kind == SENTENCE]

    @property
    def n_words(self) -> int:
        return sum(s.n_words for s in self.sentences)


def _dated_headline(text: str, kept: Sequence[tuple[int, int]], dateline: Removal | None) -> bool:
    """True when the dateline comes right after the first kept line and that line is short: a
    headline, even one that ends with a full stop (as WikiNews headlines do)."""
    if dateline is None or len(kept) < 2:
        return False
    (start, end), (next_start, _) = kept[0], kept[1]
    return end <= dateline.start and dateline.end <= next_start and len(text[start:end].split()) <= HEADING_MAX_WORDS


def make_article(article_id: str, text: str, *, path: str | None = None, encoding: str = "utf-8",
                 lang: Language | None = None) -> Article:
    """Clean, segment and describe one decoded text (the in-memory entry point of the stage)."""
    lang = lang or get_language("ar")
    kept, removed = clean(text)
    kept = join_lines(text, kept)  # hard-wrapped lines become one block per paragraph
    removed_lines = [r.text for r in removed]
    kept_lines = [text[a:b] for a, b in kept]
    dateline = next((r for r in removed if r.rule == "dateline"), None)
    title_block = 0 if len(kept) > 1 and (_is_headline(kept_lines[0]) or _dated_headline(text, kept, dateline)) else None
    article = Article(id=article_id, text=text, path=path, encoding=encoding, removed=removed)
    article.sentences = segment(text, kept, article_id, lang, title_block=title_block)
    if title_block is not None:
        article.title = kept_lines[0]
    article.outlet, evidence = _detect_outlet(removed_lines + kept_lines)
    article.outlet_source = f"text: {evidence}" if evidence else None
    article.date = parse_date(dateline.text) if dateline else None
    article.date_source = "text: dateline" if article.date else None
    article.latest_date_mentioned = _latest_mention(kept_lines)
    return article


@dataclass(frozen=True)
class Skipped:
    """A file that was not loaded, and why."""

    path: str
    reason: str


@dataclass
class Corpus:
    """The loaded articles, the files that were skipped, and pairwise overlaps."""

    articles: list[Article]
    overlaps: list[Overlap] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    folder: str | None = None
    #: Things about the input a reader should know (e.g. metadata rows that matched no article).
    notes: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for a in self.articles for s in a.sentences]

    def article(self, article_id: str) -> Article:
        """The article with this id (a dictionary lookup, rebuilt when the list changed)."""
        index = self.__dict__.get("_by_id")
        if index is None or index[0] is not self.articles or index[1] != len(self.articles):
            index = self.__dict__["_by_id"] = (self.articles, len(self.articles), {a.id: a for a in self.articles})
        found = index[2].get(article_id)
        if found is None or found.id != article_id:
            raise KeyError(article_id)
        return found

    def story(self, article_id: str) -> str:
        """The canonical article a (near-)duplicate counts as; itself for an original."""
        return self.article(article_id).duplicate_of or article_id

    @classmethod
    def from_articles(cls, articles: Sequence[Article], lang: Language | None = None, **kwargs) -> Corpus:
        """Build a corpus from articles in memory, measuring overlaps and marking duplicates."""
        articles = sorted(articles, key=lambda a: a.id)
        pairs = measure(articles, lang)
        return cls(list(articles), pairs, **kwargs)


def _apply_metadata(article: Article, row: dict[str, str], source: str) -> None:
    for key in ("outlet", "date"):
        if row.get(key):
            setattr(article, key, row[key])
            setattr(article, f"{key}_source", source)
    if row.get("title"):
        article.title = row["title"]


def load_corpus(
    folder: str | Path,
    *,
    language: str = "ar",
    max_bytes: int = MAX_BYTES,
    strict: bool = False,
) -> Corpus:
    """Load every ``.txt`` file of ``folder`` (sorted by name) into a :class:`Corpus`.

    A file that cannot be used (empty, binary, undecodable, too large, not Arabic) is skipped
    and listed in ``Corpus.skipped``; with ``strict=True`` it is an error instead. An optional
    ``metadata.csv`` in the folder supplies outlet, date or title the text does not carry.

    Raises:
        InputError: the folder is missing or holds no usable article.
    """
    lang = get_language(language)
    root = Path(folder)
    if not root.exists():
        raise InputError(f"{root}: no such folder")
    if not root.is_dir():
        raise InputError(f"{root}: not a folder (give the folder that holds the .txt articles)")
    try:
        paths = sorted(p for p in root.iterdir() if p.suffix.lower() == ".txt" and not p.name.startswith("."))
    except PermissionError:
        raise InputError(f"{root}: cannot list the folder (permission denied)") from None
    if not paths:
        raise InputError(f"{root}: no .txt articles in the folder")
    meta_path = root / METADATA_FILE
    metadata = read_metadata(meta_path) if meta_path.is_file() else {}
    stems = {p.stem for p in paths}
    notes = [f"{meta_path.name}: id {i!r} names no .txt article in the folder; its row was not used"
             for i in metadata if i not in stems]

    articles: list[Article] = []
    skipped: list[Skipped] = []
    for path in paths:
        try:
            text, encoding = read_text(path, max_bytes=max_bytes)
            ratio = lang.script_ratio(text)
            if ratio < MIN_ARABIC_RATIO:
                raise InputError(f"{path}: not {lang.name} text ({ratio:.0%} of its letters are {lang.name})")
            article = make_article(path.stem, text, path=str(path), encoding=encoding, lang=lang)
            if not article.sentences:
                raise InputError(f"{path}: nothing left after removing boilerplate")
        except InputError as exc:
            if strict:
                raise
            skipped.append(Skipped(str(path), str(exc)))
            continue
        if path.stem in metadata:
            _apply_metadata(article, metadata[path.stem], f"metadata: {METADATA_FILE}")
        articles.append(article)
    if not articles:
        reasons = "; ".join(s.reason for s in skipped)
        raise InputError(f"{root}: no usable article ({reasons})")
    return Corpus.from_articles(articles, lang, skipped=skipped, folder=str(root), notes=notes)
