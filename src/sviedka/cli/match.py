"""``sviedka match persons``: likely duplicate persons, to review with ``sviedka cluster judge``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from ..errors import Invalid
from ..names import MATCH_THRESHOLD
from ..services.records.matching import Proposal, propose_pairs
from . import output as show
from .app import JsonOut, app, opened

match_app = typer.Typer(
    help="Find records that may describe the same entity.", no_args_is_help=True
)
app.add_typer(match_app, name="match")


@match_app.command("persons")
def match_persons(
    ctx: typer.Context,
    threshold: Annotated[
        float, typer.Option(help="Propose pairs scoring at least this (0..1).")
    ] = MATCH_THRESHOLD,
    limit: Annotated[int | None, typer.Option(help="At most this many pairs, best first.")] = None,
    as_json: JsonOut = False,
) -> None:
    """Propose pairs of persons that may be one person, best first, with the score and why.

    Names are compared across scripts and spellings (Бяляцкі, Беляцкий, Bialiatski), with birth
    dates, gender and region. Pairs already in one cluster or already judged are left out.
    Nothing is merged: accept a pair with the `sviedka cluster judge` command printed under it
    (or `... not-same` to reject it, so that it is not proposed again).

    Example: sviedka match persons --threshold 0.8 --limit 50
    """
    if not 0.0 <= threshold <= 1.0:
        raise Invalid("The threshold is a score from 0 to 1.", {"threshold": "between 0 and 1"})
    if limit is not None and limit < 1:
        raise Invalid("The limit must be at least 1.", {"limit": "at least 1"})
    with opened(ctx) as archive, _progress(quiet=as_json) as progress:
        proposals = propose_pairs(
            archive.store, threshold=threshold, limit=limit, progress=progress
        )
    typer.echo(_as_json(proposals) if as_json else _as_text(proposals))


@contextmanager
def _progress(*, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Scoring candidate pairs", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _as_json(proposals: Sequence[Proposal]) -> str:
    return show.json_text({"pairs": [p.as_dict() for p in proposals]})


def _as_text(proposals: Sequence[Proposal]) -> str:
    if not proposals:
        return "No likely duplicates."
    lines = []
    for p in proposals:
        lines.append(f"{p.score:.2f}  {p.left_name}  [{p.left}]")
        lines.append(f"      {p.right_name}  [{p.right}]")
        lines += [f"      - {reason}" for reason in p.why]
        lines.append(f"      sviedka cluster judge {p.left} {p.right} same")
    lines.append(f"{len(proposals)} pair(s).")
    return "\n".join(lines)
