"""``unmask``: invisible characters dropped, words mixing Latin and Cyrillic look-alikes written
in one script; and the keys and scores that follow from it."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from sviedka.names import name_similarity, search_keys
from sviedka.names.blocking import blocking_keys
from sviedka.names.confusables import HOMOGLYPHS, INVISIBLE, unmask

PLAIN = "Алесь Бяляцкі"


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Аlеs Віаlіаtskі", "Ales Bialiatski"),  # Latin l s t k only Latin: the word is Latin
        ("Бяляцкi", "Бяляцкі"),  # a Latin i in a Cyrillic word
        ("Сoс", "Сос"),  # only look-alikes: the script with more letters
        ("Сяrгей", "Сяггей"),  # r is a look-alike of г, as confusables.txt has it
        ("Ціханоy\u0306ская", "Ціханоўская"),  # Latin y and a breve: ў
        ("ВІКТОР Бяляцкi", "ВІКТОР Бяляцкі"),  # one-script words are never changed
        ("Łukašenkа", "Łukašenka"),
        ("Але\u200dсь\u00ad Бя\u200bляцкі\ufeff", PLAIN),
        ("\u202eАлесь\u202c \u2066Бяляцкі\u2069\u200e", PLAIN),
        ("Бяляцк\u0456\ufe0f\u034f", PLAIN.split()[1]),  # a variation selector, a grapheme joiner
        ("Ales Bialiatski", "Ales Bialiatski"),
        ("Аo", "Аo"),  # a tie: left as it is
    ],
)
def test_unmask(text: str, plain: str) -> None:
    assert unmask(text) == plain
    assert unmask(plain) == plain


def test_unmask_keeps_the_text_around_the_words() -> None:
    text = "Суд: 3 гады, арт. 342 КК (Viasna, 2021-09-25) — «Бяляцкі»"
    assert unmask(text) == text
    assert unmask("Віаlіаtskі, 2021; Аlеs!") == "Bialiatski, 2021; Ales!"


@pytest.mark.parametrize(
    "hidden",
    ["Аlеs Віаlіаtskі", "Але\u200dсь Бя\u200bляцкі", "А\u00adлесь \u202eБяляцкі\u202c"],
)
def test_a_hidden_name_has_the_keys_and_score_of_its_plain_spelling(hidden: str) -> None:
    assert search_keys(hidden) == search_keys(PLAIN) == ["alas", "balack"]
    assert blocking_keys([hidden], 1962) == blocking_keys([PLAIN], 1962)
    assert name_similarity(hidden, PLAIN) >= 0.98


def test_each_homoglyph_pair_is_a_unicode_confusable() -> None:
    icu = pytest.importorskip("icu")
    checker = icu.SpoofChecker()

    def skeleton(text: str) -> str:
        return str(checker.getSkeleton(0, text))

    assert [c for c, latin in HOMOGLYPHS.items() if skeleton(c) != skeleton(latin)] == []
    assert len(set(HOMOGLYPHS.values())) == len(HOMOGLYPHS), "one letter for one"
    assert all(unicodedata.name(c).startswith("CYRILLIC") for c in HOMOGLYPHS)
    assert all(latin.isascii() and latin.isalpha() for latin in HOMOGLYPHS.values())


def _invisible() -> set[int]:
    found: set[int] = set()
    for first, last in re.findall(r"(.)(?:-(.))?", INVISIBLE):
        found.update(range(ord(first), ord(last or first) + 1))
    return found


def test_every_format_character_is_invisible() -> None:
    # Fails when Python's Unicode gains format characters: add them to INVISIBLE and bump
    # KEYS_VERSION (keys change), as for any change of the rules.
    every = {cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"}
    assert every - _invisible() == set()


def test_every_default_ignorable_code_point_is_invisible_and_nothing_else() -> None:
    icu = pytest.importorskip("icu")
    ignorable = icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT
    every = {
        cp
        for cp in range(sys.maxunicode + 1)
        if icu.Char.hasBinaryProperty(cp, ignorable) or unicodedata.category(chr(cp)) == "Cf"
    }
    assert _invisible() == every
