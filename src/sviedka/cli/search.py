"""``sviedka search``: find records by names in any script, descriptions, testimony and notes."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from ..services.records.search import SearchResults, search
from . import output as show
from .app import JsonOut, app, as_custodian, opened


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words, or "a phrase"; any script.')],
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only this record kind (repeatable).")
    ] = None,
    date_from: Annotated[
        str | None,
        typer.Option("--from", help="Records about this date or later (YYYY[-MM[-DD]])."),
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Records about this date or earlier.")
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="A detention's, intervention's or listing's status.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many hits.")] = 20,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    as_json: JsonOut = False,
) -> None:
    """Search records: names in any script (Бяляцкі finds Беляцкий and Bialiatski),
    descriptions, testimony and notes. Names first, then by relevance; the last word also
    matches as a beginning (Бял…).

    Example: sviedka search "Беляцкий" --kind person --from 2020-08
    """
    with opened(ctx) as archive:
        found = search(
            archive.store,
            as_custodian(),
            query,
            kinds=kind or None,
            date_from=date_from,
            date_to=date_to,
            status=status,
            limit=limit,
            offset=offset,
        )
    typer.echo(_as_json(found) if as_json else _as_text(found))


def _as_json(found: SearchResults) -> str:
    hits = [dataclasses.asdict(hit) for hit in found.hits]
    return show.json_text({"total": found.total, "offset": found.offset, "hits": hits})


def _as_text(found: SearchResults) -> str:
    if not found.hits:
        return f"No records found ({found.total} in all)." if found.total else "No records found."
    lines = []
    for hit in found.hits:
        lines.append(f"{hit.kind:<12} {hit.title}  [{hit.id}]")
        if hit.snippet and hit.snippet != hit.title:
            lines.append(f"{'':<12} {hit.snippet}")
    first = found.offset + 1
    lines.append(f"{first}–{found.offset + len(found.hits)} of {found.total}")
    return "\n".join(lines)
