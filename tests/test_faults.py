"""Faults a real machine has, injected into whole runs of the command line on the seeds: runs
killed at points spread over a run, every cache file damaged at random offsets, runs at the same
time, and a full disk at each file write.

Each case ends in one of two ways: exit 0 with the ``summary.json`` of a clean run, or a
one-line error (a killed run cannot speak: it is judged by what it left). Either way the output
folder holds the old outputs or the new ones, whole; nothing is left beside it (after a SIGKILL:
nothing once the next run has been there); and the user's files around it are untouched. Every
random choice comes from :data:`SEED`. ``-m soak`` runs the same cases many more times.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import talkhis

from .conftest import ARTICLES

SEED = 21
SRC = Path(talkhis.__file__).resolve().parents[1]
DRIVER = Path(__file__).with_name("faultrun.py")
#: What a default run writes (the PNG charts only come with --png; their cache is tested in process).
OUTPUTS = {".talkhis-output.json", "summary.json", "summary.md", "report.html", "sentences.csv"}
USER = {"notes.txt": b"mine", ".out.new.mine0000/keep.txt": b"mine too", ".out.old.zzzzzzzz/keep.txt": b"and mine"}
#: Cases per kind: (CI, soak).
COUNTS = {"kill": (30, 75), "corrupt": (20, 50), "enospc-model": (1, 40), "concurrent": ((3, 5), (3, 5, 10))}


def _count(kind: str, soak: bool):
    return COUNTS[kind][1 if soak else 0]


# ------------------------------------------------------------------------------------ running


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, TALKHIS_CACHE_DIR=str(cache), TALKHIS_PROGRESS="0", PYTHONPATH=str(SRC))
    env.pop("PYTHONHASHSEED", None)
    return env


def _args(out: Path, embedder: str, sentences: int) -> list[str]:
    return ["summarize", str(ARTICLES), "--out", str(out), "--quiet", "--embedder", embedder,
            "--sentences", str(sentences)]


def run(out: Path, cache: Path, *, embedder: str = "tfidf", sentences: int = 6, fail_at: int | None = None,
        log: Path | None = None) -> subprocess.CompletedProcess:
    """One run of ``talkhis summarize`` on the seeds (through the ENOSPC driver with ``fail_at``)."""
    head = [sys.executable, "-m", "talkhis"] if fail_at is None else [sys.executable, str(DRIVER), str(fail_at), str(log), "--"]
    return subprocess.run(head + _args(out, embedder, sentences), env=_env(cache), capture_output=True, text=True,
                          timeout=300, check=False)


def start(out: Path, cache: Path, *, embedder: str = "tfidf", sentences: int = 6) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "talkhis", *_args(out, embedder, sentences)], env=_env(cache),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def outcome(rc: int, stderr: str, summary: bytes | None, reference: bytes) -> str:
    """``identical`` (exit 0, the clean run's summary.json), ``one-line error``, ``stopped``
    (a signal it caught, said in one line) or ``killed`` (SIGKILL: nothing to say); anything
    else fails the test."""
    said = [line for line in stderr.splitlines() if line and not line.startswith("talkhis: warning: ")]
    assert "Traceback" not in stderr, stderr
    if rc == 0:
        assert summary == reference, "exit 0 with another summary.json than a clean run"
        return "identical"
    if rc == -signal.SIGKILL:
        return "killed"
    if rc < 0:  # a signal that came before the handlers were set: nothing was started
        return "killed"
    assert len(said) == 1 and said[0].startswith("talkhis: "), stderr
    return "stopped" if rc > 128 else "one-line error"


# --------------------------------------------------------------------------- the folder around


def make_work(root: Path) -> Path:
    """A folder holding the user's own files, some named like talkhis's staging folders."""
    work = root / "work"
    for name, data in USER.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data)
    return work


def check_work(work: Path, allowed: list[bytes], *, leftovers_ok: bool = False) -> None:
    """The output folder is absent or whole with one of the ``allowed`` summaries; the user's
    files are as they were; nothing else is there (unless ``leftovers_ok``: after a SIGKILL,
    only talkhis's own staging folders and lock file)."""
    for name, data in USER.items():
        assert (work / name).read_bytes() == data, name
    out = work / "out"
    if out.exists():
        assert {p.name for p in out.iterdir()} == OUTPUTS
        assert (out / "summary.json").read_bytes() in allowed
    user_top = {name.split("/")[0] for name in USER}
    extra = {p.name for p in work.iterdir()} - user_top - {"out"}
    if leftovers_ok:
        extra = {n for n in extra if not (n.startswith((".out.new.", ".out.old.")) or n == ".out.talkhis-lock")}
    assert not extra, f"left beside the output: {sorted(extra)}"


def summary_of(out: Path) -> bytes | None:
    path = out / "summary.json"
    return path.read_bytes() if path.is_file() else None


def no_temporaries(cache: Path) -> None:
    from talkhis.paths import is_temporary

    found = [p for folder in (cache, cache / "charts") if folder.is_dir() for p in folder.iterdir() if is_temporary(p.name)]
    assert not found, found


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """Clean runs: the reference summaries, and warm caches to copy from."""
    root = tmp_path_factory.mktemp("clean")
    refs = {}
    for embedder, sentences in (("tfidf", 5), ("tfidf", 6), ("use", 6)):
        done = run(root / f"{embedder}{sentences}", root / f"cache-{embedder}", embedder=embedder, sentences=sentences)
        assert done.returncode == 0, done.stderr
        assert {p.name for p in (root / f"{embedder}{sentences}").iterdir()} == OUTPUTS
        refs[embedder, sentences] = summary_of(root / f"{embedder}{sentences}")
    return {"refs": refs, "tfidf": root / "cache-tfidf", "use": root / "cache-use"}


def copy_cache(source: Path, dest: Path, *, without: tuple[str, ...] = ()) -> Path:
    """A copy of a warm cache whose prepared model files are hard links (never written: a
    damaged one is replaced, not changed in place), without the named entries. A run that
    cached nothing (``tfidf`` vectors are not cached, charts are drawn only on request) leaves
    no folder: the copy is then an empty one."""
    if not source.exists():
        dest.mkdir(parents=True)
        return dest
    shutil.copytree(source, dest, copy_function=os.link, ignore=shutil.ignore_patterns(*without))
    for path in dest.rglob("*"):
        if path.is_file() and "use-" not in str(path.relative_to(dest)):
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
    return dest


def unlink_copy(path: Path) -> None:
    """Give ``path`` its own inode before it is damaged in place."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)


def damage(path: Path, rng: random.Random, region: tuple[int, int] | None = None) -> str:
    """Overwrite 1 to 16 bytes at a random offset (or truncate there, one case in five)."""
    size = path.stat().st_size
    low, high = region or (0, size)
    offset = rng.randrange(low, high)
    if rng.random() < 0.2:
        with open(path, "r+b") as handle:
            handle.truncate(offset)
        return f"truncated at {offset}"
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    with open(path, "r+b") as handle:
        handle.seek(offset)
        old = handle.read(len(junk))
        handle.seek(offset)
        handle.write(bytes(b ^ (j or 1) for b, j in zip(old, junk)) if old else junk)
    return f"{len(junk)} bytes at {offset}"


def _report(kind: str, tally: Counter, started: float) -> None:
    print(f"\n{kind}: {sum(tally.values())} cases, {dict(sorted(tally.items()))}, {time.perf_counter() - started:.1f} s")


# -------------------------------------------------------------------------------------- kills


def _kills(clean, tmp_path, soak: bool) -> Counter:
    rng = random.Random(SEED)
    refs = clean["refs"]
    work = make_work(tmp_path)
    out = work / "out"
    tally: Counter = Counter()
    caches = {"tfidf": copy_cache(clean["tfidf"], tmp_path / "cache-tfidf")}
    durations = {}
    for label, embedder in (("warm", "tfidf"), ("cold", "use")):
        began = time.perf_counter()
        cache = tmp_path / f"probe-{label}"
        shutil.rmtree(cache, ignore_errors=True)
        assert run(tmp_path / "probe", cache if label == "cold" else caches["tfidf"], embedder=embedder).returncode == 0
        durations[label] = time.perf_counter() - began
    durations["charts"] = durations["warm"] * 2.5
    allowed = [refs["tfidf", 5], refs["tfidf", 6], refs["use", 6]]
    killed_before = False
    for case in range(_count("kill", soak)):
        kind = ("warm", "warm", "charts", "warm", "charts", "warm", "warm", "charts", "warm", "warm", "charts", "warm",
                "warm", "charts", "cold")[case % 15]
        embedder = "use" if kind == "cold" else "tfidf"
        sentences = rng.choice((5, 6)) if embedder == "tfidf" else 6
        cache = caches["tfidf"]
        if kind == "charts":
            shutil.rmtree(cache / "charts", ignore_errors=True)  # a long write stage: charts drawn in it
        elif kind == "cold":
            cache = tmp_path / f"cache-cold-{case}"
        sig = rng.choice((signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL))
        delay = rng.uniform(0.25, durations[kind if kind != "charts" else "charts"] * 1.1)
        proc = start(out, cache, embedder=embedder, sentences=sentences)
        time.sleep(delay)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=300)
        result = outcome(proc.returncode, stderr, summary_of(out), refs[embedder, sentences])
        tally[f"{result} ({signal.Signals(sig).name})" if result != "identical" else result] += 1
        killed = proc.returncode == -signal.SIGKILL
        check_work(work, allowed, leftovers_ok=killed or killed_before)
        killed_before = killed or (killed_before and result != "identical")
        if kind == "cold":  # the cache the killed run was filling serves the next run whole
            after = run(tmp_path / "after-cold", cache, embedder="use")
            assert after.returncode == 0, after.stderr
            assert summary_of(tmp_path / "after-cold") == refs["use", 6]
            no_temporaries(cache)
            shutil.rmtree(cache)
    final = run(out, caches["tfidf"])
    assert final.returncode == 0 and summary_of(out) == refs["tfidf", 6], final.stderr
    check_work(work, [refs["tfidf", 6]])  # no leftovers once a run has been there
    return tally


def test_killed_runs_leave_the_old_or_the_new_outputs_and_no_litter(clean, tmp_path):
    began = time.perf_counter()
    tally = _kills(clean, tmp_path, soak=False)
    _report("kills", tally, began)
    assert sum(tally.values()) >= 30


@pytest.mark.soak
def test_soak_kills(clean, tmp_path):
    began = time.perf_counter()
    _report("kills (soak)", _kills(clean, tmp_path, soak=True), began)


# -------------------------------------------------------------------------------- corruptions


def run_here(out: Path, cache: Path) -> tuple[int, str]:
    """One run of ``talkhis summarize --embedder use`` on the seeds in this process (the model
    is loaded again from ``cache``); returns the exit status and what went to stderr."""
    import contextlib
    import io
    import warnings

    from talkhis.cli import main
    from talkhis.embed.prepared import load_use

    load_use.cache_clear()
    stderr = io.StringIO()
    saved = os.environ.get("TALKHIS_CACHE_DIR")
    os.environ["TALKHIS_CACHE_DIR"] = str(cache)
    try:
        with contextlib.redirect_stderr(stderr), warnings.catch_warnings():
            warnings.simplefilter("always")
            rc = main(_args(out, "use", 6))
    finally:
        os.environ["TALKHIS_CACHE_DIR"] = saved if saved is not None else ""
        if saved is None:
            del os.environ["TALKHIS_CACHE_DIR"]
        load_use.cache_clear()
    return rc, stderr.getvalue()


def _corrupt_case(clean, root: Path, target: str, case: int, seed: int, soak: bool) -> str:
    """Damage one cache file of a warm cache copy, run, and judge."""
    rng = random.Random(seed)
    cache = copy_cache(clean["use"], root / f"cache-{case}")
    work = make_work(root / f"w-{case}")
    region = None
    if target == "embeddings":
        path = cache / "embeddings.sqlite"
    else:
        folder = next(cache.glob("use-*"))
        others = sorted(p for p in folder.iterdir() if p.name != "table.npy")
        if target == "model-table" or (target == "model" and rng.random() < 0.5):
            path = folder / "table.npy"
            if rng.random() < 0.7:  # a row the seeds read, or anywhere in the file
                row = rng.choice(json.loads((clean["use"].parent / "rows.json").read_text()))
                region = (128 + row * 512, 128 + (row + 1) * 512)
        else:
            path = rng.choice(others)
        for name in ("embeddings.sqlite", "embeddings.sqlite-wal", "embeddings.sqlite-shm"):
            (cache / name).unlink(missing_ok=True)  # so that the model embeds
        unlink_copy(path)
    damage(path, rng, region)
    rc, stderr = run_here(work / "out", cache)
    result = outcome(rc, stderr, summary_of(work / "out"), clean["refs"]["use", 6])
    check_work(work, [clean["refs"]["use", 6]])
    warned = [line for line in stderr.splitlines() if "cache" in line and line.startswith("talkhis: warning:")]
    assert len(warned) <= 1, stderr
    if soak:  # the cache is whole again: the next run says nothing
        rc, stderr = run_here(work / "out", cache)
        assert rc == 0 and summary_of(work / "out") == clean["refs"]["use", 6], stderr
        assert "cache" not in stderr, stderr
    no_temporaries(cache)
    shutil.rmtree(root / f"cache-{case}")
    return f"{result}, {'damage found (one warning)' if warned else 'damage harmless (no warning)'}"


def _table_rows(clean) -> None:
    """Which rows of the table the seeds read (a damaged one of those must be found)."""
    path = clean["use"].parent / "rows.json"
    if path.exists():
        return
    code = ("import json, sys; from talkhis.embed.prepared import load_use; from talkhis.corpus import load_corpus;"
            f"c = load_corpus({str(ARTICLES)!r}); m = load_use(1);"
            "m.encode([s.text for a in c.articles for s in a.sentences]);"
            "print(json.dumps(m._backend.table._loaded.nonzero()[0].tolist()))")
    done = subprocess.run([sys.executable, "-c", code], env=_env(clean["use"]), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    path.write_text(done.stdout)


def _corruptions(clean, tmp_path, target: str, soak: bool) -> Counter:
    _table_rows(clean)
    return Counter(_corrupt_case(clean, tmp_path, target, case, SEED * 1000 + case, soak)
                   for case in range(_count("corrupt", soak)))


@pytest.mark.parametrize("target", ["embeddings", "model"])
def test_a_damaged_cache_file_changes_nothing_but_one_warning(clean, tmp_path, target):
    began = time.perf_counter()
    tally = _corruptions(clean, tmp_path, target, soak=False)
    _report(f"corruptions of {target}", tally, began)
    assert sum(tally.values()) >= 20
    assert any("damage found" in k for k in tally), "no damage was ever found: the check is not working"


@pytest.mark.soak
@pytest.mark.parametrize("target", ["embeddings", "model-table", "model-files"])
def test_soak_corruptions(clean, tmp_path, target):
    began = time.perf_counter()
    _report(f"corruptions of {target} (soak)", _corruptions(clean, tmp_path, target, soak=True), began)


def test_a_damaged_chart_render_is_drawn_again(tmp_path, monkeypatch):
    """20 damaged chart renders, in process: each read gives the clean render's PNG bytes, by
    a fresh drawing exactly when the damage was found (drawing is deterministic, see
    test_chartcache, so the drawing is stood in for by the clean render's bytes here)."""
    import warnings

    from talkhis.corpus import load_corpus
    from talkhis.paths import CacheWarning
    from talkhis.pipeline import Options, summarize_corpus
    from talkhis.report import chartcache

    began = time.perf_counter()
    result = summarize_corpus(load_corpus(ARTICLES), Options(embedder="tfidf", translator="none"))
    expected = chartcache.render_pngs(result, 40, cache_dir=tmp_path)
    drawn = []
    monkeypatch.setattr(chartcache, "_draw", lambda *args: drawn.append(1) or dict(expected))
    (stored,) = (tmp_path / "charts").glob("*.npz")
    pristine = stored.read_bytes()
    rng = random.Random(SEED)
    tally: Counter = Counter()
    for _ in range(_count("corrupt", False)):
        stored.write_bytes(pristine)
        damage(stored, rng)
        drawn.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            charts = chartcache.render_pngs(result, 40, cache_dir=tmp_path)
        assert charts == expected
        said = [w for w in caught if issubclass(w.category, CacheWarning)]
        assert len(said) == len(drawn) <= 1
        assert stored.read_bytes() == pristine  # stored again whole
        tally["identical, " + ("damage found (one warning)" if said else "damage harmless (no warning)")] += 1
    _report("corruptions of a chart render", tally, began)
    assert tally["identical, damage found (one warning)"] >= 15


# -------------------------------------------------------------------------------- concurrency


def _together(n: int, outs: list[Path], cache: Path, embedder: str) -> list[tuple[int, str, float, float]]:
    procs = [(start(out, cache, embedder=embedder), time.perf_counter()) for out in outs]
    done = []
    for proc, began in procs:
        _, stderr = proc.communicate(timeout=300)
        done.append((proc.returncode, stderr, began, time.perf_counter()))
    return done


@pytest.mark.parametrize("n", COUNTS["concurrent"][0])
def test_runs_at_once_into_one_folder_one_writes_the_others_stop_in_one_line(clean, tmp_path, n):
    ref = clean["refs"]["use", 6]
    cache = copy_cache(clean["use"], tmp_path / "cache")
    work = make_work(tmp_path)
    results = _together(n, [work / "out"] * n, cache, "use")
    tally = Counter(outcome(rc, err, summary_of(work / "out"), ref) for rc, err, *_ in results)
    print(f"\n{n} runs into one folder: {dict(tally)}")
    assert tally["identical"] >= 1 and set(tally) <= {"identical", "one-line error"}
    for rc, err, *_ in results:
        assert rc == 0 or "another talkhis run" in err  # with its pid once the first run has written it
    check_work(work, [ref])


@pytest.mark.parametrize("n", COUNTS["concurrent"][0])
def test_runs_at_once_into_other_folders_share_a_cold_cache(clean, tmp_path, n):
    """Nobody blocks anybody; all of them fill one empty cache (the prepared model too, for
    three), and the cache serves the next run whole and without a word."""
    ref = clean["refs"]["use", 6]
    cache = tmp_path / "cache" if n == 3 else copy_cache(clean["use"], tmp_path / "cache", without=("embeddings.sqlite*",))
    work = make_work(tmp_path)
    outs = [work / f"out{k}" for k in range(n)]
    results = _together(n, outs, cache, "use")
    for (rc, err, *_), out in zip(results, outs):
        assert rc == 0, err
        assert summary_of(out) == ref
        assert "warning: cache" not in err, err
    again = run(work / "again", cache, embedder="use")
    assert again.returncode == 0 and summary_of(work / "again") == ref and "cache" not in again.stderr
    no_temporaries(cache)


@pytest.mark.soak
@pytest.mark.parametrize("n", COUNTS["concurrent"][1])
def test_soak_runs_at_once(clean, tmp_path, n):
    test_runs_at_once_into_one_folder_one_writes_the_others_stop_in_one_line(clean, tmp_path / "one", n)
    test_runs_at_once_into_other_folders_share_a_cold_cache(clean, tmp_path / "other", n)


# -------------------------------------------------------------------------------- full disks


def _enospc_case(clean, root: Path, k: int, cold_model: bool) -> tuple[str, str]:
    cache = root / f"cache-{k}"
    if not cold_model:
        copy_cache(clean["use"], cache, without=("embeddings.sqlite*", "charts"))
    work = make_work(root / f"w-{k}")
    shutil.copytree(clean["use"].parent / "use6", work / "out")  # previous outputs to keep
    before = {p.name: p.read_bytes() for p in (work / "out").iterdir()}
    log = root / f"log-{k}"
    done = run(work / "out", cache, embedder="use", fail_at=k, log=log)
    written = dict(line.split("\t") for line in log.read_text().splitlines())
    what = written.get(str(k), "?")
    result = outcome(done.returncode, done.stderr, summary_of(work / "out"), clean["refs"]["use", 6])
    if result == "one-line error":
        assert "No space left on device" in done.stderr and str(work / "out") in done.stderr
        assert {p.name: p.read_bytes() for p in (work / "out").iterdir()} == before  # previous outputs intact
    else:
        assert "No space left on device" in done.stderr or "disk is full" in done.stderr, (what, done.stderr)
    check_work(work, [clean["refs"]["use", 6]])
    no_temporaries(cache)
    kind = "output" if str(work / "out") in what or "/.out.new." in what else "cache"
    return f"{kind} write: {result}", what


def _writes(clean, root: Path, cold_model: bool) -> list[str]:
    """The writes of one run (none failing)."""
    root.mkdir(parents=True, exist_ok=True)
    cache = root / "count-cache"
    if not cold_model:
        copy_cache(clean["use"], cache, without=("embeddings.sqlite*", "charts"))
    log = root / "count.log"
    done = run(root / "count-out", cache, embedder="use", fail_at=0, log=log)
    assert done.returncode == 0 and summary_of(root / "count-out") == clean["refs"]["use", 6], done.stderr
    return [line.split("\t")[1] for line in log.read_text().splitlines()]


def _full_disks(clean, tmp_path, soak: bool) -> Counter:
    warm = _writes(clean, tmp_path / "warm", cold_model=False)
    cold = _writes(clean, tmp_path / "cold", cold_model=True)
    model_writes = [k for k, what in enumerate(cold, 1) if "/use-" in what or "/.use-" in what]
    rng = random.Random(SEED)
    picked = sorted(rng.sample(model_writes, min(_count("enospc-model", soak), len(model_writes))))
    cases = [(tmp_path / "warm", k, False) for k in range(1, len(warm) + 1)] + [(tmp_path / "cold", k, True) for k in picked]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: _enospc_case(clean, *c), cases))
    print(f"\nwrites in a warm-model run: {len(warm)}, in a cold run: {len(cold)} ({len(model_writes)} of them the prepared model)")
    return Counter(kind for kind, _ in results)


def test_a_full_disk_at_each_write_is_one_line_or_no_harm(clean, tmp_path):
    began = time.perf_counter()
    tally = _full_disks(clean, tmp_path, soak=False)
    _report("ENOSPC", tally, began)
    assert set(tally) == {"output write: one-line error", "cache write: identical"}
    # every write of the five output files and the marker fails whole; a failed cache write costs nothing
    assert tally["output write: one-line error"] >= len(OUTPUTS) and tally["cache write: identical"] >= 2


@pytest.mark.soak
def test_soak_full_disks(clean, tmp_path):
    began = time.perf_counter()
    _report("ENOSPC (soak)", _full_disks(clean, tmp_path, soak=True), began)


def _tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@pytest.mark.parametrize("where", ["output", "cache"])
def test_a_really_full_disk(clean, tmp_path, where):
    """A 64 kB tmpfs under the output folder, or as the cache folder (needs root; skipped else)."""
    tiny = tmp_path / "tiny"
    if not _tmpfs(tiny, "64k"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        if where == "output":
            done = run(tiny / "out", copy_cache(clean["use"], tmp_path / "cache"), embedder="use")
            assert done.returncode == 2
            assert done.stderr.strip().splitlines()[-1] == (f"talkhis: error: {tiny / 'out'}: cannot write the outputs "
                                                            "(No space left on device); nothing was written")
            assert list(tiny.iterdir()) == []
        else:
            done = run(tmp_path / "out", tiny, embedder="use")
            assert done.returncode == 0, done.stderr
            assert summary_of(tmp_path / "out") == clean["refs"]["use", 6]
            assert len([line for line in done.stderr.splitlines() if "cache" in line]) == 1, done.stderr
            no_temporaries(tiny)
    finally:
        subprocess.run(["umount", str(tiny)], capture_output=True, timeout=30, check=False)


def test_an_unwritable_cache_folder_is_one_line(clean, tmp_path):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    done = run(tmp_path / "out", tmp_path / "file" / "cache", embedder="use")
    assert done.returncode == 0, done.stderr
    assert summary_of(tmp_path / "out") == clean["refs"]["use", 6]
    said = [line for line in done.stderr.splitlines() if "cache" in line]
    assert said == [(f"talkhis: warning: cache {tmp_path / 'file' / 'cache'} cannot be used (Not a directory); "
                     "this run goes on without it")]
