"""Italian first, English too: every fixed text and code word exists in both languages."""

from __future__ import annotations

from geoprocessing.report import text


def test_every_fixed_text_has_both_languages():
    missing = [k for k, pair in text.T.items() if len(pair) != 2 or not all(s.strip() for s in pair)]
    assert missing == []


def test_every_code_word_has_both_languages():
    missing = [(table, k) for table, words in text.CODES.items() for k, pair in words.items()
               if len(pair) != 2 or not all(s.strip() for s in pair)]
    assert missing == []


def test_the_languages_differ_where_words_differ():
    same = [k for k, (it, en) in text.T.items() if it == en]
    # a few words are the same in both languages (Budget, Partner, N, km, no...)
    assert len(same) < 12, same


def test_numbers_follow_each_language():
    assert text.number(1234567.891, "it", 2) == "1.234.567,89"
    assert text.number(1234567.891, "en", 2) == "1,234,567.89"
    assert text.money(1250000, "it") == "1.250.000 €"
    assert text.signed(-3.5, "en", 1) == "-3.5" and text.signed(3.5, "en", 1) == "+3.5"
    assert text.number(None, "it") == "–"
