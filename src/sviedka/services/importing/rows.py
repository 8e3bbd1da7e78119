"""One sheet row to ``RowFacts``: what the row says, read and checked, before any record is made.

The columns declared in ``cells`` (birthday, gender, arrest and verdict dates, articles) are
normalised here and read by the one form reader, which does the model's checks; the others are
read here. Every problem in a row is collected (not only the first), each as
``column: what is wrong``, without repeating the cell's value: it may be personal data."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...model import EndMode, Gender, PartialDate
from .articles import ArticleProblem, Charged, split_articles
from .cells import DECLARED, Declared, ReadCells, read_cells
from .columns import Columns
from .dates import parse_date
from .text import clean, normalise

__all__ = ["LIBERTY", "STATUSES", "RowFacts", "RowRejected", "end_of", "read_row"]

_GENDERS = {
    Gender.MALE: ("m", "male", "man", "м", "муж", "мужской", "мужчина", "мужчына", "мужчынскі"),
    Gender.FEMALE: ("f", "female", "woman", "ж", "жен", "женский", "женщина", "жанчына", "жаночы"),
}
_GENDER = {word: g for g, words in _GENDERS.items() for word in words}
STATUSES = {
    "active": ("active", "current", "цяперашні", "текущий"),
    "former": ("former", "past", "released", "былы", "бывший"),
    "np": ("np", "not recognised", "not recognized", "непрызнаны", "непризнан"),
}
_STATUS = {word: s for s, words in STATUSES.items() for word in words}
# What the "prison" column may say instead of a facility: that the person is out.
LIBERTY: Mapping[str, tuple[str, ...]] = {
    "released": ("released", "freed", "вызвалены", "вызвалена", "на волі", "освобожден",
                 "освобождена", "на свободе"),
    "pardoned": ("pardoned", "памілаваны", "памілавана", "помилован", "помилована"),
    "deported": ("deported", "expelled", "высланы", "выслана", "выслан"),
    "before_sentence": ("at liberty before serving sentence", "на волі да пачатку",
                        "на свободе до начала", "до вступления приговора в силу"),
}  # fmt: skip
_LIBERTY_WORDS = [(key, tuple(normalise(w) for w in words)) for key, words in LIBERTY.items()]
_DATES = ("birthday", "arrested", "verdict_date", "release_date", "died")
_TEXTS = ("name", "decision", "penalty", "judge", "prosecutor", "declaration", "note")


class RowRejected(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class RowFacts:
    number: int
    present: frozenset[str]  # the fields the sheet has a column for
    id: str | None = None
    url: str | None = None
    status: str | None = None
    gender: Gender = Gender.UNKNOWN
    dates: dict[str, PartialDate | None] = field(default_factory=dict)
    texts: dict[str, str | None] = field(default_factory=dict)
    charges: list[Charged] = field(default_factory=list)
    facility: str | None = None  # the facility's name as written
    liberty: str | None = None  # a LIBERTY key when the prison column says the person is out
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.texts.get("name") or ""

    @property
    def key(self) -> str | None:
        """The list's own key of the row for the report: its id, else its url."""
        return f"id {self.id}" if self.id else self.url


def read_row(
    number: int,
    cells: list[Any],
    columns: Columns,
    header_width: int,
    known_articles: Collection[str],
    unreadable: Collection[int] = (),
) -> RowFacts:
    """``RowRejected`` with every reason if the row cannot be imported as it is."""
    facts = RowFacts(number, frozenset(columns))
    problems = _shape(cells, header_width, facts)
    problems += [f"{f}: is a formula saved without its value" for f, i in columns.items()
                 if i in unreadable]  # fmt: skip
    cell = {f: (cells[i] if i < len(cells) else None) for f, i in columns.items()}
    declared = Declared()
    problems += _read_simple(cell, facts, declared)
    problems += _read_dates(cell, facts, declared)
    problems += _read_articles(cell.get("articles"), declared)
    read = read_cells(declared, known_articles)
    problems += read.problems
    _take(read, facts)
    if not facts.name and columns.get("name") not in unreadable:
        problems.append("name: is empty")
    problems += _coherence(facts)
    if problems:
        raise RowRejected(problems)
    return facts


