"""``sviedka stats``: held on a date, over time, flows, and charts — each with its method."""

from __future__ import annotations

import io
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..errors import Invalid
from ..model import Confidentiality
from ..services.analysis import charts, stats
from ..services.analysis.stats import Breakdown, Every, Scope, StatsResult
from .app import app, opened

stats_app = typer.Typer(
    help="How many were held: on a date, over time, flows in and out, charts.",
    no_args_is_help=True,
)
app.add_typer(stats_app, name="stats")


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOpt = Annotated[
    Format, typer.Option("--format", help="table, csv (method as # lines) or json.")
]
ByOpt = Annotated[Breakdown | None, typer.Option("--by", help="Break the count down.")]
AllOpt = Annotated[
    bool,
    typer.Option(
        "--all-detentions", help="Count every detention, not only recognised political prisoners."
    ),
]
DatedOpt = Annotated[
    bool,
    typer.Option(
        "--recognised-by-date",
        help="Count a person only once recognised (by the date asked), not by today's list.",
    ),
]
LevelsOpt = Annotated[
    str | None,
    typer.Option(
        "--levels",
        help="Count only records of these confidentiality levels, e.g. public,internal "
        "[default: all].",
    ),
]
LangOpt = Annotated[str, typer.Option("--lang", help="Labels in en, be or ru.")]
FromOpt = Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")]
ToOpt = Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD.")]
EveryOpt = Annotated[Every, typer.Option("--every", help="One point per period.")]


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("Give days as YYYY-MM-DD.", {option: "is not a day"}) from None


def _scope(levels: str | None, all_detentions: bool, recognised_by_date: bool) -> Scope:
    chosen = frozenset(Confidentiality)
    if levels is not None:
        names = [n.strip() for n in levels.split(",") if n.strip()]
        known = {level.value for level in Confidentiality}
        if not names or set(names) - known:
            raise Invalid("Unknown confidentiality level.", {"--levels": ", ".join(sorted(known))})
        chosen = frozenset(Confidentiality(n) for n in names)
    return Scope(chosen, all_detentions, recognised_by_date)


def _show(result: StatsResult, fmt: Format) -> None:
    if fmt is Format.JSON:
        typer.echo(result.as_json())
    elif fmt is Format.CSV:
        typer.echo(result.as_csv(), nl=False)
    else:
        typer.echo(_table(result))


def _table(result: StatsResult) -> str:
    table = Table(*result.columns)
    for row in result.rows:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in result.columns))
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None, soft_wrap=True).print(table)
    return buffer.getvalue().rstrip() + "\n\n" + "\n".join(result.method.lines())


@stats_app.command("held")
def held(
    ctx: typer.Context,
    on: Annotated[str, typer.Option("--on", help="The day, YYYY-MM-DD.")],
    by: ByOpt = None,
    all_detentions: AllOpt = False,
    recognised_by_date: DatedOpt = False,
    levels: LevelsOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Persons held on a day: certainly, possibly (imprecise dates), undated; or broken down.

    Example: sviedka stats held --on 2021-11-27 --by article
    """
    scope = _scope(levels, all_detentions, recognised_by_date)
    with opened(ctx) as archive:
        result = stats.held_on(archive.store, _day(on, "--on"), by=by, scope=scope, lang=lang)
    _show(result, fmt)


@stats_app.command("series")
def series(
    ctx: typer.Context,
    start: FromOpt,
    end: ToOpt,
    every: EveryOpt = Every.MONTH,
    by: ByOpt = None,
    all_detentions: AllOpt = False,
    recognised_by_date: DatedOpt = False,
    levels: LevelsOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Persons held on the first day of each period (calendar months, ISO weeks, years, days).

    Example: sviedka stats series --from 2020-08-01 --to 2024-12-31 --every month --format csv
    """
    scope = _scope(levels, all_detentions, recognised_by_date)
    first, last = _day(start, "--from"), _day(end, "--to")
    with opened(ctx) as archive:
        result = stats.series(
            archive.store, first, last, every=every, by=by, scope=scope, lang=lang
        )
    _show(result, fmt)


@stats_app.command("flows")
def flows(
    ctx: typer.Context,
    start: FromOpt,
    end: ToOpt,
    all_detentions: AllOpt = False,
    levels: LevelsOpt = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Persons recognised, detained, released (by how) and died between two days.

    Example: sviedka stats flows --from 2023-01-01 --to 2023-12-31
    """
    scope = _scope(levels, all_detentions, False)
    first, last = _day(start, "--from"), _day(end, "--to")
    with opened(ctx) as archive:
        result = stats.flows(archive.store, first, last, scope=scope)
    _show(result, fmt)


@stats_app.command("chart")
def chart(
    ctx: typer.Context,
    kind: Annotated[charts.ChartKind, typer.Argument(help="Which chart.")],
    out: Annotated[Path, typer.Option("--out", help="FILE.svg or FILE.png.")],
    on: Annotated[
        str | None, typer.Option("--on", help="The day (by-article, by-facility).")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day (held-over-time).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (held-over-time).")] = None,
    every: EveryOpt = Every.MONTH,
    all_detentions: AllOpt = False,
    recognised_by_date: DatedOpt = False,
    levels: LevelsOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Draw a chart to SVG or PNG, and print the figures behind it.

    Example: sviedka stats chart held-over-time --from 2020-08-01 --to 2024-12-31 --out held.svg
    """
    scope = _scope(levels, all_detentions, recognised_by_date)
    days = tuple(
        None if text is None else _day(text, name)
        for text, name in ((on, "--on"), (start, "--from"), (end, "--to"))
    )
    with opened(ctx) as archive:
        result, spec = charts.chart_of(
            archive.store,
            kind,
            on=days[0],
            start=days[1],
            end=days[2],
            every=every,
            scope=scope,
            lang=lang,
            fmt=out.suffix.lower().lstrip("."),
        )
    charts.write_chart(spec, out)
    typer.echo(f"Chart written to {out}", err=True)
    _show(result, fmt)
