import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talkhis.corpus import FRAGMENT, HEADING, SENTENCE, make_article
from talkhis.corpus.segment import MAX_WORDS, is_self_contained, join_lines, opens_sentence, segment, split_block

from .conftest import seed_text


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in split_block(text, 0, len(text))]


def lines(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def test_splits_on_arabic_and_latin_punctuation():
    text = "قال المسؤول إن القوات باقية. هل تنسحب القوات؟ لا نعرف بعد! انتهى الاجتماع؛ ثم غادر الوفد… وعاد لاحقا"
    assert split(text) == [
        "قال المسؤول إن القوات باقية.",
        "هل تنسحب القوات؟",
        "لا نعرف بعد!",
        "انتهى الاجتماع؛ ثم غادر الوفد…",
        "وعاد لاحقا",
    ]


def test_semicolon_splits_only_an_over_long_sentence():
    clause = "وقال المسؤول إن القوات الأميركية ستبقى في العراق لمواصلة دعم القوات العراقية"
    short = f"{clause}؛ {clause}."
    assert split(short) == [short]
    long_text = "؛ ".join([clause] * 8) + "."
    assert len(long_text.split()) > MAX_WORDS
    pieces = split(long_text)
    assert len(pieces) == 8 and pieces[0] == clause + "؛"


def test_numbers_are_not_split():
    text = "يبلغ عدد الجنود 2,500 جندي. وارتفعت النسبة إلى 3.5 في المئة."
    assert split(text) == ["يبلغ عدد الجنود 2,500 جندي.", "وارتفعت النسبة إلى 3.5 في المئة."]


def test_a_stop_glued_to_the_next_arabic_word_still_splits():
    # as in EASC: "... للإنسان .وللناي ستة ثقوب"
    assert split("صوتا هو أقرب الأصوات للإنسان .وللناي ستة ثقوب. ص.ب 25") == [
        "صوتا هو أقرب الأصوات للإنسان .",
        "وللناي ستة ثقوب.",
        "ص.ب 25",
    ]


def test_abbreviations_do_not_end_sentences():
    text = "التقى د. أحمد بالمسؤول في U.S. Army أمس. ثم عاد."
    assert split(text) == ["التقى د. أحمد بالمسؤول في U.S. Army أمس.", "ثم عاد."]


def test_list_numbers_and_reference_marks_stay_with_their_sentence():
    assert split("1. ضعي السكاكين بعيدا عن الطفل. 2. احفظي المنظفات في دولاب مغلق.") == [
        "1. ضعي السكاكين بعيدا عن الطفل.",
        "2. احفظي المنظفات في دولاب مغلق.",
    ]
    # a year at the end of a sentence is not a list number
    assert split("وقع الحادث في عام 2008. ثم عاد الوفد.") == ["وقع الحادث في عام 2008.", "ثم عاد الوفد."]
    # as in EASC environment-34: Wikipedia reference marks after the full stop
    assert split("وقد تم التأكيد على هذا الاستخدام.[4] [5] كانت كلمة Natura هي الترجمة.") == [
        "وقد تم التأكيد على هذا الاستخدام.[4] [5]",
        "كانت كلمة Natura هي الترجمة.",
    ]


def test_quotes_stay_with_their_speaker():
    # from seed 004: the full stop inside the quote does not end the sentence
    text = 'وأضاف “نحن بصدد تحديد موعد. وهذا التزام لن تتراجع عنه الحكومة”. وقال السوداني: “السيادة على أرض العراق”.'
    assert split(text) == [
        "وأضاف “نحن بصدد تحديد موعد. وهذا التزام لن تتراجع عنه الحكومة”.",
        "وقال السوداني: “السيادة على أرض العراق”.",
    ]
    ascii_quotes = 'وأشار إلى أنه "إذا طلبت الحكومة. فسنناقش ذلك". وانتهى اللقاء.'
    assert split(ascii_quotes) == ['وأشار إلى أنه "إذا طلبت الحكومة. فسنناقش ذلك".', "وانتهى اللقاء."]


def test_an_unclosed_quote_cannot_swallow_a_long_paragraph():
    sentence = "قال المسؤول إن القوات الأميركية ستبقى في العراق لمواصلة دعم القوات العراقية في الحرب. "
    text = "“" + sentence * 12
    pieces = split(text)
    assert len(pieces) == 12


def test_headline_without_final_punctuation_is_its_own_segment():
    text = "مخاوف من سيناريو أفغانستان\nوبخصوص المخاوف من تكرار السيناريو قال المسؤول إن القرار أثار القلق."
    assert join_lines(text, lines(text)) == lines(text)
    sentences = segment(text, lines(text), "x")
    assert [s.kind for s in sentences] == [HEADING, SENTENCE]


def test_fragments_are_marked():
    # a one-word line and a line cut off after 'فيما' (seed 003)
    text = "العراقيون.\nوأكد وزير الخارجية العراقي أن القوات الأمنية العراقية لا تزال بحاجة إلى البرامج، فيما"
    assert [s.kind for s in segment(text, lines(text), "x")] == [FRAGMENT, FRAGMENT]


# ---------------------------------------------------------------- stray full stops


def test_seed_004_stray_full_stop_is_repaired():
    article = make_article("004", seed_text("004"))
    texts = [s.text for s in article.sentences]
    joined = next(t for t in texts if "كتائبين." in t)
    assert joined.startswith("ونفذت الولايات المتحدة عدة ضربات")
    assert joined.endswith("مباني مقر حزب الله ومنشأة استخباراتية، بحسب مسؤول دفاعي أمريكي.")
    # the lone word left after a closing quote joins the sentence it ends
    assert not any(t == "العراقيون." for t in texts)
    assert any(t.endswith("حيث نقدم المشورة والمساعدة”. العراقيون.") for t in texts)


@pytest.mark.parametrize(
    "text, pieces",
    [
        # a bare noun phrase after a full stop, modelled on seed 004
        (
            "استهدفت الغارة مواقع عدة. مخازن أسلحة الفصيل ومقر قيادته، بحسب بيان الجيش.",
            ["استهدفت الغارة مواقع عدة. مخازن أسلحة الفصيل ومقر قيادته، بحسب بيان الجيش."],
        ),
        # punctuation alone (EASC education-03: "خليجة .. . ماذا")
        ("من محيطه إلى خليجة .. . ماذا يريد الشارع؟", ["من محيطه إلى خليجة .. .", "ماذا يريد الشارع؟"]),
        # a piece opening with a comma
        ("وقتل عشرة أشخاص. ،و البعض ما زالوا مفقودين.", ["وقتل عشرة أشخاص. ،و البعض ما زالوا مفقودين."]),
    ],
)
def test_a_piece_that_cannot_open_a_sentence_joins_the_one_before(text, pieces):
    assert split(text) == pieces


def test_bare_phrase_cannot_open_a_sentence():
    assert not opens_sentence("مخازن أسلحة الفصيل ومقر قيادته، بحسب بيان الجيش.")
    assert not opens_sentence("مباني مقر حزب الله ومنشأة استخباراتية، بحسب مسؤول دفاعي أمريكي.")


@pytest.mark.parametrize(
    "text",
    [
        "يتكون البحر من مياه مالحة. حركة البحر عبارة عن مد و جزر.",  # EASC environment-13
        "تعيش القطط في البيوت. تزن القطة بين 4 و 7 كغ.",  # EASC environment-28: an imperfect verb
        "تستخدم الكرة في اللعب. أعضاء الفريق هم الملتقفون و الضاربون.",  # EASC sport-01: pronoun copula
        "احفظي الأدوية في مكان عال. ضعي السكاكين والأدوات الخطرة الأخرى بعيداً عن متناول الطفل.",  # imperative
        "قال المسؤول إن القوات باقية. مسؤول أمريكي قال إن المهمة لم تتغير.",
        "وصل الوفد إلى واشنطن. 2500 جندي أمريكي ما زالوا في العراق.",
    ],
)
def test_real_sentences_after_a_full_stop_stay_apart(text):
    assert len(split(text)) == 2
    assert opens_sentence(split(text)[1])


def test_a_participle_clause_stays_apart_but_is_not_self_contained():
    # seeds 000/001: Arabic news style starts a sentence with 'مشيراً' after a full stop
    text = 'وأوضح المسؤول أن المهمة "تركز على المشورة". مشيراً إلى أن العراقيين "يريدون بقاءنا".'
    first, second = split(text)
    assert is_self_contained(first)
    assert not is_self_contained(second)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقال المسؤول إن القوات باقية في العراق.", True),
        ("مشيراً إلى أن العراقيين يريدون بقاء القوات.", False),
        ("التي استهدفت مقرات الفصائل المسلحة في بغداد.", False),
        ("، بحسب ما نقلت وكالة الأنباء العراقية.", False),
        ("مباني مقر حزب الله ومنشأة استخباراتية، بحسب مسؤول دفاعي أمريكي.", False),
        ("وأكد وزير الخارجية أن القوات لا تزال بحاجة إلى البرامج، فيما", False),
        ("رئيس الوزراء العراقي يدافع عن وجود القوات الأمريكية.", True),
        ("البنتاغون لم يتلق أي طلبات لإنهاء وجوده في المنطقة.", True),
    ],
)
def test_is_self_contained(text, expected):
    assert is_self_contained(text) is expected
    sentence = segment(text, [(0, len(text))], "x")[0]
    assert is_self_contained(sentence) is expected


