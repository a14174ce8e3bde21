"""Records of human-summarised articles (EASC format) and where the evaluation files live."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..corpus.read import read_bytes
from ..errors import InputError

__all__ = ["Record", "read_records", "read_text_file", "jsonl_objects", "find_eval_file"]


def read_text_file(path: str | Path, what: str = "JSONL file") -> str:
    """The UTF-8 text of ``path`` (a byte-order mark dropped).

    Raises:
        InputError: the file is missing, a folder, not UTF-8 or unreadable.
    """
    path = Path(path)
    try:
        return read_bytes(path, what=what).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def jsonl_objects(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, object)`` for each non-blank line of a JSONL file; ``where`` is ``file:line``
    for error messages.

    Raises:
        InputError: the file cannot be read, or a line is not a JSON object.
    """
    text = read_text_file(path)
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(data).__name__}")
        yield where, data


@dataclass(frozen=True)
class Record:
    """One article with its human summaries."""

    id: str
    article: str
    references: tuple[str, ...]
    title: str | None = None


def read_records(path: str | Path) -> list[Record]:
    """Read a JSONL file of ``{id, article, references[, title]}`` objects, one a line (blank
    lines skipped; other keys ignored).

    Raises:
        InputError: the file is missing or unreadable, or a line is not such a record; the
            message names the file and the line.
    """
    records: list[Record] = []
    seen: set[str] = set()
    for where, data in jsonl_objects(path):
        missing = [key for key in ("id", "article", "references") if key not in data]
        if missing:
            raise InputError(f"{where}: the record has no {' or '.join(repr(k) for k in missing)}")
        article, refs, title = data["article"], data["references"], data.get("title")
        if not isinstance(article, str) or not article.strip():
            raise InputError(f"{where}: 'article' must be non-empty text")
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
            raise InputError(f"{where}: 'references' must be a non-empty list of non-empty texts")
        if title is not None and not isinstance(title, str):
            raise InputError(f"{where}: 'title' must be text")
        record_id = str(data["id"])
        if record_id in seen:
            raise InputError(f"{where}: id {record_id!r} appears twice")
        seen.add(record_id)
        records.append(Record(record_id, article, tuple(refs), title))
    if not records:
        raise InputError(f"{path}: no records")
    return records


def find_eval_file(name: str = "easc-dev.jsonl", start: str | Path | None = None) -> Path:
    """The evaluation file ``shared/eval/<name>`` found from ``start`` (default: the working
    directory) or any folder above it, where a checkout keeps ``shared/`` beside the project.

    Raises:
        InputError: no folder above ``start`` holds it.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "shared" / "eval" / name).is_file():
            return folder / "shared" / "eval" / name
    raise InputError(f"no shared/eval/{name} in {here} or any folder above it")
