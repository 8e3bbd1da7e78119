"""Incidents, the acts (violations) in them, and who was involved (HURIDOCS ESF)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from .base import Record
from .dates import DateRange
from .vocab import ref_field, vocab_field

__all__ = ["Act", "Event", "Involvement", "Role"]


@dataclass(frozen=True, kw_only=True)
class Event(Record):
    """An incident: what happened, when and where."""

    KIND: ClassVar[str] = "event"

    title: str
    dates: DateRange | None = None
    place: str | None = None
    region: str | None = vocab_field("regions_by", default=None)
    description: str | None = None
    index_terms: tuple[str, ...] = vocab_field("index_term", default=())


@dataclass(frozen=True, kw_only=True)
class Act(Record):
    """One violation against one victim, typed from the HURIDOCS "types of acts" thesaurus."""

    KIND: ClassVar[str] = "act"

    victim: str = ref_field("person")
    type: str = vocab_field("types_of_acts")
    event: str | None = ref_field("event", default=None)
    detention: str | None = ref_field("detention", default=None)
    dates: DateRange | None = None
    place: str | None = None
    method: tuple[str, ...] = vocab_field("methods_of_violence", default=())
    consequences: str | None = None


class Role(StrEnum):
    JUDGE = "judge"
    PROSECUTOR = "prosecutor"
    INVESTIGATOR = "investigator"
    OFFICER = "officer"
    COMMANDER = "commander"
    FACILITY_HEAD = "facility_head"
    FACILITY_STAFF = "facility_staff"
    MEDICAL_STAFF = "medical_staff"
    OFFICIAL = "official"
    OTHER = "other"


@dataclass(frozen=True, kw_only=True)
class Involvement(Record):
    """A perpetrator (person or unit) in an act or a detention, with role and degree."""

    KIND: ClassVar[str] = "involvement"

    perpetrator: str = ref_field("person", "organisation")
    act: str | None = ref_field("act", default=None)
    detention: str | None = ref_field("detention", default=None)
    role: Role = Role.OTHER
    degree: str | None = vocab_field("degrees_of_involvement", default=None)
    perpetrator_type: str | None = vocab_field("types_of_perpetrators", default=None)
    unit: str | None = ref_field("organisation", default=None)  # the unit the person acted for

    def problems(self) -> dict[str, str]:
        if (self.act is None) == (self.detention is None):
            return {"act": "link the involvement to exactly one act or one detention"}
        return {}
