"""Partial dates ("2021", "2021-09", "2021-09-25") and ranges of them.

A partial date stands for every day it might be: "2021-09" is any day from 1 to 30 September.
Three kinds of question are answered, and each is explicit in its name:

* ``a.certainly_before(b)``: every day ``a`` may be is before every day ``b`` may be.
* ``a.possibly_before(b)``: some day ``a`` may be is before some day ``b`` may be.
* ``DateRange.covers(day)``: ``YES`` if the range surely includes the day, ``MAYBE`` if only
  an imprecise bound decides, ``NO`` if it surely does not. Both ends are inclusive.

Sorting (``<``) is a total order for display: by the first possible day, and of two dates that
start on the same day the less precise comes first ("2021" < "2021-01" < "2021-01-01").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import total_ordering

__all__ = ["Certainty", "DateRange", "PartialDate", "Precision"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class Certainty(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1000 <= self.year <= 9999:
            raise ValueError("the year is out of range (1000-9999)")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if self.day is not None:
            assert self.month is not None
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(f"that month has no day {self.day}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``ValueError`` names the problem."""
        match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise ValueError("is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            return cls(year, month, day)
        except ValueError as exc:
            raise ValueError(f"is not a real date: {exc}") from None

    @classmethod
    def of(cls, day: date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        return Precision.YEAR if self.month is None else Precision.MONTH

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        if self.month is None:
            return date(self.year, 12, 31)
        return date(
            self.year, self.month, self.day or calendar.monthrange(self.year, self.month)[1]
        )

    def certainly_before(self, other: PartialDate) -> bool:
        return self.latest() < other.earliest()

    def possibly_before(self, other: PartialDate) -> bool:
        return self.earliest() < other.latest()

    def sort_key(self) -> tuple[int, int]:
        return (self.earliest().toordinal(), -self.latest().toordinal())

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()


@dataclass(frozen=True)
class DateRange:
    """From ``start`` to ``end``, both inclusive; ``None`` is an open (unknown or ongoing) end.

    Written as ``START/END`` with ``..`` for an open end: ``2021-09/2022``, ``2020-08-09/..``.
    """

    start: PartialDate | None = None
    end: PartialDate | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end.certainly_before(self.start):
            raise ValueError("the range ends before it starts")

    @classmethod
    def parse(cls, text: str) -> DateRange:
        if not isinstance(text, str):
            raise ValueError("is not a date range")
        parts = text.split("/")
        if len(parts) == 1:
            single = PartialDate.parse(parts[0])
            return cls(single, single)
        if len(parts) != 2:
            raise ValueError("is not a date range (use START/END, '..' for an open end)")
        start, end = (None if p.strip() in ("", "..") else PartialDate.parse(p) for p in parts)
        return cls(start, end)

    def __str__(self) -> str:
        if self.start is not None and self.start == self.end:
            return str(self.start)
        return f"{self.start or '..'}/{self.end or '..'}"

    def covers(self, day: date) -> Certainty:
        """Whether ``day`` lies in the range; an imprecise or open start answers conservatively."""
        if self.start is None:
            return Certainty.MAYBE if self._end_allows(day) is not Certainty.NO else Certainty.NO
        if day < self.start.earliest():
            return Certainty.NO
        start_sure = self.start.latest() <= day
        end = self._end_allows(day)
        if end is Certainty.NO:
            return Certainty.NO
        return Certainty.YES if start_sure and end is Certainty.YES else Certainty.MAYBE

    def _end_allows(self, day: date) -> Certainty:
        if self.end is None:
            return Certainty.YES
        if day > self.end.latest():
            return Certainty.NO
        return Certainty.YES if day <= self.end.earliest() else Certainty.MAYBE
