"""One sheet row to ``RowFacts``: what the row says, read and checked, before any record is made.

Every cell is read as its column's declaration says (``cells``: the model path it fills) by the
one form reader, which does the model's checks; the checks across columns are declared there
too. What is left here is the row's shape (cells past the header, formulas saved without a
value) and the rule that turns what the row says into the detention's end. Every problem in a row
is collected (not only the first), each as ``column: what is wrong``, without repeating the
cell's value: it may be personal data."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from ...model import DetentionEnd, EndMode, Gender, NameForm, PartialDate
from .articles import Charged
from .cells import ReadCells, Status, read_cells
from .columns import Columns
from .text import clean

__all__ = ["RowFacts", "RowRejected", "end_of", "read_row"]

_DATES = ("birthday", "arrested", "verdict_date", "release_date", "died")


class RowRejected(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class RowFacts:
    """What one row says, as the form reader read it (``read``; the dates by column too)."""

    number: int
    present: frozenset[str]  # the fields the sheet has a column for
    read: ReadCells
    dates: dict[str, PartialDate | None]
    warnings: list[str] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return self.text("id")

    @property
    def url(self) -> str | None:
        return self.text("url")

    @property
    def name(self) -> str:
        return self.text("name") or ""

    @property
    def status(self) -> Status | None:
        status = self.read.get("status")
        return None if status is None else Status(status)

    @property
    def gender(self) -> Gender:
        return Gender(self.read.get("gender") or Gender.UNKNOWN)

    @property
    def charges(self) -> list[Charged]:
        return [Charged(c["article"], c.get("part")) for c in self.read.get("articles") or []]

    @property
    def facility(self) -> str | None:
        """The facility's name as written; ``None`` if the prison column names none."""
        return self.text("prison")

    @property
    def key(self) -> str | None:
        """The list's own key of the row for the report: its id, else its url."""
        return f"id {self.id}" if self.id else self.url

    def text(self, column: str) -> str | None:
        text = self.read.get(column)
        return None if text is None else str(text)

    def name_form(self, reading: str) -> NameForm | None:
        """The name read for ``person``, ``judge``, ``prosecutor`` or ``facility``."""
        return self.read.name_form(reading)


def read_row(
    number: int,
    cells: list[Any],
    columns: Columns,
    header_width: int,
    known_articles: Collection[str],
    unreadable: Collection[int] = (),
) -> RowFacts:
    """``RowRejected`` with every reason if the row cannot be imported as it is."""
    problems, warnings = _shape(cells, header_width)
    formulas = [f for f, i in columns.items() if i in unreadable]
    problems += [f"{f}: is a formula saved without its value" for f in formulas]
    cell = {f: (cells[i] if i < len(cells) else None) for f, i in columns.items()}
    read = read_cells(cell, known_articles, formulas)
    problems += read.problems
    if problems:
        raise RowRejected(problems)
    dates = {column: read.date(column) for column in _DATES}
    return RowFacts(number, frozenset(columns), read, dates, warnings)


def _shape(cells: list[Any], width: int) -> tuple[list[str], list[str]]:
    """The row's problems and warnings from its number of cells."""
    if any(clean(c) for c in cells[width:]):
        return [f"the row has {len(cells)} cells but the header has {width}"], []
    if len(cells) < width:
        missing = (
            f"the row has {len(cells)} cells, the header {width}: the missing ones read as empty"
        )
        return [], [missing]
    return [], []


def end_of(facts: RowFacts) -> DetentionEnd | None:
    """How and when the detention ended, by the rules in docs/import.md, or None if held: the
    death the row gives, else the end it describes otherwise (``release``: the prison column's
    mode, the release date), which a release date or the status ``former`` makes certain."""
    death = facts.read.at("detention", "end")
    if death is not None:
        return DetentionEnd(mode=EndMode(death["mode"]), date=PartialDate.parse(death["date"]))
    released = facts.dates.get("release_date")
    said = facts.read.at("release", "mode")
    ended = released is not None or facts.status is Status.FORMER
    if said is None or (said == EndMode.NON_CUSTODIAL and ended):
        said = EndMode.OTHER if ended else None
    return None if said is None else DetentionEnd(mode=EndMode(said), date=released)
