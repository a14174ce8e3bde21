"""Progress bars on standard error for the stages that can take a while (embedding, clustering).

A bar appears only when standard error is a terminal, only after the work has run for
:data:`DELAY` seconds (short runs print nothing), and never after :func:`set_quiet` (the
command line's ``--quiet``) or with ``TALKHIS_PROGRESS=0`` in the environment.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Protocol

__all__ = ["DELAY", "Bar", "progress", "set_quiet", "enabled"]

#: Seconds of work before a bar is drawn.
DELAY = 1.0
_quiet = False


class Bar(Protocol):
    """What a stage calls on its bar."""

    def update(self, n: int = 1) -> object: ...


class _Silent:
    def update(self, n: int = 1) -> None:
        return None


def set_quiet(quiet: bool = True) -> None:
    """Turn progress bars off (``True``) or back on for this process."""
    global _quiet
    _quiet = quiet


def enabled() -> bool:
    """Whether a bar would be drawn now: not quiet, not turned off, standard error a terminal."""
    if _quiet or os.environ.get("TALKHIS_PROGRESS", "1") == "0":
        return False
    stream = sys.stderr
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


@contextlib.contextmanager
def progress(total: int, desc: str, unit: str = "sentence") -> Iterator[Bar]:
    """A bar counting ``total`` units of ``desc``; a silent stand-in when bars are off."""
    if not enabled():
        yield _Silent()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=unit, delay=DELAY, leave=False, file=sys.stderr, dynamic_ncols=True) as bar:
        yield bar
