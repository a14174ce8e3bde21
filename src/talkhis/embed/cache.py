"""The on-disk embedding cache: vectors in SQLite keyed by backend and text."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..paths import default_cache_dir
from .base import Embedder

__all__ = ["CachedEmbedder"]


class CachedEmbedder:
    """Keeps another embedder's vectors in an on-disk SQLite table keyed by backend and text.

    Only the sentences not yet in the cache are embedded; a cached vector is returned exactly as
    it was stored, so a re-run reproduces the first run bit for bit.
    """

    cacheable = True

    def __init__(self, inner: Embedder, cache_dir: str | Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = Path(cache_dir or default_cache_dir()) / "embeddings.sqlite"

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{text}".encode()).hexdigest()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
        return db

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        keys = [self._key(s) for s in sentences]
        with self._connect() as db:
            found: dict[str, np.ndarray] = {}
            unique = list(dict.fromkeys(keys))
            for i in range(0, len(unique), 500):
                chunk = unique[i : i + 500]
                rows = db.execute(
                    f"SELECT key, data FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
                found.update((k, np.frombuffer(blob, dtype=np.float32)) for k, blob in rows)
            todo = list(dict.fromkeys(s for s, k in zip(sentences, keys) if k not in found))
            if todo:
                fresh = self.inner.encode(todo)
                for text, vector in zip(todo, fresh):
                    found[self._key(text)] = vector
                db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    [(self._key(t), v.shape[0], np.ascontiguousarray(v, dtype=np.float32).tobytes()) for t, v in zip(todo, fresh)],
                )
        if not sentences:
            return self.inner.encode([])
        return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)
