"""Taking sentences into a summary: the budget, the sentences a pick brings along, and repeats.

:class:`Picker` holds what has been taken. Every step of :func:`talkhis.select.choose` asks it to
:meth:`~Picker.take` a sentence, which it does only when

* the sentence is offered (a candidate of the run, see :mod:`.candidates`);
* it repeats nothing already taken: it is not a near-copy of a taken sentence (cosine at least
  :data:`REDUNDANCY`), nor a sentence that reports the same fact as a taken one (a same-fact
  link) while adding fewer than :data:`NOVELTY` of new content terms;
* the sentence it leans on (:mod:`.antecedent`), and that one's own, are taken with it, before
  it, or were taken already; a sentence whose antecedent cannot be taken is not taken;
* everything it brings fits the budget (and the period's share, when one is given).

A word budget may let the summary's last sentence run past it (``Budget.overflow``): a reader
who cuts the summary at the budget, as the MultiLing scorer does, then gets a full budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..align.linkmodel import content_terms
from ..corpus import Sentence
from ..stable import qkey

if TYPE_CHECKING:
    from .sources import SourceFinder

__all__ = ["REDUNDANCY", "NOVELTY", "Budget", "Picker"]

#: A candidate this similar (cosine) to an already taken sentence is a repeat.
REDUNDANCY = 0.8
#: A sentence that reports the same fact as a taken one is a repeat unless at least this share
#: of its content terms is new to the summary: a follow-up's lead restates the event with news
#: of its own, and the human summaries of news keep such restatements.
NOVELTY = 0.1


@dataclass(frozen=True)
class Budget:
    """How long a summary may be: a number of sentences, or of words (whichever is set).

    ``overflow`` lets the last sentence run past a word budget, for a reader who cuts the
    summary at the budget (as the MultiLing scorer and the lead baselines do).
    """

    sentences: int | None = 6
    words: int | None = None
    overflow: bool = False

    def __post_init__(self) -> None:
        if self.sentences is not None and self.sentences < 1:
            raise ValueError("the sentence budget must be at least 1")
        if self.words is not None and self.words < 1:
            raise ValueError("the word budget must be at least 1")


class Picker:
    """What has been taken into the summary, and whether a sentence may join it.

    Args:
        sentences: the clustered sentences.
        vectors: one unit row each.
        period_of: the period of each article.
        budget: the summary's length.
        same_fact: which sentences report the same fact as each one (same-fact links).
        leans: for a sentence that needs an antecedent, the sentence it leans on (None: none).
        offered: the sentences that may be taken at all.
        order_key: a sentence's place in the summary (period, date, article, position), which
            says which sentence would be the summary's last.
    """

    def __init__(self, sentences: Sequence[Sentence], vectors: np.ndarray, period_of: Mapping[str, str],
                 budget: Budget, same_fact: SourceFinder, leans: Mapping[int, int | None],
                 offered: Iterable[int], order_key: Callable[[int], tuple]) -> None:
        self.sentences, self.vectors, self.period_of, self.budget = sentences, vectors, period_of, budget
        self.same_fact, self.leans, self.offered, self.order_key = same_fact, leans, set(offered), order_key
        self.chosen: list[int] = []
        self.words = 0
        self.repeat_of: dict[int, int] = {}  # a sentence refused as a repeat -> the taken one
        self.unsupported: set[int] = set()  # refused: its antecedent cannot be taken
        self._terms: dict[int, set[str]] = {}
        self._summary_terms: set[str] = set()

    # ------------------------------------------------------------------ state

    @property
    def full(self) -> bool:
        """True when nothing more can be taken."""
        if self.budget.sentences is not None:
            return len(self.chosen) >= self.budget.sentences
        return self.words >= self.budget.words

    def used(self, period: str) -> int:
        """Sentences (or words, for a word budget) taken so far from ``period``."""
        taken = [i for i in self.chosen if self.period_of[self.sentences[i].article] == period]
        return len(taken) if self.budget.sentences is not None else sum(self.sentences[i].n_words for i in taken)

    def _size(self, group: Sequence[int]) -> int:
        return len(group) if self.budget.sentences is not None else sum(self.sentences[i].n_words for i in group)

    def _terms_of(self, i: int) -> set[str]:
        if i not in self._terms:
            self._terms[i] = content_terms(self.sentences[i].text)
        return self._terms[i]

    # ------------------------------------------------------------------ rules

    def group(self, i: int) -> list[int] | None:
        """``i`` with the sentences it leans on that are not taken yet, in reading order; None
        when one of them cannot be taken."""
        group = [i]
        while group[0] in self.leans:
            before = self.leans[group[0]]
            if before is None or before not in self.offered:
                return None
            if before in self.chosen:
                break
            group.insert(0, before)
        return group

    def repeats(self, i: int) -> int | None:
        """The taken sentence that ``i`` repeats (see the module docstring), or None."""
        if self.chosen:
            near = self.vectors[self.chosen] @ self.vectors[i]
            k = int(np.argmax(near))
            if qkey(near[k]) >= qkey(REDUNDANCY):
                return self.chosen[k]
        linked = [j for j in self.same_fact.sources_of(i) if j in self.chosen]
        if linked:
            terms = self._terms_of(i)
            new = len(terms - self._summary_terms)
            if qkey(new / max(len(terms), 1)) < qkey(NOVELTY):
                return min(linked, key=self.chosen.index)
        return None

    def _fits(self, group: Sequence[int], period: str | None, share: int | None) -> bool:
        if share is not None and self.used(period) + self._size(group) > share:
            return False
        if self.budget.sentences is not None:
            return len(self.chosen) + len(group) <= self.budget.sentences
        if not self.chosen and len(group) == 1:
            return True  # a budget below one sentence still gives one sentence
        if self.words + self._size(group) <= self.budget.words:
            return True
        # the last sentence may run past a word budget that allows it, if it is the summary's last
        return (self.budget.overflow and share is None and len(group) == 1 and self.words < self.budget.words
                and all(self.order_key(group[0]) > self.order_key(c) for c in self.chosen))

    # ------------------------------------------------------------------ taking

    def take(self, i: int, share: int | None = None) -> bool:
        """Take ``i`` (with the sentences it leans on) when the rules allow it; ``share`` caps
        what its period may hold."""
        if i in self.chosen or i not in self.offered or self.full:
            return False
        group = self.group(i)
        if group is None:
            self.unsupported.add(i)
            return False
        for k in group:
            other = self.repeats(k)
            if other is not None:
                self.repeat_of.setdefault(i, other)
                return False
        period = self.period_of[self.sentences[i].article]
        if not self._fits(group, period, share):
            return False
        for k in group:
            self.chosen.append(k)
            self.words += self.sentences[k].n_words
            self._summary_terms |= self._terms_of(k)
        return True

    def fill(self, ranked: Iterable[int], share: Callable[[int], int | None] = lambda i: None) -> None:
        """Take from ``ranked``, best first, while the budget allows (``share(i)`` caps the
        period of ``i``)."""
        for i in ranked:
            if self.full:
                return
            self.take(i, share(i))
