"""The smaller leaks of issue 12 through the API: each answer is the same whatever the user may
not read. Each test takes an answer, adds only records the user may not read (or makes two that
differ only in them), and asks again."""

from __future__ import annotations

from typing import Any

import pytest
from serverkit import Server

from sviedka.model import Verdict
from sviedka.services.records import add_record

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
