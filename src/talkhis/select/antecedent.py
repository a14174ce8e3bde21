"""Sentences that lean on an earlier sentence, and the sentence each one leans on.

A summary sentence is read without the sentences around it. "These forces are stationed at
several bases" (تتمركز هذه القوات), "This particular strike prompted …" (وهذه الضربة), "He was a
leader of …" (وكان قائدًا) or "The official added …" (وأضاف المسؤول) mean nothing unless the
sentence they point back to is read first. :func:`antecedent_problem` says why a sentence needs
such an *antecedent*, by rules on its opening words (normalised Arabic):

* it opens with a demonstrative (هذا، هذه، ذلك، تلك …), or its subject right after the verb is
  one (تتمركز هذه القوات);
* its subject is a pronoun (هو، هي …), or it opens with كان and an indefinite predicate whose
  subject is a pronoun (وكان قائدًا);
* it opens with "also" (كما، أيضاً) and a verb that names no subject (كما أشار إلى أن …);
* it continues the sentence before with a participle (مشيراً، مضيفاً …);
* its speaker is a pronoun (وأضاف أن …، ولفت إلى أن …) or only a role (المسؤول، المتحدث،
  الصحيفة …), even after a fronted phrase (وبخصوص …، أكد المسؤول);
* it dates itself by an earlier time (في ذلك الوقت).

A role that names one office ("the Pentagon spokesman", المتحدث باسم …) is a name. The rules
were written from these cases and measured on the hand annotation of the seed articles
(``data/gold/antecedents.tsv``, made by reading): see ``data/gold/README.md`` for the figures.

:func:`leans_on` gives, for every sentence that needs one, the sentence it leans on: the
nearest earlier full sentence of its own article that needs none (a chain such as "He was a
leader …" → "The drone strike killed al-Jawari" ends there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..corpus import SENTENCE, Sentence
from ..corpus.lang import normalize_arabic

__all__ = ["antecedent_problem", "needs_antecedent", "leans_on"]

_DEMONSTRATIVES = "هذا|هذه|هذان|هاتان|هؤلاء|ذلك|تلك|اولئك|ذاك"
_PRONOUNS = "هو|هي|هم|هن|هما"
_SAYS = (r"(?:قال|اضاف|اكد|اوضح|اشار|لفت|تابع|شدد|اعتبر|راي|بين|صرح|ذكر|افاد|نبه|استدرك|ختم)(?:ت|وا)?"
         r"|يقول|تقول|يضيف|تضيف|يشير|تشير|يؤكد|تؤكد|يري|تري")
_ROLES = r"المسؤول|المسؤوله|المسؤولون|المصدر|المصادر|الصحيفه|الوكاله|المتحدث(?!\s+باسم)"
_AND = r"^(?:و|ف)?"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("it opens with a demonstrative", re.compile(_AND + rf"(?:{_DEMONSTRATIVES})\s")),
    ("its subject is a demonstrative", re.compile(_AND + rf"\S+\s+(?:{_DEMONSTRATIVES})\s+ال")),
    ("its subject is a pronoun", re.compile(_AND + rf"(?:{_PRONOUNS})\s")),
    ("its subject is a pronoun", re.compile(_AND + r"كان(?:ت|وا)?\s+(?!ال|من\s|في\s|قد\s)\S+ا(?:\s|$)")),
    ("it opens with 'also' and names no subject",
     re.compile(_AND + r"(?:كما\s+\S+|ايضا)\s+(?:ان|انه|انها|الي|علي|في|عن|ب|:|،|\"|“)")),
    ("it continues the sentence before", re.compile(r"^(?:مشيرا|مضيفا|موضحا|مؤكدا|لافتا|مبينا|معتبرا)\s")),
    ("its speaker is a pronoun",
     re.compile(_AND + rf"(?:{_SAYS})(?:\s+(?:الي|علي|في))?\s*(?:انه|انها|انهم|ان|:|\"|“|«|،)")),
    ("its speaker is named only by a role",
     re.compile(r"^(?:[^،]{0,120}،\s*)?(?:و|ف)?" + rf"(?:{_SAYS})\s+(?:{_ROLES})(?:\s|،|:)")),
    ("it refers to an earlier time",
     re.compile(r"^(?:\S+\s+){0,10}?(?:في|منذ)\s+(?:ذلك|تلك)\s+(?:الوقت|الحين|الفتره|اليوم)")),
)


def antecedent_problem(sentence: Sentence | str) -> str | None:
    """Why ``sentence`` needs an earlier sentence to be understood (see the module docstring),
    or None when it reads on its own."""
    normal = normalize_arabic(sentence.text if isinstance(sentence, Sentence) else sentence)
    return next((reason for reason, rule in _RULES if rule.match(normal)), None)


def needs_antecedent(sentence: Sentence | str) -> bool:
    """True when ``sentence`` leans on an earlier sentence (see :func:`antecedent_problem`)."""
    return antecedent_problem(sentence) is not None


def leans_on(sentences: Sequence[Sentence]) -> dict[int, int | None]:
    """For each index of ``sentences`` whose sentence needs an antecedent, the index of the
    sentence it leans on (the nearest earlier full sentence of its article that needs none), or
    None when its article has no such sentence before it. ``sentences`` are in reading order
    within each article, as :func:`talkhis.pipeline.clustered_sentences` gives them."""
    out: dict[int, int | None] = {}
    last: dict[str, int] = {}  # each article's latest full sentence that reads on its own
    for i, s in enumerate(sentences):
        if s.kind != SENTENCE:
            continue
        if needs_antecedent(s):
            out[i] = last.get(s.article)
        else:
            last[s.article] = i
    return out
