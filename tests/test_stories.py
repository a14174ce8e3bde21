"""talkhis stories: grouping on the labelled dev mix, summaries exactly as summarize writes them,
byte-identical outputs on a 2-worker Dask cluster, re-runs that skip unchanged stories, and
output folders written whole or not at all."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest

from talkhis.cli import main
from talkhis.corpus import load_corpus
from talkhis.errors import InputError, TalkhisError
from talkhis.evaluate.records import find_eval_file
from talkhis.evaluate.storymix import bcubed, write_story_mix
from talkhis.pipeline import Options, summarize_folder
from talkhis.report.outdir import MARKER
from talkhis.report.write import write_outputs
from talkhis.stories import group, run_stories
from talkhis.stories import run as stories_run

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
SEED_IDS = sorted(p.stem for p in ARTICLES.glob("*.txt"))


def _have_eval_files() -> bool:
    try:
        find_eval_file("easc-dev.jsonl", ROOT)
        find_eval_file("multiling2011-dev.jsonl", ROOT)
    except InputError:
        return False
    return True


needs_eval = pytest.mark.skipif(not _have_eval_files(), reason="shared/eval is not beside this checkout")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _easc_articles(folder: Path, ids: list[str]) -> None:
    """Write these EASC dev articles (title and text) into ``folder``."""
    records = {json.loads(line)["id"]: json.loads(line) for line in
               find_eval_file("easc-dev.jsonl", ROOT).read_text(encoding="utf-8").splitlines()}
    for i in ids:
        (folder / f"easc_{i}.txt").write_text(f"{records[i]['title']}\n\n{records[i]['article']}", encoding="utf-8")


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    """The shipped articles and three unrelated EASC articles."""
    folder = tmp_path / "archive"
    shutil.copytree(ARTICLES, folder)
    _easc_articles(folder, ["art-and-music-02", "sport-01", "health-03"])
    return folder


@needs_eval
def test_grouping_on_the_labelled_dev_mix(tmp_path):
    gold = write_story_mix(tmp_path / "mix", start=ROOT)
    corpus = load_corpus(tmp_path / "mix")
    from talkhis.embed import get_embedder

    stories = group.group_articles(corpus, get_embedder("use").encode)
    assert sorted(a for s in stories for a in s) == sorted(gold)
    assert SEED_IDS in stories  # the five shipped articles, 2021 and 2024, are one story
    precision, recall, f1 = bcubed({a: s[0] for s in stories for a in s}, gold)
    assert f1 >= 0.95, (precision, recall, f1)
    # far better than putting everything together or leaving every article alone
    assert f1 > bcubed({a: "one" for a in gold}, gold)[2] + 0.5
    assert f1 > bcubed({a: a for a in gold}, gold)[2] + 0.1


def test_bcubed_on_known_cases():
    gold = {"a": "x", "b": "x", "c": "y"}
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed({"a": "1", "b": "2", "c": "3"}, gold)
    assert p == 1.0 and r == pytest.approx((0.5 + 0.5 + 1) / 3)
    p, r, _ = bcubed({"a": "1", "b": "1", "c": "1"}, gold)
    assert r == 1.0 and p == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)


def test_far_apart_groups_need_shared_facts():
    """Two articles similar enough to merge alone stay apart when they are years apart and
    share no fact, and join when they share one."""
    from datetime import date

    import numpy as np

    from talkhis.stable import qkey

    cand = group.Candidates(np.array([0]), np.array([1]), np.array([qkey(0.9)]), np.array([0]))
    near = [date(2021, 7, 1), date(2021, 7, 5)]
    far = [date(2021, 7, 1), date(2024, 1, 5)]
    assert group.link_groups(2, cand, near) == [0, 0]
    assert group.link_groups(2, cand, far) == [0, 1]
    cand.facts[0] = group.FAR_FACTS
    assert group.link_groups(2, cand, far) == [0, 0]


def test_the_seeds_are_one_story_summarised_exactly_as_summarize_does(tmp_path):
    result = run_stories(ARTICLES, tmp_path / "stories")
    (story,) = result.stories
    assert story["articles"] == SEED_IDS and story["size"] == 5 and story["folder"]
    assert story["periods"] == ["2021-07", "2024-01"]
    expected = write_outputs(summarize_folder(ARTICLES), tmp_path / "summarize")
    assert _files(tmp_path / "stories" / story["folder"]) == _files(expected)
    data = json.loads((tmp_path / "stories" / "stories.json").read_text(encoding="utf-8"))
    assert set(data["stories"][0]) >= {"id", "folder", "articles", "title", "periods", "outlets", "size"}
    assert data["config"]["embedder"] == "use" and "grouping" in data["config"]


@needs_eval
def test_index_is_self_contained_and_links_each_report(archive, tmp_path):
    result = run_stories(archive, tmp_path / "out")
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "<script" not in page
    summarised = [s for s in result.stories if s["folder"]]
    assert len(summarised) == 1 and len(result.stories) == 4  # the seeds, and three stories of one article
    assert f"href='{summarised[0]['folder']}/report.html'" in page
    first = json.loads((tmp_path / "out" / summarised[0]["folder"] / "summary.json").read_text(encoding="utf-8"))["summary"][0]
    assert html.escape(first["text"]) in page and html.escape(first["translation"]) in page
    assert page.count("one article: no summary") == 3
    assert [s["size"] for s in result.stories] == sorted((s["size"] for s in result.stories), reverse=True)


@needs_eval
def test_two_dask_workers_write_the_same_bytes_as_in_process(archive, tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    run_stories(archive, tmp_path / "here")
    run_stories(archive, tmp_path / "dask", workers=2)
    assert "Dask dashboard at http" in capsys.readouterr().err
    assert _files(tmp_path / "here") == _files(tmp_path / "dask")


def test_an_existing_dask_cluster_by_its_address(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run_stories(ARTICLES, tmp_path / "remote", scheduler=cluster.scheduler_address)
    run_stories(ARTICLES, tmp_path / "here")
    assert _files(tmp_path / "remote") == _files(tmp_path / "here")
    with pytest.raises(TalkhisError, match="cannot reach the Dask scheduler"):
        run_stories(ARTICLES, tmp_path / "nowhere", scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "nowhere").exists()


@needs_eval
def test_rerun_skips_unchanged_stories_and_redoes_only_those_new_articles_join(archive, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = run_stories(archive, out)
    assert (first.summarised, first.reused) == (1, 0)
    before = _files(out)

    calls = []
    real = stories_run.summarise_story
    monkeypatch.setattr(stories_run, "summarise_story", lambda task: calls.append(task) or real(task))
    again = run_stories(archive, out)
    assert (again.summarised, again.reused, calls) == (0, 1, [])
    assert _files(out) == before

    _easc_articles(archive, ["politics-04"])  # a new story of its own: nothing to summarise again
    added = run_stories(archive, out)
    assert (added.summarised, added.reused, calls) == (0, 1, [])

    # an edited copy of a seed article joins the seeds' story, which alone is summarised again
    text = (archive / "002_a90dff76a33d4385.txt").read_text(encoding="utf-8")
    (archive / "005_edited.txt").write_text(text.replace("الكاظمي", "الكاظمي نفسه", 1), encoding="utf-8")
    joined = run_stories(archive, out)
    assert (joined.summarised, joined.reused) == (1, 0) and len(calls) == 1
    assert "005_edited" in joined.stories[0]["articles"]

    # other options change every key
    changed = run_stories(archive, out, Options(sentences=3))
    assert (changed.summarised, changed.reused) == (1, 0)


def test_output_folder_safety(tmp_path, monkeypatch):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not written by talkhis"):
        run_stories(ARTICLES, foreign)
    assert _files(foreign) == {"notes.txt": b"mine"}
    with pytest.raises(InputError, match="input folder"):
        run_stories(ARTICLES, ARTICLES)

    forced = run_stories(ARTICLES, foreign, force=True)  # beside the file, never over it
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (foreign / "stories.json").is_file() and (foreign / forced.stories[0]["folder"] / "report.html").is_file()
    marker = json.loads((foreign / MARKER).read_text(encoding="utf-8"))
    assert "notes.txt" not in marker["files"] and "stories.json" in marker["files"]

    out = tmp_path / "out"
    run_stories(ARTICLES, out)
    before = _files(out)

    def broken(task):
        raise InputError("disk full")

    monkeypatch.setattr(stories_run, "summarise_story", broken)
    with pytest.raises(InputError, match="disk full"):
        run_stories(ARTICLES, out, Options(sentences=2))  # a new key: the story must be summarised
    assert _files(out) == before  # whole or nothing: the previous outputs are as they were
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign", "out"]


def test_cli_stories(tmp_path, capsys):
    assert main(["stories", str(ARTICLES), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "5 articles in 1 stories; 1 summarised" in printed and "wrote" in printed
    assert main(["stories", str(tmp_path / "missing"), "--out", str(tmp_path / "x"), "--quiet"]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["stories", str(ARTICLES), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
