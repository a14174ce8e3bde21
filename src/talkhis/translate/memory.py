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
    rows, problems = [], []
    for n, line in numbered[1:]:
        fields = line.split("\t")
        if len(fields) != len(header):
            problems.append(f"{path} line {n}: {len(fields)} columns, expected {len(header)} ({', '.join(header)}); "
                            "is a tab missing or one too many?")
            continue
        row = MemoryRow(n, **{k: v.strip() for k, v in zip(header, fields) if k in _FIELDS})
        if not row.arabic:
            problems.append(f"{row.where(path)}: the 'arabic' field is empty")
        elif row.sentence and not row.sentence.isdigit():
            problems.append(f"{row.where(path)}: sentence {row.sentence!r} is not a whole number")
        else:
            rows.append(row)
    raise_problems(problems)
    return rows


#: Most problems of a file listed in one error; the rest are counted.
MAX_LISTED = 20


def raise_problems(problems: Sequence[str]) -> None:
    """Raise one :class:`InputError` listing every problem found in a file, one per line (at
    most :data:`MAX_LISTED`, then how many more), so that one run shows all there is to fix."""
    if not problems:
        return
    if len(problems) == 1:
        raise InputError(problems[0])
    listed = "\n".join(f"  {p}" for p in problems[:MAX_LISTED])
    more = f"\n  … and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    raise InputError(f"{len(problems)} problems:\n{listed}{more}")


def check_memory(path: str | Path, rows: Sequence[MemoryRow], *, articles: Collection[str] | None = None,
                 scorer=None) -> list[float | None]:
    """Check the content of a memory a person wrote and return each row's adequacy.

    Raises:
        InputError: rows name an article that is not in ``articles`` (when given), or their
            English scores below the adequacy cut against their Arabic; the message lists every
            such row (see :func:`raise_problems`).
    """
    path = Path(path)
    problems = []
    if articles is not None:
        known = set(articles)
        problems += [(row.line, f"{row.where(path)}: article {row.article!r} is not one of the {len(known)} articles of the "
                     "folder; was this file exported from another folder?"
                     ) for row in rows if row.article and row.article not in known]
    scorer = scorer or AdequacyScorer()
    filled = [r for r in rows if r.english]
    scores = dict(zip((r.line for r in filled), scorer.scores([r.arabic for r in filled], [r.english for r in filled])))
    cal = scorer.calibration
    problems += [(
        row.line, f"{row.where(path)}: the English does not match the Arabic (adequacy {scores[row.line]:.2f}; the shipped "
        f"memory's faithful pairs score {cal.faithful['min']:.2f}-{cal.faithful['max']:.2f}, the cut is "
        f"{cal.cut:.2f}); is it on the right row?")
        for row in filled if not passes(scores[row.line], scorer.cut)]
    raise_problems([message for _, message in sorted(problems)])
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
