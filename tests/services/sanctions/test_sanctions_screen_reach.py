"""A reviewer's screening draws only on what they may read: the same answer whatever is hidden
from them (roles, cases, positions, counts, names, clusters, confirmed sanctions)."""

from __future__ import annotations

from typing import Any

from sanctionkit import ACTOR, person

from sviedka.model import Confidentiality, Verdict
from sviedka.policy import principal_of
from sviedka.services.accounts import Role, User
from sviedka.services.archive.folder import Archive
from sviedka.services.records.records import add_record, update_record
from sviedka.services.sanctions.review import confirm_match
from sviedka.services.sanctions.screen import screen

REVIEWER = principal_of(User("reviewer-id", "reviewer", Role.VERIFIER, Confidentiality.INTERNAL))


def add(archive: Archive, kind: str, body: dict[str, Any]) -> str:
    return add_record(archive.store, kind, body, actor=ACTOR).record.id


def hide_facts(archive: Archive, documented: dict[str, str]) -> None:
    """Everything an internal reviewer may not read: a restricted involvement making the officer
    a commander, a confidential detention where he prosecutes, a confidential post, a restricted
    record judged the same as him and as another officer, and a confirmed match whose sanction
    record was raised to confidential."""
    officer, victim = documented["officer"], documented["victim"]
    hidden = {"confidentiality": "confidential"}
    restricted = {"confidentiality": "restricted"}
    involvement = {
        "perpetrator": officer,
        "detention": documented["detention"],
        "role": "commander",
    }
    add(archive, "involvement", involvement | restricted)
    case = {"number": "2-99/2022", "prosecutor": officer}
    add(archive, "detention", {"person": victim, "court_cases": [case]} | hidden)
    kgb = add(archive, "organisation", {"names": [{"full": "КГБ"}]} | hidden)
    add(
        archive,
        "position",
        {"person": officer, "organisation": kgb, "title": "следователь"} | hidden,
    )
    alias = person(archive, "Andrei MLECHKO", "en", "1975-01-02", **restricted)
    with archive.store.writer() as writer:
        writer.judge(officer, alias, Verdict.SAME, actor=ACTOR)
        writer.judge(alias, documented["other_officer"], Verdict.SAME, actor=ACTOR)
    made = confirm_match(archive.store, documented["namesake"], "us_ofac_sdn", "10136", actor=ACTOR)
    update_record(archive.store, made, hidden, actor=ACTOR, patch=True)


def another_officer(archive: Archive, documented: dict[str, str]) -> dict[str, str]:
    """A second officer; and the judge's match confirmed, so that the list version is cited by
    a (public) source before anything is hidden."""
    confirm_match(archive.store, documented["judge"], "us_ofac_sdn", "9769", actor=ACTOR)
    other = person(archive, "Иван Иванович Петров", "ru", None)
    body = {"perpetrator": other, "detention": documented["detention"], "role": "officer"}
    add(archive, "involvement", body)
    return documented | {"other_officer": other}


def test_a_role_from_a_restricted_involvement_is_not_shown(
    archive: Archive, documented: dict[str, str]
) -> None:
    body = {"perpetrator": documented["officer"], "detention": documented["detention"]}
    add(archive, "involvement", body | {"role": "commander", "confidentiality": "restricted"})
    (mine,) = screen(archive.store, reader=REVIEWER).not_sanctioned
    (custodians,) = screen(archive.store).not_sanctioned
    assert (mine.person, mine.roles) == (documented["officer"], ("officer",))
    assert (custodians.person, custodians.roles) == (
        documented["officer"],
        ("commander", "officer"),
    )


def test_screening_is_the_same_whatever_the_reviewer_may_not_read(
    archive: Archive, documented: dict[str, str]
) -> None:
    documented = another_officer(archive, documented)
    before, custodian_before = screen(archive.store, reader=REVIEWER), screen(archive.store)
    hide_facts(archive, documented)
    assert screen(archive.store, reader=REVIEWER) == before
    assert screen(archive.store) != custodian_before  # what was hidden counts for the custodian


def test_the_custodian_sees_every_hidden_fact(archive: Archive, documented: dict[str, str]) -> None:
    documented = another_officer(archive, documented)
    hide_facts(archive, documented)
    result = screen(archive.store)
    (officer,) = [s for s in result.not_sanctioned if s.person == documented["officer"]]
    assert (officer.roles, officer.cases, officer.detentions) == (
        ("commander", "officer", "prosecutor"),
        ("2-99/2022",),
        2,
    )
    assert officer.positions == ("следователь, КГБ",)
    assert documented["other_officer"] not in {s.person for s in result.not_sanctioned}
    confirmed = {s.person: [h.status for h in s.hits] for s in result.sanctioned}
    assert confirmed == {documented["judge"]: ["confirmed"], documented["namesake"]: ["confirmed"]}


def test_a_reviewer_cleared_for_a_post_sees_it_without_its_hidden_organisation(
    archive: Archive, documented: dict[str, str]
) -> None:
    kgb = add(
        archive, "organisation", {"names": [{"full": "КГБ"}], "confidentiality": "confidential"}
    )
    post = {"person": documented["officer"], "organisation": kgb, "title": "следователь"}
    add(archive, "position", post)
    (officer,) = screen(archive.store, reader=REVIEWER).not_sanctioned
    assert officer.positions == ("следователь",)
