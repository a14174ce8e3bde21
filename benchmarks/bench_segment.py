"""Sentence-boundary F1 of talkhis's segmenter and of two general segmenters on the gold.

Scored with ``talkhis.evaluate.boundary_f1`` against ``data/gold/units.tsv`` (segment ends
against the ends of the gold's non-boilerplate units). The general segmenters get the same
input as talkhis, the lines the cleaner keeps, one line at a time, and their pieces are located
in the text in order. ``sentencex`` and ``pysbd`` are not talkhis dependencies; a segmenter
that is not installed is reported as such.

Also prints, on the EASC dev articles (hard-wrapped at about 78 characters), how many segments
talkhis classes as headings and fragments, since the gold has no wrapped text.

Usage: .venv/bin/python benchmarks/bench_segment.py
"""

from __future__ import annotations

import collections
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from talkhis.corpus import make_article  # noqa: E402
from talkhis.corpus.clean import clean
from talkhis.errors import InputError  # noqa: E402
from talkhis.evaluate import boundary_f1, find_eval_file, load_gold  # noqa: E402
from talkhis.evaluate.records import jsonl_objects  # noqa: E402

Split = Callable[[str], list[str]]


def _located(text: str, start: int, pieces: list[str]) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for piece in (p.strip() for p in pieces):
        at = text.find(piece, cursor) if piece else -1
        if at >= 0:
            spans.append((at, at + len(piece)))
            cursor = at + len(piece)
    return spans


def _per_line(split: Split) -> Callable[[str], list[tuple[int, int]]]:
    def run(text: str) -> list[tuple[int, int]]:
        kept, _ = clean(text)
        return [span for a, b in kept for span in _located(text, a, split(text[a:b]))]

    return run


def _sentencex() -> Split:
    import sentencex

    return lambda line: list(sentencex.segment("ar", line))


def _pysbd() -> Split:
    import pysbd

    segmenter = pysbd.Segmenter(language="ar", clean=False)
    return lambda line: segmenter.segment(line)


def main() -> None:
    gold = load_gold(ROOT / "data" / "gold")
    texts = {a: (ROOT / "data" / "articles" / f"{a}.txt").read_bytes().decode("utf-8-sig") for a in gold.articles}
    systems = {"talkhis": lambda text: [(s.start, s.end) for s in make_article("x", text).sentences]}
    for name, factory in (("sentencex", _sentencex), ("pysbd", _pysbd)):
        if importlib.util.find_spec(name) is None:
            print(f"{name}: not installed")
        else:
            systems[name] = _per_line(factory())
    print("| segmenter | precision | recall | F1 |\n|---|---|---|---|")
    for name, run in systems.items():
        spans = [(a, start, end) for a, text in texts.items() for start, end in run(text)]
        p = boundary_f1(spans, gold)
        print(f"| {name} | {p.precision:.3f} ({p.correct}/{p.n_system}) | {p.recall:.3f} ({p.found}/{p.n_gold}) | {p.f1:.3f} |")

    try:
        path = find_eval_file("easc-dev.jsonl", ROOT)
    except InputError as exc:
        print(f"\nEASC: skipped ({exc})")
        return
    kinds: collections.Counter[str] = collections.Counter()
    for _, obj in jsonl_objects(path):
        kinds.update(s.kind for s in make_article(obj["id"], obj["article"]).sentences)
    print(f"\nEASC dev segments by kind: {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    sys.exit(main())
