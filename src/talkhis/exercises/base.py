"""What every self-check shares: the :class:`Verdict`, reading answers, and the gold facts.

Articles can be named by the first characters of their id (``"000"``) and sentences as
``"003 §7"`` (article, segment number), as the notebook tables print them. Where a check needs to
know which sentences report the same fact, it reads the hand-made gold standard of the seed
articles (``data/gold``, through ``talkhis.evaluate.load_gold``), and only when the texts it
annotates are exactly the loaded ones; for other articles the check says it cannot judge.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..corpus import Corpus, Sentence
from ..errors import InputError

if TYPE_CHECKING:
    from ..evaluate import Gold

__all__ = ["Verdict", "right", "wrong", "unanswered", "unreadable", "article_id", "article_ids", "sentence_ref",
           "show_ref", "is_none", "fact_reader"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of a self-check: ``ok`` is True or False, or None when the answer is
    missing or cannot be judged; ``message`` says why (it is also what a notebook shows)."""

    ok: bool | None
    message: str

    def __repr__(self) -> str:
        return self.message


def right(why: str) -> Verdict:
    """The answer holds; ``why`` says what the data show."""
    return Verdict(True, f"✓ Right. {why}")


def wrong(why: str) -> Verdict:
    """The answer does not hold; ``why`` says where to look."""
    return Verdict(False, f"✗ Not quite. {why}")


def unanswered(form: str) -> Verdict:
    """The answer is still ``None``; ``form`` describes what to put there."""
    return Verdict(None, f"… Not answered yet: replace None with {form}, then run this cell again.")


def unreadable(answer: object, form: str) -> Verdict:
    """The answer is not in the expected ``form``."""
    return Verdict(False, f"✗ Cannot read the answer {answer!r}: expected {form}.")


# ---------------------------------------------------------------------------- reading answers


def article_id(corpus: Corpus, name: object) -> str:
    """The id of the article whose id is, or starts with, ``name``."""
    text = str(name).strip()
    found = [a.id for a in corpus.articles if a.id == text] or [a.id for a in corpus.articles if a.id.startswith(text)]
    if len(found) != 1 or not text:
        raise InputError(f"{text!r} names {'no' if not found else 'more than one'} article")
    return found[0]


def article_ids(corpus: Corpus, names: object) -> set[str]:
    """The ids of several articles (a list, or one string separated by commas or spaces)."""
    if isinstance(names, str):
        names = [] if names.strip().lower() in ("", "none") else re.split(r"[,\s]+", names.strip())
    return {article_id(corpus, n) for n in names}  # type: ignore[union-attr]


def sentence_ref(corpus: Corpus, answer: object) -> tuple[str, int]:
    """``(article id, segment number)`` from ``"003 §7"``, ``"003#7"``, ``"003:7"`` or ``("003", 7)``."""
    if isinstance(answer, str):
        m = re.fullmatch(r"\s*`?([^\s`§#:]+)`?\s*[§#:]?\s*(\d+)\s*", answer)
        if not m:
            raise InputError(f"{answer!r} is not a sentence reference like '003 §7'")
        answer = (m.group(1), m.group(2))
    name, index = answer  # type: ignore[misc]
    return article_id(corpus, name), int(index)


def show_ref(ref: tuple[str, int]) -> str:
    """A sentence as the tables name it, with a short article id: ``003 §7``."""
    return f"{ref[0][:3]} §{ref[1]}"


def is_none(answer: object) -> bool:
    """True for an answer meaning "none": an empty collection, ``""`` or ``"none"``."""
    return answer in ((), [], set(), "") or (isinstance(answer, str) and answer.strip().lower() == "none")


# ---------------------------------------------------------------------------- gold facts


def _gold(corpus: Corpus) -> Gold | None:
    """The gold standard that annotates exactly ``corpus``'s articles (every article has units,
    and every unit's span reads its text in the loaded article), else ``None``. Looked for
    beside the articles' folder, then in ``data/gold`` of the working directory or above."""
    from ..evaluate import load_gold

    places = [Path(corpus.folder).parent / "gold"] if corpus.folder else []
    places += [folder / "data" / "gold" for folder in (Path.cwd(), *Path.cwd().parents)]
    for place in dict.fromkeys(places):
        if not (place / "units.tsv").is_file():
            continue
        try:
            gold = load_gold(place)
        except InputError:
            continue
        if all(gold.units_of(a.id) and all(" ".join(a.text[u.start:u.end].split()) == " ".join(u.text.split())
                                           for u in gold.units_of(a.id)) for a in corpus.articles):
            return gold
    return None


def fact_reader(corpus: Corpus) -> Callable[[Sentence], frozenset[str]] | None:
    """Sentence → the facts of the gold units it matches (``talkhis.evaluate.facts_of``: overlap
    of more than half of the shorter span), or ``None`` when no gold standard covers ``corpus``."""
    gold = _gold(corpus)
    if gold is None:
        return None
    from ..evaluate import facts_of

    return lambda s: facts_of(s, gold)
