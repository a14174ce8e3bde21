"""Chart PNGs reused from an identical render: same bytes, a new key for any change, and no
matplotlib import when the render is reused."""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from talkhis.pipeline import Options, summarize_corpus
from talkhis.report.chartcache import KEEP, chart_key, render_pngs
from talkhis.report.plots import ALL_PLOTS


@pytest.fixture(scope="module")
def result(corpus):
    return summarize_corpus(corpus, Options())


def test_a_reused_render_has_the_bytes_of_a_fresh_one(result, tmp_path):
    first = render_pngs(result, 60, cache_dir=tmp_path)
    assert list(first) == list(ALL_PLOTS) and all(png.startswith(b"\x89PNG") for png in first.values())
    assert len(list((tmp_path / "charts").glob("*.npz"))) == 1
    assert render_pngs(result, 60, cache_dir=tmp_path) == first
    assert render_pngs(result, 60, cache_dir=tmp_path, use_cache=False) == first


def test_any_change_to_what_is_drawn_changes_the_key(result):
    key = chart_key(result, 110)
    assert chart_key(result, 110) == key
    assert chart_key(result, 100) != key
    assert chart_key(result, 110, english={result.clusters[0].id: "soldiers"}) != key
    moved = copy.copy(result)
    moved.vectors = result.vectors.copy()
    moved.vectors[0, 0] = np.nextafter(moved.vectors[0, 0], np.float32(2))
    assert chart_key(moved, 110) != key
    renamed = copy.copy(result)
    renamed.summary = result.summary[:-1]
    assert chart_key(renamed, 110) != key


def test_a_reused_render_does_not_load_matplotlib(result, tmp_path):
    render_pngs(result, 60, cache_dir=tmp_path)
    code = textwrap.dedent(
        f"""
        import sys
        from talkhis.report.chartcache import render_pngs
        from talkhis.corpus import load_corpus
        from talkhis.pipeline import Options, summarize_corpus

        from tests.conftest import ARTICLES

        result = summarize_corpus(load_corpus(ARTICLES), Options())
        charts = render_pngs(result, 60, cache_dir={str(tmp_path)!r})
        print("MATPLOTLIB", "matplotlib" in sys.modules, len(charts))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    assert done.returncode == 0, done.stderr
    assert "MATPLOTLIB False 4" in done.stdout


def test_old_renders_are_pruned(result, tmp_path, monkeypatch):
    import talkhis.report.chartcache as chartcache

    monkeypatch.setattr(chartcache, "KEEP", 2)
    for dpi in (40, 41, 42):
        render_pngs(result, dpi, cache_dir=tmp_path)
    assert len(list((tmp_path / "charts").glob("*.npz"))) == 2
    assert KEEP >= 2
