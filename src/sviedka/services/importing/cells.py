"""Sheet columns as model paths, read by the one form reader (``records.forms.read_form``).

Every column is declared like a field of a web form (``records.cases``): the reading it fills
and the model path there (``COLUMNS``: ``died`` is ``detention.end.date``, ``birthday`` is
``person.birth_date``). A reading is one record of the model read from the row (``READINGS``):
the person, the detention, the end the row describes when it gives no death (``release``), the
facility, judge and prosecutor it names, its sentences, and the list's own key and status of
the row (``ListEntry``). Each column's cell reader only turns the sheet's writing into the
reader's text (``25.09.1962`` to ``1962-09-25``, ``муж`` to ``male``, ``ч.1 ст.342`` to one
``charges.N.article`` and ``charges.N.part`` per charge, ``на волі`` to ``release.mode``) and
refuses what it cannot read, in the importer's own words. The reader then does the model's
checks (codes against the vocabularies, closed sets, numbers, dates, text that can be stored,
how many rows a list may have), and its problems, keyed by model path, are reported under the
column's name: a bad value gets the message a web form gives for it. The checks across columns
(``CHECKS``) are declared the same way and evaluated on the values the reader read.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from ...model import (
    Detention,
    DetentionEnd,
    EndMode,
    Gender,
    NameForm,
    Organisation,
    PartialDate,
    Person,
    Sentence,
)
from ..records.forms import CHOOSE, Before, Lookups, Reading, out_of_order, read_form
from .articles import split_articles, unknown_articles
from .dates import parse_date
from .text import clean, name_lang, name_parts, normalise

__all__ = [
    "CHECKS",
    "COLUMNS",
    "DECLARED",
    "LIBERTY",
    "READINGS",
    "REQUIRED",
    "STATUSES",
    "CellProblem",
    "Column",
    "Declared",
    "ListEntry",
    "ReadCells",
    "Status",
    "read_cells",
]


class Status(StrEnum):
    """Viasna's status of a row: a political prisoner now, a former one, not recognised."""

    ACTIVE = "active"
    FORMER = "former"
    NP = "np"


@dataclass(frozen=True, kw_only=True)
class ListEntry:
    """What a list says of a row that no record has a field for: its key in the list (``id``,
    else ``url``) and its status."""

    id: str | None = None
    url: str | None = None
    status: Status | None = None


READINGS: Mapping[str, type] = {
    "entry": ListEntry,
    "person": Person,
    "detention": Detention,
    "release": DetentionEnd,  # the end the row describes when it gives no death
    "facility": Organisation,
    "judge": Person,
    "prosecutor": Person,
    "decision": Sentence,
    "penalty": Sentence,  # an additional penalty
}

# -- how sheets write values --------------------------------------------------------------------

_GENDERS = {
    Gender.MALE: ("m", "male", "man", "м", "муж", "мужской", "мужчина", "мужчына", "мужчынскі"),
    Gender.FEMALE: ("f", "female", "woman", "ж", "жен", "женский", "женщина", "жанчына", "жаночы"),
}
_GENDER = {word: g for g, words in _GENDERS.items() for word in words}
STATUSES = {
    Status.ACTIVE: ("active", "current", "цяперашні", "текущий"),
    Status.FORMER: ("former", "past", "released", "былы", "бывший"),
    Status.NP: ("np", "not recognised", "not recognized", "непрызнаны", "непризнан"),
}
_STATUS = {word: s for s, words in STATUSES.items() for word in words}
# What the prison column may say instead of a facility: that the person is out, and how.
LIBERTY: Mapping[EndMode, tuple[str, ...]] = {
    EndMode.OTHER: ("released", "freed", "вызвалены", "вызвалена", "на волі", "освобожден",
                    "освобождена", "на свободе"),
    EndMode.PARDON: ("pardoned", "памілаваны", "памілавана", "помилован", "помилована"),
    EndMode.DEPORTATION: ("deported", "expelled", "высланы", "выслана", "выслан"),
    EndMode.NON_CUSTODIAL: ("at liberty before serving sentence", "на волі да пачатку",
                            "на свободе до начала", "до вступления приговора в силу"),
}  # fmt: skip
# Longest first: "на волі да пачатку" says more than "на волі", which it starts with.
_LIBERTY_WORDS = sorted(
    ((normalise(w), mode) for mode, words in LIBERTY.items() for w in words),
    key=lambda pair: -len(pair[0]),
)

