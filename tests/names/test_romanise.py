"""Latin spellings by system, table-driven: one Belarusian or Russian name per row."""

from __future__ import annotations

import pytest

from sviedka.names.romanise import SYSTEMS, romanise

BELARUSIAN = [
    # Cyrillic, passport (Viasna), BGN/PCGN, national system, Łacinka
    ("Алесь Бяляцкі", "Ales Bialiatski", "Alyes Byalyatski", "Alieś Bialiacki", "Aleś Bialacki"),
    ("Святлана Ціханоўская", "Sviatlana Tsikhanouskaya", "Svyatlana Tsikhanowskaya",
     "Sviatlana Cichanoŭskaja", "Sviatłana Cichanoŭskaja"),
    ("Марыя Калеснікава", "Maryia Kalesnikava", "Maryya Kalyesnikava", "Maryja Kaliesnikava",
     "Maryja Kalesnikava"),
    ("Аляксандр Лукашэнка", "Aliaksandr Lukashenka", "Alyaksandr Lukashenka",
     "Aliaksandr Lukašenka", "Alaksandr Łukašenka"),
    ("Сяргей", "Siarhei", "Syarhyey", "Siarhiej", "Siarhiej"),
    ("Дзмітрый", "Dzmitry", "Dzmitryy", "Dzmitryj", "Dzmitryj"),
    ("Таццяна", "Tatsiana", "Tatstsyana", "Tacciana", "Tacciana"),
    ("Юрый Іваноў", "Yury Ivanou", "Yuryy Ivanow", "Juryj Ivanoŭ", "Juryj Ivanoŭ"),
    ("Ілля", "Illia", "Illya", "Illia", "Illa"),
]  # fmt: skip

RUSSIAN = [
    # Cyrillic, BGN/PCGN, passport (ICAO)
    ("Алесь Беляцкий", "Ales Belyatskiy", "Ales Beliatskii"),
    ("Светлана Тихановская", "Svetlana Tikhanovskaya", "Svetlana Tikhanovskaia"),
    ("Андрей Воробьёв", "Andrey Vorobyëv", "Andrei Vorobev"),
    ("Евгений Ежов", "Yevgeniy Yezhov", "Evgenii Ezhov"),
]


@pytest.mark.parametrize("row", BELARUSIAN, ids=lambda row: row[1])
def test_belarusian_systems(row: tuple[str, ...]) -> None:
    cyrillic, *expected = row
    systems = ("passport-be", "bgn-be", "national-be", "lacinka-be")
    assert [romanise(cyrillic, s) for s in systems] == expected


@pytest.mark.parametrize("row", RUSSIAN, ids=lambda row: row[1])
def test_russian_systems(row: tuple[str, ...]) -> None:
    cyrillic, *expected = row
    assert [romanise(cyrillic, s) for s in ("bgn-ru", "passport-ru")] == expected


def test_hyphens_capitals_and_foreign_letters_survive() -> None:
    assert romanise("Ганна-Марыя", "passport-be") == "Hanna-Maryia"
    assert romanise("Алесь X", "bgn-be") == "Alyes X"
    assert set(SYSTEMS) == {
        "passport-be", "bgn-be", "national-be", "lacinka-be", "bgn-ru", "passport-ru"
    }  # fmt: skip
