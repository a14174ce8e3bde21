import codecs
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talkhis.corpus import load_corpus, make_article
from talkhis.corpus.clean import RULES, clean
from talkhis.corpus.dates import parse_date
from talkhis.corpus.read import decode_bytes, read_text
from talkhis.errors import InputError

from .conftest import seed_text

ARABIC = "يرتقب أن تؤكد جولة الحوار الاستراتيجي الرابعة بين الولايات المتحدة والعراق استمرار وجود القوات."

# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "encoding, raw",
    [
        ("utf-8", ARABIC.encode("utf-8")),
        ("utf-8-sig", codecs.BOM_UTF8 + ARABIC.encode("utf-8")),
        ("utf-16", ARABIC.encode("utf-16")),  # with BOM
        ("utf-16-le", ARABIC.encode("utf-16-le")),  # BOM-less
        ("utf-16-be", ARABIC.encode("utf-16-be")),
        ("cp1256", ARABIC.encode("cp1256")),
    ],
)
def test_each_encoding_is_detected_and_decoded(encoding, raw):
    text, found = decode_bytes(raw)
    assert text == ARABIC
    assert found == encoding


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        ("\n \u00a0\n".encode("utf-8"), "white space"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
    ],
)
def test_unusable_bytes_are_rejected_with_the_reason(raw, message):
    with pytest.raises(InputError, match=message):
        decode_bytes(raw, "bad.txt")


def test_latin1_text_is_not_mistaken_for_windows_1256():
    with pytest.raises(InputError, match="cannot decode"):
        decode_bytes("Café à la carte, déjà vu, naïve façade.".encode("latin-1"))


def test_read_text_reports_size_limit_and_permissions(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_bytes(ARABIC.encode() * 100)
    with pytest.raises(InputError, match=r"over the limit of 0\.0 MB"):
        read_text(big, max_bytes=1000)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match="permission denied"):
        read_text(big)


# ---------------------------------------------------------------- cleaning, on real seed lines


def removed_by(text: str) -> dict[str, list[str]]:
    _, removed = clean(text)
    out: dict[str, list[str]] = {}
    for r in removed:
        out.setdefault(r.rule, []).append(r.text)
    return out


def test_every_rule_is_documented():
    assert {r.name for r in RULES} == {"ad_marker", "reading_time", "photo_caption", "read_also", "app_promo", "byline", "dateline"}
    assert all(r.description for r in RULES)


def test_ad_markers_are_removed():
    assert removed_by(seed_text("003"))["ad_marker"] == ["[ad_1]", "[ad_2]"]


def test_reading_time_line_is_removed():
    assert removed_by(seed_text("001"))["reading_time"] == ["time reading iconدقائق القراءة - 7"]


def test_photo_captions_with_credits_are_removed():
    captions_001 = removed_by(seed_text("001"))["photo_caption"]
    assert len(captions_001) == 2 and all(c.endswith("REUTERS") for c in captions_001)
    assert removed_by(seed_text("002"))["photo_caption"] == [
        "يرجح أن تشهد الجولة تحديد موعد نهائي لانسحاب القوات الأمريكية (Getty)"
    ]


def test_a_sentence_ending_in_an_agency_name_is_not_a_caption():
    text = "وقال المسؤول إن الاجتماع انتهى دون اتفاق. (رويترز)\nوذكر مسؤول آخر أن المحادثات ستستمر - رويترز"
    assert "photo_caption" in removed_by(text)
    assert removed_by(text)["photo_caption"] == ["وذكر مسؤول آخر أن المحادثات ستستمر - رويترز"]


def test_read_also_links_and_their_titles_are_removed():
    read_also = removed_by(seed_text("002"))["read_also"]
    assert " ".join(read_also[0].split()).startswith("اقرأ/ي أيضًا: الحوار الاستراتيجي مع الولايات المتحدة")
    assert read_also[1:] == [
        "اقرأ/ي أيضًا:",
        'تضمن 6 فقرات.. الخارجية الأمريكية تنشر جدول أعمال "الحوار الاستراتيجي"',
        'أهداف متشابكة.. هل يُصلح "الحوار الاستراتيجي" ما أفسدته الصواريخ؟',
    ]


def test_a_bare_read_also_header_stops_at_a_real_paragraph():
    text = "اقرأ أيضا:\nعنوان مقال آخر\nوقال المسؤول إن الوفد سيصل غدا إلى بغداد لبحث الملف."
    kept, removed = clean(text)
    assert [r.text for r in removed] == ["اقرأ أيضا:", "عنوان مقال آخر"]
    assert [text[a:b] for a, b in kept] == ["وقال المسؤول إن الوفد سيصل غدا إلى بغداد لبحث الملف."]


def test_app_promotion_is_removed():
    assert removed_by(seed_text("004"))["app_promo"] == ["انقر هنا للحصول على تطبيق FOX NEWS"]


