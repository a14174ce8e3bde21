"""What a pick must satisfy: the same fact with nothing new is a repeat, a near-copy is a repeat,
and a sentence comes with the sentences it leans on or not at all."""

from __future__ import annotations

import numpy as np

from talkhis.corpus import Corpus, make_article
from talkhis.pipeline import clustered_sentences
from talkhis.select import Budget
from talkhis.select.antecedent import leans_on
from talkhis.select.picking import Picker

TEXTS = {
    "a": "أعلنت الحكومة العراقية اليوم فتح الحدود البرية مع الأردن أمام حركة التجارة.",
    "b": "أعلنت الحكومة العراقية اليوم فتح الحدود البرية مع الأردن أمام التجارة.",  # the same, nothing new
    "c": "قالت وزارة الداخلية إن آلاف الشاحنات عبرت المنفذ مع الأردن بعد قرار فتح الحدود.",  # the same fact, news
}


class AllLinked:
    """Every sentence reports the same fact as every other."""

    def __init__(self, n: int) -> None:
        self.n = n

    def sources_of(self, i: int) -> list[int]:
        return [j for j in range(self.n) if j != i]


def picker(sentences, vectors, budget=Budget(sentences=5), offered=None, same_fact=None):
    corpus_periods = {s.article: "2024-01" for s in sentences}
    return Picker(sentences, vectors, corpus_periods, budget, same_fact or AllLinked(len(sentences)),
                  leans_on(sentences), range(len(sentences)) if offered is None else offered,
                  lambda i: (sentences[i].article, sentences[i].index))


def test_the_same_fact_with_nothing_new_is_a_repeat_but_news_about_it_is_not():
    corpus = Corpus.from_articles([make_article(k, t) for k, t in TEXTS.items()])
    sentences = clustered_sentences(corpus)
    pick = picker(sentences, np.eye(len(sentences)))  # no two sentences alike by their vectors
    assert pick.take(0)
    assert not pick.take(1) and pick.repeat_of[1] == 0
    assert pick.take(2)
    assert pick.chosen == [0, 2]


def test_a_near_copy_is_a_repeat_even_without_a_link():
    corpus = Corpus.from_articles([make_article(k, t) for k, t in TEXTS.items()])
    sentences = clustered_sentences(corpus)
    vectors = np.eye(len(sentences))
    vectors[2] = vectors[0]

    class Nothing:
        def sources_of(self, i):
            return []

    pick = picker(sentences, vectors, same_fact=Nothing())
    assert pick.take(0) and pick.take(1) and not pick.take(2)
    assert pick.repeat_of[2] == 0


def test_a_sentence_comes_with_the_one_it_leans_on_and_both_must_fit():
    text = ("قتلت غارة أمريكية بطائرة مسيرة قائد جماعة مسلحة في بغداد يوم الخميس.\n"
            "وكان قائدًا لجماعة شاركت في تخطيط هجمات على القوات الأمريكية في العراق.\n"
            "وهذه الضربة هي ما دفع رئيس الوزراء إلى المطالبة بسحب القوات الأجنبية من البلاد.")
    sentences = clustered_sentences(Corpus.from_articles([make_article("a", text)]))
    assert leans_on(sentences) == {1: 0, 2: 0}
    one = picker(sentences, np.eye(3), budget=Budget(sentences=1))
    assert not one.take(2) and one.chosen == []  # the strike sentence alone would not fit with its antecedent
    two = picker(sentences, np.eye(3), budget=Budget(sentences=2))
    assert two.take(2) and two.chosen == [0, 2]  # the antecedent first
    assert two.take(1) is False  # the budget is full
    alone = picker(sentences, np.eye(3), offered=[1, 2])
    assert not alone.take(2) and 2 in alone.unsupported  # its antecedent cannot be taken
