"""The ``evidence`` and ``keys`` commands: the vault and who can open it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from ..errors import Invalid
from ..model import Confidentiality
from ..services import evidence as ev
from ..services.archive import keys as keysvc
from ..settings import load_settings
from . import output as show
from .app import Reason, app, ask_passphrase, ask_secret, opened, unlocked_keys

__all__: list[str] = []

evidence_app = typer.Typer(help="Evidence files: ingest, export, custody.", no_args_is_help=True)
keys_app = typer.Typer(
    help="Who can open the archive: custodians, rotation, recovery.", no_args_is_help=True
)
app.add_typer(evidence_app, name="evidence")
app.add_typer(keys_app, name="keys")


def _files(paths: list[Path]) -> list[Path]:
    """Files named, and files inside folders named (recursively, sorted); links are not followed."""
    found: list[Path] = []
    for path in paths:
        if path.is_symlink():
            raise Invalid(f"{path} is a symbolic link; give the file itself.")
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        elif path.is_file():
            found.append(path)
        else:
            raise Invalid(f"{path} is not a file or folder.")
    return found


class _Counted:
    """A file object that reports how many bytes were read, for the progress bar."""

    def __init__(self, file: BinaryIO, advance: Any) -> None:
        self.file, self.advance = file, advance

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.advance(len(data))
        return data


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        disable=not sys.stderr.isatty(),
    )


@evidence_app.command("add")
def evidence_add(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Files or folders.")],
    link: Annotated[
        list[str] | None, typer.Option(help="Record id this shows (repeatable).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Source record id.")] = None,
    collected_by: Annotated[
        str | None, typer.Option(help="Who collected it, as they state.")
    ] = None,
    collected_at: Annotated[
        str | None, typer.Option(help="When it was collected, as stated.")
    ] = None,
    collected_place: Annotated[str | None, typer.Option(help="Where, as stated.")] = None,
    note: Annotated[str | None, typer.Option(help="A note on the evidence record.")] = None,
    level: Annotated[
        Confidentiality | None,
        typer.Option(help="Raise the level (default: the linked records', at least internal)."),
    ] = None,
    reason: Reason = None,
) -> None:
    """Ingest files into the encrypted vault; prints each file's SHA-256, evidence id, size, level.

    Needs no passphrase: files are encrypted to the archive's public keys. The same content twice
    is stored once (and gets a second custody event). A file is at least as protected as the
    most protected record it is linked to; --level may raise that, never lower it.

    Example: sviedka evidence add photos/ --link ID --collected-by "field monitor 7"
    """
    files = _files(paths)
    if not files:
        raise Invalid("No files to add: the folders given are empty.")
    collection = ev.Collection(
        tuple(link or ()), source, collected_by, collected_at, collected_place, note, level
    )
    custodian = ev.Custodian(load_settings().actor)
    with opened(ctx, writes=True) as archive, _progress() as bar:
        task = bar.add_task("ingesting", total=sum(f.stat().st_size for f in files))
        for path in files:
            with open(path, "rb") as file:
                counted = _Counted(file, lambda n: bar.advance(task, n))
                made = ev.ingest_file(
                    archive,
                    path,
                    actor=custodian,
                    collection=collection,
                    reason=reason,
                    stream=counted,
                )
            seen = "" if made.new_content else "  (already in the vault: custody event added)"
            shown = f"{made.sha256}  {made.evidence_id}  {made.size} bytes  {made.confidentiality}"
            typer.echo(shown + seen)


@evidence_app.command("export")
def evidence_export(
    ctx: typer.Context,
    sha256: Annotated[str, typer.Argument(metavar="SHA256")],
    out: Annotated[Path, typer.Option(help="Folder to write into.")],
    reason: Reason = None,
) -> None:
    """Write the decrypted file, its record and its custody chain (JSON); logs the export.

    Example: sviedka evidence export SHA256 --out court-bundle/ --reason "request of counsel"
    """
    with opened(ctx) as archive:
        keys = unlocked_keys(archive)
        written = ev.export(archive, keys, sha256, out, actor=load_settings().actor, reason=reason)
    typer.echo("\n".join(str(p) for p in written))


@evidence_app.command("custody")
def evidence_custody(
    ctx: typer.Context,
    sha256: Annotated[str, typer.Argument(metavar="SHA256")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """The chain of custody of one file: every event, who, when, why.

    Example: sviedka evidence custody SHA256
    """
    with opened(ctx) as archive:
        chain = ev.custody_chain(archive, sha256, ev.Custodian(load_settings().actor))
    typer.echo(show.custody_json(chain) if as_json else show.custody_text(chain))


@keys_app.command("list")
def keys_list(ctx: typer.Context) -> None:
    """The custodians and the archive key new files are encrypted to (no secrets).

    Example: sviedka keys list
    """
    with opened(ctx) as archive:
        names, current = keysvc.custodians(archive.path)
    typer.echo("\n".join([f"archive key: {current}", "custodians:", *(f"  {n}" for n in names)]))


def _new_passphrase() -> str:
    given = load_settings().new_passphrase
    return ask_secret(given, "New passphrase", "SVIEDKA_NEW_PASSPHRASE", confirm=True)


@keys_app.command("add-custodian")
def keys_add_custodian(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    """Give another person access with their own passphrase (SVIEDKA_NEW_PASSPHRASE).

    Example: sviedka keys add-custodian maryia
    """
    with opened(ctx) as archive:
        keysvc.add_custodian(archive.path, unlocked_keys(archive), name, _new_passphrase())
    typer.echo(f"Custodian {name!r} added.")


@keys_app.command("remove-custodian")
def keys_remove_custodian(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    """Take a person's access away; then `keys rotate` so new files use a key they never had.

    Example: sviedka keys remove-custodian maryia
    """
    with opened(ctx) as archive:
        unlocked_keys(archive)  # only a custodian may take another's access away
        keysvc.remove_custodian(archive.path, name)
    typer.echo(f"Custodian {name!r} removed. Run `sviedka keys rotate` next.")


@keys_app.command("rotate")
def keys_rotate(
    ctx: typer.Context,
    reencrypt: Annotated[
        bool, typer.Option(help="Also rewrite every file to the new key.")
    ] = False,
) -> None:
    """Start a new archive key for new files; --reencrypt rewrites the old ones too.

    Example: sviedka keys rotate --reencrypt
    """
    with opened(ctx) as archive:
        keys = keysvc.rotate(
            archive.path, archive.config.id, unlocked_keys(archive), ask_passphrase()
        )
        typer.echo(f"New archive key: {keysvc.custodians(archive.path)[1]}")
        if reencrypt:
            with _progress() as bar:
                task = bar.add_task("re-encrypting", total=None)
                count = ev.reencrypt_all(
                    archive,
                    keys,
                    actor=load_settings().actor,
                    progress=lambda n: bar.advance(task, n),
                )
            typer.echo(f"Re-encrypted {count} files.")


@keys_app.command("recover")
def keys_recover(
    ctx: typer.Context,
    shares: Annotated[Path, typer.Option(help="A file with three or more shares, one a line.")],
) -> None:
    """Rebuild access from the paper recovery shares, for SVIEDKA_CUSTODIAN with the passphrase
    SVIEDKA_NEW_PASSPHRASE (a forgotten passphrase, a lost custodian).

    Example: sviedka keys recover --shares shares.txt
    """
    lines = [ln.strip() for ln in _read_lines(shares) if ln.strip()]
    custodian = load_settings().custodian
    with opened(ctx) as archive:
        keysvc.recover_access(archive.path, archive.config.id, lines, custodian, _new_passphrase())
    typer.echo(f"Access rebuilt for custodian {custodian!r}.")


def _read_lines(path: Path) -> Iterator[str]:
    try:
        yield from path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"Cannot read {path}: {exc.__class__.__name__}.") from None
