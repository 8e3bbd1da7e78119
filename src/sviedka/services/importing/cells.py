"""Sheet columns as model paths, read by the one form reader (``records.forms.read_form``).

A column is declared like a field of a web form (``records.cases``): the record it fills and
the model path it fills there. Its cell reader only turns the sheet's writing into the reader's
text (``25.09.1962`` to ``1962-09-25``, ``муж`` to ``male``, ``ч.1 ст.342`` to one
``charges.N.article`` and ``charges.N.part`` per charge) and refuses what it cannot read, in the
importer's own words. The reader then does the model's checks (codes against the vocabularies,
numbers, dates, how many rows a list may have), and its problems, keyed by model path, are
reported under the column's name: a bad value gets the message a web form gives for it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...model import Detention, Person
from ..records.forms import CHOOSE, Lookups, Reading, read_form
from .articles import Charged, unknown_articles

__all__ = ["DECLARED", "Declared", "ReadCells", "read_cells"]

# column -> (record, model path); ``charges`` is the list the article cell fills, row by row
DECLARED: Mapping[str, tuple[type, str]] = {
    "birthday": (Person, "birth_date"),
    "gender": (Person, "gender"),
    "arrested": (Detention, "arrest.date"),
    "verdict_date": (Detention, "court_cases.0.verdict_date"),
    "articles": (Detention, "charges"),
}
_COLUMN = {(cls, path): column for column, (cls, path) in DECLARED.items()}


@dataclass
class Declared:
    """The normalised text of the declared columns of one row, by record and model path."""

    values: dict[type, dict[str, str | None]] = field(
        default_factory=lambda: {Person: {}, Detention: {}}
    )

    def put(self, column: str, text: str | None) -> None:
        cls, path = DECLARED[column]
        self.values[cls][path] = text

    def put_charges(self, charges: list[Charged]) -> None:
        detention = self.values[Detention]
        for row, charge in enumerate(charges):
            detention[f"charges.{row}.article"] = charge.article
            detention[f"charges.{row}.part"] = None if charge.part is None else str(charge.part)


@dataclass(frozen=True)
class ReadCells:
    """What the reader made of the declared columns (each record's reading), and the problems
    as the import report words them (``column: message``)."""

    readings: Mapping[type, Reading]
    problems: list[str]

    def get(self, column: str) -> Any:
        """The value read from ``column`` (as ``codec.load`` reads it), ``None`` if none."""
        cls, path = DECLARED[column]
        return self.readings[cls].get(path)


def read_cells(declared: Declared, known_articles: Collection[str]) -> ReadCells:
    """Read the declared columns of one row through the form reader."""

    def codes(vocab: str) -> Collection[str]:
        return known_articles if vocab == "criminal_code_by" else ()

    lookups = Lookups(codes=codes, record=lambda *_: False)  # no column names a record by id
    readings = {cls: read_form(cls, values, lookups) for cls, values in declared.values.items()}
    problems = [p for cls, r in readings.items() for p in _reported(cls, r, declared)]
    return ReadCells(readings, problems)


def _reported(cls: type, reading: Reading, declared: Declared) -> list[str]:
    """The problems under column names; unknown articles are named, as the report always did."""
    out: dict[str, str] = {}
    unknown: list[str] = []
    for path, message in reading.problems.items():
        column = _COLUMN.get((cls, path)) or _COLUMN[(cls, path.split(".", 1)[0])]
        if column == "articles" and path.endswith(".article") and message == CHOOSE:
            unknown.append(declared.values[cls][path] or "")
        else:
            out.setdefault(column, f"{column}: {message}")
    if unknown:
        codes = tuple(dict.fromkeys(unknown))
        out.setdefault("articles", f"articles: {unknown_articles(codes)}")
    return list(out.values())
