"""``sviedka sanctions``: loaded lists, screening, review of matches, and export to FtM."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..model import Confidentiality
from ..services.sanctions import lists, review, screen, tables
from ..services.sanctions.scoring import THRESHOLD
from ..settings import load_settings
from ..spreadsheet import csv_text
from . import output as show
from .app import JsonOut, Reason, app, opened

__all__: list[str] = []

sanctions_app = typer.Typer(
    help="Sanctions lists: screen perpetrators, review matches, export.", no_args_is_help=True
)
app.add_typer(sanctions_app, name="sanctions")

Person = Annotated[str, typer.Argument(help="The person's record id.")]
ListName = Annotated[
    str, typer.Argument(help="The list, e.g. us_ofac_sdn (see `sanctions lists`).")
]
Ref = Annotated[str, typer.Argument(help="The entry's id in the list (OFAC: ent_num).")]


@sanctions_app.command("lists")
def lists_command(ctx: typer.Context, as_json: JsonOut = False) -> None:
    """Every version of every loaded list (import one with `sviedka import --format ofac-sdn`).

    Example: sviedka sanctions lists
    """
    with opened(ctx) as archive, archive.store.unscoped_view() as view:  # the custodian's
        versions = lists.list_versions(view)
    if as_json:
        typer.echo(show.json_text([v.__dict__ for v in versions]))
        return
    table = Table("list", "version", "file", "list date", "entries", "imported", "current")
    for v in versions:
        current = "yes" if v.replaced_by is None else f"replaced by {v.replaced_by}"
        row = (v.list, v.id, v.file, v.list_date or "?", str(v.entries), v.imported_at, current)
        table.add_row(*row)
    typer.echo(_text(table))


@sanctions_app.command("screen")
def screen_command(
    ctx: typer.Context,
    as_json: JsonOut = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV, one row per match.")] = False,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Confidence at which a match is sanctioned.")
    ] = THRESHOLD,
) -> None:
    """Match every documented perpetrator against the loaded lists: sanctioned (by whom and
    why), possible matches to review, and not sanctioned (the gap list). Changes nothing.

    Example: sviedka sanctions screen --csv > screening.csv
    """
    with opened(ctx) as archive:
        result = screen.screen(archive.store, threshold=threshold)
    if as_json:
        typer.echo(show.json_text(tables.screening_data(result)))
    elif as_csv:
        typer.echo(csv_text(tables.COLUMNS, tables.screening_rows(result)), nl=False)
    else:
        typer.echo(_screen_text(result))


def _screen_text(result: screen.Screening) -> str:
    used = ", ".join(f"{v.list} ({v.list_date or '?'}, version {v.id})" for v in result.lists)
    parts = [f"Lists: {used or 'none loaded'}"]
    rows = tables.screening_rows(result)
    for group in tables.GROUPS:
        mine = [r for r in rows if r["group"] == group]
        parts.append(f"\n{group.replace('_', ' ')}: {len({r['person'] for r in mine})}")
        if mine:
            parts.append(_text(_group_table(mine)))
    return "\n".join(parts)


_SHOWN = ("cases", "acts", "detentions", "list", "ref", "programmes", "confidence", "why")


def _group_table(rows: list[dict[str, str]]) -> Table:
    table = Table("name", "person", "roles / positions", *_SHOWN)
    for r in rows:
        roles = "; ".join(x for x in (r["roles"], r["positions"]) if x)
        table.add_row(r["name"], r["person"], roles, *(r[k] for k in _SHOWN))
    return table


@sanctions_app.command("confirm")
def confirm_command(
    ctx: typer.Context, person: Person, list_name: ListName, ref: Ref, reason: Reason = None
) -> None:
    """Confirm a proposed match: makes a sanction record linking the person, citing the list.

    Example: sviedka sanctions confirm 01a2… us_ofac_sdn 9769 -r "same DOB, same court"
    """
    with opened(ctx, writes=True) as archive:
        record = review.confirm_match(
            archive.store, person, list_name, ref, actor=load_settings().actor, reason=reason
        )
    typer.echo(record)


@sanctions_app.command("reject")
def reject_command(
    ctx: typer.Context, person: Person, list_name: ListName, ref: Ref, reason: Reason = None
) -> None:
    """Reject a proposed match: the screening will not propose it again.

    Example: sviedka sanctions reject 01a2… us_ofac_sdn 10136 -r "born 1981, not 1954"
    """
    with opened(ctx, writes=True) as archive:  # the rejection is a ledger entry: sign the head
        review.reject_match(
            archive.store, person, list_name, ref, actor=load_settings().actor, reason=reason
        )
    typer.echo("rejected: it will not be proposed again")


@sanctions_app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write (JSON lines).")],
    fmt: Annotated[str, typer.Option("--format", help="Only ftm (FollowTheMoney).")] = "ftm",
    include: Annotated[
        list[Confidentiality] | None,
        typer.Option(help="Also export records at this level (repeat); public always."),
    ] = None,
) -> None:
    """Export perpetrators, their posts, sanctions and court cases as FollowTheMoney entities.

    Only public records unless --include names more levels. Victims are never exported.

    Example: sviedka sanctions export --format ftm --out perpetrators.ftm.json
    """
    if fmt != "ftm":
        raise typer.BadParameter("only ftm is supported", param_hint="--format")
    from ..services.sanctions import export  # FtM takes seconds to import: not for every command

    with opened(ctx) as archive:
        report = export.export_ftm(archive.store, out, include=frozenset(include or ()))
    counts = ", ".join(f"{n} {schema}" for schema, n in report.entities.items())
    typer.echo(f"{out}: {counts or 'no entities'}")


def _text(table: Table) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None, soft_wrap=True).print(table)
    return buffer.getvalue().rstrip()
