"""Tests of talkhis.translate: the shipped translation memory covers and matches the articles,
untranslated sentences stay untranslated, backends chain, and a tiny random Marian model loads
through the real code path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from talkhis.corpus.lang import normalize_arabic
from talkhis.errors import InputError, MissingDependency, ModelNotFound, UnknownBackend
from talkhis.translate import (
    UNTRANSLATED,
    ChainTranslator,
    ModelTranslator,
    available_translators,
    default_memory_path,
    get_translator,
    read_memory,
)
from talkhis.translate.adequacy import load_calibration

from .conftest import ARTICLES, MEMORY, memory_rows

NOT_IN_MEMORY = "هذه جملة كتبت للاختبار ولا توجد في أي مقال من المقالات المرفقة."
NOT_IN_MEMORY_EN = "This sentence was written for the test and does not appear in any of the attached articles."
KNOWN = "وتُنسب هذه الهجمات التي لم تتبنّها أيّ جهة إلى فصائل مسلحة تابعة لإيران."
KNOWN_EN = "These attacks, which no party has claimed, are attributed to armed factions affiliated with Iran."

#: A row's Arabic must be closer to its own English than to either neighbour row's English by this
#: much. Measured with USE multilingual on the shipped memory (82 rows): the smallest margin is
#: 0.151 (row 65), the median 0.455; a row whose English is shifted or swapped scores below 0.
ALIGNMENT_MARGIN = 0.1
#: The smallest own-translation similarity measured is 0.639; a shifted memory's median is 0.29.
MIN_OWN_SIMILARITY = 0.5


def _write_memory(path: Path, rows: list[dict[str, str]], header: str = "article\tsentence\tarabic\tenglish") -> Path:
    lines = ["# written by a test", header]
    lines += ["\t".join((r["article"], r["sentence"], r["arabic"], r["english"])) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def misaligned_rows(rows: list[dict[str, str]], embedder) -> list[int]:
    """Rows whose Arabic is not clearly closest to their own English among their neighbours'."""
    arabic = embedder.encode([r["arabic"] for r in rows])
    english = embedder.encode([r["english"] for r in rows])
    similarity = arabic @ english.T
    bad = []
    for i in range(len(rows)):
        neighbours = [similarity[i, j] for j in (i - 1, i + 1) if 0 <= j < len(rows)]
        own = similarity[i, i]
        if own < MIN_OWN_SIMILARITY or own - max(neighbours) < ALIGNMENT_MARGIN:
            bad.append(i)
    return bad


# ---------------------------------------------------------------- the shipped translation memory


def test_default_memory_is_the_shipped_file():
    assert default_memory_path() == MEMORY


def test_memory_covers_every_segment_of_every_article(corpus):
    segments = corpus.sentences
    assert len(corpus.articles) == len(list(ARTICLES.glob("*.txt")))
    assert {s.kind for s in segments} == {"sentence", "heading", "title", "fragment"}
    translations = get_translator("reference").translate([s.text for s in segments])
    assert len(translations) == len(segments)
    missing = [(s.article, s.index, s.kind) for s, t in zip(segments, translations) if not t.ok]
    assert missing == []
    assert {t.source for t in translations} == {"reference"}
    assert all(t.text and t.text.strip() == t.text for t in translations)


def test_every_memory_row_is_the_segment_it_names(corpus):
    segments = {(s.article, s.index): s.text for s in corpus.sentences}
    rows = memory_rows()
    for row in rows:
        if not row["sentence"]:  # a segment of an earlier segmentation, kept for lookups only
            continue
        key = (row["article"], int(row["sentence"]))
        assert key in segments, key
        assert normalize_arabic(segments[key]) == normalize_arabic(row["arabic"]), key
    assert len(read_memory(MEMORY)) == len({normalize_arabic(r["arabic"]) for r in rows})


def test_memory_rows_are_aligned_with_their_english(use_embedder):
    assert misaligned_rows(memory_rows(), use_embedder) == []


