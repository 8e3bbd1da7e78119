"""Logging in and what protects it: sessions, lockout, TOTP, tokens, CSRF, compartments."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Literal

import pyotp
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient
from serverkit import BASE_URL, PASSWORD, Server

from sviedka.http.sessions import SESSION_COOKIE
from sviedka.http.tokens import create_token
from sviedka.model.revision import timestamp
from sviedka.policy import custodian
from sviedka.services import accounts
from sviedka.services.accounts import LOCKOUT
from sviedka.services.archive.grants import add_grant
from sviedka.services.records import records
from sviedka.store import schema as t

LOGIN = "/api/v1/auth/login"


def login(
    client: TestClient, username: str, password: str = PASSWORD, totp: str | None = None
) -> dict:
    response = client.post(LOGIN, json={"username": username, "password": password, "totp": totp})
    return {
        "status": response.status_code,
        "body": response.json(),
        "cookie": response.cookies.get(SESSION_COOKIE),
    }


@pytest.fixture
def client(server: Server) -> TestClient:
    """A fresh cookie jar on the module's app."""
    return TestClient(server.app, base_url=BASE_URL)


@pytest.fixture(scope="module")
def users(server: Server) -> Server:
    server.user("doc", "documenter", "confidential", groups=("case-a",))
    server.user("doc-b", "documenter", "restricted", groups=("case-b",))
    server.user("viewer", "viewer", "public")
    return server


def test_a_login_sets_a_secure_httponly_samesite_cookie(users: Server, client: TestClient) -> None:
    response = client.post(LOGIN, json={"username": "doc", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= {
        p.strip() for p in cookie.split(";")
    }
    me = client.get("/api/v1/me").json()
    assert (me["username"], me["role"]) == ("doc", "documenter")


def test_every_login_makes_a_new_session_and_ends_the_old_one(
    users: Server, client: TestClient
) -> None:
    first = login(client, "doc")["cookie"]
    planted = client.cookies.get(SESSION_COOKIE)
    second = login(client, "doc")["cookie"]
    assert first == planted and second != first
    stale = TestClient(users.app, base_url=BASE_URL, cookies={SESSION_COOKIE: first})
    assert stale.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 200


def test_logout_ends_the_session_on_the_server(users: Server, client: TestClient) -> None:
    cookie = login(client, "doc")["cookie"]
    token = client.get("/api/v1/me").json()["csrf_token"]
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token}).status_code == 200
    replay = TestClient(users.app, base_url=BASE_URL, cookies={SESSION_COOKIE: cookie})
    assert replay.get("/api/v1/me").status_code == 401


def test_every_login_failure_answers_the_same(users: Server, client: TestClient) -> None:
    accounts.set_disabled(users.store, "viewer")
    try:
        answers = [
            login(client, "nobody-here")["body"],
            login(client, "doc", "wrong password!!")["body"],
            login(client, "viewer")["body"],  # disabled
        ]
    finally:
        accounts.set_disabled(users.store, "viewer", False)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["status"] == 401
    for name in ("doc", "viewer"):
        accounts.unlock(users.store, name)


