"""Which sentences can stand alone in a summary, and the reason given for those that cannot."""

from __future__ import annotations

import pytest

from talkhis.corpus import FRAGMENT, HEADING, SENTENCE, Sentence
from talkhis.select.candidates import candidate_problem, is_candidate


def sentence(text: str, kind: str = SENTENCE) -> Sentence:
    return Sentence("x", 0, 0, len(text), text, kind)


@pytest.mark.parametrize(
    "text, kind, problem",
    [
        ("وقال المسؤول الأميركي جون كيربي إن القوات ستبقى في العراق لمحاربة التنظيم.", SENTENCE, None),
        ("وأكد وزير الخارجية العراقي فؤاد حسين أن جولة الحوار الرابعة ستكون الأخيرة.", SENTENCE, None),
        ('"سنبقى في العراق بناء على دعوة الحكومة"، قال المسؤول الأميركي أمس.', SENTENCE, "opens with a quotation"),
        ("«سنبقى في العراق بناء على دعوة الحكومة» قال المسؤول الأميركي أمس.", SENTENCE, "opens with a quotation"),
        ("“سنبقى في العراق بناء على دعوة الحكومة” قال المسؤول الأميركي أمس.", SENTENCE, "opens with a quotation"),
        ("القوات الأميركية باقية في العراق لمحاربة التنظيم حسب المسؤول", HEADING, "a heading, not a full sentence"),
        ("وقال المسؤول الأميركي إن القوات ستبقى في العراق لمحاربة", FRAGMENT, "a fragment, not a full sentence"),
        ("قال المسؤول إن القوات باقية.", SENTENCE, "too short (5 words)"),
        (" ".join(["كلمة"] * 61) + ".", SENTENCE, "too long (61 words)"),
        # a reporting verb with nobody named
        ("وأضاف أن المحادثات ستتناول انسحاب القوات القتالية من البلاد قبل نهاية العام.", SENTENCE,
         "its speaker is not named"),
        ("وأشار إلى أنه \"إذا ما طلبت منا أي حكومة عراقية لاحقاً المغادرة، فسنجلس لنناقش\".", SENTENCE,
         "its speaker is not named"),
        ("وأضاف “نحن بصدد تحديد موعد لبدء الحوار من خلال اللجنة الثلاثية التي تم تشكيلها”.", SENTENCE,
         "its speaker is not named"),
        # a speaker named only by a role an earlier sentence introduced
        ("وقال المسؤول إنه من المتوقع أن تعلن وزارة الدفاع عن استئناف المحادثات هذا الأسبوع.", SENTENCE,
         "its speaker is named only by a role introduced earlier"),
        ("وأضاف المسؤول الأميركي أنه لا نية لتكرار قرار الانسحاب من العراق في المستقبل القريب.", SENTENCE,
         "its speaker is named only by a role introduced earlier"),
        # it continues the sentence before it
        ("مشيراً إلى أن العراقيين يريدون بقاء القوات الأميركية في كل بيان مشترك يخرج عن الحوار.", SENTENCE,
         "does not read on its own (it continues the sentence before or is cut off)"),
    ],
)
def test_candidate_problem_names_what_keeps_a_sentence_out(text, kind, problem):
    assert candidate_problem(sentence(text, kind)) == problem
    assert is_candidate(sentence(text, kind)) is (problem is None)


def test_a_speaker_named_after_the_verb_is_a_candidate():
    assert is_candidate(sentence("وقال رئيس الوزراء مصطفى الكاظمي إن العراق لم يعد بحاجة إلى قوات قتالية أجنبية."))
    assert is_candidate(sentence("وأكد المتحدث باسم البنتاغون جون كيربي أن الاجتماع سيناقش الوجود العسكري."))
