"""name_variants: the other language's Cyrillic (only when certain) and the Latin spellings."""

from __future__ import annotations

from sviedka.names import name_variants, search_keys
from sviedka.names.variants import detect_language


def test_belarusian_name_gets_russian_form_and_latin_spellings() -> None:
    assert name_variants("Алесь Бяляцкі") == [
        "Алесь Бяляцкі",
        "Алесь Беляцкий",
        "Ales Bialiatski",
        "Alyes Byalyatski",
        "Alieś Bialiacki",
        "Aleś Bialacki",
        "Ales Belyatskiy",
        "Ales Beliatskii",
    ]


def test_patronymics_are_converted_with_their_endings() -> None:
    variants = name_variants("Бяляцкі Алесь Віктаравіч")
    assert "Беляцкий Алесь Викторович" in variants
    assert "Святлана Георгіеўна Ціханоўская" in name_variants(
        "Светлана Георгиевна Тихановская"
    ) or "Святлана Георгеўна Ціханоўская" in name_variants("Светлана Георгиевна Тихановская")
    assert name_variants("Юрый Ільіч Іваноў")[1] == "Юрий Ильич Иванов"


def test_an_unlisted_surname_is_not_guessed_in_the_other_language() -> None:
    variants = name_variants("Уладзімір Пуцін")
    assert not any("Владимир" in v for v in variants)
    assert "Uladzimir Putsin" in variants


def test_every_variant_shares_the_search_keys() -> None:
    for full in ("Алесь Бяляцкі", "Светлана Тихановская", "Марыя Калеснікава"):
        keys = {tuple(search_keys(v)) for v in name_variants(full)}
        assert len(keys) == 1, keys


def test_latin_names_come_back_as_they_are() -> None:
    assert name_variants("  Ales   Bialiatski ") == ["Ales Bialiatski"]
    assert name_variants("") == []


def test_language_is_told_by_letters_or_given() -> None:
    assert detect_language("Алесь Бяляцкі") == "be"
    assert detect_language("Алесь Беляцкий") == "ru"
    assert detect_language("Алесь Знак") is None
    assert name_variants("Алесь Знак", lang="be")[1] == "Ales Znak"