def test_bylines_and_datelines_are_removed():
    assert removed_by(seed_text("001"))["byline"] == ["دبي-الشرق"]
    assert removed_by(seed_text("002"))["byline"] == ["الترا عراق - فريق التحرير"]
    assert removed_by(seed_text("003"))["byline"] == ["بغداد اليوم – متابعة"]
    assert removed_by(seed_text("002"))["dateline"] == ["25-يوليو-2021"]


def test_repeated_lines_are_removed_once():
    text = "وقال المسؤول إن القوات باقية.\nسطر آخر من المقال هنا.\nوقال المسؤول إن  القوات باقية."
    assert removed_by(text) == {"repeated_line": ["وقال المسؤول إن  القوات باقية."]}


def test_real_content_is_kept(corpus):
    """What the cleaner removes from the seeds, all of it, and nothing else (checked by reading)."""
    removed = {a.id[:3]: sorted(r.rule for r in a.removed) for a in corpus.articles}
    assert removed == {
        "000": [],
        "001": ["byline", "photo_caption", "photo_caption", "reading_time"],
        "002": ["byline", "dateline", "photo_caption", "read_also", "read_also", "read_also", "read_also"],
        "003": ["ad_marker", "ad_marker", "byline"],
        "004": ["app_promo"],
    }


_LINES = st.sampled_from(
    [
        "[ad_1]",
        "دبي-الشرق",
        "25-يوليو-2021",
        "اقرأ/ي أيضًا:",
        "عنوان قصير",
        "وقال المسؤول إن القوات باقية.",
        "صورة للجنود في القاعدة - REUTERS",
        "انقر هنا للحصول على تطبيق FOX NEWS",
        "",
        "   ",
        "وأكد الوزير أن الحوار سيستمر؛ وأضاف أن الوفد سيعود.",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, max_size=15))
def test_cleaning_loses_nothing_and_spans_point_at_the_text(lines):
    text = "\n".join(lines)
    kept, removed = clean(text)
    pieces = sorted([(a, b) for a, b in kept] + [(r.start, r.end) for r in removed])
    for r in removed:
        assert text[r.start : r.end] == r.text
    # kept and removed lines never overlap and together hold every non-space character once
    for (a, b), (c, _) in zip(pieces, pieces[1:]):
        assert b <= c
    assert "".join(text[a:b] for a, b in pieces).replace(" ", "") == "".join(text.split())
    # cleaning is idempotent: the kept text has nothing left to remove except repeats of itself
    kept_text = "\n".join(text[a:b] for a, b in kept)
    assert [r.rule for r in clean(kept_text)[1]] == []


# ---------------------------------------------------------------- metadata


def test_metadata_read_from_the_text(corpus):
    by_id = {a.id[:3]: a for a in corpus.articles}
    assert {k: a.outlet for k, a in by_id.items()} == {
        "000": "Asharq",
        "001": "Asharq",
        "002": "Ultra Iraq",
        "003": "Baghdad Today",
        "004": "Fox News",
    }
    assert all(a.outlet_source.startswith("text:") for a in corpus.articles)
    assert by_id["001"].title == "مسؤول بالبنتاغون: القوات الأميركية باقية في العراق"
    assert by_id["000"].title is None
    assert by_id["002"].date == "2021-07-25" and by_id["002"].date_source == "text: dateline"
    assert by_id["004"].latest_date_mentioned == "2023-08"


def test_metadata_file_fills_in_dates(corpus):
    by_id = {a.id[:3]: a for a in corpus.articles}
    assert by_id["004"].date == "2024-01" and by_id["004"].date_source == "metadata: metadata.csv"
    assert min(a.date for a in corpus.articles) >= "2021-07"


def test_an_outlet_mentioned_in_passing_is_not_the_outlet():
    article = make_article("x", "وقال مسؤول لشبكة فوكس نيوز إن المحادثات مستمرة في الشرق الأوسط.")
    assert article.outlet is None


