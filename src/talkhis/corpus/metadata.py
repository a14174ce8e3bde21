"""The optional ``metadata.csv`` beside the articles: read and checked field by field.

A researcher supplies here what the texts do not carry (an outlet, a date, a title, a note on
how it was established). Every field is validated and a bad one is a one-line error naming the
file, the line and the value, so a typo never becomes a wrong period or a traceback.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..errors import InputError
from .dates import valid_date

__all__ = ["METADATA_FILE", "METADATA_COLUMNS", "read_metadata"]

METADATA_FILE = "metadata.csv"
#: The columns a ``metadata.csv`` may have; ``id`` is required.
METADATA_COLUMNS = ("id", "date", "outlet", "title", "note")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_FIELD_LIMIT = {"id": 255, "outlet": 200, "title": 500, "note": 2000}


def _check_metadata_row(path: Path, line: int, row: dict[str | None, str | list[str] | None],
                        width: int) -> dict[str, str]:
    """One row of ``metadata.csv`` checked field by field; a bad field is a one-line error
    naming the file, the line and the value."""
    if None in row or any(v is None for v in row.values()):
        found = width + len(row.get(None) or []) - sum(v is None for v in row.values())
        raise InputError(f"{path}:{line}: expected {width} comma-separated fields, found {found}")
    fields = {k: (v or "").strip() for k, v in row.items() if k is not None}
    for key, value in fields.items():
        if _CONTROL.search(value):
            raise InputError(f"{path}:{line}: {key} {value!r} holds control characters")
        if len(value) > _FIELD_LIMIT.get(key, 2000):
            raise InputError(f"{path}:{line}: {key} is longer than {_FIELD_LIMIT.get(key, 2000)} characters")
    if not fields.get("id"):
        raise InputError(f"{path}:{line}: empty id (give the article's file name without .txt)")
    if fields.get("date") and not valid_date(fields["date"]):
        raise InputError(f"{path}:{line}: date {fields['date']!r} is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)")
    return fields


def read_metadata(path: Path) -> dict[str, dict[str, str]]:
    """Read and check an optional ``metadata.csv`` (columns :data:`METADATA_COLUMNS`), field by
    field."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            unknown = [c for c in header if c.strip() not in METADATA_COLUMNS]
            if "id" not in [c.strip() for c in header]:
                raise InputError(f"{path}:1: the metadata file needs an 'id' column (columns: {', '.join(METADATA_COLUMNS)})")
            if unknown:
                raise InputError(f"{path}:1: unknown column {unknown[0]!r} (columns: {', '.join(METADATA_COLUMNS)})")
            if len(set(header)) != len(header):
                raise InputError(f"{path}:1: a column is named twice")
            reader.fieldnames = [c.strip() for c in header]
            rows: dict[str, dict[str, str]] = {}
            for row in reader:
                fields = _check_metadata_row(path, reader.line_num, row, len(header))
                if fields["id"] in rows:
                    raise InputError(f"{path}:{reader.line_num}: id {fields['id']!r} appears twice")
                rows[fields["id"]] = fields
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read the metadata file ({exc})") from None
    return rows
