"""Tests of translation models by name: a tiny random MarianMT and a tiny NLLB-style (M2M100)
model with real tokenizers, saved into a temporary Hugging Face hub cache under the names of
the real models, resolve offline; batching keeps every output with its input; a model that is
neither cached nor downloadable gives a one-line error; a download happens once, through the
hub client, when allowed. The tiny models write gibberish, so only structure is asserted: their
output is labelled ``model:<name>`` and never compared with an English text."""

from __future__ import annotations

import json

import pytest

from talkhis.errors import InputError, ModelNotFound, UnknownBackend
from talkhis.translate import ChainTranslator, ModelTranslator, get_translator
from talkhis.translate.adequacy import load_calibration, passes
from talkhis.translate.seq2seq import NLLB_SOURCE, NLLB_TARGET, resolve_device

from .conftest import memory_rows, seed_arabic_lines
from .hub_cache import hub_listing, install, repo_folder

OPUS, NLLB = "Helsinki-NLP/opus-mt-ar-en", "facebook/nllb-200-distilled-600M"
REVISION = {OPUS: "0" * 39 + "1", NLLB: "0" * 39 + "2"}
SENTENCES = [
    "قاعدة عين الأسد",
    "وتُنسب هذه الهجمات التي لم تتبنّها أيّ جهة إلى فصائل مسلحة تابعة لإيران.",
    "وقال مسؤول محلي إن الطريق الساحلي أغلق بعد العاصفة.",
    "جولة أخيرة",
    "هذه جملة كتبت للاختبار ولا توجد في أي مقال من المقالات المرفقة.",
]
KNOWN = SENTENCES[1]


#: Weights drawn this wide make a random model's output depend on its input, which the ordering
#: tests need (at the usual 0.02 every input gets the same few tokens).
INIT_STD = 1.0


@pytest.fixture(scope="session")
def tiny_opus_dir(tmp_path_factory, tiny_marian_dir):
    """The tiny Marian's tokenizer with a new random model of wide weights that stops after at
    most 6 new tokens (its generation config)."""
    import shutil

    import torch
    from transformers import MarianConfig, MarianMTModel

    folder = tmp_path_factory.mktemp("tiny-opus")
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (tiny_marian_dir / name).is_file():
            shutil.copy(tiny_marian_dir / name, folder / name)
    config = MarianConfig.from_pretrained(tiny_marian_dir)
    config.init_std = INIT_STD
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    model.generation_config.max_new_tokens = 6
    model.generation_config.bad_words_ids = [[config.pad_token_id]]
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_nllb_dir(tmp_path_factory):
    """A random one-layer M2M100 model (the NLLB architecture) with an NLLB tokenizer whose
    byte-pair vocabulary is trained on the seed articles and their English; its generation
    config asks for 4 to 8 new tokens, none repeated, which keeps decoding cheap and makes
    different inputs give different outputs."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    folder = tmp_path_factory.mktemp("tiny-nllb")
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace()
    bpe.train_from_iterator(seed_arabic_lines() + [r["english"] for r in memory_rows()],
                            trainers.BpeTrainer(vocab_size=400, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                                show_progress=False))
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in json.loads(bpe.to_str())["model"]["merges"]]
    tokenizer = NllbTokenizer(vocab=bpe.get_vocab(), merges=merges, src_lang=NLLB_SOURCE, tgt_lang=NLLB_TARGET)
    torch.manual_seed(0)
    config = M2M100Config(
        vocab_size=len(tokenizer), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, bos_token_id=tokenizer.bos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id, init_std=INIT_STD,
    )
    model = M2M100ForConditionalGeneration(config).eval()
    model.generation_config.max_new_tokens = 8
    model.generation_config.min_new_tokens = 4
    model.generation_config.no_repeat_ngram_size = 1
    # Language codes are tokens too, and a random model loves to repeat them; only the forced
    # first token may be one.
    special = set(tokenizer.all_special_ids) - {tokenizer.eos_token_id}
    model.generation_config.bad_words_ids = [[i] for i in sorted(special)]
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def hub_home(tmp_path_factory, tiny_opus_dir, tiny_nllb_dir):
    """An ``HF_HOME`` whose hub cache holds the tiny models under the real models' ids."""
    home = tmp_path_factory.mktemp("hf-home")
    install(tiny_opus_dir, home / "hub", OPUS, REVISION[OPUS])
    install(tiny_nllb_dir, home / "hub", NLLB, REVISION[NLLB])
    return home


