"""Tests of the adequacy score (calibration, quantised decisions, where it shows in the outputs)
and of English cluster labels."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from talkhis.corpus.lang import normalize_arabic
from talkhis.pipeline import Options, summarize_corpus, summarize_folder
from talkhis.report.labels import english_label, english_labels
from talkhis.report.write import report_html, summary_dict, summary_markdown
from talkhis.translate import Translation, default_memory_path, read_memory
from talkhis.translate.adequacy import (
    AdequacyScorer,
    calibrate,
    load_calibration,
    passes,
    rounded,
)
from talkhis.translate.memory import calibrate_memory

from .conftest import memory_rows
from .test_translate_roundtrip import STORM, folder  # noqa: F401  (the fixture)


class _FixedEmbedder:
    """Returns the given matrices in turn: the Arabic first, then the English."""

    name = "fixed"

    def __init__(self, *matrices: np.ndarray) -> None:
        self._left = list(matrices)

    def encode(self, sentences):
        return self._left.pop(0)


# ---------------------------------------------------------------- calibration


def test_shipped_calibration_matches_a_fresh_measurement(use_embedder):
    shipped, fresh = load_calibration(), calibrate_memory(use_embedder)
    assert fresh.cut == shipped.cut
    n = len(memory_rows())
    assert (fresh.faithful["n"], fresh.shuffled["n"]) == (shipped.faithful["n"], shipped.shuffled["n"]) == (n, n * (n - 1))
    for name in ("min", "median", "p99", "max"):
        assert fresh.faithful[name] == pytest.approx(shipped.faithful[name], abs=0.005)
        assert fresh.shuffled[name] == pytest.approx(shipped.shuffled[name], abs=0.005)
    assert shipped.faithful_pass == 1.0 and shipped.shuffled_reject >= 0.99
    assert shipped.shuffled["p99"] < shipped.cut < shipped.faithful["min"]


def test_cut_is_the_lowest_grid_point_rejecting_the_target_share():
    sim = np.full((4, 4), 0.1)
    np.fill_diagonal(sim, 0.9)
    sim[0, 1], sim[2, 3] = 0.3, 0.5  # the two highest mismatched pairs
    arabic, english = np.eye(4), sim.T.copy()  # arabic @ english.T == sim
    strict = calibrate(list("abcd"), list("ABCD"), _FixedEmbedder(arabic, english))
    assert (strict.cut, strict.shuffled_reject, strict.faithful_pass) == (0.51, 1.0, 1.0)
    loose = calibrate(list("abcd"), list("ABCD"), _FixedEmbedder(arabic, english), target_reject=0.9)
    assert (loose.cut, loose.shuffled_reject) == (0.31, round(11 / 12, 4))


def test_decisions_are_made_on_hundredths():
    assert rounded(np.float32(0.8349)) == 0.83 and rounded(0.8351) == 0.84
    assert passes(0.56, 0.56) and passes(0.56 - 1e-9, 0.56) and passes(0.5551, 0.56)
    assert not passes(0.5549, 0.56)


def test_scorer_passes_faithful_rows_and_flags_shifted_ones(use_embedder):
    rows = memory_rows()[:24]
    arabic = [r["arabic"] for r in rows]
    scorer = AdequacyScorer(use_embedder)
    faithful = scorer.attach(arabic, [Translation(r["english"], "model:test") for r in rows])
    assert all(t.adequacy_ok for t in faithful)
    shifted = scorer.attach(arabic, [Translation(r["english"], "model:test") for r in rows[1:] + rows[:1]])
    assert sum(not t.adequacy_ok for t in shifted) >= 0.9 * len(rows)
    untranslated = scorer.attach(["x"], [Translation(None, "untranslated", "none")])
    assert untranslated[0].adequacy is None and untranslated[0].adequacy_ok is None


# ---------------------------------------------------------------- in the outputs


@pytest.fixture(scope="module")
def seed_result(corpus):
    return summarize_corpus(corpus, Options(embedder="tfidf", sentences=3))


def test_outputs_show_the_score_and_warn_below_the_cut(seed_result):
    cut = load_calibration().cut
    result = replace(seed_result, translations=[
        Translation("An adequate line.", "model:x", adequacy=0.81, adequacy_ok=True),
        Translation("A doubtful line.", "model:x", adequacy=0.23, adequacy_ok=False),
        seed_result.translations[2],
    ])
    data = summary_dict(result)
    assert [(i["translation_adequacy"], i["translation_adequacy_ok"]) for i in data["summary"]] == [
        (0.81, True), (0.23, False), (None, None)]
    warning = f"low adequacy (0.23, cut {cut:.2f})"
    markdown = summary_markdown(result, data)
    assert markdown.count("⚠") == 1 and warning in markdown
    assert "*(model:x, adequacy 0.81)*" in markdown and "*(reference)*" in markdown
    page = report_html(result, {}, data)
    assert page.count("class='warn'") == 1 and warning in page
    assert "translation: model:x, adequacy 0.81" in page


def test_reference_translations_carry_no_score(seed_result):
    data = summary_dict(seed_result)
    assert {i["translation_adequacy_ok"] for i in data["summary"]} == {None}
    assert "⚠" not in summary_markdown(seed_result, data)


# ---------------------------------------------------------------- English cluster labels


def test_seed_clusters_are_labelled_from_the_memory(seed_result):
    memory = read_memory(default_memory_path())
    labels = english_labels(seed_result)
    assert set(labels) == {c.id for c in seed_result.clusters}
    for c in seed_result.clusters:
        english = memory[normalize_arabic(seed_result.sentences[c.label_member].text)]
        words = english.split()
        expected = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
        assert labels[c.id] == expected == english_label(c, seed_result)


def test_clusters_without_english_keep_no_label(folder, tmp_path):  # noqa: F811
    result = summarize_folder(folder, Options(embedder="tfidf", translator="none", sentences=4))
    storm_texts = {a for a, _ in STORM}
    storm = [c for c in result.clusters if result.sentences[c.label_member].text in storm_texts]
    seeds = [c for c in result.clusters if c not in storm]
    assert storm and seeds
    assert [english_label(c, result) for c in storm] == [None] * len(storm)
    assert all(english_label(c, result) for c in seeds)
    # A translation in the summary labels its cluster, unless it scored below the cut.
    item = next(i for i, s in enumerate(result.summary) if s.sentence.text in storm_texts)
    cluster = next(c for c in result.clusters if c.id == result.summary[item].cluster)
    for ok, label in ((True, "A storm closed the road."), (False, None)):
        translations = list(result.translations)
        translations[item] = Translation("A storm closed the road.", "model:x", adequacy=0.7 if ok else 0.1, adequacy_ok=ok)
        assert english_label(cluster, replace(result, translations=translations)) == label