Written = str | Mapping[str, str | None] | None  # the column's own text, or text by key


class CellProblem(ValueError):
    """A cell the importer cannot read; the message does not repeat the value."""


def _text(value: Any) -> str | None:
    return clean(value) or None


def _identifier(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a workbook stores 123 as 123.0
    return clean(value) or None


def _url(value: Any) -> str | None:
    return clean(value).rstrip("/") or None


def _date(value: Any) -> str | None:
    day = parse_date(value)
    return None if day is None else str(day)


def _words(table: Mapping[str, StrEnum], problem: str) -> Callable[[Any], Written]:
    def read(value: Any) -> Written:
        said = normalise(clean(value))
        if said and said not in table:
            raise CellProblem(problem)
        return table[said].value if said else None

    return read


def _name(reading: str) -> Callable[[Any], Written]:
    """A person's name as ``names.0``: as written, its language, and its parts if it shows them."""

    def read(value: Any) -> Written:
        name = clean(value)
        parts = name_parts(name) if name else {}
        return {f"{reading}.names.0.{k}": v for k, v in parts.items()} or None

    return read


def _death(value: Any) -> Written:
    day = _date(value)
    return {"detention.end.date": day, "detention.end.mode": EndMode.DEATH.value if day else None}


def _prison(value: Any) -> Written:
    """A facility's name, or how the person got out (``release.mode``)."""
    text = clean(value)
    said = normalise(text)
    for word, mode in _LIBERTY_WORDS:
        if said and (said == word or said.startswith(word + " ")):
            return {"release.mode": mode.value}
    lang = name_lang(text) if text else None
    return {"facility.names.0.full": text or None, "facility.names.0.lang": lang}


def _charges(value: Any) -> Written:
    text = clean(value)
    charges = split_articles(text) if text else []
    out: dict[str, str | None] = {}
    for row, charge in enumerate(charges):
        out[f"detention.charges.{row}.article"] = charge.article
        out[f"detention.charges.{row}.part"] = None if charge.part is None else str(charge.part)
    return out


# -- the declaration ----------------------------------------------------------------------------


@cache
def _split(key: str) -> tuple[str, str]:
    """``detention.end.date`` as ``("detention", "end.date")``: the reading, the model path."""
    reading, path = key.split(".", 1)
    return reading, path


@dataclass(frozen=True)
class Column:
    """A column: the key of its value (``reading.model path``) and how sheets write it."""

    key: str
    cell: Callable[[Any], Written] = _text

    @property
    def reading(self) -> str:
        return _split(self.key)[0]

    @property
    def path(self) -> str:
        return _split(self.key)[1]


# In this order the cells' own problems are reported (then the reader's, then the checks').
COLUMNS: Mapping[str, Column] = {
    "id": Column("entry.id", _identifier),
    "url": Column("entry.url", _url),
    "name": Column("person.names.0.full", _name("person")),
    "note": Column("person.notes"),
    "status": Column("entry.status", _words(_STATUS, "is not active, former or np")),
    "gender": Column(
        "person.gender", _words(_GENDER, "is not one of m/f, male/female, м/ж, муж/жен")
    ),
    "birthday": Column("person.birth_date", _date),
    "arrested": Column("detention.arrest.date", _date),
    "verdict_date": Column("detention.court_cases.0.verdict_date", _date),
    "release_date": Column("release.date", _date),
    "died": Column("detention.end.date", _death),
    "articles": Column("detention.charges", _charges),
    "decision": Column("decision.text"),
    "penalty": Column("penalty.text"),
    "judge": Column("judge.names.0.full", _name("judge")),
    "prosecutor": Column("prosecutor.names.0.full", _name("prosecutor")),
    "prison": Column("facility.names.0.full", _prison),
    "declaration": Column("detention.recognition.statement"),
}
# column -> (record, model path) of its value
DECLARED: Mapping[str, tuple[type, str]] = {
    column: (READINGS[c.reading], c.path) for column, c in COLUMNS.items()
}
# Checks across columns, on the dates read: the earlier not after the later.
CHECKS = (
    Before("birthday", "arrested", "birthday", "is after the arrest"),
    Before("arrested", "verdict_date", "verdict_date", "is before the arrest"),
    Before("birthday", "died", "died", "is before the birthday"),
    Before("arrested", "release_date", "release_date", "is before the arrest"),
    Before("arrested", "died", "died", "is before the arrest"),
)
REQUIRED = {"name": "is empty"}
_LIMIT = 10**9  # the sheet's readers bound a cell; the import adds no limit of its own


@dataclass
class Declared:
    """The reader's text of one row's cells, by reading and model path, and which column gave
    each; the cells' own problems as ``column: message``."""

    values: dict[str, dict[str, str | None]] = field(
        default_factory=lambda: {reading: {} for reading in READINGS}
    )
    column_of: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def put(self, column: str, value: Any) -> None:
        declared = COLUMNS[column]
        try:
            written = declared.cell(value)
        except ValueError as exc:  # CellProblem, ArticleProblem, a date's: in the cell's words
            self.problems.append(f"{column}: {exc}")
            return
        if written is None or isinstance(written, str):
            written = {declared.key: written}
        for key, text in written.items():
            at = _split(key)
            self.values[at[0]][at[1]] = text
            self.column_of[at] = column


@dataclass(frozen=True)
class ReadCells:
    """What the reader made of one row's cells (each reading), and every problem as the import
    report words them (``column: message``): the cells', the reader's, the checks'."""

    readings: Mapping[str, Reading]
    problems: list[str]
    _dates: dict[str, PartialDate | None] = field(default_factory=dict, compare=False)

    def get(self, column: str) -> Any:
        """The value read from ``column`` (as ``codec.load`` reads it), ``None`` if none."""
        declared = COLUMNS[column]
        return self.at(declared.reading, declared.path)

    def at(self, reading: str, path: str) -> Any:
        return self.readings[reading].get(path)

    def date(self, column: str) -> PartialDate | None:
        if column not in self._dates:
            day = self.get(column)
            self._dates[column] = None if day is None else PartialDate.parse(day)
        return self._dates[column]

    def name_form(self, reading: str) -> NameForm | None:
        """The name read into ``reading``'s ``names.0``, if any."""
        form = self.at(reading, "names.0")
        return None if form is None else NameForm(**form)


def read_cells(
    cells: Mapping[str, Any], known_articles: Collection[str], unreadable: Collection[str] = ()
) -> ReadCells:
    """Read one row's cells (column -> cell) through the form reader, then the checks;
    ``unreadable``: columns whose cell has no value to read (a formula saved without one)."""
    declared = Declared()
    for column in COLUMNS:
        if column in cells:
            declared.put(column, cells[column])

    def codes(vocab: str) -> Collection[str]:
        return known_articles if vocab == "criminal_code_by" else ()

    lookups = Lookups(codes=codes, record=lambda *_: False)  # no column names a record by id
    readings = {
        reading: read_form(READINGS[reading], values, lookups, limit=_LIMIT)
        if values
        else Reading()
        for reading, values in declared.values.items()
    }
    problems = declared.problems
    problems += [p for name, r in readings.items() for p in _reported(name, r, declared)]
    read = ReadCells(readings, problems)
    failed = {p.split(":", 1)[0] for p in problems} | set(unreadable)
    problems += [f"{column}: {message}" for column, message in REQUIRED.items()
                 if column not in failed and read.get(column) is None]  # fmt: skip
    problems += [f"{column}: {message}" for column, message in out_of_order(read.date, CHECKS)]
    return read


def _reported(reading: str, read: Reading, declared: Declared) -> list[str]:
    """The problems under column names; unknown articles are named, as the report always did."""
    out: dict[str, str] = {}
    unknown: list[str] = []
    for path, message in read.problems.items():
        column = _column_of(declared, reading, path)
        if column == "articles" and path.endswith(".article") and message == CHOOSE:
            unknown.append(declared.values[reading][path] or "")
        else:
            out.setdefault(column, f"{column}: {message}")
    if unknown:
        codes = tuple(dict.fromkeys(unknown))
        out.setdefault("articles", f"articles: {unknown_articles(codes)}")
    return list(out.values())


def _column_of(declared: Declared, reading: str, path: str) -> str:
    """The column that gave ``path`` (or the group it is in: a field the reader found missing)."""
    if (reading, path) in declared.column_of:
        return declared.column_of[(reading, path)]
    head = path.split(".", 1)[0]
    given = [c for (r, p), c in declared.column_of.items() if r == reading and p.startswith(head)]
    return given[0] if given else reading
