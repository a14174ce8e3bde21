"""``talkhis summarize`` on bad input and bad options, and what it promises about its outputs.

Every failure must be one line on standard error naming the problem and the file, exit status 2,
no traceback, the input folder untouched, and no output (or half-written temporary) folder left.
Most cases call :func:`talkhis.cli.main` in-process; a few run a real process.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from talkhis import __version__
from talkhis.cli import main
from talkhis.pipeline import Options
from talkhis.report.html import arabic

from .conftest import ARTICLES

SEED_COPY = "003_66b99715f277d18e"  # the article copied byte for byte in the duplicate tests
ENGLISH = "The United States and Iraq will resume talks on the future of the coalition on Friday.\n"
CHARTS = ("coverage_heatmap", "cluster_coverage", "sentence_map", "article_similarity")


# ---------------------------------------------------------------------------- helpers


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (empty when it does not exist), read in chunks
    with the built-in ``open``, which the tests that guard ``Path.open`` leave alone."""
    if not folder.exists():
        return {}
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h = hashlib.sha256()
            with open(path, "rb") as handle:  # noqa: PTH123
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    h.update(chunk)
            out[str(path.relative_to(folder))] = h.hexdigest()
    return out


def seed_folder(folder: Path, *prefixes: str, metadata: bool = True) -> Path:
    """Copy the shipped articles (all, or those whose names start with ``prefixes``) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(ARTICLES.glob("*.txt")):
        if not prefixes or path.name.startswith(prefixes):
            (folder / path.name).write_bytes(path.read_bytes())
    if metadata:  # the rows of the copied articles only
        lines = (ARTICLES / "metadata.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        copied = {p.stem for p in folder.glob("*.txt")}
        rows = [line for line in lines[1:] if line.split(",", 1)[0] in copied]
        (folder / "metadata.csv").write_text("".join([lines[0], *rows]), encoding="utf-8")
    return folder


def run(capsys, *args) -> tuple[int, str, str]:
    """Call ``talkhis summarize`` in-process; argparse's exit becomes a status like any other."""
    try:
        rc = main(["summarize", *map(str, args)])
    except SystemExit as exc:
        rc = exc.code
    out, err = capsys.readouterr()
    return rc, out, err


def leftovers(out: Path) -> list[str]:
    """Temporary folders of ``out`` left beside it."""
    return [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]


def assert_failed_cleanly(rc: int, err: str, out: Path, *fragments: str) -> None:
    assert rc == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("talkhis: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert not out.exists()
    assert leftovers(out) == []


def load(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def texts(data: dict) -> list[str]:
    return [item["text"] for item in data["summary"]]


def only_notes(err: str, out: Path) -> bool:
    """True when every line on standard error is a warning that ``summary.json`` records as a note."""
    notes = load(out)["notes"]
    return all(line.startswith("talkhis: warning: ") and line.removeprefix("talkhis: warning: ") in notes
               for line in err.splitlines())


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    """One run on the shipped folder itself, static PNGs included: (digest of the folder before,
    output folder)."""
    out = tmp_path_factory.mktemp("seeds") / "out"
    before = digest(ARTICLES)
    assert main(["summarize", str(ARTICLES), "--out", str(out), "--quiet", "--png"]) == 0
    return before, out


# ---------------------------------------------------------------------------- unusable input


def _missing(folder: Path):
    return folder / "nope", ("no such folder", "nope")


def _empty_folder(folder: Path):
    folder.mkdir()
    return folder, ("no .txt articles",)


def _blank_files(folder: Path):
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "spaces.txt").write_bytes(b"  \n\t\r\n   \n")
    (folder / "nbsp.txt").write_text("\u00a0 \n \u2003\n", encoding="utf-8")
    return folder, ("no usable article", "empty.txt: file is empty", "spaces.txt: file is empty",
                    "nbsp.txt: file holds only white space")


def _binary_files(folder: Path):
    folder.mkdir()
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "zeros.txt").write_bytes(bytes(4096))
    return folder, ("no usable article", "image.txt: binary file", "zeros.txt: binary file")


