"""RuPEP: real Belarus rows and their quirks, the import as records, and idempotent re-import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa

from sviedka.errors import Invalid
from sviedka.model import OrgKind, PartialDate, Person, Position
from sviedka.services.archive.folder import Archive
from sviedka.services.importing import Action, ImportOptions
from sviedka.services.sanctions.rupep import import_rupep, read_rupep
from sviedka.services.sanctions.rupep_rows import belarus_related, org_kind, parse_row
from sviedka.store import schema as t

OPTIONS = ImportOptions(actor="test")
HEADER = "NAME_EN,NAME_RU,DOB,TAXPAYER_NUM,CATEGORY,LAST_POSITION_ENLAST_POSITION_RU\n"


@pytest.fixture(scope="module")
def real(rupep_csv: Path) -> dict[int, list[str]]:
    """The file's rows by row number (the header is row 1; a row may span lines)."""
    with rupep_csv.open(encoding="utf-8", newline="") as f:
        return dict(enumerate(csv.reader(f), start=1))


def test_belarus_rows_are_chosen_by_their_position(real: dict[int, list[str]]) -> None:
    chosen = [n for n, cells in real.items() if n > 1 and belarus_related(cells)]
    assert len(chosen) == 1615
    assert not belarus_related(real[2])  # Ivanovo City Duma
    assert not belarus_related(real[3])  # a family member: no position


def test_a_judge_with_a_full_birth_date(real: dict[int, list[str]]) -> None:
    row = parse_row(395, real[395])
    assert (row.name_ru, row.name_en) == ("Андрей Викторович Млечко", "Andrey Viktorovich Mlechko")
    assert row.birth == PartialDate(1988, 3, 7)
    assert (row.organisation, row.title) == ("Суд Фрунзенского района города Минска", "судья")
    assert org_kind(row.organisation or "") is OrgKind.COURT


def test_the_english_position_without_its_organisation(real: dict[int, list[str]]) -> None:
    row = parse_row(158, real[158])
    assert (row.organisation, row.title) == ("Гомельский областной суд", "судья")
    assert (row.organisation_en, row.title_en) == (None, "judge")


def test_zero_width_and_no_break_spaces_are_removed(real: dict[int, list[str]]) -> None:
    assert parse_row(655, real[655]).name_ru == "Олег Федорович Чекунков"
    assert parse_row(1141, real[1141]).name_en == "Mikhail Aleksandrovich Domarnatskiy"
    assert parse_row(55, real[55]).organisation == "Суд Воложинского района Минской области"


def test_an_organisation_name_with_a_comma(real: dict[int, list[str]]) -> None:
    row = parse_row(742, real[742])
    assert row.organisation == (
        "Комитет по труду, занятости и социальной защите Витебского облисполкома"
    )
    assert (row.title, row.title_en) == (
        "первый заместитель председателя",
        "First Deputy Chairperson",
    )


def test_a_title_in_capitals_and_a_position_over_two_lines(real: dict[int, list[str]]) -> None:
    capital = parse_row(2528, real[2528])
    assert (capital.organisation, capital.title) == (
        "Администрация президента Республики Беларусь",
        "Первый заместитель главы администрации",
    )
    two_lines = parse_row(12208, real[12208])
    assert two_lines.title == "заместитель председателя, председатель комитета ветеранов труда"


def test_birth_dates_year_only_and_without_a_year(real: dict[int, list[str]]) -> None:
    assert parse_row(33, real[33]).birth == PartialDate(1959)
    assert parse_row(929, real[929]).birth == PartialDate(1961, 9)  # "09.1961"
    no_year = parse_row(348, real[348])  # "18.02": day and month only
    assert no_year.birth is None and len(no_year.warnings) == 1


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Прокуратура Первомайского района Минска", OrgKind.PROSECUTOR),
        ("КГБ по Могилевской области", OrgKind.SECURITY_SERVICE),
        ("Управление внутренних дел Гомельского облисполкома", OrgKind.POLICE),
        ("Департамент исполнения наказаний МВД Республики Беларусь", OrgKind.PENAL_FACILITY),
        ("Минский городской суд", OrgKind.COURT),
        ("Белорусский государственный университет", OrgKind.OTHER),
    ],
)
def test_organisation_kinds_from_their_names(name: str, kind: OrgKind) -> None:
    assert org_kind(name) is kind


def test_dirty_rows_are_reported() -> None:
    body = (
        HEADER
        + '"A B","А Б",31.02.1970,,"Minsk City Court, judge","Минский городской суд, судья"\n'
        + '"C","Ц",,,"Minsk"\n'
        + ',,,,"Minsk City Court, judge","Минский городской суд, судья"\n'
    )
    rows, rejected, read = read_rupep(body.encode())
    assert read == 3 and rows[0].birth is None and rows[0].warnings
    assert [(o.row, o.reasons) for o in rejected] == [
        (3, ("has 5 columns, not 6",)),
        (4, ("has no name (NAME_EN and NAME_RU are empty)",)),
    ]
    with pytest.raises(Invalid):
        read_rupep(b"name,dob\n")


