"""``verify`` and the ``ledger`` commands: checkpoints, proofs, consistency."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from ..errors import NotFound
from ..services.archive import backup as backups
from ..services.archive import ledger
from ..services.archive.verify import verify_archive
from ..services.evidence import check_vault
from ..settings import load_settings
from . import output as show
from .app import (
    JsonOut,
    app,
    as_custodian,
    ledger_app,
    opened,
    read_json,
    read_text,
    unlocked_keys,
)


@app.command()
def verify(
    ctx: typer.Context,
    full: Annotated[
        bool, typer.Option(help="Also decrypt every file and check its content hash (needs keys).")
    ] = False,
    against: Annotated[
        Path | None, typer.Option(help="A checkpoint saved earlier: prove nothing was lost since.")
    ] = None,
    as_json: JsonOut = False,
) -> None:
    """Check everything against its own hashes and the signed log; exit 1 on any problem.

    Recomputes every revision hash and chain, compares each current row with its last revision,
    rebuilds the log's tree from its entries, checks every checkpoint's signature and root, that
    every revision and custody event is logged, and that every file in the vault is present and
    unchanged. Problems are named by record id or file hash.

    Example: sviedka verify --against partner-checkpoint.txt
    """
    with opened(ctx) as archive:
        keys = unlocked_keys(archive) if full else None
        report = verify_archive(archive)
        report.problems.extend(check_vault(archive, keys=keys, actor=load_settings().actor))
        report.counts["files"] = len(list(archive.vault.iter_hashes()))
        kept, broken = ledger.witnesses(archive)
        report.witnesses = kept
        report.problems.extend(broken)
        if against is not None:
            report.problems.extend(ledger.check_against(archive, against))
    typer.echo(show.report_json(report) if as_json else show.report_text(report))
    if not report.ok:
        raise typer.Exit(1)


@ledger_app.command("checkpoint")
def ledger_checkpoint(
    ctx: typer.Context,
    sign: Annotated[
        bool, typer.Option(help="Sign the current head first (needs the keys).")
    ] = False,
    as_json: JsonOut = False,
) -> None:
    """Print the latest signed checkpoint (a C2SP signed note); --sign makes a new one first.

    Save the printed note somewhere else, or give it to a partner: `sviedka verify --against`
    proves later that the archive still contains everything it covered.

    Example: sviedka ledger checkpoint --sign > checkpoint-2024-05-01.txt
    """
    with opened(ctx) as archive:
        me = as_custodian()
        made = (
            ledger.checkpoint(archive, me, unlocked_keys(archive))
            if sign
            else ledger.latest(archive, me)
        )
    if made is None:
        raise NotFound("The log has no checkpoint yet; run `sviedka ledger checkpoint --sign`.")
    typer.echo(show.checkpoint_json(made) if as_json else made.note, nl=as_json)


@ledger_app.command("proof")
def ledger_proof(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="RECORD_ID|SHA256")],
    out: Annotated[Path | None, typer.Option(help="Write the bundle to this file.")] = None,
) -> None:
    """A proof bundle that the latest revision of a record (or custody event of a file) is in
    the signed log; check it with tools/sviedka_verify.py, without Sviedka.

    Example: sviedka ledger proof ID --out proof.json
    """
    with opened(ctx) as archive:
        bundle = show.json_text(ledger.proof(archive, ref))
    if out is None:
        typer.echo(bundle)
    else:
        out.write_text(bundle + "\n", encoding="utf-8")
        typer.echo(f"Wrote {out}.")


@ledger_app.command("consistency")
def ledger_consistency(
    ctx: typer.Context,
    old: Annotated[int, typer.Argument(metavar="OLD_SIZE")],
    new: Annotated[int, typer.Argument(metavar="NEW_SIZE")],
) -> None:
    """An RFC 9162 consistency proof: the log at NEW_SIZE extends the log at OLD_SIZE.

    Example: sviedka ledger consistency 1200 1500
    """
    with opened(ctx) as archive:
        typer.echo(show.json_text(ledger.consistency(archive, as_custodian(), old, new)))


@ledger_app.command("key")
def ledger_key(
    ctx: typer.Context,
    cosigner: Annotated[bool, typer.Option(help="The key as a witness (cosignature/v1).")] = False,
) -> None:
    """The log's verifier key: publish it so that anyone can check the checkpoints.

    Example: sviedka ledger key
    """
    with opened(ctx) as archive:
        typer.echo(ledger.cosigner_key(archive) if cosigner else archive.config.verifier_key)


@ledger_app.command("tsa")
def ledger_tsa(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The timestamping authority's RFC 3161 URL.")],
    chain: Annotated[Path, typer.Option(help="The TSA's CA certificates (PEM), to check tokens.")],
) -> None:
    """Get a trusted RFC 3161 timestamp for every new checkpoint from this TSA.

    Tokens are checked against the chain when received, stored with the checkpoint, included in
    proof bundles and re-checked offline by `sviedka verify`.

    Example: sviedka ledger tsa https://freetsa.org/tsr --chain freetsa-cacert.pem
    """
    with opened(ctx) as archive:
        ledger.configure_tsa(archive, url, read_text(chain))
    parts = urlsplit(url)
    shown = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()  # no credentials
    typer.echo(f"Checkpoints will be timestamped by {shown}.")


@ledger_app.command("cosign")
def ledger_cosign(
    ctx: typer.Context,
    checkpoint_file: Annotated[Path, typer.Argument(metavar="CHECKPOINT_FILE")],
    key: Annotated[str, typer.Option(help="The other archive's verifier key.")],
    proof: Annotated[
        Path | None, typer.Option(help="Its consistency proof from the size cosigned last.")
    ] = None,
) -> None:
    """As a witness, countersign another archive's checkpoint; prints the cosigned note.

    Checks the signature, and that the tree extends the last one cosigned for that archive
    (--proof: the JSON of `sviedka ledger consistency OLD NEW` on that archive).

    Example: sviedka ledger cosign their-checkpoint.txt --key 'sviedka.archive/…' > cosigned.txt
    """
    note = read_text(checkpoint_file)
    given = read_json(str(proof)) if proof is not None else None
    with opened(ctx) as archive:
        cosigned = ledger.cosign(archive, unlocked_keys(archive), note, key, given)
    typer.echo(cosigned, nl=False)


@ledger_app.command("add-cosignature")
def ledger_add_cosignature(
    ctx: typer.Context,
    cosigned_file: Annotated[Path, typer.Argument(metavar="COSIGNED_FILE")],
    witness_key: Annotated[str, typer.Option(help="The witness's cosigner key.")],
) -> None:
    """Keep a witness's cosignature of one of this archive's checkpoints (verify lists it).

    Example: sviedka ledger add-cosignature cosigned.txt --witness-key 'sviedka.archive/…'
    """
    with opened(ctx) as archive:
        witness, size, at = ledger.keep_cosignature(archive, read_text(cosigned_file), witness_key)
    typer.echo(f"Kept {witness}'s cosignature of size {size} (at {at}).")


@app.command("backup")
def backup_command(
    ctx: typer.Context, dest: Annotated[Path, typer.Argument(help="A new or empty folder.")]
) -> None:
    """Write a consistent snapshot (database, files, keys, log) while the archive stays usable.

    The backup is an archive folder with a manifest of SHA-256 hashes. Its files and keys are
    encrypted but its database holds the records in clear: keep it as safely as the archive.

    Example: sviedka backup /media/usb/sviedka-2024-05-01
    """
    with opened(ctx) as archive:
        manifest = backups.backup(archive, dest)
    typer.echo(f"Backed up {len(manifest['files'])} files, {manifest['log_size']} log entries.")


@app.command("restore")
def restore_command(
    src: Annotated[Path, typer.Argument(help="A backup folder.")],
    path: Annotated[Path, typer.Argument(help="A new or empty folder for the archive.")],
) -> None:
    """Rebuild an archive from a backup and verify it fully; a backup that fails is refused.

    With SVIEDKA_DATABASE_URL set, the records go into that (empty) PostgreSQL database.

    Example: sviedka restore /media/usb/sviedka-2024-05-01 ~/archives/restored
    """
    report = backups.restore(src, path, database_url=load_settings().database_url)
    typer.echo(f"Restored to {path}. {show.report_text(report)}")
