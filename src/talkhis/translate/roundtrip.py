"""Human translations, round trip: export what no backend covers, a person fills in the
English, and ``--translator reference:todo.tsv+reference`` uses it.

The exported file is a translation memory (columns ``article``, ``sentence``, ``arabic``,
``english``) with the English left empty; each distinct segment appears once (a copied article
adds no rows). It is written whole or not at all and never replaces a file unless told to.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from ..corpus.lang import normalize_arabic
from ..errors import InputError
from ..paths import atomic_write
from .memory import check_memory, read_memory_rows

__all__ = ["ExportReport", "CheckReport", "export_todo", "check_translations", "HEADER", "write_whole"]

HEADER = ("article", "sentence", "arabic", "english")


@dataclass(frozen=True)
class ExportReport:
    """What :func:`export_todo` wrote."""

    path: Path
    rows: int
    segments: int
    covered: int


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check_translations` found in a filled-in file."""

    path: Path
    rows: int
    filled: int
    lowest: float | None


def write_whole(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole (:func:`talkhis.paths.atomic_write`), readable by all,
    into a folder that must exist.

    Raises:
        InputError: the folder is missing or cannot be written; nothing is left behind.
    """
    try:
        if not path.parent.is_dir():
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
        atomic_write(path, text.encode("utf-8"), mode=0o644)
    except OSError as exc:
        raise InputError(f"{path}: cannot write here ({exc.strerror or exc})") from None


def export_todo(folder: str | Path, out: str | Path, *, translator: str = "reference", force: bool = False,
                **load_options) -> ExportReport:
    """Write every distinct segment of the articles in ``folder`` that ``translator`` does not
    cover to ``out`` (a TSV with an empty ``english`` column for a person to fill in).

    Raises:
        InputError: ``out`` exists (without ``force``) or is a folder, or the articles cannot
            be read.
    """
    from ..corpus import load_corpus
    from . import get_translator

    out = Path(out)
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name such as todo.tsv")
    if out.exists() and not force:
        raise InputError(f"{out}: exists; choose another name or pass --force to replace it")
    corpus = load_corpus(folder, **load_options)
    seen: set[str] = set()
    segments = []
    for s in corpus.sentences:
        key = normalize_arabic(s.text)
        if key and key not in seen:
            seen.add(key)
            segments.append(s)
    found = get_translator(translator, articles=[a.id for a in corpus.articles]).translate([s.text for s in segments])
    todo = [s for s, t in zip(segments, found) if not t.ok]
    lines = [
        f"# talkhis: {len(todo)} of {len(segments)} distinct segments of {folder} that '{translator}' does not translate.",
        "# Write the English of each Arabic segment in the last column (tab-separated, UTF-8); leave it empty to skip",
        "# a row. Each English must say what its Arabic says: rows that do not match are refused when the file is read.",
        f"# Then run: talkhis summarize {folder} --translator reference:{out}+{translator}",
        "\t".join(HEADER),
    ]
    lines += ["\t".join((s.article, str(s.index), " ".join(s.text.split()), "")) for s in todo]
    write_whole(out, "\n".join(lines) + "\n")
    return ExportReport(out, len(todo), len(segments), len(segments) - len(todo))


def check_translations(path: str | Path, folder: str | Path | None = None, **load_options) -> CheckReport:
    """Check a filled-in file the way ``--translator reference:<file>`` will when it loads it
    (columns, articles of ``folder`` when given, English matching its Arabic).

    Raises:
        InputError: every problem found, each naming its line (see :func:`.memory.raise_problems`).
    """
    from ..corpus import load_corpus

    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    rows = read_memory_rows(path)
    articles = [a.id for a in load_corpus(folder, **load_options).articles] if folder is not None else None
    scores = [s for s in check_memory(path, rows, articles=articles) if s is not None]
    return CheckReport(Path(path), len(rows), len(scores), min(scores) if scores else None)
