"""Passwords and taking access away, through the services and the API, on SQLite and PostgreSQL:
a user's own change, an administrator's reset that forces a change at the next login, and every
session and token ending for good on disable, reset and lowering of role or clearance."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from serverkit import BASE_URL, PASSWORD, Server

from sviedka.errors import Invalid
from sviedka.http.tokens import create_token, list_tokens
from sviedka.services import accounts
from sviedka.services.accounts import LOCKOUT, TooManyAttempts
from sviedka.services.archive.audit import events
from sviedka.store import schema as t

NEW_PASSWORD = "a brand new password"
LOGIN = "/api/v1/auth/login"


def logged_in(server: Server, name: str, password: str = PASSWORD) -> tuple[TestClient, str]:
    """A fresh browser logged in as ``name``, and its CSRF token."""
    client = TestClient(server.app, base_url=BASE_URL)
    answer = client.post(LOGIN, json={"username": name, "password": password})
    assert answer.status_code == 200, answer.text
    return client, answer.json()["csrf_token"]


def status_with_token(server: Server, token: str) -> int:
    return server.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def a_token(server: Server, name: str) -> str:
    token, _ = create_token(server.store, name, ["read"], timedelta(hours=1))
    return token


def login_status(server: Server, name: str, password: str) -> int:
    client = TestClient(server.app, base_url=BASE_URL)
    return client.post(LOGIN, json={"username": name, "password": password}).status_code


def audited(server: Server, action: str, user_id: str) -> list[tuple[str, str, dict]]:
    return [
        (e.action, e.user, dict(e.details))
        for e in events(server.store, ref=user_id)
        if e.action == action
    ]


@pytest.fixture(scope="module")
def admin(server: Server) -> str:
    server.user("pw-admin", "admin", "restricted")
    return "pw-admin"


# -- disabling, and lowering role or clearance ----------------------------------------------


def test_enabling_a_disabled_user_does_not_bring_back_their_tokens_or_sessions(
    server: Server,
) -> None:
    server.user("pw-disabled", "documenter", "confidential")
    token = server.tokens["pw-disabled"]
    browser, _ = logged_in(server, "pw-disabled")
    accounts.set_disabled(server.store, "pw-disabled")
    accounts.set_disabled(server.store, "pw-disabled", False)
    assert status_with_token(server, token) == 401
    assert browser.get("/api/v1/me").status_code == 401
    assert [info.revoked_at is not None for info in list_tokens(server.store, "pw-disabled")] == [
        True
    ]
    assert login_status(server, "pw-disabled", PASSWORD) == 200  # the account itself works


def test_disabling_through_the_api_revokes_every_token_for_good(server: Server, admin: str) -> None:
    server.user("pw-api-disabled", "documenter", "confidential")
    token = server.tokens["pw-api-disabled"]
    url = "/api/v1/users/pw-api-disabled"
    assert server.client.patch(url, json={"disabled": True}, headers=server.as_(admin)).is_success
    assert server.client.patch(url, json={"disabled": False}, headers=server.as_(admin)).is_success
    assert status_with_token(server, token) == 401


@pytest.mark.parametrize(
    ("change", "before", "after", "revoked"),
    [
        (accounts.set_role, "coordinator", "documenter", True),
        (accounts.set_role, "documenter", "coordinator", False),
        (accounts.set_role, "documenter", "documenter", False),
        (accounts.set_clearance, "restricted", "internal", True),
        (accounts.set_clearance, "internal", "restricted", False),
    ],
)
def test_lowering_a_role_or_a_clearance_ends_sessions_and_tokens_and_raising_does_not(
    server: Server, change: object, before: str, after: str, revoked: bool
) -> None:
    name = f"pw-{change.__name__[4:]}-{before}-{after}"  # type: ignore[attr-defined]
    is_role = change is accounts.set_role
    role, clearance = (before, "internal") if is_role else ("documenter", before)
    server.user(name, role, clearance)
    browser, _ = logged_in(server, name)
    change(server.store, name, after)  # type: ignore[operator]
    expected = 401 if revoked else 200
    assert (
        status_with_token(server, server.tokens[name]),
        browser.get("/api/v1/me").status_code,
    ) == (
        expected,
        expected,
    )


# -- a user's own change ---------------------------------------------------------------------


def test_a_user_changes_their_password_and_everything_else_of_theirs_ends(server: Server) -> None:
    server.user("pw-self", "documenter", "confidential")
    token = server.tokens["pw-self"]
    other_browser, _ = logged_in(server, "pw-self")
    browser, csrf = logged_in(server, "pw-self")
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    answer = browser.post("/api/v1/me/password", json=body, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200, answer.text
    assert answer.json()["csrf_token"] not in (None, csrf)  # a new session, as at a login
    assert browser.get("/api/v1/me").json()["username"] == "pw-self"
    assert other_browser.get("/api/v1/me").status_code == 401
    assert status_with_token(server, token) == 401
    assert (
        login_status(server, "pw-self", PASSWORD),
        login_status(server, "pw-self", NEW_PASSWORD),
    ) == (
        401,
        200,
    )
    user_id = accounts.find_user(server.store, "pw-self").id
    assert audited(server, "user_password_change", user_id) == [
        ("user_password_change", "pw-self", {})
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"current_password": "not my password!", "new_password": NEW_PASSWORD},
            "current_password",
        ),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
    ],
)
def test_a_wrong_current_password_or_a_bad_new_one_changes_nothing(
    server: Server, body: dict[str, str], field: str
) -> None:
    name = f"pw-bad-{field}-{len(body['new_password'])}-{body['current_password'][:3]}"
    server.user(name, "viewer", "public")
    browser, csrf = logged_in(server, name)
    answer = browser.post("/api/v1/me/password", json=body, headers={"X-CSRF-Token": csrf})
    assert (answer.status_code, [e["field"] for e in answer.json()["errors"]]) == (422, [field])
    assert browser.get("/api/v1/me").status_code == 200
    assert status_with_token(server, server.tokens[name]) == 200
    assert login_status(server, name, PASSWORD) == 200
    accounts.unlock(server.store, name)


def test_wrong_current_passwords_count_as_failed_logins(server: Server) -> None:
    server.user("pw-guessed", "viewer", "public")
    user = accounts.find_user(server.store, "pw-guessed")
    for _ in range(LOCKOUT.per_name):
        with pytest.raises(Invalid):
            accounts.change_password(server.store, user.id, "a wrong guess!", NEW_PASSWORD, ip="x")
    with pytest.raises(TooManyAttempts):
        accounts.change_password(server.store, user.id, PASSWORD, NEW_PASSWORD, ip="y")
    assert login_status(server, "pw-guessed", PASSWORD) == 429
    accounts.unlock(server.store, "pw-guessed")
    assert login_status(server, "pw-guessed", PASSWORD) == 200


def test_an_api_token_cannot_change_its_users_password(server: Server) -> None:
    server.user("pw-script", "documenter", "confidential")
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    answer = server.client.post("/api/v1/me/password", json=body, headers=server.as_("pw-script"))
    assert answer.status_code == 403
    assert login_status(server, "pw-script", PASSWORD) == 200


def test_changing_a_password_needs_the_sessions_csrf_token(server: Server) -> None:
    server.user("pw-csrf", "viewer", "public")
    browser, _ = logged_in(server, "pw-csrf")
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert browser.post("/api/v1/me/password", json=body).status_code == 403
    assert login_status(server, "pw-csrf", PASSWORD) == 200


# -- an administrator's reset ----------------------------------------------------------------


def test_a_reset_user_may_only_change_their_password_until_they_do(
    server: Server, admin: str
) -> None:
    server.user("pw-reset", "documenter", "confidential")
    token = server.tokens["pw-reset"]
    browser, _ = logged_in(server, "pw-reset")
    answer = server.client.post(
        "/api/v1/users/pw-reset/password", json={}, headers=server.as_(admin)
    )
    assert answer.status_code == 200, answer.text
    temporary = answer.json()["password"]
    assert (answer.json()["must_change_password"], len(temporary)) == (True, 19)
    assert (status_with_token(server, token), browser.get("/api/v1/me").status_code) == (401, 401)
    assert login_status(server, "pw-reset", PASSWORD) == 401

    browser, csrf = logged_in(server, "pw-reset", temporary)
    me = browser.get("/api/v1/me").json()
    assert (me["must_change_password"], me["permissions"]) == (True, [])
    refused = browser.get("/api/v1/records?kind=person")
    assert (refused.status_code, refused.json()["error"]) == (
        403,
        accounts.PasswordChangeRequired().message,
    )
    assert browser.post("/api/v1/me/totp", headers={"X-CSRF-Token": csrf}).status_code == 403
    body = {"current_password": temporary, "new_password": NEW_PASSWORD}
    changed = browser.post("/api/v1/me/password", json=body, headers={"X-CSRF-Token": csrf})
    assert changed.json()["must_change_password"] is False
    assert browser.get("/api/v1/records?kind=person").status_code == 200


def test_a_new_token_for_a_reset_user_does_nothing_until_they_change_it(server: Server) -> None:
    server.user("pw-reset-token", "documenter", "confidential")
    accounts.reset_password(server.store, "pw-reset-token", "a temporary password")
    answer = server.client.get(
        "/api/v1/records?kind=person",
        headers={"Authorization": f"Bearer {a_token(server, 'pw-reset-token')}"},
    )
    assert answer.status_code == 403


def test_an_admin_sets_the_password_and_the_reset_is_audited(server: Server, admin: str) -> None:
    server.user("pw-typed", "viewer", "public")
    body = {"password": "typed by the admin"}
    answer = server.client.post(
        "/api/v1/users/pw-typed/password", json=body, headers=server.as_(admin)
    )
    assert (answer.status_code, answer.json()["password"]) == (200, None)
    assert login_status(server, "pw-typed", "typed by the admin") == 200
    user_id = accounts.find_user(server.store, "pw-typed").id
    assert audited(server, "user_password_reset", user_id) == [
        ("user_password_reset", admin, {"generated": False})
    ]


def test_a_reset_lets_a_locked_out_user_log_in_at_once(server: Server) -> None:
    server.user("pw-locked", "viewer", "public")
    for _ in range(LOCKOUT.per_name):
        login_status(server, "pw-locked", "a wrong password")
    _, temporary = accounts.reset_password(server.store, "pw-locked")
    assert login_status(server, "pw-locked", str(temporary)) == 200


def test_only_an_admin_resets_a_password(server: Server) -> None:
    server.user("pw-coordinator", "coordinator", "restricted")
    server.user("pw-target", "viewer", "public")
    answer = server.client.post(
        "/api/v1/users/pw-target/password", json={}, headers=server.as_("pw-coordinator")
    )
    assert answer.status_code == 403
    assert login_status(server, "pw-target", PASSWORD) == 200


def test_a_short_reset_password_is_refused_and_changes_nothing(server: Server, admin: str) -> None:
    server.user("pw-short", "viewer", "public")
    answer = server.client.post(
        "/api/v1/users/pw-short/password", json={"password": "short"}, headers=server.as_(admin)
    )
    assert answer.status_code == 422
    assert status_with_token(server, server.tokens["pw-short"]) == 200
    assert accounts.find_user(server.store, "pw-short").must_change_password is False


def test_temporary_passwords_are_readable_and_never_the_same() -> None:
    made = {accounts.temporary_password() for _ in range(200)}
    assert len(made) == 200
    assert all(len(p) == 19 and p.count("-") == 3 and not set(p) & set("01lo") for p in made)


# -- the flag in older databases ---------------------------------------------------------------


def test_an_older_database_gets_the_password_reset_flag_unset_for_everyone(db_url: str) -> None:
    from sviedka.store import open_store
    from sviedka.store.migrations import MIGRATIONS, migrate

    store = open_store(db_url)
    try:
        accounts.add_user(store, "before", PASSWORD, role="viewer")
        with store.engine.begin() as conn:  # as the users table was before migration 8
            conn.execute(sa.text("ALTER TABLE users DROP COLUMN must_change_password"))
            conn.execute(sa.delete(t.migrations_table).where(t.migrations_table.c.version == 8))
        assert migrate(store.engine) == [8]
        assert migrate(store.engine) == []
        assert accounts.find_user(store, "before").must_change_password is False
        assert [m.version for m in MIGRATIONS].index(8) == 7  # the eighth, as shipped
    finally:
        store.close()
