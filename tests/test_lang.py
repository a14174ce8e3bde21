import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkhis.corpus.lang import arabic_ratio, get_language, normalize_arabic, stopwords, tokenize
from talkhis.errors import UnknownBackend


def test_normalisation_removes_marks_and_unifies_letters():
    assert normalize_arabic("أَكَّدَ") == "اكد"
    assert normalize_arabic("إيران") == "ايران"
    assert normalize_arabic("آذار") == "اذار"
    assert normalize_arabic("مستشفى") == "مستشفي"
    assert normalize_arabic("الحكومة") == "الحكومه"
    assert normalize_arabic("الأمريكيّة") == "الامريكيه"
    assert normalize_arabic("جـــديد") == "جديد"  # tatweel
    assert normalize_arabic("٢٠٢١ و۲۰۲۴") == "2021 و2024"
    assert normalize_arabic("FOX  News\u200f") == "fox news"


def test_tokenize_keeps_numbers_whole_and_words_with_harakat():
    assert tokenize("من أصل 2,500 جندي و3.5 مليار") == ["من", "اصل", "2,500", "جندي", "و3.5", "مليار"]
    assert tokenize("أَكَّدَ الكاظميُّ") == ["اكد", "الكاظمي"]


def test_arabic_ratio():
    assert arabic_ratio("العراق والولايات المتحدة") == 1.0
    assert arabic_ratio("The United States and Iraq") == 0.0
    assert 0.3 < arabic_ratio("العراق Iraq") < 0.7
    assert arabic_ratio("2021 - 2024") == 0.0


def test_stopwords_are_normalised_and_loaded():
    words = stopwords("ar")
    assert "في" in words and "التي" in words
    assert "الي" in words  # 'إلى' after normalisation
    assert "العراق" not in words


def test_unknown_language_lists_known_ones():
    with pytest.raises(UnknownBackend, match="'ar'"):
        get_language("xx")


@given(st.text())
def test_normalisation_is_idempotent(text):
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once
