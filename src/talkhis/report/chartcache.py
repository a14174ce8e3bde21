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
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..paths import atomic_write, default_cache_dir, quarantine, sweep, unavailable

if TYPE_CHECKING:
    from ..pipeline import Result

__all__ = ["chart_key", "render_pngs", "KEEP", "FOLDER"]

_FORMAT = 2
#: Sub-folder of the cache folder that holds the renders.
FOLDER = "charts"
_CHECK = "__sha256__"
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
    A render that fails its checksum is removed and drawn again; a cache that cannot be read or
    written only means the charts are drawn."""
    root = Path(cache_dir or default_cache_dir())
    folder = root / FOLDER
    key = chart_key(result, dpi, english) if use_cache else None
    if key is not None:
        charts = _load(folder / f"{key}.npz")
        if charts is not None:
            return charts
    charts = _draw(result, dpi, english)
    if key is not None:
        _store(folder, key, charts)
    return charts


def _digest(charts: Mapping[str, bytes]) -> np.ndarray:
    digest = hashlib.sha256()
    for name, png in charts.items():
        digest.update(name.encode() + b"\x00" + len(png).to_bytes(8, "little") + png)
    return np.frombuffer(digest.digest(), dtype=np.uint8)


def _load(path: Path) -> dict[str, bytes] | None:
    """The PNGs stored at ``path``, or ``None`` when there are none (a damaged file is
    removed, with one warning line)."""
    try:
        with np.load(path) as stored:
            charts = {name: stored[name].tobytes() for name in stored.files if name != _CHECK}
            check = stored[_CHECK] if _CHECK in stored.files else None
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        return _damaged(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    if check is None or not np.array_equal(check, _digest(charts)):
        return _damaged(path, "checksum mismatch")
    return charts


def _damaged(path: Path, why: str) -> None:
    try:
        quarantine(path.parent.parent, [path], why, keep=False)
    except OSError as exc:
        unavailable(path.parent.parent, exc)


def _draw(result: Result, dpi: int, english: Mapping[int, str] | None) -> dict[str, bytes]:
    from .plots import ALL_PLOTS

    charts = {}
    for name, plot in ALL_PLOTS.items():
        buffer = io.BytesIO()
        plot(result, english=english).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        charts[name] = buffer.getvalue()
    return charts


def _store(folder: Path, key: str, charts: dict[str, bytes]) -> None:
    """Write the PNGs and their checksum as one file, whole (see
    :func:`talkhis.paths.atomic_write`), and keep only the :data:`KEEP` most recent renders."""
    buffer = io.BytesIO()
    arrays = {name: np.frombuffer(png, dtype=np.uint8) for name, png in charts.items()}
    np.savez(buffer, **arrays, **{_CHECK: _digest(charts)})
    try:
        atomic_write(folder / f"{key}.npz", buffer.getvalue())
        sweep(folder)
        kept = sorted(folder.glob("*.npz"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        unavailable(folder.parent, exc)
