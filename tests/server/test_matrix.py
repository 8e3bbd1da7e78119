"""The authorisation matrix: every route × every role × every clearance × every confidentiality
level, against the oracle written from the roles table in docs/security.md (``authz_oracle``,
not the code under test; the web pages run against the same one in tests/web/test_web_matrix.py).
Denied reads of a record must look exactly like reads of an id never used."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from serverkit import Server

from authz_oracle import LEVELS, ROLE_CAN, USERS, may_read, name
from sviedka.model.ids import new_id
from sviedka.policy import CUSTODIAN, custodian
from sviedka.services.archive.grants import add_grant
from sviedka.services.archive.ledger import checkpoint
from sviedka.services.evidence import ingest_stream
from sviedka.services.records import records

# The fixture records: one person (and one evidence file) per level, plus a restricted one that
# is granted to nobody ("hidden"). The restricted one is granted to the group every user is in.
SUBJECTS = {level: level for level in LEVELS} | {"hidden": "restricted"}


def may(role: str, clearance: str, subject: str) -> bool:
    return may_read((role, clearance), SUBJECTS[subject], granted=subject != "hidden")


@dataclass
class World:
    server: Server
    people: dict[str, str]  # subject -> person id
    files: dict[str, str]  # subject -> sha256
    contents: dict[str, bytes]

    def get(self, user: tuple[str, str], url: str) -> httpx.Response:
        return self.server.client.get(url, headers=self.server.as_(name(user)))

    def send(self, user: tuple[str, str], method: str, url: str, body: Any) -> httpx.Response:
        headers = self.server.as_(name(user))
        return self.server.client.request(method, url, json=body, headers=headers)


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    for role, clearance in USERS:
        server.user(name((role, clearance)), role, clearance, groups=("case-a",))
    store, archive = server.store, server.app.state.archive
    people, files, contents = {}, {}, {}
    for subject, level in SUBJECTS.items():
        body = {
            "names": [{"full": f"Person {subject}"}],
            "confidentiality": level,
            "sensitive": {"contacts": [f"phone of {subject}"]},
        }
        people[subject] = records.add_record(store, "person", body, actor="test").record.id
        contents[subject] = f"evidence about {subject} ".encode() * 100
        made = ingest_stream(archive, io.BytesIO(contents[subject]), name="f", actor="test")
        patch = {"confidentiality": level}
        records.update_record(store, made.evidence_id, patch, actor="test", patch=True)
        files[subject] = made.sha256
        if subject == "restricted":
            for record_id in (people[subject], made.evidence_id):
                add_grant(
                    store, custodian("test"), record_id, grantee_kind="group", grantee="case-a"
                )
    checkpoint(archive, CUSTODIAN, server.app.state.keys)
    return World(server, people, files, contents)


def mismatches(world: World, check: Callable[[tuple[str, str], str], tuple[int, int]]) -> list[str]:
    """Run ``check(user, subject) -> (expected, actual)`` for every user and subject."""
    wrong = []
    for user in USERS:
        for subject in SUBJECTS:
            expected, actual = check(user, subject)
            if expected != actual:
                wrong.append(f"{name(user)} on {subject}: expected {expected}, got {actual}")
    return wrong


def read_status(user: tuple[str, str], subject: str) -> int:
    return 200 if may(*user, subject) else 404


@pytest.mark.parametrize(
    "route",
    [
        "/records/{person}",
        "/records/{person}/history",
        "/evidence/{file}",
        "/evidence/{file}/custody",
    ],
)
def test_reads_answer_only_what_the_user_may_read(world: World, route: str) -> None:
    def check(user: tuple[str, str], subject: str) -> tuple[int, int]:
        url = "/api/v1" + route.format(person=world.people[subject], file=world.files[subject])
        return read_status(user, subject), world.get(user, url).status_code

    assert mismatches(world, check) == []


def test_lists_and_counts_hold_only_readable_records(world: World) -> None:
    for user in USERS:
        found = world.get(user, "/api/v1/records?kind=person&limit=500").json()
        listed = {item["id"] for item in found["items"]}
        expected = {world.people[s] for s in SUBJECTS if may(*user, s)}
        assert listed & set(world.people.values()) == expected, name(user)
        assert found["total"] == len(found["items"]), name(user)


def test_sensitive_fields_are_shown_only_to_roles_that_may_read_them(world: World) -> None:
    for user in USERS:
        data = world.get(user, f"/api/v1/records/{world.people['public']}").json()["data"]
        assert ("sensitive" in data) == ("read_sensitive" in ROLE_CAN[user[0]]), name(user)


def test_updates_need_the_role_and_a_readable_record(world: World) -> None:
    def check(user: tuple[str, str], subject: str) -> tuple[int, int]:
        record_id = world.people[subject]
        revision = records.get_record(world.server.store, CUSTODIAN, record_id).revision
        body = {"patch": {"notes": f"seen by {name(user)}"}, "revision": revision}
        expected = 403 if "update" not in ROLE_CAN[user[0]] else read_status(user, subject)
        return expected, world.send(user, "PATCH", f"/api/v1/records/{record_id}", body).status_code

    assert mismatches(world, check) == []


def test_records_are_created_only_up_to_the_clearance_and_read_back(world: World) -> None:
    for user in USERS:
        for level in LEVELS:
            body = {"record": {"names": [{"full": "New person"}], "confidentiality": level}}
            response = world.send(user, "POST", "/api/v1/records/person", body)
            if "create" not in ROLE_CAN[user[0]]:
                assert response.status_code == 403, (name(user), level)
            elif LEVELS.index(level) > LEVELS.index(user[1]):
                assert response.status_code == 422, (name(user), level)
                assert response.json()["errors"][0]["field"] == "confidentiality"
            else:
                assert response.status_code == 201, (name(user), level)
                again = world.get(user, f"/api/v1/records/{response.json()['id']}")
                assert again.status_code == 200, (name(user), level)


def test_downloads_need_the_role_and_a_readable_file(world: World) -> None:
    def check(user: tuple[str, str], subject: str) -> tuple[int, int]:
        response = world.get(user, f"/api/v1/evidence/{world.files[subject]}/content")
        if response.status_code == 200:
            assert response.content == world.contents[subject]
        allowed = "evidence_download" in ROLE_CAN[user[0]]
        return (read_status(user, subject) if allowed else 403), response.status_code

    assert mismatches(world, check) == []


def test_proofs_need_the_role_and_a_readable_record(world: World) -> None:
    state = world.server.app.state
    checkpoint(state.archive, CUSTODIAN, state.keys)  # covers the updates

    def check(user: tuple[str, str], subject: str) -> tuple[int, int]:
        response = world.get(user, f"/api/v1/ledger/proof/{world.people[subject]}")
        allowed = "proof" in ROLE_CAN[user[0]]
        return (read_status(user, subject) if allowed else 403), response.status_code

    assert mismatches(world, check) == []


def test_judgements_need_the_role_and_two_readable_records(world: World) -> None:
    def check(user: tuple[str, str], subject: str) -> tuple[int, int]:
        body = {"left": world.people["public"], "right": world.people[subject], "verdict": "unsure"}
        if subject == "public":
            body["right"] = world.people["internal"]
            subject = "internal"
        response = world.send(user, "POST", "/api/v1/judgements", body)
        if "judge" not in ROLE_CAN[user[0]]:
            return 403, response.status_code
        return (201 if may(*user, subject) else 404), response.status_code

    assert mismatches(world, check) == []


def test_grants_need_the_role_and_a_readable_record(world: World) -> None:
    def check(user: tuple[str, str], subject: str) -> tuple[int, int]:
        response = world.get(user, f"/api/v1/records/{world.people[subject]}/grants")
        allowed = "manage_grants" in ROLE_CAN[user[0]]
        return (read_status(user, subject) if allowed else 403), response.status_code

    assert mismatches(world, check) == []


def test_new_grants_need_the_role_and_a_readable_record(world: World) -> None:
    grantee = {"grantee_kind": "group", "grantee": "case-z"}

    def check(user: tuple[str, str], subject: str) -> tuple[int, int]:
        url = f"/api/v1/records/{world.people[subject]}/grants"
        response = world.send(user, "POST", url, grantee)
        allowed = "manage_grants" in ROLE_CAN[user[0]]
        expected = (201 if may(*user, subject) else 404) if allowed else 403
        return expected, response.status_code

    assert mismatches(world, check) == []


def test_the_audit_lists_only_events_about_what_the_reader_may_read(world: World) -> None:
    for user in USERS:
        response = world.get(user, "/api/v1/audit")
        if "view_audit" not in ROLE_CAN[user[0]]:
            assert response.status_code == 403, name(user)
            continue
        refs = {event["ref"] for event in response.json()["events"]}
        for subject in SUBJECTS:
            if not may(*user, subject):
                assert world.people[subject] not in response.text, (name(user), subject)
                assert world.files[subject] not in response.text, (name(user), subject)
        granted = world.people["restricted"] in refs
        assert granted == may(*user, "restricted"), name(user)


ROLE_ROUTES = [
    ("GET", "/api/v1/records/{public}/grants", "manage_grants", 200),
    ("GET", "/api/v1/audit", "view_audit", 200),
    ("GET", "/api/v1/users", "manage_users", 200),
    ("POST", "/api/v1/ledger/checkpoint", "checkpoint", 200),
    ("GET", "/api/v1/ledger/checkpoint", "read", 200),
    ("GET", "/api/v1/vocabularies", "read", 200),
    ("GET", "/api/v1/kinds", "read", 200),
]


@pytest.mark.parametrize(("method", "route", "permission", "status"), ROLE_ROUTES)
def test_role_routes_follow_the_roles_table(
    world: World, method: str, route: str, permission: str, status: int
) -> None:
    url = route.format(public=world.people["public"])
    for user in USERS:
        response = world.send(user, method, url, None)
        expected = status if permission in ROLE_CAN[user[0]] else 403
        assert response.status_code == expected, name(user)


def every_route(world: World) -> Iterator[tuple[str, str]]:
    """Every method and path of the API, from its OpenAPI description."""
    values = {
        "record_id": world.people["public"],
        "sha256": world.files["public"],
        "ref": world.people["public"],
        "kind": "person",
        "name": "regions_by",
        "username": "viewer-public",
        "grantee_kind": "group",
        "grantee": "case-a",
        "left": world.people["public"],
        "right": world.people["internal"],
        "import_id": world.people["public"],
    }
    for path, operations in world.server.app.openapi()["paths"].items():
        for method in operations:
            yield method.upper(), path.format(**values)


def test_every_api_route_but_login_and_health_needs_a_user(world: World) -> None:
    client = world.server.client
    answers = {
        (m, u): client.request(m, u).status_code
        for m, u in every_route(world)
        if not u.endswith(("/auth/login", "/health"))
    }
    assert len(answers) > 20
    assert {k: v for k, v in answers.items() if v != 401} == {}


def test_a_forbidden_record_answers_exactly_like_a_missing_one(world: World) -> None:
    user = ("admin", "restricted")  # may read everything except what is not granted
    hidden = world.people["hidden"]
    unused = new_id()
    for route in ("/api/v1/records/{}", "/api/v1/records/{}/history", "/api/v1/ledger/proof/{}"):
        denied = world.get(user, route.format(hidden))
        missing = world.get(user, route.format(unused))
        assert denied.status_code == missing.status_code == 404
        assert denied.text.replace(hidden, "ID") == missing.text.replace(unused, "ID")
        assert set(denied.headers) - {"x-request-id"} == set(missing.headers) - {"x-request-id"}
    patch = {"patch": {"notes": "x"}, "revision": 1}
    denied = world.send(user, "PATCH", f"/api/v1/records/{hidden}", patch)
    missing = world.send(user, "PATCH", f"/api/v1/records/{unused}", patch)
    assert denied.text.replace(hidden, "ID") == missing.text.replace(unused, "ID")


def test_a_reference_to_an_unreadable_record_is_refused_like_a_missing_one(world: World) -> None:
    user = ("documenter", "internal")
    body = lambda person: {"record": {"person": person}}  # noqa: E731
    denied = world.send(
        user, "POST", "/api/v1/records/detention", body(world.people["confidential"])
    )
    unused = new_id()
    missing = world.send(user, "POST", "/api/v1/records/detention", body(unused))
    assert denied.status_code == missing.status_code == 422
    problems = {e["field"]: e["problem"] for e in denied.json()["errors"]}
    assert problems["person"] == f"no person with id {world.people['confidential']}"
    assert {e["field"]: e["problem"] for e in missing.json()["errors"]}[
        "person"
    ] == f"no person with id {unused}"


def test_a_reference_already_there_does_not_block_an_update(world: World) -> None:
    body = {"person": world.people["confidential"], "confidentiality": "internal"}
    made = records.add_record(world.server.store, "detention", body, actor="test").record.id
    user = ("documenter", "internal")
    patch = {"patch": {"notes": "a lawyer visited"}, "revision": 1}
    assert world.send(user, "PATCH", f"/api/v1/records/{made}", patch).status_code == 200
    repoint = {"patch": {"person": world.people["hidden"]}, "revision": 2}
    answer = world.send(("admin", "restricted"), "PATCH", f"/api/v1/records/{made}", repoint)
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "person", "problem": f"no person with id {world.people['hidden']}"}
    ]


def test_references_to_unreadable_records_are_masked_and_kept(world: World) -> None:
    secret = world.people["confidential"]
    body = {"person": secret, "confidentiality": "internal", "notes": "first"}
    made = records.add_record(world.server.store, "detention", body, actor="test").record.id
    url = f"/api/v1/records/{made}"
    low, high = ("documenter", "internal"), ("admin", "restricted")
    seen = world.get(low, url).json()
    assert seen["data"]["person"] is None and secret not in world.get(low, url).text
    assert world.get(high, url).json()["data"]["person"] == secret
    history = world.get(low, f"{url}/history").text
    assert secret not in history
    replaced = world.send(
        low, "PUT", url, {"record": seen["data"] | {"notes": "second"}, "revision": 1}
    )
    assert replaced.status_code == 200, replaced.text
    assert records.get_record(world.server.store, CUSTODIAN, made).record.person == secret  # type: ignore[attr-defined]
    page = world.get(low, "/api/v1/records?kind=detention&limit=500").text
    assert secret not in page
