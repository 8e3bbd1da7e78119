"""The ``sviedka`` command. Each command parses, calls one service function, and prints."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from . import output as show
from .errors import Invalid, NotAnArchive, NotFound, SviedkaError
from .model import Verdict
from .services import ledger, resolver
from .services import records as rec
from .services.archive import Archive, init_archive, open_archive
from .services.keys import ArchiveKeys, unlock_archive
from .services.verify import verify_archive
from .services.vocab import list_vocabularies, shipped_vocabularies, show_vocabulary
from .settings import load_settings

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
def _archive(ctx: typer.Context, *, writes: bool = False) -> Iterator[Archive]:
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
            ledger.checkpoint(archive, _unlock(archive))


def _unlock(archive: Archive) -> ArchiveKeys:
    settings = load_settings()
    passphrase = _passphrase()
    return unlock_archive(archive.path, archive.config.id, settings.custodian, passphrase)


def _passphrase(*, confirm: bool = False) -> str:
    """The custodian's passphrase: SVIEDKA_PASSPHRASE, else asked for on the terminal."""
    given = load_settings().passphrase
    if given:
        return given
    if not sys.stdin.isatty():
        raise Invalid("A passphrase is needed: set SVIEDKA_PASSPHRASE or run in a terminal.")
    return str(typer.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))


def _read_json(source: str) -> Any:
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


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="A new or empty folder.")],
    name: Annotated[str | None, typer.Option(help="A name for the archive.")] = None,
) -> None:
    """Create an archive: configuration, keys, database, vocabularies, first checkpoint.

    Asks for the first custodian's passphrase (SVIEDKA_CUSTODIAN, SVIEDKA_PASSPHRASE) and prints
    the five recovery shares once. With SVIEDKA_DATABASE_URL set, the records go to that
    PostgreSQL database.

    Example: sviedka init ~/archives/viasna
    """
    settings = load_settings()
    passphrase = _passphrase(confirm=True)
    archive, shares = init_archive(
        path,
        shipped_vocabularies(),
        custodian=settings.custodian,
        passphrase=passphrase,
        name=name,
        database_url=settings.database_url,
        actor=settings.actor,
    )
    with archive:
        typer.echo(show.init_text(archive, settings.custodian, shares))


@app.command()
def demo(
    path: Annotated[Path, typer.Argument(help="Folder for the demo archive.")] = Path(
        "demo-archive"
    ),
    replace: Annotated[bool, typer.Option(help="Replace an earlier demo archive there.")] = False,
) -> None:
    """Create a demo archive of fictional sample records and print a tour of it.

    Example: sviedka demo demo-archive --replace
    """
    from .services.demo import create_demo

    tour = create_demo(path, replace=replace, actor=load_settings().actor)
    typer.echo(tour)


@record_app.command("add")
def record_add(
    ctx: typer.Context,
    kind: Annotated[
        str, typer.Argument(help="person, detention, organisation, … (see `record kinds`).")
    ],
    json_file: Annotated[
        str, typer.Option("--json", help="JSON file with the record, or - for stdin.")
    ],
    reason: Reason = None,
) -> None:
    """Add a record; prints its new id.

    Example: sviedka record add person --json person.json
    """
    payload = _read_json(json_file)
    with _archive(ctx, writes=True) as archive:
        stored = rec.add_record(
            archive.store, kind, payload, actor=load_settings().actor, reason=reason
        )
    typer.echo(stored.record.id)


@record_app.command("update")
def record_update(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    json_file: Annotated[
        str | None, typer.Option("--json", help="The whole new record (file or -).")
    ] = None,
    patch: Annotated[str | None, typer.Option(help="An RFC 7396 merge patch (file or -).")] = None,
    expected_revision: Annotated[
        int | None, typer.Option(help="Refuse if the record is no longer at this revision.")
    ] = None,
    reason: Reason = None,
) -> None:
    """Change a record: a new revision, the old ones kept.

    Example: sviedka record update ID --patch change.json --reason "verdict published"
    """
    if (json_file is None) == (patch is None):
        raise Invalid("Give exactly one of --json or --patch.")
    payload = _read_json(json_file or patch or "-")
    with _archive(ctx, writes=True) as archive:
        stored, changed = rec.update_record(
            archive.store,
            record_id,
            payload,
            actor=load_settings().actor,
            reason=reason,
            expected_revision=expected_revision,
            patch=patch is not None,
        )
    state = "now at" if changed else "unchanged at"
    typer.echo(f"{record_id} {state} revision {stored.revision}")


@record_app.command("show")
def record_show(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    as_of: Annotated[
        str | None, typer.Option(help="As it was then: a date (end of day, UTC) or time.")
    ] = None,
    as_json: JsonOut = False,
) -> None:
    """Show one record.

    Example: sviedka record show ID --as-of 2024-01-31
    """
    with _archive(ctx) as archive:
        stored = rec.get_record(archive.store, record_id, as_of=as_of)
    typer.echo(show.stored_json(stored) if as_json else show.stored_text(stored))


