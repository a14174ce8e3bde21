"""Grouping an archive's articles into stories.

A story is one news event or developing story across outlets and days. The grouping runs in
four steps:

1. **Copies count once.** Near-copies (the shingle index of :mod:`talkhis.corpus.overlap`, marked when
   the corpus is loaded) are not grouped themselves: each joins the story of its original.
2. **Candidates.** Each article's :data:`~talkhis.stories.vectors.NEIGHBOURS` nearest articles
   by TF-IDF over its text and by the embedding of its title and lead are its candidates; a
   candidate pair scores ``tfidf + LEAD_WEIGHT * lead`` (0 when the texts share less than
   :data:`TEXT_MIN`). No other pair is ever compared.
3. **Shared facts.** A candidate pair scoring :data:`ALONE` or more is confirmed by its
   similarity alone and counts as :data:`FACTS` shared facts. For a pair scoring between
   :data:`THRESHOLD` and :data:`ALONE`, and for any pair of articles more than :data:`FAR_DAYS`
   apart scoring at least :data:`THRESHOLD`, the same-fact links of
   :func:`talkhis.align.find_links` between the two articles' sentences are counted (the
   links stage sees only those two articles, so it stays small at any archive size, and only
   the pairs whose merge is in doubt pay for it).
4. **Average linkage with confirmation.** Groups merge greedily, most similar first, while the
   average score over all pairs of their articles (a pair that is not a candidate counts 0)
   reaches :data:`THRESHOLD`; a merge below :data:`ALONE` also needs :data:`FACTS` shared facts
   between the two groups. Articles far apart in time join only through shared facts: two
   groups whose nearest articles are more than :data:`FAR_DAYS` apart need at least
   :data:`FAR_FACTS` of them, however similar they are (developing stories in MultiLing run
   for two years with gaps of most of a year; the seeds' 2024 article joins its 2021 story
   through shared facts).

The weights and thresholds were chosen on the labelled dev mix (``benchmarks/bench_stories.py
--quality``). Scores are quantised (:mod:`talkhis.stable`) and ties broken by article position,
so the stories are the same on any machine and for any number of workers.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from ..corpus.dates import as_date
from ..stable import qkey, quantize
from . import vectors as vec

if TYPE_CHECKING:
    from ..corpus import Article, Corpus

__all__ = ["LEAD_WEIGHT", "TEXT_MIN", "THRESHOLD", "ALONE", "FACTS", "FAR_DAYS", "FAR_FACTS", "Candidates",
           "candidates", "count_facts", "link_groups", "group_articles"]

#: Weight of the title-and-lead cosine beside the TF-IDF cosine of the whole texts.
LEAD_WEIGHT = 1.0
#: TF-IDF cosine a pair needs before its leads count: similar leads alone do not make a story.
TEXT_MIN = 0.05
#: Average pair score two groups need to merge.
THRESHOLD = 0.4
#: Average pair score at which two groups merge without shared facts.
ALONE = 0.6
#: Shared facts (same-fact links between their sentences) that confirm a merge below ALONE.
FACTS = 2
#: Groups whose articles are all further apart than this many days join only through shared
#: facts, at least FAR_FACTS of them.
FAR_DAYS = 730
FAR_FACTS = 1

#: ``map(function, items)`` in order: in-process, or Dask tasks (:mod:`talkhis.stories.execute`).
MapFn = Callable[[Callable, list], list]


@dataclass
class Candidates:
    """Candidate pairs ``i < j`` (positions in the grouped articles) and their quantised scores."""

    i: np.ndarray
    j: np.ndarray
    score: np.ndarray  # integers on the grid of talkhis.stable
    facts: np.ndarray  # same-fact links between the two articles (0 where not checked)


def candidates(articles: Sequence[Article], lead_vectors: np.ndarray) -> Candidates:
    """The candidate pairs of ``articles`` with their scores (no facts yet)."""
    x = vec.tfidf_rows([vec.term_counts(a) for a in articles])
    e = np.asarray(lead_vectors, dtype=np.float32)
    ti, tj = vec.nearest(x)
    ei, ej = vec.nearest(e)
    pairs = np.unique(np.concatenate([np.stack([ti, tj], 1), np.stack([ei, ej], 1)]), axis=0) if len(ti) + len(ei) else np.zeros((0, 2), dtype=np.int64)
    i, j = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    text = vec.pair_similarity(x, i, j)
    score = np.where(quantize(text) >= qkey(TEXT_MIN), quantize(text + LEAD_WEIGHT * vec.pair_similarity(e, i, j)), 0)
    return Candidates(i, j, score.astype(np.int64), np.zeros(len(i), dtype=np.int64))


def count_facts(pairs: list[tuple[Article, Article]], embedder: str, cache: bool) -> list[int]:
    """Same-fact links (copies aside) between the sentences of each pair of articles; runs
    anywhere (a Dask task gets only its pairs)."""
    from ..align import find_links
    from ..corpus import Corpus
    from ..embed import get_embedder
    from ..pipeline import clustered_sentences

    model = get_embedder(embedder, cache=cache)
    texts = list(dict.fromkeys(t for a, b in pairs for art in (a, b) for t in vec.body_texts(art)))
    row = {t: r for r, t in enumerate(texts)}
    v = model.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    out = []
    for a, b in pairs:
        corpus = Corpus([a, b])  # near-copies were marked on the whole archive; copies are not grouped
        sentences = clustered_sentences(corpus)
        if not sentences:
            out.append(0)
            continue
        links = find_links(sentences, v[[row[s.text] for s in sentences]], corpus)
        out.append(sum(1 for p in links.pairs if not p.copy))
    return out


def link_groups(n: int, cand: Candidates, dates: Sequence[date | None]) -> list[int]:
    """Average linkage with confirmation (module docstring, step 4): each article's group, as
    the lowest article position in it."""
    score = cand.score
    members = {a: [a] for a in range(n)}
    span = {a: (dates[a], dates[a]) for a in range(n)}
    # between groups: summed quantised score and shared facts
    nbr: dict[int, dict[int, list[int]]] = {}
    for a, b, s, f in zip(cand.i.tolist(), cand.j.tolist(), score.tolist(), cand.facts.tolist()):
        if s <= 0 and f <= 0:
            continue
        for x, y in ((a, b), (b, a)):
            nbr.setdefault(x, {}).setdefault(y, [0, 0])
            nbr[x][y][0] += s
            nbr[x][y][1] += f
    t, alone = qkey(THRESHOLD), qkey(ALONE)

    def far_apart(a: int, b: int) -> bool:
        (a0, a1), (b0, b1) = span[a], span[b]
        if not (a0 and b0):
            return False
        gap = max((b0 - a1).days, (a0 - b1).days, 0)
        return gap > FAR_DAYS

    def entry(a: int, b: int) -> tuple[int, int, int, int] | None:
        total, facts = nbr[a][b]
        avg = round(total / (len(members[a]) * len(members[b])))
        if avg < t:
            return None
        if far_apart(a, b) and facts < FAR_FACTS or avg < alone and facts < FACTS:
            return None
        x, y = min(a, b), max(a, b)
        return (-avg, x, y, len(members[x]) + len(members[y]))

    heap = [e for a in sorted(nbr) for b in sorted(nbr[a]) if a < b and (e := entry(a, b))]
    heapq.heapify(heap)
    while heap:
        neg, a, b, size = heapq.heappop(heap)
        if a not in members or b not in members or len(members[a]) + len(members[b]) != size or b not in nbr.get(a, {}):
            continue  # stale: a group changed since this entry was pushed
        current = entry(a, b)
        if current is None or current[0] != neg:
            continue
        members[a].extend(members.pop(b))
        dated = [d for d in (*span[a], *span.pop(b)) if d]
        span[a] = (min(dated), max(dated)) if dated else (None, None)
        for c, (s, f) in nbr.pop(b).items():
            del nbr[c][b]
            if c == a:
                continue
            link = nbr[a].setdefault(c, [0, 0])
            link[0] += s
            link[1] += f
            nbr[c][a] = link
        for c in sorted(nbr[a]):
            if (e := entry(a, c) if a < c else entry(c, a)):
                heapq.heappush(heap, e)
    group = [0] * n
    for m in members.values():
        for a in m:
            group[a] = min(m)
    return group


def group_articles(corpus: Corpus, lead_vectors: Callable[[list[str]], np.ndarray], *, embedder: str = "use",
                   cache: bool = True, map_fn: MapFn | None = None, chunk: int = 256) -> list[list[str]]:
    """The stories of ``corpus`` as lists of article ids (in id order; stories in order of
    their first id). ``lead_vectors`` embeds texts (unit rows); ``map_fn`` runs the fact
    counts in chunks of ``chunk`` pairs (in-process without it)."""
    originals = [a for a in corpus.articles if not a.duplicate_of]
    leads = lead_vectors([vec.lead_text(a) for a in originals])
    cand = candidates(originals, leads)
    dates = [as_date(a.date) for a in originals]
    far = np.array([bool(dates[i] and dates[j] and abs((dates[i] - dates[j]).days) > FAR_DAYS)
                    for i, j in zip(cand.i.tolist(), cand.j.tolist())], dtype=bool)
    sure = (cand.score >= qkey(ALONE)) & ~far
    cand.facts[sure] = FACTS
    check = np.flatnonzero((cand.score >= qkey(THRESHOLD)) & ~sure)
    pairs = [(originals[cand.i[k]], originals[cand.j[k]]) for k in check.tolist()]
    chunks = [pairs[s : s + chunk] for s in range(0, len(pairs), chunk)]
    run = map_fn or (lambda fn, items: [fn(x) for x in items])
    counts = run(_FactTask(embedder, cache), chunks)
    cand.facts[check] = np.array([c for part in counts for c in part], dtype=np.int64)
    group = link_groups(len(originals), cand, dates)
    stories: dict[str, list[str]] = {}
    for a, g in zip(originals, group):
        stories.setdefault(originals[g].id, []).append(a.id)
    root = {a: g for g, ids in stories.items() for a in ids}
    for a in corpus.articles:
        if a.duplicate_of:
            stories[root[corpus.story(a.id)]].append(a.id)
    return sorted((sorted(ids) for ids in stories.values()), key=lambda ids: ids[0])


@dataclass(frozen=True)
class _FactTask:
    """A picklable :func:`count_facts` with its settings bound."""

    embedder: str
    cache: bool

    def __call__(self, pairs: list[tuple[Article, Article]]) -> list[int]:
        return count_facts(pairs, self.embedder, self.cache)

