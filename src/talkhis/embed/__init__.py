"""Stage 2, embed: sentences in, L2-normalised vectors out.

Backends sit behind the :class:`Embedder` Protocol and are chosen by name
(:func:`get_embedder`); the model registry (:mod:`.models`) and the on-disk caches (vectors in
:mod:`.cache`, the prepared default model in :mod:`.prepared`) live here too.
"""

from __future__ import annotations

from .base import Embedder, embedding_threads
from .bundled import E5SmallEmbedder, UseEmbedder
from .cache import CachedEmbedder
from .hub import SentenceTransformerEmbedder, TransformersEmbedder
from .registry import available_embedders, get_embedder
from .tfidf import CharTfidfEmbedder

__all__ = ["Embedder", "UseEmbedder", "E5SmallEmbedder", "CharTfidfEmbedder", "SentenceTransformerEmbedder",
           "TransformersEmbedder", "CachedEmbedder", "available_embedders", "get_embedder", "embedding_threads"]
