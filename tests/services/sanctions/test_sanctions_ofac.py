"""OFAC's legacy SDN CSV: the real file's rows and quirks, dirty rows, and list versions."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from sviedka.errors import Invalid
from sviedka.services.archive.folder import Archive
from sviedka.services.importing import Action, ImportOptions
from sviedka.services.sanctions.entries import BirthSpan, ListedName, ListEntry
from sviedka.services.sanctions.lists import current_versions, list_versions
from sviedka.services.sanctions.ofac import import_ofac_sdn, natural_order, parse_sdn
from sviedka.store import schema as t
from sviedka.store.connection import connection

OPTIONS = ImportOptions(actor="test")

ROW = '{n},"{name}","individual","BELARUS",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{remarks}"'


def entries_of(text: str) -> dict[str, ListEntry]:
    parsed, rejected, _ = parse_sdn(text)
    assert rejected == []
    return {p.entry.ref: p.entry for p in parsed}


@pytest.fixture(scope="module")
def real(sdn_csv: Path) -> dict[str, ListEntry]:
    parsed, rejected, rows = parse_sdn(sdn_csv.read_text(encoding="ascii"))
    assert (rows, len(parsed), rejected) == (14965, 14965, [])  # the \x1a at the end is no row
    return {p.entry.ref: p.entry for p in parsed}


def test_the_belarus_programmes_are_read(real: dict[str, ListEntry]) -> None:
    belarus = [e for e in real.values() if any("BELARUS" in p for p in e.programmes)]
    kinds = sorted(e.schema for e in belarus)
    assert (kinds.count("person"), kinds.count("organisation"), kinds.count("aircraft")) == (
        128,
        99,
        5,
    )


def test_a_person_with_two_birth_dates_nationality_and_gender(real: dict[str, ListEntry]) -> None:
    entry = real["9760"]
    assert entry.names == (ListedName("Alyaksandr Ryhorovich LUKASHENKA"),)
    assert [b.text for b in entry.birth_dates] == ["30 Aug 1954", "31 Aug 1954"]
    assert (entry.nationalities, entry.gender, entry.programmes) == (("by",), "male", ("BELARUS",))
    assert entry.title is None  # "-0- " is empty


def test_aliases_links_and_new_programme(real: dict[str, ListEntry]) -> None:
    entry = real["48581"]
    assert entry.names == (
        ListedName("Siarhei CHARHEIKA"),
        ListedName("S.V. CHERGEIKO", "alias"),
    )
    assert (entry.programmes, entry.linked_to) == (("BELARUS-EO14038",), ("PELENG JSC",))


def test_circa_and_ranges_of_years_are_spans(real: dict[str, ListEntry]) -> None:
    assert real["7782"].birth_dates == (
        BirthSpan("circa 1951", date(1949, 1, 1), date(1953, 12, 31)),
    )
    spans = real["11748"].birth_dates
    assert spans[0] == BirthSpan("circa 1979-1982", date(1977, 1, 1), date(1984, 12, 31))
    assert spans[1] == BirthSpan("1982", date(1982, 1, 1), date(1982, 12, 31))


def test_multiple_birth_dates_are_all_kept(real: dict[str, ListEntry]) -> None:
    years = [b.earliest.year for b in real["2686"].birth_dates]
    assert years == [1960, 1953, 1955, 1958]


def test_entities_keep_their_names_as_written(real: dict[str, ListEntry]) -> None:
    assert real["10574"].names == (ListedName("BELNEFTEKHIM"),)
    assert real["10574"].schema == "organisation"


@pytest.mark.parametrize(
    ("listed", "natural"),
    [
        ("LUKASHENKA, Alyaksandr Ryhorovich", "Alyaksandr Ryhorovich LUKASHENKA"),
        ("DELOS REYES, Feliciano Semborio, Jr.", "Feliciano Semborio DELOS REYES Jr."),
        ("SIVAKOV, Yury", "Yury SIVAKOV"),
        ("HAMBALI", "HAMBALI"),
    ],
)
def test_people_are_named_in_spoken_order(listed: str, natural: str) -> None:
    assert natural_order(listed) == natural


def test_remarks_range_forms_and_empty() -> None:
    text = "\n".join(
        [
            ROW.format(
                n=1, name="A, B", remarks="DOB 01 Jan 1960 to 31 Dec 1962; alt. DOB Mar 1970."
            ),
            ROW.format(n=2, name="C, D", remarks="-0- "),
            ROW.format(n=3, name="E, F", remarks="a.k.a. 'ABU-'UMAR'; f.k.a. 'G, H'."),
        ]
    )
    found = entries_of(text)
    assert [(b.earliest, b.latest) for b in found["1"].birth_dates] == [
        (date(1960, 1, 1), date(1962, 12, 31)),
        (date(1970, 3, 1), date(1970, 3, 31)),
    ]
    assert (found["2"].birth_dates, found["2"].names) == ((), (ListedName("D C"),))
    assert found["3"].names[1:] == (ListedName("ABU-'UMAR", "alias"), ListedName("H G", "former"))


def test_dirty_rows_are_reported_not_crashed_on() -> None:
    text = "\n".join(
        [
            ROW.format(n=1, name="GOOD, One", remarks="DOB 31 Feb 1980; nationality Atlantis."),
            '2,"SHORT, Row","individual"',
            ROW.format(n="x3", name="BAD, Id", remarks=""),
            ROW.format(n=1, name="TWICE, One", remarks=""),
            ROW.format(n=5, name="", remarks=""),
            ROW.format(n=6, name="KIND", remarks="").replace('"individual"', '"submarine"'),
            "\x1a",
        ]
    )
    parsed, rejected, rows = parse_sdn(text)
    assert rows == 6 and [p.entry.ref for p in parsed] == ["1"]
    assert parsed[0].entry.birth_dates == () and parsed[0].entry.nationalities == ()
    assert parsed[0].warnings == (
        "a birth date in the remarks is not understood; it was left out",
        "a nationality in the remarks is not a known country; it was left out",
    )
    assert [(o.row, o.reasons) for o in rejected] == [
        (2, ("has 3 columns, not 12",)),
        (3, ("ent_num (column 1) is not a number",)),
        (4, ("ent_num (column 1) appears twice in the file",)),
        (5, ("the name (column 2) is empty",)),
        (6, ("the type (column 3) is not individual, vessel, aircraft or -0-",)),
    ]


def _belarus_slice(sdn_csv: Path, tmp_path: Path, drop: int = 0) -> Path:
    rows = [line for line in sdn_csv.read_text(encoding="ascii").splitlines() if line != "\x1a"]
    lines = [line for line in rows if "BELARUS" in next(csv.reader([line]))[3]]
    path = tmp_path / "sdn.csv"
    path.write_text("\r\n".join(lines[drop:]) + "\r\n\x1a", encoding="ascii")
    return path


def _entry_count(archive: Archive) -> int:
    with archive.store.unscoped_view() as view:
        return int(
            connection(view).scalar(sa.select(sa.func.count()).select_from(t.sanction_entries)) or 0
        )


def test_import_then_same_file_again_changes_nothing(
    archive: Archive, sdn_csv: Path, tmp_path: Path
) -> None:
    path = _belarus_slice(sdn_csv, tmp_path)
    first = import_ofac_sdn(archive, path, OPTIONS)
    assert (first.rows_read, first.count(Action.ADDED), first.count(Action.REJECTED)) == (
        232,
        232,
        0,
    )
    again = import_ofac_sdn(archive, path, OPTIONS)
    assert again.count(Action.UNCHANGED) == 232
    with archive.store.unscoped_view() as view:
        versions = list_versions(view)
    assert [(v.list, v.file, v.entries, v.replaced_by) for v in versions] == [
        ("us_ofac_sdn", "sdn.csv", 232, None)
    ]
    assert versions[0].sha256 == first.sha256 and _entry_count(archive) == 232


def test_a_newer_file_is_a_new_version_that_replaces_the_entries(
    archive: Archive, sdn_csv: Path, tmp_path: Path
) -> None:
    (tmp_path / "old").mkdir()
    old = import_ofac_sdn(archive, _belarus_slice(sdn_csv, tmp_path / "old"), OPTIONS)
    newer = tmp_path / "sdn.csv"
    text = _belarus_slice(sdn_csv, tmp_path, drop=2).read_text(encoding="ascii")
    newer.write_text(
        text.replace("Chairman of Belarusian KGB", "former Chairman of Belarusian KGB", 1)
    )
    report = import_ofac_sdn(archive, newer, OPTIONS)
    counts = [report.count(a) for a in (Action.ADDED, Action.UPDATED, Action.UNCHANGED)]
    assert counts == [0, 1, 229]
    with archive.store.unscoped_view() as view:
        versions = list_versions(view)
        current = current_versions(view)
    assert [v.sha256 for v in versions] == [old.sha256, report.sha256]
    assert versions[0].replaced_by == versions[1].id and current == [versions[1]]
    assert _entry_count(archive) == 230


def test_a_dry_run_stores_nothing(archive: Archive, sdn_csv: Path, tmp_path: Path) -> None:
    dry = ImportOptions(actor="test", dry_run=True)
    report = import_ofac_sdn(archive, _belarus_slice(sdn_csv, tmp_path), dry)
    assert report.dry_run and report.count(Action.ADDED) == 232
    assert _entry_count(archive) == 0


def test_refused_rows_stop_the_import_unless_told_to_keep_going(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text(ROW.format(n=1, name="A, B", remarks="") + '\n2,"SHORT"\n', encoding="ascii")
    stopped = import_ofac_sdn(archive, path, OPTIONS)
    assert stopped.rolled_back and _entry_count(archive) == 0
    assert [(o.row, o.action, o.reasons) for o in stopped.outcomes] == [
        (1, Action.ADDED, ()),
        (2, Action.REJECTED, ("has 2 columns, not 12",)),
    ]
    report = import_ofac_sdn(archive, path, ImportOptions(actor="test", keep_going=True))
    assert (report.count(Action.ADDED), report.count(Action.REJECTED)) == (1, 1)
    assert _entry_count(archive) == 1


@pytest.mark.usefixtures("default_csv_limit")
def test_an_unclosed_quote_is_a_clear_error_and_keeps_the_loaded_version(
    archive: Archive, sdn_csv: Path, tmp_path: Path
) -> None:
    loaded = import_ofac_sdn(archive, _belarus_slice(sdn_csv, tmp_path), OPTIONS)
    broken = tmp_path / "broken.csv"
    secret = "SECRETNAME, Hidden"
    good = ROW.format(n=1, name="A, B", remarks="")
    # The quote opened on row 2 is never closed: the rest of the file becomes one huge field.
    broken.write_text(f'{good}\n2,"{secret}\n' + "x" * 200_000 + "\n", encoding="ascii")
    with pytest.raises(Invalid) as raised:
        import_ofac_sdn(archive, broken, OPTIONS)
    assert str(raised.value).startswith("Row 2 of the file cannot be read as CSV")
    assert "SECRETNAME" not in str(raised.value) and "SECRETNAME" not in str(raised.value.errors)
    with archive.store.unscoped_view() as view:
        assert [v.sha256 for v in list_versions(view)] == [loaded.sha256]
    assert _entry_count(archive) == 232
