"""Dates as sheets write them, to ``PartialDate`` at the precision given; never a guess.

``25.09.1962``, ``1962``, ``09.2021``, ``2021-09-25``, ``2021-09``, ``25 верасня 2021``,
``25 сентября 2021 г.``, ``сентябрь 2021``, ``верасень 2021``, ``September 2021``, and Excel date
cells (``datetime``/``date``) or a bare year stored as a number. An impossible date (31.02.2021,
2021-13) or a two-digit year raises ``ValueError`` with a message that does not repeat the value.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ...model import PartialDate

__all__ = ["MONTHS", "parse_date"]

# Month names, nominative and genitive, Belarusian, Russian and English, by their first letters:
# every form of a month starts with one of these stems and no other month's form does.
_STEMS = {
    1: ("студзен", "январ", "january", "jan"),
    2: ("люты", "лютаг", "феврал", "february", "feb"),
    3: ("сакавік", "сакавiк", "март", "march", "mar"),
    4: ("красавік", "красавiк", "апрел", "april", "apr"),
    5: ("травен", "траўн", "ма", "may"),
    6: ("чэрвен", "июн", "june", "jun"),
    7: ("ліпен", "лiпен", "июл", "july", "jul"),
    8: ("жнівен", "жнiвен", "жніўн", "август", "august", "aug"),
    9: ("верас", "сентябр", "september", "sep", "sept"),
    10: ("кастрычні", "кастрычнi", "октябр", "october", "oct"),
    11: ("лістапад", "лiстапад", "ноябр", "november", "nov"),
    12: ("снежан", "снежн", "декабр", "december", "dec"),
}
MONTHS: dict[str, int] = {stem: month for month, stems in _STEMS.items() for stem in stems}

_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d+)$")
_MY = re.compile(r"^(\d{1,2})[./-](\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_YEAR = re.compile(r"^(\d+)$")
_WORDS = re.compile(r"^(?:(\d{1,2})\s+)?([^\W\d_]+)\.?,?\s+(\d+)$")
_SUFFIX = re.compile(r"\s*(?:г\.?|года|году|год|гг\.?)$")


def parse_date(value: object) -> PartialDate | None:
    """The date in a cell, ``None`` for an empty cell; ``ValueError`` if it cannot be read."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return PartialDate.of(value.date())
    if isinstance(value, date):
        return PartialDate.of(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_number(value)
    text = _SUFFIX.sub("", str(value).strip().casefold().replace("\u00a0", " "))
    return _from_text(text) if text else None


def _from_number(value: float) -> PartialDate:
    if value != int(value):
        raise ValueError("is a number, not a date (format the cell as a date or text)")
    return _make(_year(str(int(value))), None, None)


def _from_text(text: str) -> PartialDate:
    if match := _DMY.match(text):
        day, month, year = match.groups()
        return _make(_year(year), int(month), int(day))
    if match := _MY.match(text):
        month, year = match.groups()
        return _make(_year(year), int(month), None)
    if match := _ISO.match(text):
        year, month, day = match.groups()
        return _make(int(year), int(month), int(day) if day else None)
    if match := _YEAR.match(text):
        return _make(_year(match.group(1)), None, None)
    if match := _WORDS.match(text):
        day, word, year = match.groups()
        return _make(_year(year), _month(word), int(day) if day else None)
    raise ValueError("is not a date this importer reads (e.g. 25.09.2021, 09.2021, 2021)")


def _year(text: str) -> int:
    if len(text) != 4:
        raise ValueError("needs a four-digit year (a two-digit year is not guessed)")
    return int(text)


def _month(word: str) -> int:
    for length in range(len(word), 1, -1):
        month = MONTHS.get(word[:length])
        if month is not None:
            return month
    raise ValueError("has a month name this importer does not know")


def _make(year: int, month: int | None, day: int | None) -> PartialDate:
    try:
        return PartialDate(year, month, day)
    except ValueError as exc:
        raise ValueError(f"is not a real date: {exc}") from None
