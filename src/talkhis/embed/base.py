"""The embedder Protocol and the helpers every backend shares: row normalisation, batches with
a progress bar, and the thread count of the numpy and C backends."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Embedder", "embedding_threads", "normalise_rows", "batches", "BATCH_SIZE", "CHUNK", "PROGRESS_FROM"]

BATCH_SIZE = 64
#: Sentences per progress-bar step of the numpy backends.
CHUNK = 256
#: Show sentence-transformers' own progress bar from this many sentences.
PROGRESS_FROM = 2000


@runtime_checkable
class Embedder(Protocol):
    """Turns sentences into L2-normalised float32 vectors, one row per sentence."""

    name: str
    #: False when a sentence's vector depends on the other sentences of the call (TF-IDF).
    cacheable: bool

    def encode(self, sentences: Sequence[str]) -> np.ndarray: ...


def normalise_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


def batches(n: int, size: int, desc: str):
    """Batch start offsets, with a progress bar (see :mod:`talkhis.progress`) on long runs."""
    from ..progress import progress

    with progress(n, desc) as bar:
        for start in range(0, n, size):
            yield start
            bar.update(min(size, n - start))


def embedding_threads() -> int:
    """Threads for a numpy or C embedding backend: ``$TALKHIS_THREADS`` if set, else 1.

    Measured on a 2-core machine shared with other work: ``use`` ran at 447 sentences/s on
    one BLAS thread and 78 on two (its micro-batches of a few hundred tokens are too small for
    threads to pay), ``e5-small`` at 23 on one OpenMP thread and 17 on two.
    """
    if os.environ.get("TALKHIS_THREADS", "").isdigit() and int(os.environ["TALKHIS_THREADS"]) > 0:
        return int(os.environ["TALKHIS_THREADS"])
    return 1
