"""Reading cells as sheets write them: dates, articles, sentences, headers, mapping files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from sviedka.errors import Invalid
from sviedka.model import PartialDate
from sviedka.services.importing.articles import ArticleProblem, Charged, parse_articles
from sviedka.services.importing.build import facility_type
from sviedka.services.importing.columns import FIELDS, match_header, read_mapping
from sviedka.services.importing.dates import parse_date
from sviedka.services.importing.sentences import ReadSentence, read_sentence
from sviedka.services.importing.text import name_lang, normalise

D = PartialDate


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("25.09.1962", D(1962, 9, 25)),
        ("5.9.2021", D(2021, 9, 5)),
        ("25/09/1962", D(1962, 9, 25)),
        ("1962", D(1962)),
        ("1962 г.", D(1962)),
        ("09.2021", D(2021, 9)),
        ("2021-09-25", D(2021, 9, 25)),
        ("2021-09", D(2021, 9)),
        ("25 верасня 2021", D(2021, 9, 25)),
        ("25 сентября 2021 г.", D(2021, 9, 25)),
        ("сентябрь 2021", D(2021, 9)),
        ("верасень 2021", D(2021, 9)),
        ("3 траўня 2022", D(2022, 5, 3)),
        ("9 мая 2022", D(2022, 5, 9)),
        ("1 марта 2021", D(2021, 3, 1)),
        ("снежань 2020", D(2020, 12)),
        ("September 2021", D(2021, 9)),
        (" 01.10.2021 ", D(2021, 10, 1)),
        (datetime(2021, 9, 25, 0, 0), D(2021, 9, 25)),
        (date(2021, 9, 25), D(2021, 9, 25)),
        (1962, D(1962)),
        (1962.0, D(1962)),
        ("", None),
        (None, None),
    ],
)
def test_dates_read_at_the_precision_written(cell: object, expected: PartialDate | None) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("31.02.2021", "is not a real date: that month has no day 31"),
        ("2021-13", "is not a real date: month 13 does not exist"),
        ("13.2021", "is not a real date: month 13 does not exist"),
        ("29.02.2021", "is not a real date: that month has no day 29"),
        ("12.03.84", "needs a four-digit year (a two-digit year is not guessed)"),
        ("25 фрабля 2021", "has a month name this importer does not know"),
        ("вчера", "is not a date this importer reads (e.g. 25.09.2021, 09.2021, 2021)"),
        ("2021-09-25/2022", "is not a date this importer reads (e.g. 25.09.2021, 09.2021, 2021)"),
        (1962.5, "is a number, not a date (format the cell as a date or text)"),
    ],
)
def test_impossible_dates_are_reported_never_guessed(cell: object, problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(cell)
    assert str(caught.value) == problem


KNOWN = {"130", "342", "361", "361-1", "361-4", "369", "411"}


@pytest.mark.parametrize(
    ("cell", "charges"),
    [
        ("342 ч.1", [("342", 1)]),
        ("ч. 1 ст. 342", [("342", 1)]),
        ("361-1, 361-4", [("361-1", None), ("361-4", None)]),
        ("Art. 130 part 3", [("130", 3)]),
        ("ст.342 ч.2; 130 ч.3", [("342", 2), ("130", 3)]),
        ("ч.1,2 ст.342", [("342", 1), ("342", 2)]),
        ("342 ч. 1, 2", [("342", 1), ("342", 2)]),
        ("ч.1 ст.342, ч.3 ст.130", [("342", 1), ("130", 3)]),
        ("ст. 342 ч. 1 УК РБ", [("342", 1)]),
        ("артыкул 342 частка 1", [("342", 1)]),
        ("ст.ст. 342, 130", [("342", None), ("130", None)]),
        ("361¹", [("361-1", None)]),
        ("361 - 4", [("361-4", None)]),
        ("342 ч.1 и 130 ч.3", [("342", 1), ("130", 3)]),
        ("342 ч.1; 342 ч.1", [("342", 1)]),
    ],
)
def test_articles_as_written(cell: str, charges: list[tuple[str, int | None]]) -> None:
    assert parse_articles(cell, KNOWN) == [Charged(a, p) for a, p in charges]


@pytest.mark.parametrize(
    ("cell", "problem", "unknown"),
    [
        ("999 ч.1", "unknown article(s) 999: not in the criminal_code_by vocabulary", ("999",)),
        ("342, 3421", "could not read the articles (e.g. write 342 ч.1 or ч. 1 ст. 342)", ()),
        ("ч.2", "a part is written without its article", ()),
        ("hooliganism", "could not read the articles (e.g. write 342 ч.1 or ч. 1 ст. 342)", ()),
        ("342-1 ч.2, 130", "unknown article(s) 342-1: not in the criminal_code_by vocabulary",
         ("342-1",)),
    ],
)  # fmt: skip
def test_unreadable_or_unknown_articles_are_reported(
    cell: str, problem: str, unknown: tuple[str, ...]
) -> None:
    with pytest.raises(ArticleProblem) as caught:
        parse_articles(cell, KNOWN)
    assert (str(caught.value), caught.value.unknown) == (problem, unknown)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 года колонии общего режима", ("deprivation_of_liberty", 36, "general")),
        ("2 г. 6 мес. ИК усиленного режима", ("deprivation_of_liberty", 30, "enhanced")),
        ("3 гады пазбаўлення волі ў калоніі ўзмоцненага рэжыму",
         ("deprivation_of_liberty", 36, "enhanced")),
        ("5 лет колонии строгого режима", ("deprivation_of_liberty", 60, "strict")),
        ("10 лет тюрьмы", ("deprivation_of_liberty", 120, "prison")),
        ("штраф", ("fine", None, None)),
        ("штраф 200 базовых величин", ("fine", None, None)),
        ("ограничение свободы", ("restriction_of_liberty", None, None)),
        ("2 года ограничения свободы с направлением в ИУОТ",
         ("restriction_of_liberty_open_facility", 24, None)),
        ("1,5 года домашней химии", ("restriction_of_liberty_home", 18, None)),
        ("6 месяцев ареста", ("arrest", 6, None)),
        ("2 года условно", ("suspended_sentence", 24, None)),
        ("5 years in a strict-regime colony", ("deprivation_of_liberty", 60, "strict")),
        ("приговор не вынесен", (None, None, None)),
    ],
)  # fmt: skip
def test_sentences_read_from_the_decision(
    text: str, expected: tuple[str | None, int | None, str | None]
) -> None:
    assert read_sentence(text) == ReadSentence(*expected)


def test_header_aliases_in_three_languages() -> None:
    english = ["id", "URL", "Name", "Status", "Birthday", "Arrested", "Articles", "Verdict_date"]
    belarusian = ["№", "Спасылка", "Імя", "Статус", "Дата нараджэння", "Дата затрымання",
                  "Артыкулы", "Дата прысуду"]  # fmt: skip
    russian = ["ID", "Ссылка", "ФИО", "статус", "Дата рождения", "Дата задержания", "Статьи",
               "Дата приговора"]  # fmt: skip
    wanted = ["id", "url", "name", "status", "birthday", "arrested", "articles", "verdict_date"]
    for header in (english, belarusian, russian):
        columns, ignored = match_header(header)
        assert (columns, ignored) == ({f: i for i, f in enumerate(wanted)}, [])


def test_header_matching_ignores_case_spaces_and_a_bom() -> None:
    columns, ignored = match_header(["\ufeffID", "  full   NAME ", "Дата  Рождения", "colour"])
    assert columns == {"id": 0, "name": 1, "birthday": 2}
    assert ignored == ["colour"]


def test_a_header_that_matches_nothing_lists_the_expected_columns() -> None:
    with pytest.raises(Invalid) as caught:
        match_header(["a", "b", "c"])
    message = str(caught.value)
    assert caught.value.errors == {"header": "no column for: name"}
    assert all(f"  {field}: " in message for field in FIELDS)
    assert "дата нараджэння" in message and "дата рождения" in message and "--mapping" in message


def test_a_mapping_file_maps_any_sheet(tmp_path: Path) -> None:
    file = tmp_path / "map.yaml"
    file.write_text(
        'list: "NGO X list"\ncolumns:\n  name: "Who"\n  arrested: "Taken"\n', encoding="utf-8"
    )
    mapping = read_mapping(file)
    assert (mapping.name, dict(mapping.columns)) == (
        "NGO X list",
        {"name": "Who", "arrested": "Taken"},
    )
    assert match_header(["Taken", "who", "Name"], mapping) == ({"arrested": 0, "name": 1}, ["Name"])
    with pytest.raises(Invalid) as caught:
        match_header(["Who"], mapping)
    assert caught.value.errors == {"columns.arrested": "no such column in the sheet"}


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("- a\n- b\n", {"(file)": "must be a mapping"}),
        ("columns:\n  name: N\n",
         {"list": "give the list's name (it names the Source of every record)"}),
        ("list: L\ncolumns:\n  nome: N\n  name: M\n",
         {"columns.nome": "is not a field; fields: " + ", ".join(FIELDS)}),
        ("list: L\ncolumns:\n  arrested: A\n",
         {"columns.name": "is required: the column with the person's name"}),
        ("list: L\nurl: ftp://x\nextra: 1\ncolumns:\n  name: N\n",
         {"url": "must be an http(s) URL", "extra": "is not a key of a mapping file"}),
        ("list: L\ncolumns: []\n", {"columns": "give a mapping of field: column header"}),
    ],
)  # fmt: skip
def test_bad_mapping_files_are_refused_naming_each_problem(
    tmp_path: Path, text: str, errors: dict[str, str]
) -> None:
    file = tmp_path / "map.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(Invalid) as caught:
        read_mapping(file)
    assert caught.value.errors == errors


def test_a_mapping_file_that_is_not_yaml_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "map.yaml"
    file.write_text("list: L\ncolumns: {name: [\n", encoding="utf-8")
    with pytest.raises(Invalid, match=r"not valid YAML \(line 3\)"):
        read_mapping(file)


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("Іваноў Іван Іванавіч", "be"),
        ("Иванов Иван Иванович", "ru"),
        ("Жук Антон", "und-Cyrl"),
        ("Ales Bialiatski", "und-Latn"),
        ("O'Brien", "und-Latn"),
    ],
)
def test_name_language_is_told_only_by_letters_that_decide_it(name: str, lang: str) -> None:
    assert name_lang(name) == lang


def test_names_compare_without_case_punctuation_spaces_or_yo() -> None:
    assert normalise("Сёмина  А.В.") == normalise("СЕМИНА а. в.")
    assert normalise("Іванова") != normalise("Иванова")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("СИЗО №1 г. Минск", "sizo"),
        ("СІЗА № 1, Мінск", "sizo"),
        ("ИК-15 г. Могилёв", "correctional_colony"),
        ("Исправительная колония № 4, Гомель", "correctional_colony"),
        ("Тюрьма №8 г. Жодино", "prison"),
        ("ИУОТ №2", "open_type_facility"),
        ("Somewhere", "other"),
    ],
)
def test_facility_type_from_its_name(name: str, code: str) -> None:
    assert facility_type(name) == code
