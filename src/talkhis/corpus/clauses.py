"""Can a piece of Arabic text open a sentence? Word-level tests used by the segmenter.

Arabic sentences open with a verb, a particle or conjunction, a definite noun, a pronoun or a
demonstrative; a noun phrase that opens with a noun without article and carries no verb and no
predicate is the tail of a sentence cut by a stray full stop. No morphological analyser is
needed for that: closed lists of function words and common verbs, and affixes that mark verbs
(imperfect ي ت ن, perfect ـت ـوا) or adjectives (nisba ـي ـية), suffice, and every test errs
towards "this may be a sentence" so that no real sentence is glued to its neighbour.
"""

from __future__ import annotations

import re

from .lang import normalize_arabic

__all__ = [
    "DANGLING",
    "CONTINUING_PUNCTUATION",
    "words",
    "is_verb_like",
    "bare_phrase",
    "lone_word",
    "opens_sentence",
]

_WORD = re.compile(r"\S+")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u0640\u064b-\u0652\u0670]+")
_CLOSERS = "\"'”’»)]}"
#: A piece that starts with one of these continues the sentence before it.
CONTINUING_PUNCTUATION = frozenset("،,؛;:)]}”»")

# All word lists are in normalised form (see talkhis.corpus.lang.normalize_arabic).
_W = str.split
#: Words a scraped line may be cut off after: such a line is an unfinished fragment.
DANGLING = frozenset(_W("فيما و ان التي الذي حيث بينما لكن في من علي الي"))
# Circumstantial participles and relative pronouns: they continue the sentence before them.
_CONTINUATIONS = frozenset(_W(
    "مشيرا مؤكدا موضحا مضيفا لافتا معتبرا مبينا منوها واصفا مشددا داعيا قائلا مستدركا متابعا معربا"
    " مطالبا معلنا محذرا مرجحا مستبعدا ملمحا مذكرا معللا مقرا منتقدا مختتما"
    " الذي التي الذين اللذان اللتان اللذين اللتين اللواتي اللاتي اللائي"
))
# Function words that can open a sentence although they carry no article.
_FUNCTION_WORDS = frozenset(_W(
    "في من علي الي عن مع منذ حتي عند لدي بين خلال بعد قبل حول ضد دون عبر نحو حسب وفق وفقا طبقا"
    " تبعا نظرا رغم اثر اثناء امام وراء تحت فوق ضمن عقب ازاء مثل"
    " ثم او ام بل اما اذا اذ ان انه انها انهم اننا انني لقد قد كما كذلك لذا لذلك لهذا هكذا حيث بينما"
    " فيما عندما حين حينما لما كلما طالما لو لولا كي لكي لان لكن لكنه لكنها لكنهم ايضا اي"
    " لا لم لن ليس ليست ما غير سوي هل ماذا لماذا كيف متي اين كم نعم كلا"
    " هو هي هم هن هما نحن انا انت انتم هذا هذه هذان هاتان ذلك تلك هؤلاء اولئك هنا هناك هنالك ثمه"
    " كل بعض جميع معظم اغلب اكثر اقل احد احدي عده عدد حوالي قرابه"
    " امس غدا حاليا مؤخرا سابقا لاحقا يوم عام شهر"
))
# Common perfect verbs that carry no affix showing them to be verbs.
_VERBS = frozenset(_W(
    "قال اكد اعلن اضاف اشار ذكر كان بات اصبح صار ظل جاء تم بدا قام اوضح افاد صرح كشف لفت شدد اعتبر"
    " راي طلب دعا عاد وصل قتل نفي حذر زار شارك بلغ وقع جري ضرب سقط بدء"
))
# Endings that make a word a noun or adjective rather than a verb, and those of adjectives (nisba).
_NOMINAL_ENDINGS = ("ه", "ات", "ي", "يه", "ين", "ون", "ان", "اء")
_NISBA_ENDINGS = ("ي", "يه", "يون", "يين", "يان")