@pytest.fixture(autouse=True)
def offline_cache(monkeypatch, hub_home):
    """Every test starts offline with the tiny models' cache; the hub client may not be called."""
    monkeypatch.setenv("HF_HOME", str(hub_home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("HUGGINGFACE_HUB_CACHE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)

    def no_network(*args, **kwargs):
        raise AssertionError("the hub client was called")

    monkeypatch.setattr("huggingface_hub.snapshot_download", no_network)
    monkeypatch.setattr("huggingface_hub.HfApi.model_info", no_network)


def _texts(translations):
    return [t.text for t in translations]


# ---------------------------------------------------------------- names resolve from the cache


@pytest.mark.parametrize("name, hub_id", [("opus-mt", OPUS), ("nllb", NLLB)])
def test_alias_resolves_offline_from_the_hub_cache(hub_home, name, hub_id):
    translator = get_translator(name, device="cpu")
    assert isinstance(translator, ModelTranslator)
    assert translator.name == f"model:{name}"
    assert translator.hub_id == hub_id
    assert translator.folder == repo_folder(hub_home / "hub", hub_id) / "snapshots" / REVISION[hub_id]
    assert translator.revision == REVISION[hub_id]
    assert translator.device == "cpu"
    out = translator.translate(SENTENCES)
    assert len(out) == len(SENTENCES)
    for t in out:
        assert t.ok and t.text == t.text.strip() and t.text
        assert t.source == f"model:{name}" and t.machine and t.note is None


def test_hub_id_through_the_transformers_backend(hub_home):
    translator = get_translator(f"transformers:{OPUS}", device="cpu")
    assert translator.name == f"model:{OPUS}"
    assert translator.folder.parent.parent == repo_folder(hub_home / "hub", OPUS)


def test_hf_hub_cache_overrides_hf_home(monkeypatch, hub_home, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ModelNotFound):
        get_translator("opus-mt")
    monkeypatch.setenv("HF_HUB_CACHE", str(hub_home / "hub"))
    assert get_translator("opus-mt").hub_id == OPUS


def test_nllb_is_told_the_source_and_target_languages():
    nllb, opus = get_translator("nllb", device="cpu"), get_translator("opus-mt", device="cpu")
    tokenizer = nllb._tokenizer
    assert tokenizer.src_lang == NLLB_SOURCE
    assert nllb._generate_kwargs == {"forced_bos_token_id": tokenizer.convert_tokens_to_ids(NLLB_TARGET)}
    assert tokenizer.convert_ids_to_tokens(tokenizer(SENTENCES[0])["input_ids"])[0] == NLLB_SOURCE
    assert opus._generate_kwargs == {}


# ---------------------------------------------------------------- batching and order


@pytest.mark.parametrize("name", ["opus-mt", "nllb"])
def test_each_output_belongs_to_its_input_whatever_the_batch(name):
    translator = ModelTranslator(name, device="cpu", adequacy=False)
    alone = [translator.translate([s])[0] for s in SENTENCES]
    assert len(set(_texts(alone))) == len(SENTENCES), "the tiny model must tell inputs apart for this test to mean anything"
    for batch_size in (1, 2, 16):
        translator.batch_size = batch_size
        assert translator.translate(SENTENCES) == alone
        assert translator.translate(SENTENCES[::-1]) == alone[::-1]
        assert translator.translate(SENTENCES + SENTENCES[:2]) == alone + alone[:2]


def test_decoding_is_deterministic_greedy_or_beams():
    for beams in (1, 4):
        first = ModelTranslator("opus-mt", device="cpu", num_beams=beams, adequacy=False).translate(SENTENCES)
        assert ModelTranslator("opus-mt", device="cpu", num_beams=beams, adequacy=False).translate(SENTENCES) == first
    assert ModelTranslator("opus-mt", device="cpu", adequacy=False).translate([]) == []


# ---------------------------------------------------------------- adequacy of machine output


def test_machine_translations_carry_an_adequacy_score():
    cut = load_calibration().cut
    out = get_translator("opus-mt", device="cpu").translate(SENTENCES)
    for t in out:
        assert isinstance(t.adequacy, float) and t.adequacy == round(t.adequacy, 2) and -1 <= t.adequacy <= 1
        assert t.adequacy_ok is passes(t.adequacy, cut)
    # A few random sentencepiece pieces say nothing of the Arabic: every line is flagged.
    assert [t.adequacy_ok for t in out] == [False] * len(SENTENCES)


def test_chain_uses_the_model_only_where_the_memory_has_nothing():
    translator = get_translator("reference+opus-mt", device="cpu")
    assert isinstance(translator, ChainTranslator) and translator.name == "reference+model:opus-mt"
    out = translator.translate(SENTENCES)
    # Sentences 1 and 3 are in the shipped memory (3 is a heading), the others are not.
    assert [t.source for t in out] == ["model:opus-mt", "reference", "model:opus-mt", "reference", "model:opus-mt"]
    assert (out[1].adequacy, out[3].adequacy) == (None, None)
    assert all(isinstance(out[i].adequacy, float) for i in (0, 2, 4))


# ---------------------------------------------------------------- not cached, offline or online


def test_not_cached_offline_is_one_line_naming_the_fetch_command_and_the_reference_route(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    for spec, label in (("opus-mt", "opus-mt"), ("nllb", "nllb"), ("transformers:org/not-cached", "org/not-cached")):
        with pytest.raises(ModelNotFound) as info:
            get_translator(spec)
        message = str(info.value)
        assert "\n" not in message
        assert f"talkhis models fetch {label}" in message
        assert "HF_HUB_OFFLINE" in message and str(tmp_path / "hub") in message
        assert "talkhis translations export" in message and "reference:todo.tsv+reference" in message


def test_incomplete_snapshot_counts_as_not_cached(monkeypatch, tmp_path, tiny_opus_dir):
    install(tiny_opus_dir, tmp_path / "hub", OPUS, "f" * 40, files=["config.json", "vocab.json"])
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ModelNotFound, match="talkhis models fetch opus-mt"):
        get_translator("opus-mt")


def test_not_cached_online_downloads_once_through_the_hub_client(monkeypatch, tmp_path, tiny_opus_dir):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("HF_HUB_OFFLINE")
    listing = sorted(p.name for p in tiny_opus_dir.iterdir()) + ["tf_model.h5", "rust_model.ot", "README.md", "onnx/model.onnx"]
    calls = []

    def fake_snapshot_download(repo_id, *, revision=None, cache_dir=None, allow_patterns=None, **kwargs):
        calls.append((repo_id, allow_patterns))
        files = [f for f in allow_patterns if (tiny_opus_dir / f).is_file()]
        return str(install(tiny_opus_dir, cache_dir, repo_id, "a" * 40, files=files))

    monkeypatch.setattr("huggingface_hub.HfApi.model_info", lambda self, repo_id, revision=None: hub_listing(repo_id, listing))
    monkeypatch.setattr("huggingface_hub.snapshot_download", fake_snapshot_download)
    translator = get_translator("opus-mt", device="cpu")
    assert translator.folder == repo_folder(tmp_path / "hub", OPUS) / "snapshots" / ("a" * 40)
    ((repo_id, patterns),) = calls
    assert repo_id == OPUS
    assert "model.safetensors" in patterns and "source.spm" in patterns and "config.json" in patterns
    assert not {"tf_model.h5", "rust_model.ot", "README.md", "onnx/model.onnx"} & set(patterns)
    assert all(t.ok for t in translator.translate(SENTENCES[:2]))
    get_translator("opus-mt", device="cpu")
    assert len(calls) == 1


def test_failed_download_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("HF_HUB_OFFLINE")

    def unreachable(self, repo_id, revision=None):
        raise ConnectionError("Could not resolve host: huggingface.co\nmore detail")

    monkeypatch.setattr("huggingface_hub.HfApi.model_info", unreachable)
    with pytest.raises(ModelNotFound) as info:
        get_translator("nllb")
    message = str(info.value)
    assert "\n" not in message
    assert "could not be downloaded (Could not resolve host: huggingface.co)" in message
    assert "talkhis models fetch nllb" in message and "reference:todo.tsv+reference" in message


# ---------------------------------------------------------------- options


def test_device_choices(monkeypatch):
    import torch

    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(InputError, match="unknown device 'tpu'"):
        get_translator("opus-mt", device="tpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    with pytest.raises(InputError, match="torch sees no CUDA device"):
        get_translator("opus-mt", device="cuda")


def test_named_model_takes_no_argument():
    with pytest.raises(UnknownBackend, match="takes no argument"):
        get_translator("opus-mt:big")