def test_an_unknown_name_costs_one_password_hash_like_a_known_one(
    users: Server, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            calls.append(str(hash)[:9])
            return super().verify(hash, password)

    monkeypatch.setattr(accounts.hashing, "HASHER", Counting.from_parameters(profiles.CHEAPEST))
    login(client, "no-such-user")
    login(client, "doc", "wrong password!!")
    assert calls == ["$argon2id", "$argon2id"]
    accounts.unlock(users.store, "doc")


def test_repeated_failures_lock_a_name_whether_or_not_it_exists(users: Server) -> None:
    for name in ("doc", "ghost"):
        client = TestClient(users.app, base_url=BASE_URL)
        statuses = [
            login(client, name, "wrong password!!")["status"] for _ in range(LOCKOUT.per_name)
        ]
        assert statuses == [401] * LOCKOUT.per_name
        locked = login(client, name, PASSWORD if name == "doc" else "wrong password!!")
        assert locked["status"] == 429 and locked["cookie"] is None
    assert login(TestClient(users.app, base_url=BASE_URL), "doc")["status"] == 429
    accounts.unlock(users.store, "doc")
    assert login(TestClient(users.app, base_url=BASE_URL), "doc")["status"] == 200


def test_totp_is_needed_once_required_and_a_code_works_once(
    users: Server, client: TestClient
) -> None:
    accounts.add_user(users.store, "otp-user", PASSWORD, role="viewer")
    uri = accounts.require_totp(users.store, "otp-user")
    assert uri is not None
    code = pyotp.parse_uri(uri).now()
    assert login(client, "otp-user")["status"] == 401
    assert (
        login(client, "otp-user", totp="000000" if code != "000000" else "111111")["status"] == 401
    )
    assert login(client, "otp-user", totp=code)["status"] == 200
    assert login(client, "otp-user", totp=code)["status"] == 401  # replayed
    accounts.unlock(users.store, "otp-user")


def test_a_user_enrols_a_second_factor_with_a_confirming_code(
    users: Server, client: TestClient
) -> None:
    accounts.add_user(users.store, "enrolling", PASSWORD, role="viewer")
    login(client, "enrolling")
    csrf = {"X-CSRF-Token": client.get("/api/v1/me").json()["csrf_token"]}
    uri = client.post("/api/v1/me/totp", headers=csrf).json()["uri"]
    assert (
        client.post("/api/v1/me/totp/confirm", json={"code": "12345"}, headers=csrf).status_code
        == 422
    )
    code = pyotp.parse_uri(uri).now()
    confirmed = client.post("/api/v1/me/totp/confirm", json={"code": code}, headers=csrf).json()
    assert confirmed["totp_enabled"] is True
    assert login(TestClient(users.app, base_url=BASE_URL), "enrolling")["status"] == 401


def test_tokens_expire_and_are_limited_to_their_scopes(users: Server) -> None:
    client = users.client
    read_only, _ = create_token(users.store, "doc", ["read"], timedelta(hours=1))
    bearer = {"Authorization": f"Bearer {read_only}"}
    assert client.get("/api/v1/records?kind=person", headers=bearer).status_code == 200
    body = {"record": {"names": [{"full": "X"}]}}
    assert client.post("/api/v1/records/person", json=body, headers=bearer).status_code == 403
    expired, _ = create_token(users.store, "doc", ["read"], timedelta(seconds=-1))
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    forged = client.get("/api/v1/me", headers={"Authorization": "Bearer svk_" + "A" * 43})
    assert forged.status_code == 401


def test_cookie_requests_that_change_things_need_the_csrf_token(
    users: Server, client: TestClient
) -> None:
    login(client, "doc")
    token = client.get("/api/v1/me").json()["csrf_token"]
    body = {"record": {"names": [{"full": "Y"}]}}
    assert client.post("/api/v1/records/person", json=body).status_code == 403
    wrong = client.post("/api/v1/records/person", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    assert wrong.json()["error"].startswith("The form has expired")
    ok = client.post("/api/v1/records/person", json=body, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201
    form = client.post("/api/v1/auth/logout", data={"csrf_token": token})
    assert form.status_code == 200


def test_another_compartments_record_is_not_found(users: Server) -> None:
    body = {"names": [{"full": "Compartment B"}], "confidentiality": "restricted"}
    record_id = records.add_record(users.store, "person", body, actor="test").record.id
    add_grant(users.store, custodian("test"), record_id, grantee_kind="group", grantee="case-b")
    assert (
        users.client.get(f"/api/v1/records/{record_id}", headers=users.as_("doc-b")).status_code
        == 200
    )
    denied = users.client.get(f"/api/v1/records/{record_id}", headers=users.as_("doc"))
    assert denied.status_code == 404
    page = users.client.get(
        "/api/v1/records?kind=person&limit=500", headers=users.as_("doc")
    ).json()
    assert record_id not in {item["id"] for item in page["items"]}


def test_too_many_requests_from_one_address_are_refused(users: Server) -> None:
    with TestClient(users.another_app(rate_limit=3), base_url=BASE_URL) as limited:
        statuses = [limited.get("/api/v1/me").status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 429, 429]
        assert limited.get("/api/v1/health").status_code == 200  # monitors are not limited


def test_a_write_only_token_writes_within_its_users_reach_but_reads_nothing(users: Server) -> None:
    client = users.client
    writer, _ = create_token(users.store, "doc", ["write"], timedelta(hours=1))
    bearer = {"Authorization": f"Bearer {writer}"}
    person = client.post(
        "/api/v1/records/person", json={"record": {"names": [{"full": "W"}]}}, headers=bearer
    )
    assert person.status_code == 201, person.text
    detention = {"record": {"person": person.json()["id"], "confidentiality": "confidential"}}
    assert (
        client.post("/api/v1/records/detention", json=detention, headers=bearer).status_code == 201
    )
    too_high = {"record": {"names": [{"full": "W"}], "confidentiality": "restricted"}}
    assert client.post("/api/v1/records/person", json=too_high, headers=bearer).status_code == 422
    assert client.get(f"/api/v1/records/{person.json()['id']}", headers=bearer).status_code == 403


@pytest.mark.parametrize("column", ["seen_at", "expires_at"])
def test_an_idle_or_expired_session_ends(users: Server, client: TestClient, column: str) -> None:
    login(client, "doc")
    assert client.get("/api/v1/me").status_code == 200
    digest = hashlib.sha256(client.cookies[SESSION_COOKIE].encode()).hexdigest()
    then = timestamp(datetime.now(UTC) - timedelta(hours=13))
    with users.store.engine.begin() as conn:
        query = sa.update(t.sessions).where(t.sessions.c.id_sha256 == digest)
        conn.execute(query.values({column: then}))
    assert client.get("/api/v1/me").status_code == 401
    with users.store.engine.connect() as conn:
        left = conn.execute(sa.select(t.sessions).where(t.sessions.c.id_sha256 == digest)).all()
    assert left == []
