"""Arabic in HTML, one way everywhere: every element that shows Arabic text (report.html, the
explorer, notebook tables) is made by :func:`arabic`, so it reads right to left, right-aligned,
with its full stop and quotes where Arabic puts them.

The direction is carried three times over, because each reader honours a different one: the
``dir`` attribute (HTML, and sanitised notebook output, which drops ``<style>`` blocks), an
inline ``direction``/``text-align`` style, and ``lang="ar"`` for fonts and screen readers.
:class:`Table` builds a whole table with such cells, shown as HTML by Jupyter.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence

from ..corpus.lang import arabic_ratio

__all__ = ["RTL_STYLE", "arabic", "inline", "cell", "Table"]

#: The inline style of an Arabic element.
RTL_STYLE = "direction:rtl;text-align:right;unicode-bidi:isolate"


def arabic(text: str, tag: str = "td", *, css: str = "ar", raw: bool = False, style: str = "") -> str:
    """``text`` as one right-to-left element ``<tag dir="rtl" lang="ar" …>`` (escaped unless
    ``raw``, for text that is already HTML)."""
    body = text if raw else html.escape(text)
    return (f'<{tag} class="{css}" dir="rtl" lang="ar" style="{RTL_STYLE}{";" + style if style else ""}">'
            f"{body}</{tag}>")


_CODE = re.compile(r"`([^`]+)`")
_ITALIC = re.compile(r"(?<![\w*])\*([^*]+)\*(?![\w*])")


def inline(text: str) -> str:
    """``text`` escaped, with Markdown code spans and italics as HTML (the only inline Markdown
    the tables use)."""
    return _ITALIC.sub(r"<i>\1</i>", _CODE.sub(r"<code>\1</code>", html.escape(" ".join(text.split()))))


def cell(value: object, tag: str = "td") -> str:
    """A table cell: right to left when its text is mostly Arabic letters, else left to right."""
    text = "—" if value is None else str(value)
    if arabic_ratio(text) >= 0.5:
        return arabic(inline(text), tag, raw=True)
    return f'<{tag} dir="ltr" style="text-align:left">{inline(text)}</{tag}>'



class Table:
    """An HTML table whose Arabic cells read right to left; a notebook shows it as HTML.

    Args:
        header: the column names.
        rows: one sequence of cells per row (``None`` shows as ``—``).
        html_columns: columns whose cells are already HTML (not escaped, direction left to them).
    """

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[object]],
                 html_columns: Collection[int] = ()) -> None:
        for n, row in enumerate(rows):
            if len(row) != len(header):
                raise ValueError(f"row {n} has {len(row)} cells; the header has {len(header)} columns")
        self.header = list(header)
        self.rows = [list(r) for r in rows]
        self.html_columns = set(html_columns)

    def to_html(self) -> str:
        head = "".join(f"<th style=\"text-align:left\">{html.escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{v}</td>" if j in self.html_columns else cell(v) for j, v in enumerate(row)) + "</tr>"
            for row in self.rows)
        return f'<table class="tk-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<table of {len(self.rows)} rows: {', '.join(self.header)}>"
