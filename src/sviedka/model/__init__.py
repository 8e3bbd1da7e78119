"""The domain: record kinds as frozen dataclasses, partial dates, vocabularies. No I/O here."""

from __future__ import annotations

from .base import NameForm, Record, SourceLink
from .dates import Certainty, DateRange, PartialDate, Precision
from .detention import (
    Arrest,
    Charge,
    CourtCase,
    Detention,
    DetentionEnd,
    Placement,
    Punishment,
    Recognition,
    Sentence,
)
from .event import Act, Event, Involvement, Role
from .evidence import Consent, Evidence, Testimony
from .intervention import Intervention, InterventionKind, InterventionStatus
from .listing import Designation, Sanction
from .person import Facility, Organisation, OrgKind, Person, PersonSensitive
from .position import Position
from .source import Information, Source, SourceKind
from .vocab import (
    Confidentiality,
    Credibility,
    EndMode,
    Gender,
    Reliability,
    Verdict,
    VocabTerm,
    Vocabulary,
)

__all__ = [
    "KINDS",
    "Act",
    "Arrest",
    "Certainty",
    "Charge",
    "Confidentiality",
    "Consent",
    "CourtCase",
    "Credibility",
    "DateRange",
    "Designation",
    "Detention",
    "DetentionEnd",
    "EndMode",
    "Event",
    "Evidence",
    "Facility",
    "Gender",
    "Information",
    "Intervention",
    "InterventionKind",
    "InterventionStatus",
    "Involvement",
    "NameForm",
    "OrgKind",
    "Organisation",
    "PartialDate",
    "Person",
    "PersonSensitive",
    "Placement",
    "Position",
    "Precision",
    "Punishment",
    "Recognition",
    "Record",
    "Reliability",
    "Role",
    "Sanction",
    "Sentence",
    "Source",
    "SourceKind",
    "SourceLink",
    "Testimony",
    "Verdict",
    "VocabTerm",
    "Vocabulary",
]

KINDS: dict[str, type[Record]] = {
    cls.KIND: cls
    for cls in (
        Person,
        Organisation,
        Detention,
        Event,
        Act,
        Involvement,
        Source,
        Information,
        Evidence,
        Testimony,
        Intervention,
        Designation,
        Sanction,
        Position,
    )
}
