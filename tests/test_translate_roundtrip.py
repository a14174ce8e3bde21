"""Tests of the human-translation round trip: ``talkhis translations export`` lists what no
backend covers, a person fills in the English, and ``reference:<file>+reference`` uses it; a
filled-in file is checked row by row (columns, article, English matching its Arabic).

The storm article below was written for these tests; its English is a faithful translation,
sentence by sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkhis.cli import main
from talkhis.errors import InputError
from talkhis.pipeline import Options, summarize_folder
from talkhis.translate import get_translator
from talkhis.translate.adequacy import load_calibration
from talkhis.translate.roundtrip import HEADER, check_translations, export_todo

from .conftest import ARTICLES

STORM = [
    ("أغلقت السلطات المحلية في الإسكندرية الطريق الساحلي صباح الثلاثاء بعد أمطار غزيرة أغرقت عدة أحياء.",
     "Local authorities in Alexandria closed the coastal road on Tuesday morning after heavy rain flooded several neighbourhoods."),
    ("وقال محافظ المدينة إن فرق الطوارئ تعمل منذ الفجر على سحب المياه من الشوارع الرئيسية.",
     "The city's governor said emergency teams had been working since dawn to pump water out of the main streets."),
    ("وأضاف أن المدارس ستبقى مغلقة يومين على الأقل حفاظا على سلامة الطلاب.",
     "He added that schools would stay closed for at least two days to keep students safe."),
    ("وأعلنت هيئة الأرصاد الجوية أن الأمطار ستستمر حتى نهاية الأسبوع مع رياح قوية على السواحل الشمالية.",
     "The meteorological authority announced that the rain would continue until the end of the week, with strong winds on the northern coasts."),
    ("ودعت وزارة الصحة السكان إلى تجنب الخروج إلا للضرورة.",
     "The health ministry urged residents not to go out unless necessary."),
    ("ولم تسجل أي إصابات حتى الآن، بحسب بيان رسمي صدر مساء الثلاثاء.",
     "No injuries have been recorded so far, according to an official statement issued on Tuesday evening."),
]
ENGLISH = dict(STORM)
FIRST_ROW = 6  # four comment lines and the header come first


@pytest.fixture
def folder(tmp_path) -> Path:
    """One shipped article, the storm article and a copy of it."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (seed,) = ARTICLES.glob("002_*.txt")
    (folder / seed.name).write_bytes(seed.read_bytes())
    text = "\n\n".join(arabic for arabic, _ in STORM) + "\n"
    (folder / "storm.txt").write_text(text, encoding="utf-8")
    (folder / "storm_copy.txt").write_text(text, encoding="utf-8")
    return folder


