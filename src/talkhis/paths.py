"""Where talkhis keeps files between runs: one home for the cache folder."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_cache_dir"]


def default_cache_dir() -> Path:
    """``$TALKHIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/talkhis``, else ``~/.cache/talkhis``."""
    if os.environ.get("TALKHIS_CACHE_DIR"):
        return Path(os.environ["TALKHIS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "talkhis"
