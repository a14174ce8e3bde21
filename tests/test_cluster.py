"""Content clusters: deterministic labels, both methods, coverage that counts copies once, the
large-input path agreeing with the exact one, and no chained giant cluster."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from talkhis.align import ContentClusterer
from talkhis.align.cluster import METHODS, describe_clusters, largest_share
from talkhis.align.neighbours import similar_pairs
from talkhis.corpus import Corpus, make_article
from talkhis.embed import get_embedder
from talkhis.errors import UnknownBackend
from talkhis.pipeline import clustered_sentences


def groups(n_groups: int = 5, size: int = 20, dim: int = 32, noise: float = 0.05, seed: int = 0):
    """Tight groups of unit vectors around random centres, shuffled: (vectors, group of each row)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, dim))
    truth = np.repeat(np.arange(n_groups), size)
    rng.shuffle(truth)
    x = centres[truth] / np.linalg.norm(centres[truth], axis=1, keepdims=True) + noise * rng.normal(size=(len(truth), dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), truth


def first_appearance(labels) -> list[int]:
    """Labels renamed 0, 1, … in order of first appearance (what talkhis promises)."""
    seen: dict[int, int] = {}
    return [seen.setdefault(int(label), len(seen)) for label in labels]


@pytest.fixture(scope="module")
def seed_vectors(corpus):
    sentences = clustered_sentences(corpus)
    return sentences, get_embedder("use").encode([s.text for s in sentences])


# ---------------------------------------------------------------------------- labels


def test_labels_are_deterministic_across_runs_and_instances(seed_vectors):
    _, x = seed_vectors
    for method in METHODS:
        first = ContentClusterer(method).fit_predict(x)
        again = ContentClusterer(method).fit_predict(x.copy())
        assert np.array_equal(first, again)


@pytest.mark.parametrize("method", METHODS)
def test_every_sentence_gets_a_label_numbered_by_first_appearance(seed_vectors, method):
    _, x = seed_vectors
    model = ContentClusterer(method).fit(x)
    labels = model.labels_
    assert labels.shape == (len(x),) and labels.min() >= 0
    assert list(labels) == first_appearance(labels)
    assert model.n_clusters_ == len(set(labels.tolist())) == labels.max() + 1
    assert 1 < model.n_clusters_ < len(x)  # some sentences do share a cluster


def test_labels_follow_first_appearance_not_the_algorithms_numbering():
    x, truth = groups(n_groups=4, size=6)
    labels = ContentClusterer().fit_predict(x)
    assert list(labels) == first_appearance(truth)
    reversed_labels = ContentClusterer().fit_predict(x[::-1])
    assert list(reversed_labels) == first_appearance(truth[::-1])


@pytest.mark.parametrize("method", METHODS)
def test_small_inputs(method):
    assert ContentClusterer(method).fit(np.zeros((0, 4), dtype=np.float32)).n_clusters_ == 0
    assert list(ContentClusterer(method).fit_predict(np.eye(4, dtype=np.float32)[:1])) == [0]
    assert list(ContentClusterer(method).fit_predict(np.eye(4, dtype=np.float32)[[0, 0]])) == [0, 0]


def test_hdbscan_noise_points_each_get_their_own_cluster():
    x = np.eye(6, dtype=np.float32)  # six orthogonal points: all noise
    assert list(ContentClusterer("hdbscan").fit_predict(x)) == [0, 1, 2, 3, 4, 5]


def test_an_unknown_method_is_named_with_the_choices():
    with pytest.raises(UnknownBackend, match="unknown clustering method 'kmeans'; choose one of agglomerative, hdbscan"):
        ContentClusterer("kmeans").fit(np.eye(3))


def test_a_repeated_sentence_does_not_pull_clusters_together():
    """Three points on a circle: a and b are close, c is near b only. Repeating b (a copied
    article repeats its sentences) must not drag c into their cluster by weight of numbers."""
    angle = np.radians([0.0, 45.0, 100.0])
    a, b, c = np.stack([np.cos(angle), np.sin(angle)], axis=1).astype(np.float32)
    alone = ContentClusterer(threshold=0.5).fit_predict(np.stack([a, b, c]))
    assert list(alone) == [0, 0, 1]
    repeated = ContentClusterer(threshold=0.5).fit_predict(np.stack([a, b, c, *[b] * 10]))
    assert list(repeated) == [0, 0, 1] + [0] * 10
    density = ContentClusterer("hdbscan").fit_predict(np.stack([b, a, b, c, a]))
    assert density[0] == density[2] and density[1] == density[4]  # a copy shares its original's label


# ---------------------------------------------------------------------------- the graph path


@pytest.mark.parametrize("limit", [10, 50])
def test_the_large_input_path_gives_the_exact_clusters_on_separated_groups(limit):
    """Groups of 20: with a limit of 10 each part is clustered by sparse average linkage, with
    50 exactly; both must find the generating groups, like the all-pairs path."""
    x, truth = groups()
    exact = ContentClusterer(threshold=0.5).fit_predict(x)
    assert list(exact) == first_appearance(truth)
    large = ContentClusterer(threshold=0.5, exact_limit=limit).fit_predict(x)
    assert np.array_equal(large, exact)


def chain(n: int = 300, span_degrees: float = 180.0, dim: int = 8, seed: int = 0) -> np.ndarray:
    """Unit vectors along half a great circle, a fraction of a degree apart, with a little
    noise off the circle: every neighbour is close and the ends are opposite, so single
    linkage joins them all and average linkage must not."""
    rng = np.random.default_rng(seed)
    angle = np.radians(np.linspace(0.0, span_degrees, n))
    x = np.zeros((n, dim))
    x[:, 0], x[:, 1] = np.cos(angle), np.sin(angle)
    x[:, 2:] = 0.01 * rng.normal(size=(n, dim - 2))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_a_chain_of_neighbours_is_not_one_cluster_on_the_large_input_path():
    x = chain()
    exact = ContentClusterer(threshold=0.5).fit_predict(x)
    large = ContentClusterer(threshold=0.5, exact_limit=50).fit_predict(x)
    i, j, _ = similar_pairs(x, 0.5)
    n_parts, _ = connected_components(coo_matrix((np.ones(len(i)), (i, j)), shape=(len(x), len(x))), directed=False)
    assert n_parts == 1  # single linkage would make one cluster of everything
    assert largest_share(exact) < 0.7
    assert largest_share(large) < 0.7
    assert len(set(large.tolist())) >= len(set(exact.tolist())) >= 2


def test_largest_share():
    assert largest_share(np.array([0, 0, 1, 2])) == 0.5
    assert largest_share(np.array([], dtype=int)) == 0.0


# ---------------------------------------------------------------------------- cluster records


def test_coverage_counts_a_copy_once():
    shared = "قال المسؤول الأميركي إن القوات ستبقى في العراق بناء على دعوة الحكومة العراقية لمحاربة التنظيم."
    own_a = ("وأضاف أن عدد الجنود الأميركيين في قاعدة عين الأسد لن يتغير قبل نهاية العام الحالي.\n"
             "وأشار إلى أن المستشارين العسكريين سيواصلون تدريب وحدات مكافحة الإرهاب في الأنبار.")
    own_c = ("وأكد وزير الخارجية العراقي أن الحوار الاستراتيجي سيحدد موعد انسحاب القوات القتالية.\n"
             "وتعقد الجولة المقبلة من المباحثات في واشنطن بحضور وفود أمنية واقتصادية من البلدين.")
    corpus = Corpus.from_articles([
        make_article("a", f"{shared}\n{own_a}"),
        make_article("b", f"{shared}\n{own_a}"),  # a copy of a
        make_article("c", f"{shared}\n{own_c}"),
    ])
    assert [a.duplicate_of for a in corpus.articles] == [None, "a", None]
    sentences = clustered_sentences(corpus)
    vectors = get_embedder("tfidf").encode([s.text for s in sentences])
    labels = ContentClusterer().fit_predict(vectors)
    clusters = describe_clusters(labels, vectors, sentences, corpus)
    assert [(c.label, c.articles, c.size, c.coverage) for c in clusters[:1]] == [(shared, ["a", "b", "c"], 3, 2)]
    assert sorted((c.articles, c.size, c.coverage) for c in clusters[1:]) == [
        (["a", "b"], 2, 1), (["a", "b"], 2, 1), (["c"], 1, 1), (["c"], 1, 1)
    ]
    assert sorted(m for c in clusters for m in c.members) == list(range(len(sentences)))


def test_cluster_records_are_sorted_and_labelled_by_their_most_central_sentence(seed_vectors, corpus):
    sentences, x = seed_vectors
    labels = ContentClusterer().fit_predict(x)
    clusters = describe_clusters(labels, x, sentences, corpus)
    keys = [(-c.coverage, -c.size, c.id) for c in clusters]
    assert keys == sorted(keys)
    assert sorted(m for c in clusters for m in c.members) == list(range(len(sentences)))
    for c in clusters:
        assert all(labels[m] == c.id for m in c.members)
        assert c.label == sentences[c.label_member].text and c.label_member in c.members
        assert c.coverage == len({corpus.story(a) for a in c.articles})
        if c.size > 2:
            sim = x[c.members] @ x[c.members].T
            assert c.members[int(np.argmax(sim.sum(axis=1)))] == c.label_member
    assert clusters[0].coverage >= 2 and all(c.terms for c in clusters[:5])
