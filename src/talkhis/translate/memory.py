"""Translation memories: reference English looked up by normalised Arabic.

A memory is a tab-separated file: ``#`` comment lines, a header naming at least the ``arabic``
and ``english`` columns (``article`` and ``sentence`` say where a segment comes from), then one
row per segment. The shipped memory covers every segment of the five seed articles and was
reviewed against the source; a memory a person fills in (``talkhis translations export``) is
checked when it is loaded: every row has the header's columns, names an article of the folder
(when the folder is known), and its English scores at least the adequacy cut against its Arabic.
A row whose English is still empty leaves that sentence untranslated.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..corpus.lang import normalize_arabic
from ..errors import InputError, ModelNotFound
from .adequacy import AdequacyScorer, Calibration, calibrate, passes
from .base import UNTRANSLATED, Translation

__all__ = [
    "calibrate_memory",
    "MEMORY_RESOURCE",
    "MemoryRow",
    "ReferenceTranslator",
    "check_memory",
    "default_memory_path",
    "read_memory",
    "read_memory_rows",
]

#: Where the translation memory of the shipped articles sits inside the package.
MEMORY_RESOURCE = ("data", "translations", "seed-articles.en.tsv")
REQUIRED = ("arabic", "english")
_FIELDS = ("arabic", "english", "article", "sentence")


@dataclass(frozen=True)
class MemoryRow:
    """One row of a memory, with the line of the file it was read from."""

    line: int
    arabic: str
    english: str
    article: str = ""
    sentence: str = ""

    def where(self, path: Path) -> str:
        place = f" (article {self.article}, sentence {self.sentence})" if self.article else ""
        return f"{path} line {self.line}{place}"


def default_memory_path() -> Path:
    """The translation memory for the shipped articles, read as package data so that it is
    found the same way in a checkout, an editable install and an installed wheel."""
    resource = resources.files("talkhis").joinpath(*MEMORY_RESOURCE)
    if not resource.is_file():
        raise ModelNotFound(f"the translation memory {'/'.join(MEMORY_RESOURCE)} is missing from the talkhis package; reinstall talkhis")
    return Path(str(resource))


def read_memory_rows(path: str | Path) -> list[MemoryRow]:
    """Read and check the structure of a memory: the header has ``arabic`` and ``english``,
    every row has as many columns as the header, no Arabic is empty and sentence numbers are
    whole numbers.

    Raises:
        InputError: the file cannot be read, or a row breaks one of these rules (the message
            names its line).
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the translation memory ({exc})") from None
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    header = [c.strip() for c in numbered[0][1].split("\t")] if numbered else []
    if not set(REQUIRED) <= set(header):
        raise InputError(f"{path}: a translation memory needs 'arabic' and 'english' columns")
    rows = []
    for n, line in numbered[1:]:
        fields = line.split("\t")
        if len(fields) != len(header):
            raise InputError(f"{path} line {n}: {len(fields)} columns, expected {len(header)} ({', '.join(header)}); "
                             "is a tab missing or one too many?")
        row = MemoryRow(n, **{k: v.strip() for k, v in zip(header, fields) if k in _FIELDS})
        if not row.arabic:
            raise InputError(f"{row.where(path)}: the 'arabic' field is empty")
        if row.sentence and not row.sentence.isdigit():
            raise InputError(f"{row.where(path)}: sentence {row.sentence!r} is not a whole number")
        rows.append(row)
    return rows


def check_memory(path: str | Path, rows: Sequence[MemoryRow], *, articles: Collection[str] | None = None,
                 scorer=None) -> list[float | None]:
    """Check the content of a memory a person wrote and return each row's adequacy.

    Raises:
        InputError: a row names an article that is not in ``articles`` (when given), or its
            English scores below the adequacy cut against its Arabic (the message names the
            first such row and counts the others).
    """
    path = Path(path)
    if articles is not None:
        known = set(articles)
        for row in rows:
            if row.article and row.article not in known:
                raise InputError(f"{row.where(path)}: article {row.article!r} is not one of the {len(known)} articles "
                                 "of the folder; was this file exported from another folder?")
    scorer = scorer or AdequacyScorer()
    filled = [r for r in rows if r.english]
    scores = dict(zip((r.line for r in filled), scorer.scores([r.arabic for r in filled], [r.english for r in filled])))
    low = [r for r in filled if not passes(scores[r.line], scorer.cut)]
    if low:
        cal, first = scorer.calibration, low[0]
        more = f" ({len(low) - 1} more rows below the cut)" if len(low) > 1 else ""
        raise InputError(
            f"{first.where(path)}: the English does not match the Arabic (adequacy {scores[first.line]:.2f}; the "
            f"shipped memory's faithful pairs score {cal.faithful['min']:.2f}-{cal.faithful['max']:.2f}, the cut is "
            f"{cal.cut:.2f}); is it on the right row?{more}"
        )
    return [scores.get(r.line) for r in rows]


def read_memory(path: str | Path) -> dict[str, str]:
    """A memory as ``{normalised Arabic: English}`` (rows without English left out)."""
    memory: dict[str, str] = {}
    for row in read_memory_rows(path):
        if row.english:
            memory.setdefault(normalize_arabic(row.arabic), row.english)
    return memory


class ReferenceTranslator:
    """Looks sentences up in a translation memory of reference translations.

    Args:
        arg: a memory file; default the shipped memory of the seed articles.
        articles: the ids of the articles being summarised; a row naming another article is
            refused (checked only for a file a person wrote, not the shipped memory).
        check: check that each row's English matches its Arabic (default: for a given file).
    """

    def __init__(self, arg: str | None = None, *, articles: Collection[str] | None = None,
                 check: bool | None = None, scorer=None) -> None:
        if arg and not Path(arg).is_file():
            raise ModelNotFound(f"{arg}: no such translation memory file")
        self.path = Path(arg) if arg else default_memory_path()
        self.name = f"reference:{self.path}" if arg else "reference"
        rows = read_memory_rows(self.path)
        check = bool(arg) if check is None else check
        scores = check_memory(self.path, rows, articles=articles, scorer=scorer) if check else [None] * len(rows)
        self._entries: dict[str, tuple[MemoryRow, float | None]] = {}
        for row, score in zip(rows, scores):
            key = normalize_arabic(row.arabic)
            if key not in self._entries or (row.english and not self._entries[key][0].english):
                self._entries[key] = (row, score)

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        out = []
        for s in sentences:
            row, score = self._entries.get(normalize_arabic(s), (None, None))
            if row is None:
                out.append(Translation(None, UNTRANSLATED, "no reference translation for this sentence"))
            elif not row.english:
                out.append(Translation(None, UNTRANSLATED, f"no English yet in {self.path.name} line {row.line}"))
            else:
                out.append(Translation(row.english, "reference", adequacy=score,
                                       adequacy_ok=None if score is None else True))
        return out


def calibrate_memory(embedder=None, path: str | Path | None = None) -> Calibration:
    """:func:`calibrate` on a translation memory (default: the shipped one)."""
    path = Path(path) if path else default_memory_path()
    rows = [r for r in read_memory_rows(path) if r.english]
    n = len(rows)
    pairs = (f"faithful: the {n} rows of {path.name}; shuffled: each row's Arabic with every other row's "
             f"English ({n * (n - 1)} pairs, all from one story)")
    return calibrate([r.arabic for r in rows], [r.english for r in rows], embedder, pairs=pairs)
