"""Which articles of a folder belong to its story.

A folder may hold an article about something else (a distractor, a wrong download). Such an
article must not take a place in the summary from the story, nor get a period of its own. The
story is the largest group of articles joined by the same facts: two articles are joined when a
sentence of one is linked to a sentence of the other (:mod:`talkhis.align.links`, precise by design;
a near-copy joins nothing). Topical clusters would not do: unrelated articles share generic
sentences. An article outside that group still belongs to the story when its centroid is close
to the group's (:data:`ON_STORY`): a follow-up can report new facts in new words and share no
linked fact, but it stays on the subject, while an unrelated article does not (measured with the
default embedder, against the linked group's centroid: MultiLing 2011 follow-ups outside the
group 0.46 to 0.75, the 53 EASC dev articles mixed with the seeds at most 0.39, and the
off-subject conference report in MultiLing's Chile topic 0.21).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from ..corpus import Corpus, Sentence
from ..stable import qkey

__all__ = ["ON_STORY", "focus_articles"]

#: Cosine similarity of an article's centroid to the story's centroid above which an article
#: outside the joined group still belongs to the story.
ON_STORY = 0.42


def _groups(corpus: Corpus, sentences: Sequence[Sentence], pairs: Iterable[tuple[int, int]]) -> list[set[str]]:
    """Articles joined by linked sentence pairs of two stories, as disjoint groups (union-find)."""
    parent = {a.id: a.id for a in corpus.articles}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        a, b = sentences[i].article, sentences[j].article
        if corpus.story(a) != corpus.story(b):
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = {}
    for a in parent:
        groups.setdefault(root(a), set()).add(a)
    return list(groups.values())


def _centroid(vectors: np.ndarray, rows: Sequence[int]) -> np.ndarray:
    c = np.asarray(vectors[list(rows)], dtype=np.float64).mean(axis=0)
    return c / (np.linalg.norm(c) or 1.0)


def focus_articles(corpus: Corpus, sentences: Sequence[Sentence], vectors: np.ndarray,
                   pairs: Iterable[tuple[int, int]]) -> set[str]:
    """The ids of the articles that belong to the folder's story (see the module docstring);
    ``pairs`` are indices into ``sentences`` of sentences that report the same fact
    (:class:`talkhis.align.links.Links`).

    Every article belongs when no two stories are linked (nothing to tell the story by).
    """
    everyone = {a.id for a in corpus.articles}
    groups = _groups(corpus, sentences, pairs)
    stories = [len({corpus.story(a) for a in g}) for g in groups]
    if not groups or max(stories) < 2:
        return everyone
    # the group with the most stories; a tie goes to the group holding the earliest article id
    main = min(zip(groups, stories), key=lambda gs: (-gs[1], min(gs[0])))[0]
    rows: dict[str, list[int]] = {}
    for i, s in enumerate(sentences):
        rows.setdefault(s.article, []).append(i)
    centre = _centroid(vectors, [i for a in main for i in rows.get(a, [])])
    near = {a for a, r in rows.items() if a not in main and qkey(_centroid(vectors, r) @ centre) >= qkey(ON_STORY)}
    return set(main) | near
