import re

from hypothesis import given, settings
from hypothesis import strategies as st

from talkhis.segment import FRAGMENT, HEADING, SENTENCE, segment, split_block


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in split_block(text, 0, len(text))]


def test_splits_on_arabic_and_latin_punctuation():
    text = "قال المسؤول إن القوات باقية. هل تنسحب القوات؟ لا نعرف بعد! انتهى الاجتماع؛ ثم غادر الوفد… وعاد لاحقا"
    assert split(text) == [
        "قال المسؤول إن القوات باقية.",
        "هل تنسحب القوات؟",
        "لا نعرف بعد!",
        "انتهى الاجتماع؛",
        "ثم غادر الوفد…",
        "وعاد لاحقا",
    ]


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
    blocks = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    sentences = segment(text, blocks, "x")
    assert [s.kind for s in sentences] == [HEADING, SENTENCE]


def test_fragments_are_marked():
    # a one-word sentence (seed 004) and a line cut off after 'فيما' (seed 003)
    text = "العراقيون.\nوأكد وزير الخارجية العراقي أن القوات الأمنية العراقية لا تزال بحاجة إلى البرامج، فيما"
    blocks = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    assert [s.kind for s in segment(text, blocks, "x")] == [FRAGMENT, FRAGMENT]


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
