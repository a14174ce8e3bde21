"""Output folders: whole or not at all, and never a lost file that talkhis did not write."""

from __future__ import annotations

import json
import os

import pytest

from talkhis.errors import InputError, OutputError
from talkhis.report import outdir
from talkhis.report.outdir import MARKER, claim, output_dir, written_by_talkhis


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
    with pytest.raises(RuntimeError, match="half way"), output_dir(out) as tmp:
        (tmp / "summary.json").write_text("{", encoding="utf-8")
        raise RuntimeError("half way")
    assert entries(tmp_path) == []


def test_a_failure_inside_keeps_the_previous_outputs(tmp_path):
    out = tmp_path / "out"
    write(out, "summary.json", text="old")
    before = snapshot(out)
    with pytest.raises(KeyboardInterrupt), output_dir(out) as tmp:
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
    with pytest.raises(InputError, match="--force") as info, output_dir(out):
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
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)  # the two-rename way
    monkeypatch.setattr(outdir.os, "replace", _failing_replace(fail_on))
    with pytest.raises(OutputError, match="cannot replace the output folder") as info:
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
    with pytest.raises(OutputError, match="the folder is as it was"):
        write(out, "summary.json", "chart.png", force=True)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert entries(tmp_path) == ["out"]
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["files"] == ["summary.json"]


def test_the_swap_is_one_exchange_where_the_system_has_it(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write(out, "summary.json", text="old")
    calls = []
    real = outdir._exchange
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: calls.append((a, b)) or real(a, b))
    write(out, "summary.json", text="new")
    assert len(calls) == 1
    assert (out / "summary.json").read_text(encoding="utf-8") == "new"
    assert entries(tmp_path) == ["out"]


def test_a_failed_exchange_keeps_the_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write(out, "summary.json", text="old")
    before = snapshot(out)

    def full(a, b):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outdir, "_exchange", full)
    with pytest.raises(OutputError, match=r"No space left on device\); the previous outputs are kept"):
        write(out, "summary.json", text="new")
    assert snapshot(out) == before
    assert entries(tmp_path) == ["out"]


@pytest.mark.parametrize("existed", [False, True])
def test_a_full_disk_while_writing_is_one_line_and_keeps_the_previous_outputs(tmp_path, existed):
    out = tmp_path / "out"
    if existed:
        write(out, "summary.json", text="old")
    before = snapshot(out) if existed else None
    with pytest.raises(OutputError) as info, output_dir(out) as tmp:
        (tmp / "summary.json").write_text("new", encoding="utf-8")
        raise OSError(28, "No space left on device")
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{out}: cannot write the outputs (No space left on device)")
    assert message.endswith("the previous outputs are kept" if existed else "nothing was written")
    assert (snapshot(out) == before) if existed else not out.exists()
    assert entries(tmp_path) == (["out"] if existed else [])


def _hold(out):
    """Take ``out``'s lock as another run would, naming process 4242."""
    from filelock import FileLock

    lock_file = out.parent / f".{out.name}.talkhis-lock"
    lock = FileLock(lock_file, timeout=0)
    lock.acquire()
    lock_file.write_text("4242\n")
    return lock


def test_a_second_writer_of_a_folder_stops_at_once_naming_the_first(tmp_path):
    out = tmp_path / "out"
    write(out, "summary.json", text="old")
    lock = _hold(out)
    try:
        with pytest.raises(OutputError) as info:
            write(out, "summary.json", text="new")
    finally:
        lock.release()
    assert str(info.value) == (f"{out}: another talkhis run (pid 4242) is writing {out}; "
                               "wait for it to finish or choose another --out")
    assert (out / "summary.json").read_text(encoding="utf-8") == "old"


def test_runs_into_other_folders_are_not_blocked_and_the_lock_file_goes(tmp_path):
    lock = _hold(tmp_path / "one")
    try:
        write(tmp_path / "two", "summary.json")
        with claim(tmp_path / "three"):
            assert (tmp_path / ".three.talkhis-lock").is_file()
            write(tmp_path / "three", "summary.json")  # the same process may write what it claimed
    finally:
        lock.release()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".one.talkhis-lock", "three", "two"]


def test_a_failed_claim_removes_the_folders_it_made(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(RuntimeError), claim(out):
        raise RuntimeError("bad input")
    assert entries(tmp_path) == []


def test_an_unwritable_parent_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write the output folder") as info:
        write(tmp_path / "file" / "out", "summary.json")
    assert "\n" not in str(info.value)


def test_stale_staging_folders_with_the_marker_are_removed_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    write(out, "summary.json", text="old")
    stale = [tmp_path / ".out.new.abcd1234", tmp_path / ".out.old.efgh5678"]
    for folder in stale:
        folder.mkdir()
        outdir._write_marker(folder, set(), staging=True)
        (folder / "summary.json").write_text("half", encoding="utf-8")
    users = [tmp_path / ".out.new.mine0000", tmp_path / ".other.new.abcd1234", tmp_path / ".out.new.toolongname"]
    for folder in users:
        folder.mkdir()
        (folder / "keep.txt").write_text("mine", encoding="utf-8")
    (tmp_path / ".other.new.efgh5678").mkdir()  # another folder's staging: not this run's to judge
    outdir._write_marker(tmp_path / ".other.new.efgh5678", set(), staging=True)
    write(out, "summary.json", text="new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", ".other.new.efgh5678"] + [u.name for u in users])
    assert all((u / "keep.txt").read_text(encoding="utf-8") == "mine" for u in users)


def test_a_swap_cut_short_between_its_renames_is_put_back(tmp_path):
    out = tmp_path / "out"
    write(out, "summary.json", text="old")
    aside = tmp_path / ".out.old.abcd1234"
    aside.mkdir()
    outdir._write_marker(aside, set(), staging=True)
    os.replace(out, aside / "out")  # a run killed after moving the old folder aside
    with claim(out):
        assert (out / "summary.json").read_text(encoding="utf-8") == "old"
    assert entries(tmp_path) == ["out"]
