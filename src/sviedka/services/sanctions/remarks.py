"""The remarks column of OFAC's legacy SDN CSV: ``;``-separated facts about the entry.

What is read: ``DOB`` and ``alt. DOB`` (``1954``, ``30 Aug 1954``, ``Aug 1954``, ``circa 1960``,
``1960 to 1962``, ``01 Jan 1960 to 31 Dec 1962``), ``nationality`` and ``citizen`` (country names,
kept as ISO codes), ``Gender``, ``a.k.a. 'NAME'`` and ``f.k.a. 'NAME'``, ``Linked To: NAME``.
Everything else (passports, addresses, tax ids…) is left in the list's file, not read.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from rigour.territories import lookup_territory

from .entries import BirthSpan

__all__ = ["CIRCA_YEARS", "Remarks", "birth_span", "parse_remarks"]

CIRCA_YEARS = 2  # "circa 1960" is read as 1958-1962
_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}
_ONE_DATE = re.compile(r"^(?:(\d{1,2}) )?(?:([A-Z][a-z]{2}) )?(\d{4})$")
_FACT = re.compile(r"^(?:alt\. )?(DOB|nationality|citizen|Gender|Linked To:) (.+)$")
_YEARS = re.compile(r"\b(\d{4})\s*-\s*(\d{4})\b")  # "circa 1979-1982"
_ALIAS = re.compile(r"^([af])\.k\.a\.,? (.+)$")


@dataclass(frozen=True)
class Remarks:
    aliases: tuple[tuple[str, str], ...] = ()  # (name, "alias" | "former")
    birth_dates: tuple[BirthSpan, ...] = ()
    nationalities: tuple[str, ...] = ()
    gender: str | None = None
    linked_to: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def parse_remarks(text: str) -> Remarks:
    found: dict[str, list[str]] = {k: [] for k in ("DOB", "nationality", "Gender", "Linked To:")}
    aliases: list[tuple[str, str]] = []
    for segment in re.split(r";\s+", text.strip()):
        segment = segment.strip().removesuffix(".").strip()
        alias = _ALIAS.match(segment)
        if alias:
            kind = "alias" if alias.group(1) == "a" else "former"
            aliases.append((_unquote(alias.group(2)), kind))
            continue
        fact = _FACT.match(segment)
        if fact:
            key = "nationality" if fact.group(1) == "citizen" else fact.group(1)
            found[key].append(fact.group(2).strip())
    return _remarks(found, aliases)


def _remarks(found: dict[str, list[str]], aliases: list[tuple[str, str]]) -> Remarks:
    spans = [birth_span(text) for text in found["DOB"]]
    countries = [lookup_territory(name) for name in found["nationality"]]
    warnings = []
    if None in spans:
        warnings.append("a birth date in the remarks is not understood; it was left out")
    if None in countries:
        warnings.append("a nationality in the remarks is not a known country; it was left out")
    genders = {g.lower() for g in found["Gender"]}
    return Remarks(
        aliases=tuple(a for a in aliases if a[0]),
        birth_dates=tuple(dict.fromkeys(s for s in spans if s is not None)),
        nationalities=tuple(dict.fromkeys(c.code for c in countries if c is not None)),
        gender=genders.pop() if len(genders) == 1 else None,
        linked_to=tuple(found["Linked To:"]),
        warnings=tuple(warnings),
    )


def _unquote(text: str) -> str:
    """``'NAME'`` without its quotes; a name may hold apostrophes (``'ABU-'UMAR'``) and a cut
    remark may have lost its closing quote."""
    text = text.strip()
    if text.startswith("'"):
        text = text[1:]
    if text.endswith("'"):
        text = text[:-1]
    return text.strip()


def birth_span(text: str) -> BirthSpan | None:
    """A listed birth date as the span of days it may be; ``None`` if not understood."""
    listed = text.strip().removesuffix(".").strip()
    body = _YEARS.sub(r"\1 to \2", listed)
    circa = body.lower().startswith("circa ")
    parts = body[6:].split(" to ") if circa else body.split(" to ")
    bounds = [b for b in (_one_date(p.strip()) for p in parts) if b is not None]
    if len(parts) > 2 or len(bounds) != len(parts):
        return None
    earliest, latest = bounds[0][0], bounds[-1][1]
    if circa:
        earliest = date(earliest.year - CIRCA_YEARS, 1, 1)
        latest = date(latest.year + CIRCA_YEARS, 12, 31)
    if latest < earliest:
        return None
    return BirthSpan(listed, earliest, latest)


def _one_date(text: str) -> tuple[date, date] | None:
    match = _ONE_DATE.match(text)
    if not match:
        return None
    day, month_name, year_text = match.groups()
    year = int(year_text)
    if month_name is None:
        return None if day else (date(year, 1, 1), date(year, 12, 31))
    month = _MONTHS.get(month_name)
    if month is None:
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return date(year, month, 1), date(year, month, last)
    if not 1 <= int(day) <= last:
        return None
    return date(year, month, int(day)), date(year, month, int(day))
