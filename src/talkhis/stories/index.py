"""``index.html``: one self-contained page listing an archive's stories, largest first.

Each summarised story shows its title, the first line of its summary in Arabic (right to
left) and English, its outlets and periods, and a link to its own ``report.html``; a story of
one article (or of an article and its copies) is listed without a summary. No script, font or
image is fetched from anywhere, so the page works offline and can be mailed as one file.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

__all__ = ["FirstLine", "index_html"]

#: The first summary line of a story: Arabic, and its English translation (None if untranslated).
FirstLine = tuple[str, "str | None"]

_CSS = """
body{font-family:'Noto Sans Arabic','Noto Sans','DejaVu Sans',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.6em;vertical-align:top;text-align:left}
.ar{direction:rtl;text-align:right;font-size:1.1em}.meta{color:#555;font-size:.85em}
.untranslated{color:#a33;font-style:italic}td.n{text-align:right;white-space:nowrap}
"""


def _story_row(story: Mapping, first: FirstLine | None) -> str:
    esc = html.escape
    title = f"<div class='ar' lang='ar'>{esc(story['title'] or '')}</div>"
    if story["folder"] and first is not None:
        arabic, english = first
        english_html = esc(english) if english is not None else "<span class='untranslated'>untranslated</span>"
        summary = (f"<div class='ar' lang='ar'>{esc(arabic)}</div><div>{english_html}</div>"
                   f"<div class='meta'><a href='{esc(story['folder'])}/report.html'>report</a> · "
                   f"<a href='{esc(story['folder'])}/summary.md'>summary.md</a></div>")
    else:
        summary = "<span class='meta'>one article: no summary</span>"
    return (f"<tr><td class='n'>{story['size']}</td><td>{title}<div class='meta'>{esc(story['id'])}</div></td>"
            f"<td>{summary}</td><td class='meta'>{esc(', '.join(story['outlets']) or 'unknown')}</td>"
            f"<td class='meta'>{esc(', '.join(story['periods']))}</td></tr>")


def index_html(stories: Sequence[Mapping], first_lines: Mapping[str, FirstLine], config: Mapping) -> str:
    """The page for ``stories`` (records of ``stories.json``, in the order to show), with the
    first summary line of each summarised story by story id."""
    esc = html.escape
    n_articles = sum(s["size"] for s in stories)
    summarised = sum(1 for s in stories if s["folder"])
    rows = "".join(_story_row(s, first_lines.get(s["id"])) for s in stories)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>talkhis stories</title><style>{_CSS}</style></head>
<body>
<h1>قصص · {len(stories)} stories in {n_articles} articles</h1>
<p class="meta">{summarised} stories of two or more distinct articles summarised · largest first, then earliest ·
embedder {esc(str(config.get('embedder', '')))} · translator {esc(str(config.get('translator', '')))} ·
talkhis {esc(str(config.get('talkhis_version', '')))}</p>
<table><tr><th>articles</th><th>story</th><th>first summary line</th><th>outlets</th><th>periods</th></tr>{rows}</table>
</body></html>
"""