def _rows(path: Path) -> list[list[str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines[0].split("\t") == list(HEADER)
    return [line.split("\t") for line in lines[1:]]


def _fill(todo: Path, out: Path, english=ENGLISH.get, edit=None) -> Path:
    """Write ``todo`` with each row's English filled in (``edit`` may change a row first)."""
    lines = []
    for n, line in enumerate(todo.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("#") and not line.startswith("article\t"):
            article, sentence, arabic, _ = line.split("\t")
            fields = [article, sentence, arabic, english(arabic) or ""]
            line = "\t".join(edit(n, fields) if edit else fields)
        lines.append(line)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _cli(capsys, *args) -> tuple[int, str, str]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


# ---------------------------------------------------------------- export


def test_export_of_the_seed_articles_has_nothing_to_do(tmp_path):
    done = export_todo(ARTICLES, tmp_path / "todo.tsv")
    assert (done.rows, done.covered) == (0, done.segments) and done.segments > 50
    assert _rows(tmp_path / "todo.tsv") == []


def test_export_lists_each_uncovered_segment_once_with_empty_english(folder, tmp_path):
    done = export_todo(folder, tmp_path / "todo.tsv")
    rows = _rows(tmp_path / "todo.tsv")
    assert done.rows == len(rows) == len(STORM)
    assert [r[:3] for r in rows] == [["storm", str(i), arabic] for i, (arabic, _) in enumerate(STORM)]
    assert {r[3] for r in rows} == {""}
    text = (tmp_path / "todo.tsv").read_text(encoding="utf-8")
    assert f"--translator reference:{tmp_path / 'todo.tsv'}+reference" in text


def test_export_never_replaces_a_file_unless_forced(folder, tmp_path, capsys):
    todo = tmp_path / "todo.tsv"
    todo.write_text("mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="exists; choose another name or pass --force"):
        export_todo(folder, todo)
    assert todo.read_text(encoding="utf-8") == "mine\n"
    rc, _, err = _cli(capsys, "translations", "export", folder, "--out", todo)
    assert rc == 2 and err.count("\n") == 1 and todo.read_text(encoding="utf-8") == "mine\n"
    rc, out, _ = _cli(capsys, "translations", "export", folder, "--out", todo, "--force")
    assert rc == 0 and len(_rows(todo)) == len(STORM)
    assert f"wrote {todo}: 6 segments to translate" in out
    assert f"--translator reference:{todo}+reference" in out
    with pytest.raises(InputError, match="is a folder"):
        export_todo(folder, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "todo.tsv"]  # no temporary file left


# ---------------------------------------------------------------- the filled-in file in use


def test_filled_file_translates_the_new_article(folder, tmp_path):
    export_todo(folder, tmp_path / "todo.tsv")
    filled = _fill(tmp_path / "todo.tsv", tmp_path / "filled.tsv")
    result = summarize_folder(folder, Options(translator=f"reference:{filled}+reference"))
    storm = [(item, t) for item, t in zip(result.summary, result.translations) if item.sentence.article.startswith("storm")]
    assert storm, "the summary should include the storm article"
    for item, t in storm:
        assert t.text == ENGLISH[item.sentence.text] and t.source == "reference"
        assert t.adequacy_ok is True
    assert all(t.ok for t in result.translations)
    assert result.translator == f"reference:{filled}+reference"


def test_rows_left_empty_stay_untranslated_and_say_where(folder, tmp_path):
    export_todo(folder, tmp_path / "todo.tsv")
    first = STORM[0][0]
    filled = _fill(tmp_path / "todo.tsv", tmp_path / "filled.tsv", english=lambda a: ENGLISH[a] if a == first else None)
    out = get_translator(f"reference:{filled}+reference").translate([a for a, _ in STORM])
    assert out[0].text == ENGLISH[first]
    for n, t in enumerate(out[1:], start=1):
        assert not t.ok
        assert f"no English yet in filled.tsv line {FIRST_ROW + n}" in t.note and "reference (no reference" in t.note


def test_check_reports_a_good_file(folder, tmp_path, capsys):
    export_todo(folder, tmp_path / "todo.tsv")
    filled = _fill(tmp_path / "todo.tsv", tmp_path / "filled.tsv")
    report = check_translations(filled, folder)
    assert (report.rows, report.filled) == (6, 6) and report.lowest >= load_calibration().cut
    rc, out, _ = _cli(capsys, "translations", "check", filled, "--folder", folder)
    assert rc == 0 and out.startswith(f"{filled}: 6 rows, 6 with English, all matching their Arabic; lowest adequacy")


# ---------------------------------------------------------------- a file with a mistake


def _broken(folder: Path, tmp_path: Path, edit) -> Path:
    export_todo(folder, tmp_path / "todo.tsv")
    return _fill(tmp_path / "todo.tsv", tmp_path / "filled.tsv", edit=edit)


def _swap_english(n, fields):
    """Rows 3 and 4 of the file (its lines 8 and 9) each get the other's English."""
    swapped = {FIRST_ROW + 2: STORM[3][1], FIRST_ROW + 3: STORM[2][1]}
    return fields[:3] + [swapped.get(n, fields[3])]


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda n, f: f[:2] + [f[2] + " " + f[3]] if n == FIRST_ROW + 1 else f,
         f"filled.tsv line {FIRST_ROW + 1}: 3 columns, expected 4 (article, sentence, arabic, english)"),
        (lambda n, f: ["storms"] + f[1:] if n == FIRST_ROW + 4 else f,
         f"filled.tsv line {FIRST_ROW + 4} (article storms, sentence 4): article 'storms' is not one of the 3 articles"),
        (_swap_english,
         f"filled.tsv line {FIRST_ROW + 2} (article storm, sentence 2): the English does not match the Arabic (adequacy "),
    ],
    ids=["columns", "article", "english"],
)
def test_a_broken_row_is_named_on_a_line_of_its_own(folder, tmp_path, capsys, edit, message):
    filled = _broken(folder, tmp_path, edit)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        get_translator(f"reference:{filled}+reference", articles=["002_a90dff76a33d4385", "storm", "storm_copy"])
    lines = str(info.value).splitlines()
    assert all("filled.tsv line " in line for line in lines[1 if len(lines) > 1 else 0:])
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_translations(filled, folder)
    out = tmp_path / "out"
    rc, _, err = _cli(capsys, "summarize", folder, "--out", out, "--translator", f"reference:{filled}+reference")
    assert rc == 2 and err.startswith("talkhis: error: ") and err.count("\n") == len(lines) and message in err
    assert not out.exists()


def test_swapped_rows_are_both_listed(folder, tmp_path):
    filled = _broken(folder, tmp_path, _swap_english)
    with pytest.raises(InputError) as info:
        check_translations(filled)
    lines = str(info.value).splitlines()
    assert lines[0] == "2 problems:"
    assert len(lines) == 3 and all("is it on the right row?" in line for line in lines[1:])
    assert lines[1] != lines[2]


def test_every_problem_of_a_file_is_listed_in_one_run_up_to_twenty(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("arabic\tenglish\tarticle\tsentence\n" + "".join(f"نص {n}\tx\n" for n in range(25)), encoding="utf-8")
    with pytest.raises(InputError) as info:
        check_translations(bad)
    lines = str(info.value).splitlines()
    assert lines[0] == "25 problems:" and len(lines) == 1 + 20 + 1
    assert lines[1].endswith("columns, expected 4 (arabic, english, article, sentence); is a tab missing or one too many?")
    assert "line 2:" in lines[1] and "line 21:" in lines[20] and lines[-1] == "  … and 5 more"


def test_an_article_is_only_checked_when_the_folder_is_known(folder, tmp_path):
    filled = _broken(folder, tmp_path, lambda n, f: ["elsewhere"] + f[1:] if n == FIRST_ROW else f)
    assert check_translations(filled).filled == 6
    (elsewhere,) = get_translator(f"reference:{filled}").translate([STORM[0][0]])
    assert elsewhere.text == STORM[0][1]


def test_the_file_and_the_command_name_the_same_translator_path(folder, tmp_path, capsys):
    todo = tmp_path / "sub" / "todo.tsv"
    todo.parent.mkdir()
    rc, out, _ = _cli(capsys, "translations", "export", folder, "--out", todo)
    assert rc == 0
    printed = out.strip().splitlines()[-1].split("then: ", 1)[1]
    header = next(line for line in todo.read_text(encoding="utf-8").splitlines() if line.startswith("# Then run: "))
    assert header.removeprefix("# Then run: ") == printed
    assert f"--translator reference:{todo}+reference" in printed