def test_alignment_check_catches_a_shifted_memory(use_embedder, tmp_path):
    rows = memory_rows()
    english = [r["english"] for r in rows]
    shifted = [dict(r, english=e) for r, e in zip(rows, english[1:] + english[:1])]
    shifted_rows = memory_rows(_write_memory(tmp_path / "shifted.tsv", shifted))
    assert len(misaligned_rows(shifted_rows, use_embedder)) > 0.9 * len(rows)


def test_alignment_check_catches_two_swapped_rows(use_embedder):
    rows = memory_rows()[:20]
    rows[7], rows[8] = dict(rows[7], english=rows[8]["english"]), dict(rows[8], english=rows[7]["english"])
    assert misaligned_rows(rows, use_embedder) == [7, 8]


# ---------------------------------------------------------------- reference lookups


def test_reference_finds_a_known_sentence_and_ignores_harakat_and_tatweel():
    translator = get_translator("reference")
    decorated = KNOWN.replace("الهجمات", "الهَجَمـــات").replace("فصائل", "فَصَائِل")
    for t in translator.translate([KNOWN, decorated, f"  {KNOWN}  "]):
        assert t.text == KNOWN_EN
        assert t.source == "reference"
        assert t.note is None


def test_unknown_sentence_is_untranslated_with_a_reason():
    (t,) = get_translator("reference").translate([NOT_IN_MEMORY])
    assert t.text is None
    assert not t.ok
    assert t.source == UNTRANSLATED
    assert t.note


def test_none_translates_nothing():
    translator = get_translator("none")
    assert translator.name == "none"
    result = translator.translate([KNOWN, NOT_IN_MEMORY])
    assert [t.text for t in result] == [None, None]
    assert {t.source for t in result} == {UNTRANSLATED}
    assert all(t.note for t in result)
    assert translator.translate([]) == []


def test_chain_keeps_reference_translations_in_order():
    translator = get_translator("reference+none")
    assert isinstance(translator, ChainTranslator)
    assert translator.name == "reference+none"
    first, second, third = translator.translate([KNOWN, NOT_IN_MEMORY, KNOWN])
    assert (first.text, first.source) == (KNOWN_EN, "reference")
    assert third == first
    assert (second.text, second.source) == (None, UNTRANSLATED)
    assert "reference" in second.note and "none" in second.note


def test_another_memory_file(tmp_path):
    path = _write_memory(tmp_path / "tm.tsv", [{"article": "x", "sentence": "0", "arabic": NOT_IN_MEMORY, "english": NOT_IN_MEMORY_EN}])
    translator = get_translator(f"reference:{path}")
    assert translator.name == f"reference:{path}"
    found, missing = translator.translate([NOT_IN_MEMORY, KNOWN])
    assert (found.text, found.source) == (NOT_IN_MEMORY_EN, "reference")
    assert found.adequacy_ok is True and found.adequacy >= load_calibration().cut  # checked on load, so scored
    assert missing.text is None
    chained = get_translator(f"reference:{path}+reference").translate([NOT_IN_MEMORY, KNOWN])
    assert [t.text for t in chained] == [NOT_IN_MEMORY_EN, KNOWN_EN]
    assert chained[1].adequacy is None  # the shipped memory is reviewed, not scored


def test_unknown_translator_lists_the_names():
    for spec in ("google", "reference+google:en"):
        with pytest.raises(UnknownBackend, match="unknown translator 'google'") as info:
            get_translator(spec)
        for name in available_translators():
            assert name in str(info.value)
    assert available_translators() == ["nllb", "none", "opus-mt", "reference", "transformers"]


def test_missing_memory_file_is_model_not_found(tmp_path):
    missing = tmp_path / "nope.tsv"
    with pytest.raises(ModelNotFound, match="no such translation memory") as info:
        get_translator(f"reference:{missing}")
    assert str(missing) in str(info.value)


