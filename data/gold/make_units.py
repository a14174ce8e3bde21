"""Write data/gold/units.tsv from the hand-made unit list below.

Each entry names one unit by its opening words (searched forward from the end of the previous
unit), its kind and the facts it reports. A unit ends where the next unit of the same line
begins, or at the end of its line; the span is trimmed of white space. Only the offsets are
computed here: where units begin, their kinds and their facts were decided by reading the
articles (see README.md).

Run from the repository root: ``python data/gold/make_units.py``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "data" / "articles"
OUT = Path(__file__).resolve().parent / "units.tsv"

T, H, S, B = "title", "heading", "sentence", "boilerplate"

# article -> [(kind, facts, opening words), ...] in text order.
SPEC: dict[str, list[tuple[str, str, str]]] = {
    "000_f9289ace09eb3e20": [
        (S, "F01,F02", "يرتقب أن تؤكد"),
        (S, "F03,F01,F02", "وأضاف المسؤول الأميركي أنه"),
        (S, "F04", "وقال المسؤول الأميركي، إن المحادثات"),
        (S, "F05", "وأوضح المسؤول الأميركي أن المهمة"),
        (S, "F06", "مشيراً إلى أن العراقيين"),
        (S, "F07,F08", "وأكد المسؤول في البنتاغون"),
        (H, "", "مخاوف من سيناريو أفغانستان"),
        (S, "F09,F03,F01", "وبخصوص المخاوف"),
        (S, "F10,F01,F03", "وشدد المسؤول"),
        (S, "F11", "وأشار إلى أنه"),
        (S, "F12", "وتأتي جولة الحوار"),
        (S, "F13", "وتُنسب هذه الهجمات"),
        (S, "F14", "واستهدف أحدث هجوم"),
    ],
    "001_ca3e1f2505a79631": [
        (T, "F01", "مسؤول بالبنتاغون:"),
        (B, "", "time reading icon"),
        (B, "", "الجنرال الأميركي كينيث"),
        (B, "", "الجنرال الأميركي كينيث"),
        (B, "", "دبي-الشرق"),
        (S, "F01,F02", "يرتقب أن تؤكد"),
        (S, "F03,F01,F02", "وأضاف المسؤول الأميركي أنه"),
        (S, "F04", "وقال المسؤول الأميركي، إن المحادثات"),
        (S, "F05", "وأوضح المسؤول الأميركي أن المهمة"),
        (S, "F06", "مشيراً إلى أن العراقيين"),
        (S, "F07,F08", "وأكد المسؤول في البنتاغون"),
        (H, "", "مخاوف من سيناريو أفغانستان"),
        (S, "F09,F03,F01", "وبخصوص المخاوف"),
        (S, "F10,F01,F03", "وشدد المسؤول"),
        (S, "F11", "وأشار إلى أنه"),
        (S, "F12", "وتأتي جولة الحوار"),
        (S, "F13", "وتُنسب هذه الهجمات"),
        (S, "F14", "واستهدف أحدث هجوم"),
        (H, "", "تعاون على المدى البعيد"),
        (S, "F15,F16", "وأعلن المتحدث باسم"),
        (S, "F17,F18", "وقال كيربي في تصريح"),
        (S, "F16,F02", "وأكد المتحدث باسم"),
        (S, "F19", "وقال المسؤول الأميركي إنه سيأتي"),
        (H, "", "سحب القوات الأميركية"),
        (S, "F20,F21", "من جانبه صرح مصدر"),
        (S, "F22", "وكان وزير الخارجية العراقي"),
        (S, "F23", "وصرح مستشار رئيس الوزراء"),
        (S, "F24,F25", "ويستقبل الرئيس الأميركي"),
        (S, "F26,F27,F28", "وأكد علاوي"),
        (S, "F29", "وكشفت قيادة العمليات"),
        (H, "", "جولة أخيرة"),
        (S, "F30,F31", "وأكد حسين أن جولة"),
        (S, "F22", "ولفت وزير الخارجية العراقي إلى أن الأميركيين"),
        (S, "F32,F33", "ولفت وزير الخارجية العراقي إلى احتمالية"),
        (S, "F31,F34", "ونقلت وكالة الأنباء العراقية عن حسين علاوي"),
    ],
    "002_a90dff76a33d4385": [
        (B, "", "25-يوليو-2021"),
        (B, "", "يرجح أن تشهد الجولة"),
        (B, "", "الترا عراق"),
        (S, "F24,F30", "يصل رئيس الحكومة"),
        (H, "F35", "أكّد الكاظمي أنّ العراق"),
        (S, "F36", "وقال الكاظمي قبيل مغادرته"),
        (B, "", "اقرأ/ي أيضًا:"),
        (S, "F37,F38", "وستركز المباحثات"),
        (S, "F20,F39", "ويقول مسؤولون أمريكيون"),
        (S, "F40,F27,F39", "ونقلت صحيفة"),
        (S, "F41", "وتشير الصحيفة"),
        (S, "F35,F42", "وقال الكاظمي قبيل المغادرة"),
        (S, "F43", "وبيّن الكاظمي"),
        (S, "F44,F45", "وأضاف الكاظمي"),
        (B, "", "اقرأ/ي أيضًا:"),
        (B, "", "تضمن 6 فقرات"),
        (B, "", "أهداف متشابكة"),
    ],
    "003_66b99715f277d18e": [
        (B, "", "[ad_1]"),
        (B, "", "بغداد اليوم"),
        (S, "F20,F04", "توقع مسؤولون أمريكيون"),
        (S, "F46", "وأكد وزير الخارجية العراقي"),
        (S, "F47,F48", "وأضاف حسين، خلال لقائه"),
        (S, "F49", "وقال حسين:"),
        (S, "F50", "ولفت إلى أن"),
        (S, "F15,F17", "من جهة أخرى، استقبلت"),
        (S, "F51", "وأشار المتحدّث"),
        (S, "F16,F52", "وتواصلت المحادثات"),
        (S, "F31", "ويُفترض أن يؤدّي"),
        (S, "F53,F27,F54", "ولا يزال هناك نحو"),
        (S, "F55,F41", "لكن الإعلان"),
        (S, "F01,F02", "وقال مسؤول دفاعي"),
        (S, "F56", "وأضاف المسؤول:"),
        (S, "F05", "وقال المسؤول إن التركيز"),
        (B, "", "[ad_2]"),
    ],
    "004_9faea2139f5b08b6": [
        (S, "F57", "من المتوقع أن يواصل"),
        (S, "F58", "وقال المسؤول إنه من المتوقع"),
        (S, "F27", "للولايات المتحدة حاليًا"),
        (S, "F59,F60", "تتمركز هذه القوات"),
        (S, "F61", "ونفذت الولايات المتحدة"),
        (B, "", "الولايات المتحدة تشن ضربات"),
        (S, "F62", "وفرضت الضربات"),
        (S, "F63,F64", "وفي 4 كانون الثاني/يناير، قتلت"),
        (S, "F63", "ووفقا للقيادة المركزية"),
        (S, "F64", "وكان قائدًا لجماعة"),
        (S, "F65,F66", "وهذه الضربة المحددة"),
        (S, "F67", "وأضاف “نحن بصدد"),
        (S, "F68", "وقال السوداني:"),
        (S, "F69,F70", "وقال السكرتير الصحفي"),
        (B, "", "رئيس الوزراء العراقي يدافع"),
        (S, "F71", "البنتاغون لم يتلق"),
        (S, "F71,F69,F02", "وعندما سُئل"),
        (S, "F72", "وكان من المقرر"),
        (S, "F73", "ومن الممكن أن تسفر"),
        (B, "", "انقر هنا للحصول"),
        (S, "F72", "في أغسطس 2023"),
        (S, "F74", "ووفقاً لبيان صحفي"),
        (S, "F75", "وقال المسؤول الأمريكي إن المحادثات"),
    ],
}


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def spans(text: str, entries: list[tuple[str, str, str]]) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each unit, found from its opening words."""
    starts: list[int] = []
    cursor = 0
    for _kind, _facts, opening in entries:
        start = text.find(opening, cursor)
        if start < 0:
            raise SystemExit(f"opening {opening!r} not found after offset {cursor}")
        starts.append(start)
        cursor = start + len(opening)
    result = []
    for i, start in enumerate(starts):
        end = _line_end(text, start)
        if i + 1 < len(starts) and starts[i + 1] < end:
            end = starts[i + 1]
        while end > start and text[end - 1].isspace():
            end -= 1
        result.append((start, end))
    return result


def main() -> None:
    rows = ["article\tn\tstart\tend\tkind\tfacts\ttext"]
    for article, entries in SPEC.items():
        text = (ARTICLES / f"{article}.txt").read_bytes().decode("utf-8-sig")
        for n, ((kind, facts, _), (start, end)) in enumerate(zip(entries, spans(text, entries))):
            piece = text[start:end]
            if "\t" in piece or "\n" in piece:
                raise SystemExit(f"{article}#{n}: a unit may not hold a tab or a line break")
            ordered = ",".join(sorted(f for f in facts.split(",") if f))
            rows.append(f"{article}\t{n}\t{start}\t{end}\t{kind}\t{ordered}\t{piece}")
    OUT.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows) - 1} units written to {OUT}")


if __name__ == "__main__":
    main()
