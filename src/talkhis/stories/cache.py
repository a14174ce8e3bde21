"""Re-runs: a story already summarised with the same articles and options is not summarised
again.

Each summarised story carries a key, a SHA-256 of everything its summary depends on: the
options that shape a summary, the talkhis version, and for each of its articles the id, the
file name, the decoded text and what the folder's ``metadata.csv`` set (outlet, date, title).
A re-run into the same output folder copies the files of a story whose key it finds in the
previous ``stories.json`` (when all of them are still there) instead of summarising it, so
adding articles to the archive re-summarises only the stories they join.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..report.outdir import MARKER, written_by_talkhis

if TYPE_CHECKING:
    from ..corpus import Article

__all__ = ["story_key", "previous_stories", "reuse"]


def story_key(articles: Sequence[Article], config: Mapping) -> str:
    """The key of a story of ``articles`` summarised with ``config`` (JSON-ready)."""
    record = {
        "config": dict(config),
        "articles": [
            {"id": a.id, "file": Path(a.path).name if a.path else None, "encoding": a.encoding,
             "sha256": hashlib.sha256(a.text.encode("utf-8")).hexdigest(), "outlet": a.outlet,
             "outlet_source": a.outlet_source, "date": a.date, "date_source": a.date_source, "title": a.title}
            for a in sorted(articles, key=lambda a: a.id)
        ],
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def previous_stories(out: str | Path) -> dict[str, Path]:
    """Folders of the stories summarised in an earlier run into ``out``, by key; empty when
    ``out`` holds no such run (not a folder talkhis wrote, no readable ``stories.json``)."""
    root = Path(out)
    ours = written_by_talkhis(root) if root.is_dir() else None
    if not ours or "stories.json" not in ours:
        return {}
    try:
        data = json.loads((root / "stories.json").read_text(encoding="utf-8"))
        stories = data["stories"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found = {}
    for s in stories if isinstance(stories, list) else []:
        if isinstance(s, dict) and isinstance(s.get("key"), str) and isinstance(s.get("folder"), str) and s["folder"] in ours:
            found[s["key"]] = root / s["folder"]
    return found


def reuse(folder: Path, target: Path) -> bool:
    """Copy an earlier story's folder to ``target`` when every file its marker lists is there;
    False (and nothing left at ``target``) otherwise."""
    names = written_by_talkhis(folder)
    if not names or not all((folder / n).is_file() for n in names):
        return False
    try:
        target.mkdir()
        for name in sorted(names | {MARKER}):
            shutil.copy2(folder / name, target / name)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True
