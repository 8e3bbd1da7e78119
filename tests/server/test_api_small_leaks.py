"""The smaller leaks of issue 12 through the API: each answer is the same whatever the user may
not read. Each test takes an answer, adds only records the user may not read (or makes two that
differ only in them), and asks again."""

from __future__ import annotations

import json
from typing import Any

import pytest
from serverkit import Server

from sviedka.model import Verdict
from sviedka.model.ids import new_id
from sviedka.policy import CUSTODIAN
from sviedka.services.archive.ledger import checkpoint
from sviedka.services.records.records import add_record

ACTOR = "test"
INTERNAL = {"confidentiality": "internal"}
HIDDEN = {"confidentiality": "confidential"}
RESTRICTED = {"confidentiality": "restricted"}


@pytest.fixture(scope="module")
def users(server: Server) -> Server:
    server.user("reviewer", "verifier", "internal")  # may judge and prove; internal, no grants
    server.user("public-viewer", "viewer", "public")
    return server


def add(server: Server, kind: str, body: dict[str, Any]) -> str:
    return str(add_record(server.store, kind, body, actor=ACTOR).record.id)


def person(server: Server, name: str, level: dict[str, str] = INTERNAL) -> str:
    return add(server, "person", {"names": [{"full": name}]} | level)


def get(server: Server, user: str, url: str) -> tuple[int, Any]:
    response = server.client.get(url, headers=server.as_(user))
    return response.status_code, response.json()


# -- sanctions screening ----------------------------------------------------------------------


def test_screening_shows_no_role_or_fact_from_records_the_reviewer_may_not_read(
    users: Server,
) -> None:
    server = users
    officer, victim = person(server, "Андрей Млечко"), person(server, "Алесь Вербіцкі")
    detention = add(server, "detention", {"person": victim})
    add(server, "involvement", {"perpetrator": officer, "detention": detention, "role": "officer"})
    before = get(server, "reviewer", "/api/v1/sanctions/screen")

    involvement = {"perpetrator": officer, "detention": detention, "role": "commander"}
    add(server, "involvement", involvement | RESTRICTED)
    case = {"number": "2-99/2022", "prosecutor": officer}
    add(server, "detention", {"person": victim, "court_cases": [case]} | HIDDEN)
    add(server, "position", {"person": officer, "title": "начальник"} | HIDDEN)
    alias = person(server, "Andrei MLECHKO", RESTRICTED)
    with server.store.writer() as writer:
        writer.judge(officer, alias, Verdict.SAME, actor=ACTOR)

    after = get(server, "reviewer", "/api/v1/sanctions/screen")
    assert after == before
    (shown,) = [p for p in after[1]["not_sanctioned"] if p["person"] == officer]
    assert (shown["roles"], shown["cases"], shown["positions"], shown["detentions"]) == (
        ["officer"],
        [],
        [],
        1,
    )


# -- ledger proofs ----------------------------------------------------------------------------


def sign(server: Server) -> None:
    checkpoint(server.app.state.archive, CUSTODIAN, server.app.state.keys)


def as_template(answer: tuple[int, Any], ref: str) -> tuple[int, str]:
    status, body = answer
    return status, json.dumps(body, ensure_ascii=False).replace(ref, "{id}")


def test_a_proof_of_an_internal_detention_of_a_restricted_person_answers_as_an_unknown_id(
    users: Server,
) -> None:
    server = users
    first = add(server, "detention", {"person": person(server, "Hidden One", RESTRICTED)})
    second = add(server, "detention", {"person": person(server, "Hidden Two", RESTRICTED)})
    sign(server)
    refs = (first, second, new_id())
    found = [
        as_template(get(server, "reviewer", f"/api/v1/ledger/proof/{ref}"), ref) for ref in refs
    ]
    assert found[0] == found[1] == found[2]
    assert found[0][0] == 404


def test_a_proof_naming_only_records_the_reviewer_may_read_is_given(users: Server) -> None:
    server = users
    held = person(server, "Visible")
    detention = add(server, "detention", {"person": held})
    sign(server)
    status, body = get(server, "reviewer", f"/api/v1/ledger/proof/{detention}")
    assert (status, body["proof"]["state"]["person"]) == (200, held)


# -- the statistics' method -------------------------------------------------------------------

STATS = (
    "/api/v1/stats/held?on=2021-06-01",
    "/api/v1/stats/held?on=2021-06-01&by=year-of-arrest",
    "/api/v1/stats/series?from=2021-01-01&to=2021-12-31",
    "/api/v1/stats/flows?from=2021-01-01&to=2021-12-31",
)


def prisoner(server: Server, level: dict[str, str], arrested: str) -> None:
    held = person(server, "P", level)
    body = {"person": held, "arrest": {"date": arrested}, "recognition": {"date": "2021-01"}}
    add(server, "detention", body | level)


def test_the_statistics_method_tells_a_public_viewer_nothing_about_hidden_records(
    users: Server,
) -> None:
    server = users
    prisoner(server, {"confidentiality": "public"}, "2020-10-01")
    before = [get(server, "public-viewer", url) for url in STATS]
    for level in (INTERNAL, HIDDEN, RESTRICTED):
        prisoner(server, level, "2021-02-03")
    sign(server)
    assert [get(server, "public-viewer", url) for url in STATS] == before
    assert {answer[1]["method"]["archive"] for answer in before} == {None}
