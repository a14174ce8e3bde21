"""The cache folder: each cache checks what it reads, and ``talkhis cache`` / ``talkhis cache
clear`` show and empty it, touching nothing talkhis did not write."""

from __future__ import annotations

import hashlib
import sqlite3
import warnings

import numpy as np
import pytest

from talkhis.cli import main
from talkhis.embed.cache import CachedEmbedder, count_vectors
from talkhis.paths import CacheWarning, atomic_write, is_temporary, sweep


class Fake:
    """A cheap deterministic embedder that counts what it embeds."""

    name = "fake"
    cacheable = True

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, sentences):
        self.seen += list(sentences)
        rows = [np.frombuffer(hashlib.sha256(s.encode()).digest(), dtype=np.uint8)[:8].astype(np.float32) for s in sentences]
        return np.vstack(rows) if rows else np.zeros((0, 8), dtype=np.float32)


TEXTS = ["أ", "ب", "ج", "ب"]


def cached(tmp_path) -> tuple[CachedEmbedder, Fake]:
    inner = Fake()
    return CachedEmbedder(inner, tmp_path), inner


def said(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]


def test_a_damaged_vector_is_embedded_again_with_one_warning(tmp_path):
    first, _ = cached(tmp_path)
    expected = first.encode(TEXTS)
    db = sqlite3.connect(tmp_path / "embeddings.sqlite")
    db.execute("UPDATE vectors_v2 SET data = zeroblob(32) WHERE rowid = 2")
    db.commit()
    db.close()
    again, inner = cached(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.testing.assert_array_equal(again.encode(TEXTS), expected)
    assert len(inner.seen) == 1
    assert said(caught) == [f"cache: 1 damaged vector in {tmp_path / 'embeddings.sqlite'} embedded again"]
    third, inner = cached(tmp_path)
    third.encode(TEXTS)
    assert inner.seen == []  # replaced by the good vector


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path):
    (tmp_path / "embeddings.sqlite").write_bytes(b"this is not a database" * 100)
    embedder, _inner = cached(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        embedder.encode(TEXTS)
    (message,) = said(caught)
    assert "embeddings.sqlite was damaged (file is not a database); moved it to" in message
    (aside,) = (tmp_path / "damaged").iterdir()
    assert (aside / "embeddings.sqlite").read_bytes().startswith(b"this is not")
    assert count_vectors(tmp_path / "embeddings.sqlite") == {"fake": 3}


def test_the_cache_before_row_checksums_is_dropped_and_refilled(tmp_path):
    db = sqlite3.connect(tmp_path / "embeddings.sqlite")
    db.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
    db.commit()
    db.close()
    embedder, _inner = cached(tmp_path)
    embedder.encode(TEXTS)
    tables = sqlite3.connect(tmp_path / "embeddings.sqlite").execute("SELECT name FROM sqlite_master").fetchall()
    assert ("vectors",) not in tables and count_vectors(tmp_path / "embeddings.sqlite") == {"fake": 3}


def test_an_unusable_cache_folder_means_no_cache_and_one_line(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    embedder, _inner = cached(tmp_path / "file" / "cache")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.testing.assert_array_equal(embedder.encode(TEXTS), Fake().encode(TEXTS))
        embedder.encode(TEXTS)
    assert said(caught) == [f"cache {tmp_path / 'file' / 'cache'} cannot be used (Not a directory); this run goes on without it"]


def test_atomic_writes_leave_no_temporary_and_sweep_takes_only_dead_ones(tmp_path):
    atomic_write(tmp_path / "a.bin", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]
    dead = tmp_path / ".b.bin.tmp-999999999-abc"
    dead.write_bytes(b"half")
    (tmp_path / ".c.bin.tmp-1-abc").write_bytes(b"pid 1 still runs")
    (tmp_path / ".d.tmp-x").write_bytes(b"not ours")
    assert is_temporary(dead.name) and not is_temporary(".d.tmp-x")
    assert sweep(tmp_path) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".c.bin.tmp-1-abc", ".d.tmp-x", "a.bin"]


@pytest.fixture
def filled(tmp_path, monkeypatch):
    """A cache folder holding one of each kind, and a file of the user's."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("TALKHIS_CACHE_DIR", str(cache))
    CachedEmbedder(Fake(), cache).encode(TEXTS)
    (cache / "use-0.2.1").mkdir()
    (cache / "use-0.2.1" / "meta.json").write_text("{}", encoding="utf-8")
    (cache / "charts").mkdir()
    (cache / "charts" / "k.npz").write_bytes(b"0" * 2000)
    (cache / "damaged" / "embeddings.sqlite.x").mkdir(parents=True)
    (cache / ".embeddings.sqlite.tmp-999999999-x").write_bytes(b"half")
    (cache / "mine.txt").write_text("keep", encoding="utf-8")
    return cache


def test_talkhis_cache_shows_where_what_and_how_much(filled, capsys):
    assert main(["cache"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"cache folder: {filled}"
    rows = {line.split()[0]: line for line in lines[1:]}
    assert "3 vectors (fake 3)" in rows["embeddings"]
    assert "1 prepared copy (use-0.2.1)" in rows["model"]
    assert "1 render" in rows["charts"] and rows["charts"].endswith("2.0 kB")
    assert "1 file" in rows["damaged"] and "1 file" in rows["temporary"]
    assert list(rows) == ["embeddings", "model", "charts", "damaged", "temporary", "total"]


def test_cache_clear_by_kind_then_all_asks_nothing_and_keeps_other_files(filled, capsys):
    assert main(["cache", "clear", "--kind", "charts"]) == 0
    assert capsys.readouterr().out == "removed charts: 1 render, 2.0 kB\n"
    assert (filled / "embeddings.sqlite").is_file() and not (filled / "charts").exists()
    assert main(["cache", "clear"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == ["removed embeddings", "removed model", "removed damaged",
                                                    "removed temporary"]
    assert out[0].startswith("removed embeddings: 3 vectors (fake 3), ")
    assert sorted(p.name for p in filled.iterdir()) == ["mine.txt"]
    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out == f"nothing to remove in {filled}\n"
