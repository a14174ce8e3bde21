"""Output folders that never lose a file talkhis did not write.

talkhis writes its outputs into a temporary folder beside the target and only then moves them
into place, so a run leaves either the complete new outputs or the previous state, never half of
each. Every output folder carries a marker file, :data:`MARKER`, listing the files talkhis wrote
there. The rules:

* a new or empty target simply becomes the output folder;
* a *marked* target that holds nothing but talkhis's own files is replaced whole, by two renames
  (old folder aside, new folder in); if the second rename fails the old folder is put back;
* any other non-empty target (unmarked, or marked but holding files someone else put there) is
  refused with a one-line error, unless ``force=True``: then the new files are moved in one by
  one beside what is there, replacing only files talkhis wrote before, and refusing (before
  touching anything) a name that belongs to someone else. If a move fails, every replaced file
  is restored and every added file removed.

Faults a real machine has are handled too:

* **One writer per folder.** :func:`claim` holds a lock (:mod:`filelock`, on
  ``.NAME.talkhis-lock`` beside the folder, removed when the run ends) for the whole run; a
  second run into the same folder stops at once with ``another talkhis run is writing DIR``
  rather than wait and then replace what the first wrote. Runs into different folders take
  different locks and never block each other.
* **Killed runs.** The swap into place is one ``renameat2(RENAME_EXCHANGE)`` where the file
  system has it (else two renames, with SIGINT, SIGTERM and SIGHUP held back meanwhile), so a
  kill at any moment leaves the old folder or the new one. Every staging folder
  (``.NAME.new.*``, ``.NAME.old.*``) holds the marker from its first moment; the next run into
  ``NAME``, once it holds the lock, removes such folders (a killed run's) and nothing else.
* **Full disk or unwritable destination.** A write that fails raises :class:`OutputError`
  naming the folder; the previous outputs are left as they were.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .._version import __version__
from ..errors import InputError, OutputError
from ..paths import reason

__all__ = ["MARKER", "claim", "output_dir", "written_by_talkhis"]

#: Name of the marker file in every folder talkhis writes.
MARKER = ".talkhis-output.json"
_held: dict[Path, int] = {}
_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def written_by_talkhis(folder: Path) -> set[str] | None:
    """The names talkhis recorded writing into ``folder``, or ``None`` when it is not marked."""
    marker = folder / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        files = data["files"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # an unreadable marker proves nothing: treat the folder as someone else's
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return set(files)


def _write_marker(folder: Path, names: set[str], *, staging: bool = False) -> None:
    record = {"talkhis": __version__, "files": sorted(names), **({"staging": True} if staging else {})}
    (folder / MARKER).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def _staging(target: Path, kind: str) -> Path:
    """A new staging folder ``.NAME.KIND.XXXXXXXX`` beside ``target``, marked from the start."""
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.{kind}.", dir=target.parent))
    try:
        _write_marker(folder, set(), staging=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _lock_file(target: Path) -> Path:
    return target.parent / f".{target.name}.talkhis-lock"


def _holder(lock: Path) -> str:
    """`` (pid N)`` for the process named in a lock file, or nothing."""
    with contextlib.suppress(OSError, ValueError):
        return f" (pid {int(lock.read_text().strip())})"
    return ""


def _note_pid(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())


@contextlib.contextmanager
def claim(out: str | Path) -> Iterator[Path]:
    """Hold the one-writer lock of the output folder ``out`` while the block runs (again in
    the same process: a no-op), after removing the staging folders a killed run left beside it;
    yields the folder's resolved path. Folders made for the lock's file are removed again if
    the block fails.

    Raises:
        OutputError: another run holds the lock, or the folder's parent cannot be written.
    """
    from filelock import FileLock, Timeout

    target = Path(out).resolve()
    if target in _held:
        _held[target] += 1
        try:
            yield target
        finally:
            _held[target] -= 1
        return
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    lock_file = _lock_file(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_file, timeout=0, on_acquired=_note_pid)
        lock.acquire()
    except Timeout:
        raise OutputError(f"{out}: another talkhis run{_holder(lock_file)} is writing {target}; wait for it to "
                          "finish or choose another --out") from None
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the output folder ({reason(exc)})") from None
    _held[target] = 1
    ok = False
    try:
        _remove_stale(target)
        yield target
        ok = True
    finally:
        del _held[target]
        with contextlib.suppress(OSError):
            lock_file.unlink()  # while still held: a run waiting on this file then takes a fresh one
        lock.release()
        if not ok:
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _remove_stale(target: Path) -> None:
    """Remove the staging folders of ``target`` that hold talkhis's marker (only a killed run
    leaves them: the caller holds the lock); an old folder moved aside by a swap that was cut
    short is first put back."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(new|old)\.[a-z0-9_]{{8}}$")
    for entry in sorted(target.parent.iterdir()):
        if not pattern.match(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        inner = entry / target.name
        if not target.exists() and inner.is_dir() and written_by_talkhis(inner) is not None:
            os.replace(inner, target)
        if (entry / MARKER).is_file() or written_by_talkhis(inner) is not None:
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back while a few renames must not be cut apart."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); ``False``
    where the system or file system does not offer it."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _describe(names: set[str], limit: int = 3) -> str:
    shown = sorted(names)[:limit]
    return ", ".join(shown) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _plan(target: Path, force: bool) -> str:
    """How the target will be written: ``new``, ``replace`` or ``merge`` (or an error)."""
    if not target.exists():
        return "new"
    if not target.is_dir():
        raise InputError(f"{target}: exists and is not a folder")
    present = {p.name for p in target.iterdir()}
    if not present:
        return "new"
    ours = written_by_talkhis(target)
    others = present - (ours or set()) - {MARKER}
    if ours is not None and not others:
        return "replace"
    if not force:
        why = "was not written by talkhis" if ours is None else f"holds files talkhis did not write ({_describe(others)})"
        raise InputError(f"{target}: {why}; choose a new or empty folder, or add --force to write beside them")
    return "merge"


def _replace(tmp: Path, target: Path) -> None:
    """Swap a marked folder for the new one in one step, or by two renames that put the old
    one back if the second fails."""
    try:
        if _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # now the old outputs
            return
        aside = _staging(target, "old") / target.name
    except OSError as exc:
        raise OutputError(f"{target}: cannot replace the output folder ({reason(exc)}); the previous outputs are kept") from None
    with _signals_held():
        try:
            os.replace(target, aside)
        except OSError as exc:
            shutil.rmtree(aside.parent, ignore_errors=True)
            raise OutputError(f"{target}: cannot replace the output folder ({reason(exc)}); the previous outputs are kept") from None
        try:
            os.replace(tmp, target)
        except OSError as exc:
            os.replace(aside, target)
            shutil.rmtree(aside.parent, ignore_errors=True)
            raise OutputError(f"{target}: cannot replace the output folder ({reason(exc)}); the previous outputs are kept") from None
    shutil.rmtree(aside.parent, ignore_errors=True)


def _merge(tmp: Path, target: Path) -> None:
    """Move the new files into a folder that holds other files, replacing only talkhis's own."""
    ours = written_by_talkhis(target) or set()
    new = {p.name for p in tmp.iterdir()} - {MARKER}
    clash = {n for n in new if (target / n).exists() and n not in ours}
    if clash:
        raise InputError(f"{target}: would overwrite {_describe(clash)}, which talkhis did not write; nothing was written")
    try:
        backup = _staging(target, "old")
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the outputs ({reason(exc)}); the folder is as it was") from None
    replaced: list[str] = []
    added: list[str] = []
    with _signals_held():
        try:
            for name in sorted(new | {MARKER}):
                if (target / name).exists():
                    os.replace(target / name, backup / name)
                    replaced.append(name)
                else:
                    added.append(name)
                os.replace(tmp / name, target / name)
        except OSError as exc:
            for name in added:
                with contextlib.suppress(OSError):
                    (target / name).unlink()
            for name in replaced:
                os.replace(backup / name, target / name)
            shutil.rmtree(backup, ignore_errors=True)
            raise OutputError(f"{target}: cannot write the outputs ({reason(exc)}); the folder is as it was") from None
    shutil.rmtree(backup, ignore_errors=True)


@contextlib.contextmanager
def output_dir(out: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder to fill; on success its files become ``out``'s outputs
    by the rules in the module docstring, on error it vanishes and ``out`` is untouched. The
    folder is :func:`claim`-ed meanwhile.

    The target is checked before the caller does any work, so a refusal comes at once.

    Raises:
        InputError: ``out`` is a file, or a non-empty folder talkhis may not write into
            (without ``force``).
        OutputError: another run is writing ``out``, or the files cannot be written or moved
            into place (full disk, no permission); the previous outputs are kept.
    """
    with claim(out) as target:
        plan = _plan(target, force)
        kept = "nothing was written" if plan == "new" else "the previous outputs are kept"
        try:
            tmp = _staging(target, "new")
        except OSError as exc:
            raise OutputError(f"{out}: cannot create the output folder ({reason(exc)})") from None
        try:
            try:
                yield tmp
                names = {p.name for p in tmp.iterdir()} - {MARKER}
                if plan == "merge":
                    names |= (written_by_talkhis(target) or set())
                _write_marker(tmp, names)
                os.chmod(tmp, 0o755)
            except OSError as exc:
                if exc.filename is not None and not str(exc.filename).startswith(str(tmp)):
                    raise
                raise OutputError(f"{out}: cannot write the outputs ({reason(exc)}); {kept}") from None
            if plan == "new":
                try:
                    os.replace(tmp, target)  # onto a missing or empty folder
                except OSError as exc:
                    raise OutputError(f"{out}: cannot create the output folder ({reason(exc)})") from None
            elif plan == "replace":
                _replace(tmp, target)
            else:
                _merge(tmp, target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
