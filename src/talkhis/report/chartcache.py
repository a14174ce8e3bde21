"""Chart PNGs, reused from an identical earlier render instead of drawn again.

Drawing the four charts is most of a re-run whose vectors come from the embedding cache:
importing matplotlib and rendering cost about 0.8 s of 1.2 s on the seeds. A render depends only
on what the charts read from the run, the chart code and the drawing libraries, so
:func:`render_pngs` keys the PNG bytes by a SHA-256 of exactly those (see :func:`chart_key`)
and keeps them in ``<cache>/charts/``. An identical run then gets byte-identical images without
loading matplotlib; any change to the articles, clusters, summary, vectors, options, glosses,
the talkhis source of the charts or the matplotlib version gives a new key and a fresh render.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..pipeline import Result

__all__ = ["chart_key", "render_pngs", "KEEP"]

_FORMAT = 1
#: Renders kept in the cache folder (a few hundred kB each); older ones are deleted.
KEEP = 64


def _versions() -> dict[str, str]:
    """What else a render depends on: the chart code and the drawing libraries' versions."""
    from importlib.metadata import PackageNotFoundError, version

    from .._version import __version__

    found = {"talkhis": __version__, "format": str(_FORMAT)}
    for module in ("plots.py", "labels.py"):
        found[module] = hashlib.sha256(Path(__file__).with_name(module).read_bytes()).hexdigest()
    for package in ("matplotlib", "fontpkg-noto-sans-arabic", "arabic-reshaper", "python-bidi"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "absent"
    return found


def chart_key(result: Result, dpi: int, english: Mapping[int, str] | None = None) -> str:
    """SHA-256 of everything the charts draw from ``result`` at ``dpi``, with ``english``."""
    digest = hashlib.sha256()

    def add(obj) -> None:
        digest.update(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str).encode())
        digest.update(b"\x00")

    add(_versions())
    add({"dpi": dpi, "english": {str(k): v for k, v in (english or {}).items()}, "stories": result.n_stories})
    add([[a.id, a.outlet, a.date, a.duplicate_of] for a in result.corpus.articles])
    add(result.periods)
    add([[s.article, s.index, s.text] for s in result.sentences])
    add([[c.id, c.members, c.terms, c.label, c.coverage] for c in result.clusters])
    add([s.cluster for s in result.summary])
    digest.update(np.ascontiguousarray(result.labels, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(result.vectors, dtype=np.float32).tobytes())
    return digest.hexdigest()


def render_pngs(result: Result, dpi: int = 110, english: Mapping[int, str] | None = None,
                cache_dir: str | Path | None = None, use_cache: bool = True) -> dict[str, bytes]:
    """Every chart of :data:`talkhis.report.plots.ALL_PLOTS` as PNG bytes, by name: read back from
    ``<cache_dir>/charts`` when an identical render is there, else drawn (and kept there).
    A cache that cannot be read or written only means the charts are drawn."""
    from ..paths import default_cache_dir

    folder = Path(cache_dir or default_cache_dir()) / "charts"
    key = chart_key(result, dpi, english) if use_cache else None
    if key is not None:
        try:
            with np.load(folder / f"{key}.npz") as stored:
                return {name: stored[name].tobytes() for name in stored.files}
        except (OSError, ValueError, KeyError):
            pass
    charts = _draw(result, dpi, english)
    if key is not None:
        _store(folder, key, charts)
    return charts


def _draw(result: Result, dpi: int, english: Mapping[int, str] | None) -> dict[str, bytes]:
    from .plots import ALL_PLOTS

    charts = {}
    for name, plot in ALL_PLOTS.items():
        buffer = io.BytesIO()
        plot(result, english=english).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        charts[name] = buffer.getvalue()
    return charts


def _store(folder: Path, key: str, charts: dict[str, bytes]) -> None:
    """Write the PNGs as one file, whole (to a temporary name, then renamed into place), and
    keep only the :data:`KEEP` most recent renders."""
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".npz", dir=folder)
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **{name: np.frombuffer(png, dtype=np.uint8) for name, png in charts.items()})
        os.replace(tmp, folder / f"{key}.npz")
        tmp = None
        kept = sorted(folder.glob("*.npz"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
