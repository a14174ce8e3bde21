"""Content clusters: deterministic labels, both methods, coverage that counts copies once, and
the nearest-neighbour-graph path agreeing with the exact one."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

import talkhis.cluster as cluster_module
from talkhis.cluster import METHODS, ContentClusterer, describe_clusters, knn_graph
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


def exact_knn_graph(x, n_neighbors=15, random_state=0):
    """The true nearest-neighbour graph, by brute force: a stand-in for pynndescent, whose
    compilation takes about a minute (the real one is checked in a slow test)."""
    distance = 1.0 - x @ x.T
    np.fill_diagonal(distance, np.inf)
    k = min(n_neighbors, len(x) - 1)
    cols = np.argsort(distance, axis=1, kind="stable")[:, :k].ravel()
    rows = np.repeat(np.arange(len(x)), k)
    graph = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(x), len(x)))
    return graph.maximum(graph.T)


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


def test_the_graph_path_gives_the_exact_clusters_on_separated_groups(monkeypatch):
    x, truth = groups()
    exact = ContentClusterer(threshold=0.5).fit_predict(x)
    assert list(exact) == first_appearance(truth)

    calls = []

    def spy(*args, **kwargs):
        calls.append(args[0].shape)
        return exact_knn_graph(*args, **kwargs)

    monkeypatch.setattr(cluster_module, "knn_graph", spy)
    for limit in (10, 50):  # groups of 20: graph-restricted merges, then exact ones per part
        graph_path = ContentClusterer(threshold=0.5, exact_limit=limit, n_neighbors=10).fit_predict(x)
        assert np.array_equal(graph_path, exact)
    assert calls == [x.shape, x.shape]


@pytest.mark.slow
def test_the_real_nearest_neighbour_graph_gives_the_exact_clusters():
    """pynndescent itself (compiles with numba for about a minute on first use)."""
    x, truth = groups()
    graph = knn_graph(x, n_neighbors=10)
    assert (graph != graph.T).nnz == 0 and graph.diagonal().sum() == 0
    assert np.all(np.diff(graph.indptr) >= 10)
    graph_path = ContentClusterer(threshold=0.5, exact_limit=50, n_neighbors=10).fit_predict(x)
    assert list(graph_path) == first_appearance(truth)


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
