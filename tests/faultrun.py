"""Run the talkhis command line with its file writes counted and one of them failing with ENOSPC
(no space left on device), as on a full disk; used by tests/test_faults.py.

    python faultrun.py FAIL_AT LOG -- ARGS...

``FAIL_AT`` is the number (from 1) of the write that fails, 0 for none; ``LOG`` gets one line
per write: its number and what it writes. A write is a file opened for writing from Python
(``open``, ``Path.write_*``, ``os.fdopen``, ``np.save``: its writes then fail) or an INSERT
into the SQLite embedding cache (it fails as SQLite does on a full disk).
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import sqlite3
import sys


class _FullFile:
    """A file whose writes fail as on a full disk."""

    def __init__(self, handle) -> None:
        self._handle = handle

    def write(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    writelines = write

    def __getattr__(self, name: str):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._handle.close()


def main() -> int:
    fail_at, log = int(sys.argv[1]), open(sys.argv[2], "w", encoding="utf-8")  # noqa: SIM115
    args = sys.argv[sys.argv.index("--") + 1 :]
    count = 0

    def is_failing(what: str) -> bool:
        nonlocal count
        count += 1
        log.write(f"{count}\t{what}\n")
        log.flush()
        return count == fail_at

    real_open = io.open

    def fake_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if any(c in mode for c in "wax+") and is_failing(str(file) if not isinstance(file, int) else f"fd {file}"):
            return _FullFile(handle)
        return handle

    class Connection(sqlite3.Connection):
        def executemany(self, sql, *args):
            if sql.lstrip().upper().startswith("INSERT") and is_failing("sqlite INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            return super().executemany(sql, *args)

    real_connect = sqlite3.connect
    io.open = builtins.open = fake_open
    sqlite3.connect = lambda *a, **k: real_connect(*a, factory=Connection, **k)
    from talkhis.cli import main as talkhis

    return talkhis(args)


if __name__ == "__main__":
    sys.exit(main())
