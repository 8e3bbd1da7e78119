"""Screening documented perpetrators against a loaded list; confirming and rejecting matches."""

from __future__ import annotations

import pytest
from sanctionkit import ACTOR, person

from sviedka.errors import Conflict
from sviedka.model import Sanction, Source
from sviedka.services.archive.folder import Archive
from sviedka.services.records.records import add_record
from sviedka.services.sanctions.entries import ListedName, ListEntry
from sviedka.services.sanctions.review import confirm_match, reject_match
from sviedka.services.sanctions.scoring import assess
from sviedka.services.sanctions.screen import screen


def test_a_judge_listed_in_another_script_is_sanctioned_with_why(
    archive: Archive, documented: dict[str, str]
) -> None:
    result = screen(archive.store)
    (judge,) = result.sanctioned
    assert (judge.person, judge.roles, judge.cases) == (
        documented["judge"],
        ("judge",),
        ("1-77/2021",),
    )
    (hit,) = judge.hits
    assert (hit.status, hit.list, hit.ref, hit.programmes) == (
        "sanctioned",
        "us_ofac_sdn",
        "9769",
        ("BELARUS",),
    )
    assert hit.listed_as == "Viktar Uladzimiravich SHEIMAN" and hit.confidence == 1.0
    # Which forms matched; the name score itself is sviedka.names' to tune and test.
    pair, score = hit.why[0].rsplit(" ", 1)
    assert pair == "name 'Віктар Уладзіміравіч Шэйман' ~ listed 'Viktar Uladzimiravich SHEIMAN'"
    assert float(score) >= 0.9
    assert "birth date 1958-05-26 = listed 26 May 1958" in hit.why
    assert hit.version == result.lists[0].id


def test_a_namesake_with_another_birth_date_is_only_possible(
    archive: Archive, documented: dict[str, str]
) -> None:
    (namesake,) = screen(archive.store).possible
    (hit,) = namesake.hits
    assert (namesake.person, hit.ref, hit.status) == (documented["namesake"], "10136", "possible")
    assert "birth date 1981-03 conflicts with listed 1954" in hit.why
    assert hit.confidence < 0.9


def test_the_gap_list_names_roles_cases_and_counts(
    archive: Archive, documented: dict[str, str]
) -> None:
    (officer,) = screen(archive.store).not_sanctioned
    assert (officer.person, officer.name, officer.roles, officer.detentions, officer.hits) == (
        documented["officer"],
        "Андрей Викторович Млечко",
        ("officer",),
        1,
        (),
    )


def test_confirm_makes_a_sanction_record_citing_the_list_version(
    archive: Archive, documented: dict[str, str]
) -> None:
    version = screen(archive.store).lists[0]
    sanction_id = confirm_match(
        archive.store, documented["judge"], "us_ofac_sdn", "9769", actor=ACTOR
    )
    with archive.store.unscoped_view() as view:
        sanction = view.get(sanction_id).record
        assert isinstance(sanction, Sanction)
        source = view.get(sanction.sources[0].source).record
    assert (sanction.subject, sanction.reference, sanction.programme) == (
        documented["judge"],
        "9769",
        "BELARUS",
    )
    assert isinstance(source, Source) and version.id in (source.notes or "")
    (judge,) = screen(archive.store).sanctioned
    assert [h.status for h in judge.hits] == ["confirmed"]
    with pytest.raises(Conflict):
        confirm_match(archive.store, documented["judge"], "us_ofac_sdn", "9769", actor=ACTOR)


def test_a_rejected_match_is_not_proposed_again(
    archive: Archive, documented: dict[str, str]
) -> None:
    reject_match(archive.store, documented["namesake"], "us_ofac_sdn", "10136", actor=ACTOR)
    result = screen(archive.store)
    assert result.possible == []
    assert {s.person for s in result.not_sanctioned} == {
        documented["namesake"],
        documented["officer"],
    }


def test_screening_writes_nothing(archive: Archive, documented: dict[str, str]) -> None:
    with archive.store.unscoped_view() as view:
        before = view.count("sanction"), view.count("source")
    screen(archive.store)
    with archive.store.unscoped_view() as view:
        assert (view.count("sanction"), view.count("source")) == before == (0, 0)


@pytest.mark.parametrize("threshold", [0.9, 0.8])
def test_a_name_alone_is_never_sanctioned_even_with_the_same_nationality(
    threshold: float,
) -> None:
    listed = ListEntry(
        ref="1",
        schema="person",
        names=(ListedName("Ivan IVANOU"),),
        authority="x",
        nationalities=("by",),
    )
    found = assess(1.0, (), (), frozenset({"by"}), listed, threshold)
    assert (found.status, found.birth, found.nationality) == ("possible", "unknown", "agrees")
    assert found.confidence == 0.9


def test_a_listed_name_with_no_birth_date_on_our_side_is_only_possible(
    archive: Archive, documented: dict[str, str]
) -> None:
    officer = person(archive, "Аляксандр Рыгоравіч Лукашэнка", "be", None, citizenship=["BY"])
    involvement = {"perpetrator": officer, "detention": documented["detention"], "role": "officer"}
    add_record(archive.store, "involvement", involvement, actor=ACTOR)
    (possible,) = [s for s in screen(archive.store).possible if s.person == officer]
    assert [(h.ref, h.status) for h in possible.hits] == [("9760", "possible")]
    assert possible.hits[0].confidence == 0.9  # the threshold: only the rule keeps it out
