"""Write the outputs of a run: summary.json, summary.md, report.html and chart PNGs.

Outputs are written whole or not at all: everything goes to a temporary folder beside the
target, which replaces the target only once every file is complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError

__all__ = ["atomic_output_dir"]


@contextlib.contextmanager
def atomic_output_dir(out: str | Path) -> Iterator[Path]:
    """Yield a temporary folder to fill; on success it replaces ``out``, on error it vanishes.

    An existing ``out`` is replaced only if it is a folder talkhis could have written (it holds
    no sub-folders); anything else is refused rather than deleted.
    """
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError(f"{target}: exists and is not a folder")
    if target.is_dir() and any(p.is_dir() for p in target.iterdir()):
        raise InputError(f"{target}: holds sub-folders; choose an empty or new output folder")
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as exc:
        raise InputError(f"{target}: cannot create the output folder ({exc.strerror or exc})") from None
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
            os.replace(target, old / target.name)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
