"""Tests of the same-fact link model: the shipped weights are what fitting on the gold gives,
the held-out (leave-one-article-out) precision and recall at the shipped threshold's rule stay
above a floor, and the model's file and threshold rule behave."""

from __future__ import annotations

import numpy as np
import pytest

from talkhis.align import find_links
from talkhis.align.linkmodel import FEATURES, LinkModel
from talkhis.evaluate import link_scores, load_gold
from talkhis.evaluate.linkfit import TARGET_PRECISION, fit_link_model, held_out_links, link_examples
from talkhis.pipeline import clustered_sentences
from talkhis.stable import qkey

from .conftest import ROOT


@pytest.fixture(scope="module")
def gold():
    return load_gold(ROOT / "data" / "gold")


@pytest.fixture(scope="module")
def examples(corpus, use_embedder, gold):
    sentences = clustered_sentences(corpus)
    texts = list(dict.fromkeys(s.text for s in sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = use_embedder.encode(texts)[[row[s.text] for s in sentences]]
    return link_examples(sentences, vectors, corpus, gold), vectors


def test_the_shipped_model_is_the_fit_on_the_gold(examples):
    ex, _ = examples
    fitted, shipped = fit_link_model(ex.x, ex.y), LinkModel.default()
    assert np.allclose(fitted.weights, shipped.weights, atol=1e-3)
    assert abs(fitted.intercept - shipped.intercept) < 1e-3 and abs(fitted.threshold - shipped.threshold) < 1e-3
    assert shipped.weights[0] > 0 and shipped.weights[1] > 0 and shipped.weights[2] > 0  # each is evidence for


def test_links_hold_their_precision_on_articles_left_out(examples, gold, corpus):
    ex, vectors = examples
    held_out = held_out_links(ex, gold).pooled
    # measured: 10 of 11 right, 10 of 76 gold pairs found (each pair counted once per article it involves)
    assert held_out.n_system >= 10 and held_out.precision >= 0.9 and held_out.recall >= 0.13
    in_sample = link_scores(find_links(ex.sentences, vectors, corpus).as_sentence_pairs(), gold, copies=corpus.copies())
    assert in_sample.precision >= 0.95 and in_sample.recall >= 0.2


def test_the_threshold_keeps_the_target_precision_on_the_fitted_pairs():
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.2).astype(int)
    x = np.column_stack([rng.normal(y, 0.6), rng.normal(y, 0.6), rng.random(400) < 0.3])
    model = fit_link_model(x, y)
    chosen = np.array([qkey(p) >= qkey(model.threshold) for p in model.probability(x)])
    assert chosen.any() and y[chosen].mean() >= TARGET_PRECISION
    lower = np.array([qkey(p) >= qkey(model.threshold) - 500 for p in model.probability(x)])
    assert lower.sum() > chosen.sum()
    with pytest.raises(ValueError, match="both"):
        fit_link_model(x, np.zeros(400, dtype=int))


def test_the_model_file_round_trips_and_checks_its_features():
    model = LinkModel((1.0, 2.0, 3.0), -1.5, 0.6, "test")
    assert LinkModel.from_json(model.to_json()) == model
    with pytest.raises(ValueError, match="features"):
        LinkModel.from_json(model.to_json().replace('"numbers_agree"', '"far"'))
    with pytest.raises(ValueError, match="weights"):
        LinkModel((1.0,), 0.0, 0.5)
    assert len(FEATURES) == 3