def _shape(cells: list[Any], width: int, facts: RowFacts) -> list[str]:
    extra = [c for c in cells[width:] if clean(c)]
    if extra:
        return [f"the row has {len(cells)} cells but the header has {width}"]
    if len(cells) < width:
        facts.warnings.append(
            f"the row has {len(cells)} cells, the header {width}: the missing ones read as empty"
        )
    return []


def _read_simple(cell: Mapping[str, Any], facts: RowFacts, declared: Declared) -> list[str]:
    problems = []
    facts.id = _identifier(cell.get("id"))
    facts.url = clean(cell.get("url")).rstrip("/") or None
    facts.texts = {f: clean(cell.get(f)) or None for f in _TEXTS}
    status = normalise(clean(cell.get("status")))
    if status:
        facts.status = _STATUS.get(status)
        if facts.status is None:
            problems.append("status: is not active, former or np")
    gender = normalise(clean(cell.get("gender")))
    if gender:
        found = _GENDER.get(gender)
        if found is None:
            problems.append("gender: is not one of m/f, male/female, м/ж, муж/жен")
        declared.put("gender", found)
    _read_prison(clean(cell.get("prison")), facts)
    return problems


def _identifier(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a workbook stores 123 as 123.0
    return clean(value) or None


def _read_prison(text: str, facts: RowFacts) -> None:
    if not text:
        return
    said = normalise(text)
    for key, words in _LIBERTY_WORDS:
        if any(said == w or said.startswith(w + " ") for w in words):
            facts.liberty = key
            return
    facts.facility = text


def _read_dates(cell: Mapping[str, Any], facts: RowFacts, declared: Declared) -> list[str]:
    """Each date as ``YYYY[-MM[-DD]]``: a declared column's for the reader, the rest here."""
    problems = []
    for name in _DATES:
        try:
            found = parse_date(cell.get(name))
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            found = None
        facts.dates[name] = None if name in DECLARED else found
        if name in DECLARED:
            declared.put(name, None if found is None else str(found))
    return problems


def _read_articles(value: Any, declared: Declared) -> list[str]:
    text = clean(value)
    if not text:
        return []
    try:
        declared.put_charges(split_articles(text))
    except ArticleProblem as exc:
        return [f"articles: {exc}"]
    return []


def _take(read: ReadCells, facts: RowFacts) -> None:
    """What the reader read of the declared columns, into the row's facts."""
    for name in _DATES:
        if name in DECLARED and (day := read.get(name)) is not None:
            facts.dates[name] = PartialDate.parse(day)
    facts.gender = Gender(read.get("gender") or Gender.UNKNOWN)
    charges = read.get("articles") or []
    facts.charges = [Charged(c["article"], c.get("part")) for c in charges if "article" in c]


def _coherence(facts: RowFacts) -> list[str]:
    d = facts.dates
    checks = [
        ("birthday", "arrested", "birthday: is after the arrest"),
        ("arrested", "verdict_date", "verdict_date: is before the arrest"),
        ("birthday", "died", "died: is before the birthday"),
        ("arrested", "release_date", "release_date: is before the arrest"),
        ("arrested", "died", "died: is before the arrest"),
    ]
    problems = []
    for earlier, later, message in checks:
        first, then = d.get(earlier), d.get(later)
        if first and then and then.certainly_before(first):
            problems.append(message)
    return problems


def end_of(facts: RowFacts) -> tuple[EndMode, PartialDate | None] | None:
    """How and when the detention ended, by the rules in docs/import.md, or None if held."""
    died, released = facts.dates.get("died"), facts.dates.get("release_date")
    if died:
        return EndMode.DEATH, died
    modes = {"pardoned": EndMode.PARDON, "deported": EndMode.DEPORTATION}
    if (
        facts.liberty in ("released", "pardoned", "deported")
        or released
        or facts.status == "former"
    ):
        return modes.get(facts.liberty or "", EndMode.OTHER), released
    if facts.liberty == "before_sentence":
        return EndMode.NON_CUSTODIAL, released
    return None
