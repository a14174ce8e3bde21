"""Put a model folder into a Hugging Face hub cache with the layout huggingface_hub writes:
``models--org--name/blobs/<sha256>``, ``snapshots/<revision>/<file>`` as relative links to the
blobs, and ``refs/main`` holding the revision."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

__all__ = ["hub_listing", "install", "repo_folder"]


def repo_folder(cache: Path, repo_id: str) -> Path:
    return cache / ("models--" + repo_id.replace("/", "--"))


def install(source: Path, cache: Path, repo_id: str, revision: str, files: list[str] | None = None) -> Path:
    """Copy ``files`` (default: every file) of ``source`` into ``cache`` as ``repo_id`` at
    ``revision``; returns the snapshot folder."""
    repo = repo_folder(cache, repo_id)
    snapshot = repo / "snapshots" / revision
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    snapshot.mkdir(parents=True, exist_ok=True)
    (repo / "refs").mkdir(exist_ok=True)
    for name in files if files is not None else sorted(p.name for p in source.iterdir() if p.is_file()):
        data = (source / name).read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        if not blob.exists():
            shutil.copyfile(source / name, blob)
        link = snapshot / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(os.path.relpath(blob, link.parent), link)
    (repo / "refs" / "main").write_text(revision, encoding="utf-8")
    return snapshot


def hub_listing(repo_id: str, files: list[str]):
    """What ``HfApi.model_info`` returns for a repository holding ``files``."""
    from huggingface_hub.hf_api import ModelInfo

    return ModelInfo(id=repo_id, siblings=[{"rfilename": f} for f in files])
