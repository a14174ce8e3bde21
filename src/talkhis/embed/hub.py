"""Embedders over Hugging Face models (sentence-transformers, or a plain encoder mean-pooled),
loaded from a local folder or the local hub cache. torch and transformers are imported inside
the backends, so the default path never loads them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import MissingDependency, ModelNotFound
from .base import BATCH_SIZE, PROGRESS_FROM, batches, normalise_rows

__all__ = ["SentenceTransformerEmbedder", "TransformersEmbedder"]


def _require_models_extra(module: str) -> None:
    raise MissingDependency(
        f"this backend needs {module}: pip install 'talkhis[models]' "
        "(with torch==2.13.0 for the CPU build, see README)"
    )


def _resolve_model(arg: str | None, kind: str) -> tuple[str, bool]:
    """Return ``(model, is_local_path)``; a name (a hub id, or a name from
    :mod:`talkhis.embed.models` such as ``minilm``) is only looked up in the local hub cache."""
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
        return normalise_rows(vectors)


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
        for i in batches(len(sentences), BATCH_SIZE, self.name):
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
        return normalise_rows(np.vstack(parts))


def _why(arg: str, exc: BaseException) -> str:
    """Why a model did not load, in words that fit an offline tool."""
    if not Path(arg).expanduser().exists():
        return f"not a local folder and not in the local Hugging Face cache; fetch it with `talkhis models fetch {arg}`"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
