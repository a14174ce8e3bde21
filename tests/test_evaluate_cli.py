"""`talkhis evaluate` on both file formats: the cross-validated row first, MultiLing rows with
intervals, files written whole, and one-line errors without a traceback."""

from __future__ import annotations

import json

import pytest

from talkhis.cli import EXIT_ERROR, main
from talkhis.report.outdir import MARKER

from .test_evaluate import rec_json, record
from .test_evaluate_multiling import topic_json


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_easc_headline_is_the_cross_validated_row(tmp_path, capsys):
    path = write(tmp_path / "easc.jsonl", [rec_json(record(i)) for i in range(4)])
    out = tmp_path / "out"
    assert main(["evaluate", str(path), "--out", str(out), "--cv", "2", "--embedder", "tfidf",
                 "--systems", "talkhis,talkhis-shipped,lead"]) == 0
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("| ")]
    assert rows[1].startswith("| talkhis (2-fold CV) |")
    assert rows[2].startswith("| talkhis (shipped model) |")  # not fitted on this file: not in-sample
    assert sorted(p.name for p in out.iterdir() if p.name != MARKER) == ["scores.json", "scores.md", "summaries.jsonl"]
    assert json.loads((out / "scores.json").read_text(encoding="utf-8"))["talkhis_model"].startswith(
        "salience model refitted for each of 2 folds")


def test_the_shipped_model_on_its_own_training_file_is_labelled_in_sample(tmp_path, capsys):
    # the shipped model's note names easc-dev.jsonl, the file it was fitted on
    path = write(tmp_path / "easc-dev.jsonl", [rec_json(record(i)) for i in range(2)])
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out"), "--cv", "0", "--embedder", "tfidf",
                 "--systems", "talkhis,talkhis-shipped,lead"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    # without CV the two talkhis rows would be the same, so only one is shown
    assert [r.split(" | ")[0] for r in rows[1:3]] == ["| talkhis (shipped model), in-sample (tuned on this data)",
                                                       "| lead"]


def test_multiling_file_gets_the_multiling_table(tmp_path, capsys):
    path = write(tmp_path / "ml.jsonl", [json.dumps(topic_json(t), ensure_ascii=False) for t in ("T1", "T2")])
    out = tmp_path / "out"
    assert main(["evaluate", str(path), "--out", str(out), "--embedder", "tfidf"]) == 0
    printed = capsys.readouterr().out
    for label in ("| talkhis |", "| lead round-robin (body sentences) |", "| ID3 JRC |", "| ID9 centroid (centroid baseline) |",
                  "| human vs the other two (mean of 3) |", "| ROUGE-1 / ROUGE-2 F | T1 | T2 |"):
        assert label in printed
    lines = [json.loads(x) for x in (out / "summaries.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {x["topic"] for x in lines} == {"T1", "T2"} and all(len(x["summary"].split()) <= 250 for x in lines)
    assert "ROUGE-2 F" in (out / "scores.md").read_text(encoding="utf-8")
    assert main(["evaluate", str(path), "--out", str(out), "--systems", "lead"]) == EXIT_ERROR
    assert "--systems applies to EASC files" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["{not json", '{"topic": "T", "documents": [], "models": ["نص"]}',
                                     '{"id": "x", "article": "نص"}'])
def test_a_malformed_file_is_one_line_and_writes_nothing(tmp_path, capsys, content):
    path = write(tmp_path / "bad.jsonl", [content])
    out = tmp_path / "out"
    assert main(["evaluate", str(path), "--out", str(out)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith(f"talkhis: error: {path}:1:") and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
