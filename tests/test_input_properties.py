"""Generated input never gives a traceback: a clear error or a valid result, and the input
folder is never changed.

Hypothesis builds article folders from random bytes, Arabic text in several encodings and
``metadata.csv`` files of random shapes and dates, and feeds them to the corpus loader and the
segmenter; a fixed set of malformed metadata files checks each one-line message.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talkhis.cli import main
from talkhis.corpus import Corpus, load_corpus
from talkhis.corpus.dates import valid_date
from talkhis.corpus.segment import segment
from talkhis.errors import TalkhisError

from .conftest import ARTICLES

ARABIC_WORDS = ["الولايات", "المتحدة", "العراق", "القوات", "قال", "وزير", "الحكومة", "داعش", "2021", "٢٥٠٠"]
PUNCT = [".", "،", "؟", "!", "؛", "…", "\n", "\n\n", '"', "«", "»", " "]


@st.composite
def arabic_text(draw) -> str:
    tokens = draw(st.lists(st.sampled_from(ARABIC_WORDS + PUNCT), min_size=0, max_size=60))
    return " ".join(tokens)


@st.composite
def article_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["random", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1256", "latin"]))
    if kind == "random":
        return draw(st.binary(max_size=400))
    if kind == "latin":
        return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    text = draw(arabic_text())
    return text.encode(kind, errors="replace")


DATES = st.one_of(
    st.sampled_from(["", "2021", "2021-07", "2021-07-22", "2024-02-30", "2021-13", "21-07-2021", "0000-01-01",
                     "2021-7-1", "yesterday", "٢٠٢١-٠٧-٢٢", " 2024-01 "]),
    st.text(max_size=12),
)


@st.composite
def metadata_csv(draw, ids: list[str]) -> bytes:
    header = draw(st.sampled_from([["id", "date", "note"], ["id", "outlet", "date", "title", "note"], ["date", "note"],
                                   ["id", "date", "colour"], ["id"], ["id", "id"]]))
    lines = [",".join(header)]
    for _ in range(draw(st.integers(0, 4))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, -1, 1]))
        cells = []
        for k in range(max(0, width)):
            column = header[k] if k < len(header) else "extra"
            if column == "id":
                cells.append(draw(st.sampled_from([*ids, "", "missing_article"])))
            elif column == "date":
                cells.append(draw(DATES).replace(",", " ").replace("\n", " ").replace("\r", " ").replace('"', ""))
            else:
                cells.append('"' + draw(st.text(max_size=20)).replace('"', '""') + '"')
        lines.append(",".join(cells))
    raw = "\n".join(lines) + "\n"
    return raw.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1256"])), errors="replace")


def folder_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@st.composite
def article_folder(draw) -> dict[str, bytes]:
    n = draw(st.integers(1, 4))
    files = {f"a{i}.txt": draw(article_bytes()) for i in range(n)}
    if draw(st.booleans()):
        files["metadata.csv"] = draw(metadata_csv([f"a{i}" for i in range(n)]))
    return files


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=article_folder())
def test_the_loader_gives_a_corpus_or_a_one_line_error_and_never_changes_the_folder(files):
    folder = Path(tempfile.mkdtemp())
    try:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        before = folder_digest(folder)
        try:
            corpus = load_corpus(folder)
        except TalkhisError as exc:
            message = str(exc)
            assert message and "\n" not in message
        else:
            assert isinstance(corpus, Corpus) and corpus.articles
            for article in corpus.articles:
                assert article.date is None or valid_date(article.date)
                for s in article.sentences:
                    assert article.text[s.start : s.end] == s.text
        assert folder_digest(folder) == before
    finally:
        shutil.rmtree(folder)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(arabic_text(), st.text(max_size=300)))
def test_the_segmenter_accepts_any_text(text):
    sentences = segment(text, [(0, len(text))] if text.strip() else [], "x")
    for s in sentences:
        assert text[s.start : s.end] == s.text and s.text.strip() == s.text and s.text


@pytest.mark.parametrize(
    "csv_text, message",
    [
        ("id,date\n002_a90dff76a33d4385,2021-13\n", ":2: date '2021-13' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("id,date\n002_a90dff76a33d4385,2021-02-30\n", ":2: date '2021-02-30' is not a date"),
        ("id,date\n002_a90dff76a33d4385,July 2021\n", ":2: date 'July 2021' is not a date"),
        ("id,date\n002_a90dff76a33d4385,2021\n002_a90dff76a33d4385,2022\n", ":3: id '002_a90dff76a33d4385' appears twice"),
        ("id,date\n,2021\n", ":2: empty id"),
        ("id,date\n002_a90dff76a33d4385,2021,extra\n", ":2: expected 2 comma-separated fields, found 3"),
        ("id,date,note\n002_a90dff76a33d4385,2021\n", ":2: expected 3 comma-separated fields, found 2"),
        ("date,note\n2021,x\n", ":1: the metadata file needs an 'id' column"),
        ("id,colour\n002_a90dff76a33d4385,red\n", ":1: unknown column 'colour'"),
        ("id,outlet\n002_a90dff76a33d4385,\"bad\x07name\"\n", ":2: outlet 'bad\\x07name' holds control characters"),
    ],
)
def test_each_bad_metadata_field_is_one_line_naming_file_line_and_value(tmp_path, capsys, csv_text, message):
    shutil.copy(ARTICLES / "002_a90dff76a33d4385.txt", tmp_path)
    (tmp_path / "metadata.csv").write_text(csv_text, encoding="utf-8")
    before = folder_digest(tmp_path)
    rc = main(["summarize", str(tmp_path), "--out", str(tmp_path.parent / f"{tmp_path.name}-out"), "--embedder", "tfidf"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith(f"talkhis: error: {tmp_path / 'metadata.csv'}{message}") and err.count("\n") == 1
    assert folder_digest(tmp_path) == before
    assert not (tmp_path.parent / f"{tmp_path.name}-out").exists()


def test_a_metadata_row_for_another_article_is_a_note_not_an_error(tmp_path):
    shutil.copy(ARTICLES / "002_a90dff76a33d4385.txt", tmp_path)
    (tmp_path / "metadata.csv").write_text("id,date\nnot_here,2021\n002_a90dff76a33d4385,2021-07-25\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.notes == ["metadata.csv: id 'not_here' names no .txt article in the folder; its row was not used"]
    assert corpus.articles[0].date == "2021-07-25"


def test_valid_dates():
    assert all(valid_date(d) for d in ["2021", "2021-07", "2021-07-22", "2024-02-29"])
    assert not any(valid_date(d) for d in ["2023-02-29", "2021-00", "2021-07-32", "999", "21-07-2021", "2021-7", ""])
