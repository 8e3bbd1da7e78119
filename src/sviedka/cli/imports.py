"""``sviedka import``: any list into the archive, through the format registry, with a report."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..services.importing import (
    FORMATS,
    Action,
    ImportOptions,
    ImportReport,
    RowOutcome,
    run_import,
)
from ..services.importing.report import Progress as ProgressCallback
from ..settings import load_settings
from . import output as show
from .app import JsonOut, app, opened

__all__: list[str] = []

_SHOWN = 500  # rows listed in the text report; --json lists every row


@app.command("import")
def import_list(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The sheet or list file.", exists=True, dir_okay=False)
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
    mapping: Annotated[
        Path | None, typer.Option(help="YAML file mapping the sheet's columns to fields.")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX: the sheet to read.")] = None,
    list_name: Annotated[
        str | None, typer.Option("--list", help="The list's name (names its Source record).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    keep_going: Annotated[
        bool,
        typer.Option("--keep-going", help="Import the valid rows even if others are rejected."),
    ] = False,
    as_json: JsonOut = False,
) -> None:
    """Import a list: rows read, added, updated, unchanged and rejected, per row.

    One transaction: by default a rejected row imports nothing (fix it, or --keep-going).
    Re-importing an updated sheet updates the same records (see docs/import.md).

    Example: sviedka import viasna.csv --format viasna-csv --dry-run
    """
    with opened(ctx, writes=not dry_run) as archive, _bar(as_json) as progress:
        options = ImportOptions(
            actor=load_settings().actor,
            dry_run=dry_run,
            keep_going=keep_going,
            mapping=mapping,
            sheet=sheet,
            progress=progress,
            list_name=list_name,
        )
        report = run_import(archive, file, fmt, options)
    typer.echo(show.json_text(report.as_dict()) if as_json else report_text(report))
    if report.rolled_back:
        rejected = report.count(Action.REJECTED)
        typer.echo(
            f"Error: nothing was imported: {rejected} row(s) rejected. Fix them, or pass "
            "--keep-going to import the valid rows.",
            err=True,
        )
        raise typer.Exit(1)


@contextmanager
def _bar(quiet: bool) -> Iterator[ProgressCallback]:
    bar = Progress(
        TextColumn("importing"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        disable=quiet or not sys.stderr.isatty(),
        console=Console(stderr=True),
    )
    with bar:
        task = bar.add_task("import", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def report_text(report: ImportReport) -> str:
    """The summary line, the file's warnings, and a table of the rows that change or fail."""
    counts = ", ".join(f"{report.count(a)} {a.value}" for a in Action)
    lines = [
        f"{report.file} (sha256 {report.sha256[:16]}…): {report.rows_read} rows read: {counts}."
    ]
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    lines += [f"Warning: {w}" for w in report.warnings]
    listed = [o for o in report.outcomes if o.action is not Action.UNCHANGED]
    if listed:
        lines.append(_table(listed[:_SHOWN]))
    if len(listed) > _SHOWN:
        lines.append(f"… and {len(listed) - _SHOWN} more rows (--json lists every row).")
    return "\n".join(lines)


def _table(outcomes: list[RowOutcome]) -> str:
    table = Table("row", "action", "key", "what")
    for o in outcomes:
        what = "; ".join([*o.changes, *o.reasons]) or f"{len(o.records)} record(s)"
        table.add_row(str(o.row), o.action.value, o.key or "", what)
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None, soft_wrap=True).print(table)
    return buffer.getvalue().rstrip()