# ---------------------------------------------------------------- hard-wrapped lines

# The opening of EASC finance-03 (Essex Arabic Summaries Corpus, El-Haj, Kruschwitz & Fox 2010,
# CC-BY-4.0), hard-wrapped at 78 characters as distributed.
WRAPPED = (
    "كشف تقرير لمصلحة الإحصاءات العامة عن استقرار الرقم القياسي لتكاليف المعيشة في\n"
    "السعودية خلال شهر مارس الماضي مقارنة مع فبراير مسجلا ارتفاعا طفيفا نسبته 0.6%\n"
    "عن الفترة نفسها من العام الماضي.\n"
    " وتضمن التقرير أهم تحركات الأسعار والتغيرات النسبية في الرقم القياسي لتكاليف\n"
    "المعيشة في السعودية، مؤكدا أن شهري فبراير ويناير سجلا تراجعا في الرقم بنسبة 1%\n"
    "لكل منهما.\n"
    " وبالنسبة للتغيرات على مستوى المجموعات الرئيسة في مارس أظهر التقرير ارتفاع\n"
    "الرقم القياسي لمجموعتي الأثاث المنزلي والسلع والخدمات بنسب 0.5% و 0.6% على\n"
    "التوالي فيما سجلت 4 مجموعات رئيسة أخرى انخفاضا\n"
    "ثمة قناعة بدأت تتبلور بان الاصلاح قد بات مطلبا ذاتيا ملحا.\n"
)


