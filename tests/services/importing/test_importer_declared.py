"""Every column of a list is a declared model path read by the one form reader, and the checks
across columns are declared too: the end a row describes (a death, the prison column's words, a
release date, the status), the free-text columns, and dates out of order."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_sheets import HEADER as SHEET
from import_sheets import write_csv

from sviedka.model import Detention, DetentionEnd, EndMode, Organisation, PartialDate, Person
from sviedka.model.paths import resolve
from sviedka.services.archive.folder import Archive
from sviedka.services.importing import Action, ImportOptions, ImportReport, run_import
from sviedka.services.importing.cells import COLUMNS, DECLARED, READINGS, read_cells
from sviedka.services.importing.columns import FIELDS
from sviedka.services.importing.rows import RowFacts, RowRejected, end_of, read_row
from sviedka.services.records.forms import BAD_TEXT, Before, out_of_order

D = PartialDate
HEADER = [*SHEET, "note"]
COLUMNS_OF = {field: i for i, field in enumerate(HEADER)}
KNOWN = ("130", "342")


def cells(**given: str) -> list[str]:
    return [given.get(field, "") for field in HEADER]


def facts(**given: str) -> RowFacts:
    return read_row(2, cells(name="A B", **given), COLUMNS_OF, len(HEADER), KNOWN)


def reasons(**given: str) -> list[str]:
    with pytest.raises(RowRejected) as rejected:
        facts(**given)
    return rejected.value.reasons


def test_every_column_of_a_list_is_declared_as_a_model_path() -> None:
    assert set(COLUMNS) == set(FIELDS)
    for column, (cls, path) in DECLARED.items():
        key = "charges.0.article" if column == "articles" else path
        assert resolve(cls, key).steps[-1] == key.split(".")[-1], column
    assert DECLARED["died"] == (Detention, "end.date")
    assert DECLARED["release_date"] == (DetentionEnd, "date")
    assert DECLARED["prison"] == (Organisation, "names.0.full")
    assert DECLARED["note"] == (Person, "notes")
    assert set(READINGS) == {c.reading for c in COLUMNS.values()}


def test_a_death_before_the_birthday_is_a_clear_problem_of_the_died_cell() -> None:
    assert reasons(birthday="1990", died="12.05.1985") == ["died: is before the birthday"]
    assert reasons(birthday="1990", arrested="1989", died="1985") == [
        "birthday: is after the arrest",
        "died: is before the birthday",
        "died: is before the arrest",
    ]


def test_a_release_before_the_arrest_is_refused_even_when_a_death_is_the_end() -> None:
    # the death is the detention's end, so the model's own rule (the end not before the arrest)
    # never sees the release date: the declared check does
    assert reasons(arrested="2021", release_date="2020", died="2023") == [
        "release_date: is before the arrest"
    ]


def test_checks_pass_when_a_date_is_imprecise_or_refused() -> None:
    assert facts(arrested="2021", release_date="05.2021").dates["release_date"] == D(2021, 5)
    assert reasons(birthday="31.02.1990", arrested="1980") == [
        "birthday: is not a real date: that month has no day 31"
    ]


def test_out_of_order_names_each_failed_check_in_its_order() -> None:
    dates = {"a": D(2021), "b": D(2020, 5), "c": None}
    checks = [Before("a", "b", "b", "is early"), Before("a", "c", "c", "never"),
              Before("b", "a", "a", "fine")]  # fmt: skip
    assert out_of_order(dates.get, checks) == [("b", "is early")]


@pytest.mark.parametrize(
    ("prison", "release_date", "status", "end"),
    [
        ("на волі", "", "", DetentionEnd(mode=EndMode.OTHER)),
        ("released", "01.03.2024", "", DetentionEnd(mode=EndMode.OTHER, date=D(2024, 3, 1))),
        ("Памілаваны 2024", "", "", DetentionEnd(mode=EndMode.PARDON)),
        ("выслан", "2024", "former", DetentionEnd(mode=EndMode.DEPORTATION, date=D(2024))),
        ("at liberty before serving sentence", "", "", DetentionEnd(mode=EndMode.NON_CUSTODIAL)),
        (
            "at liberty before serving sentence",
            "2024",
            "",
            DetentionEnd(mode=EndMode.OTHER, date=D(2024)),
        ),
        ("at liberty before serving sentence", "", "былы", DetentionEnd(mode=EndMode.OTHER)),
        ("", "", " Former ", DetentionEnd(mode=EndMode.OTHER)),
        ("ИК-15 г. Могилёв", "", "active", None),
        ("Освобождена досрочно", "", "", DetentionEnd(mode=EndMode.OTHER)),
    ],
)
def test_the_end_a_row_describes(
    prison: str, release_date: str, status: str, end: DetentionEnd | None
) -> None:
    row = facts(arrested="2021", prison=prison, release_date=release_date, status=status)
    assert end_of(row) == end
    assert (row.facility is None) == (end is not None)


@pytest.mark.parametrize(
    "words", ["на волі да пачатку адбыцця", "На свободе до начала отбывания наказания"]
)
def test_at_liberty_before_the_sentence_is_not_read_as_released(words: str) -> None:
    # both start with words that say "released"; the longer, more specific words win
    assert end_of(facts(prison=words)) == DetentionEnd(mode=EndMode.NON_CUSTODIAL)


def test_a_death_is_the_end_whatever_the_prison_column_says() -> None:
    row = facts(arrested="2021", prison="помилован", release_date="2022", died="09.2023")
    assert end_of(row) == DetentionEnd(mode=EndMode.DEATH, date=D(2023, 9))


def test_status_and_gender_words_are_refused_in_the_importers_words() -> None:
    assert reasons(status="maybe", gender="?") == [
        "status: is not active, former or np",
        "gender: is not one of m/f, male/female, м/ж, муж/жен",
    ]


def test_free_text_columns_are_read_by_the_reader() -> None:
    row = facts(note="  a   note ", declaration="https://l.invalid/d", decision="штраф",
                judge="Сердюк  О. М.", prison="СИЗО №1 г. Минск")  # fmt: skip
    assert (row.text("note"), row.text("declaration"), row.text("decision")) == (
        "a note", "https://l.invalid/d", "штраф",
    )  # fmt: skip
    judge = row.name_form("judge")
    assert judge is not None and (judge.full, judge.lang) == ("Сердюк О. М.", "und-Cyrl")
    facility = row.name_form("facility")
    assert facility is not None and facility.full == "СИЗО №1 г. Минск"
    assert reasons(note="a\x00b", judge="J\x00K") == [f"note: {BAD_TEXT}", f"judge: {BAD_TEXT}"]


def test_an_empty_name_is_reported_once_and_not_for_a_formula() -> None:
    assert read_cells({"name": "  "}, KNOWN).problems == ["name: is empty"]
    assert read_cells({"name": None}, KNOWN, ["name"]).problems == []


# -- end to end, on SQLite and PostgreSQL -----------------------------------------------------


def imported(archive: Archive, path: Path) -> ImportReport:
    return run_import(archive, path, "viasna-csv", ImportOptions(actor="t", keep_going=True))


def row(**given: str) -> list[str]:
    return cells(**given)


def test_a_prison_cell_saying_the_person_is_out_ends_the_detention_and_makes_no_facility(
    archive: Archive, tmp_path: Path
) -> None:
    sheet = [
        row(id="1", name="Іваноў Іван", status="former", arrested="2021", prison="на волі"),
        row(id="2", name="Петрова Анна", arrested="2021", prison="released",
            release_date="01.03.2024"),
        row(id="3", name="Жук Антон", birthday="1990", arrested="2021", died="1985"),
    ]  # fmt: skip
    report = imported(archive, write_csv(tmp_path / "l.csv", sheet, header=HEADER))
    assert [(o.action, o.reasons) for o in report.outcomes] == [
        (Action.ADDED, ()),
        (Action.ADDED, ()),
        (Action.REJECTED, ("died: is before the birthday", "died: is before the arrest")),
    ]
    ends = sorted(
        (s.record.end for s in archive.store.iter_kind("detention")),  # type: ignore[attr-defined]
        key=lambda e: str(e.date),
    )
    assert ends == [DetentionEnd(mode=EndMode.OTHER, date=D(2024, 3, 1)),
                    DetentionEnd(mode=EndMode.OTHER)]  # fmt: skip
    with archive.store.unscoped_view() as view:
        assert view.count("organisation") == 0
