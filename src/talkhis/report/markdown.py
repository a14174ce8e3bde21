"""Markdown tables, for the terminal, notebooks and evaluation reports."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["markdown_table"]


def _cell(value: object) -> str:
    """One table cell: ``—`` for a missing value, a single line, with ``|`` escaped."""
    if value is None:
        return "—"
    return " ".join(str(value).split()).replace("|", "\\|")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; cells are flattened to one line and ``|`` escaped.

    Raises:
        ValueError: a row does not have one cell per header column.
    """
    for n, row in enumerate(rows):
        if len(row) != len(header):
            raise ValueError(f"row {n} has {len(row)} cells; the header has {len(header)} columns")
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