def _revisions(archive: Archive) -> int:
    with archive.store.unscoped_view() as view:
        conn = view.conn  # type: ignore[attr-defined]
        return int(conn.scalar(sa.select(sa.func.count()).select_from(t.revisions)))


def test_import_makes_records_and_re_import_writes_nothing(
    archive: Archive, rupep_csv: Path
) -> None:
    dry = import_rupep(archive, rupep_csv, ImportOptions(actor="test", dry_run=True))
    assert dry.count(Action.ADDED) == 1615 and _revisions(archive) == 0
    first = import_rupep(archive, rupep_csv, OPTIONS)
    assert (first.rows_read, first.count(Action.ADDED), first.count(Action.REJECTED)) == (
        14825,
        1615,
        0,
    )
    with archive.store.unscoped_view() as view:
        counts = {k: view.count(k) for k in ("person", "organisation", "position", "source")}
    assert counts == {"person": 1615, "organisation": 430, "position": 1615, "source": 1}
    written = _revisions(archive)
    again = import_rupep(archive, rupep_csv, OPTIONS)
    assert again.count(Action.UNCHANGED) == 1615 and _revisions(archive) == written


def test_a_judge_becomes_person_court_and_position_with_source_links(
    archive: Archive, rupep_csv: Path
) -> None:
    report = import_rupep(archive, rupep_csv, OPTIONS)
    (outcome,) = [o for o in report.outcomes if o.row == 395]
    with archive.store.unscoped_view() as view:
        records = {s.record.KIND: s.record for s in map(view.get, outcome.records)}
    person, position, court = records["person"], records["position"], records["organisation"]
    assert isinstance(person, Person) and isinstance(position, Position)
    assert [(n.full, n.lang) for n in person.names] == [
        ("Андрей Викторович Млечко", "ru"),
        ("Andrey Viktorovich Mlechko", "ru-Latn"),
    ]
    assert person.names[0].family == "Млечко" and person.birth_date == PartialDate(1988, 3, 7)
    assert (position.person, position.organisation, position.title) == (
        person.id,
        court.id,
        "судья",
    )
    assert court.kind is OrgKind.COURT and court.country == "BY"  # type: ignore[attr-defined]
    assert person.sources[0].locator == f"{rupep_csv.name}, row 395"
    assert person.confidentiality.value == "public"


def test_a_changed_row_updates_only_its_records(
    archive: Archive, rupep_csv: Path, tmp_path: Path
) -> None:
    import_rupep(archive, rupep_csv, OPTIONS)
    text = rupep_csv.read_text(encoding="utf-8")
    changed = tmp_path / rupep_csv.name
    old = "Суд Фрунзенского района города Минска, судья"
    changed.write_text(text.replace(old, old + ", председатель", 1), encoding="utf-8")
    report = import_rupep(archive, changed, OPTIONS)
    assert [(o.row, len(o.records)) for o in report.outcomes if o.action is Action.UPDATED] == [
        (395, 1)
    ]


def test_rejected_rows_import_nothing_unless_told_to_keep_going(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "peps.csv"
    good = '"A B","Анна Бук",,,"Minsk City Court, judge","Минский городской суд, судья"\n'
    path.write_text(HEADER + good + '"C","Ц",,,"Minsk"\n', encoding="utf-8")
    stopped = import_rupep(archive, path, OPTIONS)
    assert stopped.rolled_back and _revisions(archive) == 0
    kept = import_rupep(archive, path, ImportOptions(actor="test", keep_going=True))
    assert (kept.rolled_back, kept.count(Action.ADDED), kept.count(Action.REJECTED)) == (
        False,
        1,
        1,
    )
    assert _revisions(archive) == 4  # source, person, court, position


@pytest.mark.usefixtures("default_csv_limit")
def test_an_unclosed_quote_is_a_clear_error_and_writes_nothing(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "peps.csv"
    good = '"A B","Анна Бук",,,"Minsk City Court, judge","Минский городской суд, судья"\n'
    broken = '"C D","Секретный Прокурор,,,Minsk,Минск\n' + "x" * 200_000 + "\n"  # never closed
    path.write_text(HEADER + good + broken, encoding="utf-8")
    with pytest.raises(Invalid) as raised:
        import_rupep(archive, path, OPTIONS)
    assert str(raised.value).startswith("Row 3 of the file cannot be read as CSV")
    assert "Секретный" not in str(raised.value)
    assert _revisions(archive) == 0


def test_a_file_that_is_not_utf8_is_refused(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "peps.csv"
    path.write_bytes(HEADER.encode() + "Иван,Иван,,,Minsk,Минск\n".encode("cp1251"))
    with pytest.raises(Invalid, match="not UTF-8"):
        import_rupep(archive, path, OPTIONS)
    assert _revisions(archive) == 0
