"""``sviedka user password`` (an administrator's reset) and the CLI's commands that take access
away (``disable``, ``set-role``, ``set-clearance``), in process on a real archive."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from serverkit import PASSPHRASE, PASSWORD
from typer.testing import CliRunner, Result

from sviedka.cli import app
from sviedka.http.tokens import create_token, token_user
from sviedka.model import Vocabulary
from sviedka.services import accounts
from sviedka.services.archive.audit import events
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


def with_token(archive: Path, name: str, role: str = "documenter") -> str:
    with open_archive(archive) as opened:
        accounts.add_user(opened.store, name, PASSWORD, role=role, clearance="confidential")
        token, _ = create_token(opened.store, name, ["read"], timedelta(hours=1))
    return token


def token_works(archive: Path, token: str) -> bool:
    with open_archive(archive) as opened:
        return token_user(opened.store, token) is not None


def logs_in(archive: Path, name: str, password: str) -> accounts.User | None:
    with open_archive(archive) as opened:
        try:
            return accounts.authenticate(opened.store, name, password, None, ip="cli-test")
        except accounts.LoginFailed:
            return None


def test_a_generated_password_is_printed_once_and_must_be_changed(archive: Path) -> None:
    token = with_token(archive, "cli-gen")
    result = cli(archive, "user", "password", "cli-gen", "--generate")
    assert result.exit_code == 0, result.output
    temporary = result.output.strip().splitlines()[-1]
    assert len(temporary) == 19
    user = logs_in(archive, "cli-gen", temporary)
    assert user is not None and user.must_change_password is True
    assert logs_in(archive, "cli-gen", PASSWORD) is None
    assert token_works(archive, token) is False
    assert "must-change-password" in cli(archive, "user", "list").output
    with open_archive(archive) as opened:
        found = [(e.action, e.user, dict(e.details)) for e in events(opened.store, ref=user.id)]
    assert found == [("user_password_reset", "cli:tester", {"generated": True})]


def test_a_password_read_from_stdin_is_set_and_never_printed(archive: Path) -> None:
    with_token(archive, "cli-typed")
    result = cli(
        archive, "user", "password", "cli-typed", "--password-stdin", input="typed by the admin\n"
    )
    assert result.exit_code == 0, result.output
    assert "typed by the admin" not in result.output
    user = logs_in(archive, "cli-typed", "typed by the admin")
    assert user is not None and user.must_change_password is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--password-stdin",), "too short"),
        (("--generate", "--password-stdin"), "not both"),
    ],
)
def test_a_bad_reset_is_refused_and_changes_nothing(
    archive: Path, args: tuple[str, ...], message: str
) -> None:
    name = f"cli-bad-{len(args)}"
    token = with_token(archive, name)
    result = cli(archive, "user", "password", name, *args, input="short\n")
    assert (result.exit_code, message in result.output) == (1, True), result.output
    assert token_works(archive, token) is True
    assert logs_in(archive, name, PASSWORD) is not None


def test_an_unknown_user_is_named_in_the_error(archive: Path) -> None:
    result = cli(archive, "user", "password", "nobody-at-all", "--generate")
    assert (result.exit_code, "No user named nobody-at-all" in result.output) == (1, True)


@pytest.mark.parametrize(
    ("first", "then", "token_survives"),
    [
        (("disable",), ("disable", "--enable"), False),
        (("set-role", "{name}", "viewer"), None, False),
        (("set-clearance", "{name}", "public"), None, False),
        (("set-role", "{name}", "coordinator"), None, True),
        (("set-clearance", "{name}", "restricted"), None, True),
    ],
)
def test_the_cli_takes_access_away_for_good(
    archive: Path,
    first: tuple[str, ...],
    then: tuple[str, ...] | None,
    token_survives: bool,
) -> None:
    name = f"cli-{first[0]}-{first[-1]}"
    token = with_token(archive, name)
    for step in (first, then):
        if step is None:
            continue
        args = [a.format(name=name) for a in step]
        if "{name}" not in step:
            args.append(name)
        result = cli(archive, "user", *args)
        assert result.exit_code == 0, result.output
    assert token_works(archive, token) is token_survives
