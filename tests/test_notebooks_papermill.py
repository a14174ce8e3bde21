"""The notebooks run on another folder than the seeds: every notebook's parameters cell is
tagged for papermill, and notebook 05 runs end to end on four EASC articles."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import talkhis
from talkhis.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EASC_IDS = ["education-02", "education-03", "education-04", "environment-04"]


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_first_code_cell_holds_the_papermill_parameters(path):
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    assert code[0]["metadata"].get("tags") == ["parameters"]
    statements = [line for line in text(code[0]).splitlines() if line.strip() and not line.startswith("#")]
    assert statements and all(line.split("#")[0].count("=") == 1 for line in statements), "plain assignments only"
    if not path.name.startswith("04_"):  # 04 reads the evaluation files, not a folder of articles
        assert any(line.startswith("articles = None") for line in statements)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_are_checked_and_left_unanswered(path):
    checks = [text(c) for c in cells(path) if c["cell_type"] == "code" and "check_" in text(c) and "= None" in text(c)]
    assert 3 <= len(checks) <= 5
    assert all("answer_" in c and "check_" in c.splitlines()[-1] for c in checks)


@pytest.fixture
def easc_folder(tmp_path) -> Path:
    """Four EASC articles as .txt files, a metadata.csv giving two of them dates, and a file
    in English that must be skipped."""
    from talkhis.evaluate import find_eval_file

    try:
        path = find_eval_file("easc-dev.jsonl", start=ROOT)
    except InputError:
        pytest.skip("no shared/eval/easc-dev.jsonl beside this checkout")
    records = {r["id"]: r for r in map(json.loads, filter(str.strip, path.read_text(encoding="utf-8").splitlines()))}
    folder = tmp_path / "easc"
    folder.mkdir()
    for article_id in EASC_IDS:
        (folder / f"{article_id}.txt").write_text(records[article_id]["article"], encoding="utf-8")
    (folder / "metadata.csv").write_text("id,date,outlet\neducation-02,2009-03,EASC\neducation-03,2009-04-02,EASC\n",
                                         encoding="utf-8")
    (folder / "readme.txt").write_text("Four EASC articles for a test; this note is in English.", encoding="utf-8")
    return folder


def test_notebook_05_runs_on_a_folder_of_easc_articles(easc_folder, tmp_path, monkeypatch):
    papermill = pytest.importorskip("papermill")
    src = str(Path(talkhis.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])))
    out = tmp_path / "05.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "05_your_own_articles.ipynb"), str(out),
        parameters={"articles": str(easc_folder), "embedder": "tfidf", "output": str(tmp_path / "report")},
        kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
    )
    ran = cells(out)
    outputs = "\n".join(
        "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/markdown", ""))
        + "".join(o.get("data", {}).get("text/plain", ""))
        for c in ran if c["cell_type"] == "code" for o in c.get("outputs", []))
    assert not any(o["output_type"] == "error" for c in ran if c["cell_type"] == "code" for o in c.get("outputs", []))
    assert "5 .txt files: 4 articles loaded, 1 skipped" in outputs
    assert "`readme.txt`" in outputs and "not Arabic" in outputs
    for article_id in EASC_IDS:
        assert f"`{article_id}`" in outputs
    assert "| `education-03` | 2009-04-02 | metadata: metadata.csv |" in outputs
    assert "talkhis explorer: embedder tfidf" in outputs and "4 articles" in outputs
    assert {"report.html", "summary.json", "summary.md", "sentences.csv"} <= {
        p.name for p in (tmp_path / "report").iterdir()}
    report = json.loads((tmp_path / "report" / "summary.json").read_text(encoding="utf-8"))
    assert {a["id"] for a in report["articles"]} == set(EASC_IDS)
    assert report["summary"] and {s["article"] for s in report["summary"]} <= set(EASC_IDS)
    assert "Not answered yet" in outputs
    assert str(tmp_path) not in outputs.replace(str(tmp_path / "report"), "")
