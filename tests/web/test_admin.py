"""User management from the admin pages, through the server's real app (TestClient): adding a
user who can then log in, changes that take effect, audit events like the API's, problems next
to their fields with nothing changed, and nobody but an administrator getting anywhere."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webtools import PASSWORD, login

from sviedka.services import accounts
from sviedka.services.archive.audit import events
from sviedka.services.archive.folder import open_archive

NEW = {
    "username": "alice",
    "role": "documenter",
    "clearance": "confidential",
    "groups": "case-17, lawyers",
    "password": "a long enough password",
    "password2": "a long enough password",
}

ACTIONS = [
    ("/admin/users", NEW),
    ("/admin/users/viewer/role", {"role": "admin"}),
    ("/admin/users/viewer/clearance", {"clearance": "restricted"}),
    ("/admin/users/viewer/groups", {"group": "insiders"}),
    ("/admin/users/viewer/groups/remove", {"group": "insiders"}),
    ("/admin/users/viewer/totp", {"required": "1"}),
    ("/admin/users/viewer/disabled", {"disabled": "1"}),
    ("/admin/users/viewer/unlock", {}),
]


def user(archive_path: Path, name: str) -> accounts.User:
    with open_archive(archive_path) as archive:
        return accounts.find_user(archive.store, name)


def user_names(archive_path: Path) -> list[str]:
    with open_archive(archive_path) as archive:
        return [u.username for u in accounts.list_users(archive.store)]


def audit(archive_path: Path, action: str) -> list[dict[str, object]]:
    with open_archive(archive_path) as archive:
        return [e.data() for e in events(archive.store) if e.action == action]


def field_error(html: str, field: str) -> str:
    found = re.search(rf'id="{re.escape(field)}-error"[^>]*>([^<]+)<', html)
    assert found, f"no message next to {field}"
    return found.group(1)


def test_an_admin_adds_a_user_who_can_then_log_in(
    client: TestClient, app_factory: Callable[..., TestClient], archive_path: Path
) -> None:
    csrf = login(client, "admin")
    page = client.get("/admin")
    assert 'action="/admin/users"' in page.text and 'name="password2"' in page.text
    r = client.post("/admin/users", data={**NEW, "csrf_token": csrf})
    assert r.status_code == 200 and "alice" in r.text
    alice = user(archive_path, "alice")
    assert (alice.role, alice.clearance) == ("documenter", "confidential")
    assert alice.groups == {"case-17", "lawyers"}
    (event,) = audit(archive_path, "user_add")
    assert event["ref"] == alice.id and event["user"] == "admin"
    assert event["details"] == {"role": "documenter", "clearance": "confidential"}
    other = app_factory()
    logged = other.post(
        "/login",
        data={"username": "alice", "password": NEW["password"]},
        follow_redirects=False,
    )
    assert logged.status_code == 303
    assert other.get("/record").status_code == 200


def test_role_and_clearance_changes_take_effect_at_once(
    client: TestClient, app_factory: Callable[..., TestClient], archive_path: Path
) -> None:
    doc = app_factory()
    login(doc, "doc")
    assert doc.get("/record").status_code == 200
    csrf = login(client, "admin")
    r = client.post("/admin/users/doc/role", data={"role": "viewer", "csrf_token": csrf})
    assert r.status_code == 200
    # a lower role ends the open session at once (it would have had the new role anyway)
    assert doc.get("/record", follow_redirects=False).headers["location"] == "/login"
    r = client.post("/admin/users/doc/clearance", data={"clearance": "public", "csrf_token": csrf})
    assert r.status_code == 200
    changed = user(archive_path, "doc")
    assert (changed.role, changed.clearance) == ("viewer", "public")
    details = [e["details"] for e in audit(archive_path, "user_change")]
    assert details == [{"role": "viewer"}, {"clearance": "public"}]


def test_groups_second_factor_disable_enable_and_unlock(
    client: TestClient, app_factory: Callable[..., TestClient], archive_path: Path
) -> None:
    csrf = login(client, "admin")
    client.post("/admin/users/viewer/groups", data={"group": "insiders", "csrf_token": csrf})
    assert user(archive_path, "viewer").groups == {"insiders"}
    client.post("/admin/users/viewer/groups/remove", data={"group": "insiders", "csrf_token": csrf})
    assert user(archive_path, "viewer").groups == frozenset()

    viewer = app_factory()
    login(viewer, "viewer")
    client.post("/admin/users/viewer/disabled", data={"disabled": "1", "csrf_token": csrf})
    assert user(archive_path, "viewer").disabled
    assert viewer.get("/", follow_redirects=False).status_code == 303  # its session ended
    client.post("/admin/users/viewer/disabled", data={"disabled": "0", "csrf_token": csrf})
    assert not user(archive_path, "viewer").disabled

    locked = app_factory()
    for _ in range(10):
        locked.post("/login", data={"username": "viewer", "password": "wrong"})
    assert (
        locked.post("/login", data={"username": "viewer", "password": PASSWORD}).status_code == 429
    )
    client.post("/admin/users/viewer/unlock", data={"csrf_token": csrf})
    ok = locked.post(
        "/login", data={"username": "viewer", "password": PASSWORD}, follow_redirects=False
    )
    assert ok.status_code == 303
    r = client.post("/admin/users/viewer/totp", data={"required": "1", "csrf_token": csrf})
    assert "otpauth://totp/" in r.text  # shown once, on this answer only
    assert "otpauth://" not in client.get("/admin/users/viewer").text
    assert user(archive_path, "viewer").totp_required
    client.post("/admin/users/viewer/totp", data={"required": "0", "csrf_token": csrf})
    assert not user(archive_path, "viewer").totp_required  # still enrolled: a code is asked

    details = [e["details"] for e in audit(archive_path, "user_change")]
    assert details == [
        {"add_groups": ["insiders"]},
        {"remove_groups": ["insiders"]},
        {"disabled": True},
        {"disabled": False},
        {"unlock": True},
        {"totp_required": True},
        {"totp_required": False},
    ]


@pytest.mark.parametrize("name", ["doc", "viewer"])
def test_only_an_admin_may_manage_users(client: TestClient, archive_path: Path, name: str) -> None:
    csrf = login(client, name)
    assert client.get("/admin").status_code == 403
    assert client.get("/admin/users/viewer").status_code == 403
    for path, data in ACTIONS:
        r = client.post(path, data={**data, "csrf_token": csrf})
        assert r.status_code == 403, path
    for path in ["/", "/people", "/record", "/evidence", "/search", "/imports"]:
        assert 'action="/admin' not in client.get(path).text, path
    assert "alice" not in user_names(archive_path)
    viewer = user(archive_path, "viewer")
    assert (viewer.role, viewer.groups, viewer.disabled) == ("viewer", frozenset(), False)
    assert audit(archive_path, "user_add") == audit(archive_path, "user_change") == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("viewer", ["/", "/people", "/evidence", "/search"]),
        ("doc", ["/", "/people", "/record", "/evidence", "/search", "/imports"]),
        ("admin", ["/", "/people", "/record", "/evidence", "/search", "/imports", "/admin"]),
    ],
)
def test_the_menu_shows_only_what_the_role_may_open(
    client: TestClient, name: str, shown: list[str]
) -> None:
    login(client, name)
    html = client.get("/people").text
    menu = html[html.index("<nav") : html.index("</nav>")]
    everything = ["/", "/people", "/record", "/evidence", "/search", "/imports", "/admin"]
    assert [p for p in everything if f'href="{p}"' in menu] == shown


def test_a_form_without_the_csrf_token_is_refused(client: TestClient, archive_path: Path) -> None:
    login(client, "admin")
    for path, data in ACTIONS:
        assert client.post(path, data=data).status_code == 403, path
    assert "alice" not in user_names(archive_path)
    assert user(archive_path, "viewer").role == "viewer"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "doc"}, "username", "There is a user with this name already."),
        ({"username": "Bad name!"}, "username", "2 to 64 characters"),
        ({"password": "short", "password2": "short"}, "password", "12 to 1024 characters"),
        ({"password2": "something else entirely"}, "password2", "are not the same"),
        ({"role": "superuser"}, "role", "Choose one of the roles."),
        ({"clearance": "secret"}, "clearance", "Choose one of the levels."),
        ({"groups": "ok, not ok!"}, "groups", "at most 64 characters"),
    ],
)
def test_bad_input_says_why_next_to_the_field_and_changes_nothing(
    client: TestClient, archive_path: Path, change: dict[str, str], field: str, message: str
) -> None:
    csrf = login(client, "admin")
    before = user_names(archive_path)
    r = client.post("/admin/users", data={**NEW, **change, "csrf_token": csrf})
    assert r.status_code == 422
    assert message in field_error(r.text, field)
    assert 'value="a long enough password"' not in r.text  # passwords are never sent back
    assert user_names(archive_path) == before
    assert audit(archive_path, "user_add") == []


def test_messages_are_in_the_users_language(client: TestClient, archive_path: Path) -> None:
    csrf = login(client, "admin")
    client.post("/language", data={"lang": "be", "csrf_token": csrf, "next": "/admin"})
    r = client.post("/admin/users", data={**NEW, "username": "doc", "csrf_token": csrf})
    assert r.status_code == 422
    assert "Карыстальнік з такім імем ужо ёсць." in field_error(r.text, "username")
    r = client.post("/admin/users/viewer/role", data={"role": "nobody", "csrf_token": csrf})
    assert r.status_code == 422 and "Выберыце адну з роляў." in field_error(r.text, "role")
    assert user(archive_path, "viewer").role == "viewer"


def test_an_admin_cannot_lock_themselves_out(client: TestClient, archive_path: Path) -> None:
    csrf = login(client, "admin")
    r = client.post("/admin/users/admin/role", data={"role": "viewer", "csrf_token": csrf})
    assert r.status_code == 422
    r = client.post("/admin/users/admin/disabled", data={"disabled": "1", "csrf_token": csrf})
    assert r.status_code == 422
    me = user(archive_path, "admin")
    assert (me.role, me.disabled) == ("admin", False)


def test_read_only_sections_say_how_they_are_changed(client: TestClient) -> None:
    login(client, "admin")
    text = client.get("/admin").text
    assert "which needs the archive passphrase" in text
    assert "declared in the archive's configuration file" in text.replace("&#39;", "'")
    assert client.get("/admin/users/nobody").status_code == 404


def test_admin_pages_keep_the_strict_policy(client: TestClient) -> None:
    csrf = login(client, "admin")
    answers = [client.get("/admin"), client.get("/admin/users/viewer")]
    answers.append(client.post("/admin/users", data={**NEW, "role": "", "csrf_token": csrf}))
    for r in answers:
        assert "unsafe-inline" not in r.headers["content-security-policy"]
        assert r.headers["cache-control"] == "no-store"
        assert not re.search(r"<script(?![^>]*\bsrc=)", r.text)  # no inline scripts
        assert not re.search(r"\sstyle=|\son[a-z]+=", r.text)  # no inline styles or handlers
        assert 'aria-describedby="role-error"' in r.text or r.status_code == 200
