"""The account page (a user changes their own password) and the admin's password reset, through
the server's real app: sessions and tokens end, a reset user can only change their password,
problems come back next to their fields with nothing changed, and every change is audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from webtools import PASSWORD, login

from sviedka.http.tokens import create_token, token_user
from sviedka.services import accounts
from sviedka.services.archive.audit import events
from sviedka.store import SqlStore

NEW_PASSWORD = "my own new password"


@pytest.fixture
def store(client: TestClient) -> SqlStore:
    """The store the app under test has open (opening the archive again costs time)."""
    opened: SqlStore = client.app.state.archive.store  # type: ignore[attr-defined]
    return opened


@pytest.fixture
def browser(app_factory: Callable[..., TestClient]) -> Callable[[], TestClient]:
    """Another browser on the same archive (without the keys: no page here needs them)."""
    return lambda: app_factory(keys=False)


def user(store: SqlStore, name: str) -> accounts.User:
    return accounts.find_user(store, name)


def audit(store: SqlStore, action: str) -> list[tuple[str, str, dict[str, object]]]:
    return [(e.user, e.ref, dict(e.details)) for e in events(store) if e.action == action]


def a_token(store: SqlStore, name: str) -> str:
    token, _ = create_token(store, name, ["read"], timedelta(hours=1))
    return token


def token_works(store: SqlStore, token: str) -> bool:
    return token_user(store, token) is not None


def logs_in(client: TestClient, name: str, password: str) -> str | None:
    """Where a login sends the browser, or None if it failed."""
    r = client.post("/login", data={"username": name, "password": password}, follow_redirects=False)
    return r.headers["location"] if r.status_code == 303 else None


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', html)
    assert found
    return found.group(1)


def field_error(html: str, field: str) -> str:
    found = re.search(rf'id="{re.escape(field)}-error"[^>]*>([^<]+)<', html)
    assert found, f"no message next to {field}"
    return found.group(1)


def change(client: TestClient, csrf: str, current: str, new: str, again: str | None = None):  # type: ignore[no-untyped-def]
    data = {
        "current_password": current,
        "new_password": new,
        "new_password2": new if again is None else again,
        "csrf_token": csrf,
    }
    return client.post("/account/password", data=data, follow_redirects=False)


def test_the_name_in_the_header_opens_the_account_page(client: TestClient) -> None:
    login(client, "doc")
    html = client.get("/people").text
    assert '<a href="/account"' in html
    page = client.get("/account")
    assert page.status_code == 200 and 'action="/account/password"' in page.text


def test_a_user_changes_their_password_and_their_other_sessions_and_tokens_end(
    client: TestClient, browser: Callable[[], TestClient], store: SqlStore
) -> None:
    elsewhere = browser()
    login(elsewhere, "doc")
    token = a_token(store, "doc")
    csrf = login(client, "doc")
    r = change(client, csrf, PASSWORD, NEW_PASSWORD)
    assert (r.status_code, r.headers["location"]) == (303, "/account?changed=1")
    page = client.get("/account?changed=1")
    assert "Your password was changed." in page.text
    assert csrf_of(page.text) != csrf  # a new session, as at a login
    assert client.get("/people").status_code == 200
    assert elsewhere.get("/people", follow_redirects=False).headers["location"] == "/login"
    assert token_works(store, token) is False
    assert (
        logs_in(browser(), "doc", PASSWORD),
        logs_in(browser(), "doc", NEW_PASSWORD),
    ) == (
        None,
        "/",
    )
    doc = user(store, "doc")
    assert audit(store, "user_password_change") == [("doc", doc.id, {})]


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        (
            "not my password at all",
            NEW_PASSWORD,
            None,
            "current_password",
            "not your current password",
        ),
        (PASSWORD, NEW_PASSWORD, "something else entirely", "new_password2", "not the same"),
        (PASSWORD, "short", None, "new_password", "12 to 1024 characters"),
        (PASSWORD, PASSWORD, None, "new_password", "not the current one"),
    ],
)
def test_bad_input_says_why_next_to_the_field_and_changes_nothing(
    client: TestClient,
    browser: Callable[[], TestClient],
    store: SqlStore,
    current: str,
    new: str,
    again: str | None,
    field: str,
    message: str,
) -> None:
    csrf = login(client, "doc")
    r = change(client, csrf, current, new, again)
    assert r.status_code == 422
    assert message in field_error(r.text, field)
    assert NEW_PASSWORD not in r.text and PASSWORD not in r.text  # never sent back
    assert client.get("/people").status_code == 200
    assert logs_in(browser(), "doc", PASSWORD) == "/"
    assert audit(store, "user_password_change") == []


def test_the_change_needs_the_csrf_token(
    client: TestClient, browser: Callable[[], TestClient]
) -> None:
    login(client, "doc")
    data = {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    assert client.post("/account/password", data=data).status_code == 403
    assert logs_in(browser(), "doc", PASSWORD) == "/"


def test_an_admin_resets_a_password_and_the_user_must_change_it_before_anything_else(
    client: TestClient, browser: Callable[[], TestClient], store: SqlStore
) -> None:
    doc = browser()
    login(doc, "doc")
    token = a_token(store, "doc")
    csrf = login(client, "admin")
    r = client.post("/admin/users/doc/password", data={"csrf_token": csrf})
    assert r.status_code == 200
    found = re.search(r'<code class="hash">([a-z0-9-]{19})</code>', r.text)
    assert found, "the temporary password is shown once"
    temporary = found.group(1)
    assert temporary not in client.get("/admin/users/doc").text
    assert doc.get("/people", follow_redirects=False).headers["location"] == "/login"
    assert token_works(store, token) is False

    again = browser()
    assert logs_in(again, "doc", temporary) == "/account"
    for path in ["/", "/people", "/record", "/search"]:
        assert again.get(path, follow_redirects=False).headers["location"] == "/account", path
    account = again.get("/account")
    assert "An administrator has set a new password for you." in account.text
    assert 'href="/people"' not in account.text  # no menu until the password is changed
    r = change(again, csrf_of(account.text), temporary, NEW_PASSWORD)
    assert r.status_code == 303
    assert again.get("/people").status_code == 200
    assert user(store, "doc").must_change_password is False
    doc_id = user(store, "doc").id
    assert audit(store, "user_password_reset") == [("admin", doc_id, {"generated": True})]


def test_an_admin_types_the_new_password_twice(
    client: TestClient, browser: Callable[[], TestClient], store: SqlStore
) -> None:
    csrf = login(client, "admin")
    data = {"password": "typed by the admin", "password2": "typed differently", "csrf_token": csrf}
    r = client.post("/admin/users/viewer/password", data=data)
    assert r.status_code == 422 and "not the same" in field_error(r.text, "password2")
    r = client.post("/admin/users/viewer/password", data={**data, "password2": "short"})
    assert r.status_code == 422
    data |= {"password": "short", "password2": "short"}
    r = client.post("/admin/users/viewer/password", data=data)
    assert r.status_code == 422 and "12 to 1024" in field_error(r.text, "password")
    assert logs_in(browser(), "viewer", PASSWORD) == "/"
    data |= {"password": "typed by the admin", "password2": "typed by the admin"}
    r = client.post("/admin/users/viewer/password", data=data)
    assert r.status_code == 200 and "typed by the admin" not in r.text
    assert logs_in(browser(), "viewer", "typed by the admin") == "/account"


def test_an_admin_changes_their_own_password_on_the_account_page_not_by_a_reset(
    client: TestClient, store: SqlStore
) -> None:
    csrf = login(client, "admin")
    assert 'action="/admin/users/admin/password"' not in client.get("/admin/users/admin").text
    r = client.post("/admin/users/admin/password", data={"csrf_token": csrf})
    assert r.status_code == 422 and "account page" in field_error(r.text, "password")
    assert user(store, "admin").must_change_password is False


@pytest.mark.parametrize("name", ["doc", "viewer"])
def test_only_an_admin_resets_a_password(
    client: TestClient, browser: Callable[[], TestClient], store: SqlStore, name: str
) -> None:
    csrf = login(client, name)
    assert client.post("/admin/users/viewer/password", data={"csrf_token": csrf}).status_code == 403
    assert logs_in(browser(), "viewer", PASSWORD) == "/"
    assert audit(store, "user_password_reset") == []


def test_the_account_page_speaks_the_users_language(client: TestClient) -> None:
    csrf = login(client, "doc")
    client.post("/language", data={"lang": "be", "csrf_token": csrf, "next": "/account"})
    r = change(client, csrf_of(client.get("/account").text), "not my password at all", NEW_PASSWORD)
    assert "Гэта не ваш цяперашні пароль." in field_error(r.text, "current_password")