@pytest.mark.parametrize(
    "content, message",
    [
        ("# only a comment\nsource\ttarget\nنص\ttext\n", "'arabic' and 'english' columns"),
        ("arabic\n" + KNOWN + "\n", "'arabic' and 'english' columns"),
        ("", "'arabic' and 'english' columns"),
        ("arabic\tenglish\n\tThe English of nothing.\n", "line 2: the 'arabic' field is empty"),
        ("# c\narticle\tsentence\tarabic\tenglish\nx\t0\t" + KNOWN + "\n", r"line 3: 3 columns, expected 4 \(article, sentence, arabic, english\)"),
        ("article\tsentence\tarabic\tenglish\nx\tfirst\t" + KNOWN + "\t\n", "line 2 \\(article x, sentence first\\): sentence 'first' is not a whole number"),
    ],
)
def test_unusable_memory_file_is_an_input_error(tmp_path, content, message):
    path = tmp_path / "tm.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        get_translator(f"reference:{path}")


def test_undecodable_memory_file_is_an_input_error(tmp_path):
    path = tmp_path / "tm.tsv"
    path.write_bytes(b"arabic\tenglish\n\xff\xfe\xfa\tx\n")
    with pytest.raises(InputError, match="cannot read"):
        read_memory(path)


# ---------------------------------------------------------------- a translation model


def test_model_translator_loads_a_local_marian_folder(tiny_marian_dir):
    spec = f"transformers:{tiny_marian_dir}"
    translator = get_translator(spec)
    assert isinstance(translator, ModelTranslator)
    assert translator.name == f"model:{tiny_marian_dir}"
    sentences = [KNOWN, NOT_IN_MEMORY, "قاعدة عين الأسد"]
    first = translator.translate(sentences)
    assert len(first) == len(sentences)
    for t in first:
        assert t.ok and t.text.strip()
        assert t.source == f"model:{tiny_marian_dir}"
        assert t.machine and isinstance(t.adequacy, float) and isinstance(t.adequacy_ok, bool)
    assert translator.translate(sentences) == first
    assert get_translator(spec).translate(sentences) == first
    assert translator.translate([]) == []


def test_chain_uses_the_model_only_where_the_memory_has_nothing(tiny_marian_dir):
    known, unknown = get_translator(f"reference+transformers:{tiny_marian_dir}").translate([KNOWN, NOT_IN_MEMORY])
    assert (known.text, known.source) == (KNOWN_EN, "reference")
    assert unknown.ok and unknown.source == f"model:{tiny_marian_dir}"


def test_missing_or_empty_model_folder_is_model_not_found(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelNotFound, match="no such model folder") as info:
        get_translator(f"transformers:{missing}")
    assert str(missing) in str(info.value)
    with pytest.raises(ModelNotFound, match="no model in this folder"):
        get_translator(f"transformers:{tmp_path}")
    with pytest.raises(ModelNotFound, match="needs a model"):
        get_translator("transformers")


def test_encoder_only_model_is_not_a_translation_model(tiny_bert_dir):
    with pytest.raises(ModelNotFound, match="cannot load a translation model"):
        get_translator(f"transformers:{tiny_bert_dir}")


def test_uncached_hub_name_is_model_not_found(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ModelNotFound, match="talkhis-tests/no-such-mt: .*`talkhis models fetch talkhis-tests/no-such-mt`"):
        get_translator("transformers:talkhis-tests/no-such-mt")


@pytest.mark.parametrize("hidden", ["transformers", "torch"])
def test_model_translator_without_its_libraries_names_the_extra(tiny_marian_dir, monkeypatch, hidden):
    monkeypatch.setitem(sys.modules, hidden, None)
    with pytest.raises(MissingDependency, match=r"pip install 'talkhis\[models\]'"):
        get_translator(f"transformers:{tiny_marian_dir}")


def test_reference_returns_each_rows_english():
    rows = memory_rows()
    translations = get_translator("reference").translate([r["arabic"] for r in rows])
    assert [t.text for t in translations] == [r["english"] for r in rows]
