"""One form reader for every form and sheet: flat text keyed by model paths in, record state out.

``read_form(Detention, {"arrest.date": "2021-03", "charges.0.article": "342"}, lookups)`` walks
the model (``model.paths``) for each key, coerces the text by the field's declared type and
metadata, and returns the nested state that ``model.codec.load`` turns into the record, with
every problem under the key it was sent with (so a page shows it next to its field):

* text: valid Unicode, no NUL, at most ``limit`` characters (per path in ``limits``);
* numbers: whole numbers (a range per path in ``ranges``); yes/no; a closed set's values;
* partial dates ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, not after ``lookups.today``; a range is
  ``START/END`` or its two ends (``dates.start``, ``dates.end``), the end not before the start;
* vocabulary codes the archive knows (``lookups.codes``), ids of records one may point to
  (``lookups.record``: unknown and unreadable look the same);
* a list of values by row (``recognition.criteria.0``) or comma-separated in one field;
* checks across fields, declared as ``Before(earlier, later, blamed, message)`` and evaluated by
  ``out_of_order`` on the dates read (a birthday not after the arrest).

Blank text is "not given". Rows are kept in order and gaps closed (``charges.0`` and
``charges.5`` are two charges); row numbers stop at ``MAX_ROWS``. A group given in part (a row
of charges with a part but no article) names each required field it lacks. Nothing here knows a
particular field: a field added to the model is readable by every form that declares it.

The messages are fixed English texts marked with ``N_`` (extracted by ``pybabel``) that the web
shows in the user's language; they never repeat what was typed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from ...model import DateRange, PartialDate
from ...model.codec import check_text
from ...model.ids import is_record_id
from ...model.paths import MAX_ROWS, Leaf, PathError, member_type, resolve

__all__ = [
    "MAX_ROWS",
    "N_",
    "Before",
    "Lookups",
    "Reading",
    "out_of_order",
    "pattern_of",
    "read_form",
]


def N_(text: str) -> str:
    """Mark a message for translation where it is shown (extracted by ``pybabel``)."""
    return text


REQUIRED = N_("Fill this in.")
DATE_FORMAT = N_("Write the date as YYYY, YYYY-MM or YYYY-MM-DD.")
DATE_REAL = N_("There is no such date.")
DATE_FUTURE = N_("This date is in the future.")
RANGE = N_("The end is before the start.")
NUMBER = N_("Write a whole number.")
YES_NO = N_("Answer yes or no.")
CHOOSE = N_("Choose a value from the list.")
NO_RECORD = N_("No such record; pick one from the list.")
BAD_TEXT = N_("This text has characters that cannot be stored.")
TOO_LONG = N_("This is too long.")
UNKNOWN = N_("This form has no such field.")
ROWS = N_("There are too many rows.")

T = TypeVar("T")
LIMIT = 20_000  # characters of one text field, unless the form says less
_DATE_SHAPE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ROW = re.compile(r"\.\d+(?=\.|$)")
_YES = {"yes": True, "true": True, "on": True, "1": True, "no": False, "false": False, "0": False}


@dataclass(frozen=True)
class Lookups:
    """What reading a form asks of the archive: a vocabulary's codes, whether a record may be
    pointed to (by id and allowed kinds), and today (no date after it; ``None``: no limit)."""

    codes: Callable[[str], Collection[str]]
    record: Callable[[str, tuple[str, ...]], bool]
    today: date | None = None


@dataclass
class Reading:
    """The state read (plain JSON data, for ``codec.load``) and the problems, by sent key."""

    state: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> Any:
        """The value read at ``path`` (rows counted after gaps are closed), or ``None``."""
        value: Any = self.state
        for step in path.split("."):
            if isinstance(value, list) and step.isdigit() and int(step) < len(value):
                value = value[int(step)]
            elif isinstance(value, dict) and step in value:
                value = value[step]
            else:
                return None
        return value


@dataclass(frozen=True)
class Before:
    """A check across two fields of a form, declared like a field: the date at ``earlier`` is
    not after the date at ``later``, else ``message`` is the problem of ``blamed``."""

    earlier: str
    later: str
    blamed: str
    message: str


def out_of_order(
    dates: Callable[[str], PartialDate | None], checks: Iterable[Before]
) -> list[tuple[str, str]]:
    """The checks that fail, as ``(blamed, message)`` in their order; ``dates`` gives the date
    read for a field, ``None`` if none was (a check of a field not given, or refused, passes).
    A partial date fails only if it is certainly before the other."""
    failed = []
    for check in checks:
        first, then = dates(check.earlier), dates(check.later)
        if first and then and then.certainly_before(first):
            failed.append((check.blamed, check.message))
    return failed


def pattern_of(path: str) -> str:
    """``charges.3.part`` as ``charges.*.part``: how ``limits`` and ``ranges`` name a field."""
    return _ROW.sub(".*", path)


def read_form(
    cls: type,
    values: Mapping[str, str | None],
    lookups: Lookups,
    *,
    limit: int = LIMIT,
    limits: Mapping[str, int] | None = None,
    ranges: Mapping[str, tuple[int, int, str]] | None = None,
    required: Mapping[str, str] | None = None,
) -> Reading:
    """Read ``values`` (model path -> text) into the state of a ``cls``, see the module's doc.
    ``ranges``: a field's lowest and highest number and the message when outside. ``required``:
    paths that must be given (``arrest.date``), and the message when a required field of a
    group given in part is missing (``charges.*.article``), by path or pattern."""
    reader = _Reader(lookups, limit, limits or {}, ranges or {})
    tree: dict[Any, Any] = {}
    for key, text in values.items():
        if text is None or not text.strip():
            continue
        found = reader.leaf(cls, key)
        if found is not None:
            reader.place(tree, found, key, text.strip())
    reading = Reading(problems=reader.problems)
    reading.state = _Closer(reading.problems, required or {}).group(cls, tree, "")
    for path, message in (required or {}).items():
        if "*" not in path and reading.get(path) is None and not _failed(reading.problems, path):
            reading.problems[path] = message
    return reading


class _Reader:
    def __init__(
        self,
        lookups: Lookups,
        limit: int,
        limits: Mapping[str, int],
        ranges: Mapping[str, tuple[int, int, str]],
    ) -> None:
        self.lookups = lookups
        self.limit, self.limits, self.ranges = limit, limits, ranges
        self.problems: dict[str, str] = {}

    def fail(self, key: str, message: str) -> None:
        self.problems.setdefault(key, message)

    def leaf(self, cls: type, key: str) -> Leaf | None:
        try:
            return resolve(cls, key)
        except PathError as exc:
            self.fail(key, ROWS if exc.rows else UNKNOWN)
            return None

    def place(self, tree: dict[Any, Any], leaf: Leaf, key: str, text: str) -> None:
        many = leaf.many and not isinstance(leaf.steps[-1], int)
        parts = [p.strip() for p in text.split(",")] if many else [text]
        coerced = [self.coerce(leaf, key, p) for p in parts if p]
        if any(c is None for c in coerced):
            return
        node = tree
        for step in leaf.steps[:-1]:
            node = node.setdefault(step, {})
        node[leaf.steps[-1]] = coerced if many else coerced[0]

    def coerce(self, leaf: Leaf, key: str, text: str) -> Any:
        try:
            return self._coerce(leaf, key, text)
        except _Problem as problem:
            self.fail(key, problem.message)
            return None

    def _coerce(self, leaf: Leaf, key: str, text: str) -> Any:
        if leaf.vocab is not None:
            return _check(text, text in self.lookups.codes(leaf.vocab), CHOOSE)
        if leaf.refs:
            known = is_record_id(text) and self.lookups.record(text, leaf.refs)
            return _check(text, known, NO_RECORD)
        if isinstance(leaf.type, type) and issubclass(leaf.type, Enum):
            return _check(text, text in {m.value for m in leaf.type}, CHOOSE)
        if leaf.type is PartialDate:
            return str(self.date(text))
        if leaf.type is DateRange:
            return self.date_range(text)
        if leaf.type is int:
            return self.number(pattern_of(key), text)
        if leaf.type is bool:
            return _check(_YES.get(text.casefold()), text.casefold() in _YES, YES_NO)
        return self.text(pattern_of(key), text)

    def text(self, pattern: str, text: str) -> str:
        try:
            check_text(text)
        except ValueError:
            raise _Problem(BAD_TEXT) from None
        return _check(text, len(text) <= self.limits.get(pattern, self.limit), TOO_LONG)

    def number(self, pattern: str, text: str) -> int:
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            raise _Problem(self.ranges[pattern][2] if pattern in self.ranges else NUMBER)
        low, high, message = self.ranges.get(pattern, (0, 10**12, NUMBER))
        return _check(int(text), low <= int(text) <= high, message)

    def date(self, text: str) -> PartialDate:
        if not _DATE_SHAPE.match(text):
            raise _Problem(DATE_FORMAT)
        try:
            day = PartialDate.parse(text)
        except ValueError:
            raise _Problem(DATE_REAL) from None
        today = self.lookups.today
        return _check(day, today is None or day.earliest() <= today, DATE_FUTURE)

    def date_range(self, text: str) -> str:
        ends = [p.strip() for p in text.split("/")] if "/" in text else [text, text]
        if len(ends) != 2:
            raise _Problem(DATE_FORMAT)
        start, end = (None if e in ("", "..") else self.date(e) for e in ends)
        if start and end and end.certainly_before(start):
            raise _Problem(RANGE)
        return str(DateRange(start, end))


class _Problem(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _check(value: T, ok: bool, message: str) -> T:
    if not ok:
        raise _Problem(message)
    return value


class _Closer:
    """Rows to lists (in order, gaps closed), date ranges to text, and each required field a
    group given in part lacks named: the state as ``codec.load`` reads it."""

    def __init__(self, problems: dict[str, str], required: Mapping[str, str]) -> None:
        self.problems, self.required = problems, required

    def group(self, cls: Any, tree: dict[Any, Any], path: str) -> Any:
        if cls is DateRange:
            return self.range(tree, path)
        out: dict[str, Any] = {}
        for f in _fields(cls):
            where = f"{path}{f.name}"
            if f.name in tree:
                value = self.value(member_type(cls, f.name), tree[f.name], where)
                if value is not None:
                    out[f.name] = value
            elif path and _required(f) and not _failed(self.problems, where):
                self.problems.setdefault(where, self.required.get(pattern_of(where), REQUIRED))
        return out

    def value(self, tp: Any, value: Any, path: str) -> Any:
        if isinstance(value, dict) and all(isinstance(k, int) for k in value):
            row = member_type(tp, 0)
            return [self.value(row, value[i], f"{path}.{i}") for i in sorted(value)]
        if isinstance(value, dict):
            return self.group(tp, value, f"{path}.")
        return value

    def range(self, tree: dict[Any, Any], path: str) -> str | None:
        start, end = (PartialDate.parse(tree[k]) if k in tree else None for k in ("start", "end"))
        if start and end and end.certainly_before(start):
            self.problems.setdefault(f"{path}end", RANGE)
            return None
        return str(DateRange(start, end))


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


def _failed(problems: Mapping[str, str], path: str) -> bool:
    """Whether a value was sent at ``path`` (or inside it) but refused."""
    return any(k == path or k.startswith(path + ".") for k in problems)


def _required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
