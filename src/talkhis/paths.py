"""Where talkhis keeps files between runs, and the rules every cache there follows.

The cache folder is ``$TALKHIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/talkhis``, else
``~/.cache/talkhis``. A cache may be lost, damaged by a crash, a full disk or a sync tool, or
shared by runs at the same time, and none of that may change or stop a run. So every cache
(embedding vectors, the prepared model copy, chart renders, and any added later) uses these
helpers:

* :func:`atomic_write` and :func:`staged_folder` write a file or folder under a temporary name
  (``.NAME.tmp-PID-XXXX``) and rename it into place, so a reader sees the whole thing or none;
  :func:`sweep` removes such temporaries left by a process that no longer runs;
* :func:`quarantine` moves a file that fails its check aside into ``<cache>/damaged/`` (the
  last :data:`KEEP_DAMAGED` kept), or removes one that is rebuilt exactly, and says so in one
  warning line; the cache then rebuilds it;
* :func:`unavailable` says in one line that a cache folder cannot be used and the run goes on
  without it.

Warnings are :class:`CacheWarning` (the command line prints them as ``talkhis: warning: ...``):
a folder that cannot be used is said once per process, each damaged file each time it is found.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CacheWarning", "CacheDamaged", "DAMAGED", "KEEP_DAMAGED", "default_cache_dir", "atomic_write",
           "staged_folder", "sweep", "quarantine", "unavailable", "say", "reason", "is_temporary", "entry_size", "remove"]

#: Sub-folder of the cache folder that holds damaged files moved aside.
DAMAGED = "damaged"
#: Damaged files kept there (the oldest are removed).
KEEP_DAMAGED = 3
_TEMP = re.compile(r"^\..+\.tmp-(\d+)-[^/]*$")
_said: set[str] = set()


class CacheWarning(UserWarning):
    """A cache could not be used as it was: damaged, unwritable or busy. The run goes on."""


class CacheDamaged(Exception):
    """A cache file failed its check while it was read; the reader falls back and rebuilds."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


def default_cache_dir() -> Path:
    """``$TALKHIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/talkhis``, else ``~/.cache/talkhis``."""
    if os.environ.get("TALKHIS_CACHE_DIR"):
        return Path(os.environ["TALKHIS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "talkhis"


def say(message: str, key: str | None = None) -> None:
    """Warn, once per process for ``key`` when one is given (a lasting state, such as a folder
    that cannot be written, is said once; each damaged file found is said)."""
    if key is not None:
        if key in _said:
            return
        _said.add(key)
    warnings.warn(message, CacheWarning, stacklevel=3)


def reason(exc: BaseException) -> str:
    """A short, one-line reason for ``exc`` (its ``strerror`` for an OSError)."""
    text = getattr(exc, "strerror", None) or str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def unavailable(folder: Path, exc: BaseException) -> None:
    """Say (once per folder) that the cache in ``folder`` cannot be used and the run goes on
    without it."""
    say(f"cache {folder} cannot be used ({reason(exc)}); this run goes on without it", key=f"unavailable:{folder}")


def _temp_name(path: Path) -> str:
    return f".{path.name}.tmp-{os.getpid()}-"


def is_temporary(name: str) -> bool:
    """Whether ``name`` is a temporary file or folder of :func:`atomic_write` or :func:`staged_folder`."""
    return _TEMP.match(name) is not None


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` whole: into a temporary file beside it, then renamed over it
    (with permissions ``mode`` when given; a temporary file is readable by its owner only).

    Raises:
        OSError: the folder cannot be written (nothing is left behind).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=_temp_name(path), dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def staged_folder(path: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``path``; when the block ends it becomes ``path``
    (unless another process put a ``path`` there first: then it is dropped). On an error it is
    removed and the error raised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_name(path), dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        try:
            os.replace(tmp, path)
        except OSError:
            if not path.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the temporaries in ``folder`` that a process which no longer runs left behind
    (killed while it wrote); returns what was removed."""
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = _TEMP.match(entry.name)
        if found and int(found.group(1)) != os.getpid() and not _alive(int(found.group(1))):
            remove(entry)
            removed.append(entry)
    return removed


def remove(entry: Path) -> None:
    """Remove a file or a folder with what it holds (no error if it is gone)."""
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


def quarantine(root: Path, paths: list[Path], why: str, *, keep: bool = True) -> None:
    """Move the damaged cache file ``paths[0]`` (with its companions, e.g. SQLite's ``-wal``
    and ``-shm``) aside into ``<root>/damaged/``, or remove it when ``keep`` is false (a copy
    that is rebuilt exactly, not worth keeping), and say so in one warning line.

    Raises:
        OSError: it can neither be moved aside nor removed.
    """
    main = paths[0]
    if not keep:
        for path in paths:
            remove(path)
        if main.exists():
            raise OSError(f"cannot remove {main}")
        say(f"cache: {main} was damaged ({why}); removed it, it is rebuilt")
        return
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    where = root / DAMAGED
    try:
        where.mkdir(parents=True, exist_ok=True)
        dest = Path(tempfile.mkdtemp(prefix=f"{main.name}.{stamp}.", dir=where))
        for path in paths:
            if path.exists() or path.is_symlink():
                os.replace(path, dest / path.name)
    except OSError:
        for path in paths:
            remove(path)
        if main.exists():
            raise
        say(f"cache: {main} was damaged ({why}); removed it, it is rebuilt")
        return
    kept = sorted(where.iterdir(), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    for old in kept[KEEP_DAMAGED:]:
        remove(old)
    say(f"cache: {main} was damaged ({why}); moved it to {dest}, it is rebuilt")


def entry_size(path: Path) -> int:
    """Bytes under ``path`` (a file, or a folder counted recursively)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
