"""The hand-made gold standard of an article set: units, facts and cross-article links.

A gold folder holds three tab-separated files, each with a header line (``#`` lines are
comments):

* ``units.tsv`` — ``article, n, start, end, kind, facts, text``: one row per unit (a sentence,
  title, heading or boilerplate line) with its character span in the article's text
  (``Path(f).read_bytes().decode("utf-8-sig")`` of ``<article>.txt``), its kind (title,
  heading, sentence, boilerplate) and the comma-separated ids of the facts it reports;
* ``facts.tsv`` — ``id, type, key, description``; ``key`` is ``yes`` for the facts a summary
  of the story must carry;
* ``links.tsv`` — ``a_article, a_n, b_article, b_n, facts, verdict, note``: every pair of units
  in different articles that share a fact, with exactly the facts both carry, a verdict
  (``same`` once re-read by hand, ``unchecked`` before) and a note. A pair that does not report
  the same thing is fixed in the unit annotation, never by a verdict, so every listed pair is a
  gold link.

:func:`load_gold` checks every row and stops at the first bad one with a one-line error naming
the file and line. The metrics over a gold standard are in :mod:`talkhis.evaluate.gold_metrics`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .records import read_text_file

__all__ = [
    "KINDS",
    "BOILERPLATE",
    "VERDICTS",
    "Unit",
    "Fact",
    "Link",
    "Gold",
    "load_gold",
]

BOILERPLATE = "boilerplate"
#: The kinds a unit may have.
KINDS = ("title", "heading", "sentence", BOILERPLATE)
#: Link verdicts: re-read by hand, or derived and not yet re-read.
VERDICTS = ("same", "unchecked")

_UNIT_COLUMNS = ("article", "n", "start", "end", "kind", "facts", "text")
_FACT_COLUMNS = ("id", "type", "key", "description")
_LINK_COLUMNS = ("a_article", "a_n", "b_article", "b_n", "facts", "verdict", "note")


@dataclass(frozen=True)
class Unit:
    """One annotated span of an article."""

    article: str
    n: int
    start: int
    end: int
    kind: str
    facts: frozenset[str]
    text: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.article, self.n)


@dataclass(frozen=True)
class Fact:
    """One fact the articles report; ``key`` facts are those a summary must carry."""

    id: str
    type: str
    key: bool
    description: str


@dataclass(frozen=True)
class Link:
    """Two units of different articles sharing ``facts``, with the verdict and note of the check."""

    a: tuple[str, int]
    b: tuple[str, int]
    facts: frozenset[str]
    verdict: str = "same"
    note: str = ""


@dataclass
class Gold:
    """A loaded gold standard (see the module docstring)."""

    units: list[Unit]
    facts: dict[str, Fact]
    links: list[Link]
    folder: str | None = None
    _by_article: dict[str, list[Unit]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for u in sorted(self.units, key=lambda u: (u.article, u.start, u.n)):
            self._by_article.setdefault(u.article, []).append(u)

    @property
    def articles(self) -> list[str]:
        """The annotated article ids, sorted."""
        return sorted(self._by_article)

    def units_of(self, article: str) -> list[Unit]:
        """The units of ``article`` in text order (empty for an article not annotated)."""
        return self._by_article.get(article, [])

    def unit(self, article: str, n: int) -> Unit:
        """The unit numbered ``n`` in ``article``."""
        return next(u for u in self.units_of(article) if u.n == n)

    @property
    def key_facts(self) -> frozenset[str]:
        return frozenset(f.id for f in self.facts.values() if f.key)

    def linked_pairs(self) -> set[tuple[tuple[str, int], tuple[str, int]]]:
        """The linked unit pairs, each ordered ``(a, b)`` with ``a < b``."""
        return {tuple(sorted((link.a, link.b))) for link in self.links}  # type: ignore[misc]


# ------------------------------------------------------------------------------------ reading


def _rows(path: Path, columns: Sequence[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """``(where, row)`` for each data row of a TSV file whose header holds ``columns``."""
    text = read_text_file(path, "TSV file")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.startswith("#")]
    if not lines:
        raise InputError(f"{path}: empty file (expected a header with {', '.join(columns)})")
    n, header_line = lines[0]
    header = [h.strip() for h in header_line.split("\t")]
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(f"{path}:{n}: the header lacks {', '.join(missing)} (expected {', '.join(columns)})")
    for n, line in lines[1:]:
        (values,) = csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE)
        if len(values) != len(header):
            raise InputError(f"{path}:{n}: {len(values)} fields, expected {len(header)} (tab-separated)")
        yield f"{path}:{n}", {h: v.strip() for h, v in zip(header, values)}


def _int(where: str, row: dict[str, str], column: str) -> int:
    try:
        value = int(row[column])
    except ValueError:
        raise InputError(f"{where}: {column} must be a whole number, got {row[column]!r}") from None
    if value < 0:
        raise InputError(f"{where}: {column} must not be negative, got {value}")
    return value


def _fact_ids(where: str, text: str, facts: dict[str, Fact]) -> frozenset[str]:
    ids = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(ids - set(facts))
    if unknown:
        raise InputError(f"{where}: unknown fact {unknown[0]!r} (not in facts.tsv)")
    return ids


def _read_facts(path: Path) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for where, row in _rows(path, _FACT_COLUMNS):
        fact_id, key = row["id"], row["key"].lower()
        if not fact_id or "," in fact_id:
            raise InputError(f"{where}: a fact id must be non-empty and hold no comma, got {fact_id!r}")
        if fact_id in facts:
            raise InputError(f"{where}: fact {fact_id!r} appears twice")
        if key not in ("yes", "no"):
            raise InputError(f"{where}: key must be yes or no, got {row['key']!r}")
        facts[fact_id] = Fact(fact_id, row["type"], key == "yes", row["description"])
    return facts


def _squash(text: str) -> str:
    return " ".join(text.split())


def _read_units(path: Path, facts: dict[str, Fact], texts: dict[str, str] | None) -> list[Unit]:
    units: list[Unit] = []
    seen: set[tuple[str, int]] = set()
    last_end: dict[str, int] = {}
    for where, row in _rows(path, _UNIT_COLUMNS):
        article = row["article"]
        if not article:
            raise InputError(f"{where}: empty article id")
        n, start, end = (_int(where, row, c) for c in ("n", "start", "end"))
        if end <= start:
            raise InputError(f"{where}: end ({end}) must be after start ({start})")
        if row["kind"] not in KINDS:
            raise InputError(f"{where}: kind must be one of {', '.join(KINDS)}, got {row['kind']!r}")
        if (article, n) in seen:
            raise InputError(f"{where}: unit {article}#{n} appears twice")
        seen.add((article, n))
        if start < last_end.get(article, 0):
            raise InputError(f"{where}: unit {article}#{n} starts at {start}, inside or before the previous unit "
                             f"of the article (units must be in text order and must not overlap)")
        last_end[article] = end
        if texts is not None:
            if article not in texts:
                raise InputError(f"{where}: no article {article}.txt to check the offsets against")
            text = texts[article]
            if end > len(text):
                raise InputError(f"{where}: end {end} is past the end of {article}.txt ({len(text)} characters)")
            if _squash(text[start:end]) != _squash(row["text"]):
                raise InputError(f"{where}: text differs from {article}.txt[{start}:{end}] "
                                 f"({_squash(text[start:end])[:40]!r}…)")
        units.append(Unit(article, n, start, end, row["kind"], _fact_ids(where, row["facts"], facts), row["text"]))
    return units


def _read_links(path: Path, facts: dict[str, Fact], units: list[Unit]) -> list[Link]:
    by_key = {u.key: u for u in units}
    links: list[Link] = []
    seen: set[tuple[tuple[str, int], tuple[str, int]]] = set()
    for where, row in _rows(path, _LINK_COLUMNS):
        ends = []
        for side in ("a", "b"):
            key = (row[f"{side}_article"], _int(where, row, f"{side}_n"))
            if key not in by_key:
                raise InputError(f"{where}: no unit {key[0]}#{key[1]} in units.tsv")
            ends.append(by_key[key])
        a, b = ends
        if a.article == b.article:
            raise InputError(f"{where}: a link joins units of different articles, not {a.article} with itself")
        pair = tuple(sorted((a.key, b.key)))
        if pair in seen:
            raise InputError(f"{where}: the pair {a.article}#{a.n} – {b.article}#{b.n} appears twice")
        seen.add(pair)  # type: ignore[arg-type]
        shared = _fact_ids(where, row["facts"], facts)
        if shared != a.facts & b.facts:
            raise InputError(f"{where}: facts {','.join(sorted(shared)) or '(none)'} are not the facts the two units "
                             f"share ({','.join(sorted(a.facts & b.facts)) or 'none'})")
        verdict = row["verdict"].lower()
        if verdict not in VERDICTS:
            raise InputError(f"{where}: verdict must be one of {', '.join(VERDICTS)}, got {row['verdict']!r}")
        links.append(Link(a.key, b.key, shared, verdict, row["note"]))
    derived = {tuple(sorted((u.key, v.key))) for i, u in enumerate(units) for v in units[i + 1:]
               if u.article != v.article and u.facts & v.facts}
    unlisted = sorted(derived - seen)
    if unlisted:
        (a_article, a_n), (b_article, b_n) = unlisted[0]
        raise InputError(f"{path}: {len(unlisted)} unit pairs share a fact but are not listed, "
                         f"the first {a_article}#{a_n} – {b_article}#{b_n}")
    return links


def load_gold(folder: str | Path, articles: str | Path | None = None) -> Gold:
    """Read and check the gold standard in ``folder`` (see the module docstring).

    Args:
        folder: the folder holding ``units.tsv``, ``facts.tsv`` and ``links.tsv``.
        articles: the folder of the ``<article>.txt`` texts the unit offsets index; each unit's
            ``text`` must equal its span there (white space squeezed). Default: the ``articles``
            folder beside ``folder`` when there is one, else no text check.

    Raises:
        InputError: a file is missing or unreadable, or a row is malformed or inconsistent
            (unknown fact, overlapping units, a link whose facts are not the shared ones, a
            pair sharing a fact that links.tsv does not list); the message names file and line.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{root}: no such gold folder")
    text_dir = Path(articles) if articles is not None else root.parent / "articles"
    texts = None
    if articles is not None or text_dir.is_dir():
        texts = {p.stem: read_text_file(p, "text file") for p in sorted(text_dir.glob("*.txt"))}
    facts = _read_facts(root / "facts.tsv")
    units = _read_units(root / "units.tsv", facts, texts)
    if not units:
        raise InputError(f"{root / 'units.tsv'}: no units")
    links = _read_links(root / "links.tsv", facts, units)
    return Gold(units, facts, links, str(root))
