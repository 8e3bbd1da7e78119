"""Several workers on one database answer as one: two app instances (as two uvicorn workers would
be), each with its own connection pool, share records, sessions, lockouts and the audit log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from serverkit import BASE_URL, PASSWORD, Server

from sviedka.services.accounts import LOCKOUT
from sviedka.services.archive.verify import verify_archive


@pytest.fixture(scope="module")
def pair(server: Server) -> Iterator[tuple[TestClient, TestClient, Server]]:
    server.user("w-admin", "admin", "restricted")
    server.user("w-doc", "documenter", "confidential")
    with TestClient(server.another_app(), base_url=BASE_URL) as second:
        yield server.client, second, server


def test_what_one_worker_writes_the_other_reads_the_same(pair: tuple) -> None:
    first, second, server = pair
    admin = server.as_("w-admin")
    body = {"record": {"names": [{"full": "Shared"}], "confidentiality": "confidential"}}
    made = first.post("/api/v1/records/person", json=body, headers=admin).json()
    url = f"/api/v1/records/{made['id']}"
    assert first.get(url, headers=admin).json() == second.get(url, headers=admin).json()
    patch = {"patch": {"notes": "changed on the second"}, "revision": 1}
    assert second.patch(url, json=patch, headers=admin).status_code == 200
    stale = first.patch(url, json=patch | {"patch": {"notes": "x"}}, headers=admin)
    assert stale.status_code == 409
    lists = [c.get("/api/v1/records?kind=person&limit=500", headers=admin).json() for c in pair[:2]]
    assert lists[0] == lists[1]


def test_a_session_from_one_worker_works_on_the_other(pair: tuple) -> None:
    first, second, _ = pair
    login = first.post("/api/v1/auth/login", json={"username": "w-doc", "password": PASSWORD})
    cookies = dict(login.cookies)
    other = TestClient(second.app, base_url=BASE_URL, cookies=cookies)
    assert other.get("/api/v1/me").json()["username"] == "w-doc"


def test_failed_logins_count_across_workers(pair: tuple) -> None:
    first, second, _ = pair
    wrong = {"username": "w-doc", "password": "not the password"}
    for i in range(LOCKOUT.per_name):
        client = first if i % 2 else second
        assert client.post("/api/v1/auth/login", json=wrong).status_code == 401
    right = {"username": "w-doc", "password": PASSWORD}
    assert first.post("/api/v1/auth/login", json=right).status_code == 429
    assert second.post("/api/v1/auth/login", json=right).status_code == 429


def test_audit_events_from_both_workers_are_in_one_verified_log(pair: tuple) -> None:
    first, second, server = pair
    admin = server.as_("w-admin")
    body = {"record": {"names": [{"full": "Audited"}], "confidentiality": "confidential"}}
    made = first.post("/api/v1/records/person", json=body, headers=admin).json()
    for client in (first, second, first):
        assert client.get(f"/api/v1/records/{made['id']}", headers=admin).status_code == 200
    trail = second.get(f"/api/v1/audit?record={made['id']}", headers=admin).json()["events"]
    assert [e["action"] for e in trail] == ["read", "read", "read"]
    report = verify_archive(server.app.state.archive)
    assert report.problems == []
