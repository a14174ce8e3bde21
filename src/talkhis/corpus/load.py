"""Load a folder of scraped Arabic news articles into clean, attributed, sentence-split text.

The stage reads each ``.txt`` file (:mod:`.read`), removes news boilerplate line by line
(:mod:`.clean`, recording what each rule removed), reads the metadata the text carries (outlet,
date, title), splits sentences (:mod:`.segment`), applies an optional ``metadata.csv``
(:mod:`.metadata`), and measures how much articles overlap (:mod:`.overlap`) so that a copy of an
article is not counted as a second source. Files are only ever read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .article import Article, Skipped
from .clean import Removal, clean
from .dates import latest_mention, parse_date
from .lang import Language, get_language
from .metadata import METADATA_FILE, read_metadata
from .outlets import detect_outlet
from .overlap import Overlap, measure
from .read import MAX_BYTES, MIN_ARABIC_RATIO, read_text
from .segment import HEADING_MAX_WORDS, Sentence, join_lines, segment

__all__ = ["Corpus", "make_article", "load_corpus"]


def _is_headline(line: str) -> bool:
    return len(line.split()) <= HEADING_MAX_WORDS and not line.rstrip("\"'”»)").endswith((".", "!", "؟", "?", "…"))


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
    article.outlet, evidence = detect_outlet(removed_lines + kept_lines)
    article.outlet_source = f"text: {evidence}" if evidence else None
    article.date = parse_date(dateline.text) if dateline else None
    article.date_source = "text: dateline" if article.date else None
    article.latest_date_mentioned = latest_mention(kept_lines)
    return article


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

    def copies(self) -> dict[str, str]:
        """Article id → the article it is a near-copy of, for each near-copy (the one home of
        this map: links, coverage and the gold metrics all read it here)."""
        return {a.id: a.duplicate_of for a in self.articles if a.duplicate_of}

    def story(self, article_id: str) -> str:
        """The canonical article a (near-)duplicate counts as; itself for an original."""
        return self.article(article_id).duplicate_of or article_id

    def story_map(self) -> dict[str, str]:
        """Every article id → :meth:`story`, so that a near-copy counts once."""
        return {a.id: a.duplicate_of or a.id for a in self.articles}

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
