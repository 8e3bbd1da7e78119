"""Commands for the server: ``serve``, accounts (``user``), API tokens (``token``) and ``audit``."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import Invalid, NotAnArchive
from ..model import Confidentiality
from ..services import accounts
from ..services.accounts import Role, Scope, User
from ..services.archive.audit import AuditEvent, audit_event, events
from ..services.archive.folder import read_config
from ..services.archive.keys import ArchiveKeys
from ..settings import load_settings
from .app import JsonOut, app, ask_passphrase, ask_secret, opened, unlocked_keys

user_app = typer.Typer(help="User accounts, roles, clearances and groups.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens: scoped, expiring, shown once.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

UserArg = Annotated[str, typer.Argument(metavar="USER", help="The user name.")]


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (>1: PostgreSQL).")] = 1,
    unlock: Annotated[
        bool, typer.Option(help="Unlock the archive keys (evidence downloads, signing).")
    ] = False,
    web: Annotated[bool, typer.Option(help="Serve the web UI too.")] = True,
    rate_limit: Annotated[
        int, typer.Option(min=0, help="Requests a minute per client address (0: none).")
    ] = 600,
) -> None:
    """Run the API (and the web UI) with uvicorn. Logs are JSON lines on stderr.

    With --unlock the keys are unlocked once (SVIEDKA_PASSPHRASE or asked) and kept in memory,
    so that evidence can be downloaded and checkpoints signed. Several workers need PostgreSQL:
    SQLite has one writer. Behind a reverse proxy, set SVIEDKA_TRUSTED_PROXIES to its address:
    X-Forwarded-For is believed from nobody else.

    Example: sviedka serve --port 8000 --unlock
    """
    import uvicorn

    from ..http.app import CONFIG_VARIABLE, config_to_environment, configure_logging, create_app
    from ..http.config import ServerConfig

    settings = load_settings()
    path = Path(ctx.find_root().obj or settings.archive or "")
    if not str(path) or not (path / "sviedka.toml").is_file():
        raise NotAnArchive("No archive given: pass --archive PATH or set SVIEDKA_ARCHIVE.")
    if workers > 1 and read_config(path).database != "postgresql":
        raise Invalid(
            "Several workers need PostgreSQL: this archive keeps its records in SQLite, which has "
            "one writer. Run with --workers 1, or move the archive to PostgreSQL."
        )
    config = ServerConfig(
        archive=path,
        database_url=settings.database_url,
        rate_limit=rate_limit,
        web=web,
        trusted_proxies=settings.trusted_proxies,
    )
    configure_logging()
    typer.echo(
        f"Serving {path} on http://{host}:{port} ({workers} worker(s); API docs at "
        f"/api/v1/docs); logs are JSON lines on stderr. Ctrl-C stops.",
        err=True,
    )
    # uvicorn's own proxy handling is off: by default it believes X-Forwarded-For from any
    # local client. The app believes it only from SVIEDKA_TRUSTED_PROXIES (create_app).
    options = {
        "host": host,
        "port": port,
        "access_log": False,
        "log_config": None,
        "proxy_headers": False,
    }
    if workers == 1:
        keys = _keys(path) if unlock else None
        uvicorn.run(create_app(dataclasses.replace(config, keys=keys)), **options)  # type: ignore[arg-type]
        return
    if unlock:
        os.environ["SVIEDKA_PASSPHRASE"] = ask_passphrase()  # each worker unlocks with it
    os.environ[CONFIG_VARIABLE] = config_to_environment(config, unlock=unlock)
    target = "sviedka.http.app:worker_app"
    uvicorn.run(target, factory=True, workers=workers, **options)  # type: ignore[arg-type]


def _keys(path: Path) -> ArchiveKeys:
    from ..services.archive.folder import open_archive

    with open_archive(path, database_url=load_settings().database_url) as archive:
        return unlocked_keys(archive)


# -- users -----------------------------------------------------------------------------------


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return ask_secret(None, "Password", "--password-stdin", confirm=True)


def _user_json(user: User) -> dict[str, object]:
    data = dataclasses.asdict(user)
    data["groups"] = sorted(user.groups)
    data.pop("scopes")
    return data


def _user_line(user: User) -> str:
    states = (
        ("totp", user.totp_enabled),
        ("disabled", user.disabled),
        ("must-change-password", user.must_change_password),
    )
    flags = [f for f, on in states if on]
    groups = ",".join(sorted(user.groups)) or "-"
    return f"{user.username:20} {user.role:12} {user.clearance:13} {groups:20} {' '.join(flags)}"


def _audited(ctx: typer.Context, action: str, user: User, **details: object) -> None:
    with opened(ctx) as archive:
        audit_event(archive.store, action, user.id, actor=load_settings().actor, details=details)


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    username: UserArg,
    role: Annotated[Role, typer.Option(help="viewer, documenter, verifier, coordinator, admin.")],
    clearance: Annotated[
        Confidentiality, typer.Option(help="The most protected level the user may read.")
    ] = Confidentiality.INTERNAL,
    group: Annotated[list[str] | None, typer.Option(help="A group (repeatable).")] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from the first line of stdin.")
    ] = False,
) -> None:
    """Create an account; asks for the password (at least 12 characters).

    Example: sviedka user add alice --role documenter --clearance confidential
    """
    password = _password(password_stdin)
    with opened(ctx) as archive:
        user = accounts.add_user(
            archive.store, username, password, role=role, clearance=clearance, groups=group or ()
        )
    _audited(ctx, "user_add", user, role=user.role.value, clearance=user.clearance.value)
    typer.echo(f"{user.username} added ({user.role}, clearance {user.clearance}).")


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: JsonOut = False) -> None:
    """Every account: role, clearance, groups, second factor, state.

    Example: sviedka user list
    """
    with opened(ctx) as archive:
        found = accounts.list_users(archive.store)
    if as_json:
        typer.echo(json.dumps([_user_json(u) for u in found], ensure_ascii=False, indent=2))
        return
    for user in found:
        typer.echo(_user_line(user))


@user_app.command("set-role")
def user_set_role(ctx: typer.Context, username: UserArg, role: Role) -> None:
    """Change what a user may do. A lower role ends their sessions and revokes their API tokens.

    Example: sviedka user set-role alice verifier
    """
    with opened(ctx) as archive:
        user = accounts.set_role(archive.store, username, role)
    _audited(ctx, "user_change", user, role=role.value)
    typer.echo(f"{user.username} is now a {user.role}.")


@user_app.command("set-clearance")
def user_set_clearance(ctx: typer.Context, username: UserArg, level: Confidentiality) -> None:
    """Change the most protected level a user may read. A lower one ends their sessions and
    revokes their API tokens.

    Example: sviedka user set-clearance alice confidential
    """
    with opened(ctx) as archive:
        user = accounts.set_clearance(archive.store, username, level)
    _audited(ctx, "user_change", user, clearance=level.value)
    typer.echo(f"{user.username} now reads up to {user.clearance}.")


@user_app.command("add-group")
def user_add_group(
    ctx: typer.Context,
    username: UserArg,
    group: str,
    remove: Annotated[bool, typer.Option(help="Take the user out of the group instead.")] = False,
) -> None:
    """Put a user in a group (restricted records are granted to users or groups).

    Example: sviedka user add-group alice case-2021-17
    """
    with opened(ctx) as archive:
        change = accounts.remove_group if remove else accounts.add_group
        user = change(archive.store, username, group)
    _audited(ctx, "user_change", user, **{"remove_group" if remove else "add_group": group})
    typer.echo(f"{user.username}: groups {', '.join(sorted(user.groups)) or '(none)'}.")


@user_app.command("password")
def user_password(
    ctx: typer.Context,
    username: UserArg,
    generate: Annotated[
        bool, typer.Option(help="Make a temporary password and print it once.")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from the first line of stdin.")
    ] = False,
) -> None:
    """Reset a user's password (an administrator's reset): asks for the new one, or makes a
    temporary one with --generate. The user must change it at their next login; every session
    of theirs ends and every API token is revoked at once.

    Example: sviedka user password alice --generate
    """
    if generate and password_stdin:
        raise Invalid("Give either --generate or --password-stdin, not both.")
    password = None if generate else _password(password_stdin)
    with opened(ctx) as archive:
        user, temporary = accounts.reset_password(archive.store, username, password)
    _audited(ctx, "user_password_reset", user, generated=generate)
    typer.echo(
        f"{user.username}'s password was reset: they must change it at their next login; "
        "their sessions and API tokens were revoked."
    )
    if temporary:
        typer.echo(f"Give this temporary password to {user.username} once (it is not shown again):")
        typer.echo(temporary)


@user_app.command("require-totp")
def user_require_totp(
    ctx: typer.Context,
    username: UserArg,
    off: Annotated[bool, typer.Option(help="Stop requiring it.")] = False,
) -> None:
    """Require a TOTP code at every login. A user not yet enrolled gets a secret now: the
    otpauth:// URI is printed once, for their authenticator app.

    Example: sviedka user require-totp alice
    """
    with opened(ctx) as archive:
        uri = accounts.require_totp(archive.store, username, not off)
        user = accounts.find_user(archive.store, username)
    _audited(ctx, "user_change", user, totp_required=not off)
    typer.echo(f"{user.username}: TOTP {'not ' if off else ''}required.")
    if uri:
        typer.echo(f"Give this to {user.username} once (it is not shown again):\n{uri}")


@user_app.command("disable")
def user_disable(
    ctx: typer.Context,
    username: UserArg,
    enable: Annotated[bool, typer.Option(help="Enable the account again.")] = False,
) -> None:
    """Stop an account from logging in; its sessions end and its API tokens are revoked at once
    (enabling it again brings none of them back).

    Example: sviedka user disable alice
    """
    with opened(ctx) as archive:
        user = accounts.set_disabled(archive.store, username, not enable)
    _audited(ctx, "user_change", user, disabled=not enable)
    typer.echo(f"{user.username} is {'enabled' if enable else 'disabled'}.")


@user_app.command("unlock")
def user_unlock(ctx: typer.Context, username: UserArg) -> None:
    """Forget a user's failed logins (after a lockout).

    Example: sviedka user unlock alice
    """
    with opened(ctx) as archive:
        accounts.unlock(archive.store, username)
        user = accounts.find_user(archive.store, username)
    _audited(ctx, "user_unlock", user)
    typer.echo(f"{user.username} may try to log in again.")


# -- tokens ----------------------------------------------------------------------------------


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="Whose token it is.")],
    scope: Annotated[list[Scope], typer.Option(help="read, write, evidence, import, admin.")],
    expires: Annotated[str, typer.Option(help="Lifetime: 90m, 12h, 30d, 8w.")] = "30d",
    name: Annotated[str, typer.Option(help="A label, to recognise it in lists.")] = "token",
) -> None:
    """Make an API token and print it once (only its hash is kept).

    Example: sviedka token create --user alice --scope read --expires 30d
    """
    from ..http.tokens import create_token, parse_duration

    with opened(ctx) as archive:
        token, info = create_token(archive.store, user, scope, parse_duration(expires), name)
    typer.echo(
        f"Token {info.id} for {info.username} ({' '.join(info.scopes)}), expires {info.expires_at}."
    )
    typer.echo("Copy it now; it is not shown again:")
    typer.echo(token)


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's.")] = None,
    as_json: JsonOut = False,
) -> None:
    """API tokens (never the tokens themselves): id, user, scopes, expiry, revocation.

    Example: sviedka token list --user alice
    """
    from ..http.tokens import list_tokens

    with opened(ctx) as archive:
        found = list_tokens(archive.store, user)
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(t) for t in found], indent=2))
        return
    for info in found:
        state = f"revoked {info.revoked_at}" if info.revoked_at else f"expires {info.expires_at}"
        typer.echo(
            f"{info.id}  {info.username:16} {','.join(info.scopes):24} {info.name:16} {state}"
        )


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, token_id: Annotated[str, typer.Argument(metavar="ID")]
) -> None:
    """Revoke a token at once.

    Example: sviedka token revoke 01a2…
    """
    from ..http.tokens import revoke_token

    with opened(ctx) as archive:
        revoke_token(archive.store, token_id)
    typer.echo(f"Token {token_id} revoked.")


# -- audit -----------------------------------------------------------------------------------


def _event_line(event: AuditEvent) -> str:
    extra = " ".join(f"{k}={v}" for k, v in sorted(event.details.items()))
    return f"{event.at}  {event.user:16} {event.action:18} {event.ref}  {event.ip or '-'}  {extra}"


@app.command()
def audit(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option(help="Only this user's (name or id).")] = None,
    record: Annotated[
        str | None, typer.Option(help="Only about this record id or file sha256.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this UTC date or time on.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the last N.")] = None,
    as_json: JsonOut = False,
) -> None:
    """The audit trail, read from the tamper-evident log: reads of confidential and restricted
    records, evidence views and downloads, grants and account changes.

    Example: sviedka audit --record 01a2… --since 2024-05-01
    """
    with opened(ctx) as archive:
        found = events(archive.store, user=user, ref=record, since=since, limit=limit)
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(e) for e in found], ensure_ascii=False, indent=2))
        return
    for event in found:
        typer.echo(_event_line(event))
