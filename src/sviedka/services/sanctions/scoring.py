"""How sure a match between a documented person and a list entry is, and why.

``confidence`` starts from the name score (``sviedka.names.match_names``: the best pair of name
forms, across scripts) and moves with the birth dates and nationality:

==================  ========  ============================================================
birth dates         change    meaning
==================  ========  ============================================================
exact               +0.10     the same day on both sides
compatible          +0.03     they overlap (a year, a month, "circa 1960" holds our date)
unknown             -0.12     one side has none: a name alone never makes "sanctioned"
conflict            -0.30     no listed date can be ours: a namesake, at most "possible"
==================  ========  ============================================================

Nationality (our citizenship against the listed nationality or citizenship): a country in common
+0.02; both known and none in common −0.10; else 0.
A match is **sanctioned** when its confidence reaches the threshold (default 0.9) and the birth
dates agree (exact or compatible): a name alone, however close and whatever the nationality or the
threshold, is at most possible. **Possible** (for review) when the confidence reaches 0.7, or the
name alone reaches the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...model import PartialDate
from .entries import BirthSpan, ListEntry

__all__ = [
    "BIRTH",
    "POSSIBLE",
    "THRESHOLD",
    "Assessment",
    "assess",
    "birth_agreement",
    "nationality_agreement",
]

THRESHOLD = 0.9
POSSIBLE = 0.7
BIRTH = {"exact": 0.10, "compatible": 0.03, "unknown": -0.12, "conflict": -0.30}
_NATIONALITY = {"agrees": 0.02, "differs": -0.10, "unknown": 0.0}
_AGREE = ("exact", "compatible")  # birth dates that let a match be "sanctioned"


@dataclass(frozen=True)
class Assessment:
    status: str  # sanctioned | possible | none
    confidence: float
    birth: str
    nationality: str
    why: tuple[str, ...]


def assess(
    name_score: float,
    name_why: Sequence[str],
    births: Sequence[PartialDate],
    citizenship: frozenset[str],
    entry: ListEntry,
    threshold: float = THRESHOLD,
) -> Assessment:
    birth, birth_why = birth_agreement(births, entry.birth_dates)
    nationality = nationality_agreement(citizenship, entry.nationalities)
    confidence = name_score + BIRTH[birth] + _NATIONALITY[nationality]
    confidence = round(min(1.0, max(0.0, confidence)), 4)
    if confidence >= threshold and birth in _AGREE:
        status = "sanctioned"
    elif confidence >= POSSIBLE or name_score >= threshold:
        status = "possible"
    else:
        status = "none"
    why = (*name_why, birth_why, f"nationality {nationality}")
    return Assessment(status, confidence, birth, nationality, why)


def birth_agreement(ours: Sequence[PartialDate], listed: Sequence[BirthSpan]) -> tuple[str, str]:
    """exact | compatible | unknown | conflict, and a sentence saying which dates."""
    if not ours or not listed:
        return "unknown", "birth date unknown on one side"
    for date in ours:
        for span in listed:
            if date.earliest() == date.latest() == span.earliest == span.latest:
                return "exact", f"birth date {date} = listed {span.text}"
    for date in ours:
        for span in listed:
            if date.earliest() <= span.latest and span.earliest <= date.latest():
                return "compatible", f"birth date {date} fits listed {span.text}"
    shown = "; ".join(s.text for s in listed)
    return "conflict", f"birth date {ours[0]} conflicts with listed {shown}"


def nationality_agreement(ours: frozenset[str], listed: Sequence[str]) -> str:
    theirs = {c.lower() for c in listed}
    if not ours or not theirs:
        return "unknown"
    return "agrees" if ours & theirs else "differs"