def test_hard_wrapped_lines_are_joined_into_sentences():
    article = make_article("finance-03", WRAPPED)
    assert article.title is None
    assert [s.kind for s in article.sentences] == [SENTENCE] * 4
    first, second, third, fourth = article.sentences
    assert first.text.startswith("كشف تقرير") and first.text.endswith("من العام الماضي.")
    assert second.text.startswith("وتضمن التقرير") and second.text.endswith("لكل منهما.")
    # a short line without a full stop ends its paragraph: the next word would have fitted on it
    assert third.text.endswith("انخفاضا") and fourth.text.startswith("ثمة قناعة")
    for s in article.sentences:
        assert WRAPPED[s.start : s.end] == s.text


def test_text_that_is_not_wrapped_keeps_its_lines():
    text = seed_text("003")
    kept = lines(text)
    assert join_lines(text, kept) == kept
    # a line cut off after 'فيما' is not joined to the next, which opens a sentence ('وأضاف')
    article = make_article("003", text)
    cut = next(s for s in article.sentences if s.text.endswith("فيما"))
    assert cut.kind == FRAGMENT
    assert article.sentences[cut.index + 1].text.startswith("وأضاف حسين")


def test_a_cut_line_continued_by_a_bare_phrase_is_joined():
    text = "وقال المسؤول إن الغارة استهدفت،\nمخازن أسلحة الفصيل ومقر قيادته، بحسب بيان الجيش.\nثم عاد الوفد إلى بغداد."
    (a, _), (_, b), third = lines(text)
    assert join_lines(text, lines(text)) == [(a, b), third]


def test_spans_index_the_original_text(corpus):
    for article in corpus.articles:
        for i, s in enumerate(article.sentences):
            assert article.text[s.start : s.end] == s.text
            assert s.index == i and s.article == article.id


_ALPHABET = st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ةءأإآىًٌٍَُِّ") + list(' .؟!؛…"“”«»،,0123456789\n\t') + ["د.", "U.S."])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=200).map("".join))
def test_segmentation_never_loses_reorders_or_duplicates_text(text):
    spans = split_block(text, 0, len(text))
    # spans are ordered, disjoint and inside the block
    for (a, b), (c, _) in zip(spans, spans[1:]):
        assert a < b <= c
    # every non-space character is in exactly one sentence, in order
    joined = "".join(text[a:b] for a, b in spans)
    assert "".join(joined.split()) == "".join(text.split())


_LINE = st.lists(_ALPHABET, min_size=1, max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=12), st.lists(st.sampled_from(["\n", "\n\n", " \n"]), min_size=12, max_size=12))
def test_joined_lines_segment_without_losing_text(parts, breaks):
    text = "".join(p + b for p, b in zip(parts, breaks))
    blocks = [(a, b) for a, b in lines(text) if text[a:b].strip()]
    blocks = [(a + len(text[a:b]) - len(text[a:b].lstrip()), b - len(text[a:b]) + len(text[a:b].rstrip())) for a, b in blocks]
    joined = join_lines(text, blocks)
    # joined blocks are unions of consecutive blocks, in order
    assert [a for a, _ in joined] == sorted({a for a, _ in joined})
    assert {a for a, _ in joined} <= {a for a, _ in blocks} and {b for _, b in joined} <= {b for _, b in blocks}
    sentences = segment(text, joined, "x")
    for s in sentences:
        assert text[s.start : s.end] == s.text
    kept = "".join(text[a:b] for a, b in blocks)
    assert "".join("".join(s.text for s in sentences).split()) == "".join(kept.split())
