"""Search keys: the forms of one name in any script share them; different names do not."""

from __future__ import annotations

import pytest

from sviedka.names import search_keys

SAME = [
    ("Алесь Бяляцкі", "Алесь Беляцкий", "Ales Bialiatski", "Ales Byalyatski", "Aleś Bialacki"),
    ("Святлана Ціханоўская", "Светлана Тихановская", "Sviatlana Tsikhanouskaya",
     "Sviatłana Cichanoŭskaja", "Svetlana Tikhanovskaya"),
    ("Марыя Калеснікава", "Мария Колесникова", "Maryia Kalesnikava", "Maria Kolesnikova"),
    ("Аляксандр Лукашэнка", "Александр Лукашенко", "Aliaksandr Lukashenka",
     "Alaksandr Łukašenka", "Alexander Lukashenko"),
    ("Уладзімір Мацкевіч", "Владимир Мацкевич", "Uladzimir Matskevich", "Vladimir Matskevich"),
    ("Дзмітрый Дашкевіч", "Дмитрий Дашкевич", "Dzmitry Dashkevich", "Dmitriy Dashkevich"),
    ("Кацярына Андрэева", "Екатерина Андреева", "Katsiaryna Andreyeva", "Yekaterina Andreeva"),
    ("Таццяна Ганчар", "Татьяна Гончар", "Tatsiana Hanchar", "Tat'yana Gonchar"),
    ("Вольга", "Ольга", "Volha", "Olga"),
    ("Ганна", "Анна", "Hanna", "Anna"),
    ("Сяргей Ціханоўскі", "Сергей Тихановский", "Siarhei Tsikhanouski", "Sergey Tikhanovskiy"),
    ("Юрый Іваноў", "Юрий Иванов", "Yury Ivanou", "Yuriy Ivanov", "Jury Ivanoŭ"),
    ("Андрэй Вараб'ёў", "Андрей Воробьёв", "Andrey Vorob'yev", "Andrei Varabyou"),
]  # fmt: skip


@pytest.mark.parametrize("forms", SAME, ids=lambda forms: forms[2])
def test_forms_of_one_name_share_keys(forms: tuple[str, ...]) -> None:
    keys = {tuple(search_keys(form)) for form in forms}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Бяляцкі", "Белякович"),
        ("Иванов", "Петров"),
        ("Ціханоўская", "Тимановская"),
        ("Лукашэнка", "Лукьяненко"),
        ("Сергей", "Георгий"),
    ],
)
def test_different_names_have_different_keys(left: str, right: str) -> None:
    assert search_keys(left) != search_keys(right)


def test_keys_are_lower_case_ascii_in_order_and_distinct() -> None:
    keys = search_keys("Бяляцкі Алесь Віктаравіч, Бяляцкі")
    assert keys == search_keys("Bialiatski Ales Viktaravich")
    assert len(keys) == 3
    assert all(k.isascii() and k.islower() and k.isalpha() for k in keys)


def test_initials_and_punctuation_give_no_key() -> None:
    assert search_keys("А. Бяляцкі") == search_keys("Бяляцкі")
    assert search_keys("— 2021, №5 —") == []
    assert search_keys("") == []


def test_patronymics_share_keys_across_languages() -> None:
    assert search_keys("Віктаравіч") == search_keys("Викторович") == search_keys("Viktorovich")
    assert search_keys("Мікалаеўна") == search_keys("Николаевна") == search_keys("Nikolayevna")


def test_other_scripts_are_transliterated() -> None:
    assert search_keys("Παπαδόπουλος") == search_keys("Papadopoulos")
