"""Regenerate data/gold/links.tsv from units.tsv, keeping the hand-written verdicts and notes.

Every pair of units in different articles that share a fact is listed once (``a`` before ``b``
by article id). A pair already in links.tsv with the same shared facts keeps its verdict and
note; a new pair, or one whose shared facts changed, is written with verdict ``unchecked`` and
an empty note, so that it must be re-read by hand (the gold tests accept only ``same``).
Pairs that no longer share a fact are dropped.

Run from the repository root: ``python data/gold/make_links.py``.
"""

from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNITS = HERE / "units.tsv"
LINKS = HERE / "links.tsv"
COLUMNS = ("a_article", "a_n", "b_article", "b_n", "facts", "verdict", "note")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def pairs(units: list[dict[str, str]]) -> dict[tuple[str, int, str, int], str]:
    """``(a_article, a_n, b_article, b_n) -> shared fact ids`` for every cross-article pair."""
    keyed = [(u["article"], int(u["n"]), {f for f in u["facts"].split(",") if f}) for u in units]
    found = {}
    for (a, an, af), (b, bn, bf) in combinations(sorted(keyed, key=lambda k: (k[0], k[1])), 2):
        shared = af & bf
        if a != b and shared:
            found[(a, an, b, bn)] = ",".join(sorted(shared))
    return found


def main() -> None:
    old = {}
    if LINKS.exists():
        for row in _rows(LINKS):
            old[(row["a_article"], int(row["a_n"]), row["b_article"], int(row["b_n"]))] = row
    lines = ["\t".join(COLUMNS)]
    unchecked = 0
    for key, facts in sorted(pairs(_rows(UNITS)).items()):
        kept = old.get(key)
        verdict, note = ("unchecked", "")
        if kept is not None and kept["facts"] == facts:
            verdict, note = kept["verdict"], kept["note"]
        unchecked += verdict != "same"
        lines.append("\t".join([key[0], str(key[1]), key[2], str(key[3]), facts, verdict, note]))
    LINKS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} pairs written to {LINKS}; {unchecked} still to re-read")


if __name__ == "__main__":
    main()
