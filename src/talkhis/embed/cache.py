"""The on-disk embedding cache: vectors in SQLite keyed by backend and text.

Every row carries a CRC-32 of its key, model, width and bytes, checked when it is read; a row
that fails is embedded again and replaced, a file SQLite finds damaged is moved aside (see
:func:`talkhis.paths.quarantine`) and started afresh, and a cache that cannot be opened or
written (read-only folder, full disk, locked past the busy timeout) only means the run embeds
without it. The database runs in WAL mode with a busy timeout, so runs at the same time share
it. Whatever happened to the cache, the vectors returned are those a run without it computes.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..paths import default_cache_dir, quarantine, say, unavailable
from .base import Embedder

__all__ = ["CachedEmbedder", "FILE", "count_vectors"]

#: The cache file's name in the cache folder.
FILE = "embeddings.sqlite"
#: Seconds a run waits for another run's write to the cache before it goes on without it.
BUSY_TIMEOUT = 30
_TABLE = "vectors_v2"


def _crc(key: str, model: str, dim: int, data: bytes) -> int:
    return zlib.crc32(data, zlib.crc32(f"{key}\x00{model}\x00{dim}".encode()))


def _is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file is damaged (rather than busy, full or read-only)."""
    name = getattr(exc, "sqlite_errorname", None)
    if name:
        return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
    return not isinstance(exc, sqlite3.OperationalError)


def count_vectors(path: Path) -> dict[str, int]:
    """Vectors in the cache file at ``path`` per model name (empty when absent or unreadable)."""
    if not path.is_file():
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
        try:
            return dict(db.execute(f"SELECT model, COUNT(*) FROM {_TABLE} GROUP BY model ORDER BY model").fetchall())
        finally:
            db.close()
    except sqlite3.Error:
        return {}


class CachedEmbedder:
    """Keeps another embedder's vectors in an on-disk SQLite table keyed by backend and text.

    Only the sentences not yet in the cache are embedded; a cached vector is returned exactly as
    it was stored, so a re-run reproduces the first run bit for bit.
    """

    cacheable = True

    def __init__(self, inner: Embedder, cache_dir: str | Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.root = Path(cache_dir or default_cache_dir())
        self.path = self.root / FILE

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{text}".encode()).hexdigest()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"CREATE TABLE IF NOT EXISTS {_TABLE} (key TEXT PRIMARY KEY, model TEXT NOT NULL, "
                       "dim INTEGER NOT NULL, crc INTEGER NOT NULL, data BLOB NOT NULL)")
            if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vectors'").fetchone():
                db.execute("DROP TABLE vectors")  # the format before row checksums, dropped once
                db.execute("VACUUM")  # and its pages given back, so the file's size says what it holds
        except BaseException:
            db.close()
            raise
        return db

    def _quarantine(self, exc: BaseException) -> None:
        files = [self.path, self.path.with_name(FILE + "-wal"), self.path.with_name(FILE + "-shm")]
        quarantine(self.root, files, str(exc).splitlines()[0] or "damaged")

    def _set_aside(self, exc: sqlite3.Error) -> bool:
        """Move a damaged file aside; ``False``, said in one line, when ``exc`` is no damage or
        the file cannot be moved."""
        if not _is_damage(exc):
            unavailable(self.root, exc)
            return False
        try:
            self._quarantine(exc)
        except OSError as moved:
            unavailable(self.root, moved)
            return False
        return True

    def _open(self) -> sqlite3.Connection | None:
        """A connection, after moving a damaged file aside; ``None`` when the cache is unusable."""
        for attempt in (1, 2):
            try:
                return self._connect()
            except sqlite3.Error as exc:
                if attempt == 2:
                    unavailable(self.root, exc)
                    return None
                if not self._set_aside(exc):
                    return None
            except OSError as exc:
                unavailable(self.root, exc)
                return None
        return None

    def _read(self, db: sqlite3.Connection, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        bad = 0
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = db.execute(f"SELECT key, model, dim, crc, data FROM {_TABLE} WHERE key IN ({','.join('?' * len(chunk))})",
                              chunk).fetchall()
            for key, model, dim, crc, data in rows:
                ok = (model == self.name and isinstance(data, bytes) and isinstance(dim, int)
                      and len(data) == 4 * dim and crc == _crc(key, model, dim, data))
                if ok:
                    found[key] = np.frombuffer(data, dtype=np.float32)
                else:
                    bad += 1
        if bad:
            say(f"cache: {bad} damaged vector{'s' if bad > 1 else ''} in {self.path} embedded again")
        return found

    def _write(self, db: sqlite3.Connection, rows: dict[str, np.ndarray]) -> None:
        records = []
        for key, vector in rows.items():
            data = np.ascontiguousarray(vector, dtype=np.float32).tobytes()
            records.append((key, self.name, len(data) // 4, _crc(key, self.name, len(data) // 4, data), data))
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?, ?, ?)", records)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return self.inner.encode([])
        keys = [self._key(s) for s in sentences]
        texts = dict(zip(keys, sentences))  # one text per key, in first-seen order
        db = self._open()
        found: dict[str, np.ndarray] = {}
        try:
            if db is not None:
                try:
                    found = self._read(db, list(texts))
                except sqlite3.Error as exc:
                    db = self._recover(db, exc)
            todo = [k for k in texts if k not in found]
            if todo:
                fresh = dict(zip(todo, self.inner.encode([texts[k] for k in todo])))
                found.update(fresh)
                if db is not None:
                    try:
                        self._write(db, fresh)
                    except sqlite3.Error as exc:
                        db = self._recover(db, exc)
                        if db is not None:
                            self._store_quietly(db, found)
        finally:
            if db is not None:
                db.close()
        return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)

    def _recover(self, db: sqlite3.Connection, exc: sqlite3.Error) -> sqlite3.Connection | None:
        """After an error mid-use: move a damaged file aside and open a fresh one, or give up on
        the cache for this run."""
        db.close()
        return self._open() if self._set_aside(exc) else None

    def _store_quietly(self, db: sqlite3.Connection, rows: dict[str, np.ndarray]) -> None:
        try:
            self._write(db, rows)
        except sqlite3.Error as exc:
            unavailable(self.root, exc)
