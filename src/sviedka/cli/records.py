"""Commands for records, vocabularies and clusters, and ``init`` / ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import Invalid
from ..model import Verdict
from ..services.archive.folder import init_archive
from ..services.records import records as rec
from ..services.records import resolver
from ..services.records.timeline import record_timelines, timeline_text
from ..services.records.vocab import list_vocabularies, shipped_vocabularies, show_vocabulary
from ..settings import load_settings
from . import output as show
from .app import (
    JsonOut,
    Reason,
    app,
    as_custodian,
    ask_passphrase,
    cluster_app,
    opened,
    read_json,
    record_app,
    vocab_app,
)


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
    passphrase = ask_passphrase(confirm=True)
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
    from ..services.archive.demo import create_demo

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
    payload = read_json(json_file)
    with opened(ctx, writes=True) as archive:
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
    payload = read_json(json_file or patch or "-")
    with opened(ctx, writes=True) as archive:
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
    """Show one record; a detention (or a person's detentions) also as a dated timeline.

    Example: sviedka record show ID --as-of 2024-01-31
    """
    with opened(ctx) as archive:
        stored = rec.get_record(archive.store, as_custodian(), record_id, as_of=as_of)
        if as_json:
            typer.echo(show.stored_json(stored))
            return
        timelines = record_timelines(archive.store, as_custodian(), record_id, record=stored.record)
    parts = [show.stored_text(stored), timeline_text(timelines) if timelines else ""]
    typer.echo("\n\n".join(p for p in parts if p))


@record_app.command("history")
def record_history(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: JsonOut = False,
) -> None:
    """Every revision of a record: who, when, why, what changed, and the hash chain.

    Example: sviedka record history ID
    """
    with opened(ctx) as archive:
        revisions = rec.record_history(archive.store, as_custodian(), record_id)
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
    with opened(ctx) as archive:
        page, total = rec.list_records(
            archive.store, as_custodian(), kind, where=filters, limit=limit, offset=offset
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
    with opened(ctx) as archive:
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
    with opened(ctx) as archive:
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
    with opened(ctx, writes=True) as archive:
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
    with opened(ctx, writes=True) as archive:
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
    with opened(ctx) as archive:
        cluster, judgements = resolver.cluster_of(archive.store, as_custodian(), record_id)
    typer.echo(
        show.cluster_json(cluster, judgements)
        if as_json
        else show.cluster_text(cluster, judgements)
    )
