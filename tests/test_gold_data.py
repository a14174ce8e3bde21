"""Checks of the hand-made gold standard in data/gold/ against the seed articles.

The gold (units, facts, cross-article links) is the yardstick for segmentation, clustering and
citation measurements, so these tests guard its internal consistency: spans match the texts,
units tile every non-blank line, fact ids resolve, and links.tsv lists exactly the pairs of
units in different articles that share a fact, each re-read and marked ``same``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
GOLD = ROOT / "data" / "gold"

UNIT_COLUMNS = ["article", "n", "start", "end", "kind", "facts", "text"]
FACT_COLUMNS = ["id", "type", "key", "description"]
LINK_COLUMNS = ["a_article", "a_n", "b_article", "b_n", "facts", "verdict", "note"]
KINDS = {"title", "heading", "sentence", "boilerplate"}
FACT_TYPES = {"event", "statement", "figure", "plan"}


def read_tsv(path: Path, columns: list[str]) -> list[dict[str, str]]:
    """The rows of a tab-separated file whose header is exactly ``columns``; every row must
    have as many fields as the header (so no field may hold a tab)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines, f"{path.name} is empty"
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == columns, f"{path.name}: header {rows[0]} != {columns}"
    for number, row in enumerate(rows[1:], start=2):
        assert len(row) == len(columns), f"{path.name}:{number}: {len(row)} fields, expected {len(columns)}"
    return [dict(zip(columns, row)) for row in rows[1:]]


def fact_ids(field: str) -> set[str]:
    return {part for part in field.split(",") if part}


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {p.stem: p.read_bytes().decode("utf-8-sig") for p in sorted(ARTICLES.glob("*.txt"))}


@pytest.fixture(scope="module")
def units() -> list[dict[str, str]]:
    return read_tsv(GOLD / "units.tsv", UNIT_COLUMNS)


@pytest.fixture(scope="module")
def facts() -> dict[str, dict[str, str]]:
    rows = read_tsv(GOLD / "facts.tsv", FACT_COLUMNS)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "a fact id appears twice in facts.tsv"
    return {row["id"]: row for row in rows}


@pytest.fixture(scope="module")
def links() -> list[dict[str, str]]:
    return read_tsv(GOLD / "links.tsv", LINK_COLUMNS)


def test_every_article_is_annotated(units, texts):
    assert {u["article"] for u in units} == set(texts)


def test_unit_text_is_its_span(units, texts):
    for u in units:
        start, end = int(u["start"]), int(u["end"])
        where = f"{u['article']}#{u['n']}"
        assert 0 <= start < end <= len(texts[u["article"]]), where
        assert texts[u["article"]][start:end] == u["text"], where
        assert u["text"] == u["text"].strip(), f"{where}: span not trimmed of white space"


def test_units_numbered_in_order_without_overlap(units):
    by_article: dict[str, list[dict[str, str]]] = defaultdict(list)
    for u in units:
        by_article[u["article"]].append(u)
    for article, rows in by_article.items():
        assert [int(u["n"]) for u in rows] == list(range(len(rows))), article
        for before, after in zip(rows, rows[1:]):
            assert int(before["end"]) <= int(after["start"]), f"{article}#{after['n']} overlaps or is out of order"


def test_units_cover_every_non_blank_line(units, texts):
    for article, text in texts.items():
        covered = [False] * len(text)
        for u in units:
            if u["article"] == article:
                covered[int(u["start"]):int(u["end"])] = [True] * (int(u["end"]) - int(u["start"]))
        missed = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
        assert not missed, f"{article}: characters outside every unit, first at {missed[0]}: {text[missed[0]:missed[0] + 30]!r}"


def test_kinds_are_valid_and_boilerplate_carries_no_fact(units):
    for u in units:
        assert u["kind"] in KINDS, f"{u['article']}#{u['n']}: kind {u['kind']!r}"
        if u["kind"] == "boilerplate":
            assert not fact_ids(u["facts"]), f"{u['article']}#{u['n']}: boilerplate with facts"


def test_facts_are_well_formed(facts):
    for fact_id, row in facts.items():
        assert fact_id.startswith("F") and fact_id[1:].isdigit(), fact_id
        assert row["type"] in FACT_TYPES, fact_id
        assert row["key"] in ("yes", "no"), fact_id
        assert row["description"].strip(), fact_id


def test_fact_ids_resolve_and_every_fact_is_used(units, facts):
    used: set[str] = set()
    for u in units:
        ids = fact_ids(u["facts"])
        assert ids <= set(facts), f"{u['article']}#{u['n']}: unknown facts {sorted(ids - set(facts))}"
        used |= ids
    assert set(facts) - used == set(), f"facts no unit reports: {sorted(set(facts) - used)}"


def test_key_facts_are_reported_in_content(units, facts):
    content = set().union(*(fact_ids(u["facts"]) for u in units if u["kind"] != "boilerplate"))
    key = {fact_id for fact_id, row in facts.items() if row["key"] == "yes"}
    assert key, "no key facts"
    assert key <= content, f"key facts only in boilerplate or nowhere: {sorted(key - content)}"


def test_links_are_exactly_the_cross_article_pairs_sharing_a_fact(units, links):
    expected = {}
    for a, b in combinations(units, 2):
        shared = fact_ids(a["facts"]) & fact_ids(b["facts"])
        if a["article"] != b["article"] and shared:
            first, second = sorted([a, b], key=lambda u: (u["article"], int(u["n"])))
            expected[(first["article"], int(first["n"]), second["article"], int(second["n"]))] = shared
    listed = {}
    for row in links:
        key = (row["a_article"], int(row["a_n"]), row["b_article"], int(row["b_n"]))
        assert key not in listed, f"pair listed twice: {key}"
        assert row["a_article"] < row["b_article"], f"pair not ordered by article: {key}"
        listed[key] = fact_ids(row["facts"])
    assert set(listed) == set(expected), (
        f"missing {sorted(set(expected) - set(listed))[:3]}, extra {sorted(set(listed) - set(expected))[:3]}")
    for key, shared in expected.items():
        assert listed[key] == shared, f"{key}: facts {sorted(listed[key])} != shared {sorted(shared)}"


def test_every_link_was_reread(links):
    for row in links:
        where = f"{row['a_article']}#{row['a_n']} - {row['b_article']}#{row['b_n']}"
        assert row["verdict"] == "same", f"{where}: verdict {row['verdict']!r}"
        assert row["note"].strip(), f"{where}: no note"