def words(text: str) -> list[str]:
    """The normalised words of ``text``; a word with a Latin letter or a digit becomes ``#``."""
    out = []
    for raw in _WORD.findall(text):
        core = raw.strip("\"'“”«»()[]{}،,.:;؛!?؟…-–—·*_/")
        if not core:
            continue
        if not _ARABIC_WORD.fullmatch(core):
            out.append("#")
        elif normal := normalize_arabic(core):  # diacritics alone normalise to nothing
            out.append(normal)
    return out


def is_verb_like(word: str) -> bool:
    """True when ``word`` may be a verb: an imperfect prefix (يفعل, سيفعل), a perfect ending
    (فعلت, فعلوا), a form IV/VIII/X perfect (أعلن, استهدف) or a common verb. It errs towards
    "verb", since it only ever keeps a piece apart that might be a sentence of its own."""
    if word == "#":
        return False
    w = word[1:] if len(word) > 3 and word[0] in "وف" else word
    if w in _VERBS:
        return True
    if w.startswith("ال") or w in _FUNCTION_WORDS:
        return False
    return (
        (w[0] in "يتن" and len(w) >= 3)
        or (w.startswith(("سي", "ست", "سن")) and len(w) >= 5)
        or (w.endswith("وا") and len(w) >= 4)
        or (w.endswith("ت") and not w.endswith("ات") and len(w) >= 4)
        or (w[0] == "ا" and 4 <= len(w) <= 6 and not w.endswith(_NOMINAL_ENDINGS))
    )


def _indefinite_noun(word: str) -> bool:
    """True when ``word`` can only be a noun without article: no ``ال``, no attached conjunction
    or preposition (و ف ب ل ك), not a function word, not possibly a verb."""
    return (
        word != "#"
        and not word.startswith("ال")
        and word[0] not in "وفبلك"
        and word not in _FUNCTION_WORDS
        and not is_verb_like(word)
    )


def _has_predicate(text: str) -> bool:
    """Whether anything but the noun phrase that opens ``text`` comes before its first comma.

    The phrase is a construct chain (``مباني مقر حزب الله``) closed by a word with the article,
    with adjectives and ``و``-coordinated phrases; a function word, a number, or a word without
    article after the closed chain is taken for a predicate."""
    definite = False
    for raw in _WORD.findall(text):
        found = words(raw)
        if found:
            w = found[0]
            if w == "#" or w in _FUNCTION_WORDS:
                return True
            if w[0] == "و" and len(w) > 3:
                definite = w[1:].startswith("ال")  # coordination opens a new noun phrase
            elif w.startswith("ال"):
                definite = True
            elif definite and not w.endswith(_NISBA_ENDINGS):
                return True
        if raw.rstrip(_CLOSERS).endswith(("،", ",", "؛", ";")):
            return False
    return False


def bare_phrase(text: str) -> bool:
    """A noun phrase and nothing more: it opens with a noun without article, no word of it may
    be a verb, and no predicate follows the phrase before its first comma
    (``مباني مقر حزب الله ومنشأة استخباراتية، بحسب مسؤول دفاعي أمريكي.``)."""
    found = words(text)
    return bool(found) and _indefinite_noun(found[0]) and not any(map(is_verb_like, found)) and not _has_predicate(text)


def opens_sentence(text: str) -> bool:
    """Whether ``text`` can open an Arabic sentence; ``False`` means it continues the one before.

    It cannot when it starts with continuing punctuation (``،`` ``:`` a closing bracket or
    quote), with a circumstantial participle (``مشيراً``, ``مؤكداً``) or a relative pronoun
    (``التي``), or when it is a bare noun phrase (see :func:`bare_phrase`). Anything else may
    open a sentence: the test errs towards "yes", so that no real sentence is glued to another.
    """
    stripped = text.lstrip()
    if stripped[:1] in CONTINUING_PUNCTUATION:
        return False
    found = words(stripped)
    return not (found and found[0] in _CONTINUATIONS) and not bare_phrase(stripped)

def lone_word(text: str) -> bool:
    """A single word that is neither a verb nor a function word (``العراقيون.``): not a sentence."""
    found = words(text)
    return len(found) == 1 and found[0] != "#" and found[0] not in _FUNCTION_WORDS and not is_verb_like(found[0])
