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
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .._version import __version__
from ..errors import InputError

__all__ = ["MARKER", "output_dir", "written_by_talkhis"]

#: Name of the marker file in every folder talkhis writes.
MARKER = ".talkhis-output.json"


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


def _write_marker(folder: Path, names: set[str]) -> None:
    record = {"talkhis": __version__, "files": sorted(names)}
    (folder / MARKER).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


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
    """Swap a marked folder for the new one; put the old one back if the swap fails."""
    parent = target.parent
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent)) / target.name
    try:
        os.replace(target, aside)
    except OSError as exc:
        shutil.rmtree(aside.parent, ignore_errors=True)
        raise InputError(f"{target}: cannot replace the output folder ({exc.strerror or exc})") from None
    try:
        os.replace(tmp, target)
    except OSError as exc:
        os.replace(aside, target)
        shutil.rmtree(aside.parent, ignore_errors=True)
        raise InputError(f"{target}: cannot replace the output folder ({exc.strerror or exc}); the previous outputs are kept") from None
    shutil.rmtree(aside.parent, ignore_errors=True)


def _merge(tmp: Path, target: Path) -> None:
    """Move the new files into a folder that holds other files, replacing only talkhis's own."""
    ours = written_by_talkhis(target) or set()
    new = {p.name for p in tmp.iterdir()} - {MARKER}
    clash = {n for n in new if (target / n).exists() and n not in ours}
    if clash:
        raise InputError(f"{target}: would overwrite {_describe(clash)}, which talkhis did not write; nothing was written")
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    replaced: list[str] = []
    added: list[str] = []
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
        raise InputError(f"{target}: cannot write the outputs ({exc.strerror or exc}); the folder is as it was") from None
    shutil.rmtree(backup, ignore_errors=True)


@contextlib.contextmanager
def output_dir(out: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder to fill; on success its files become ``out``'s outputs
    by the rules in the module docstring, on error it vanishes and ``out`` is untouched.

    The target is checked before the caller does any work, so a refusal comes at once.

    Raises:
        InputError: ``out`` is a file, or a non-empty folder talkhis may not write into
            (without ``force``), or the files cannot be moved into place.
    """
    target = Path(out).resolve()  # '.' and '..' have no name to give the temporary folders
    plan = _plan(target, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new.", dir=target.parent))
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror or exc})") from None
    try:
        yield tmp
        names = {p.name for p in tmp.iterdir()}
        if plan == "merge":
            names |= (written_by_talkhis(target) or set())
        _write_marker(tmp, names)
        os.chmod(tmp, 0o755)
        if plan == "new":
            try:
                os.replace(tmp, target)  # onto a missing or empty folder
            except OSError as exc:
                raise InputError(f"{out}: cannot create the output folder ({exc.strerror or exc})") from None
        elif plan == "replace":
            _replace(tmp, target)
        else:
            _merge(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
