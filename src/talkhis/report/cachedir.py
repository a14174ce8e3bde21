"""The cache folder as a whole: what is in it (``talkhis cache``) and emptying it
(``talkhis cache clear``).

Only what talkhis writes there is counted or removed, by kind: ``embeddings`` (the SQLite file
of vectors and its WAL companions), ``model`` (prepared copies of the default model), ``charts``
(chart renders), ``damaged`` (damaged files moved aside) and ``temporary`` (the temporaries of
a run that was killed while it wrote). Any other file in the folder is left alone.
"""

from __future__ import annotations

from pathlib import Path

from ..embed.cache import FILE, count_vectors
from ..embed.prepared import copies
from ..paths import DAMAGED, default_cache_dir, entry_size, is_temporary, remove
from .chartcache import FOLDER

__all__ = ["KINDS", "inventory", "describe", "clear"]

#: The kinds of entry, in the order they are shown.
KINDS = ("embeddings", "model", "charts", "damaged", "temporary")


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def inventory(root: Path) -> dict[str, tuple[str, list[Path]]]:
    """Per kind: a count in words and the paths that hold it."""
    vectors = count_vectors(root / FILE)  # first: reading may leave SQLite's -shm file
    sqlite = [root / name for name in (FILE, FILE + "-wal", FILE + "-shm") if (root / name).exists()]
    per_model = f" ({', '.join(f'{m} {n:,}' for m, n in vectors.items())})" if vectors else ""
    models = copies(root)
    charts = [p for p in _children(root / FOLDER) if p.suffix == ".npz" and not is_temporary(p.name)]
    damaged = _children(root / DAMAGED)
    temporary = [p for folder in (root, root / FOLDER) for p in _children(folder) if is_temporary(p.name)]
    return {
        "embeddings": (_plural(sum(vectors.values()), "vector") + per_model, sqlite),
        "model": (_plural(len(models), "prepared copy").replace("copys", "copies")
                  + (f" ({', '.join(p.name for p in models)})" if models else ""), models),
        "charts": (_plural(len(charts), "render"), charts),
        "damaged": (_plural(len(damaged), "file"), damaged),
        "temporary": (_plural(len(temporary), "file"), temporary),
    }


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _bytes(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += entry_size(path)
        except OSError:
            pass
    return total


def describe(root: Path | None = None) -> str:
    """``talkhis cache``: where the cache folder is, its size and its entries per kind."""
    root = Path(root or default_cache_dir())
    if not root.is_dir():
        return f"cache folder: {root} (empty: not created yet)"
    rows = [(kind, words, _size(_bytes(paths))) for kind, (words, paths) in inventory(root).items()]
    total = _bytes([p for _, paths in inventory(root).values() for p in paths])
    rows.append(("total", "", _size(total)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"cache folder: {root}"] + ["  ".join((r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2])))
                                         for r in rows]
    return "\n".join(lines)


def clear(kinds: list[str] | None = None, root: Path | None = None) -> str:
    """``talkhis cache clear``: remove the entries of ``kinds`` (default all); returns what was
    removed, one line per kind."""
    root = Path(root or default_cache_dir())
    found = inventory(root) if root.is_dir() else {}
    lines = []
    for kind in kinds or KINDS:
        words, paths = found.get(kind, ("", []))
        if not paths:
            continue
        size = _bytes(paths)
        for path in paths:
            remove(path)
        lines.append(f"removed {kind}: {words}, {_size(size)}")
    for folder in (root / FOLDER, root / DAMAGED):
        if folder.is_dir() and not _children(folder):
            folder.rmdir()
    return "\n".join(lines) or f"nothing to remove in {root}"
