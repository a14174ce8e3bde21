"""Shared fixtures: the shipped articles, loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from talkhis.corpus import Corpus, load_corpus

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"

# Embedding caches written by tests go to a throw-away folder, never to the user's cache.
os.environ.setdefault("TALKHIS_CACHE_DIR", str(ROOT / ".pytest_cache" / "talkhis-cache"))


@pytest.fixture(scope="session")
def articles_dir() -> Path:
    return ARTICLES


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(ARTICLES)


def seed_text(stem_prefix: str) -> str:
    """The text of the shipped article whose file name starts with ``stem_prefix``."""
    (path,) = ARTICLES.glob(f"{stem_prefix}*.txt")
    return path.read_text(encoding="utf-8")
