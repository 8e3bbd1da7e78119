"""The ``sviedka`` app, its command groups, and what every command shares: finding the archive,
unlocking its keys, reading JSON input, turning our errors into ``Error: …``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import Invalid, NotAnArchive, SviedkaError
from ..policy import Principal, custodian
from ..services.archive import ledger
from ..services.archive.folder import Archive, open_archive
from ..services.archive.keys import ArchiveKeys, unlock_archive
from ..settings import load_settings

__all__ = ["app", "main"]


class _Group(TyperGroup):
    """Turns our errors into ``Error: …`` on stderr and exit status 1, with no traceback."""

    def invoke(self, ctx: Any) -> Any:  # a click Context, which typer vendors privately
        try:
            return super().invoke(ctx)
        except SviedkaError as exc:
            typer.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


app = typer.Typer(
    cls=_Group,
    help="Sviedka: document political imprisonment; keep the evidence verifiable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
record_app = typer.Typer(help="Add, change and read records.", no_args_is_help=True)
vocab_app = typer.Typer(help="Controlled vocabularies.", no_args_is_help=True)
cluster_app = typer.Typer(
    help="Judge whether records describe the same entity.", no_args_is_help=True
)
app.add_typer(record_app, name="record")
app.add_typer(vocab_app, name="vocab")
app.add_typer(cluster_app, name="cluster")
ledger_app = typer.Typer(
    help="The tamper-evident log: checkpoints and proofs.", no_args_is_help=True
)
app.add_typer(ledger_app, name="ledger")

ArchiveOpt = Annotated[
    Path | None,
    typer.Option("--archive", "-a", help="Archive folder [default: $SVIEDKA_ARCHIVE]."),
]
DEMO_PATH = Path("demo-archive")
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
Reason = Annotated[str | None, typer.Option("--reason", "-r", help="Why: kept in the revision.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sviedka {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    archive: ArchiveOpt = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    ctx.obj = archive


@contextmanager
def opened(ctx: typer.Context, *, writes: bool = False) -> Iterator[Archive]:
    """The archive named by --archive or SVIEDKA_ARCHIVE. After a command that wrote, the log's
    new head is signed at once when the passphrase is at hand (SVIEDKA_PASSPHRASE); otherwise
    the next `sviedka ledger checkpoint --sign` covers it."""
    settings = load_settings()
    path = ctx.find_root().obj or settings.archive
    if path is None:
        raise NotAnArchive("No archive given: pass --archive PATH or set SVIEDKA_ARCHIVE.")
    with open_archive(Path(path), database_url=settings.database_url) as archive:
        yield archive
        if writes and settings.passphrase:
            _sign_quietly(archive)


def as_custodian() -> Principal:
    """Who the command line acts as: the archive's custodian (it holds the keys and reads every
    record), named as revisions name it (SVIEDKA_ACTOR)."""
    return custodian(load_settings().actor)


def _sign_quietly(archive: Archive) -> None:
    """Sign the new head after a write. The write has committed: a failure here is a warning
    (a retry would duplicate the write), and the next checkpoint covers it."""
    try:
        ledger.checkpoint(archive, as_custodian(), unlocked_keys(archive))
    except SviedkaError as exc:
        typer.echo(f"Warning: saved, but no checkpoint was signed: {exc}", err=True)


def unlocked_keys(archive: Archive) -> ArchiveKeys:
    settings = load_settings()
    passphrase = ask_passphrase()
    return unlock_archive(archive.path, archive.config.id, settings.custodian, passphrase)


def ask_passphrase(*, confirm: bool = False) -> str:
    """The custodian's passphrase: SVIEDKA_PASSPHRASE, else asked for on the terminal."""
    given = load_settings().passphrase
    return ask_secret(given, "Passphrase", "SVIEDKA_PASSPHRASE", confirm=confirm)


def ask_secret(given: str | None, label: str, variable: str, *, confirm: bool = False) -> str:
    """A secret from its environment variable, else typed on the terminal (never echoed)."""
    if given:
        return given
    if not sys.stdin.isatty():
        raise Invalid(f"{label} needed: set {variable} or run in a terminal.")
    return str(typer.prompt(label, hide_input=True, confirmation_prompt=confirm))


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"Cannot read {path}: {exc.__class__.__name__}.") from None


def read_json(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"Cannot read {source}: {exc.__class__.__name__}.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(
            f"{source} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None


def main() -> None:
    app()
