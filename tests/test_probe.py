"""The embedder probe: paraphrases above unrelated pairs, own translations first, a threshold
on each model's scale."""

from __future__ import annotations

import pytest

from talkhis.evaluate.probe import PARAPHRASES, UNRELATED, auc, probe, probe_table
from talkhis.translate.memory import read_memory_rows

from .conftest import MEMORY


@pytest.fixture(scope="module")
def inputs(corpus):
    texts = [s.text for s in corpus.sentences]
    rows = [(r.arabic, r.english) for r in read_memory_rows(MEMORY)][:30]
    return texts, rows


def test_auc_counts_wins_and_half_ties():
    assert auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert auc([0.5], [0.5]) == 0.5
    assert auc([0.1], [0.9, 0.05]) == 0.5


def test_the_default_embedder_separates_paraphrases_and_finds_its_own_english(inputs):
    texts, rows = inputs
    p = probe("use", texts, rows)
    assert len(PARAPHRASES) == len(UNRELATED) == 8
    assert p.paraphrase > p.unrelated and p.auc == 1.0
    assert p.own_translation > p.other_translation + 0.4 and p.top1 >= 0.9
    assert p.matched_threshold == pytest.approx(0.5, abs=0.02)  # its own scale is the default


def test_a_spelling_model_knows_no_english_and_the_table_rounds(inputs):
    texts, rows = inputs
    use, tfidf = probe("use", texts, rows), probe("tfidf", texts, rows)
    assert tfidf.own_translation < 0.3 and tfidf.top1 < use.top1
    table = probe_table([use, tfidf])
    assert table.strip().count("\n") == 3 and "| use |" in table and "| tfidf |" in table
