"""The given-name vocabulary: every form finds its own name, and no form is claimed twice."""

from __future__ import annotations

import pytest

from sviedka.names.romanise import romanise
from sviedka.names.vocabulary import given_name, given_names, patronymic


def test_about_two_hundred_names_of_both_genders() -> None:
    names = given_names()
    assert len(names) >= 200
    assert {n.gender for n in names} == {"m", "f"}
    assert len({n.be for n in names}) == len(names)


@pytest.mark.parametrize("name", given_names(), ids=lambda n: n.ru)
def test_every_form_and_romanisation_finds_its_name(name: object) -> None:
    forms = [*name.forms, romanise(name.be, "passport-be"), romanise(name.ru, "bgn-ru")]  # type: ignore[attr-defined]
    assert {given_name(form) for form in forms} == {name}


@pytest.mark.parametrize(
    ("word", "father", "gender"),
    [
        ("Віктаравіч", "Виктор", "m"),
        ("Викторовна", "Виктор", "f"),
        ("Мікалаеўна", "Николай", "f"),
        ("Sergeyevich", "Сергей", "m"),
        ("Ильич", "Илья", "m"),
        ("Ильинична", "Илья", "f"),
        ("Dmitrievna", "Дмитрий", "f"),
    ],
)
def test_patronymics(word: str, father: str, gender: str) -> None:
    found = patronymic(word)
    assert found is not None and found.father is not None
    assert (found.father.ru, found.gender) == (father, gender)


@pytest.mark.parametrize("word", ["Статкевіч", "Lukashevich", "Бяляцкі", "Ivanov"])
def test_surnames_are_not_patronymics(word: str) -> None:
    assert patronymic(word) is None
