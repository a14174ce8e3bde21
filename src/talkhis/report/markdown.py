"""Markdown tables, for the terminal, notebooks and evaluation reports.

A table is a :class:`MarkdownTable`: a plain ``str`` of Markdown that a notebook shows as an
HTML table whose Arabic cells read right to left (:class:`talkhis.report.html.Table`), since
Markdown tables have no way to say a cell is right to left."""

from __future__ import annotations

from collections.abc import Sequence

from .html import Table

__all__ = ["markdown_table", "MarkdownTable"]


class MarkdownTable(str):
    """The Markdown text of a table, which Jupyter shows as HTML with right-to-left Arabic cells."""

    header: list[str]
    rows: list[list[object]]

    def _repr_html_(self) -> str:
        return Table(self.header, self.rows).to_html()

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"<table of {len(self.rows)} rows: {', '.join(self.header)}>"


def _cell(value: object) -> str:
    """One table cell: ``—`` for a missing value, a single line, with ``|`` escaped."""
    if value is None:
        return "—"
    return " ".join(str(value).split()).replace("|", "\\|")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> MarkdownTable:
    """A GitHub-flavoured Markdown table; cells are flattened to one line and ``|`` escaped.

    Raises:
        ValueError: a row does not have one cell per header column.
    """
    for n, row in enumerate(rows):
        if len(row) != len(header):
            raise ValueError(f"row {n} has {len(row)} cells; the header has {len(header)} columns")
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    table = MarkdownTable("\n".join(lines) + "\n")
    table.header, table.rows = [str(h) for h in header], [list(r) for r in rows]
    return table
