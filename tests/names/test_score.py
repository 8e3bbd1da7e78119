"""name_similarity and match_names: scripts, order, initials, patronymics, the issue's cases."""

from __future__ import annotations

import pytest

from sviedka.names import MATCH_THRESHOLD, Match, match_names, name_similarity

SAME_PERSON = [
    # the example, every pair of its four forms
    ("Алесь Бяляцкі", "Алесь Беляцкий"),
    ("Алесь Бяляцкі", "Ales Bialiatski"),
    ("Алесь Беляцкий", "Ales Byalyatski"),
    ("Ales Bialiatski", "Ales Byalyatski"),
    # family-first with patronymic vs given-first without
    ("Бяляцкі Алесь Віктаравіч", "Ales Bialiatski"),
    ("Беляцкий Алесь Викторович", "Алесь Віктаравіч Бяляцкі"),
    # initials
    ("А. Бяляцкі", "Алесь Беляцкий"),
    ("Бяляцкі А. В.", "Ales Viktaravich Bialiatski"),
    # passport / Viasna style, BGN, national system, Łacinka
    ("Святлана Ціханоўская", "Sviatlana Tsikhanouskaya"),
    ("Светлана Тихановская", "Sviatłana Cichanoŭskaja"),
    ("Марыя Калеснікава", "Maria Kolesnikova"),
    ("Аляксандр Лукашэнка", "Alexander Lukashenko"),
    ("Сяргей Ціханоўскі", "Sergei Tikhanovsky"),
    ("Ганна Іванова", "Anna Ivanova"),
    ("Вольга Ковалева", "Volha Kavaliova"),
    ("Уладзімір Мацкевіч", "Vladimir Matskevich"),
    ("Кацярына Андрэева", "Yekaterina Andreyeva"),
    ("Юрый Іваноў", "Iurii Ivanov"),
    ("Мікалай Статкевіч", "Nikolai Statkevich"),
    ("Алесь Бяляцкі", "Олесь Беляцкий"),
]

DIFFERENT_PEOPLE = [
    ("Сергей Иванович Петров", "Sergey Ivanovich Sidorov"),  # same given and patronymic
    ("Иван Иванович Данченко", "Ivan Ivanovich Panchenko"),  # one letter, another surname
    ("Сяргей Ціханоўскі", "Святлана Ціханоўская"),  # spouses
    ("Аляксандр Іваноў", "Андрэй Іваноў"),  # brothers
    ("Сергей Викторович Лавров", "Сергей Борисович Лавров"),  # other father
    ("Давыд Лосік", "David Lysyuk"),  # vowels no correspondence explains
    ("Аляксандр Лукашэнка", "Аляксандра Лукашэнка"),
    ("Barack Obama", "Michelle Obama"),
]


@pytest.mark.parametrize(("left", "right"), SAME_PERSON)
def test_same_person_scores_above_threshold(left: str, right: str) -> None:
    assert name_similarity(left, right) >= MATCH_THRESHOLD


@pytest.mark.parametrize(("left", "right"), DIFFERENT_PEOPLE)
def test_different_people_score_below_threshold(left: str, right: str) -> None:
    assert name_similarity(left, right) < MATCH_THRESHOLD


@pytest.mark.parametrize(("left", "right"), SAME_PERSON[:8] + DIFFERENT_PEOPLE[:4])
def test_symmetric_and_order_insensitive(left: str, right: str) -> None:
    score = name_similarity(left, right)
    assert name_similarity(right, left) == score
    assert name_similarity(" ".join(reversed(left.split())), right) == pytest.approx(
        score, abs=0.02
    )


def test_identical_names_score_one_and_empty_names_zero() -> None:
    assert name_similarity("Алесь Бяляцкі", "алесь  бяляцкі") == 1.0
    assert name_similarity("", "Алесь Бяляцкі") == 0.0
    assert name_similarity("—", "...") == 0.0


def test_a_missing_patronymic_costs_nothing_a_different_one_costs_much() -> None:
    full = "Беляцкий Алесь Викторович"
    with_it = name_similarity(full, "Ales Viktaravich Bialiatski")
    assert name_similarity(full, "Ales Bialiatski") == pytest.approx(with_it, abs=0.01)
    assert name_similarity(full, "Беляцкий Алесь Иванович") < MATCH_THRESHOLD


def test_an_initial_must_fit() -> None:
    assert name_similarity("А. Бяляцкі", "Алесь Бяляцкі") >= MATCH_THRESHOLD
    assert name_similarity("В. Бяляцкі", "Алесь Бяляцкі") < name_similarity(
        "А. Бяляцкі", "Алесь Бяляцкі"
    )


def test_split_words_are_joined() -> None:
    assert name_similarity("SergeiLavrov", "Sergei Lavrov") >= MATCH_THRESHOLD


def test_a_typo_in_one_script_is_forgiven_more_than_a_transliteration_gap() -> None:
    slip = name_similarity("Olaf Scholz", "Olaf Schloz")
    assert slip >= MATCH_THRESHOLD
    assert name_similarity("Иван Данченко", "Ivan Panchenko") < MATCH_THRESHOLD


def test_match_names_picks_the_best_pair_of_forms_and_says_why() -> None:
    match = match_names(["Алесь Бяляцкі", "Ales Bialiatski"], ["Беляцкий Алесь Викторович"])
    assert isinstance(match, Match)
    assert match.score >= MATCH_THRESHOLD
    assert match.right == "Беляцкий Алесь Викторович"
    assert any("беляцкий" in reason for reason in match.why)
    assert any("unmatched" in reason for reason in match.why)  # the patronymic


def test_match_names_without_forms_is_no_match() -> None:
    assert match_names([], ["Алесь Бяляцкі"]) == Match(0.0, "", "", ())


@pytest.mark.parametrize(
    ("initialled", "full"),
    [
        ("Ц. Равяік", "Цімур Равяік"),  # the initial as written, though ці folds to ти
        ("Г. Іванова", "Ганна Іванова"),  # Ганна is Анна: both letters fit
        ("В. Мацкевич", "Уладзімір Мацкевіч"),  # Владимир's initial for Уладзімір
        ("E. Andreyeva", "Кацярына Андрэева"),  # Екатерина
    ],
)
def test_initials_fit_any_form_of_the_given_name(initialled: str, full: str) -> None:
    assert name_similarity(initialled, full) >= MATCH_THRESHOLD


def test_a_patronymic_needs_a_three_word_name_and_there_is_only_one() -> None:
    from sviedka.names.parse import Kind, parse

    assert [p.kind for p in parse("Рэната Лякавіч")] == [Kind.GIVEN, Kind.OTHER]
    assert [p.kind for p in parse("Рэната Лукінічна Лякавіч")][1] == Kind.PATRONYMIC
    assert [p.kind for p in parse("Іван Лукіч Лякавіч")][1:] == [Kind.PATRONYMIC, Kind.OTHER]