def _english_only(folder: Path):
    folder.mkdir()
    (folder / "english.txt").write_text(ENGLISH * 5, encoding="utf-8")
    return folder, ("no usable article", "english.txt: not Arabic text")


def _a_file_not_a_folder(folder: Path):
    folder.write_text("x", encoding="utf-8")
    return folder, ("not a folder",)


def _headings_only(folder: Path):
    folder.mkdir()
    (folder / "titles.txt").write_text("مسؤول بالبنتاغون القوات باقية في العراق\nالكاظمي في واشنطن\n", encoding="utf-8")
    return folder, ("no sentence long enough to summarise",)


@pytest.mark.parametrize(
    "build",
    [_missing, _empty_folder, _blank_files, _binary_files, _english_only, _a_file_not_a_folder, _headings_only],
    ids=lambda f: f.__name__.strip("_"),
)
def test_unusable_input_fails_cleanly(tmp_path, capsys, build):
    folder, fragments = build(tmp_path / "in")
    out = tmp_path / "out"
    before = digest(tmp_path)
    rc, _, err = run(capsys, folder, "--out", out)
    assert_failed_cleanly(rc, err, out, *fragments)
    assert digest(tmp_path) == before


def test_a_missing_folder_fails_cleanly_in_a_real_process(tmp_path):
    """The installed script: exactly one line on stderr, status 2, no traceback."""
    script = Path(sys.executable).with_name("talkhis")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "talkhis.cli"]
    proc = subprocess.run([*command, "summarize", str(tmp_path / "nope"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == f"talkhis: error: {tmp_path / 'nope'}: no such folder\n"
    assert proc.stdout == ""
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------- skipped files


def _sparse(path: Path, size: int = 50_000_000) -> None:
    """A file of ``size`` bytes that starts as an article and takes almost no disk space."""
    with path.open("wb") as handle:
        handle.write((ARTICLES / f"{SEED_COPY}.txt").read_bytes())
        handle.truncate(size)


BAD_FILES = {
    "empty.txt": ("file is empty", lambda p: p.write_bytes(b"")),
    "binary.txt": ("binary file, not text", lambda p: p.write_bytes(bytes(range(256)) * 16)),
    "english.txt": ("not Arabic text (0% of its letters are Arabic)", lambda p: p.write_text(ENGLISH * 5, encoding="utf-8")),
    "huge.txt": ("50.0 MB is over the limit of 2.0 MB per article", _sparse),
    "locked.txt": ("cannot read the file (permission denied)", lambda p: p.write_bytes((ARTICLES / f"{SEED_COPY}.txt").read_bytes())),
}


@pytest.fixture
def guarded(monkeypatch):
    """Reading ``locked.txt`` raises PermissionError (tests may run as root, for whom chmod locks
    nothing), and opening ``huge.txt`` for reading fails the test: it must be refused unread."""
    original = Path.open

    def open_(self, mode="r", *args, **kwargs):
        if "r" in mode and self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        if "r" in mode and self.name == "huge.txt":
            pytest.fail(f"{self} was opened for reading")
        return original(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)


def test_unusable_files_are_skipped_with_a_warning_naming_each(tmp_path, capsys, guarded):
    folder = seed_folder(tmp_path / "in", "002", metadata=False)
    for name, (_, make) in BAD_FILES.items():
        make(folder / name)
    before = digest(folder)
    out = tmp_path / "out"
    rc, stdout, err = run(capsys, folder, "--out", out)
    assert rc == 0
    assert "Traceback" not in err
    warnings = err.strip().splitlines()
    assert len(warnings) == len(BAD_FILES)
    for name, (reason, _) in BAD_FILES.items():
        (line,) = [w for w in warnings if f"/{name}:" in w]
        assert line == f"talkhis: warning: skipped {folder / name}: {reason}"
    data = load(out)
    assert [a["id"] for a in data["articles"]] == ["002_a90dff76a33d4385"]
    assert data["summary"]
    skipped = [n for n in data["notes"] if n.startswith("skipped ")]
    assert sorted(skipped) == sorted(f"skipped {name}: {folder / name}: {reason}" for name, (reason, _) in BAD_FILES.items())
    assert "only one story" in stdout
    assert digest(folder) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_strict_turns_a_skipped_file_into_an_error(tmp_path, capsys, guarded, name):
    folder = seed_folder(tmp_path / "in", "002", metadata=False)
    reason, make = BAD_FILES[name]
    make(folder / name)
    before = digest(folder)
    out = tmp_path / "out"
    rc, _, err = run(capsys, folder, "--out", out, "--strict")
    assert_failed_cleanly(rc, err, out, f"{folder / name}: {reason}")
    assert err == f"talkhis: error: {folder / name}: {reason}\n"
    assert digest(folder) == before


@pytest.mark.parametrize("name", ["locked.txt", "huge.txt"])
def test_an_unreadable_or_oversize_file_alone_is_an_error(tmp_path, capsys, guarded, name):
    folder = tmp_path / "in"
    folder.mkdir()
    reason, make = BAD_FILES[name]
    make(folder / name)
    out = tmp_path / "out"
    rc, _, err = run(capsys, folder, "--out", out)
    assert_failed_cleanly(rc, err, out, "no usable article", f"{folder / name}: {reason}")


def test_the_article_limit_follows_max_mb(tmp_path, capsys, guarded):
    folder = tmp_path / "in"
    folder.mkdir()
    _sparse(folder / "huge.txt", 3_000_000)
    out = tmp_path / "out"
    rc, _, err = run(capsys, folder, "--out", out, "--max-mb", "1.5")
    assert_failed_cleanly(rc, err, out, "huge.txt: 3.0 MB is over the limit of 1.5 MB per article")


def test_an_oversize_file_is_refused_without_being_read(tmp_path):
    """In a fresh process, refusing a 50 MB article raises peak memory by far less than 50 MB."""
    folder = tmp_path / "in"
    folder.mkdir()
    _sparse(folder / "huge.txt")
    script = (
        "import resource\n"
        "from talkhis.cli import build_parser, main\n"
        "build_parser()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"rc = main(['summarize', {str(folder)!r}, '--out', {str(tmp_path / 'out')!r}])\n"
        "print(rc, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    rc, grown_kb = map(int, proc.stdout.split())
    assert rc == 2
    assert proc.stderr.count("\n") == 1 and "huge.txt: 50.0 MB is over the limit of 2.0 MB" in proc.stderr
    assert grown_kb < 20_000  # reading the file would add 50,000 KB
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------- inputs that work


def test_windows_1256_and_utf16_give_the_same_summary_as_utf8(tmp_path, capsys, seeds_run):
    _, seeds_out = seeds_run
    folder = seed_folder(tmp_path / "in")
    encodings = {}  # UTF-16 and UTF-8 with a byte-order mark, UTF-16 without one
    for path, encoding in zip(sorted(folder.glob("*.txt")), ["cp1256", "utf-16", "utf-16-le", "utf-8-sig", "cp1256"]):
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
        encodings[path.stem] = encoding
    before = digest(folder)
    rc, _, err = run(capsys, folder, "--out", tmp_path / "out", "--quiet")
    assert rc == 0 and only_notes(err, tmp_path / "out")
    data, reference = load(tmp_path / "out"), load(seeds_out)
    assert {a["id"]: a["encoding"] for a in data["articles"]} == encodings
    assert texts(data) == texts(reference)
    assert [i["translation"] for i in data["summary"]] == [i["translation"] for i in reference["summary"]]
    assert data["clusters"] == reference["clusters"]
    assert digest(folder) == before


def test_mixed_with_english_warns_and_summarises_the_rest(tmp_path, capsys):
    folder = seed_folder(tmp_path / "in", "002", "003")
    (folder / "english.txt").write_text(ENGLISH * 5, encoding="utf-8")
    before = digest(folder)
    rc, stdout, err = run(capsys, folder, "--out", tmp_path / "out")
    assert rc == 0
    assert digest(folder) == before
    skipped, *rest = err.splitlines(keepends=True)
    assert skipped == f"talkhis: warning: skipped {folder / 'english.txt'}: not Arabic text (0% of its letters are Arabic)\n"
    assert only_notes("".join(rest), tmp_path / "out")
    data = load(tmp_path / "out")
    assert [a["id"] for a in data["articles"]] == ["002_a90dff76a33d4385", "003_66b99715f277d18e"]
    assert data["summary"]
    assert "2 articles (2 distinct stories)" in stdout and "only one story" not in stdout


def test_a_single_article_works_and_says_so(tmp_path, capsys):
    folder = seed_folder(tmp_path / "in", "002", metadata=False)
    before = digest(folder)
    rc, stdout, err = run(capsys, folder, "--out", tmp_path / "out")
    assert rc == 0 and err == ""
    assert digest(folder) == before
    assert "1 articles (1 distinct stories)" in stdout
    assert "only one story" in stdout
    data = load(tmp_path / "out")
    assert any("only one story" in note for note in data["notes"])
    assert len(data["summary"]) == 6
    assert {s["article"] for i in data["summary"] for s in i["sources"]} == {"002_a90dff76a33d4385"}


def _with_a_copy(folder: Path, copy: str) -> None:
    """Add a byte-identical copy of one article (with the same metadata date)."""
    (folder / f"{copy}.txt").write_bytes((folder / f"{SEED_COPY}.txt").read_bytes())
    with (folder / "metadata.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{copy},2021-07-24,the same file twice\n")


def test_a_byte_identical_copy_is_reported_and_adds_no_coverage(tmp_path, capsys, seeds_run):
    _, seeds_out = seeds_run
    folder = seed_folder(tmp_path / "in")
    copy = "003_copy"  # sorts after the original, so it is the one counted as the copy
    _with_a_copy(folder, copy)
    before = digest(folder)
    rc, stdout, err = run(capsys, folder, "--out", tmp_path / "out")
    assert rc == 0 and only_notes(err, tmp_path / "out")
    assert digest(folder) == before
    assert f"6 articles (4 distinct stories; 000_f9289ace09eb3e20, {copy} counted as copies)" in stdout
    with_copy, without = load(tmp_path / "out"), load(seeds_out)
    assert {a["id"]: a["duplicate_of"] for a in with_copy["articles"]}[copy] == SEED_COPY
    assert sorted(c["coverage"] for c in with_copy["clusters"]) == sorted(c["coverage"] for c in without["clusters"])

    def groups(data):
        return sorted(tuple(a for a in c["articles"] if a != copy) for c in data["clusters"])

    assert groups(with_copy) == groups(without)
    assert any(copy in c["articles"] for c in with_copy["clusters"])


def test_a_byte_identical_copy_does_not_change_the_summary(tmp_path, capsys, seeds_run):
    """Nor which sentence represents a cluster: a copy's sentences must not weigh twice anywhere."""
    _, seeds_out = seeds_run
    folder = seed_folder(tmp_path / "in")
    _with_a_copy(folder, "003_copy")
    assert run(capsys, folder, "--out", tmp_path / "out", "--quiet")[0] == 0
    assert texts(load(tmp_path / "out")) == texts(load(seeds_out))


# ---------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    "option, value, fragments",
    [
        ("--embedder", "nope", ("unknown embedder 'nope'; choose one of e5-small, sentence-transformers, tfidf, transformers, use",)),
        ("--translator", "nope", ("unknown translator 'nope'; choose one of nllb, none, opus-mt, reference, transformers",)),
        ("--translator", "reference+nope", ("unknown translator 'nope'; choose one of nllb, none, opus-mt, reference, transformers",)),
        ("--embedder", "sentence-transformers:{tmp}/no-model", ("{tmp}/no-model: no such model folder",)),
        ("--embedder", "transformers:{tmp}/no-model", ("{tmp}/no-model: no such model folder",)),
        ("--translator", "transformers:{tmp}/no-model", ("{tmp}/no-model: no such model folder",)),
        ("--translator", "reference:{tmp}/memory.tsv", ("{tmp}/memory.tsv: no such translation memory file",)),
    ],
)
def test_bad_backends_are_named_with_the_choices(tmp_path, capsys, option, value, fragments):
    folder = seed_folder(tmp_path / "in", "002", metadata=False)
    out = tmp_path / "out"
    rc, _, err = run(capsys, folder, "--out", out, option, value.format(tmp=tmp_path))
    assert_failed_cleanly(rc, err, out, *(f.format(tmp=tmp_path) for f in fragments))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--sentences", "0"], "argument --sentences: expected a number of at least 1, got 0"),
        (["--sentences", "abc"], "argument --sentences: expected a whole number, got 'abc'"),
        (["--words", "-5"], "argument --words: expected a number of at least 1, got -5"),
        (["--sentences", "3", "--words", "60"], "argument --words: not allowed with argument --sentences"),
        (["--cluster", "kmeans"], "argument --cluster: invalid choice: 'kmeans'"),
        (["--threshold", "-1"], "argument --threshold: expected a number from 0 to 2, got -1"),
        (["--threshold", "nan"], "argument --threshold: expected a number from 0 to 2, got nan"),
        (["--max-mb", "0"], "argument --max-mb: expected a number greater than 0"),
    ],
)
def test_bad_option_values_are_rejected_by_the_parser(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    rc, stdout, err = run(capsys, ARTICLES, "--out", out, *args)
    assert rc == 2 and stdout == ""
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("talkhis summarize: error: ") and message in last
    assert not out.exists()


# ---------------------------------------------------------------------------- determinism


def test_two_runs_cold_and_warm_cache_give_identical_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TALKHIS_CACHE_DIR", str(tmp_path / "cache"))
    assert run(capsys, ARTICLES, "--out", tmp_path / "cold")[0] == 0
    assert (tmp_path / "cache" / "embeddings.sqlite").is_file()
    assert run(capsys, ARTICLES, "--out", tmp_path / "warm")[0] == 0
    cold, warm = digest(tmp_path / "cold"), digest(tmp_path / "warm")
    # static PNGs only with --png
    assert sorted(cold) == sorted([".talkhis-output.json", "summary.json", "summary.md", "report.html", "sentences.csv"])
    assert cold == warm


# ---------------------------------------------------------------------------- output contract


def test_summary_json_has_the_documented_keys(seeds_run):
    _, out = seeds_run
    data = load(out)
    assert {"articles", "clusters", "summary", "config"} <= set(data)
    for article in data["articles"]:
        assert {"id", "outlet", "date", "title", "sentences", "duplicate_of"} <= set(article)
    for cluster in data["clusters"]:
        assert {"id", "label", "articles", "size", "coverage"} <= set(cluster)
        assert cluster["size"] >= len(cluster["articles"]) >= cluster["coverage"] >= 1
    for item in data["summary"]:
        assert {"text", "translation", "translation_source", "sources", "cluster", "date"} <= set(item)
        assert item["sources"] and all(set(s) == {"article", "sentence"} for s in item["sources"])
    config = data["config"]
    assert (set(Options.__dataclass_fields__) - {"cache"}) | {"embedder_backend", "translator_backend", "talkhis_version"} <= set(config)
    assert config["talkhis_version"] == __version__
    assert config["embedder_backend"] == "use" and config["translator_backend"] == "reference"
    assert config["sentences"] == 6 and config["words"] is None and config["cluster_method"] == "agglomerative"


def test_every_summary_sentence_and_source_is_traceable(seeds_run, corpus):
    before, out = seeds_run
    data = load(out)
    segments = {a.id: [s.text for s in a.sentences] for a in corpus.articles}
    assert {a["id"]: a["sentences"] for a in data["articles"]} == {k: len(v) for k, v in segments.items()}
    assert [a["duplicate_of"] for a in data["articles"]] == ["001_ca3e1f2505a79631", None, None, None, None]
    assert len(data["summary"]) == 6
    for item in data["summary"]:
        assert segments[item["article"]][item["sentence"]] == item["text"]
        assert {"article": item["article"], "sentence": item["sentence"]} in item["sources"]
        for source in item["sources"]:
            assert 0 <= source["sentence"] < len(segments[source["article"]])
        own = {"article": item["article"], "sentence": item["sentence"]}
        assert all(s["article"] != item["article"] for s in item["sources"] if s != own)  # same-fact links
        assert any(c["id"] == item["cluster"] for c in data["clusters"])
        assert item["translation_source"] == "reference" and item["translation"]
        assert item["date"] == corpus.article(item["article"]).date
    assert digest(ARTICLES) == before


def test_report_html_is_self_contained_and_right_to_left(seeds_run):
    _, out = seeds_run
    page = (out / "report.html").read_text(encoding="utf-8")
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)  # links inside plotly.js are not fetched
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", markup)
    images = re.findall(r"<img\b[^>]*\bsrc='([^']*)'", page)
    assert len(images) == len(CHARTS) and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r"<script[^>]*\bsrc=", page)  # plotly.js is inlined, once
    assert page.count("Plotly.newPlot(") == 4 and page.count("* plotly.js v") == 1
    for text in texts(load(out)):
        assert arabic(text) in page
    for name in CHARTS:
        assert (out / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert leftovers(out) == []


def test_sentence_budget_untranslated_and_replacing_an_old_output(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, ARTICLES, "--out", out, "--quiet")[0] == 0
    assert len(load(out)["summary"]) == 6
    rc, stdout, err = run(capsys, ARTICLES, "--out", out, "--sentences", "3", "--translator", "none")
    assert rc == 0 and only_notes(err, out)
    assert leftovers(out) == []
    data = load(out)
    assert len(data["summary"]) == 3
    assert all(i["translation"] is None and i["translation_source"] == "untranslated" for i in data["summary"])
    assert data["config"]["translator"] == "none" and data["config"]["sentences"] == 3
    assert stdout.count("[untranslated: translation was turned off]") == 3
    assert (out / "summary.md").read_text(encoding="utf-8").count("[untranslated: translation was turned off]") == 3
    assert leftovers(out) == []


def test_a_word_budget_is_kept(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, ARTICLES, "--out", out, "--words", "60", "--quiet")[0] == 0
    data = load(out)
    words = [len(t.split()) for t in texts(data)]
    assert sum(words) <= 60 or len(words) == 1
    assert len(words) >= 2
    assert data["config"]["words"] == 60


def test_an_output_path_that_is_a_file_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    out.write_text("keep me", encoding="utf-8")
    rc, _, err = run(capsys, ARTICLES, "--out", out)
    assert rc == 2 and "Traceback" not in err
    assert err == f"talkhis: error: {out}: exists and is not a folder\n"
    assert out.read_text(encoding="utf-8") == "keep me"
    assert leftovers(out) == []


def test_the_input_folder_is_never_the_output_folder(tmp_path, capsys):
    folder = seed_folder(tmp_path / "in", "002", "003")
    before = digest(folder)
    rc, _, err = run(capsys, folder, "--out", folder)
    assert rc == 2 and "Traceback" not in err
    assert err == f"talkhis: error: {folder}: is the input folder; choose another output folder\n"
    assert digest(folder) == before
    assert leftovers(folder) == []


def test_the_current_folder_is_never_replaced(tmp_path, capsys, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    (here / "notes.md").write_text("mine", encoding="utf-8")
    monkeypatch.chdir(here)
    rc, _, err = run(capsys, ARTICLES, "--out", ".")
    assert rc == 2 and "Traceback" not in err
    assert err == (f"talkhis: error: {here}: was not written by talkhis; choose a new or empty folder, "
                   "or add --force to write beside them\n")
    assert digest(here) == {"notes.md": hashlib.sha256(b"mine").hexdigest()}
    assert [p.name for p in tmp_path.iterdir()] == ["here"]
    # With --force the outputs go beside the user's file, which stays as it was.
    rc, _, err = run(capsys, ARTICLES, "--out", ".", "--force", "--quiet")
    assert rc == 0, err
    assert digest(here)["notes.md"] == hashlib.sha256(b"mine").hexdigest()
    assert {"summary.json", "report.html", ".talkhis-output.json"} <= set(digest(here))
    assert [p.name for p in tmp_path.iterdir()] == ["here"]


def test_a_file_added_to_an_output_folder_is_never_lost(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, ARTICLES, "--out", out, "--quiet")[0] == 0
    first = load(out)
    (out / "my-notes.md").write_text("mine", encoding="utf-8")
    rc, _, err = run(capsys, ARTICLES, "--out", out, "--quiet")
    assert rc == 2 and "holds files talkhis did not write (my-notes.md)" in err and "--force" in err
    assert (out / "my-notes.md").read_text(encoding="utf-8") == "mine"
    assert run(capsys, ARTICLES, "--out", out, "--quiet", "--force")[0] == 0
    assert (out / "my-notes.md").read_text(encoding="utf-8") == "mine"
    assert load(out) == first
    assert leftovers(out) == []


def test_the_summary_is_printed_by_period_and_its_notes_as_warnings(tmp_path, capsys):
    rc, stdout, err = run(capsys, ARTICLES, "--out", tmp_path / "out", "--sentences", "40")
    assert rc == 0
    notes = load(tmp_path / "out")["notes"]
    assert any("fewer than the 40 sentences asked for" in n for n in notes)
    assert notes and err == "".join(f"talkhis: warning: {n}\n" for n in notes)
    background, changed = stdout.index("== Background (2021-07)"), stdout.index("== What changed (2024-01)")
    assert background < stdout.index("\n1. ") < changed
    assert "sentences.csv" in stdout.splitlines()[-1]


def test_hard_wrapped_sources_give_one_line_sentences(tmp_path, capsys):
    folder = tmp_path / "wrapped"
    shutil.copytree(ARTICLES, folder)
    for path in folder.glob("*.txt"):  # wrap every long line at about 60 characters, as some sources do
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(textwrap.fill(line, 60) if len(line) > 60 else line for line in lines) + "\n",
                        encoding="utf-8")
    rc, out, _ = run(capsys, folder, "--out", tmp_path / "out", "--translator", "none")
    assert rc == 0
    data = load(tmp_path / "out")
    texts = [item["text"] for item in data["summary"]]
    assert texts and all("\n" not in t and "  " not in t for t in texts)
    assert all(t in out for t in texts)  # the terminal prints them on one line too
    markdown = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert all(f'<p dir="rtl" lang="ar">{t}</p>' in markdown for t in texts)


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`talkhis models | true`: the pipe closes before the writer writes, which stops quietly."""
    env = {**__import__("os").environ, "TALKHIS_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run(f"{sys.executable} -m talkhis models | true", shell=True, capture_output=True,
                         text=True, env=env, timeout=120)
    assert "Traceback" not in run.stderr and "BrokenPipeError" not in run.stderr, run.stderr
