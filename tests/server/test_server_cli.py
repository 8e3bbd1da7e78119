"""``sviedka user``, ``token``, ``audit`` and ``serve``'s refusals, in process on a real archive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from serverkit import PASSPHRASE, PASSWORD
from typer.testing import CliRunner, Result

from sviedka.cli import app
from sviedka.http.tokens import token_user
from sviedka.model import Vocabulary
from sviedka.services.accounts import add_demo_users, authenticate, list_users
from sviedka.services.archive.folder import init_archive, open_archive

runner = CliRunner()
ENV = {"SVIEDKA_PASSPHRASE": "", "SVIEDKA_DATABASE_URL": "", "SVIEDKA_ACTOR": "cli:tester"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, vocabularies: tuple[Vocabulary, ...]) -> Path:
    path = tmp_path_factory.mktemp("cli") / "archive"
    made, _ = init_archive(path, vocabularies, custodian="custodian", passphrase=PASSPHRASE)
    made.close()
    return path


def cli(archive: Path, *args: str, input: str | None = None) -> Result:
    return runner.invoke(app, ["--archive", str(archive), *args], input=input, env=ENV)


@pytest.fixture(scope="module")
def alice(archive: Path) -> Iterator[str]:
    result = cli(
        archive, "user", "add", "alice", "--role", "documenter", "--clearance",
        "confidential", "--group", "case-1", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    yield "alice"


def test_users_are_added_listed_and_changed(archive: Path, alice: str) -> None:
    assert cli(archive, "user", "set-role", alice, "verifier").exit_code == 0
    assert cli(archive, "user", "set-clearance", alice, "restricted").exit_code == 0
    assert cli(archive, "user", "add-group", alice, "case-2").exit_code == 0
    assert cli(archive, "user", "add-group", alice, "case-1", "--remove").exit_code == 0
    listed = json.loads(cli(archive, "user", "list", "--json").output)
    assert [(u["username"], u["role"], u["clearance"], u["groups"]) for u in listed] == [
        ("alice", "verifier", "restricted", ["case-2"])
    ]
    output = cli(archive, "user", "list", "--json").output
    assert ("$argon2" in output, {"password_hash", "totp_secret"} & set(listed[0])) == (
        False,
        set(),
    )


def test_a_short_password_or_a_taken_name_is_refused(archive: Path, alice: str) -> None:
    short = cli(
        archive, "user", "add", "bob", "--role", "viewer", "--password-stdin", input="short\n"
    )
    assert short.exit_code == 1 and "password" in short.output
    again = cli(
        archive, "user", "add", alice, "--role", "viewer", "--password-stdin", input=PASSWORD + "\n"
    )
    assert again.exit_code == 1 and "already" in again.output


def test_tokens_are_shown_once_listed_without_the_secret_and_revoked(
    archive: Path, alice: str
) -> None:
    made = cli(archive, "token", "create", "--user", alice, "--scope", "read", "--expires", "2h")
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    listed = cli(archive, "token", "list", "--json").output
    assert token not in listed
    token_id = json.loads(listed)[-1]["id"]
    with open_archive(archive) as opened:
        user = token_user(opened.store, token)
        assert user is not None and user.username == alice and user.scopes == {"read"}
    assert cli(archive, "token", "revoke", token_id).exit_code == 0
    with open_archive(archive) as opened:
        assert token_user(opened.store, token) is None


def test_a_bad_scope_or_duration_is_refused(archive: Path, alice: str) -> None:
    assert cli(archive, "token", "create", "--user", alice, "--scope", "all").exit_code == 2
    bad = cli(archive, "token", "create", "--user", alice, "--scope", "read", "--expires", "soon")
    assert bad.exit_code == 1 and "expires" in bad.output


def test_disable_unlock_and_totp(archive: Path, alice: str) -> None:
    with open_archive(archive) as opened:
        assert authenticate(opened.store, alice, PASSWORD, None, ip="x").username == alice
    assert cli(archive, "user", "disable", alice).exit_code == 0
    assert cli(archive, "user", "disable", alice, "--enable").exit_code == 0
    assert cli(archive, "user", "unlock", alice).exit_code == 0
    shown = cli(archive, "user", "require-totp", alice)
    assert shown.exit_code == 0 and "otpauth://totp/" in shown.output
    assert "otpauth" not in cli(archive, "user", "require-totp", alice).output  # only once


def test_every_account_change_is_in_the_audit_trail(archive: Path, alice: str) -> None:
    cli(archive, "user", "set-role", alice, "viewer")
    trail = json.loads(cli(archive, "audit", "--user", "cli:tester", "--json").output)
    assert {"user_add", "user_change"} <= {e["action"] for e in trail}
    assert all(e["user"] == "cli:tester" for e in trail)
    assert cli(archive, "verify").exit_code == 0, cli(archive, "verify").output


def test_serve_refuses_several_workers_on_sqlite(archive: Path) -> None:
    result = cli(archive, "serve", "--workers", "2")
    assert result.exit_code == 1
    assert "PostgreSQL" in result.output


def test_demo_users_log_in_with_the_passwords_the_tour_prints(archive: Path) -> None:
    with open_archive(archive) as opened:
        tour = add_demo_users(opened.store)
        for line in tour.splitlines():
            if " password '" in line:
                name, password = line.split()[0], line.split("'")[1]
                user = authenticate(opened.store, name, password, None, ip="demo")
                assert user.username == name and user.role.value in line
        roles = {u.username: (u.role.value, u.clearance.value) for u in list_users(opened.store)}
    assert {k: v for k, v in roles.items() if k != "alice"} == {
        "admin": ("admin", "restricted"),
        "documenter": ("documenter", "confidential"),
        "viewer": ("viewer", "public"),
    }
