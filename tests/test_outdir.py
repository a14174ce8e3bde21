"""Output folders: whole or not at all, and never a lost file that talkhis did not write."""

from __future__ import annotations

import json
import os

import pytest

from talkhis.errors import InputError
from talkhis.report import outdir
from talkhis.report.outdir import MARKER, output_dir, written_by_talkhis


def entries(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def write(out, *names: str, force: bool = False, text: str = "new") -> None:
    with output_dir(out, force=force) as tmp:
        for name in names:
            (tmp / name).write_text(text, encoding="utf-8")


def test_a_new_folder_gets_the_outputs_and_a_marker(tmp_path):
    out = tmp_path / "nested" / "out"
    write(out, "summary.json", "chart.png")
    assert entries(out) == sorted([MARKER, "summary.json", "chart.png"])
    assert written_by_talkhis(out) == {"summary.json", "chart.png"}
    assert entries(out.parent) == ["out"]  # no temporary folder left beside it


def test_an_empty_existing_folder_becomes_the_output(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write(out, "summary.json")
    assert entries(out) == [MARKER, "summary.json"]


def test_a_failure_inside_leaves_nothing_behind(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="half way"):
        with output_dir(out) as tmp:
            (tmp / "summary.json").write_text("{", encoding="utf-8")
            raise RuntimeError("half way")
    assert entries(tmp_path) == []


def test_a_failure_inside_keeps_the_previous_outputs(tmp_path):
    out = tmp_path / "out"
    write(out, "summary.json", text="old")
    before = snapshot(out)
    with pytest.raises(KeyboardInterrupt):
        with output_dir(out) as tmp:
            (tmp / "summary.json").write_text("new", encoding="utf-8")
            raise KeyboardInterrupt
    assert entries(tmp_path) == ["out"]
    assert snapshot(out) == before


def test_a_marked_folder_is_replaced_whole(tmp_path):
    out = tmp_path / "out"
    write(out, "summary.json", "stale.png", text="old")
    write(out, "summary.json", text="new")
    assert entries(out) == [MARKER, "summary.json"]
    assert (out / "summary.json").read_text(encoding="utf-8") == "new"
    assert entries(tmp_path) == ["out"]


@pytest.mark.parametrize("kind", ["unmarked", "marked-with-extra", "bad-marker"])
def test_a_folder_with_files_talkhis_did_not_write_is_refused(tmp_path, kind):
    out = tmp_path / "out"
    if kind == "unmarked":
        out.mkdir()
    else:
        write(out, "summary.json", text="old")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    if kind == "bad-marker":
        (out / MARKER).write_text("not json", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(InputError, match="--force") as info:
        with output_dir(out):
            pytest.fail("the body must not run")
    assert "\n" not in str(info.value)
    assert snapshot(out) == before
    assert entries(tmp_path) == ["out"]


def test_a_file_is_never_taken_for_an_output_folder(tmp_path):
    out = tmp_path / "out"
    out.write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="exists and is not a folder"):
        with output_dir(out, force=True):
            pytest.fail("the body must not run")
    assert out.read_text(encoding="utf-8") == "keep"


def test_force_writes_beside_other_files_and_keeps_them(tmp_path):
    out = tmp_path / "out"
    (out / "project").mkdir(parents=True)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    write(out, "summary.json", force=True, text="first")
    write(out, "summary.json", "chart.png", force=True, text="second")
    assert entries(out) == sorted([MARKER, "chart.png", "notes.txt", "project", "summary.json"])
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "summary.json").read_text(encoding="utf-8") == "second"
    assert written_by_talkhis(out) == {"summary.json", "chart.png"}
    assert entries(tmp_path) == ["out"]


def test_force_never_overwrites_a_file_of_the_same_name(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("someone else's", encoding="utf-8")
    with pytest.raises(InputError, match="would overwrite summary.json"):
        write(out, "summary.json", "chart.png", force=True)
    assert snapshot(out) == {"summary.json": b"someone else's"}
    assert entries(tmp_path) == ["out"]


def test_the_current_folder_needs_force_and_keeps_its_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text("نص", encoding="utf-8")
    with pytest.raises(InputError, match="--force"):
        write(".", "summary.json")
    write(".", "summary.json", force=True)
    assert entries(tmp_path) == sorted([MARKER, "article.txt", "summary.json"])


def _failing_replace(fail_on: int):
    """``os.replace`` that raises on its ``fail_on``-th call (counting from 1)."""
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == fail_on:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    return replace


@pytest.mark.parametrize("fail_on", [1, 2])
def test_a_failed_swap_restores_the_previous_outputs(tmp_path, monkeypatch, fail_on):
    out = tmp_path / "out"
    write(out, "summary.json", "chart.png", text="old")
    before = snapshot(out)
    monkeypatch.setattr(outdir.os, "replace", _failing_replace(fail_on))
    with pytest.raises(InputError, match="cannot replace the output folder") as info:
        write(out, "summary.json", text="new")
    assert "\n" not in str(info.value)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert entries(tmp_path) == ["out"]


@pytest.mark.parametrize("fail_on", [1, 2, 3, 4])
def test_a_failed_merge_restores_the_folder(tmp_path, monkeypatch, fail_on):
    out = tmp_path / "out"
    write(out, "summary.json", text="old")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(out)
    monkeypatch.setattr(outdir.os, "replace", _failing_replace(fail_on))
    with pytest.raises(InputError, match="the folder is as it was"):
        write(out, "summary.json", "chart.png", force=True)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert entries(tmp_path) == ["out"]
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["files"] == ["summary.json"]