@pytest.mark.parametrize(
    "text, iso",
    [
        ("25-يوليو-2021", "2021-07-25"),
        ("الأحد 4 كانون الثاني 2024", "2024-01-04"),
        ("2021/7/5", "2021-07-05"),
        ("لا تاريخ", None),
        # MultiLing 2011 datelines: month names with and without hamza, a comma after the weekday
        ("السبت 27 فبراير 2010", "2010-02-27"),
        ("الجمعة 21 ايار 2010", "2010-05-21"),
        ("السبت 22  أيار 2010", "2010-05-22"),
        ("الجمعة 22 تشرين الاول 2010", "2010-10-22"),
        ("الاثنين ، 1 فبراير 2010", "2010-02-01"),
        ("الاربعاء 5 اكتوبر 2005", "2005-10-05"),
        # name pairs, a comma before the year, Arabic-Indic digits, Maghrebi names
        ("25 تموز/يوليو 2021", "2021-07-25"),
        ("27 فبراير، 2010", "2010-02-27"),
        ("٢٥ أيار ٢٠١٠", "2010-05-25"),
        ("14 جويلية 2011", "2011-07-14"),
        # no such day: the next date in the text is used, or none
        ("31-06-2021", None),
        ("31-06-2021 ثم 1-7-2021", "2021-07-01"),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "line",
    ["السبت 27 فبراير 2010", "الجمعة 21 ايار 2010", "الاثنين ، 1 فبراير 2010", "الجمعة ، 8 أغسطس 2008",
     "الجمعة 22 تشرين الاول 2010", "25-يوليو-2021", "2021-07-25"],
)
def test_a_line_holding_only_a_date_is_a_dateline(line):
    assert removed_by(f"عنوان الخبر.\n{line}\nوقال المسؤول إن المحادثات ستستمر في الأسابيع المقبلة.") == {"dateline": [line]}


def test_a_date_inside_a_sentence_is_not_a_dateline():
    text = "وقال المسؤول في 27 فبراير 2010 إن المحادثات ستستمر في الأسابيع المقبلة بين البلدين."
    assert removed_by(text) == {}


def test_a_headline_above_a_dateline_is_the_title_even_with_a_full_stop():
    text = "زلزال قوته 7.0 ضرب سواحل هايتي.\n\nالثلاثاء 12 يناير 2010\n\nوقد هز زلزال قوته 7.0 سواحل هايتي في وقت سابق اليوم."
    article = make_article("M0060", text)
    assert article.title == "زلزال قوته 7.0 ضرب سواحل هايتي."
    assert (article.date, article.date_source) == ("2010-01-12", "text: dateline")
    assert [s.kind for s in article.sentences] == ["title", "sentence"]


def test_a_long_first_line_above_a_dateline_stays_a_sentence():
    first = " ".join(["كلمة"] * 25) + "."
    article = make_article("x", f"{first}\nالسبت 27 فبراير 2010\nوقال المسؤول إن المحادثات ستستمر في الأسابيع المقبلة.")
    assert article.title is None and article.sentences[0].kind == "sentence"
    assert article.date == "2010-02-27"


def test_an_impossible_dateline_gives_no_date():
    article = make_article("x", "31-06-2021\nوقال المسؤول إن المحادثات ستستمر في الأسابيع المقبلة.")
    assert (article.date, article.date_source) == (None, None)


# ---------------------------------------------------------------- duplicates


def test_near_duplicate_seed_is_detected(corpus):
    pair = next(o for o in corpus.overlaps if o.a.startswith("000") and o.b.startswith("001"))
    assert pair.a_in_b > 0.9 and pair.b_in_a < 0.6
    assert corpus.article("000_f9289ace09eb3e20").duplicate_of == "001_ca3e1f2505a79631"
    assert corpus.story("000_f9289ace09eb3e20") == "001_ca3e1f2505a79631"
    others = [o for o in corpus.overlaps if not (o.a.startswith("000") and o.b.startswith("001"))]
    assert max(max(o.a_in_b, o.b_in_a) for o in others) < 0.05
    assert [a.id[:3] for a in corpus.articles if a.duplicate_of] == ["000"]


def test_identical_copies_point_at_the_first(tmp_path, articles_dir):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_bytes((articles_dir / "002_a90dff76a33d4385.txt").read_bytes())
    corpus = load_corpus(tmp_path)
    assert [a.duplicate_of for a in corpus.articles] == [None, "a", "a"]


# ---------------------------------------------------------------- loading a folder


def test_seeds_load_and_are_never_written(articles_dir):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in articles_dir.iterdir()}
    corpus = load_corpus(articles_dir)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in articles_dir.iterdir()}
    assert before == after
    assert len(corpus.articles) == 5 and not corpus.skipped
    assert [len(a.body) for a in corpus.articles] == [12, 26, 9, 13, 22]  # 004: one stray full stop repaired


def test_bad_files_are_skipped_with_reasons_or_refused_when_strict(tmp_path, articles_dir):
    (tmp_path / "good.txt").write_bytes((articles_dir / "003_66b99715f277d18e.txt").read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "english.txt").write_text("The United States and Iraq will hold talks on Friday.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored: not a .txt file", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [a.id for a in corpus.articles] == ["good"]
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    assert "file is empty" in reasons["empty.txt"]
    assert "not Arabic text (0% of its letters are Arabic)" in reasons["english.txt"]
    with pytest.raises(InputError, match="empty.txt: file is empty"):
        load_corpus(tmp_path, strict=True)


@pytest.mark.parametrize("setup, message", [("missing", "no such folder"), ("file", "not a folder"), ("empty", "no .txt articles")])
def test_unusable_folders(tmp_path, setup, message):
    target = tmp_path / "in"
    if setup == "file":
        target.write_text("x")
    elif setup == "empty":
        target.mkdir()
    with pytest.raises(InputError, match=message):
        load_corpus(target)
