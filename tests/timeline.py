"""Small dated corpora with known facts, for tests of selection, notes and the sentences table.

Each article is a list of facts; each fact becomes one Arabic sentence of its own words (no two
sentences share a five-word run, so no article reads as a copy of another). Sentences of the same
fact form one content cluster. Every sentence gets its own unit vector, orthogonal to all others,
unless it names a ``twin`` whose vector it copies, so similarity is 0 except where a test asks
for a repeat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from talkhis.align import Cluster
from talkhis.align.cluster import describe_clusters
from talkhis.corpus import Corpus, Sentence, make_article
from talkhis.pipeline import clustered_sentences

_WORDS = (
    "الحكومة البرلمان الوزارة الجيش الشرطة المدينة العاصمة الحدود الميناء المطار الجسر السوق المصرف "
    "المستشفى الجامعة المدرسة المحكمة اللجنة البعثة القوات القاعدة السفارة الاتفاق الميزانية الانتخابات "
    "المفاوضات الهدنة الاحتجاجات العقوبات الاستثمارات الصادرات الواردات الضرائب الكهرباء المياه النفط "
    "الغاز الحبوب الأدوية اللاجئين المتطوعين الصحفيين المراقبين الخبراء الطلاب العمال المزارعين التجار "
    "الشركات المصانع الموانئ الطرق القطارات الحافلات السفن الطائرات الرحلات الفنادق المتاحف الملاعب"
).split()


@dataclass
class Built:
    """What :func:`build` returns: the corpus, its clustered sentences, vectors and clusters,
    and the fact of every sentence."""

    corpus: Corpus
    sentences: list[Sentence]
    vectors: np.ndarray
    clusters: list[Cluster]
    facts: list[str]

    def index(self, article: str, position: int) -> int:
        """Index in ``sentences`` of the ``position``-th sentence of ``article``."""
        return next(i for i, s in enumerate(self.sentences) if s.article == article and s.index == position)


def _sentence(k: int) -> str:
    """The ``k``-th test sentence: a verb, a subject and eight words no other sentence has in
    that order."""
    words = [_WORDS[(k * 7 + j * (k % 5 + 1)) % len(_WORDS)] for j in range(8)]
    return f"وقالت {words[0]} إن {' و'.join(words[1:])} في حالة جيدة."


def build(articles: Mapping[str, tuple[str | None, Sequence[str]]], twins: Mapping[tuple[str, int], tuple[str, int]] = {}) -> Built:
    """Build a corpus from ``{article id: (date, [fact, …])}``.

    ``twins`` maps ``(article, position)`` to another ``(article, position)`` whose vector the
    sentence copies (similarity 1: a repeat).
    """
    made = []
    fact_of: dict[tuple[str, int], str] = {}
    k = 0
    for article_id, (date, facts) in articles.items():
        lines = []
        for position, fact in enumerate(facts):
            lines.append(_sentence(k))
            fact_of[(article_id, position)] = fact
            k += 1
        article = make_article(article_id, "\n".join(lines))
        article.date = date
        made.append(article)
    corpus = Corpus.from_articles(made)
    sentences = clustered_sentences(corpus)
    facts = [fact_of[(s.article, s.index)] for s in sentences]
    vectors = np.eye(len(sentences))
    where = {(s.article, s.index): i for i, s in enumerate(sentences)}
    for key, twin in twins.items():
        vectors[where[key]] = vectors[where[twin]]
    names = sorted(set(facts), key=facts.index)
    labels = np.array([names.index(f) for f in facts])
    clusters = describe_clusters(labels, vectors, sentences, corpus)
    return Built(corpus, sentences, vectors, clusters, facts)
