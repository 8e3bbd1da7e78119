"""One deprivation of liberty, kept as dated facts from arrest to release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Record
from .dates import PartialDate
from .vocab import EndMode, ref_field, vocab_field

__all__ = [
    "Arrest",
    "Charge",
    "CourtCase",
    "Detention",
    "DetentionEnd",
    "Placement",
    "Punishment",
    "Recognition",
    "Sentence",
]


@dataclass(frozen=True, kw_only=True)
class Arrest:
    """When and where the person was detained, and by which unit."""

    date: PartialDate | None = None
    place: str | None = None
    unit: str | None = ref_field("organisation", default=None)


@dataclass(frozen=True, kw_only=True)
class Charge:
    """A Criminal Code article (and part) and when it was added to the case, or dropped."""

    article: str = vocab_field("criminal_code_by")
    part: int | None = None
    added: PartialDate | None = None
    dropped: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class CourtCase:
    """A criminal case in one court instance: number, court, judge, prosecutor, verdict."""

    number: str | None = None
    court: str | None = ref_field("organisation", default=None)
    judge: str | None = ref_field("person", default=None)
    prosecutor: str | None = ref_field("person", default=None)
    instance: str = "first"  # first | appeal | supervisory
    verdict_date: PartialDate | None = None
    outcome: str | None = None


@dataclass(frozen=True, kw_only=True)
class Sentence:
    """A penalty imposed: type, term in months, regime, and the words of the sentence."""

    penalty: str = vocab_field("penalty_types")
    date: PartialDate | None = None
    term_months: int | None = None
    regime: str | None = vocab_field("facility_regimes", default=None)
    text: str | None = None  # the sentence as pronounced, verbatim


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Time spent in one facility; ``end`` is empty while the person is still there."""

    facility: str = ref_field("organisation")
    start: PartialDate | None = None
    end: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Punishment:
    """A punishment inside: SHIZO, PKT, cell-type regime, an Art. 411 prosecution…"""

    kind: str = vocab_field("punishment_types")
    start: PartialDate | None = None
    end: PartialDate | None = None
    days: int | None = None
    facility: str | None = ref_field("organisation", default=None)


@dataclass(frozen=True, kw_only=True)
class DetentionEnd:
    """How and when the deprivation of liberty ended."""

    mode: EndMode
    date: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Recognition:
    """Recognition as a political prisoner, e.g. by the joint statement of Belarusian NGOs."""

    date: PartialDate | None = None
    by: str | None = None
    statement: str | None = None  # URL or reference of the statement
    criteria: tuple[str, ...] = vocab_field("pace_criteria", default=())


@dataclass(frozen=True, kw_only=True)
class Detention(Record):
    """One deprivation of liberty of one person, as dated facts from arrest to its end."""

    KIND: ClassVar[str] = "detention"

    person: str = ref_field("person")
    arrest: Arrest | None = None
    charges: tuple[Charge, ...] = ()
    court_cases: tuple[CourtCase, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    placements: tuple[Placement, ...] = ()
    punishments: tuple[Punishment, ...] = ()
    end: DetentionEnd | None = None
    recognition: Recognition | None = None

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        start = self.arrest.date if self.arrest else None
        if start and self.end and self.end.date and self.end.date.certainly_before(start):
            errors["end.date"] = "the detention ends before the arrest"
        for i, p in enumerate(self.placements):
            if p.start and p.end and p.end.certainly_before(p.start):
                errors[f"placements[{i}].end"] = "ends before it starts"
        return errors

    def facts(self) -> int:
        """How many dated facts this detention holds (arrest, charges, sentences, …)."""
        parts = (self.charges, self.court_cases, self.sentences, self.placements, self.punishments)
        singles = (self.arrest, self.end, self.recognition)
        return sum(len(p) for p in parts) + sum(s is not None for s in singles)