@record_app.command("history")
def record_history(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: JsonOut = False,
) -> None:
    """Every revision of a record: who, when, why, what changed, and the hash chain.

    Example: sviedka record history ID
    """
    with _archive(ctx) as archive:
        revisions = rec.record_history(archive.store, record_id)
    typer.echo(show.history_json(revisions) if as_json else show.history_text(revisions))


@record_app.command("list")
def record_list(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="Record kind.")],
    where: Annotated[
        list[str] | None, typer.Option(help="FIELD=VALUE on a field path, e.g. custom.party=BNF.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    as_json: JsonOut = False,
) -> None:
    """List records of one kind, oldest first.

    Example: sviedka record list person --where gender=female
    """
    filters = show.parse_where(where or [])
    with _archive(ctx) as archive:
        page, total = rec.list_records(
            archive.store, kind, where=filters, limit=limit, offset=offset
        )
    typer.echo(show.list_json(page, total) if as_json else show.list_text(page, total, offset))


@record_app.command("kinds")
def record_kinds(as_json: JsonOut = False) -> None:
    """The record kinds and their fields.

    Example: sviedka record kinds
    """
    typer.echo(show.kinds_json() if as_json else show.kinds_text())


@vocab_app.command("list")
def vocab_list(ctx: typer.Context, as_json: JsonOut = False) -> None:
    """The archive's vocabularies and how many terms each has.

    Example: sviedka vocab list
    """
    with _archive(ctx) as archive:
        infos = list_vocabularies(archive.store)
    typer.echo(show.vocabs_json(infos) if as_json else show.vocabs_text(infos))


@vocab_app.command("show")
def vocab_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Vocabulary name, e.g. criminal_code_by.")],
    lang: Annotated[str, typer.Option(help="Label language: en, be, ru, fr, es.")] = "en",
    as_json: JsonOut = False,
) -> None:
    """The terms of one vocabulary, as a tree.

    Example: sviedka vocab show criminal_code_by --lang be
    """
    with _archive(ctx) as archive:
        vocabulary = show_vocabulary(archive.store, name)
    typer.echo(show.vocab_json(vocabulary) if as_json else show.vocab_text(vocabulary, lang))


@cluster_app.command("judge")
def cluster_judge(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(metavar="ID")],
    right: Annotated[str, typer.Argument(metavar="OTHER_ID")],
    verdict: Annotated[Verdict, typer.Argument(help="same, not-same or unsure.")],
    reason: Reason = None,
) -> None:
    """Record a judgement on two records; "same" puts them in one cluster.

    Example: sviedka cluster judge ID OTHER_ID same --reason "same birth date and case"
    """
    with _archive(ctx, writes=True) as archive:
        made = resolver.judge(
            archive.store, left, right, verdict, actor=load_settings().actor, reason=reason
        )
    typer.echo(f"{made.left} {made.verdict.value} {made.right}")


@cluster_app.command("retract")
def cluster_retract(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(metavar="ID")],
    right: Annotated[str, typer.Argument(metavar="OTHER_ID")],
    reason: Reason = None,
) -> None:
    """Take a judgement back (undo a merge); the retraction is logged.

    Example: sviedka cluster retract ID OTHER_ID --reason "different fathers' names"
    """
    with _archive(ctx, writes=True) as archive:
        resolver.retract(archive.store, left, right, actor=load_settings().actor, reason=reason)
    typer.echo("Retracted.")


@cluster_app.command("show")
def cluster_show(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: JsonOut = False,
) -> None:
    """The cluster a record belongs to, and the judgements behind it.

    Example: sviedka cluster show ID
    """
    with _archive(ctx) as archive:
        cluster, judgements = resolver.cluster_of(archive.store, record_id)
    typer.echo(
        show.cluster_json(cluster, judgements)
        if as_json
        else show.cluster_text(cluster, judgements)
    )


@app.command()
def verify(
    ctx: typer.Context,
    against: Annotated[
        Path | None, typer.Option(help="A checkpoint saved earlier: prove nothing was lost since.")
    ] = None,
    as_json: JsonOut = False,
) -> None:
    """Check everything against its own hashes and the signed log; exit 1 on any problem.

    Recomputes every revision hash and chain, compares each current row with its last revision,
    rebuilds the log's tree from its entries, checks every checkpoint's signature and root, and
    that every revision and custody event is logged. Problems are named by record id.

    Example: sviedka verify --against partner-checkpoint.txt
    """
    with _archive(ctx) as archive:
        report = verify_archive(archive)
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
    with _archive(ctx) as archive:
        made = ledger.checkpoint(archive, _unlock(archive)) if sign else ledger.latest(archive)
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
    with _archive(ctx) as archive:
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
    with _archive(ctx) as archive:
        typer.echo(show.json_text(ledger.consistency(archive, old, new)))


@ledger_app.command("key")
def ledger_key(ctx: typer.Context) -> None:
    """The log's verifier key: publish it so that anyone can check the checkpoints.

    Example: sviedka ledger key
    """
    with _archive(ctx) as archive:
        typer.echo(archive.config.verifier_key)


def main() -> None:
    app()
