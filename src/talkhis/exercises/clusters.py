"""Exercises on content clusters (notebook 02): the threshold, copies, embedders, article similarity."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..align import ContentClusterer
from ..embed import get_embedder
from ..errors import InputError
from ..pipeline import Result
from .base import (
    Verdict,
    article_id,
    fact_reader,
    is_none,
    right,
    sentence_ref,
    show_ref,
    unanswered,
    unreadable,
    wrong,
)

__all__ = ["check_threshold", "check_copy_cluster", "check_embedder_split", "check_similar_stories"]


def check_threshold(answer: object, result: Result, threshold: float = 0.8) -> Verdict:
    """How many clusters does the same clustering make at ``threshold``, and what breaks?"""
    if answer is None:
        return unanswered("a number of clusters")
    labels = ContentClusterer(result.options.cluster_method, threshold=threshold,
                              random_state=result.options.seed).fit_predict(result.vectors)
    sizes = Counter(labels.tolist())
    big, size = min(sizes.items(), key=lambda kv: (-kv[1], kv[0]))
    members = [result.sentences[i] for i in np.flatnonzero(labels == big)]
    stories = len({result.corpus.story(s.article) for s in members})
    if answer != len(sizes):
        return wrong(f"Re-cluster result.vectors at {threshold} and count the labels (n_clusters_); "
                     f"the run at {result.options.threshold} made {len(result.clusters)}.")
    facts = fact_reader(result.corpus)
    mixed = (f", and the gold standard finds {len(frozenset().union(*map(facts, members)))} different facts in it"
             if facts else "")
    return right(f"{len(result.clusters)} clusters at {result.options.threshold} become {len(sizes)}: merging goes "
                 f"on longer, so clusters grow. The largest now holds {size} sentences from {stories} stories{mixed}. "
                  "What breaks: 'reported by many stories' no longer means they report the same thing.")


def check_copy_cluster(answer: object, result: Result) -> Verdict:
    """Which cluster has sentences from more articles than it counts stories?"""
    if answer is None:
        return unanswered("a cluster id (a number from the 'cluster' column), or 'none'")
    found = [c for c in result.clusters if len(c.articles) > c.coverage]
    if is_none(answer):
        return right("No cluster holds a copy and its original.") if not found else wrong(
            f"{len(found)} cluster(s) have more articles than stories; compare the two columns.")
    c = next((c for c in result.clusters if c.id == answer), None)
    if c is None:
        return unreadable(answer, "the id of a cluster of this run")
    copies = [f"{a[:3]} copies {result.corpus.story(a)[:3]}" for a in c.articles if result.corpus.story(a) != a]
    if c in found:
        return right(f"Cluster {c.id} has sentences in {len(c.articles)} articles but counts {c.coverage} "
                     f"stories: {', '.join(copies)}. A copy repeats its source, it does not confirm it.")
    return wrong(f"Cluster {c.id} counts as many stories as it has articles ({c.coverage}): each is its own story.")


def check_embedder_split(answer: object, result: Result, other: str | None = None) -> Verdict:
    """Which sentences of the widest cluster does another embedder put apart from its label?"""
    form = 'a list of sentences like ["003 §7"], or [] if none leaves'
    if answer is None:
        return unanswered(form)
    try:
        given = set() if is_none(answer) else {sentence_ref(result.corpus, x) for x in answer}  # type: ignore
    except (InputError, TypeError, ValueError):
        return unreadable(answer, form)
    other = other or ("use" if result.embedder == "tfidf" else "tfidf")
    texts = list(dict.fromkeys(s.text for s in result.sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = get_embedder(other, cache=result.options.cache).encode(texts)[[row[s.text] for s in result.sentences]]
    labels = ContentClusterer(result.options.cluster_method, threshold=result.options.threshold,
                              random_state=result.options.seed).fit_predict(vectors)
    c = result.clusters[0]
    ref = {i: (result.sentences[i].article, result.sentences[i].index) for i in c.members}
    truth = {ref[i] for i in c.members if labels[i] != labels[c.label_member]}
    sims = ", ".join(f"{show_ref(ref[i])} {float(result.vectors[i] @ result.vectors[c.label_member]):.2f}/"
                     f"{float(vectors[i] @ vectors[c.label_member]):.2f}" for i in c.members if i != c.label_member)
    why = (f"Similarity to the label {show_ref(ref[c.label_member])} with {result.embedder}/{other}: {sims}. "
           f"Average linkage keeps two groups together only while their mean distance stays under "
           f"{result.options.threshold}")
    if given == truth:
        return right(f"{why}. A sentence encoder puts paraphrases close; character TF-IDF only sees shared "
                     "spelling, so the same fact in other words drifts apart.")
    return wrong(f"{len(truth)} sentence(s) leave, you named {len(given)}. Compare other.labels at the cluster's "
                 f"members with the label's, for the run with embedder={other!r}.")


def check_similar_stories(answer: object, result: Result) -> Verdict:
    """Which two articles of different stories are most alike (article-similarity chart)?"""
    form = 'a pair of article ids, e.g. ("002", "003")'
    if answer is None:
        return unanswered(form)
    try:
        a, b = sorted(article_id(result.corpus, x) for x in answer)  # type: ignore[union-attr]
    except (InputError, TypeError, ValueError):
        return unreadable(answer, form)
    ids = [x.id for x in result.corpus.articles]
    centre = {}
    for article in ids:
        v = result.vectors[[i for i, s in enumerate(result.sentences) if s.article == article]].mean(axis=0)
        centre[article] = v / (np.linalg.norm(v) or 1.0)
    sim = {(x, y): round(float(centre[x] @ centre[y]), 2) for i, x in enumerate(ids) for y in ids[i + 1:]
           if result.corpus.story(x) != result.corpus.story(y)}
    if (a, b) not in sim:
        return wrong(f"{a[:3]} and {b[:3]} are one story (a copy and its original): leave that pair out.")
    top = sorted(sim.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    listing = ", ".join(f"{x[:3]}–{y[:3]} {s:.2f}" for (x, y), s in top)
    if sim[(a, b)] == top[0][1]:
        return right(f"Most alike: {listing}. Articles that report the same events in similar words sit close, "
                      "which is what lets their sentences meet in one cluster.")
    return wrong(f"{a[:3]}–{b[:3]} is {sim[(a, b)]:.2f}; read the chart's cells off the diagonal, copies excluded.")
